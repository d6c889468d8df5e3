"""Parameter placeholders in catalog texts: a sentence states a threshold or a policy date
by naming its dated parameter (facts/parameters.toml), never by restating its value.

Syntax (cannot collide with the `{name}` fields str.format fills later)::

    $(NAME)            the value: a whole number           $(overdue.short_max_days)  -> 30
    $(NAME/N)          divided by N, only if exact        $(record.retention_months/12) -> 5
    $(NAME+N) $(NAME-N)  plus or minus N                  $(overdue.short_max_days+1) -> 31
    $(NAME|,)          digits grouped by thousands        $(repair.max_overdue_cny|,) -> 10,000
    $(NAME|words)      the number in words (0-12)         $(record.clean_months|words) -> six / 六
    $(NAME|PATTERN)    a date: %Y %m %d, %-m %-d (no      $(repair.repaid_by|%Y年%-m月%-d日)
                       leading zero), %B (English month)  $(repair.repaid_by|%-d %B %Y)

At most one arithmetic step, then at most one format.  Filling is strict: an unknown
parameter, a value that is not a number (or not a date, for a date pattern), a division
that is not exact, or a parameter with no value on the day (none yet, or `false`: not in
force) raises `PlaceholderError`, so a sentence never prints a wrong or half-made number.
The patterns are rendered here, not by `strftime`, so the words do not depend on the
machine's locale.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from credit_advisor.facts.parameters import ParameterError, Value, all_parameters

PLACEHOLDER = re.compile(r"\$\(([^()]*)\)")
_SPEC = re.compile(
    r"(?P<name>[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+)(?:(?P<op>[/+-])(?P<operand>[0-9]+))?(?:\|(?P<format>.+))?"
)
_DATE_DIRECTIVE = re.compile(r"%(-?.?)")
EN_MONTHS = [  # `%B`: written here, not taken from the machine's locale
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_WORDS = {
    "en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"],
    "zh": ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"],
}
_WORDS["zh-Hant"] = _WORDS["zh"]  # the same numerals in both scripts


class PlaceholderError(ParameterError):
    """A placeholder that cannot be filled: bad syntax, unknown parameter, no value that
    day, or a conversion that is not exact."""


@dataclass(frozen=True)
class Placeholder:
    text: str  # as written, `$(...)` included
    name: str
    op: str | None
    operand: int
    format: str | None

    def fill(self, values: Mapping[str, Value], language: str) -> str:
        value = values.get(self.name)
        if value is None or value is False:
            raise PlaceholderError(f"{self.text}: parameter {self.name} has no value on that day")
        if isinstance(value, date):
            return self._date(value)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise PlaceholderError(f"{self.text}: {self.name} is {value!r}, not a number")
        return self._number(self._computed(value), language)

    def _computed(self, value: float) -> int:
        if self.op == "/":
            if self.operand == 0 or value % self.operand:
                raise PlaceholderError(f"{self.text}: {value} / {self.operand} is not a whole number")
            value = value // self.operand
        elif self.op == "+":
            value += self.operand
        elif self.op == "-":
            value -= self.operand
        if value != int(value):
            raise PlaceholderError(f"{self.text}: {value} is not a whole number")
        return int(value)

    def _number(self, value: int, language: str) -> str:
        if self.format is None:
            return str(value)
        if self.format == ",":
            return f"{value:,}"
        if self.format == "words":
            words = _WORDS[language]
            if not 0 <= value < len(words):
                raise PlaceholderError(f"{self.text}: no word for {value}")
            return words[value]
        raise PlaceholderError(f"{self.text}: format {self.format!r} is not one for numbers (`,` or `words`)")

    def _date(self, day: date) -> str:
        if self.op is not None or not self.format or "%" not in self.format:
            raise PlaceholderError(f"{self.text}: a date needs a pattern such as |%Y-%m-%d, and no arithmetic")
        return _DATE_DIRECTIVE.sub(lambda found: _directive(found.group(1), day), self.format)


def _directive(directive: str, day: date) -> str:
    return {
        "Y": f"{day.year:04d}",
        "m": f"{day.month:02d}",
        "d": f"{day.day:02d}",
        "-m": str(day.month),
        "-d": str(day.day),
        "B": EN_MONTHS[day.month - 1],
        "%": "%",
    }.get(directive) or _bad_directive(directive)


def _bad_directive(directive: str) -> str:
    raise PlaceholderError(f"date directive %{directive} is not supported (%Y %m %d %-m %-d %B %%)")


def placeholders(text: str) -> list[Placeholder]:
    """The placeholders of `text`, checked against the grammar and the parameter names
    (a typo fails whatever the day)."""
    found: list[Placeholder] = []
    for match in PLACEHOLDER.finditer(text):
        spec = _SPEC.fullmatch(match.group(1))
        if spec is None:
            raise PlaceholderError(f"{match.group(0)}: not a placeholder (see advisor/texts/placeholders.py)")
        if spec["name"] not in all_parameters():
            raise PlaceholderError(f"{match.group(0)}: unknown parameter {spec['name']!r}")
        operand = int(spec["operand"]) if spec["operand"] else 0
        found.append(Placeholder(match.group(0), spec["name"], spec["op"], operand, spec["format"]))
    if "$(" in PLACEHOLDER.sub("", text):
        raise PlaceholderError(f"{text!r}: an unclosed or nested `$(`")
    return found


def fill(text: str, values: Mapping[str, Value], language: str) -> str:
    """`text` with every placeholder replaced by its parameter's value in `values` (the
    parameters of one day, `parameters_on(day)`)."""
    filled = text
    for placeholder in placeholders(text):
        filled = filled.replace(placeholder.text, placeholder.fill(values, language), 1)
    return filled
