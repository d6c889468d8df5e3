"""What a rule reads, derived from its experta conditions through the fact schema.

`patterns` is the one place that lists the slots a rule's conditions name (their
structure only; what values they accept is evaluated in one place, the compiled form of
`advisor.engine.compiled`).

What `reads` holds (`RuleMeta.reads`): the Situation fields behind every slot the rule's
own patterns test, plus, when it matches a credit-report finding (`OnReport`), the fields
the findings rules read — a finding only restates input, per debt.  Conclusions a rule
reacts to (`Effect`, `Action`) add nothing: they have HOW chains of their own, and a
calm fallback lists by hand (`reads=`) what its topic's conclusions rest on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from credit_advisor.facts.experta_compat import Fact
from credit_advisor.facts.schema import TEMPLATES


def patterns(conditions: Iterable[Any]) -> list[tuple[str, tuple[str, ...]]]:
    """Each fact pattern in the conditions (every alternative, negated ones included):
    its fact type and the slots it names.

    Only the structure is read, with experta's public classes: a pattern is a `Fact` (a
    dict of slot -> constraint), and AND, OR and NOT are tuples of conditions.  Which
    values a slot accepts is the compiled form's business (`advisor.engine.compiled`,
    what the matcher and why-not evaluate); tests/test_schema.py checks that the slots
    listed here are exactly those the compiled rules test."""
    return [(type(pattern).__name__, _slot_names(pattern)) for pattern in _facts(tuple(conditions))]


def _facts(condition: Any) -> Iterator[Any]:
    if isinstance(condition, Fact):
        yield condition
    elif isinstance(condition, tuple):  # experta's AND, OR, NOT (and the rule's own list)
        for part in condition:
            yield from _facts(part)


def _slot_names(pattern: Any) -> tuple[str, ...]:
    # experta's special slots (a capture's `__bind__`) are not conditions.
    return tuple(str(slot) for slot in pattern if not (isinstance(slot, str) and slot.startswith("__")))


def tested_slots(conditions: Iterable[Any]) -> list[tuple[str, str]]:
    """(fact type, slot) of every slot the conditions test, in order of appearance; key
    slots (which debt, topic or code a pattern is about) are joins, not tests."""
    found: dict[tuple[str, str], None] = {}
    for kind, slots in patterns(conditions):
        template = TEMPLATES[kind]
        for slot in slots:
            if not template.slot(slot).key:
                found.setdefault((kind, slot))
    return list(found)


def fields_of(slots: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """The Situation fields behind input-fact slots, in order (findings and conclusions
    have none)."""
    fields: dict[str, None] = {}
    for kind, slot in slots:
        for name in TEMPLATES[kind].slot(slot).fields:
            fields.setdefault(name)
    return tuple(fields)


def matches_findings(conditions: Iterable[Any]) -> bool:
    """Whether the conditions match a credit-report finding, even on its key alone."""
    return any(kind == "OnReport" for kind, _ in patterns(conditions))
