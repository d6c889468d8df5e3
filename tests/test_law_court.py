"""Courts, enforcement, credit cards and reporting law (issue 13): the orderings the
contract asks for, across products and stages; no word of a crime for a card debt; the
interview asks about courts and what can be paid only where a rule reads them.

The single rules are pinned in tests/cases/law_court.toml; these tests walk the
neighbouring situations the cases do not list one by one.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from conftest import consult, situation

from advisor.texts.catalog import catalog
from advisor.ui.interview import why
from advisor.ui.questions import QUESTIONS, Slot, walk

LICENSED = [
    {"product": "credit_card"},
    {"product": "bank_loan"},
    {"product": "huabei"},
    {"product": "weilidai"},
    {"product": "online_loan", "lender": "licensed"},
]
COURT = ("summons", "judgment", "enforcement")
PAYMENTS = ("negotiate_repayment", "request_card_installment", "settle_overdue", "honor_agreement")


def order(advice) -> list[str]:
    return [action.code for action in sorted(advice.actions, key=lambda a: a.priority)]


def effect(advice, topic: str, code: str) -> str | None:
    return next((e.likelihood.value for e in advice.topics[topic].effects if e.code == code), None)


@pytest.mark.parametrize(
    ("debt", "stage", "capacity"),
    list(itertools.product(LICENSED, COURT, ("full", "partial", "none", None))),
    ids=lambda value: value["product"] if isinstance(value, dict) else str(value),
)
def test_a_court_case_is_answered_first_and_makes_the_lawsuit_certain(debt, stage, capacity):
    advice = consult(situation({**debt, "overdue_days": 200, "legal_stage": stage}, repayment_capacity=capacity))
    actions = order(advice)
    assert actions[0] == "respond_to_court"  # no safety flag here: the court comes first
    assert all(actions.index("respond_to_court") < actions.index(code) for code in PAYMENTS if code in actions)
    assert effect(advice, "collection", "lawsuit_risk") == "certain"


@pytest.mark.parametrize(
    ("debt", "capacity", "days"),
    list(itertools.product(LICENSED, ("partial", "none"), (10, 45, 200))),
    ids=lambda value: value["product"] if isinstance(value, dict) else str(value),
)
def test_who_cannot_pay_in_full_negotiates_before_settling(debt, capacity, days):
    actions = order(consult(situation({**debt, "overdue_days": days}, repayment_capacity=capacity)))
    assert actions.index("negotiate_repayment") < actions.index("settle_overdue")
    if debt["product"] == "credit_card":
        assert actions.index("request_card_installment") < actions.index("settle_overdue")
    else:
        assert "request_card_installment" not in actions


@pytest.mark.parametrize("debt", LICENSED, ids=lambda d: d["product"])
def test_who_can_pay_in_full_settles_first(debt):
    actions = order(consult(situation({**debt, "overdue_days": 45}, repayment_capacity="full")))
    assert actions.index("settle_overdue") < actions.index("negotiate_repayment")
    assert "request_card_installment" not in actions


def test_an_unknown_or_unlicensed_lender_is_checked_before_any_negotiation():
    for lender in ("unlicensed", "unknown"):
        advice = consult(
            situation({"product": "online_loan", "lender": lender, "overdue_days": 60}, repayment_capacity="none")
        )
        actions = order(advice)
        assert actions.index("verify_debt") < actions.index("negotiate_repayment"), lender


@pytest.mark.parametrize("stage", ["judgment", "enforcement"])
@pytest.mark.parametrize("capacity", ["full", "partial", "none"])
def test_after_a_judgment_wechat_balances_are_at_risk_but_wechat_itself_stays(stage, capacity):
    advice = consult(
        situation({"product": "bank_loan", "overdue_days": 400, "legal_stage": stage}, repayment_capacity=capacity)
    )
    assert effect(advice, "wechat", "basic_unaffected") == "likely"
    assert effect(advice, "wechat", "balance_freeze_risk") == {"judgment": "possible", "enforcement": "likely"}[stage]
    assert effect(advice, "collection", "court_enforcement") == {"judgment": "likely", "enforcement": "certain"}[stage]
    # L6: the dishonest list is for those able to pay who refuse; with nothing to pay, only the ban.
    assert effect(advice, "collection", "dishonest_list_risk") == ("unlikely" if capacity == "none" else "possible")


# Words of crime and punishment: a card debt alone never calls for them (K12: intent, two
# demands 30 days apart and 3 months unpaid after are never all in a Situation).
CRIME_WORDS = ("犯罪", "刑", "坐牢", "判刑", "拘留", "恶意透支", "crime", "criminal", "prison", "jail", "overdraft")


@pytest.mark.parametrize(
    ("amount", "capacity", "stage"),
    list(itertools.product((3_000, 49_999, 50_000, 200_000), ("full", "partial", "none", None), (None, *COURT))),
)
def test_a_card_debt_never_brings_words_of_crime(amount, capacity, stage):
    card = {"product": "credit_card", "overdue_days": 200, "overdue_amount_cny": amount, "legal_stage": stage}
    for lang in ("zh", "en"):
        text = consult(situation(card, repayment_capacity=capacity), lang=lang).model_dump_json().lower()
        assert [word for word in CRIME_WORDS if word in text] == [], (lang, amount, capacity, stage)


def test_the_limitation_text_explains_the_restart_and_never_counsels_waiting():
    advice = consult(situation({"product": "bank_loan", "overdue_days": 400}), lang="zh")
    explained = catalog("zh").on(date(2026, 11, 30)).rule("collection.limitation_restarts_with_demands")
    assert "重新计算" in explained and "3年" in explained  # the period and its restart, from the parameter
    assert explained in advice.model_dump_json()  # said in the advice itself
    assert "collection.limitation_restarts_with_demands" in {entry.rule for entry in advice.trace}
    assert order(advice)[0] == "settle_overdue"  # nothing advises waiting it out


# --- the interview -------------------------------------------------------------------------

ONE_DEBT = {("has_debts", None): True, ("label", 0): None, ("more_debts", 0): False}


def asked(answers) -> list[str]:
    return [slot.question.id for slot in walk(answers)]


def test_a_small_huabei_overdue_is_not_asked_about_courts():
    answers = {**ONE_DEBT, ("product", 0): "huabei", ("overdue_days", 0): 10, ("settled", 0): False}
    assert "legal_stage" not in asked(answers)
    assert "legal_stage" not in asked({**answers, ("settled", 0): True})


def test_a_long_overdue_is_asked_about_courts_and_what_can_be_paid():
    answers = {**ONE_DEBT, ("product", 0): "credit_card", ("overdue_days", 0): 120, ("settled", 0): False}
    ids = asked(answers)
    assert "legal_stage" in ids and "repayment_capacity" in ids


def test_a_settled_overdue_is_asked_neither():
    answers = {**ONE_DEBT, ("product", 0): "credit_card", ("overdue_days", 0): 120, ("settled", 0): True}
    ids = asked(answers)
    assert "legal_stage" not in ids and "repayment_capacity" not in ids


def test_why_names_the_court_rules_for_the_court_question():
    answers = {**ONE_DEBT, ("product", 0): "credit_card", ("overdue_days", 0): 120, ("settled", 0): False}
    info = why(answers, Slot(QUESTIONS["legal_stage"], 0))
    assert {"collection.court_case_started", "remediation.respond_to_court"} <= set(info.rules)
    assert "respond_to_court" in info.actions
    assert "court_enforcement" in info.effects["collection"]


def test_why_names_the_ordering_rules_for_what_can_be_paid():
    answers = {**ONE_DEBT, ("product", 0): "credit_card", ("overdue_days", 0): 45, ("settled", 0): False}
    info = why(answers, Slot(QUESTIONS["repayment_capacity"]))
    assert {"remediation.negotiate_first_when_short", "remediation.request_card_installment"} <= set(info.rules)


@pytest.mark.parametrize(
    ("rule", "parameter", "debt", "capacity"),
    [
        ("collection.limitation_restarts_with_demands", "law.limitation_years", {"product": "bank_loan"}, None),
        (
            "collection.dishonest_list_if_able_to_pay",
            "law.dishonest_list_years",
            {"product": "bank_loan", "legal_stage": "judgment"},
            "partial",
        ),
        ("remediation.request_card_installment", "law.card_installment_max_years", {"product": "credit_card"}, "none"),
    ],
)
def test_a_rule_stating_a_law_is_silent_before_the_law_is_in_force(rule, parameter, debt, capacity):
    from credit_advisor.facts.parameters import all_parameters

    first = all_parameters()[parameter].periods[0].start
    fired = {}
    for day in (first - timedelta(days=1), first):
        data = situation({**debt, "overdue_days": 400}, repayment_capacity=capacity, as_of=day.isoformat())
        fired[day] = rule in {entry.rule for entry in consult(data, lang="zh").trace}
    assert list(fired.values()) == [False, True]
