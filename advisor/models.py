"""The Advice: what `advise()` returns (shared/spec/contract.md, plus additive fields)."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from credit_advisor.facts.enums import Likelihood


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Out):
    document: str = Field(description="file name in shared/sources/")
    locator: str = Field(description="a phrase found verbatim in the document")


class Effect(_Out):
    code: str
    likelihood: Likelihood
    explanation: str
    rules: list[str] = Field(description="rules that produced the effect, direct ones first, then the findings they used")
    sources: list[Source]
    conflicts: list[Source] = Field(default_factory=list, description="sources that disagree about this effect")
    debts: list[int] = Field(default_factory=list, description="indices of the debts concerned (addition)")
    label: str = Field(default="", description="the effect in words (addition)")


class TopicAdvice(_Out):
    title: str = Field(default="", description="the topic's name (addition)")
    summary: str
    effects: list[Effect] = Field(min_length=1)


class Action(_Out):
    code: str
    priority: int = Field(ge=1)
    text: str
    because: str = Field(default="", description="why this action fits (addition)")
    rules: list[str]
    sources: list[Source]
    debts: list[int] = Field(default_factory=list, description="indices of the debts concerned (addition)")


class MatchedFact(_Out):
    fact: str
    values: dict[str, Any]


class TraceEntry(_Out):
    seq: int
    rule: str
    salience: int
    matched: list[MatchedFact]
    declared: list[str]


class Advice(_Out):
    schema_version: int = 1
    ruleset_version: str
    language: str
    topics: dict[str, TopicAdvice]
    actions: list[Action]
    trace: list[TraceEntry]
    warnings: list[str] = Field(default_factory=list)
    disclaimer: str
    debt_labels: list[str] = Field(default_factory=list, description="how each debt is named in the texts (addition)")
