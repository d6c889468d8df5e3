"""Rule metadata: one decorator turns a method into an experta rule that carries its
id, citations, knowledge items, the Situation fields it reads and what it concludes.

experta's `Rule` copies the wrapped function's `__dict__`, so the metadata set here is
read back from `engine.get_rules()` — the single registry everything else lists,
checks and explains from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from credit_advisor.facts.experta_compat import Rule

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
    reads: tuple[str, ...]
    concludes: tuple[str, ...]
    conflicts: Mapping[str, tuple[Citation, ...]] = field(default_factory=dict)

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


def knowledge_rule(
    *conditions,
    id: str,
    knowledge: list[str],
    sources: list[Citation],
    reads: list[str],
    concludes: list[str],
    conflicts: dict[str, list[Citation]] | None = None,
    salience: int = EFFECT,
):
    """Decorate a rule method: experta conditions first, then its metadata.

    `concludes` lists what the rule may declare: `topic.effect_code`, `action.code` or
    `finding.on_report`, `finding.record_status` or `finding.repair_status`; tests check
    every firing keeps to it.
    """

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
            reads=tuple(reads),
            concludes=tuple(concludes),
            conflicts=MappingProxyType({code: tuple(c) for code, c in (conflicts or {}).items()}),
        )
        return Rule(*conditions, salience=salience)(func)

    return wrap


def rule_meta(rule) -> RuleMeta:
    return rule.meta
