"""Dates of a debt against the one-time credit repair (K4, E11): data preparation, no claims.

The contract has no calendar dates for a debt, only counts from the Situation's `as_of`:
`overdue_days` (the length of the current or, once settled, the last overdue episode) and
`months_since_settled`.  Months are the precision: a debt settled `m` months ago was
settled in the calendar month `m` months before `as_of`'s month, on a day we do not know.
So every date here is an interval, and a comparison with a policy date is answered only
when the whole interval falls on one side; otherwise the band is `unknown`.

The bands say where the dates fall, never what follows from that: the rules in
rules/credit_report.py conclude whether the repair hides the record.  The policy's dates
and amount are dated parameters (`repair.*`), read for `as_of`; before the policy was
announced, every band is `none`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from .parameters import Value


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def month_end(index: int) -> date:
    return month_start(index + 1) - timedelta(days=1)


def month_text(index: int) -> str:
    """`YYYY-MM` of a month index."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def settled_month(as_of: date, months_since_settled: int | None) -> int | None:
    """The month index the debt was settled in (`months_since_settled` before `as_of`'s)."""
    if months_since_settled is None:
        return None
    return month_index(as_of) - months_since_settled


@dataclass(frozen=True)
class Span:
    """An interval of days that holds an unknown day (both ends inclusive)."""

    first: date
    last: date

    def side_of(self, limit: date) -> str:
        """`before` (on or before `limit`), `after`, or `unknown` when it straddles it."""
        if self.last <= limit:
            return "before"
        if self.first > limit:
            return "after"
        return "unknown"


def _settled_span(as_of: date, months_since_settled: int) -> Span:
    index = month_index(as_of) - months_since_settled
    return Span(month_start(index), min(month_end(index), as_of))


def repair_in_force(values: Mapping[str, Value]) -> bool:
    return values.get("repair.in_force") is True


def repair_period(
    overdue_days: int, settled: bool, months_since_settled: int | None, as_of: date, values: Mapping[str, Value]
) -> str:
    """Whether the overdue episode produced records in the policy's period: `in`,
    `after` (it began after the period: never covered), `before` (it ended before the
    period), `unknown`, or `none` (never overdue, or no policy on `as_of`)."""
    if overdue_days <= 0 or not repair_in_force(values):
        return "none"
    start, end = values["repair.period_start"], values["repair.period_end"]
    assert isinstance(start, date) and isinstance(end, date)
    return _period_band(overdue_days, settled, months_since_settled, as_of, start, end)


# The bands are remembered by everything they depend on, the policy's dates included (a
# consultation's debts, and a batch's, repeat the same few counts).
@lru_cache(maxsize=4096)
def _period_band(
    overdue_days: int, settled: bool, months_since_settled: int | None, as_of: date, start: date, end: date
) -> str:
    if not settled:
        ended = Span(as_of, as_of)
    elif months_since_settled is None:
        return "unknown"
    else:
        ended = _settled_span(as_of, months_since_settled)
    began = Span(ended.first - timedelta(days=overdue_days), ended.last - timedelta(days=overdue_days))
    if began.side_of(end) == "after":
        return "after"
    if ended.last < start:
        return "before"
    if began.side_of(end) == "before" and ended.first >= start:
        return "in"
    return "unknown"


def repaid_band(settled: bool, overdue_days: int, months_since_settled: int | None, as_of: date, values) -> str:
    """When the overdue was repaid, against the policy's deadlines as seen on `as_of`:
    `early` (by `repair.early_repaid_by`), `by_deadline` (by `repair.repaid_by`),
    `after_deadline`; unpaid: `not_yet` (the deadline is still ahead) or `too_late`;
    `unknown` (settled, month unknown); `none` (never overdue, or no policy)."""
    if overdue_days <= 0 or not repair_in_force(values):
        return "none"
    deadline, early = values["repair.repaid_by"], values["repair.early_repaid_by"]
    assert isinstance(deadline, date) and isinstance(early, date)
    return _repaid_band(settled, months_since_settled, as_of, deadline, early)


@lru_cache(maxsize=4096)
def _repaid_band(settled: bool, months_since_settled: int | None, as_of: date, deadline: date, early: date) -> str:
    if not settled:
        return "not_yet" if as_of <= deadline else "too_late"
    if months_since_settled is None:
        return "unknown"
    span = _settled_span(as_of, months_since_settled)
    if span.side_of(deadline) == "after":
        return "after_deadline"
    if span.side_of(deadline) == "unknown":
        return "unknown"
    return "early" if span.side_of(early) == "before" else "by_deadline"


def overdue_size(overdue_amount_cny: float | None, values: Mapping[str, Value]) -> str:
    """The overdue amount (never the loan's size) against the repair's limit."""
    limit = values.get("repair.max_overdue_cny", False)
    if overdue_amount_cny is None or limit is False:
        return "unknown"  # not known, or no policy on that day: no line to compare with
    return "small" if overdue_amount_cny <= limit else "large"  # type: ignore[operator]


def hidden_by_month(as_of: date, months_since_settled: int, values: Mapping[str, Value]) -> int:
    """The month by whose end a qualifying record is no longer displayed: repaid by the
    early date → the month before `repair.early_hidden_from`; later → the next month."""
    early_hidden = values["repair.early_hidden_from"]
    assert isinstance(early_hidden, date)
    settled = _settled_span(as_of, months_since_settled)
    if settled.side_of(values["repair.early_repaid_by"]) == "before":  # type: ignore[arg-type]
        return month_index(early_hidden) - 1
    return month_index(settled.last) + 1
