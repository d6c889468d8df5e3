"""The timeline of each debt, read from what the rules concluded and dated from `as_of`.

The credit-report rules conclude, per debt, the record's status (`RecordStatus`
findings: shown while unpaid, shown until five years after settlement, aged off, hidden
by the one-time repair) and how the one-time credit repair stands (`RepairStatus`
findings).  This module decides none of that: it picks the concluded status, turns
`months_since_settled` and the dated parameters into calendar months counted from the
Situation's `as_of` (never the clock), and words the result.

One guard keeps the timeline and the credit-report topic from contradicting each other:
a status that states a record (shown while unpaid, shown until, unknown) is kept only
when that debt's own `credit_report.negative_record` is at least `possible`; otherwise
the debt's record status is `none`, with no date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache

from advisor.models import Advice, Milestone, RepairWindow, TimelineEntry
from advisor.texts.audit_text import audit_text, debt_name
from advisor.texts.catalog import Catalog
from credit_advisor.facts.enums import STRENGTH, Likelihood
from credit_advisor.facts.kb import Effect, RecordStatus, RepairStatus
from credit_advisor.facts.parameters import Value, parameters_on
from credit_advisor.facts.policy_dates import hidden_by_month, month_index, month_text, settled_month
from credit_advisor.facts.situation import Debt, Situation

# When rules conclude more than one status for a debt, the first in these orders is told.
RECORD_ORDER = ("hidden_by_repair", "visible_while_unpaid", "visible_until", "unknown", "aged_off")
REPAIR_ORDER = (
    "hidden",
    "still_shown",
    "may_apply",
    "repay_by_deadline",
    "not_covered_amount",
    "repaid_after_deadline",
    "not_repaid_by_deadline",
    "not_covered_period",
)
STATES_A_RECORD = frozenset({"visible_while_unpaid", "visible_until", "unknown"})
POSSIBLE = STRENGTH[Likelihood.possible]
_RECORD_RANK = {status: rank for rank, status in enumerate(RECORD_ORDER)}
_REPAIR_RANK = {status: rank for rank, status in enumerate(REPAIR_ORDER)}


class Concluded:
    """The per-debt conclusions the timeline reads.  The Advice's one pass over the
    firings (advisor.analysis.aggregate) fills it as it goes; `of_firings` walks them for
    other readers."""

    __slots__ = ("negative", "records", "repairs")

    def __init__(self) -> None:
        self.records: dict[int, str] = {}  # debt → the status told (first in RECORD_ORDER)
        self.repairs: dict[int, str] = {}  # debt → the status told (first in REPAIR_ORDER)
        self.negative: dict[int, int] = {}  # debt → strongest negative_record strength

    def add_record(self, debt: int, status: str) -> None:
        known = self.records.get(debt)
        if known is None or _RECORD_RANK[status] < _RECORD_RANK[known]:
            self.records[debt] = status

    def add_repair(self, debt: int, status: str) -> None:
        known = self.repairs.get(debt)
        if known is None or _REPAIR_RANK[status] < _REPAIR_RANK[known]:
            self.repairs[debt] = status

    def add_negative(self, debt: int, strength: int) -> None:
        if strength > self.negative.get(debt, 0):
            self.negative[debt] = strength

    @classmethod
    def of_firings(cls, firings: Iterable) -> Concluded:
        concluded = cls()
        # Exact classes: kb's fact classes are final.
        for firing in firings:
            for fact in firing.declared:
                kind = type(fact)
                if kind is Effect:
                    if fact["code"] == "negative_record" and fact["topic"] == "credit_report":
                        concluded.add_negative(fact["debt"], STRENGTH[fact["likelihood"]])
                elif kind is RecordStatus:
                    concluded.add_record(fact["debt"], fact["status"])
                elif kind is RepairStatus:
                    concluded.add_repair(fact["debt"], fact["status"])
        return concluded

    def record_status(self, debt: int) -> str:
        status = self.records.get(debt, "none")
        if status in STATES_A_RECORD and self.negative.get(debt, 0) < POSSIBLE:
            return "none"  # the credit-report topic expects no record for this debt
        return status

    def record_likelihood(self, debt: int) -> str | None:
        strength = self.negative.get(debt)
        return None if strength is None else Likelihood.of_strength(strength).value

    def repair_status(self, debt: int) -> str | None:
        return self.repairs.get(debt)


def _debt_status(debt: Debt) -> str:
    if debt.overdue_days <= 0:
        return "never_overdue"
    if not debt.settled:
        return "open"
    return "settled" if debt.months_since_settled is not None else "settled_date_unknown"


def _milestone(kind: str, month: int, now: int) -> Milestone:
    return Milestone(kind=kind, month=month_text(month), reached=month <= now, in_months=max(0, month - now))  # type: ignore[arg-type]


def _int(values: Mapping[str, Value], name: str) -> int:
    value = values[name]
    assert isinstance(value, int)
    return value


def debt_timeline(index: int, debt: Debt, concluded: Concluded, as_of: date) -> TimelineEntry:
    values = parameters_on(as_of)
    now = month_index(as_of)
    settled_in = settled_month(as_of, debt.months_since_settled) if debt.settled else None
    record = concluded.record_status(index)
    repair = concluded.repair_status(index)
    until: str | None = None
    milestones: list[Milestone] = []
    if record == "visible_until" and settled_in is not None:
        ages_off = settled_in + _int(values, "record.retention_months")
        until = month_text(ages_off)
        milestones.append(_milestone("record_ages_off", ages_off, now))
    if record == "hidden_by_repair" and debt.months_since_settled is not None:
        milestones.append(_milestone("record_hidden", hidden_by_month(as_of, debt.months_since_settled, values), now))
    if repair == "repay_by_deadline":
        deadline = values["repair.repaid_by"]
        assert isinstance(deadline, date)
        milestones.append(_milestone("repair_deadline", month_index(deadline), now))
    if record in ("visible_until", "hidden_by_repair") and settled_in is not None:
        for kind, name in (
            ("clean_six_months", "record.clean_months"),
            ("good_record_two_years", "record.good_record_months"),
        ):
            milestones.append(_milestone(kind, settled_in + _int(values, name), now))
    window = None
    if repair is not None and repair != "not_covered_period":  # the contract: null outside the period
        deadline, start, end = values["repair.repaid_by"], values["repair.period_start"], values["repair.period_end"]
        assert isinstance(deadline, date) and isinstance(start, date) and isinstance(end, date)
        window = RepairWindow(
            status=repair,  # type: ignore[arg-type]
            deadline=deadline.isoformat(),
            max_amount_cny=float(values["repair.max_overdue_cny"]),  # type: ignore[arg-type]
            period=[start.isoformat(), end.isoformat()],
        )
    return TimelineEntry(
        debt=index,
        status=_debt_status(debt),  # type: ignore[arg-type]
        record_status=record,  # type: ignore[arg-type]
        record_likelihood=concluded.record_likelihood(index),  # type: ignore[arg-type]
        record_visible_until=until,
        repair_window=window,
        repair_status=repair,  # type: ignore[arg-type]
        milestones=milestones,
    )


def timeline(situation: Situation, firings: Iterable) -> list[TimelineEntry]:
    """One entry per debt, in the order of `situation.debts` (no texts).  `situation`
    must be dated (`facts.situation.dated`): the timeline never reads the clock."""
    if situation.as_of is None:
        raise ValueError("timeline(): the situation has no as_of (date it with facts.situation.dated first)")
    concluded = Concluded.of_firings(firings)
    return [debt_timeline(index, debt, concluded, situation.as_of) for index, debt in enumerate(situation.debts)]


# --- words ------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _policy_words(as_of: date) -> dict[str, str]:
    """The numbers and dates the texts quote, as parameters in force on `as_of` (shared:
    read only)."""
    values = parameters_on(as_of)
    words = {"years": str(_int(values, "record.retention_months") // 12)}
    if values.get("repair.in_force") is True:
        start, end = values["repair.period_start"], values["repair.period_end"]
        assert isinstance(start, date) and isinstance(end, date)
        words.update(
            deadline=str(values["repair.repaid_by"]),
            limit=f"{values['repair.max_overdue_cny']:,}",
            first=str(start.year),
            last=str(end.year),
        )
    return words


def _dated(text: Catalog, key: str, milestone: Milestone, **values) -> str:
    if milestone.reached:
        return audit_text(text, f"timeline.{key}_reached", month=milestone.month, **values)
    return audit_text(text, f"timeline.{key}_in", month=milestone.month, months=milestone.in_months, **values)


def entry_parts(entry: TimelineEntry, text: Catalog, as_of: date) -> list[tuple[str, str]]:
    """The entry's statements in order, each with a style word (`calm`, `watch`,
    `serious`): record, repair, milestones."""
    words = _policy_words(as_of)
    marks = {m.kind: m for m in entry.milestones}
    parts: list[tuple[str, str]] = []
    record = entry.record_status
    if entry.status == "never_overdue" and record == "none":
        return [(audit_text(text, "timeline.never_overdue"), "calm")]
    if entry.status == "never_overdue":
        # A record on a debt never overdue (the person sees one): wrong data, to dispute.
        parts.append((audit_text(text, "timeline.record_never_overdue"), "watch"))
    elif record == "none":
        parts.append((audit_text(text, "timeline.record_none"), "calm"))
    elif record == "visible_while_unpaid":
        parts.append((audit_text(text, "timeline.record_while_unpaid", **words), "serious"))
    elif record == "unknown":
        parts.append((audit_text(text, "timeline.record_unknown", **words), "watch"))
    elif record == "aged_off":
        parts.append((audit_text(text, "timeline.record_aged_off", **words), "calm"))
    elif record == "visible_until" and "record_ages_off" in marks:
        parts.append((_dated(text, "record_until", marks["record_ages_off"], **words), "watch"))
    elif record == "hidden_by_repair" and "record_hidden" in marks:
        parts.append((_dated(text, "record_hidden", marks["record_hidden"]), "calm"))
    if parts and record in STATES_A_RECORD and entry.record_likelihood == Likelihood.possible:
        # Only possibly on the report: the record's course is told as a condition.
        parts[-1] = (audit_text(text, "timeline.if_on_report", record=parts[-1][0]), "watch")
    if entry.repair_status is not None and entry.repair_status != "hidden":
        level = "calm" if entry.repair_status in ("may_apply", "not_covered_period") else "watch"
        parts.append((audit_text(text, f"timeline.repair_{entry.repair_status}", **words), level))
    for kind in ("clean_six_months", "good_record_two_years"):
        if kind in marks:
            parts.append((_dated(text, kind, marks[kind]), "calm" if marks[kind].reached else "watch"))
    return parts


def timeline_entries(
    situation: Situation, concluded: Concluded, text: Catalog, labels: list[str] | None = None
) -> list[TimelineEntry]:
    """The timeline with a one-line summary per debt in the catalog's language (validated
    models: the Advice takes them as they are).  `concluded`: what the rules concluded,
    gathered by the Advice's own pass over the firings (`Concluded.of_firings` otherwise)."""
    from advisor.analysis.aggregate import debt_labels

    as_of = situation.as_of
    assert as_of is not None
    names = labels if labels is not None else debt_labels(situation, text)
    values = parameters_on(as_of)
    entries = []
    for index, debt in enumerate(situation.debts):
        name = debt_name(names, index)
        # Everything the entry is made from: what the debt says, what the rules
        # concluded for it, the day and its parameters, the words (the same few
        # combinations recur across debts and consultations).
        key = (
            index,
            name,
            debt.overdue_days > 0,
            debt.settled,
            debt.months_since_settled,
            concluded.records.get(index),
            concluded.repairs.get(index),
            concluded.negative.get(index),
            as_of,
            id(values),
            id(text),
        )
        found = _ENTRIES.get(key)
        if found is None:
            found = _remember_entry(key, debt_timeline(index, debt, concluded, as_of), name, text, values)
        entries.append(found[0])
    return entries


# Entries by what they are made from, each with the parameters and catalog it was made
# with (kept alive, so their ids in the key stay theirs).  The models are frozen: one
# instance can sit in many Advices.
_ENTRIES: dict[tuple, tuple[TimelineEntry, Mapping[str, Value], Catalog]] = {}


def _remember_entry(
    key: tuple, entry: TimelineEntry, name: str, text: Catalog, values: Mapping[str, Value]
) -> tuple[TimelineEntry, Mapping[str, Value], Catalog]:
    assert entry.debt == key[0]
    separator = audit_text(text, "timeline.separator")
    parts = separator.join(words for words, _ in entry_parts(entry, text, key[8]))
    summary = audit_text(text, "timeline.summary", debt=name, parts=parts)
    if len(_ENTRIES) >= 4096:
        _ENTRIES.clear()
    found = _ENTRIES[key] = (entry.model_copy(update={"summary": summary}), values, text)
    return found


# --- the text report ----------------------------------------------------------------------


STYLE = {"serious": "bold red", "watch": "yellow", "calm": "green"}
MARK = {"serious": "!!", "watch": "!", "calm": "✓"}


def timeline_block(advice: Advice):
    """The timeline section of the text report (a rich renderable), dated from the
    Advice's own `as_of`."""
    from rich.console import Group
    from rich.rule import Rule
    from rich.table import Table
    from rich.text import Text

    from advisor.texts.catalog import catalog
    from advisor.ui.prose import Prose

    text = catalog(advice.language).on(advice.as_of)
    title = audit_text(text, "timeline.title", today=advice.as_of.isoformat())
    parts: list = [Rule(Text(title, style="bold"), align="left")]
    if not advice.timeline:
        parts.append(Text(audit_text(text, "timeline.no_debts")))
    for entry in advice.timeline:
        parts.append(Prose(Text(debt_name(advice.debt_labels, entry.debt), style="bold cyan")))
        # The mark in its own column: wrapped words stay right of it (a hanging indent).
        rows = Table.grid(padding=(0, 1))
        rows.add_column(no_wrap=True)
        rows.add_column(ratio=1)
        for words, level in entry_parts(entry, text, advice.as_of):
            rows.add_row(Text(f"  {MARK[level]}", style=STYLE[level]), Prose(words))
        parts.append(rows)
    return Group(*parts)
