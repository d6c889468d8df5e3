"""Shared helpers: situation builders, ways to read an Advice, and ways to run the CLI.

Situations are built as plain JSON-ready dicts, so the same data can go to `advise()`,
to the command line's standard input, or to a file for a subprocess.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
SOURCES = SHARED / "sources"
CONTRACT = SHARED / "spec" / "contract.md"
KNOWLEDGE = SHARED / "spec" / "knowledge.md"

TOPICS = ("huabei", "weilidai", "wechat", "dingtalk", "credit_report", "borrowing", "collection")
LIKELIHOODS = ("certain", "likely", "possible", "unlikely")
STRENGTH = {"certain": 4, "likely": 3, "possible": 2, "unlikely": 1}

# --- building situations ------------------------------------------------------------


def debt(product: str = "online_loan", **fields) -> dict:
    """One debt as the contract spells it; only the fields given are sent."""
    return {"product": product, **fields}


# The day every built situation is for, unless a test names another (or None: today).
# Advice depends on the day (the one-time repair's dates), so a test that left it to the
# clock could pass today and fail next year.
TEST_DAY = "2026-11-30"


def situation(*debts: dict, **fields) -> dict:
    """A Situation dict for TEST_DAY: debts positionally (or `debts=[...]`), any other
    field by name (`as_of=None` leaves the day to the clock)."""
    data = {"debts": list(fields.pop("debts", debts)), "as_of": TEST_DAY}
    data.update(fields)
    if data["as_of"] is None:
        del data["as_of"]
    return data


def collection(**flags) -> dict:
    """The `collection` block with every flag false unless given."""
    base = {"contacts_harassed": False, "threatened_or_insulted": False, "contacted_on_wechat": False}
    base.update(flags)
    return base


# --- running the advisor --------------------------------------------------------------


def consult(data, lang: str = "en"):
    """advise() on a situation dict (the per-thread engine is reused)."""
    from advisor import advise

    return advise(data, lang=lang)


def effect(advice, topic: str, code: str):
    """The Effect `code` of `topic`, or None when it was not concluded."""
    for item in advice.topics[topic].effects:
        if item.code == code:
            return item
    return None


def likelihood_of(advice, topic: str, code: str) -> str | None:
    item = effect(advice, topic, code)
    return None if item is None else item.likelihood.value


def effects_of(advice, topic: str) -> dict[str, str]:
    """{code: likelihood} of one topic."""
    return {item.code: item.likelihood.value for item in advice.topics[topic].effects}


def action(advice, code: str):
    for item in advice.actions:
        if item.code == code:
            return item
    return None


def action_codes(advice) -> list[str]:
    """Action codes in priority order."""
    return [item.code for item in sorted(advice.actions, key=lambda a: a.priority)]


def fired(advice) -> set[str]:
    """Every rule id that fired, from the advice's trace."""
    return {entry.rule for entry in advice.trace}


_DECLARED = re.compile(r"^(\w+) f-\d+ (\{.*\})$")


def declared_facts(advice) -> list[tuple[str, str, dict]]:
    """(rule, fact type, slots) for every fact declared in the trace, in order."""
    found = []
    for entry in advice.trace:
        for text in entry.declared:
            match = _DECLARED.match(text)
            assert match, f"unreadable trace declaration: {text!r}"
            found.append((entry.rule, match.group(1), json.loads(match.group(2))))
    return found


def findings(advice) -> dict[int, set[str]]:
    """{debt index: likelihoods of the OnReport findings about it}."""
    result: dict[int, set[str]] = {}
    for _, kind, slots in declared_facts(advice):
        if kind == "OnReport":
            result.setdefault(slots["debt"], set()).add(slots["likelihood"])
    return result


def harmful_strengths(advice) -> dict[tuple[str, str], int]:
    """{(topic, code): strength} of every harmful effect (not calm, not good news)."""
    from credit_advisor.facts.enums import HARMLESS_CODES, Topic

    return {
        (topic, item.code): STRENGTH[item.likelihood.value]
        for topic, block in advice.topics.items()
        for item in block.effects
        if item.code not in HARMLESS_CODES[Topic(topic)]
    }


# --- the command line -------------------------------------------------------------------


class CliResult:
    def __init__(self, status: int, out: str, err: str):
        self.status, self.out, self.err = status, out, err

    def json(self):
        return json.loads(self.out)


@pytest.fixture
def cli(capsys, monkeypatch):
    """Run `credit-advisor ARGS` in-process; `stdin` (str or bytes) feeds `advise -`."""
    from credit_advisor.cli import main

    def run(*args: str, stdin: str | bytes | None = None) -> CliResult:
        if stdin is not None:
            raw = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
            fake = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8")
            monkeypatch.setattr(sys, "stdin", fake)
        capsys.readouterr()
        status = main(list(args))
        captured = capsys.readouterr()
        return CliResult(status, captured.out, captured.err)

    return run


def console_script() -> list[str]:
    """The installed `credit-advisor` script of this interpreter's environment."""
    beside = Path(sys.executable).with_name("credit-advisor")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("credit-advisor")
    if found is None:
        pytest.skip("the credit-advisor console script is not installed")
    return [found]


def run_process(
    command: list[str], stdin: str | None = None, cwd: Path | None = None, env_extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """A real process (for what only a real process shows), with a neutral environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(env_extra or {})
    return subprocess.run(
        command,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        cwd=cwd or PROJECT,
        env=env,
        check=False,
    )


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path
