"""`credit-advisor serve`: the real server, started as a process on a free loopback port and
called over HTTP (the standard library's http.client and raw sockets), sequentially and
concurrently; its answers are compared with `advise()` and the other in-process calls."""

from __future__ import annotations

import http.client
import json
import queue
import re
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import PROJECT, console_script

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from advisor import advise
from advisor.api import rules_listing, ruleset_version
from advisor.service.batch import advise_line
from advisor.service.http_app import BODY_LIMIT, Language
from advisor.texts.catalog import LANGUAGES
from advisor.validation import SituationError, situation_from_json

EXAMPLES = sorted((PROJECT / "examples").glob("*.json"))
START_SECONDS = 60  # bounded: a server that is not up by then fails the test
REQUEST_SECONDS = 60
SECRET = "私密标签-7f3a"  # a label no log may ever show


class Server:
    """A running `credit-advisor serve --port 0`: its port, its standard error so far."""

    def __init__(self, *options: str):
        command = [*console_script(), "serve", "--port", "0", *options]
        self.process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=PROJECT
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.err: list[str] = []
        threading.Thread(target=self._read_err, daemon=True).start()
        self.port = self._wait_port()
        self._wait_health()

    def _read_err(self) -> None:
        assert self.process.stderr is not None
        for raw in self.process.stderr:
            line = raw.decode("utf-8", "replace")
            self.err.append(line)
            self.lines.put(line)

    def _wait_port(self) -> int:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                if self.process.poll() is not None:
                    raise RuntimeError(f"the server ended: {''.join(self.err)}") from None
                continue
            found = re.search(r"http://127\.0\.0\.1:(\d+)", line)
            if found:
                return int(found.group(1))
        raise TimeoutError(f"no listening line within {START_SECONDS} s: {''.join(self.err)}")

    def _wait_health(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            try:
                status, body = self.request("GET", "/health")
                if status == 200 and json.loads(body)["status"] == "ok":
                    return
            except OSError:
                time.sleep(0.1)
        raise TimeoutError("/health did not answer")

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_SECONDS)
        try:
            connection.request(method, path, body=body, headers=headers or {"content-type": "application/json"})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def json(self, method: str, path: str, payload=None, raw: bytes | None = None):
        body = raw if raw is not None else (None if payload is None else json.dumps(payload).encode())
        status, answer = self.request(method, path, body)
        return status, json.loads(answer)

    def stop(self) -> int:
        self.process.terminate()
        try:
            return self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(timeout=20)


@pytest.fixture(scope="module")
def server():
    running = Server()
    try:
        yield running
    finally:
        status = running.stop()
        assert status in (0, 143), running.err


def example(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def expected(data: dict, lang: str, trace: bool = True) -> dict:
    advice = advise(data, lang=lang)
    if not trace:
        advice = advice.model_copy(update={"trace": []})
    return json.loads(advice.model_dump_json())


def problems_of(raw: bytes, lang: str) -> list[dict]:
    with pytest.raises(SituationError) as caught:
        situation_from_json(raw, lang)
    return [{"field": f, "message": m} for f, m in caught.value.problems]


# --------------------------------------------------------------------------- answers


def test_health(server):
    status, body = server.json("GET", "/health")
    assert status == 200 and body == {"status": "ok", "ruleset_version": ruleset_version(), "workers": 1}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_advise_is_advise(server, lang):
    for path in EXAMPLES[:4]:
        data = example(path)
        status, body = server.json("POST", f"/advise?lang={lang}&trace=true", data)
        assert status == 200 and body == expected(data, lang)
    status, body = server.json("POST", f"/advise?lang={lang}", data)
    assert status == 200 and body == expected(data, lang, trace=False) and body["trace"] == []


def test_concurrent_clients_get_their_own_answers(server):
    """8 threads, different situations and languages at once: each answer is the one
    advise() gives for that request (no engine state leaks between requests)."""
    jobs = [(example(path), lang) for path in EXAMPLES for lang in ("zh", "en")][:32]
    wanted = [expected(data, lang) for data, lang in jobs]

    def call(job):
        data, lang = job
        return server.json("POST", f"/advise?lang={lang}&trace=true", data)

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(call, jobs, timeout=REQUEST_SECONDS * 4))
    assert [status for status, _ in answers] == [200] * len(jobs)
    for (_, body), want in zip(answers, wanted, strict=True):
        assert body == want


def test_rules_and_schema(server):
    from advisor.api import json_schemas

    status, body = server.json("GET", "/rules?lang=en")
    assert status == 200 and body == rules_listing("en")
    status, body = server.json("GET", "/schema")
    assert status == 200 and body == json.loads(json.dumps(json_schemas()))


def test_whynot_and_whatif(server):
    from advisor.analysis.whatif import suggest, what_if
    from advisor.analysis.whynot import why_not

    raw = (PROJECT / "examples" / "huabei_agreement_broken.json").read_bytes()
    situation = situation_from_json(raw, "en")
    status, body = server.json("POST", "/whynot?target=huabei.suspended&lang=en", raw=raw)
    assert status == 200 and body == json.loads(json.dumps(why_not(situation, "huabei.suspended", lang="en").as_dict()))
    assert body["concluded"] is True

    request = {"situation": json.loads(raw), "set": {"debts.0.settled": True}, "suggest": True}
    status, body = server.json("POST", "/whatif?lang=en", request)
    wanted = what_if(situation, [("debts.0.settled", True)], lang="en").as_dict()
    wanted["suggestions"] = suggest(situation, lang="en").as_dict()
    assert status == 200 and body == json.loads(json.dumps(wanted))


# --------------------------------------------------------------------------- refusals


def test_invalid_situation_is_422_with_the_command_lines_problems(server):
    raw = json.dumps({"debts": [{"product": "bank", "overdue_days": -1}], "colour": "red"}).encode()
    for lang in ("zh", "en"):
        status, body = server.json("POST", f"/advise?lang={lang}", raw=raw)
        assert status == 422
        assert body == {"error": {"kind": "invalid_input", "problems": problems_of(raw, lang)}}
        fields = [p["field"] for p in body["error"]["problems"]]
        assert sorted(fields) == ["colour", "debts[0].overdue_days", "debts[0].product"]
    status, body = server.json("POST", "/advise?lang=en", raw=b'{"debts": [')
    assert status == 422 and body["error"]["problems"] == problems_of(b'{"debts": [', "en")


def test_bad_parameters_are_422_naming_them(server):
    status, body = server.json("POST", "/advise?lang=fr", raw=b"{}")
    assert status == 422
    [problem] = body["error"]["problems"]
    assert problem["field"] == "lang" and all(lang in problem["message"] for lang in LANGUAGES)
    status, body = server.json("POST", "/whynot?target=huabei.nope&lang=en", raw=b"{}")
    assert status == 422 and body["error"]["problems"][0]["field"] == "target"
    assert "huabei.suspended" in body["error"]["problems"][0]["message"]
    status, body = server.json("POST", "/whynot?target=huabei.suspended&debt=2&lang=en", raw=b'{"debts": []}')
    assert status == 422 and body["error"]["problems"][0]["field"] == "debt"
    status, body = server.json("POST", "/whatif?lang=en", {"situation": {}, "sets": {}})
    assert status == 422 and body["error"]["problems"][0]["field"] == "sets"
    status, body = server.json("POST", "/whatif?lang=en", {"situation": {"debts": [{"product": 3}]}, "suggest": True})
    assert status == 422 and body["error"]["problems"][0]["field"] == "situation.debts[0].product"


def test_body_over_the_limit_is_413(server):
    status, body = server.json("POST", "/advise", raw=b" " * (BODY_LIMIT + 1))
    assert status == 413 and body["error"]["kind"] == "too_large"


def test_413_comes_while_the_body_is_still_being_sent(server):
    """A chunked body (no declared length) that passes the limit is refused as soon as it
    does: the answer arrives while the client has not finished sending."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=REQUEST_SECONDS) as sock:
        sock.sendall(b"POST /advise HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        block = b" " * 65_536
        for _ in range(BODY_LIMIT // len(block) + 2):
            sock.sendall(b"%x\r\n%s\r\n" % (len(block), block))
        # The terminating chunk is never sent: only a refusal while reading can answer.
        answer = sock.recv(65_536)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:80]


def test_no_docs_page_needing_a_network_and_an_openapi_description(server):
    status, _ = server.request("GET", "/docs")
    assert status == 404
    status, spec = server.json("GET", "/openapi.json")
    assert status == 200
    assert set(spec["paths"]) == {"/advise", "/rules", "/schema", "/whynot", "/whatif", "/batch", "/health"}
    advise_op = spec["paths"]["/advise"]["post"]
    assert advise_op["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Situation"
    }
    assert "Situation" in spec["components"]["schemas"] and "Advice" in spec["components"]["schemas"]
    assert [p for p in advise_op["parameters"] if p["name"] == "lang"]
    assert tuple(spec["components"]["schemas"]["Language"]["enum"]) == LANGUAGES == tuple(x.value for x in Language)


# --------------------------------------------------------------------------- batch


def test_batch_one_bad_line_never_loses_the_others(server):
    lines = [
        json.dumps(example(EXAMPLES[0])),
        "",
        "not json",
        json.dumps({"debts": [{"product": "bank"}]}),
        json.dumps(example(EXAMPLES[1])),
    ]
    status, answer = server.request("POST", "/batch?lang=en", "\n".join(lines).encode(), {})
    assert status == 200
    records = answer.splitlines(keepends=True)
    wanted = [advise_line(n, lines[n - 1].encode(), "en")[1] for n in (1, 3, 4, 5)]
    assert records == wanted
    assert [json.loads(r)["line"] for r in records] == [1, 3, 4, 5]
    assert [next(k for k in json.loads(r) if k != "line") for r in records] == ["advice", "error", "error", "advice"]


def test_batch_streams_both_ways(server):
    """The first record comes back before the rest of the input is sent."""
    first = json.dumps(example(EXAMPLES[0])).encode() + b"\n"
    with socket.create_connection(("127.0.0.1", server.port), timeout=REQUEST_SECONDS) as sock:
        sock.sendall(b"POST /batch?lang=en HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        sock.sendall(b"%x\r\n%s\r\n" % (len(first), first))
        received = b""
        deadline = time.monotonic() + REQUEST_SECONDS
        while b'{"line":1,"advice"' not in received and time.monotonic() < deadline:
            received += sock.recv(65_536)
        assert received.startswith(b"HTTP/1.1 200") and b'{"line":1,"advice"' in received
        second = b"[]\n"
        sock.sendall(b"%x\r\n%s\r\n0\r\n\r\n" % (len(second), second))
        while not received.endswith(b"0\r\n\r\n") and time.monotonic() < deadline:
            chunk = sock.recv(65_536)
            if not chunk:
                break
            received += chunk
    assert b'{"line":2,"error":{"kind":"invalid_input"' in received


def test_nothing_of_a_request_is_logged(server):
    data = example(EXAMPLES[0])
    data["debts"][0]["label"] = SECRET
    status, body = server.json("POST", "/advise?lang=en", data)
    assert status == 200 and SECRET in json.dumps(body, ensure_ascii=False)
    server.json("POST", "/advise?lang=en", raw=json.dumps({"debts": [{"label": SECRET, "product": "?"}]}).encode())
    time.sleep(0.2)
    log = "".join(server.err)
    assert SECRET not in log and "POST" not in log  # no bodies, and no access log by default
    assert len(server.err) == 1 and "127.0.0.1" in server.err[0]  # the listening line, nothing else


# --------------------------------------------------------------------------- starting


def test_other_hosts_need_an_explicit_flag():
    from conftest import run_process

    result = run_process([*console_script(), "serve", "--host", "0.0.0.0", "--port", "0", "--lang", "en"])
    assert result.returncode == 2
    assert "--allow-remote" in result.stderr and "sensitive" in result.stderr and "Traceback" not in result.stderr


def test_loopback_addresses():
    from advisor.service.serve import is_loopback

    assert all(is_loopback(host) for host in ("127.0.0.1", "127.8.9.1", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(host) for host in ("0.0.0.0", "::", "192.168.1.5", "example.org"))


def test_worker_processes_answer_concurrently():
    """`--workers 2`: the work runs in two processes, each with its own engine."""
    running = Server("--workers", "2")
    try:
        status, body = running.json("GET", "/health")
        assert status == 200 and body["workers"] == 2
        jobs = [example(path) for path in EXAMPLES[:8]]
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda d: running.json("POST", "/advise?lang=en&trace=true", d), jobs, timeout=120))
        for (status, body), data in zip(answers, jobs, strict=True):
            assert status == 200 and body == expected(data, "en")
    finally:
        assert running.stop() in (0, 143)
