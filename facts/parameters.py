"""Dated parameters: every threshold and policy date of the knowledge, read for a day.

The values live in `parameters.toml` beside this file, each with its unit, the knowledge
items it serves, its sources and the dates it is in force (OpenFisca's parameters are the
model).  Everything else asks `parameter(name, as_of)` or `parameters_on(as_of)`: no
number or date of the knowledge is written a second time in code.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

PARAMETERS_FILE = Path(__file__).with_name("parameters.toml")

Value = int | float | bool | date


class ParameterError(LookupError):
    """An unknown parameter, or a day before its first value."""


@dataclass(frozen=True)
class Reference:
    document: str
    locator: str


@dataclass(frozen=True)
class Period:
    start: date
    value: Value


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    unit: str
    knowledge: tuple[str, ...]
    references: tuple[Reference, ...]
    periods: tuple[Period, ...]  # sorted by start; each runs until the next one starts

    def on(self, day: date) -> Value:
        """The value in force on `day`."""
        found: Value | None = None
        for period in self.periods:
            if period.start > day:
                break
            found = period.value
        if found is None:
            raise ParameterError(f"parameter {self.name} has no value before {self.periods[0].start.isoformat()}")
        return found

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "unit": self.unit,
            "knowledge": list(self.knowledge),
            "references": [{"document": r.document, "locator": r.locator} for r in self.references],
            "values": [{"from": p.start.isoformat(), "value": _json_value(p.value)} for p in self.periods],
        }


def _json_value(value: Value) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for key, node in table.items():
        name = f"{prefix}{key}"
        if isinstance(node, dict) and "values" in node:
            out[name] = node
        elif isinstance(node, dict):
            out.update(_flatten(node, f"{name}."))
        else:
            raise ValueError(f"{PARAMETERS_FILE.name}: {name} is neither a group nor a parameter")
    return out


def _parameter(name: str, node: dict[str, Any]) -> Parameter:
    periods = tuple(sorted((Period(p["from"], p["value"]) for p in node["values"]), key=lambda p: p.start))
    if not periods or any(not isinstance(p.start, date) for p in periods):
        raise ValueError(f"{PARAMETERS_FILE.name}: {name} needs values with a `from` date")
    if len({p.start for p in periods}) != len(periods):
        raise ValueError(f"{PARAMETERS_FILE.name}: {name} has two values from the same day")
    return Parameter(
        name=name,
        description=node["description"],
        unit=node["unit"],
        knowledge=tuple(node.get("knowledge", ())),
        references=tuple(Reference(r["document"], r["locator"]) for r in node.get("references", ())),
        periods=periods,
    )


@cache
def all_parameters() -> MappingProxyType[str, Parameter]:
    """Every parameter by dotted name, read once per process."""
    with PARAMETERS_FILE.open("rb") as stream:
        table = tomllib.load(stream)
    return MappingProxyType({name: _parameter(name, node) for name, node in sorted(_flatten(table).items())})


FIRST_DAY_PARAMETER = "record.retention_months"


def first_day() -> date:
    """The earliest day the knowledge applies to: the day the credit-reporting regulation
    (征信业管理条例, whose 5-year retention every record rule rests on) took effect.  Every
    parameter the rules read has a value from then, or is read only behind its policy's
    `in_force` flag (the one-time repair's); a Situation's `as_of` may not be earlier."""
    return all_parameters()[FIRST_DAY_PARAMETER].periods[0].start


def parameter(name: str, day: date) -> Value:
    """The value of parameter `name` in force on `day`."""
    try:
        found = all_parameters()[name]
    except KeyError:
        raise ParameterError(f"unknown parameter {name!r}") from None
    return found.on(day)


@lru_cache(maxsize=1024)
def parameters_on(day: date) -> MappingProxyType[str, Value]:
    """Every parameter's value on `day` (remembered: a batch asks for the same days)."""
    values: dict[str, Value] = {}
    for name, found in all_parameters().items():
        try:
            values[name] = found.on(day)
        except ParameterError:
            continue  # not yet defined on that day: asking for it raises below
    return MappingProxyType(values)


@dataclass(frozen=True)
class Day:
    """The day a Situation is advised for (`as_of`) with the parameters in force on it:
    what every computed slot of a fact may depend on (facts.schema)."""

    as_of: date
    values: MappingProxyType[str, Value]


def day_on(as_of: date) -> Day:
    """The `Day` of `as_of`, its parameters read through `parameters_on` (remembered)."""
    return Day(as_of, parameters_on(as_of))


def value_on(values: MappingProxyType[str, Value] | dict[str, Value], name: str) -> Value:
    """`values[name]` with the error a reader can act on."""
    try:
        return values[name]
    except KeyError:
        raise ParameterError(f"parameter {name!r} has no value on that day") from None
