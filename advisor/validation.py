"""Reading a Situation from JSON or a dict, with errors a person can act on.

Every problem names the field (as `debts[0].overdue_days`) and what is allowed; the
command line prints them and exits with status 2.
"""
from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from credit_advisor.facts.situation import MAX_DEBTS, Collection, Debt, Situation

from .catalog import DEFAULT_LANGUAGE, catalog

MAX_INPUT_BYTES = 1_000_000  # a real situation is under 20 kB even with 100 debts
MAX_JSON_DEPTH = 20


class SituationError(ValueError):
    """The input is not a valid Situation; `problems` are (field, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{name}: {message}" if name else message for name, message in problems))


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


def _message(error: dict, lang: str) -> str:
    text = catalog(lang)
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        allowed = ", ".join(_model_for(error["loc"]).model_fields)
        return text.ui("err_unknown_field", allowed=allowed)
    if kind == "missing":
        return text.ui("err_missing")
    if kind == "enum":
        return text.ui("err_enum", value=json.dumps(error.get("input"), ensure_ascii=False), allowed=ctx.get("expected", ""))
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return text.ui("err_int", value=json.dumps(error.get("input"), ensure_ascii=False, default=str))
    if kind in ("bool_type", "bool_parsing"):
        return text.ui("err_bool", value=json.dumps(error.get("input"), ensure_ascii=False, default=str))
    if kind in ("float_type", "float_parsing", "finite_number"):
        return text.ui("err_number", value=json.dumps(error.get("input"), ensure_ascii=False, default=str))
    if kind in ("string_type",):
        return text.ui("err_string")
    if kind in ("list_type",):
        return text.ui("err_list")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return text.ui("err_object")
    if kind == "greater_than_equal":
        return text.ui("err_min", limit=ctx.get("ge"), value=error.get("input"))
    if kind == "less_than_equal":
        return text.ui("err_max", limit=ctx.get("le"), value=error.get("input"))
    if kind == "too_long":
        return text.ui("err_too_many", limit=ctx.get("max_length"))
    if kind == "literal_error":
        return text.ui("err_literal", allowed=ctx.get("expected", ""))
    if kind == "value_error":
        return text.ui("err_value", detail=str(ctx.get("error", error.get("msg", ""))))
    return error.get("msg", kind)


def _depth(value: Any, limit: int) -> bool:
    """True when `value` nests deeper than `limit` (checked without recursion)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return False


def situation_from_data(data: Any, lang: str = DEFAULT_LANGUAGE) -> Situation:
    """Validate already-parsed JSON data (or a dict) into a Situation."""
    text = catalog(lang)
    if not isinstance(data, dict):
        kind = type(data).__name__ if data is not None else "null"
        raise SituationError([("(input)", text.ui("err_not_object", kind=kind))])
    if _depth(data, MAX_JSON_DEPTH):
        raise SituationError([("(input)", text.ui("err_too_deep", limit=MAX_JSON_DEPTH))])
    debts = data.get("debts")
    if isinstance(debts, list) and len(debts) > MAX_DEBTS:
        raise SituationError([("debts", text.ui("err_too_many", limit=MAX_DEBTS))])
    try:
        return Situation.model_validate(data)
    except ValidationError as exc:
        raise SituationError([(_field_name(e["loc"]), _message(e, lang)) for e in exc.errors()]) from None


def situation_from_json(raw: str | bytes, lang: str = DEFAULT_LANGUAGE) -> Situation:
    """Parse and validate a Situation from JSON text."""
    text = catalog(lang)
    if isinstance(raw, bytes):
        if len(raw) > MAX_INPUT_BYTES:
            raise SituationError([("(input)", text.ui("err_too_large", limit=MAX_INPUT_BYTES))])
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SituationError([("(input)", text.ui("err_encoding", position=exc.start))]) from None
    if len(raw) > MAX_INPUT_BYTES:
        raise SituationError([("(input)", text.ui("err_too_large", limit=MAX_INPUT_BYTES))])
    if not raw.strip():
        raise SituationError([("(input)", text.ui("err_empty"))])
    try:
        data = json.loads(raw)
    except RecursionError:
        raise SituationError([("(input)", text.ui("err_too_deep", limit=MAX_JSON_DEPTH))]) from None
    except json.JSONDecodeError as exc:
        raise SituationError([("(input)", text.ui("err_json", line=exc.lineno, column=exc.colno, detail=exc.msg))]) from None
    return situation_from_data(data, lang)
