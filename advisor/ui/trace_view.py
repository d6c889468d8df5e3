"""The rule trace of the text report (`--trace`), readable at any width.

One entry per firing, numbered as the trace is: the rule id whole (never cut), then what
it matched, summarised to the slots the rule's own conditions test (a debt named as the
report names it, not the whole fact), then what it concluded.  The JSON trace keeps every
value; this is the view for a person reading along.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from rich.console import Group
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from advisor.models import Advice, MatchedFact, TraceEntry
from advisor.texts.audit_text import debt_name
from advisor.texts.catalog import catalog
from advisor.ui.prose import Prose

# Slots that say which thing a fact is about (shown as its name) or who concluded it.
IDENTITY_SLOTS = frozenset({"debt", "rule"})


@cache
def tested_slots() -> dict[str, dict[str, frozenset[str]]]:
    """Per rule, per fact type: the slots its conditions test (advisor.engine.compiled)."""
    from advisor.engine.core import engine

    found: dict[str, dict[str, set[str]]] = {}
    for rule in engine().rules:
        for kind, slot in rule.tested_slots():
            found.setdefault(rule.id, {}).setdefault(kind, set()).add(str(slot))
    return {rule: {kind: frozenset(slots) for kind, slots in kinds.items()} for rule, kinds in found.items()}


def _fact_name(kind: str) -> str:
    return kind[: -len("Fact")] if kind.endswith("Fact") and len(kind) > 4 else kind


def _subject(values: dict[str, Any], labels: list[str]) -> str | None:
    debt = values.get("debt")
    return debt_name(labels, debt) if isinstance(debt, int) and debt >= 0 else None


def _slots(values: dict[str, Any], shown: frozenset[str] | set[str]) -> str:
    return ", ".join(f"{slot}={values[slot]}" for slot in values if slot in shown and slot not in IDENTITY_SLOTS)


def matched_summary(entry: TraceEntry, labels: list[str]) -> list[str]:
    """Each matched fact as `Kind debt: slot=value, …` with only the slots the rule tests."""
    tested = tested_slots().get(entry.rule, {})
    lines = []
    for matched in entry.matched:
        lines.append(_summary(matched, tested, labels))
    return lines


def _summary(matched: MatchedFact, tested: dict[str, frozenset[str]], labels: list[str]) -> str:
    kind = matched.fact.split(" ", 1)[0]
    name = _fact_name(kind)
    subject = _subject(matched.values, labels)
    head = f"{name} {subject}" if subject else name
    slots = _slots(matched.values, tested.get(kind, frozenset()))
    return f"{head}: {slots}" if slots else head


def declared_summary(entry: TraceEntry, labels: list[str]) -> list[str]:
    """What the firing declared: `Effect topic.code (likelihood) debt`, `Action code debt`, …"""
    from advisor.engine.consult import declared_facts

    lines = []
    for kind, values in declared_facts(entry):
        subject = _subject(values, labels)
        if kind == "Effect":
            line = f"{values.get('topic')}.{values.get('code')} ({values.get('likelihood')})"
        elif kind == "Action":
            line = f"action.{values.get('code')}"
        else:
            shown = {slot for slot in values if slot not in IDENTITY_SLOTS}
            line = f"{kind} {_slots(values, shown)}".rstrip()
        lines.append(f"{line} · {subject}" if subject else line)
    return lines


def trace_block(advice: Advice) -> Group:
    text = catalog(advice.language).on(advice.as_of)
    parts: list = [Rule(Text(text.ui("report_trace"), style="bold"), align="left")]
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(ratio=1)
    for entry in advice.trace:
        salience = f"{text.ui('trace_salience')} {entry.salience}"
        # Names stay whole on a line: the debts' and the salience's.
        whole = (salience, *advice.debt_labels)
        head = Text(entry.rule, style="magenta")
        head.append(f" · {salience}", style="dim")
        body: list = [Prose(head, whole=whole)]
        matched = matched_summary(entry, advice.debt_labels)
        if matched:
            line = text.ui("trace_matched") + text.ui("trace_colon") + "; ".join(matched)
            body.append(Prose(line, whole=whole))
        declared = declared_summary(entry, advice.debt_labels)
        if declared:
            line = text.ui("trace_declared") + text.ui("trace_colon") + "; ".join(declared)
            body.append(Prose(line, whole=whole))
        grid.add_row(Text(f"{entry.seq}.", style="bold"), Group(*body))
    parts.append(grid)
    return Group(*parts)
