"""What likelihood each rule's explanation is written for.

A rule's text is said under an effect as the reason for its likelihood.  Most texts
hold at any likelihood their rule concludes (they state a condition and what follows:
"once an overdue is on the report, it stays until settled").  Some say how likely
something is ("很可能已经出现在征信报告上", "it is on record there"): said under an
effect of another likelihood they would contradict it.  Those are declared here, once
for both languages (a translation says the same thing); `advisor.analysis.aggregate`
says a text only under an effect whose likelihood it is written for, and
tests/test_report_said_once.py checks every use over the examples and random situations.

Undeclared: written for any likelihood.  Every credit-report finding (how likely an
overdue is on the report) is declared: its text is such a statement by nature.
"""

from __future__ import annotations

from credit_advisor.facts.enums import Likelihood

_CERTAIN, _LIKELY, _POSSIBLE, _UNLIKELY = (
    Likelihood.certain,
    Likelihood.likely,
    Likelihood.possible,
    Likelihood.unlikely,
)
_ON_RECORD = frozenset({_CERTAIN, _LIKELY, _POSSIBLE})  # "once on the report…": not for "unlikely"

WRITTEN_FOR: dict[str, frozenset[Likelihood]] = {
    # findings: how likely the overdue is on the report
    "credit_report.stated_on_report": frozenset({_CERTAIN}),
    "credit_report.licensed_long_overdue_likely_reported": frozenset({_LIKELY}),
    "credit_report.broken_agreement_likely_recorded": frozenset({_LIKELY}),
    "credit_report.short_overdue_possibly_reported": frozenset({_POSSIBLE}),
    "credit_report.unknown_lender_possibly_reported": frozenset({_POSSIBLE}),
    "credit_report.honoured_agreement_stops_new_records": frozenset({_POSSIBLE}),
    "credit_report.unlicensed_platform_rarely_reports": frozenset({_UNLIKELY}),
    # what a record on the report does: said only where a record is at least possible
    "credit_report.open_overdue_recorded": _ON_RECORD,
    "credit_report.settled_overdue_shown_five_years": _ON_RECORD,
    # one text for the two likelihoods its rule concludes ("likely cut, possibly stopped")
    "huabei.reported_overdue_cuts_limit": frozenset({_LIKELY, _POSSIBLE}),
    "huabei.own_overdue_blocks_use": frozenset({_LIKELY, _POSSIBLE}),
    "weilidai.report_checked_on_application": frozenset({_LIKELY, _POSSIBLE}),
    "weilidai.several_overdues_likely_refused": frozenset({_LIKELY}),
    "wechat.weilidai_overdue_limits_wealth_services": frozenset({_LIKELY}),
}


def written_for(rule_id: str, likelihood: Likelihood) -> bool:
    """Whether the rule's text may explain an effect of `likelihood`."""
    declared = WRITTEN_FOR.get(rule_id)
    return declared is None or likelihood in declared
