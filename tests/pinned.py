"""Pinned rule cases: situations with the conclusions they must give, kept as data.

The cases live in `tests/cases/<topic>.toml` (OpenFisca's YAML tests are the model), one
`[[case]]` per situation:

    [[case]]
    name = "A Jiebei overdue of 3 days, unpaid, stops Huabei and may lower its limit"
    near_miss_of = ["..."]         # rules this situation is the closest miss of (optional)
    trace = ["...", "..."]         # every rule that fires, no more, no fewer
    actions = ["settle_overdue"]   # the actions in priority order (optional)

    [case.situation]               # the contract's input, as `advise()` takes it
    as_of = "2026-11-30"           # always fixed: the advice depends on the day
    debts = [{ product = "jiebei", overdue_days = 3 }]

    [case.concludes]               # exactly what each rule named here declared
    "huabei.own_overdue_blocks_use" = ["huabei.limit_reduced: possible (debt 0)", "huabei.suspended: likely (debt 0)"]

    [case.effects]                 # every effect of each topic named, with its likelihood
    "huabei.suspended" = "likely"
    "huabei.limit_reduced" = "possible"

A conclusion reads `topic.code: likelihood`, `finding.on_report: likelihood`,
`finding.record_status: status`, `finding.repair_status: status` or `action.code`, followed by `(debt N)` when it is about one debt.  Effects are pinned by
`topic.code: likelihood` only, never by the debts the Advice lists under them (how an
effect attributes debts is the aggregation's business, pinned elsewhere).

TOML rather than Python tables: a case is then the contract's own JSON input plus the
answer, with no helper building fields out of sight; a reader checks it against the
knowledge without reading code, and a new rule's cases are added by copying a block.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conftest import declared_facts as declarations  # (rule, fact type, slots) per declared fact

CASES_DIR = Path(__file__).with_name("cases")
# The findings that say a status (the timeline words them): fact type -> finding name.
FINDING_STATUS = {"RecordStatus": "record_status", "RepairStatus": "repair_status"}
_KEYS = {"name", "near_miss_of", "trace", "actions", "situation", "concludes", "effects"}


@dataclass(frozen=True)
class Case:
    name: str
    file: str
    situation: dict[str, Any]
    trace: frozenset[str]
    near_miss_of: tuple[str, ...] = ()
    concludes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    effects: dict[str, str] = field(default_factory=dict)
    actions: tuple[str, ...] | None = None

    @property
    def pins(self) -> tuple[str, ...]:
        """The rules whose conclusions this case pins."""
        return tuple(self.concludes)

    def effect_topics(self) -> set[str]:
        return {name.split(".", 1)[0] for name in self.effects}


def parse_case(raw: dict[str, Any], file: str) -> Case:
    unknown = set(raw) - _KEYS
    if unknown:
        raise ValueError(f"{file}: case {raw.get('name')!r} has unknown keys {sorted(unknown)}")
    return Case(
        name=raw["name"],
        file=file,
        situation=raw["situation"],
        trace=frozenset(raw["trace"]),
        near_miss_of=tuple(raw.get("near_miss_of", ())),
        concludes={rule: tuple(items) for rule, items in raw.get("concludes", {}).items()},
        effects=dict(raw.get("effects", {})),
        actions=tuple(raw["actions"]) if "actions" in raw else None,
    )


def load_cases() -> list[Case]:
    """Every case of every file, in file order (files sorted by name)."""
    cases: list[Case] = []
    for path in sorted(CASES_DIR.glob("*.toml")):
        with path.open("rb") as stream:
            table = tomllib.load(stream)
        cases.extend(parse_case(raw, path.name) for raw in table.get("case", ()))
    return cases


# --- reading an Advice the way the cases are written -----------------------------------


def conclusion_text(kind: str, slots: dict[str, Any]) -> str:
    """One declared fact as a case writes it."""
    about = "" if slots["debt"] == -1 else f" (debt {slots['debt']})"
    if kind == "Effect":
        return f"{slots['topic']}.{slots['code']}: {slots['likelihood']}{about}"
    if kind == "OnReport":
        return f"finding.on_report: {slots['likelihood']}{about}"
    if kind in FINDING_STATUS:
        return f"finding.{FINDING_STATUS[kind]}: {slots['status']}{about}"
    if kind == "Action":
        return f"action.{slots['code']}{about}"
    raise AssertionError(f"a rule declared an unexpected fact type {kind}")


def concluded_item(kind: str, slots: dict[str, Any]) -> str:
    """What a declared fact is, in the words of a rule's `concludes` list."""
    if kind == "Effect":
        return f"{slots['topic']}.{slots['code']}"
    if kind in FINDING_STATUS:
        return f"finding.{FINDING_STATUS[kind]}"
    return "finding.on_report" if kind == "OnReport" else f"action.{slots['code']}"


def mismatches(case: Case, advice) -> list[str]:
    """Every way the Advice departs from the case; empty when the case holds."""
    problems = []
    fired = {entry.rule for entry in advice.trace}
    if fired != case.trace:
        problems.append(
            f"trace: fired but not pinned {sorted(fired - case.trace)}, pinned but silent {sorted(case.trace - fired)}"
        )
    for rule in case.near_miss_of:
        if rule in fired:
            problems.append(f"near miss: {rule} fired")
    said: dict[str, list[str]] = {}
    for rule, kind, slots in declarations(advice):
        said.setdefault(rule, []).append(conclusion_text(kind, slots))
    for rule, expected in case.concludes.items():
        got = sorted(said.get(rule, []))
        if got != sorted(expected):
            problems.append(f"{rule} concluded {got}, pinned {sorted(expected)}")
    for topic in sorted(case.effect_topics()):
        got_effects = {f"{topic}.{item.code}": item.likelihood.value for item in advice.topics[topic].effects}
        pinned = {name: value for name, value in case.effects.items() if name.split(".", 1)[0] == topic}
        if got_effects != pinned:
            problems.append(f"{topic} effects {got_effects}, pinned {pinned}")
    if case.actions is not None:
        order = tuple(item.code for item in sorted(advice.actions, key=lambda a: a.priority))
        if order != case.actions:
            problems.append(f"actions {list(order)}, pinned {list(case.actions)}")
    return problems


def check(case: Case) -> list[str]:
    """Run the case's situation and compare (English texts: the language changes no conclusion)."""
    from advisor import advise

    return mismatches(case, advise(case.situation, lang="en"))


def duplicates(values) -> list:
    return sorted(value for value, count in Counter(values).items() if count > 1)
