"""Conclusions must agree with each other, with the evidence and with the rules' own words.

Several of these began as strict xfails for rule defects found while writing the suite
(harassed contacts called an unlikely WeChat risk, proof advice without documents, a record
kept past five years not disputed); the rules were fixed and the markers removed.
"""

from __future__ import annotations

import pytest
from conftest import action, action_codes, collection, consult, debt, fired, likelihood_of, situation

# --- collection through contacts and the WeChat topic -------------------------------------------

# Contacts already harassed: the social collection has happened, whoever the lender is.
HARASSED_BY = {
    "an unlicensed platform": ("unlicensed", "certain"),
    "a platform of unknown licence": ("unknown", "certain"),
}


@pytest.mark.parametrize("lender, expected", HARASSED_BY.values(), ids=HARASSED_BY.keys())
def test_an_irregular_platform_harassing_contacts_is_a_social_collection_risk(lender, expected):
    advice = consult(situation(debt(lender=lender, overdue_days=40), collection=collection(contacts_harassed=True)))
    assert likelihood_of(advice, "wechat", "social_collection_risk") == expected
    assert likelihood_of(advice, "collection", "illegal_collection") == "certain"


def test_collectors_already_harassing_contacts_are_never_an_unlikely_social_collection_risk():
    advice = consult(situation(debt("credit_card", overdue_days=40), collection=collection(contacts_harassed=True)))
    assert likelihood_of(advice, "collection", "illegal_collection") == "certain"
    assert likelihood_of(advice, "wechat", "social_collection_risk") in ("certain", "likely", "possible")


# --- the non-malicious-overdue proof (E6) -------------------------------------------------------

PROOF_CASES = {
    "illness without documents yet: get them": ("illness", False, True),
    "the pandemic with documents": ("pandemic", True, True),
    "job loss with documents": ("job_loss", True, True),
    "no hardship at all": ("none", None, False),
}


@pytest.mark.parametrize("hardship, proof, advised", PROOF_CASES.values(), ids=PROOF_CASES.keys())
def test_the_non_malicious_proof_is_advised_only_for_a_cause_that_can_qualify(hardship, proof, advised):
    advice = consult(situation(debt("credit_card", overdue_days=20), hardship=hardship, hardship_proof=proof))
    assert ("non_malicious_proof" in action_codes(advice)) is advised


@pytest.mark.parametrize("hardship", ["job_loss", "other"])
def test_a_subjective_cause_without_documents_gets_no_non_malicious_proof_advice(hardship):
    advice = consult(situation(debt("credit_card", overdue_days=20), hardship=hardship, hardship_proof=False))
    assert "non_malicious_proof" not in action_codes(advice)


# --- disputes correct wrong records (E4, E6) ------------------------------------------------------


def test_a_record_for_a_debt_never_overdue_is_disputed_as_an_error():
    advice = consult(situation(debt("credit_card", overdue_days=0, reported="yes")))
    dispute = action(advice, "credit_dispute")
    assert dispute is not None and dispute.debts == [0]
    assert dispute.priority == 1
    assert advice.warnings, "the contradiction is also pointed out as a warning"


def test_a_true_overdue_without_hardship_proof_is_not_sent_to_dispute():
    advice = consult(situation(debt("credit_card", overdue_days=40, reported="yes")))
    assert "credit_dispute" not in action_codes(advice)


def test_a_record_settled_over_five_years_ago_is_no_longer_expected_on_the_report():
    advice = consult(situation(debt("credit_card", overdue_days=40, settled=True, months_since_settled=61)))
    assert likelihood_of(advice, "credit_report", "no_negative_record") == "likely"
    assert likelihood_of(advice, "credit_report", "negative_record") == "unlikely"
    assert "credit_report.settled_overdue_aged_off" in fired(advice)


def test_a_record_still_shown_five_years_after_settlement_is_disputed_as_an_error():
    advice = consult(
        situation(debt("credit_card", overdue_days=40, reported="yes", settled=True, months_since_settled=61))
    )
    assert "credit_dispute" in action_codes(advice)
