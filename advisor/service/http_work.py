"""The work behind each endpoint of `credit-advisor serve`: raw request bytes in, (HTTP status,
JSON body bytes) out.

These functions run in the service's worker pool, never on its event loop: a thread of
this process (`--workers 1`) or worker processes (`--workers N`), so they take and
return only plain, picklable values.  Each worker thread or process consults its own
engine (`advisor.engine.core.engine()` is per thread), so no engine is ever shared
between two requests.  They reuse what the command line uses: the bounded JSON reader
and the field-level messages of `advisor.validation`, `advise`, why-not and what-if, and
the batch module's per-line work (`advise_line`).
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError

from advisor.texts.catalog import catalog

Reply = tuple[int, bytes]

OK, INVALID, INTERNAL = 200, 422, 500


def dumps(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def problems_reply(problems: list[tuple[str, str]], kind: str = "invalid_input", status: int = INVALID) -> Reply:
    """An error answer, shaped as the batch's error records: kind and field-level problems."""
    return status, dumps({"error": {"kind": kind, "problems": [{"field": f, "message": m} for f, m in problems]}})


def internal_reply(error: BaseException, lang: str) -> Reply:
    """A bug, said in one line: its kind, never a traceback or anything of the request."""
    message = catalog(lang).text("service", "err_internal", kind=type(error).__name__)
    return problems_reply([("(internal)", message)], kind="internal", status=INTERNAL)


def _prefixed(prefix: str, problems: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Problems of a part of the body (`situation`) named from the body's top."""
    return [(f"{prefix}.{field}" if field != "(input)" else prefix, message) for field, message in problems]


def advise_request(raw: bytes, lang: str, trace: bool) -> Reply:
    """POST /advise: the Advice, as `credit-advisor advise --format json` gives it; its
    `trace` only when asked for (it is most of the answer's size)."""
    from advisor.api import advise
    from advisor.validation import SituationError, situation_from_json

    try:
        advice = advise(situation_from_json(raw, lang), lang=lang)
    except SituationError as error:
        return problems_reply(error.problems)
    except Exception as error:  # noqa: BLE001 - a bug answers 500 in one line; the service goes on
        return internal_reply(error, lang)
    if not trace:
        advice = advice.model_copy(update={"trace": []})
    return OK, advice.__pydantic_serializer__.to_json(advice)


def rules_request(lang: str) -> Reply:
    """GET /rules: as `credit-advisor rules --format json`."""
    from advisor.api import rules_listing

    return OK, dumps(rules_listing(lang))


def whynot_request(raw: bytes, lang: str, target: str, debt: int | None) -> Reply:
    """POST /whynot: as `credit-advisor explain --why-not TARGET [--debt N] --format json`."""
    from advisor.analysis.whynot import TargetError, parse_target, why_not
    from advisor.texts.audit_text import audit_text
    from advisor.validation import SituationError, situation_from_json

    text = catalog(lang)
    try:
        parse_target(target)
    except TargetError as error:
        message = audit_text(text, "whynot.error_target", target=target, allowed=", ".join(error.allowed))
        return problems_reply([("target", message)])
    try:
        situation = situation_from_json(raw, lang)
        if debt is not None and not 0 <= debt < len(situation.debts):
            allowed = ", ".join(str(i) for i in range(len(situation.debts))) or "—"
            message = text.text("service", "err_debt", debt=debt, count=len(situation.debts), allowed=allowed)
            return problems_reply([("debt", message)])
        result = why_not(situation, target, lang=lang, debt=debt)
    except SituationError as error:
        return problems_reply(error.problems)
    except Exception as error:  # noqa: BLE001
        return internal_reply(error, lang)
    return OK, dumps(result.as_dict())


class Problem(BaseModel):
    field: str = Field(description="the field, as debts[0].overdue_days, or (input), (body), (internal)")
    message: str = Field(description="what is wrong and what is allowed, in the language asked for")


class ErrorDetail(BaseModel):
    kind: str = Field(description="invalid_input, too_large or internal")
    problems: list[Problem]


class ErrorBody(BaseModel):
    """Every error answer (422, 413, 500), shaped as `credit-advisor batch`'s error records."""

    error: ErrorDetail


class WhatIfBody(BaseModel):
    """POST /whatif's body as read: the situation is validated after, with its own messages."""

    model_config = ConfigDict(extra="forbid")

    situation: Any
    set: dict[str, Any] = {}
    suggest: StrictBool = False


def whatif_request(raw: bytes, lang: str) -> Reply:
    """POST /whatif: as `credit-advisor whatif FILE --set PATH=VALUE … [--suggest] --format json`
    (the changes are an object of PATH: value, the value as JSON)."""
    from advisor.analysis.whatif import ChangeError, suggest, what_if
    from advisor.validation import SituationError, error_problems, json_from_text, situation_from_data

    try:
        data = json_from_text(raw, lang)
        if not isinstance(data, dict):
            situation_from_data(data, lang)  # says "must be one JSON object", in the person's words
        unknown = [key for key in data if key not in WhatIfBody.model_fields]
        if unknown:
            allowed = ", ".join(WhatIfBody.model_fields)
            return problems_reply([(key, catalog(lang).ui("err_unknown_field", allowed=allowed)) for key in unknown])
        body = WhatIfBody.model_validate(data)
        if not body.set and not body.suggest:
            return problems_reply([("set", catalog(lang).text("service", "err_whatif_nothing"))])
        try:
            situation = situation_from_data(body.situation, lang)
        except SituationError as error:
            return problems_reply(_prefixed("situation", error.problems))
        payload: dict[str, Any] = {}
        if body.set:
            try:
                payload.update(what_if(situation, list(body.set.items()), lang=lang).as_dict())
            except (ChangeError, SituationError) as error:
                return problems_reply([(f"set.{field}", message) for field, message in error.problems])
        if body.suggest:
            payload["suggestions"] = suggest(situation, lang=lang).as_dict()
    except SituationError as error:
        return problems_reply(error.problems)
    except ValidationError as error:
        return problems_reply(error_problems(error.errors(), lang))
    except Exception as error:  # noqa: BLE001
        return internal_reply(error, lang)
    return OK, dumps(payload)


def warm_up(lang: str) -> None:
    """Build this worker's engine and fill the caches before the first request."""
    from advisor.service.batch import warm_up as batch_warm_up

    batch_warm_up(lang)
