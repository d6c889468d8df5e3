"""Rule metadata: one decorator turns a method into an experta rule that carries its
id, citations, knowledge items, the Situation fields it reads and what it concludes.

experta's `Rule` copies the wrapped function's `__dict__`, so the metadata set here is
read back from `engine.get_rules()` — the single registry everything else lists,
checks and explains from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

from credit_advisor.facts.experta_compat import Rule

from .reads import fields_of, matches_findings, tested_slots

DOCUMENTS = {
    "000": "000_cf1d8ca191222e33.txt",
    "001": "001_b7d584443c2fbc2a.txt",
    "002": "002_6fe797c5a744a779.txt",
    "003": "003_d99dc14840eb8d50.txt",
    "004": "004_de7aae28b3c700b6.txt",
    "evidence": "evidence.md",
    "evidence-law": "evidence-law.md",
}

# Salience tiers: findings feed effects, effects feed actions, calm fallbacks come last
# (they fire only when nothing harmful was concluded for their topic).
FINDING = 30
EFFECT = 10
ACTION = 0
FALLBACK = -100


@dataclass(frozen=True, order=True)
class Citation:
    document: str
    locator: str

    def as_dict(self) -> dict[str, str]:
        return {"document": self.document, "locator": self.locator}


def cite(doc: str, locator: str) -> Citation:
    """A source passage: `doc` is a key of DOCUMENTS, `locator` a verbatim phrase."""
    return Citation(DOCUMENTS[doc], locator)


@dataclass(frozen=True)
class RuleMeta:
    id: str
    summary: str
    salience: int
    knowledge: tuple[str, ...]
    sources: tuple[Citation, ...]
    concludes: tuple[str, ...]
    conflicts: Mapping[str, tuple[Citation, ...]] = field(default_factory=dict)
    # The fields the rule's own patterns test (rules.reads), then what the rule adds by
    # hand (`reads=`: only what its conditions cannot show).
    own_reads: tuple[str, ...] = ()
    hand_reads: tuple[str, ...] = ()  # the `reads=` given by hand
    # Whether its conditions match a credit-report finding.
    uses_findings: bool = False
    # The rule's right-hand side (the decorated method): the interview's relevance runs
    # it over what the answers so far allow, without an engine.
    action: Callable[..., None] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def reads(self) -> tuple[str, ...]:
        """The Situation fields this rule reads: its own, then those behind the findings
        it matches (what the findings rules read).  Computed on first use, when every
        rule module is loaded."""
        if not self.uses_findings:
            return self.own_reads
        found = dict.fromkeys(self.own_reads)
        for meta in _DECLARED:
            if "finding.on_report" in meta.concludes:
                found.update(dict.fromkeys(meta.own_reads))
        return tuple(found)

    @property
    def topic(self) -> str:
        return self.id.split(".", 1)[0]

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "topic": self.topic,
            "summary": self.summary,
            "salience": self.salience,
            "knowledge": list(self.knowledge),
            "sources": [c.as_dict() for c in self.sources],
            "reads": list(self.reads),
            "concludes": list(self.concludes),
            "conflicts": {code: [c.as_dict() for c in cites] for code, cites in self.conflicts.items()},
        }


# Every rule's metadata, in declaration order (for the reads behind findings).
_DECLARED: list[RuleMeta] = []


def knowledge_rule(
    *conditions: Any,
    id: str,
    knowledge: list[str],
    sources: list[Citation],
    concludes: list[str],
    reads: list[str] | None = None,
    conflicts: dict[str, list[Citation]] | None = None,
    salience: int = EFFECT,
):
    """Decorate a rule method: experta conditions first, then its metadata.

    `concludes` lists what the rule may declare: `topic.effect_code`, `action.code` or
    `finding.on_report`, `finding.record_status` or `finding.repair_status`; tests check
    every firing keeps to it.  What the rule reads is
    derived from its conditions (rules.reads); `reads` adds only what they cannot show.
    """
    derived = fields_of(tested_slots(conditions))
    own_reads = tuple(dict.fromkeys((*derived, *(reads or ()))))
    uses_findings = matches_findings(conditions)

    def wrap(func):
        doc = (func.__doc__ or "").strip()
        if not doc or "\n" in doc:
            raise ValueError(f"rule {id}: needs a one-line docstring")
        func.meta = RuleMeta(
            id=id,
            summary=doc,
            salience=salience,
            knowledge=tuple(knowledge),
            sources=tuple(sources),
            concludes=tuple(concludes),
            conflicts=MappingProxyType({code: tuple(c) for code, c in (conflicts or {}).items()}),
            own_reads=own_reads,
            hand_reads=tuple(reads or ()),
            uses_findings=uses_findings,
            action=func,
        )
        _DECLARED.append(func.meta)
        return Rule(*conditions, salience=salience)(func)

    return wrap


def rule_meta(rule) -> RuleMeta:
    return rule.meta
