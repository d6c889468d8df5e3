"""The timeline of each debt: when its negative record stops showing, when the six-month
and two-year clean marks are reached, and whether the PBOC one-time repair applies.

`timeline(situation)` is a pure function of the Situation: months are counted from the
situation's present (`months_since_settled`), so the JSON never depends on the clock.
Only the text report turns months into calendar months, from today's date.

Knowledge: the 5 years run from settlement and an unsettled overdue never ages off (C8,
E4); six clean months bring a clear improvement (R6); two years of good record is the
lenders' heuristic (C8); the one-time repair announced 2025-12-22 hides personal
overdues of at most 10,000 yuan each from 2020–2025 that were repaid in full by
2026-03-31, automatically and free (E11).
"""

from __future__ import annotations

from datetime import date
from functools import cache

from advisor.models import Advice, RepairWindow, TimelineEntry
from advisor.texts.audit_text import audit_text, debt_name
from advisor.texts.catalog import Catalog
from credit_advisor.facts.parameters import parameter
from credit_advisor.facts.situation import Debt, Situation

RECORD_MONTHS = 60  # 5 years after settlement (征信业管理条例 art. 16; E4)
CLEAN_MONTHS = 6  # R6
GOOD_RECORD_MONTHS = 24  # C8: "keep at least 2 years of good record"
REPAIR_DEADLINE = date(2026, 3, 31)  # E11: repaid in full by this date
REPAIR_YEARS = (2020, 2025)  # E11: overdues from these years
# This version runs on or after 2026-11-22, so a debt settled fewer than 8 months before
# "now" was settled in April 2026 or later: after the repair deadline, whatever the date.
SETTLED_AFTER_DEADLINE_MONTHS = 8


def _remaining(total: int, months: int) -> int:
    return max(0, total - months)


def repair_window(debt: Debt, as_of: date) -> RepairWindow:
    if debt.overdue_days <= 0:
        return _window("not_applicable", "never_overdue")
    if debt.amount_cny is not None and debt.amount_cny > parameter("repair.max_overdue_cny", as_of):  # type: ignore[operator]
        return _window("not_applicable", "amount_over_limit")
    if not debt.settled:
        # The deadline has passed: an overdue still unpaid can no longer qualify.
        return _window("closed", "not_repaid_by_deadline")
    if debt.months_since_settled is not None and debt.months_since_settled < SETTLED_AFTER_DEADLINE_MONTHS:
        return _window("closed", "repaid_after_deadline")
    return _window("may_apply", "repaid_small_overdue")


@cache
def _window(status: str, reason: str) -> RepairWindow:
    # Five possible windows, each a frozen model: one instance each serves every advice.
    return RepairWindow(status=status, reason=reason, deadline=REPAIR_DEADLINE.isoformat())


def debt_timeline(index: int, debt: Debt, as_of: date) -> TimelineEntry:
    window = repair_window(debt, as_of)
    if debt.overdue_days <= 0:
        return TimelineEntry(
            debt=index,
            status="never_overdue",
            record_visible_until_months=0,
            clean_six_months_in_months=0,
            good_record_two_years_in_months=0,
            repair_window=window,
        )
    if not debt.settled:
        return TimelineEntry(
            debt=index,
            status="open",
            record_visible_until_months=None,
            clean_six_months_in_months=None,
            good_record_two_years_in_months=None,
            repair_window=window,
        )
    months = debt.months_since_settled
    if months is None:
        return TimelineEntry(
            debt=index,
            status="settled_date_unknown",
            record_visible_until_months=None,
            clean_six_months_in_months=None,
            good_record_two_years_in_months=None,
            repair_window=window,
        )
    return TimelineEntry(
        debt=index,
        status="settled",
        months_since_settled=months,
        record_visible_until_months=_remaining(RECORD_MONTHS, months),
        clean_six_months_in_months=_remaining(CLEAN_MONTHS, months),
        good_record_two_years_in_months=_remaining(GOOD_RECORD_MONTHS, months),
        repair_window=window,
    )


def timeline(situation: Situation) -> list[TimelineEntry]:
    """One entry per debt, in the order of `situation.debts` (no texts)."""
    as_of = situation.as_of or date.today()
    return [debt_timeline(index, debt, as_of) for index, debt in enumerate(situation.debts)]


# --- words ------------------------------------------------------------------------------


def _mark(text: Catalog, kind: str, months: int | None, status: str) -> str:
    if status == "open":
        return audit_text(text, f"timeline.{kind}_open")
    if status == "settled_date_unknown":
        return audit_text(text, f"timeline.{kind}_unknown")
    if months == 0:
        return audit_text(text, f"timeline.{kind}_reached")
    return audit_text(text, f"timeline.{kind}_in", months=months)


def _repair_words(text: Catalog, window: RepairWindow) -> str:
    return audit_text(
        text,
        f"timeline.repair_{window.reason}",
        deadline=window.deadline,
        limit=f"{window.max_amount_cny:,}",
        first=REPAIR_YEARS[0],
        last=REPAIR_YEARS[1],
    )


def entry_parts(entry: TimelineEntry, text: Catalog) -> list[str]:
    """The entry's statements, in order: record, six months, two years, repair window."""
    if entry.status == "never_overdue":
        return [audit_text(text, "timeline.never_overdue")]
    if entry.status == "open":
        record = audit_text(text, "timeline.record_open", years=RECORD_MONTHS // 12)
    elif entry.status == "settled_date_unknown":
        record = audit_text(text, "timeline.record_unknown", years=RECORD_MONTHS // 12)
    elif entry.record_visible_until_months == 0:
        record = audit_text(text, "timeline.record_gone", years=RECORD_MONTHS // 12)
    else:
        record = audit_text(text, "timeline.record_until", months=entry.record_visible_until_months)
    parts = [record]
    parts.append(_mark(text, "clean", entry.clean_six_months_in_months, entry.status))
    parts.append(_mark(text, "two_years", entry.good_record_two_years_in_months, entry.status))
    parts.append(_repair_words(text, entry.repair_window))
    return parts


def timeline_entries(situation: Situation, text: Catalog, labels: list[str] | None = None) -> list[dict]:
    """The timeline with a one-line summary per debt in the catalog's language, as the
    data of TimelineEntry models (the Advice validates them with everything else)."""
    from advisor.analysis.aggregate import debt_labels

    names = labels if labels is not None else debt_labels(situation, text)
    separator = audit_text(text, "words.clause_sep")
    entries = []
    for entry in timeline(situation):
        summary = audit_text(
            text,
            "timeline.summary",
            debt=debt_name(names, entry.debt),
            parts=separator.join(entry_parts(entry, text)),
        )
        entries.append({**entry.__dict__, "summary": summary})
    return entries


# --- the text report ----------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after (or before, if negative) `day`'s month."""
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _dated(text: Catalog, kind: str, months: int | None, today: date) -> str | None:
    if months is None:
        return None
    if months == 0:
        return audit_text(text, f"timeline.{kind}_reached")
    return audit_text(text, f"timeline.{kind}_dated", date=_month(add_months(today, months)), months=months)


def dated_parts(entry: TimelineEntry, text: Catalog, today: date) -> list[tuple[str, str]]:
    """The entry's statements with calendar months from `today`, each with a style word
    (`calm`, `watch`, `serious`) for the report."""
    if entry.status == "never_overdue":
        return [(audit_text(text, "timeline.never_overdue"), "calm")]
    parts: list[tuple[str, str]] = []
    if entry.status == "open":
        parts.append((audit_text(text, "timeline.record_open", years=RECORD_MONTHS // 12), "serious"))
        parts.append((audit_text(text, "timeline.clean_open"), "watch"))
    elif entry.status == "settled_date_unknown":
        parts.append((audit_text(text, "timeline.record_unknown", years=RECORD_MONTHS // 12), "watch"))
    else:
        if entry.record_visible_until_months == 0:
            parts.append((audit_text(text, "timeline.record_gone", years=RECORD_MONTHS // 12), "calm"))
        else:
            until = add_months(today, entry.record_visible_until_months)
            words = audit_text(
                text, "timeline.record_dated", date=_month(until), months=entry.record_visible_until_months
            )
            parts.append((words, "watch"))
        for kind, months in (
            ("clean", entry.clean_six_months_in_months),
            ("two_years", entry.good_record_two_years_in_months),
        ):
            words = _dated(text, kind, months, today)
            if words is not None:
                parts.append((words, "calm" if months == 0 else "watch"))
    window = entry.repair_window
    dated = (
        window.reason in ("repaid_small_overdue", "repaid_after_deadline") and entry.months_since_settled is not None
    )
    if dated:
        settled_on = add_months(today, -entry.months_since_settled)
        before_deadline = (settled_on.year, settled_on.month) <= (REPAIR_DEADLINE.year, REPAIR_DEADLINE.month)
        key = "repair_before_deadline" if before_deadline else "repair_after_deadline"
        words = audit_text(
            text,
            f"timeline.{key}",
            date=_month(settled_on),
            deadline=window.deadline,
            first=REPAIR_YEARS[0],
            last=REPAIR_YEARS[1],
        )
        parts.append((words, "calm" if before_deadline else "watch"))
    elif window.reason != "never_overdue":
        parts.append((_repair_words(text, window), "watch" if window.status == "closed" else "calm"))
    return parts


STYLE = {"serious": "bold red", "watch": "yellow", "calm": "green"}
MARK = {"serious": "!!", "watch": "!", "calm": "✓"}


def timeline_block(advice: Advice, today: date | None = None):
    """The timeline section of the text report (a rich renderable)."""
    from rich.console import Group
    from rich.rule import Rule
    from rich.text import Text

    from advisor.texts.catalog import catalog

    text = catalog(advice.language).on(advice.as_of)
    today = today or date.today()
    parts: list = [Rule(Text(audit_text(text, "timeline.title", today=today.isoformat()), style="bold"), align="left")]
    if not advice.timeline:
        parts.append(Text(audit_text(text, "timeline.no_debts")))
    for entry in advice.timeline:
        parts.append(Text(debt_name(advice.debt_labels, entry.debt), style="bold cyan"))
        for words, level in dated_parts(entry, text, today):
            line = Text(f"  {MARK[level]} ", style=STYLE[level])
            line.append(words)
            parts.append(line)
    return Group(*parts)
