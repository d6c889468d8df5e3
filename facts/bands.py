"""Banding of plain attributes: data preparation done once, before any rule runs.

The thresholds are not knowledge claims of their own; each band is the boundary a
knowledge item talks about (30 and 90 days: E2, H3, R1, E10; 6 and 60 months: R6, E4;
inquiry counts: E8; 10,000 yuan: E11).
"""

from __future__ import annotations

from .enums import Hardship

REPAIR_POLICY_MAX_CNY = 10_000


def overdue_band(days: int) -> str:
    if days <= 0:
        return "none"
    if days <= 30:
        return "short"
    if days <= 90:
        return "medium"
    return "long"


def settled_age(settled: bool, months: int | None) -> str:
    if not settled:
        return "open"
    if months is None:
        return "unknown"
    if months < 6:
        return "recent"
    if months < 24:
        return "clean_6m"
    if months < 60:
        return "clean_2y"  # lenders look hardest at the last two years (C8, E4)
    return "aged_off"


def amount_band(amount: float | None) -> str:
    if amount is None:
        return "unknown"
    return "small" if amount <= REPAIR_POLICY_MAX_CNY else "large"


def count_band(count: int) -> str:
    """How many debts: rules ask "another overdue besides this one?" of one person slot
    instead of pairing every debt with every other (quadratic firings)."""
    return "none" if count == 0 else "one" if count == 1 else "many"


def inquiry_band(count: int | None) -> str:
    if count is None:
        return "unknown"
    if count <= 3:
        return "few"
    if count <= 5:
        return "some"
    if count <= 10:
        return "grey"
    return "overload"


def zhima_band(score: int | None) -> str:
    if score is None:
        return "unknown"
    if score < 600:
        return "low"
    if score < 700:
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
