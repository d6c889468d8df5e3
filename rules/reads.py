"""What a rule reads, derived from its experta conditions through the fact schema.

`patterns` is the one place that reads rule conditions for this (through
`advisor.engine.lhs`, the condition reader why-not uses): point it at another reader of
the conditions and everything else here follows.

What `reads` holds (`RuleMeta.reads`): the Situation fields behind every slot the rule's
own patterns test, plus, when it matches a credit-report finding (`OnReport`), the fields
the findings rules read — a finding only restates input, per debt.  Conclusions a rule
reacts to (`Effect`, `Action`) add nothing: they have HOW chains of their own, and a
calm fallback lists by hand (`reads=`) what its topic's conclusions rest on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from credit_advisor.facts.schema import TEMPLATES


def patterns(conditions: Iterable[Any]) -> list[tuple[str, tuple[str, ...]]]:
    """Each fact pattern in the conditions (every alternative, negated ones included):
    its fact type and the slots it constrains."""
    from advisor.engine import lhs

    return [
        (type(pattern).__name__, tuple(str(slot) for slot, _ in lhs.slots(pattern)))
        for alternative in lhs.alternatives(tuple(conditions))
        for element in alternative
        for pattern in element.patterns
    ]


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
