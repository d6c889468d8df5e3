"""experta facts: what the rules match on, and one conversion from a Situation.

One wide fact per debt and one for the person keep the Rete network small (see
shared/spec/engine-notes.md: few facts, mostly single-pattern rules, ran 3x faster).
"""

from __future__ import annotations

from .bands import amount_band, count_band, hardship_kind, inquiry_band, overdue_band, settled_age, zhima_band
from .enums import ALIPAY_MICRO_LOANS, CALM_CODES, Likelihood, Topic
from .experta_compat import Fact
from .situation import Situation

ALARMING = (Likelihood.certain.value, Likelihood.likely.value, Likelihood.possible.value)


class DebtFact(Fact):
    """One debt with its plain attributes banded (`band`, `age`, `size`)."""


class PersonFact(Fact):
    """The person-level answers, banded."""


class PlanFact(Fact):
    """Something the person intends to apply for soon."""


class OnReport(Fact):
    """Finding: how likely this debt's overdue shows on the PBOC credit report."""


class Effect(Fact):
    """Conclusion: an effect on a topic, for one debt (`debt` = -1: the person)."""


class Action(Fact):
    """Conclusion: something to do; `rank` orders actions, lower first."""


PERSON = -1


def effect(topic: Topic, code: str, likelihood: Likelihood, debt: int) -> Effect:
    harmful = code != CALM_CODES[topic]
    return Effect(
        topic=topic.value,
        code=code,
        likelihood=likelihood.value,
        debt=debt,
        harmful=harmful,
        alarming=harmful and likelihood.value in ALARMING,
    )


def situation_to_facts(situation: Situation) -> list[Fact]:
    """The experta facts for a situation, in a stable order."""
    facts: list[Fact] = []
    for index, debt in enumerate(situation.debts):
        facts.append(
            DebtFact(
                debt=index,
                product=debt.product.value,
                lender=debt.lender.value,
                band=overdue_band(debt.overdue_days),
                open=debt.overdue_days > 0 and not debt.settled,
                settled=debt.settled,
                age=settled_age(debt.settled, debt.months_since_settled),
                reported=debt.reported.value,
                negotiation=debt.negotiation.value,
                alipay=debt.product in ALIPAY_MICRO_LOANS,
                size=amount_band(debt.amount_cny),
            )
        )
    collection = situation.collection
    facts.append(
        PersonFact(
            debts=len(situation.debts),
            overdue=any(d.overdue_days > 0 for d in situation.debts),
            overdue_debts=count_band(sum(d.overdue_days > 0 for d in situation.debts)),
            zhima=zhima_band(situation.zhima_score),
            inquiries=inquiry_band(situation.credit_inquiries_6m),
            hardship=hardship_kind(situation.hardship),
            proof=situation.hardship_proof,
            employer_links_credit=situation.employer_links_credit,
            dingtalk_finance=situation.uses_dingtalk_finance,
            alipay_authorized=situation.dingtalk_alipay_credit_authorized,
            enterprise_owner=situation.enterprise_owner,
            contacts_harassed=collection.contacts_harassed,
            threatened=collection.threatened_or_insulted,
            wechat_contacted=collection.contacted_on_wechat,
        )
    )
    facts.extend(PlanFact(plan=plan.value) for plan in situation.plans)
    return facts
