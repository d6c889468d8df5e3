"""Condition pieces shared by several topic modules, named for what they mean."""

from functools import reduce
from operator import or_

from credit_advisor.facts.enums import Likelihood
from credit_advisor.facts.experta_compat import MATCH, NOT, OR, L
from credit_advisor.facts.kb import DebtFact, Effect, OnReport, PersonFact

STRONG = reduce(or_, (L(item.value) for item in Likelihood.down_to(Likelihood.likely)))
SOME_CHANCE = reduce(or_, (L(item.value) for item in Likelihood.down_to(Likelihood.possible)))
OVERDUE = ~L("none")  # band: the debt has been overdue at some time
OVER_30_DAYS = L("medium") | L("long")
NOT_LICENSED = L("unlicensed") | L("unknown")
# How far the lender has gone towards court (DebtFact.stage; contract v2 legal_stage).
# The court rules read it past 30 days overdue only: lenders almost never sue sooner (E10),
# so a short overdue is not asked about courts.
COURT_STAGES = L("summons") | L("judgment") | L("enforcement")  # a court has the case
JUDGED = L("judgment") | L("enforcement")  # a judgment exists: enforcement can follow
BEFORE_COURT = L("none") | L("threatened") | L("unknown")
STILL_VISIBLE = ~L("aged_off")  # age: settled less than five years ago, or not settled
MANY_INQUIRIES = L("grey") | L("overload")
# No official inquiry limit exists: 6-10 in six months is a grey zone, more is overload (E8).
INQUIRY_LIKELIHOOD = {"grey": Likelihood.possible, "overload": Likelihood.likely}


def not_hidden_by_repair():
    """The one-time credit repair (K4) does not hide this debt's overdue: a hidden record
    is not displayed to anyone who reads the report (credit_report.repair_hides_qualifying_
    overdue concludes it at the findings' salience, before any rule that reads this)."""
    return NOT(Effect(topic="credit_report", code="hidden_by_repair", likelihood="likely", debt=MATCH.debt))


# A debt's overdue that probably shows on the PBOC report: not aged off, not hidden.
def strong_report():
    return (
        DebtFact(debt=MATCH.debt, age=STILL_VISIBLE),
        OnReport(debt=MATCH.debt, likelihood=STRONG),
        not_hidden_by_repair(),
    )


# Any sign (strong or possible) that the person has a negative record.
def some_report(likelihood=SOME_CHANCE):
    return (
        DebtFact(debt=MATCH.debt, age=STILL_VISIBLE),
        OnReport(debt=MATCH.debt, likelihood=MATCH.likelihood & likelihood),
        not_hidden_by_repair(),
    )


def record_kept_past_five_years():
    """The person still sees on the report an overdue settled five or more years ago (E4)."""
    return DebtFact(debt=MATCH.debt, reported="yes", age="aged_off")


def many_inquiries():
    return PersonFact(inquiries=MATCH.band & MANY_INQUIRIES)


def alarming(topic: str):
    return Effect(topic=topic, alarming=True)


def capped_at_likely(likelihood: str) -> Likelihood:
    """A certain record makes a third party's reaction likely, never certain."""
    return Likelihood.likely if likelihood == Likelihood.certain else Likelihood(likelihood)


def any_person_flag(*slots: str):
    """Any of the person's yes/no/unknown answers is yes.  Each branch asks that the ones
    before it are not yes, so the branches exclude each other and the rule fires once,
    however many answers are yes."""
    return OR(
        *(
            PersonFact(**{earlier: ~L(True) for earlier in slots[:index]}, **{slot: True})
            for index, slot in enumerate(slots)
        )
    )
