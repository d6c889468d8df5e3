"""`credit-advisor serve`'s application: the command line's commands as JSON over HTTP (FastAPI).

Endpoints (each takes `?lang=zh|zh-Hant|en`, default zh):

- POST /advise — body: a Situation; `?trace=true` keeps the rule trace.  → the Advice.
- GET /rules, GET /schema — as `credit-advisor rules --format json` and `credit-advisor schema`.
- POST /whynot?target=TOPIC.CODE[&debt=N] — body: a Situation.  → as `explain --why-not`.
- POST /whatif — body: {"situation": …, "set": {PATH: value, …}, "suggest": true|false}.
- POST /batch[?detail=full|compact] — body: one Situation per line (NDJSON), streamed;
  answer: one record per non-blank line, in order, streamed as each is done (the records
  of `credit-advisor batch --detail …`).
- GET /health — {"status": "ok", …}.
- GET /openapi.json — the OpenAPI description (no /docs page: it would load its scripts
  from a CDN, and the service works without a network).

Invalid input → 422 {"error": {"kind": "invalid_input", "problems": [{"field", "message"}]}},
the problems the command line prints; a body over the limit → 413, refused from its
declared length or as soon as the bytes read pass the limit, never after reading it all;
a bug → 500 with its kind in one line, never a traceback.  The work runs in a pool
(advisor/service/http_work.py), off the event loop; nothing of a request is logged.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import Executor
from enum import Enum
from functools import partial
from typing import Any, Literal

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from advisor.models import Advice
from advisor.service import http_work
from advisor.texts.catalog import DEFAULT_LANGUAGE, LANGUAGES, catalog
from advisor.validation import MAX_INPUT_BYTES, error_problems
from credit_advisor.facts.situation import Situation

JSON = "application/json"
NDJSON = "application/x-ndjson"
BODY_LIMIT = MAX_INPUT_BYTES + 65_536  # a Situation at the command line's limit, with what-if's changes
BATCH_BODY_LIMIT = 256 * MAX_INPUT_BYTES  # one batch request; more lines go in another request
BATCH_WINDOW_PER_WORKER = 4  # lines in flight per worker: memory stays flat, workers stay busy


class Language(str, Enum):
    """advisor.texts.catalog.LANGUAGES, as the OpenAPI description lists them (a test checks they agree)."""

    zh = "zh"
    zh_Hant = "zh-Hant"
    en = "en"


class BodyTooLarge(Exception):
    def __init__(self, limit: int):
        super().__init__(limit)
        self.limit = limit


def body_limit(path: str) -> int:
    return BATCH_BODY_LIMIT if path == "/batch" else BODY_LIMIT


def _lang_of(scope: Scope) -> str:
    """The language asked for in the query, for messages sent before the endpoint runs."""
    query = scope.get("query_string", b"").decode("latin-1")
    for pair in query.split("&"):
        name, _, value = pair.partition("=")
        if name == "lang" and value in LANGUAGES:
            return value
    return DEFAULT_LANGUAGE


class LimitBody:
    """ASGI middleware: a request body over its limit gets 413, while it is read.

    A declared Content-Length over the limit is refused before a byte is read; otherwise
    the bytes are counted as they arrive and reading stops at the limit.  /batch streams
    its answer, so it catches the limit itself and ends its records with one saying so."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope["path"])
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _too_large(send, limit, _lang_of(scope))
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except BodyTooLarge as error:
            if started:  # a streamed answer has begun: nothing more can be said over HTTP
                raise
            await _too_large(send, error.limit, _lang_of(scope))


async def _too_large(send: Send, limit: int, lang: str) -> None:
    message = catalog(lang).text("service", "err_body_too_large", limit=limit)
    status, body = http_work.problems_reply([("(body)", message)], kind="too_large", status=413)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", JSON.encode()), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


# --------------------------------------------------------------------------- NDJSON lines


async def request_lines(chunks: AsyncIterator[bytes], limit: int) -> AsyncIterator[tuple[int, bytes | None]]:
    """(line number, content without its line break, or None when over `limit`), as the
    chunks arrive; blank lines are counted, not given (as `credit-advisor batch` reads a file)."""
    number = 0
    pending = bytearray()
    oversized = False
    async for chunk in chunks:
        start = 0
        while True:
            end = chunk.find(b"\n", start)
            piece = chunk[start:] if end < 0 else chunk[start:end]
            if not oversized:
                pending += piece
                oversized = len(pending) > limit + 1  # room for a "\r"
                if oversized:
                    pending.clear()
            if end < 0:
                break
            number += 1
            line = _finished_line(pending, oversized, limit)
            if line != b"":
                yield number, line
            pending.clear()
            oversized = False
            start = end + 1
    if pending or oversized:
        number += 1
        line = _finished_line(pending, oversized, limit)
        if line != b"":
            yield number, line


def _finished_line(pending: bytearray, oversized: bool, limit: int) -> bytes | None:
    """A line's content without its line break: None when over `limit`, b"" when blank
    (counted, not given)."""
    line = bytes(pending).removesuffix(b"\r")
    if oversized or len(line) > limit:
        return None
    return line if line.strip() else b""


# --------------------------------------------------------------------------- the application


def create_app(executor: Executor, workers: int) -> FastAPI:
    """The application; the CPU work of every request goes to `executor` (`workers` wide)."""
    app = FastAPI(
        title="credit-advisor",
        version=_version(),
        description="Explained, sourced advice on what debt trouble does to Huabei, Weilidai, WeChat, DingTalk "
        "and the credit report. The same answers as the `credit-advisor` command line. Runs on this machine; "
        "nothing of a request is logged.",
        docs_url=None,  # Swagger UI loads its scripts from a CDN: the service needs no network
        redoc_url=None,
    )
    app.add_middleware(LimitBody)

    async def work(function: Callable[..., http_work.Reply], *args: Any) -> Response:
        loop = asyncio.get_running_loop()
        status, body = await loop.run_in_executor(executor, partial(function, *args))
        return Response(content=body, status_code=status, media_type=JSON)

    @app.exception_handler(RequestValidationError)
    async def invalid_parameters(request: Request, error: RequestValidationError) -> Response:
        lang = _lang_of(request.scope)
        errors = [{**e, "loc": tuple(e["loc"][1:]) or e["loc"]} for e in error.errors()]  # ("query", "lang") → lang
        status, body = http_work.problems_reply(error_problems(errors, lang))  # type: ignore[arg-type]
        return Response(content=body, status_code=status, media_type=JSON)

    @app.exception_handler(Exception)
    async def internal(request: Request, error: Exception) -> Response:
        status, body = http_work.internal_reply(error, _lang_of(request.scope))
        return Response(content=body, status_code=status, media_type=JSON)

    lang_query = Query(Language(DEFAULT_LANGUAGE), description="language of the texts")
    problems: dict[int | str, dict[str, Any]] = {
        422: {
            "model": http_work.ErrorBody,
            "description": "invalid input: each problem names the field and what is allowed",
        },
        413: {"model": http_work.ErrorBody, "description": "the body is over the size limit"},
    }
    situation_body = {
        "requestBody": {"required": True, "content": {JSON: {"schema": {"$ref": "#/components/schemas/Situation"}}}}
    }

    @app.post("/advise", response_model=Advice, responses=problems, openapi_extra=situation_body)
    async def advise(
        request: Request,
        lang: Language = lang_query,
        trace: bool = Query(False, description="include the rule trace (every firing, in order)"),
    ) -> Response:
        """Advice for a Situation, as `credit-advisor advise FILE --format json`."""
        return await work(http_work.advise_request, await request.body(), lang.value, trace)

    @app.get("/rules")
    async def rules(lang: Language = lang_query) -> Response:
        """Every rule: id, topic, summary, sources, knowledge items, explanation."""
        return await work(http_work.rules_request, lang.value)

    @app.get("/schema")
    async def schema() -> Response:
        """The JSON Schemas of Situation and Advice, as `credit-advisor schema`."""
        return Response(content=_schemas(), media_type=JSON)

    @app.post("/whynot", responses=problems, openapi_extra=situation_body)
    async def whynot(
        request: Request,
        target: str = Query(
            description="an effect (huabei.suspended), an action (action.settle_overdue) or finding.on_report"
        ),
        debt: int | None = Query(None, description="only ask about debts[N]"),
        lang: Language = lang_query,
    ) -> Response:
        """Why a conclusion was (or was not) reached, rule by rule: `credit-advisor explain --why-not`."""
        return await work(http_work.whynot_request, await request.body(), lang.value, target, debt)

    whatif_body = {
        "requestBody": {"required": True, "content": {JSON: {"schema": {"$ref": "#/components/schemas/WhatIf"}}}}
    }

    @app.post("/whatif", responses=problems, openapi_extra=whatif_body)
    async def whatif(request: Request, lang: Language = lang_query) -> Response:
        """The advice for a changed situation beside the current one, and/or the ranked suggestions:
        `credit-advisor whatif FILE --set PATH=VALUE --suggest`."""
        return await work(http_work.whatif_request, await request.body(), lang.value)

    batch_body = {
        "requestBody": {
            "required": True,
            "content": {NDJSON: {"schema": {"type": "string", "description": "one Situation JSON per line"}}},
        }
    }

    @app.post("/batch", status_code=200, openapi_extra=batch_body, response_class=RecordStream, responses=problems)
    async def batch(
        request: Request,
        lang: Language = lang_query,
        detail: Literal["full", "compact"] = Query(
            "full", description="full: the whole Advice; compact: as `credit-advisor batch --detail compact`"
        ),
    ) -> RecordStream:
        """One record per non-blank line, in input order, streamed: {"line": N, "advice": {…}} or
        {"line": N, "error": {"kind", "problems"}}; a bad line never loses the others."""
        return RecordStream(_batch_records(request, lang.value, executor, workers, detail))

    @app.get("/health")
    async def health() -> dict[str, Any]:
        """The service is up and its workers are ready."""
        from advisor.api import ruleset_version

        return {"status": "ok", "ruleset_version": ruleset_version(), "workers": workers}

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            components = spec.setdefault("components", {}).setdefault("schemas", {})
            for name, model in (("Situation", Situation), ("WhatIf", _WhatIfDoc)):
                schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
                components.update(schema.pop("$defs", {}))
                components[name] = schema
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


class RecordStream(Response):
    """An NDJSON answer sent record by record, begun when the first record is ready (so a
    body refused before then still gets its 413).  Unlike Starlette's StreamingResponse it
    does not listen for the client's disconnect while it streams: that would take the
    request body's messages from the generator that reads them."""

    media_type = NDJSON

    def __init__(self, records: AsyncIterator[bytes]):
        super().__init__(media_type=NDJSON)
        self.records = records

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", NDJSON.encode())]
        started = False
        async for record in self.records:
            if not started:
                await send({"type": "http.response.start", "status": 200, "headers": headers})
                started = True
            await send({"type": "http.response.body", "body": record, "more_body": True})
        if not started:
            await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _batch_records(
    request: Request, lang: str, executor: Executor, workers: int, detail: str = "full"
) -> AsyncIterator[bytes]:
    """The batch module's per-line work (`advise_line`) for each line as it arrives, the
    records given back in input order as soon as each is done.

    A reader task reads the lines and hands each one's work to the pool; at most a window
    of lines is in flight (the reader waits when it is full, so memory stays flat).  This
    generator waits for the oldest line's record and sends it: the first records go out
    while the client is still sending the rest."""
    from advisor.service.batch import advise_line, error_record

    loop = asyncio.get_running_loop()
    window: asyncio.Queue[Awaitable[tuple[bool, bytes]] | BaseException | None] = asyncio.Queue(
        maxsize=max(1, workers) * BATCH_WINDOW_PER_WORKER
    )
    last = 0

    async def read() -> None:
        nonlocal last
        try:
            async for number, raw in request_lines(request.stream(), MAX_INPUT_BYTES):
                last = number
                await window.put(loop.run_in_executor(executor, advise_line, number, raw, lang, detail))
        except Exception as error:  # noqa: BLE001 - handed to the sending side, which decides
            await window.put(error)
            return
        await window.put(None)

    reader = asyncio.create_task(read())
    given = 0
    try:
        while (item := await window.get()) is not None:
            if isinstance(item, BodyTooLarge) and given:
                # Records were sent already: the answer ends with one saying where reading stopped.
                message = catalog(lang).text("service", "err_batch_too_large", limit=item.limit)
                yield error_record(last + 1, "too_large", [("(body)", message)])
                return
            if isinstance(item, BaseException):
                raise item  # nothing sent yet: a body over the limit gets its 413
            given += 1
            yield (await item)[1]
    finally:
        reader.cancel()


def _schemas() -> bytes:
    from advisor.api import json_schemas

    return http_work.dumps(json_schemas())


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("credit-advisor")
    except PackageNotFoundError:
        return "0"


class _WhatIfDoc(http_work.WhatIfBody):
    """POST /whatif's body: the situation, the changes (PATH: value, as `--set PATH=VALUE`)
    and/or `suggest`."""

    situation: Situation
