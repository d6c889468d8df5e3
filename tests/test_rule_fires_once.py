"""A rule concludes a thing once: person-level advice fires once per person, a debt's
finding once per debt, however many answers or debts point to it (the trace shows no
firing that repeats another's conclusion for the same reason)."""

from __future__ import annotations

import collections
import json

import pytest
from conftest import PROJECT, collection, consult, debt, situation

HUABEI_45 = debt("huabei", lender="licensed", overdue_days=45, reported="yes")
JIEBEI_10 = debt("jiebei", lender="licensed", overdue_days=10, reported="unknown")
REPORTED_10 = debt("online_loan", lender="licensed", overdue_days=10, reported="yes")


def firings_of(advice) -> collections.Counter:
    return collections.Counter(entry.rule for entry in advice.trace)


# (rule, situation, how many times it fires): each would have fired more often when
# the rule matched every debt, every plan or every overlapping branch.
CASES = {
    "two overdue Alipay debts and a low Zhima score: watch the score, said once": (
        "remediation.monitor_zhima",
        situation(HUABEI_45, JIEBEI_10, zhima_score=550),
        1,
    ),
    "a low Zhima score next to an overdue elsewhere: said once": (
        "remediation.monitor_zhima",
        situation(REPORTED_10, zhima_score=550),
        1,
    ),
    "two plans and two debts on the report: borrow within means, once per debt": (
        "remediation.borrow_within_means",
        situation(REPORTED_10, {**REPORTED_10, "overdue_days": 40}, plans=["mortgage", "credit_card"]),
        2,
    ),
    "a recently repaid overdue that is on the report, over 30 days and on Alipay: once": (
        "huabei.repaid_may_keep_lower_limit",
        situation({**HUABEI_45, "settled": True, "months_since_settled": 2}),
        1,
    ),
    "a recently repaid short overdue with an unlicensed platform, not reported: once": (
        "huabei.repaid_may_keep_lower_limit",
        situation(debt(lender="unlicensed", overdue_days=10, reported="no", settled=True, months_since_settled=2)),
        1,
    ),
    "an open Alipay overdue on the report: WeChat's credit services, once": (
        "wechat.credit_services_may_be_limited",
        situation(HUABEI_45),
        1,
    ),
    "threats, harassed contacts and collection on WeChat: keep the evidence, said once": (
        "remediation.keep_collection_evidence",
        situation(
            REPORTED_10,
            collection=collection(threatened_or_insulted=True, contacts_harassed=True, contacted_on_wechat=True),
        ),
        1,
    ),
    "only contacts harassed: keep the evidence, said once": (
        "remediation.keep_collection_evidence",
        situation(REPORTED_10, collection=collection(contacts_harassed=True)),
        1,
    ),
    "threats and harassed contacts: illegal collection, once": (
        "collection.threats_are_illegal",
        situation(REPORTED_10, collection=collection(threatened_or_insulted=True, contacts_harassed=True)),
        1,
    ),
    "collection on WeChat and harassed contacts: the social circle is reached, once": (
        "wechat.collection_reaches_social_circle",
        situation(REPORTED_10, collection=collection(contacts_harassed=True, contacted_on_wechat=True)),
        1,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_rule_fires_once_for_one_reason(case):
    rule, data, times = CASES[case]
    assert firings_of(consult(data))[rule] == times


NEAR_MISSES = {
    "an overdue credit card (not Alipay) and a Zhima score of 650: no Zhima advice": (
        "remediation.monitor_zhima",
        situation(debt("credit_card", overdue_days=5), zhima_score=650),
    ),
    "plans but nothing on the report: no warning about new credit": (
        "remediation.borrow_within_means",
        situation(debt(lender="licensed", overdue_days=10, reported="no"), plans=["mortgage"]),
    ),
    "a recently repaid short overdue with a licensed lender, not reported, not Alipay: no Huabei effect": (
        "huabei.repaid_may_keep_lower_limit",
        situation(debt(lender="licensed", overdue_days=10, reported="no", settled=True, months_since_settled=2)),
    ),
    "collectors not heard from (answers no or unknown): no evidence to keep": (
        "remediation.keep_collection_evidence",
        situation(REPORTED_10, collection={"threatened_or_insulted": False, "contacts_harassed": None}),
    ),
}


@pytest.mark.parametrize("case", list(NEAR_MISSES))
def test_the_rule_stays_silent_when_no_reason_holds(case):
    rule, data = NEAR_MISSES[case]
    assert rule not in firings_of(consult(data))


def repeated_firings(advice) -> list[tuple[str, tuple[str, ...]]]:
    seen = collections.Counter((entry.rule, tuple(m.fact for m in entry.matched)) for entry in advice.trace)
    return [key for key, count in seen.items() if count > 1]


def test_no_firing_repeats_a_rule_on_the_same_facts():
    # experta's normal form splits an OR into branches; overlapping branches fired the
    # rule twice on the same facts, the second time concluding nothing.
    examples = sorted((PROJECT / "examples").glob("*.json"))
    assert examples
    for path in examples:
        assert repeated_firings(consult(json.loads(path.read_text(encoding="utf-8")))) == [], path.name
    for case, (_, data, _) in CASES.items():
        assert repeated_firings(consult(data)) == [], case
