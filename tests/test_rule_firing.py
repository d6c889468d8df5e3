"""Every rule fires where it should and stays silent in a near miss.

RULE_CASES maps each rule id to (a situation that makes it fire, the same situation with
the one condition that matters changed).  Rules that always stand (WeChat's basic
functions, DingTalk itself) have ALWAYS instead of a near miss: they must fire in a calm
and in a grim situation alike.
"""

from __future__ import annotations

import pytest
from conftest import collection, consult, debt, declared_facts, fired, situation

ALWAYS = object()

LICENSED_45 = debt("online_loan", lender="licensed", overdue_days=45, reported="unknown")
LICENSED_10 = debt("online_loan", lender="licensed", overdue_days=10, reported="unknown")
REPORTED_10 = debt("online_loan", lender="licensed", overdue_days=10, reported="yes")
SETTLED = {"settled": True, "months_since_settled": 12}
AS_OF = "2026-11-30"  # the day the repair cases are for: their dates count from it
CLEAN = debt("credit_card", overdue_days=0)

RULE_CASES: dict[str, tuple[dict, object]] = {
    # --- credit report: findings ---------------------------------------------------------
    "credit_report.stated_on_report": (
        situation(debt(lender="licensed", overdue_days=40, reported="yes")),
        situation(debt(lender="licensed", overdue_days=40, reported="unknown")),
    ),
    "credit_report.licensed_long_overdue_likely_reported": (
        situation(debt(lender="licensed", overdue_days=31, reported="unknown")),
        situation(debt(lender="licensed", overdue_days=30, reported="unknown")),
    ),
    "credit_report.short_overdue_possibly_reported": (
        situation(debt(lender="licensed", overdue_days=30, reported="unknown")),
        situation(debt(lender="licensed", overdue_days=31, reported="unknown")),
    ),
    "credit_report.unknown_lender_possibly_reported": (
        situation(debt(lender="unknown", overdue_days=45, reported="unknown")),
        situation(debt(lender="unknown", overdue_days=45, reported="no")),
    ),
    "credit_report.unlicensed_platform_rarely_reports": (
        situation(debt(lender="unlicensed", overdue_days=45, reported="unknown")),
        situation(debt(lender="unlicensed", overdue_days=45, reported="yes")),
    ),
    "credit_report.broken_agreement_likely_recorded": (
        situation(debt(lender="licensed", overdue_days=10, negotiation="agreement_broken")),
        situation(debt(lender="unlicensed", overdue_days=10, negotiation="agreement_broken")),
    ),
    "credit_report.honoured_agreement_stops_new_records": (
        situation(debt(lender="licensed", overdue_days=45, negotiation="agreement_honored")),
        situation(debt(lender="licensed", overdue_days=0, negotiation="agreement_honored")),
    ),
    # --- credit report: effects ------------------------------------------------------------
    "credit_report.open_overdue_recorded": (
        situation(LICENSED_45),
        situation({**LICENSED_45, **SETTLED}),
    ),
    "credit_report.settled_overdue_shown_five_years": (
        situation({**LICENSED_45, "settled": True, "months_since_settled": 59}),
        situation({**LICENSED_45, "settled": True, "months_since_settled": 60}),
    ),
    "credit_report.settled_overdue_aged_off": (
        situation({**LICENSED_45, "settled": True, "months_since_settled": 60}),
        situation({**LICENSED_45, "settled": True, "months_since_settled": 59}),
    ),
    "credit_report.record_kept_past_five_years": (
        situation(debt("credit_card", overdue_days=40, reported="yes", settled=True, months_since_settled=61)),
        situation(debt("credit_card", overdue_days=40, reported="yes", settled=True, months_since_settled=59)),
    ),
    "credit_report.inquiry_overload": (
        situation(credit_inquiries_6m=6),
        situation(credit_inquiries_6m=5),
    ),
    "credit_report.no_negative_record": (
        situation(CLEAN),
        situation(debt("credit_card", overdue_days=45)),
    ),
    "credit_report.huabei_on_time_builds_record": (
        situation(debt("huabei", overdue_days=0)),
        situation(debt("huabei", overdue_days=1)),
    ),
    "credit_report.check_report_when_unsure": (
        situation(LICENSED_45),
        situation({**LICENSED_45, "reported": "yes"}),
    ),
    # --- credit report: the one-time repair (K4), on a fixed as_of ----------------------------
    # Settled 12 months before 2026-11 = 2025-11 (by the early date); 45 days overdue began in 2025.
    "credit_report.repair_hides_qualifying_overdue": (
        situation({**LICENSED_45, **SETTLED, "overdue_amount_cny": 10_000}, as_of=AS_OF),
        situation({**LICENSED_45, **SETTLED, "overdue_amount_cny": 10_001}, as_of=AS_OF),
    ),
    "credit_report.one_time_repair_policy": (
        situation({**LICENSED_45, **SETTLED}, as_of=AS_OF),
        situation({**LICENSED_45, **SETTLED, "overdue_amount_cny": 10_001}, as_of=AS_OF),
    ),
    "credit_report.repair_qualified_record_still_shown": (
        situation({**LICENSED_45, **SETTLED, "overdue_amount_cny": 800, "reported": "yes"}, as_of=AS_OF),
        situation({**LICENSED_45, **SETTLED, "overdue_amount_cny": 800, "reported": "unknown"}, as_of=AS_OF),
    ),
    # 120 days before 2026-03-31 is 2025-12-01: in the period, and the deadline is that day.
    "credit_report.repay_by_repair_deadline": (
        situation(debt(lender="licensed", overdue_days=120, overdue_amount_cny=3000), as_of="2026-03-31"),
        situation(debt(lender="licensed", overdue_days=120, overdue_amount_cny=3000), as_of="2026-04-01"),
    ),
    "credit_report.repair_not_covered_over_amount": (
        situation({**LICENSED_45, **SETTLED, "overdue_amount_cny": 10_001}, as_of=AS_OF),
        situation({**LICENSED_45, **SETTLED, "overdue_amount_cny": 10_000}, as_of=AS_OF),
    ),
    # 45 days before 2026-11-30 is in 2026; 400 days before is in 2025.
    "credit_report.repair_not_covered_after_period": (
        situation(LICENSED_45, as_of=AS_OF),
        situation({**LICENSED_45, "overdue_days": 400}, as_of=AS_OF),
    ),
    "credit_report.repair_deadline_missed": (
        situation({**LICENSED_45, "overdue_days": 400}, as_of=AS_OF),
        situation(LICENSED_45, as_of=AS_OF),
    ),
    # --- Huabei ----------------------------------------------------------------------------
    "huabei.own_overdue_blocks_use": (
        situation(debt("jiebei", overdue_days=3)),
        situation(debt("jiebei", overdue_days=3, settled=True, months_since_settled=1)),
    ),
    "huabei.reported_overdue_cuts_limit": (
        situation(REPORTED_10),
        situation(LICENSED_10),
    ),
    "huabei.possibly_reported_may_affect": (
        situation(LICENSED_10),
        situation(REPORTED_10),
    ),
    "huabei.long_overdue_triggers_review": (
        situation(debt(lender="unknown", overdue_days=31)),
        situation(debt(lender="unlicensed", overdue_days=31)),
    ),
    "huabei.unreported_platform_affects_less": (
        situation(debt(lender="unlicensed", overdue_days=10)),
        situation(debt(lender="unknown", overdue_days=10)),
    ),
    "huabei.repaid_may_keep_lower_limit": (
        situation({**LICENSED_10, "settled": True, "months_since_settled": 5}),
        situation({**LICENSED_10, "settled": True, "months_since_settled": 6}),
    ),
    "huabei.inquiries_slow_recovery": (
        situation(debt("credit_card", overdue_days=3), credit_inquiries_6m=6),
        situation(debt("credit_card", overdue_days=0), credit_inquiries_6m=6),
    ),
    "huabei.unaffected": (
        situation(CLEAN),
        situation(debt("credit_card", overdue_days=45)),
    ),
    # --- Weilidai ----------------------------------------------------------------------------
    "weilidai.own_overdue_blocks_borrowing": (
        situation(debt("weilidai", overdue_days=5)),
        situation(debt("weilidai", overdue_days=5, settled=True, months_since_settled=1)),
    ),
    "weilidai.report_checked_on_application": (
        situation(REPORTED_10),
        situation(LICENSED_10),
    ),
    "weilidai.possible_record_extra_review": (
        situation(LICENSED_10),
        situation(REPORTED_10),
    ),
    "weilidai.good_record_not_a_veto": (
        situation(REPORTED_10, CLEAN),
        situation(REPORTED_10, debt("credit_card", overdue_days=3)),
    ),
    "weilidai.several_overdues_likely_refused": (
        situation(REPORTED_10, debt("credit_card", overdue_days=3)),
        situation(REPORTED_10, CLEAN),
    ),
    "weilidai.risk_control_changes_later": (
        situation(debt(lender="unknown", overdue_days=10)),
        situation(debt(lender="unlicensed", overdue_days=10)),
    ),
    "weilidai.inquiries_hurt_approval": (
        situation(credit_inquiries_6m=6),
        situation(credit_inquiries_6m=5),
    ),
    "weilidai.huabei_overdue_only_via_report": (
        situation(debt("huabei", overdue_days=10, reported="no")),
        situation(debt("huabei", overdue_days=10, reported="yes")),
    ),
    "weilidai.unaffected": (
        situation(CLEAN),
        situation(debt("credit_card", overdue_days=45)),
    ),
    # --- WeChat ------------------------------------------------------------------------------
    "wechat.basic_functions_unaffected": (situation(CLEAN), ALWAYS),
    "wechat.credit_services_may_be_limited": (
        situation(debt("huabei", overdue_days=5)),
        situation(debt("huabei", overdue_days=5, settled=True, months_since_settled=1)),
    ),
    "wechat.weilidai_overdue_limits_wealth_services": (
        situation(debt("weilidai", overdue_days=5)),
        situation(debt("weilidai", overdue_days=0)),
    ),
    "wechat.irregular_platform_social_collection": (
        situation(debt(lender="unknown", overdue_days=5)),
        situation(debt(lender="licensed", overdue_days=5)),
    ),
    "wechat.collection_reaches_social_circle": (
        situation(collection=collection(contacts_harassed=True)),
        situation(collection=collection(contacted_on_wechat=False, contacts_harassed=False)),
    ),
    "wechat.licensed_lenders_stay_off_wechat": (
        situation(debt(lender="licensed", overdue_days=5)),
        situation(debt(lender="unknown", overdue_days=5)),
    ),
    # --- DingTalk ----------------------------------------------------------------------------
    "dingtalk.platform_does_not_check_credit": (situation(CLEAN), ALWAYS),
    "dingtalk.employer_rule_restriction": (
        situation(LICENSED_45, employer_links_credit=True),
        situation(LICENSED_45, employer_links_credit=None),
    ),
    "dingtalk.third_party_loans_check_credit": (
        situation(LICENSED_45, uses_dingtalk_finance=True),
        situation(LICENSED_45, uses_dingtalk_finance=False),
    ),
    "dingtalk.alipay_credit_authorization": (
        situation(LICENSED_10, dingtalk_alipay_credit_authorized=True),
        situation({**LICENSED_10, "reported": "no"}, dingtalk_alipay_credit_authorized=True),
    ),
    "dingtalk.enterprise_credit_required": (
        situation(LICENSED_45, enterprise_owner=True),
        situation({**LICENSED_45, "lender": "unlicensed"}, enterprise_owner=True),
    ),
    # --- borrowing ---------------------------------------------------------------------------
    "borrowing.negative_record_raises_cost": (
        situation(REPORTED_10),
        situation(LICENSED_10),
    ),
    "borrowing.possible_record_may_hurt": (
        situation(LICENSED_10),
        situation(REPORTED_10),
    ),
    "borrowing.cross_platform_risk_control": (
        situation(LICENSED_10),
        situation({**LICENSED_10, **SETTLED}),
    ),
    "borrowing.broken_agreement_hurts_future": (
        situation(debt(lender="licensed", overdue_days=10, negotiation="agreement_broken")),
        situation(debt(lender="licensed", overdue_days=10, negotiation="in_progress")),
    ),
    "borrowing.inquiries_make_approval_harder": (
        situation(credit_inquiries_6m=6),
        situation(credit_inquiries_6m=5),
    ),
    "borrowing.mortgage_refused_for_inquiries": (
        situation(credit_inquiries_6m=11, plans=["mortgage"]),
        situation(credit_inquiries_6m=11, plans=["credit_card"]),
    ),
    "borrowing.mortgage_checks_record": (
        situation(LICENSED_45, plans=["mortgage"]),
        situation({**LICENSED_45, "reported": "no"}, plans=["mortgage"]),
    ),
    "borrowing.unaffected": (
        situation(CLEAN),
        situation(CLEAN, credit_inquiries_6m=6),
    ),
    # --- collection --------------------------------------------------------------------------
    "collection.penalty_fees": (
        situation(debt(lender="licensed", overdue_days=1)),
        situation(debt(lender="licensed", overdue_days=0)),
    ),
    "collection.lawsuit_risk_grows_with_time": (
        situation(debt(lender="licensed", overdue_days=5)),
        situation(debt(lender="licensed", overdue_days=5, **SETTLED)),
    ),
    "collection.broken_agreement_full_balance": (
        situation(debt(lender="licensed", overdue_days=40, negotiation="agreement_broken")),
        situation(debt(lender="licensed", overdue_days=40, negotiation="agreement_broken", **SETTLED)),
    ),
    "collection.threats_are_illegal": (
        situation(collection=collection(threatened_or_insulted=True)),
        situation(collection=collection(contacted_on_wechat=True)),
    ),
    "collection.unlicensed_platform_collection_risk": (
        situation(debt(lender="unlicensed", overdue_days=5)),
        situation(debt(lender="unknown", overdue_days=5)),
    ),
    "collection.none": (
        situation(CLEAN),
        situation(debt("credit_card", overdue_days=5)),
    ),
    # --- remediation -------------------------------------------------------------------------
    "remediation.settle_oldest_overdue_first": (
        situation(LICENSED_10),
        situation({**LICENSED_10, **SETTLED}),
    ),
    "remediation.ask_to_negotiate": (
        situation({**LICENSED_10, "negotiation": "in_progress"}),
        situation({**LICENSED_10, "negotiation": "agreement_honored"}),
    ),
    "remediation.keep_the_agreement": (
        situation({**LICENSED_10, "negotiation": "agreement_honored"}),
        situation({**LICENSED_10, "negotiation": "in_progress"}),
    ),
    "remediation.non_malicious_proof": (
        situation(LICENSED_10, hardship="illness"),
        situation(LICENSED_10, hardship="job_loss"),
    ),
    "remediation.proof_needs_objective_cause": (
        situation(LICENSED_10, hardship="job_loss", hardship_proof=True),
        situation(LICENSED_10, hardship="none", hardship_proof=True),
    ),
    "remediation.dispute_with_hardship_proof": (
        situation(REPORTED_10, hardship="pandemic", hardship_proof=True),
        situation(REPORTED_10, hardship="pandemic", hardship_proof=False),
    ),
    "remediation.dispute_wrong_record": (
        situation(debt(lender="licensed", overdue_days=0, reported="yes")),
        situation(debt(lender="licensed", overdue_days=1, reported="yes")),
    ),
    "remediation.dispute_record_past_five_years": (
        situation(debt("credit_card", overdue_days=40, reported="yes", settled=True, months_since_settled=61)),
        situation(debt("credit_card", overdue_days=40, reported="unknown", settled=True, months_since_settled=61)),
    ),
    "remediation.read_huabei_notice": (
        situation(debt("huabei", overdue_days=5)),
        situation(debt("huabei", overdue_days=0)),
    ),
    "remediation.rebuild_clean_record": (
        situation({**LICENSED_45, "settled": True, "months_since_settled": 59}),
        situation({**LICENSED_45, "settled": True, "months_since_settled": 60}),
    ),
    "remediation.space_applications": (
        situation(credit_inquiries_6m=4),
        situation(credit_inquiries_6m=3),
    ),
    "remediation.borrow_within_means": (
        situation(REPORTED_10, plans=["credit_card"]),
        situation(REPORTED_10, plans=[]),
    ),
    "remediation.payment_reminders": (
        situation(debt(lender="licensed", overdue_days=1)),
        situation(debt(lender="licensed", overdue_days=0)),
    ),
    "remediation.monitor_zhima": (
        situation(debt("credit_card", overdue_days=5), zhima_score=599),
        situation(debt("credit_card", overdue_days=5), zhima_score=600),
    ),
    "remediation.verify_debt": (
        situation(debt(lender="unknown", overdue_days=5)),
        situation(debt(lender="unknown", overdue_days=5, **SETTLED)),
    ),
    "remediation.check_platform_license": (
        situation(debt(lender="unknown", overdue_days=5)),
        situation(debt(lender="licensed", overdue_days=5)),
    ),
    "remediation.keep_collection_evidence": (
        situation(collection=collection(contacted_on_wechat=True)),
        situation(collection=collection()),
    ),
    "remediation.refuse_illegal_collection": (
        situation(collection=collection(contacts_harassed=True)),
        situation(collection=collection(contacted_on_wechat=True)),
    ),
    "remediation.seek_legal_help": (
        situation(debt(lender="licensed", overdue_days=91)),
        situation(debt(lender="licensed", overdue_days=90)),
    ),
    "remediation.talk_to_hr": (
        situation(REPORTED_10, employer_links_credit=True),
        situation(REPORTED_10, employer_links_credit=False),
    ),
}

# A situation in which everything goes wrong, for the rules that always stand.
GRIM = situation(
    debt("huabei", overdue_days=120, reported="yes", negotiation="agreement_broken"),
    debt("online_loan", lender="unlicensed", overdue_days=200),
    credit_inquiries_6m=30,
    employer_links_credit=True,
    collection=collection(contacts_harassed=True, threatened_or_insulted=True, contacted_on_wechat=True),
)


def registered_rules() -> dict:
    from advisor.api import rules_by_id

    return rules_by_id()


def rules_written_in_the_modules() -> set[str]:
    """Every rule-decorated method of every topic mixin, read from the classes themselves."""
    from credit_advisor.rules import TOPIC_RULES

    return {value.meta.id for mixin in TOPIC_RULES for value in vars(mixin).values() if hasattr(value, "meta")}


def test_the_case_table_has_exactly_one_entry_per_registered_rule():
    assert set(RULE_CASES) == set(registered_rules())


def test_every_rule_written_in_the_rule_modules_reaches_the_engine():
    # Two mixins once both had a method `unaffected`: the MRO kept one, the other rule vanished.
    assert rules_written_in_the_modules() == set(registered_rules())


@pytest.mark.parametrize("rule_id", RULE_CASES)
def test_the_rule_fires_in_its_situation(rule_id):
    firing, _ = RULE_CASES[rule_id]
    assert rule_id in fired(consult(firing))


@pytest.mark.parametrize("rule_id", [r for r, (_, miss) in RULE_CASES.items() if miss is not ALWAYS])
def test_the_rule_stays_silent_in_the_near_miss(rule_id):
    firing, near_miss = RULE_CASES[rule_id]
    assert near_miss != firing
    assert rule_id not in fired(consult(near_miss))


@pytest.mark.parametrize("rule_id", [r for r, (_, miss) in RULE_CASES.items() if miss is ALWAYS])
def test_a_statement_about_a_platform_stands_even_when_everything_goes_wrong(rule_id):
    assert rule_id in fired(consult(GRIM))


def _concluded(kind: str, slots: dict) -> str:
    if kind == "OnReport":
        return "finding.on_report"
    if kind == "RecordStatus":
        return "finding.record_status"
    if kind == "RepairStatus":
        return "finding.repair_status"
    if kind == "Effect":
        return f"{slots['topic']}.{slots['code']}"
    if kind == "Action":
        return f"action.{slots['code']}"
    raise AssertionError(f"a rule declared an unexpected fact type {kind}")


ALL_SITUATIONS = [s for pair in RULE_CASES.values() for s in pair if s is not ALWAYS] + [GRIM]


def test_every_fact_a_rule_declares_is_listed_in_what_the_rule_concludes():
    registry = registered_rules()
    outside: set[tuple[str, str]] = set()
    for data in ALL_SITUATIONS:
        for rule, kind, slots in declared_facts(consult(data)):
            assert slots["rule"] == rule, "a declared fact must name the rule that declared it"
            if _concluded(kind, slots) not in registry[rule].concludes:
                outside.add((rule, _concluded(kind, slots)))
    assert outside == set()


def test_every_conclusion_a_rule_lists_is_reached_somewhere_in_the_cases():
    reached: dict[str, set[str]] = {}
    for data in ALL_SITUATIONS:
        for rule, kind, slots in declared_facts(consult(data)):
            reached.setdefault(rule, set()).add(_concluded(kind, slots))
    never = {
        (rule, conclusion)
        for rule, meta in registered_rules().items()
        for conclusion in meta.concludes
        if conclusion not in reached.get(rule, set())
    }
    assert never == set()
