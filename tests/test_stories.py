"""The sources' own stories, told as situations: exact effects, likelihoods, actions and
the rules that carried them (shared/spec/knowledge.md: D2, R3, C7, C4/C5, C1/H2, X4/L4)."""

from __future__ import annotations

import re

import pytest
from conftest import (
    TOPICS,
    action,
    action_codes,
    collection,
    consult,
    debt,
    effect,
    effects_of,
    findings,
    fired,
    harmful_strengths,
    likelihood_of,
    situation,
)

# --- (a) the employee whose employer ties reimbursement approval to credit (000, D2/D6) --------

EMPLOYEE = situation(
    debt("online_loan", lender="licensed", overdue_days=40, reported="yes"),
    employer_links_credit=True,
)


def test_an_employer_that_links_credit_likely_restricts_the_employee_but_dingtalk_itself_is_unaffected():
    advice = consult(EMPLOYEE)
    assert effects_of(advice, "dingtalk") == {"platform_unaffected": "certain", "employer_rule_restriction": "likely"}
    restriction = effect(advice, "dingtalk", "employer_rule_restriction")
    assert restriction.rules[0] == "dingtalk.employer_rule_restriction"
    assert "credit_report.stated_on_report" in restriction.rules
    assert restriction.debts == [0]


def test_the_restricted_employee_is_told_to_talk_to_hr_after_settling():
    advice = consult(EMPLOYEE)
    codes = action_codes(advice)
    assert "talk_to_hr" in codes
    assert codes[:2] == ["settle_overdue", "negotiate_repayment"]
    assert action(advice, "talk_to_hr").rules == [
        "remediation.talk_to_hr",
        "dingtalk.employer_rule_restriction",
        "credit_report.stated_on_report",
    ]
    assert {"dingtalk.employer_rule_restriction", "remediation.talk_to_hr"} <= fired(advice)


def test_an_overdue_the_employee_saw_on_the_report_is_certainly_a_negative_record():
    advice = consult(EMPLOYEE)
    assert effects_of(advice, "credit_report") == {"negative_record": "certain"}


def test_an_employee_who_does_not_know_the_employers_rules_gets_no_restriction_and_no_hr_advice():
    advice = consult({**EMPLOYEE, "employer_links_credit": None})
    assert effects_of(advice, "dingtalk") == {"platform_unaffected": "certain"}
    assert "talk_to_hr" not in action_codes(advice)


# --- (b) the hospitalised borrower: proof, negotiation, dispute (000 R3, evidence E6/E7) -------

HOSPITALISED = situation(
    debt("online_loan", lender="licensed", overdue_days=60, reported="yes", negotiation="agreement_honored"),
    hardship="illness",
    hardship_proof=True,
)


def test_the_hospitalised_borrower_keeps_the_agreement_first_then_gathers_proof_and_may_dispute():
    advice = consult(HOSPITALISED)
    assert action_codes(advice)[:3] == ["honor_agreement", "non_malicious_proof", "credit_dispute"]
    # the agreed plan replaces "repay at once" and "ask to negotiate"
    assert "negotiate_repayment" not in action_codes(advice)
    assert "settle_overdue" not in action_codes(advice)
    assert {
        "remediation.keep_the_agreement",
        "remediation.non_malicious_proof",
        "remediation.dispute_with_hardship_proof",
    } <= fired(advice)


def test_an_honoured_agreement_does_not_erase_an_overdue_already_on_the_report():
    advice = consult(HOSPITALISED)
    assert likelihood_of(advice, "credit_report", "negative_record") == "certain"
    assert likelihood_of(advice, "credit_report", "no_negative_record") is None


def test_a_credit_dispute_is_offered_for_wrong_records_and_never_promised_as_deletion():
    english = action(consult(HOSPITALISED, lang="en"), "credit_dispute").text
    assert re.search(r"\b(wrong|incorrect|error)", english, re.IGNORECASE), english
    assert not re.search(r"(?<!not )\b(deleted|removed|erased|wiped)\b", english, re.IGNORECASE), english
    chinese = action(consult(HOSPITALISED, lang="zh"), "credit_dispute").text
    assert "误" in chinese
    assert not re.search(r"(?<!不会被)(?<!不能)删除", chinese), chinese


def test_without_documents_the_hospitalised_borrower_is_not_sent_to_dispute():
    advice = consult({**HOSPITALISED, "hardship_proof": False})
    assert "credit_dispute" not in action_codes(advice)
    assert "non_malicious_proof" in action_codes(advice)


# --- (c) 17 applications in half a year, no overdue, a mortgage planned (000, C7/E8) -----------

MANY_APPLICATIONS = situation(credit_inquiries_6m=17, plans=["mortgage"])


def test_seventeen_applications_in_half_a_year_likely_overload_the_report_and_endanger_the_mortgage():
    advice = consult(MANY_APPLICATIONS)
    assert effects_of(advice, "credit_report") == {"inquiry_overload": "likely"}
    assert likelihood_of(advice, "borrowing", "mortgage_rejection_risk") == "likely"
    assert {"credit_report.inquiry_overload", "borrowing.mortgage_refused_for_inquiries"} <= fired(advice)


def test_the_applicant_without_overdue_is_told_to_space_applications_and_not_to_settle_anything():
    advice = consult(MANY_APPLICATIONS)
    codes = action_codes(advice)
    assert "space_applications" in codes
    for absent in ("settle_overdue", "negotiate_repayment", "check_credit_report", "payment_reminders"):
        assert absent not in codes
    assert effects_of(advice, "collection") == {"none": "likely"}


INQUIRY_BANDS = {
    "seventeen applications are clearly an overload": (17, "likely"),
    "eleven applications are already an overload": (11, "likely"),
    "eight applications are a grey zone": (8, "possible"),
    "six applications are a grey zone": (6, "possible"),
}


@pytest.mark.parametrize("count, expected", INQUIRY_BANDS.values(), ids=INQUIRY_BANDS.keys())
def test_the_number_of_applications_sets_the_mortgage_risk(count, expected):
    advice = consult(situation(credit_inquiries_6m=count, plans=["mortgage"]))
    assert likelihood_of(advice, "credit_report", "inquiry_overload") == expected
    assert likelihood_of(advice, "borrowing", "mortgage_rejection_risk") == expected


# --- (d) a Huabei negotiation, honoured or broken (002, C4/C5, E7) -----------------------------

HUABEI_OVERDUE_DAYS = {
    "a short Huabei overdue": 10,
    "a Huabei overdue of over a month": 40,
    "a Huabei overdue of over ninety days": 120,
}


def huabei_negotiation(days: int, status: str) -> dict:
    return situation(debt("huabei", overdue_days=days, reported="unknown", negotiation=status))


@pytest.mark.parametrize("days", HUABEI_OVERDUE_DAYS.values(), ids=HUABEI_OVERDUE_DAYS.keys())
def test_a_broken_agreement_is_never_better_than_an_honoured_one_for_any_harmful_effect(days):
    honoured = harmful_strengths(consult(huabei_negotiation(days, "agreement_honored")))
    broken = harmful_strengths(consult(huabei_negotiation(days, "agreement_broken")))
    better_when_broken = {
        key: (strength, broken.get(key, 0)) for key, strength in honoured.items() if broken.get(key, 0) < strength
    }
    assert better_when_broken == {}


def test_a_broken_huabei_agreement_is_likely_recorded_as_negative():
    advice = consult(huabei_negotiation(40, "agreement_broken"))
    negative = effect(advice, "credit_report", "negative_record")
    assert negative.likelihood.value == "likely"
    assert "credit_report.broken_agreement_likely_recorded" in negative.rules
    assert likelihood_of(advice, "borrowing", "approval_harder") == "likely"
    assert "borrowing.broken_agreement_hurts_future" in fired(advice)


def test_an_honoured_huabei_agreement_does_not_hide_an_overdue_already_reported_and_names_the_disagreement():
    # E7: a kept agreement prevents new negatives; the 40-day overdue before it likely stays.
    advice = consult(huabei_negotiation(40, "agreement_honored"))
    negative = effect(advice, "credit_report", "negative_record")
    assert negative.likelihood.value == "likely"
    assert "credit_report.honoured_agreement_stops_new_records" in negative.rules
    assert "credit_report.licensed_long_overdue_likely_reported" in fired(advice)
    assert {s.document for s in negative.conflicts} == {"002_6fe797c5a744a779.txt", "evidence.md"}
    assert likelihood_of(advice, "collection", "lawsuit_risk") is None


def test_the_honoured_agreement_is_kept_and_the_broken_one_renegotiated():
    honoured = action_codes(consult(huabei_negotiation(40, "agreement_honored")))
    broken = action_codes(consult(huabei_negotiation(40, "agreement_broken")))
    assert honoured[0] == "honor_agreement" and "negotiate_repayment" not in honoured
    assert "honor_agreement" not in broken and "negotiate_repayment" in broken


# --- (e) a licensed online loan 45 days overdue, reporting unknown, beside Huabei (003, C1/H2) --

LICENSED_LOAN_AND_HUABEI = situation(
    debt("online_loan", lender="licensed", overdue_days=45, reported="unknown"),
    debt("huabei", overdue_days=0),
)


def test_a_licensed_loan_over_thirty_days_overdue_is_likely_on_the_report():
    advice = consult(LICENSED_LOAN_AND_HUABEI)
    negative = effect(advice, "credit_report", "negative_record")
    assert negative.likelihood.value == "likely"
    assert "credit_report.licensed_long_overdue_likely_reported" in negative.rules
    assert negative.debts == [0]
    assert findings(advice) == {0: {"likely"}}


def test_the_reported_online_loan_likely_cuts_huabei():
    advice = consult(LICENSED_LOAN_AND_HUABEI)
    limit = effect(advice, "huabei", "limit_reduced")
    assert limit.likelihood.value == "likely"
    assert limit.debts == [0]
    assert {"huabei.reported_overdue_cuts_limit", "huabei.long_overdue_triggers_review"} <= set(limit.rules)
    assert likelihood_of(advice, "huabei", "suspended") == "possible"


def test_an_inferred_record_means_checking_the_report_and_settling_comes_before_negotiating():
    codes = action_codes(consult(LICENSED_LOAN_AND_HUABEI))
    assert "check_credit_report" in codes
    assert codes.index("settle_overdue") < codes.index("negotiate_repayment")
    assert codes[0] == "settle_overdue"


def test_huabei_repaid_on_time_adds_no_record_of_its_own():
    advice = consult(LICENSED_LOAN_AND_HUABEI)
    for block in advice.topics.values():
        for item in block.effects:
            assert 1 not in item.debts, (item.code, item.debts)


# --- (f) an unlicensed platform harassing the borrower's contacts on WeChat (004, X4, L3/L4) ---

HARASSED = situation(
    debt("online_loan", lender="unlicensed", overdue_days=20, reported="unknown"),
    collection=collection(contacts_harassed=True, contacted_on_wechat=True, threatened_or_insulted=True),
)


def test_an_unlicensed_platform_harassing_contacts_on_wechat_is_certain_social_and_illegal_collection():
    advice = consult(HARASSED)
    assert likelihood_of(advice, "wechat", "social_collection_risk") == "certain"
    assert likelihood_of(advice, "wechat", "basic_unaffected") == "likely"
    assert likelihood_of(advice, "collection", "illegal_collection") == "certain"
    assert likelihood_of(advice, "credit_report", "negative_record") == "unlikely"


def test_the_harassed_borrower_refuses_illegal_collection_before_paying():
    codes = action_codes(consult(HARASSED))
    assert {"refuse_illegal_collection", "keep_evidence", "verify_debt", "check_platform_license"} <= set(codes)
    # An unlicensed lender is paid only what is lawfully owed, checked first (K15).
    assert codes[:2] == ["report_to_police", "keep_evidence"]
    assert codes.index("refuse_illegal_collection") < codes.index("pay_lawful_amount_only")
    assert codes.index("verify_debt") < codes.index("pay_lawful_amount_only") < codes.index("settle_overdue")


# --- (g) a person with no debts -----------------------------------------------------------------

CALM = {
    "huabei": "unaffected",
    "weilidai": "unaffected",
    "wechat": "basic_unaffected",
    "dingtalk": "platform_unaffected",
    "credit_report": "no_negative_record",
    "borrowing": "unaffected",
    "collection": "none",
}


def test_a_person_with_no_debts_gets_exactly_the_calm_effect_of_every_topic_and_no_actions():
    advice = consult(situation())
    assert {topic: [e.code for e in block.effects] for topic, block in advice.topics.items()} == {
        topic: [CALM[topic]] for topic in TOPICS
    }
    assert advice.actions == []


# --- several debts at once ------------------------------------------------------------------------

SHORT_HUABEI = debt("huabei", overdue_days=10, reported="unknown")
UNLICENSED_40 = debt("online_loan", lender="unlicensed", overdue_days=40, reported="unknown")
LICENSED_120 = debt("online_loan", lender="licensed", overdue_days=120, reported="unknown")
UNKNOWN_LENDER_5 = debt("other", lender="unknown", overdue_days=5, reported="unknown")
SEVERAL = situation(SHORT_HUABEI, UNLICENSED_40, LICENSED_120, UNKNOWN_LENDER_5)


def test_each_of_several_debts_is_reasoned_on_its_own():
    together = findings(consult(SEVERAL))
    alone = [findings(consult(situation(one))).get(0, set()) for one in SEVERAL["debts"]]
    assert [together.get(i, set()) for i in range(4)] == alone
    assert alone == [{"possible"}, {"unlikely"}, {"likely"}, {"possible"}]


def test_with_several_debts_the_strongest_likelihood_wins_and_names_only_the_debts_at_it():
    advice = consult(SEVERAL)
    negative = effect(advice, "credit_report", "negative_record")
    assert negative.likelihood.value == "likely"
    assert negative.debts == [2]
    # Every contributing debt keeps the likelihood its own rules gave.
    own = [(entry.debt, entry.likelihood.value) for entry in negative.by_debt]
    assert own == [(0, "possible"), (1, "unlikely"), (2, "likely"), (3, "possible")]
    lawsuit = effect(advice, "collection", "lawsuit_risk")
    assert (lawsuit.likelihood.value, lawsuit.debts) == ("likely", [2])
    assert effect(advice, "collection", "illegal_collection").debts == [1]


def test_an_action_for_two_debts_appears_once_naming_both():
    advice = consult(SEVERAL)
    codes = action_codes(advice)
    assert len(codes) == len(set(codes))
    assert action(advice, "verify_debt").debts == [1, 3]
    assert action(advice, "check_platform_license").debts == [1, 3]


def test_settling_lists_the_debt_over_ninety_days_first():
    advice = consult(SEVERAL)
    settle = action(advice, "settle_overdue")
    # Checking the debts of lenders not known to be licensed comes before any payment; the
    # unlicensed lender's debt is paid lawfully and settled after the others (K15).
    assert action(advice, "verify_debt").priority < action(advice, "pay_lawful_amount_only").priority < settle.priority
    assert settle.debts[0] == 2
    assert sorted(settle.debts) == [0, 1, 2, 3] and settle.debts[-1] == 1
    assert action(advice, "pay_lawful_amount_only").debts == [1]
