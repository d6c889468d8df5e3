"""experta facts: what the rules match on, and one conversion from a Situation.

One wide fact per debt and one for the person keep the Rete network small (see
shared/spec/engine-notes.md: few facts, mostly single-pattern rules, ran 3x faster).
"""

from __future__ import annotations

from .bands import count_band, hardship_kind, inquiry_band, overdue_band, settled_age, zhima_band
from .enums import ALIPAY_MICRO_LOANS, HARMLESS_CODES, Likelihood, Topic
from .experta_compat import Fact
from .parameters import parameters_on
from .policy_dates import overdue_size, repaid_band, repair_period
from .situation import Situation, dated

ALARMING = (Likelihood.certain.value, Likelihood.likely.value, Likelihood.possible.value)


# What experta stores as it is (its `freeze` returns these unchanged).
SCALARS = frozenset({str, int, float, bool, type(None)})


class KbFact(Fact):
    """An experta Fact built without per-slot work when every value is a plain scalar.

    experta's constructor sends each slot through `__setitem__` and `freeze`, which
    return scalars unchanged; a consultation builds a few hundred facts, so the
    shortcut matters.  Patterns in rules (values like `MATCH.debt` or `L(...)`) still
    take experta's own path.  `plain` tells the engine it need not re-check, at
    declaration, that the fact holds no pattern and no nested accessor.
    """

    plain = True  # set False on the instance by any other way of filling it

    def __init__(self, *args, **slots):
        if args or not _plain_slots(slots):
            self.plain = False
            super().__init__(*args, **slots)
            return
        # experta keeps per-instance defaults only for declared Fields; we have none.
        dict.update(self, slots)

    def __setitem__(self, key, value):
        self.plain = False  # whatever is set now is checked again at declaration
        super().__setitem__(key, value)

    @classmethod
    def _of_plain(cls, slots: dict):
        """A fact from slots already known to be plain: for `effect()`, whose slots are
        codes, booleans and the debt index by construction."""
        fact = dict.__new__(cls)
        dict.update(fact, slots)
        return fact


_PLAIN_KEYS: set[tuple[str, ...]] = set()


def _plain_slots(slots: dict) -> bool:
    if not SCALARS.issuperset(map(type, slots.values())):
        return False
    keys = tuple(slots)
    if keys not in _PLAIN_KEYS:
        # experta refuses to declare keys with an inner "__" (nested accessors).
        if any("__" in key.strip("_") for key in keys):
            return False
        _PLAIN_KEYS.add(keys)
    return True


assert not KbFact.__fields__, "KbFact skips experta's per-instance Field defaults"


class DebtFact(KbFact):
    """One debt with its plain attributes banded (`band`, `age`, `size`)."""


class PersonFact(KbFact):
    """The person-level answers, banded."""


class PlanFact(KbFact):
    """Something the person intends to apply for soon."""


class OnReport(KbFact):
    """Finding: how likely this debt's overdue shows on the PBOC credit report."""


class RecordStatus(KbFact):
    """Finding: what the rule that judged this debt's record says of its display
    (`visible_while_unpaid`, `visible_until`, `unknown`, `aged_off`, `hidden_by_repair`)."""


class RepairStatus(KbFact):
    """Finding: how the one-time credit repair stands for this debt (K4)."""


class Effect(KbFact):
    """Conclusion: an effect on a topic, for one debt (`debt` = -1: the person)."""


class Action(KbFact):
    """Conclusion: something to do; `rank` orders actions, lower first."""


PERSON = -1


_EFFECT_SLOTS: dict[tuple, tuple] = {}


# Conclusions are made by these three functions only (rules.base): each checks the types
# of its slots, so a conclusion's values alone say how it is written (advisor.analysis.aggregate
# remembers that text by values; 1 and True never meet in one slot).


def effect(topic: Topic, code: str, likelihood: Likelihood, debt: int, rule: str = "") -> Effect:
    # The slots that follow from (topic, code, likelihood) are worked out once each.
    key = (id(topic), code, id(likelihood))  # enum members are singletons; their hash is slow
    fixed = _EFFECT_SLOTS.get(key)
    if fixed is None:
        harmful = code not in HARMLESS_CODES[topic]
        fixed = (topic.value, likelihood.value, harmful, harmful and likelihood.value in ALARMING)
        _EFFECT_SLOTS[key] = fixed
    topic_value, likelihood_value, harmful, alarming = fixed
    if type(code) is not str or type(debt) is not int or type(rule) is not str:
        raise TypeError(f"effect(): code and rule must be str and debt an int, not {code!r}, {rule!r}, {debt!r}")
    return Effect._of_plain(
        {
            "topic": topic_value,
            "code": code,
            "likelihood": likelihood_value,
            "debt": debt,
            "harmful": harmful,
            "alarming": alarming,
            "rule": rule,
        }
    )


def action(code: str, rank: int, debt: int, rule: str = "") -> Action:
    if type(code) is not str or type(rank) is not int or type(debt) is not int or type(rule) is not str:
        raise TypeError(
            f"action(): code and rule must be str, rank and debt int, not {code!r}, {rule!r}, {rank!r}, {debt!r}"
        )
    return Action._of_plain({"code": code, "rank": rank, "debt": debt, "rule": rule})


def on_report(debt: int, likelihood: Likelihood, rule: str = "") -> OnReport:
    if type(debt) is not int or type(rule) is not str:
        raise TypeError(f"on_report(): debt must be an int and rule a str, not {debt!r}, {rule!r}")
    return OnReport._of_plain({"debt": debt, "likelihood": Likelihood(likelihood).value, "rule": rule})


def record_status(debt: int, status: str, rule: str = "") -> RecordStatus:
    if type(debt) is not int or type(status) is not str or type(rule) is not str:
        raise TypeError(f"record_status(): debt must be an int, status and rule str, not {debt!r}, {status!r}")
    return RecordStatus._of_plain({"debt": debt, "status": status, "rule": rule})


def repair_status(debt: int, status: str, rule: str = "") -> RepairStatus:
    if type(debt) is not int or type(status) is not str or type(rule) is not str:
        raise TypeError(f"repair_status(): debt must be an int, status and rule str, not {debt!r}, {status!r}")
    return RepairStatus._of_plain({"debt": debt, "status": status, "rule": rule})


def situation_to_facts(situation: Situation) -> list[Fact]:
    """The experta facts for a situation, in a stable order, banded with the parameters
    in force on its `as_of` day (today, if it has none)."""
    situation = dated(situation)
    assert situation.as_of is not None
    values = parameters_on(situation.as_of)
    facts: list[Fact] = []
    for index, debt in enumerate(situation.debts):
        facts.append(
            DebtFact(
                debt=index,
                product=debt.product.value,
                lender=debt.lender.value,
                band=overdue_band(debt.overdue_days, values),
                open=debt.overdue_days > 0 and not debt.settled,
                settled=debt.settled,
                age=settled_age(debt.settled, debt.months_since_settled, values),
                reported=debt.reported.value,
                negotiation=debt.negotiation.value,
                alipay=debt.product in ALIPAY_MICRO_LOANS,
                # The one-time credit repair (K4): where the overdue's dates and amount
                # fall against the policy, on `as_of` (facts/policy_dates.py).
                repair_period=repair_period(
                    debt.overdue_days, debt.settled, debt.months_since_settled, situation.as_of, values
                ),
                repaid=repaid_band(debt.settled, debt.overdue_days, debt.months_since_settled, situation.as_of, values),
                overdue_size=overdue_size(debt.overdue_amount_cny, values),
            )
        )
    collection = situation.collection
    facts.append(
        PersonFact(
            debts=len(situation.debts),
            overdue=any(d.overdue_days > 0 for d in situation.debts),
            overdue_debts=count_band(sum(d.overdue_days > 0 for d in situation.debts)),
            # Person-level summaries for person-level conclusions: a rule matching each
            # debt instead would fire once per debt to conclude one thing.
            alipay_overdue=any(d.overdue_days > 0 and d.product in ALIPAY_MICRO_LOANS for d in situation.debts),
            new_credit=bool(situation.plans),
            zhima=zhima_band(situation.zhima_score, values),
            inquiries=inquiry_band(situation.credit_inquiries_6m, values),
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
