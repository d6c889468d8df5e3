"""Banding of plain attributes: data preparation done once, before any rule runs.

The thresholds are not knowledge claims of their own: each band is the boundary a
knowledge item talks about, and its number is a dated parameter (`parameters.toml`:
30 and 90 days, 6, 24 and 60 months, inquiry counts, Zhima scores; the repair's dates and
amount are banded in `policy_dates.py`), read
for the Situation's `as_of` day and handed in as `values`.
"""

from __future__ import annotations

from collections.abc import Mapping

from .enums import Hardship
from .parameters import Value


def overdue_band(days: int, values: Mapping[str, Value]) -> str:
    if days <= 0:
        return "none"
    if days <= values["overdue.short_max_days"]:  # type: ignore[operator]
        return "short"
    if days <= values["overdue.long_after_days"]:  # type: ignore[operator]
        return "medium"
    return "long"


def settled_age(settled: bool, months: int | None, values: Mapping[str, Value]) -> str:
    if not settled:
        return "open"
    if months is None:
        return "unknown"
    if months < values["record.clean_months"]:  # type: ignore[operator]
        return "recent"
    if months < values["record.good_record_months"]:  # type: ignore[operator]
        return "clean_6m"
    if months < values["record.retention_months"]:  # type: ignore[operator]
        return "clean_2y"  # lenders look hardest at the last two years (C8, E4)
    return "aged_off"


def count_band(count: int) -> str:
    """How many debts: rules ask "another overdue besides this one?" of one person slot
    instead of pairing every debt with every other (quadratic firings)."""
    return "none" if count == 0 else "one" if count == 1 else "many"


def inquiry_band(count: int | None, values: Mapping[str, Value]) -> str:
    if count is None:
        return "unknown"
    if count <= values["inquiries.few_max"]:  # type: ignore[operator]
        return "few"
    if count <= values["inquiries.some_max"]:  # type: ignore[operator]
        return "some"
    if count <= values["inquiries.grey_max"]:  # type: ignore[operator]
        return "grey"
    return "overload"


def zhima_band(score: int | None, values: Mapping[str, Value]) -> str:
    if score is None:
        return "unknown"
    if score < values["zhima.low_below"]:  # type: ignore[operator]
        return "low"
    if score < values["zhima.high_from"]:  # type: ignore[operator]
        return "mid"
    return "high"


def hardship_kind(hardship: Hardship | None) -> str:
    """Objective causes qualify for a non-malicious-overdue proof; others may not (E6)."""
    if hardship is None:
        return "unknown"
    if hardship in (Hardship.illness, Hardship.pandemic):
        return "objective"
    if hardship is Hardship.none:
        return "none"
    return "other"


def upfront_interest(received: float | None, amount: float | None) -> str:
    """Less received than the loan's stated amount: interest was taken up front (砍头息, K8)."""
    if received is None or amount is None:
        return "unknown"
    return "yes" if received < amount else "no"


def cost_band(percent: float | None, values: Mapping[str, Value]) -> str:
    """The loan's annual cost against the platform-lending cost line (K9); `no_line` on a
    day the line was not in force."""
    line = values["law.platform_cost_line_percent"]
    if line is False:
        return "no_line"
    if percent is None:
        return "unknown"
    return "above_line" if percent > line else "within_line"  # type: ignore[operator]
