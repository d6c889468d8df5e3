"""Texts that fit the person: Huabei's fee rate only for a Huabei debt, Alipay's page and
95188 only where Alipay credit is involved, no serious Weilidai topic for someone without
Weilidai, no "Huabei unaffected" soon after a Huabei overdue, and a warning that names
the fields of a contradictory input.  The texts follow the rule that fired (derived),
never a condition restated in the report's code."""

from __future__ import annotations

import pytest
from conftest import TEST_DAY, consult, debt, effect, situation
from hypothesis import given
from hypothesis import strategies as st
from report_text import EXAMPLES, example, report
from strategies import debts, property_settings, situations

HUABEI_RATE = "0.05%"
ALIPAY_HOTLINE = "95188"


def alipay_credit(data: dict) -> bool:
    products = {item.get("product") for item in data.get("debts", [])}
    return bool(products & {"huabei", "jiebei"}) or "huabei" in (data.get("plans") or [])


def open_huabei_overdue(data: dict) -> bool:
    return any(
        item.get("product") == "huabei" and item.get("overdue_days", 0) > 0 and not item.get("settled", False)
        for item in data.get("debts", [])
    )


def check_fits(data: dict) -> None:
    for lang in ("zh", "en"):
        advice = consult(data, lang=lang)
        printed = report(advice, width=4000, details=True)
        assert (HUABEI_RATE in printed) == open_huabei_overdue(data), lang
        if ALIPAY_HOTLINE in printed:
            assert alipay_credit(data), lang


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda path: path.stem)
def test_every_example_quotes_huabei_and_alipay_only_to_their_users(path):
    check_fits(example(path.stem))


@property_settings()
@given(situations(st.lists(debts(), max_size=3)).map(lambda data: {**data, "as_of": TEST_DAY}))
def test_random_situations_quote_huabei_and_alipay_only_to_their_users(data):
    check_fits(data)


def test_a_weilidai_only_borrower_is_not_sent_to_the_huabei_page_or_95188():
    alone = situation(debt("weilidai", overdue_days=40, reported="yes"))
    codes = [action.code for action in consult(alone).actions]
    assert "check_huabei_notice" not in codes and "contact_alipay_support" not in codes
    assert effect(consult(alone), "huabei", "limit_reduced").likelihood.value == "likely"  # the effect stays
    planned = [action.code for action in consult({**alone, "plans": ["huabei"]}).actions]
    assert "check_huabei_notice" in planned and "contact_alipay_support" in planned


def test_a_huabei_overdue_repaid_within_two_years_does_not_leave_huabei_unaffected():
    for months in (0, 6, 8, 23):
        advice = consult(situation(debt("huabei", overdue_days=40, settled=True, months_since_settled=months)))
        assert effect(advice, "huabei", "unaffected") is None, months
        assert effect(advice, "huabei", "limit_reduced").likelihood.value == "possible", months
    later = consult(situation(debt("huabei", overdue_days=40, settled=True, months_since_settled=24)))
    assert effect(later, "huabei", "unaffected").likelihood.value == "likely"


def test_a_person_without_weilidai_gets_no_serious_weilidai_heading():
    for lang, heading in (("zh", "微粒贷 · 需要重视"), ("en", "Weilidai · take seriously")):
        printed = report(consult(example("huabei_overdue_40_days_report_unknown"), lang=lang))
        assert heading not in printed
        owes = situation(debt("weilidai", overdue_days=40))
        assert heading in report(consult(owes, lang=lang))


def test_a_broken_agreement_on_a_debt_never_overdue_is_warned_about_naming_both_fields():
    for lang in ("zh", "en"):
        advice = consult(situation(debt("online_loan", overdue_days=0, negotiation="agreement_broken")), lang=lang)
        warning = next(w for w in advice.warnings if "debts[0].negotiation" in w)
        assert "debts[0].overdue_days" in warning
        assert "".join(warning.split()) in "".join(report(advice).split())  # shown, however wrapped
    kept = consult(situation(debt("online_loan", overdue_days=40, negotiation="agreement_broken")))
    assert not kept.warnings
