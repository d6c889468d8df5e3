"""The Advice: what `advise()` returns (shared/spec/contract.md, plus additive fields)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from pydantic.dataclasses import dataclass

from credit_advisor.facts.enums import Likelihood, RecordStatus, RepairStatus


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Out):
    document: str = Field(description="file name in shared/sources/")
    locator: str = Field(description="a phrase found verbatim in the document")


class DebtContribution(_Out):
    """What one debt's own rules concluded about an effect (contract version 2)."""

    debt: int = Field(ge=0, description="index of the debt in the Situation")
    likelihood: Likelihood = Field(description="the strongest likelihood this debt's own rules concluded")
    # A tuple: one instance is shared by every Advice that has the same entry.
    rules: tuple[str, ...] = Field(
        description="the rules behind that likelihood for this debt, direct ones first, then the findings they used"
    )


class Effect(_Out):
    code: str
    likelihood: Likelihood = Field(
        description="the strongest likelihood concluded: of the debts in by_debt, or of a person-level rule"
    )
    explanation: str = Field(description="the reasons behind the winning likelihood (for the debts in `debts`)")
    rules: list[str] = Field(
        description="rules that produced the effect, direct ones first, then the findings they used"
    )
    sources: list[Source]
    conflicts: list[Source] = Field(default_factory=list, description="sources that disagree about this effect")
    debts: list[int] = Field(
        default_factory=list,
        description="indices of the debts whose own likelihood is the effect's (addition); "
        "weaker contributions are in by_debt",
    )
    by_debt: list[DebtContribution] = Field(
        default_factory=list,
        description="one entry per debt that contributed, in index order, with its own likelihood "
        "(contract version 2); person-level contributions have none",
    )
    label: str = Field(default="", description="the effect in words (addition)")


class TopicAdvice(_Out):
    title: str = Field(default="", description="the topic's name (addition)")
    summary: str
    effects: list[Effect] = Field(min_length=1)
    if_used: bool = Field(
        default=False,
        description="the topic is one product the person neither owes on nor plans to apply for: its effects "
        "apply if they use or apply for it (addition)",
    )


class Action(_Out):
    code: str
    priority: int = Field(ge=1)
    text: str
    because: str = Field(default="", description="why this action fits (addition)")
    rules: list[str]
    sources: list[Source]
    debts: list[int] = Field(default_factory=list, description="indices of the debts concerned (addition)")


class _TraceItem:
    """The trace's items are pydantic dataclasses, not models: a trace has one entry per
    firing (hundreds at 20 debts), the biggest part of an Advice, and dataclasses are
    validated in less than half the time.  `model_dump` is kept for callers."""

    def model_dump(self, mode: Literal["python", "json"] = "python") -> dict:
        adapter = _ADAPTERS.get(type(self))
        if adapter is None:
            adapter = _ADAPTERS[type(self)] = TypeAdapter(type(self))
        return adapter.dump_python(self, mode=mode)


_ADAPTERS: dict[type, TypeAdapter] = {}
_Trusted = TypeVar("_Trusted", "MatchedFact", "TraceEntry")


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class MatchedFact(_TraceItem):
    fact: str
    values: dict[str, Any]


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class TraceEntry(_TraceItem):
    seq: int
    rule: str
    salience: int
    matched: list[MatchedFact]
    declared: list[str]


def of_engine_data(kind: type[_Trusted], fields: dict) -> _Trusted:
    """A MatchedFact or TraceEntry from the fields `aggregate` builds for each firing
    (fact names and rule ids strs, slot values a fresh dict of scalars, seq and salience
    ints, MatchedFact instances, declared strs), not validated again: a dataclass keeps
    its fields in `__dict__`, and checking hundreds of entries whose types are fixed by
    construction was a twentieth of a 20-debt `advise()`.  The Advice takes the instances
    as they are.  tests/test_trace_entries.py checks, on every example, that they equal
    validated ones, field for field and in JSON."""
    item = object.__new__(kind)
    object.__setattr__(item, "__dict__", fields)  # frozen: past its __setattr__, once
    return item


# The statuses' codes are declared once, in facts.enums (the rules conclude them).
RepairStatusCode = RepairStatus


class RepairWindow(_Out):
    """How the PBOC one-time credit repair (announced 2025-12-22) stands for one debt, as
    the credit-report rules concluded it, with the policy's dates on `as_of`."""

    status: RepairStatusCode
    deadline: str = Field(description="the overdue had to be repaid in full by this day (YYYY-MM-DD)")
    max_amount_cny: float = Field(description="each month's overdue amount may be at most this")
    period: list[str] = Field(description="the first and last day of the overdues the policy covers")


class Milestone(_Out):
    """A month that changes something for the debt (addition)."""

    kind: Literal["record_ages_off", "record_hidden", "repair_deadline", "clean_six_months", "good_record_two_years"]
    month: str = Field(description="YYYY-MM")
    reached: bool = Field(description="the month is `as_of`'s month or earlier")
    in_months: int = Field(ge=0, description="months from `as_of`'s month; 0 once reached")


class TimelineEntry(_Out):
    """One debt's timeline, from the rules' conclusions, dated from `as_of` (contract v2)."""

    debt: int
    status: Literal["never_overdue", "open", "settled", "settled_date_unknown"] = Field(
        description="the debt as given (addition)"
    )
    record_status: RecordStatus = Field(
        description="none when no negative record is expected for the debt (its negative_record below possible)"
    )
    record_likelihood: Likelihood | None = Field(
        default=None, description="the debt's own credit_report.negative_record likelihood, if any (addition)"
    )
    record_visible_until: str | None = Field(
        description="YYYY-MM the record stops showing (5 years after settlement); null when no negative record "
        "is expected, when it never ages off while unpaid, or when the settlement month is unknown"
    )
    repair_window: RepairWindow | None = Field(
        description="the one-time credit repair; null unless the overdue fell in (or may have fallen in) its period"
    )
    repair_status: RepairStatusCode | None = Field(
        default=None, description="what the rules concluded about the repair, also outside its period (addition)"
    )
    milestones: list[Milestone] = Field(default_factory=list)
    summary: str = Field(default="", description="the entry in words")


class OverviewItem(_Out):
    """One line of the overview (contract version 2)."""

    kind: Literal["act", "risk", "calm"] = Field(description="what to do, what is at risk, or what is safe")
    ref: str = Field(description="an action code, or `topic.code` of an effect")
    text: str


class Advice(_Out):
    schema_version: int = 2
    as_of: date = Field(description="the day the advice was computed for (contract version 2)")
    ruleset_version: str
    language: str
    overview: list[OverviewItem] = Field(
        default_factory=list, description="3 to 6 items, most important first (contract version 2)"
    )
    topics: dict[str, TopicAdvice]
    actions: list[Action]
    trace: list[TraceEntry]
    warnings: list[str] = Field(default_factory=list)
    disclaimer: str
    debt_labels: list[str] = Field(default_factory=list, description="how each debt is named in the texts (addition)")
    timeline: list[TimelineEntry] = Field(
        default_factory=list, description="per debt: record status and when it changes, repair, milestones"
    )
