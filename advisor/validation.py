"""Reading a Situation from JSON or a dict, with errors a person can act on.

Every problem names the field (as `debts[0].overdue_days`) and what is allowed; the
command line prints them and exits with status 2.
"""

from __future__ import annotations

import json
import math
import re
from collections import deque
from collections.abc import Sequence
from datetime import date
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from advisor.texts.catalog import DEFAULT_LANGUAGE, catalog
from advisor.texts.sanitise import visible
from credit_advisor.facts.situation import MAX_DEBTS, Collection, Debt, Situation

MAX_INPUT_BYTES = 1_000_000  # a real situation is under 20 kB even with 100 debts
MAX_JSON_DEPTH = 20
MAX_NUMBER_DIGITS = 1_000  # longer integers are refused before Python converts them (slow, and over 4,300 a ValueError)
MAX_PROBLEMS = 50  # a message lists at most this many problems, then says how many more there are
MAX_ECHO_CHARS = 40  # a wrong value is quoted back at most this long


class SituationError(ValueError):
    """The input is not a valid Situation; `problems` are (field, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{name}: {message}" if name else message for name, message in problems))


class NotJson(SituationError):
    """The text is not JSON at all (empty, or a syntax error), as opposed to JSON over a limit."""


def _ui(lang: str, text_key: str, **values) -> str:
    return catalog(lang).ui(text_key, **values)


def printable(text: str) -> str:
    """`text` safe to print on a terminal: control, format (bidi, zero-width, invisible),
    separator, tag and lone-surrogate characters become visible escapes such as \\x1b or
    \\u202e (advisor.texts.sanitise.visible, the one sanitiser)."""
    return visible(text)


def _echo(value: Any) -> str:
    """A wrong value quoted back: as JSON, at most MAX_ECHO_CHARS characters."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**MAX_ECHO_CHARS:
        # Never str() a huge int: over 4,300 digits Python refuses (ValueError).
        return f"{'-' if value < 0 else ''}≈10^{int(math.log10(abs(value)))}"
    try:
        shown = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):  # e.g. a circular structure handed in from Python
        shown = type(value).__name__
    if len(shown) > MAX_ECHO_CHARS:
        shown = shown[:MAX_ECHO_CHARS] + "…"
    return shown


def _field_name(loc: tuple) -> str:
    name = ""
    for part in loc:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name or "(input)"


def _model_for(loc: tuple):
    """The model whose field `loc` points into (for listing allowed fields)."""
    if loc and loc[0] == "debts" and len(loc) >= 3:
        return Debt
    if loc and loc[0] == "collection" and len(loc) >= 2:
        return Collection
    return Situation


_DATE_REPR = re.compile(r"datetime\.date\((\d+), (\d+), (\d+)\)")


def _limit(value: Any) -> Any:
    """A bound as the person writes it: a day as YYYY-MM-DD (pydantic gives a date's
    bound as its repr, `datetime.date(2025, 12, 22)`)."""
    if isinstance(value, date):
        return value.isoformat()
    found = _DATE_REPR.fullmatch(value) if isinstance(value, str) else None
    if found:
        return date(*map(int, found.groups())).isoformat()
    return value


def _message(error: ErrorDetails, lang: str) -> str:
    text = catalog(lang)
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        allowed = ", ".join(_model_for(error["loc"]).model_fields)
        return text.ui("err_unknown_field", allowed=allowed)
    if kind == "missing":
        return text.ui("err_missing")
    if kind == "enum":
        return text.ui("err_enum", value=_echo(error.get("input")), allowed=ctx.get("expected", ""))
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return text.ui("err_int", value=_echo(error.get("input")))
    if kind in ("bool_type", "bool_parsing"):
        return text.ui("err_bool", value=_echo(error.get("input")))
    if kind in ("float_type", "float_parsing", "finite_number"):
        return text.ui("err_number", value=_echo(error.get("input")))
    if kind in ("string_type",):
        return text.ui("err_string")
    if kind in ("list_type",):
        return text.ui("err_list")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return text.ui("err_object")
    if kind == "greater_than_equal":
        return text.ui("err_min", limit=_limit(ctx.get("ge")), value=_echo(error.get("input")))
    if kind == "less_than_equal":
        return text.ui("err_max", limit=_limit(ctx.get("le")), value=_echo(error.get("input")))
    if kind == "too_long":
        return text.ui("err_too_many", limit=ctx.get("max_length"))
    if kind == "literal_error":
        return text.ui("err_literal", allowed=ctx.get("expected", ""))
    if kind == "value_error":
        return text.ui("err_value", detail=str(ctx.get("error", error.get("msg", ""))))
    return str(error.get("msg", kind))


class _DuplicateKeys(dict):
    """A JSON object in which some key appeared more than once (the last value kept)."""

    duplicates: list[str]


def _object(pairs: list[tuple[str, Any]]) -> dict:
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    marked = _DuplicateKeys(result)
    seen: set[str] = set()
    marked.duplicates = []
    for key, _ in pairs:
        if key in seen:
            marked.duplicates.append(key)
        seen.add(key)
    return marked


class _LongNumber(ValueError):
    def __init__(self, digits: str):
        super().__init__(digits)
        self.digits = digits


def _integer(digits: str) -> int:
    if len(digits) > MAX_NUMBER_DIGITS:
        raise _LongNumber(digits)
    return int(digits)


def _has_surrogate(text: str) -> str | None:
    if text.isascii():
        return None
    for char in text:
        if "\ud800" <= char <= "\udfff":
            return char
    return None


def _scan(value: Any, limit: int, lang: str) -> list[tuple[str, str]]:
    """Problems the models cannot see (checked without recursion, before validation):
    nesting deeper than `limit`, keys given twice, text that is not valid Unicode."""
    problems: list[tuple[str, str]] = []
    queue: deque[tuple[Any, int, tuple]] = deque([(value, 1, ())])
    while queue:
        node, depth, loc = queue.popleft()
        if depth > limit:
            return [("(input)", _ui(lang, "err_too_deep", limit=limit))]
        if isinstance(node, dict):
            for key in getattr(node, "duplicates", ()):
                problems.append((_field_name(loc + (key,)), _ui(lang, "err_duplicate_key", field=_echo(key))))
            for key, item in node.items():
                if isinstance(key, str) and (char := _has_surrogate(key)):
                    problems.append((_field_name(loc), _ui(lang, "err_bad_text", char=f"\\u{ord(char):04x}")))
                queue.append((item, depth + 1, loc + (key,)))
        elif isinstance(node, list):
            queue.extend(
                (item, depth + 1, loc + (index,))
                for index, item in enumerate(node)
                if isinstance(item, (dict, list, str))  # numbers, bools and null have nothing to check
            )
        elif isinstance(node, str) and (char := _has_surrogate(node)):
            problems.append((_field_name(loc), _ui(lang, "err_bad_text", char=f"\\u{ord(char):04x}")))
    return problems


def _refuse(problems: list[tuple[str, str]], lang: str, total: int | None = None) -> SituationError:
    """The error for `problems` (of `total`): printable, at most MAX_PROBLEMS listed."""
    total = len(problems) if total is None else total
    shown = [(printable(name), printable(message)) for name, message in problems[:MAX_PROBLEMS]]
    if total > len(shown):
        shown.append(("(input)", _ui(lang, "err_more_problems", count=total - len(shown))))
    return SituationError(shown)


def validation_problems(error: ValidationError, lang: str = DEFAULT_LANGUAGE) -> list[tuple[str, str]]:
    """A pydantic error as (field, message) pairs in `lang`, printable, at most MAX_PROBLEMS."""
    return error_problems(error.errors(), lang)


def error_problems(errors: Sequence[ErrorDetails], lang: str = DEFAULT_LANGUAGE) -> list[tuple[str, str]]:
    """pydantic's error details (of a model, or of a request's parameters: the HTTP
    service) as (field, message) pairs in `lang`, printable, at most MAX_PROBLEMS."""
    problems = [(_field_name(e["loc"]), _message(e, lang)) for e in errors[:MAX_PROBLEMS]]
    return _refuse(problems, lang, total=len(errors)).problems


def situation_from_data(data: Any, lang: str = DEFAULT_LANGUAGE) -> Situation:
    """Validate already-parsed JSON data (or a dict) into a Situation."""
    text = catalog(lang)
    if not isinstance(data, dict):
        kind = type(data).__name__ if data is not None else "null"
        raise SituationError([("(input)", text.ui("err_not_object", kind=kind))])
    debts = data.get("debts")
    if isinstance(debts, list) and len(debts) > MAX_DEBTS:
        # Refused before anything looks at the debts themselves: 10,000 of them cost nothing.
        raise SituationError([("debts", text.ui("err_too_many", limit=MAX_DEBTS))])
    problems = _scan(data, MAX_JSON_DEPTH, lang)
    if problems:
        raise _refuse(problems, lang)
    try:
        return Situation.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        problems = [(_field_name(e["loc"]), _message(e, lang)) for e in errors[:MAX_PROBLEMS]]
        raise _refuse(problems, lang, total=len(errors)) from None


def json_from_text(
    raw: str | bytes, lang: str = DEFAULT_LANGUAGE, *, limit: int = MAX_INPUT_BYTES, scan: bool = True
) -> Any:
    """The one bounded reader of untrusted JSON text: at most `limit` bytes, UTF-8 (a
    byte-order mark is ignored), integers of at most MAX_NUMBER_DIGITS digits, and (with
    `scan`) at most MAX_JSON_DEPTH levels, no key given twice, no lone surrogate.
    SituationError names the limit or the place; nothing here raises anything else."""
    text = catalog(lang)
    if isinstance(raw, bytes):
        if len(raw) > limit:
            raise SituationError([("(input)", text.ui("err_too_large", limit=limit))])
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SituationError([("(input)", text.ui("err_encoding", position=exc.start))]) from None
    if len(raw) > limit:
        raise SituationError([("(input)", text.ui("err_too_large", limit=limit))])
    raw = raw.removeprefix("\ufeff")  # a byte-order mark in text already decoded
    if not raw.strip():
        raise NotJson([("(input)", text.ui("err_empty"))])
    try:
        data = json.loads(raw, object_pairs_hook=_object, parse_int=_integer)
    except RecursionError:
        raise SituationError([("(input)", text.ui("err_too_deep", limit=MAX_JSON_DEPTH))]) from None
    except json.JSONDecodeError as exc:
        message = text.ui("err_json", line=exc.lineno, column=exc.colno, detail=printable(exc.msg))
        raise NotJson([("(input)", message)]) from None
    except _LongNumber as exc:
        where = max(raw.find(exc.digits), 0)
        line = raw.count("\n", 0, where) + 1
        column = where - (raw.rfind("\n", 0, where) + 1) + 1
        detail = _ui(lang, "err_long_number", digits=len(exc.digits.lstrip("-")), limit=MAX_NUMBER_DIGITS)
        raise SituationError([("(input)", text.ui("err_json", line=line, column=column, detail=detail))]) from None
    except ValueError as exc:  # e.g. a float literal Python cannot take
        raise SituationError(
            [("(input)", text.ui("err_json", line=1, column=1, detail=printable(str(exc)[:80])))]
        ) from None
    if scan:
        problems = _scan(data, MAX_JSON_DEPTH, lang)
        if problems:
            raise _refuse(problems, lang)
    return data


def situation_from_json(raw: str | bytes, lang: str = DEFAULT_LANGUAGE) -> Situation:
    """Parse and validate a Situation from JSON text."""
    # situation_from_data scans, after refusing too many debts without looking at them.
    return situation_from_data(json_from_text(raw, lang, scan=False), lang)
