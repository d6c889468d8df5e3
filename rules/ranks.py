"""The order in which a person acts on the advice, declared once (contract version 2,
"Ordering of actions"; knowledge item K15).

A rule that advises an action names its step (`rank("verify_debt")`); the step's place
in STEPS is the action's rank, and an action's priority in the Advice follows its best
rank. Safety first, then what a court has started, then the debts by legal risk, an
unlicensed lender's debt only after checking what is lawfully owed, habits last.  To
reorder advice, move a step here: no rule carries a number of its own.
"""

from __future__ import annotations

from functools import cache

STEPS: tuple[str, ...] = (
    # safety: threats, intimidation, impersonation, intrusion
    "report_to_police",
    "avoid_credit_repair_scams",
    # a court has started
    "respond_to_court",
    # an agreement already made
    "honor_agreement",
    # cannot pay in full (or hardship): ask for a plan before paying what one can
    "negotiate_when_cannot_pay",
    "request_card_installment",
    # the one-time repair's deadline, then the oldest overdue
    "settle_before_repair_deadline",
    "settle_long_overdue",
    # an unlicensed or unknown lender: check before any payment
    "verify_debt",
    "pay_lawful_amount_only",
    "check_platform_license",
    "dispute_wrong_record",
    "refuse_illegal_collection",
    "complain_to_regulator",
    "keep_collection_evidence",
    "seek_legal_help",
    "settle_medium_overdue",
    "settle_short_overdue",
    "stop_borrowing_to_repay",
    "negotiate_repayment",
    "non_malicious_proof",
    "non_malicious_proof_needs_cause",
    "check_report_repair_record_shown",
    "check_report_when_unsure",
    "check_report_repair_policy",
    "dispute_repair_record_shown",
    "dispute_with_hardship_proof",
    "check_huabei_notice",
    "contact_alipay_support",
    "talk_to_hr",
    # habits
    "space_applications",
    "borrow_within_means",
    "rebuild_record",
    "payment_reminders",
    "monitor_zhima",
)


@cache
def rank(step: str) -> int:
    """The rank of `step`: 1 is the first thing to do."""
    try:
        return STEPS.index(step) + 1
    except ValueError:
        raise KeyError(f"no step {step!r} in rules.ranks.STEPS") from None
