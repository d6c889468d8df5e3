"""One consultation that keeps the engine's firings (fact objects, not just their JSON),
for the features that reason about a run: why-not, what-if and the audit."""

from __future__ import annotations

import json

from advisor.engine.core import Firing
from advisor.models import Advice, TraceEntry
from credit_advisor.facts.experta_compat import Fact
from credit_advisor.facts.kb import situation_to_facts
from credit_advisor.facts.situation import Situation


def run(situation: Situation, lang: str) -> tuple[Advice, list[Firing]]:
    """The Advice, exactly as `advise()` builds it, and the firings behind it."""
    from advisor.api import consultation
    from advisor.texts.catalog import check_language

    check_language(lang)
    advice, firings = consultation(situation, lang, keep_firings=True)
    assert firings is not None  # kept when asked for
    return advice, firings


def final_facts(situation: Situation, firings: list[Firing]) -> list[Fact]:
    """Every fact at the end of the run: the situation's facts, then all declared ones.

    Rules only ever declare (nothing is retracted), so this is the working memory the
    last rule saw."""
    return list(situation_to_facts(situation)) + [fact for firing in firings for fact in firing.declared]


def declared_facts(entry: TraceEntry | dict) -> list[tuple[str, dict]]:
    """The (class name, values) of the facts a trace entry declared.

    A declared fact is recorded as `"<Class> f-<id> <json>"` (advisor.analysis.aggregate)."""
    lines = entry.declared if isinstance(entry, TraceEntry) else entry.get("declared", [])
    out = []
    for line in lines:
        kind, _, rest = line.partition(" ")
        _, _, payload = rest.partition(" ")
        try:
            values = json.loads(payload) if payload else {}
        except json.JSONDecodeError:
            values = {"raw": payload}
        out.append((kind, values))
    return out
