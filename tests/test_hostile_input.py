"""Hostile input on the command line and the API, and privacy.

Every row of HOSTILE gets either a clear message naming the field or the limit with exit
status 2, or a correct answer with exit status 0 — never a traceback, a hang or
unbounded memory.  The command line runs as a real process (`credit-advisor advise -`,
the console script next to sys.executable), one per row, because only a real process
shows an uncaught traceback, the exit status, the time taken and the memory used.  The
same rows then go through `advise()` in-process.

Limits (advisor/validation.py, facts/situation.py): at most 1,000,000 bytes of input,
100 debts, 20 levels of nesting, integers of at most 1,000 digits; a label keeps any
script and emoji (joined emoji too) but loses control, bidi and zero-width space
characters.
"""

from __future__ import annotations

import json
import logging
import os
import re
import stat
import subprocess
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

from advisor.validation import MAX_INPUT_BYTES, MAX_JSON_DEPTH, SituationError
from credit_advisor.facts.situation import MAX_DAYS, MAX_DEBTS

PROJECT = Path(__file__).resolve().parents[1]
ONE_DEBT = {"product": "online_loan", "lender": "licensed", "overdue_days": 45}
FIFTY_MB = 50 * 1024 * 1024
PROCESS_SECONDS = 20  # a row that takes longer is a hang
# Terminal-changing characters that must never reach the text report from a label.
UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def _json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _debt_body(**fields) -> bytes:
    return _json({"debts": [{**ONE_DEBT, **fields}]})


def _raw_debt_body(fragment: str) -> bytes:
    """A one-debt body with `fragment` (raw JSON text, e.g. `"overdue_days": NaN`) added."""
    return ('{"debts": [{"product": "online_loan", "lender": "licensed", ' + fragment + "}]}").encode("utf-8")


@dataclass
class Row:
    """One hostile input: what is sent and what must come back."""

    stdin: bytes | None = None
    file_size: int | None = None  # instead of stdin: a (sparse) file of this many bytes
    status: int = 2
    names: tuple[str, ...] = ()  # fields or limits the message must name, as `name:`
    words: tuple[str, ...] = ()  # further words in the message (English)
    same_as: bytes | None = None  # status 0: the answer must equal the one for this input
    label: str | None = None  # status 0: the first debt's label as it must come back
    text_format: bool = False  # run with --format text and check the bytes of the report


LABEL_TRADITIONAL = "招商銀行信用卡 🐷💳 還款 👨\u200d👩\u200d👧"  # a family emoji: joined by ZWJ
LABEL_ATTACK = "my\x1b[2J\x1b[31mloan\x07\u202eevil\u2066\x9b31m\u200b\r\x08end"

HOSTILE: dict[str, Row] = {
    "invalid JSON": Row(b'{"debts": [', names=("(input)",), words=("line 1",)),
    "a JSON array instead of an object": Row(b'[{"debts": []}]', names=("(input)",), words=("list",)),
    "a JSON string instead of an object": Row(b'"debts"', names=("(input)",), words=("str",)),
    "wrong types": Row(
        _json({"debts": [{"product": "huabei", "overdue_days": "45", "settled": "yes"}], "zhima_score": "high"}),
        names=("debts[0].overdue_days", "debts[0].settled", "zhima_score"),
        words=('"45"', '"yes"'),
    ),
    "a huge integer (10**100 days)": Row(
        _debt_body(overdue_days=10**100), names=("debts[0].overdue_days",), words=(str(MAX_DAYS),)
    ),
    "1e400 days (overflows to infinity)": Row(
        _raw_debt_body('"overdue_days": 1e400'), names=("debts[0].overdue_days",)
    ),
    "an integer of 5,000 digits": Row(
        _raw_debt_body('"overdue_days": ' + "9" * 5000), names=("(input)",), words=("1000",)
    ),
    "NaN and Infinity literals": Row(
        b'{"debts": [{"product": "huabei", "overdue_days": NaN, "amount_cny": Infinity},'
        b' {"product": "jiebei", "amount_cny": -Infinity}]}',
        names=("debts[0].overdue_days", "debts[0].amount_cny", "debts[1].amount_cny"),
    ),
    "10,000 debts": Row(_json({"debts": [ONE_DEBT] * 10_000}), names=("debts",), words=(str(MAX_DEBTS),)),
    "JSON nested 100,000 levels": Row(
        b'{"debts": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", names=("(input)",), words=(str(MAX_JSON_DEPTH),)
    ),
    "JSON objects nested 100,000 levels": Row(b'{"a":' * 100_000 + b"1" + b"}" * 100_000, names=("(input)",)),
    "a 50 MB file": Row(file_size=FIFTY_MB, names=("(input)",), words=(str(MAX_INPUT_BYTES),)),
    "50 MB on standard input": Row(
        b'{"debts": [' + b" " * FIFTY_MB + b"]}", names=("(input)",), words=(str(MAX_INPUT_BYTES),)
    ),
    "bytes that are not UTF-8": Row(
        b'{"debts": [{"product": "huabei", "label": "\xff\xfe caf\xe9"}]}', names=("(input)",), words=("UTF-8",)
    ),
    "a UTF-16 file": Row(json.dumps({"debts": []}).encode("utf-16"), names=("(input)",)),
    "traditional Chinese and emoji in a label": Row(
        _debt_body(label=LABEL_TRADITIONAL),
        status=0,
        label=LABEL_TRADITIONAL,
    ),
    "joined emoji in a label (text report)": Row(
        _debt_body(label=LABEL_TRADITIONAL),
        status=0,
        label=LABEL_TRADITIONAL,
        text_format=True,
    ),
    "ANSI escapes, control and bidi characters in a label (text report)": Row(
        _debt_body(label=LABEL_ATTACK),
        status=0,
        label="my[2J[31mloanevil31mend",
        text_format=True,
    ),
    "control characters in an unknown field and a wrong code": Row(
        _json({"debts": [{"product": "\x1b[31mhua\u202e\x9b"}], "\x1b]0;pwned\x07zhima": 1}),
        names=("debts[0].product",),
        words=("\\x1b",),
    ),
    "a lone surrogate escape in a label": Row(_raw_debt_body('"label": "a\\ud800b"'), names=("debts[0].label",)),
    "duplicated keys": Row(
        _raw_debt_body('"overdue_days": 0, "overdue_days": 400'),
        names=("debts[0].overdue_days",),
        words=("more than once",),
    ),
    "a byte-order mark before the JSON": Row(b"\xef\xbb\xbf" + _debt_body(), status=0, same_as=_debt_body()),
    "an empty input": Row(b"", names=("(input)",)),
}


# --- running the real command line -------------------------------------------------------


def _command() -> list[str]:
    script = Path(sys.executable).with_name("credit-advisor")
    return [str(script)] if script.exists() else [sys.executable, "-m", "advisor"]


_COLOUR_VARIABLES = ("FORCE_COLOR", "NO_COLOR", "CLICOLOR_FORCE", "TTY_COMPATIBLE", "TTY_INTERACTIVE")
SGR = re.compile(r"\x1b\[[0-9;]*m")  # colour and style: the only escapes the report may contain


def _env(tmp_path: Path, colour: bool = False) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON") and k not in _COLOUR_VARIABLES}
    env.update(PYTHONIOENCODING="utf-8", HOME=str(tmp_path), COLUMNS="100", TERM="xterm-256color")
    if colour:
        env["FORCE_COLOR"] = "1"  # rich writes colour as if to a terminal
    return env


def _run(args: list[str], stdin: bytes | None, tmp_path: Path, command: list[str] | None = None, colour: bool = False):
    started = time.monotonic()
    done = subprocess.run(
        (command or _command()) + args,
        input=stdin if stdin is not None else b"",
        capture_output=True,
        timeout=PROCESS_SECONDS * 3,
        check=False,
        cwd=tmp_path,
        env=_env(tmp_path, colour),
    )
    return done, time.monotonic() - started


def _row_args(row: Row, tmp_path: Path) -> tuple[list[str], bytes | None]:
    args = ["advise", "--lang", "en", "--format", "text" if row.text_format else "json"]
    if row.file_size is None:
        return args + ["-"], row.stdin
    big = tmp_path / "big.json"
    with open(big, "wb") as handle:
        handle.write(b'{"debts": [')
        handle.truncate(row.file_size)  # sparse: 50 MB of NUL bytes after the opening
    return args + [str(big)], None


def _unsafe(text: str, allow: str = "\n\u200c\u200d") -> list[str]:
    # The zero-width joiners are kept on purpose (joined emoji); they reorder nothing.
    return sorted({f"U+{ord(c):04X}" for c in text if unicodedata.category(c) in UNSAFE_CATEGORIES and c not in allow})


def _expected_answer(data: bytes, lang: str = "en") -> dict:
    from advisor.api import advise

    return json.loads(advise(data, lang=lang).model_dump_json())


@pytest.mark.parametrize("row", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_input_on_the_command_line(row: Row, tmp_path):
    args, stdin = _row_args(row, tmp_path)
    done, seconds = _run(args, stdin, tmp_path)
    out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    assert "Traceback" not in err + out, err
    assert seconds < PROCESS_SECONDS
    assert done.returncode == row.status, err
    assert not _unsafe(err), f"raw control characters on stderr: {_unsafe(err)}"
    if row.status == 2:
        assert out == ""
        for name in row.names:
            assert f"{name}:" in err, (name, err)
        for word in row.words:
            assert word in err, (word, err)
        assert len(err.splitlines()) <= 60  # a bounded message, whatever the input
        return
    assert err == ""
    if row.text_format:
        assert not _unsafe(out), f"the text report carries raw control characters: {_unsafe(out)}"
        assert row.label in out
        # As on a colour terminal: rich's own colour codes are the only escapes.
        coloured, _ = _run(args, stdin, tmp_path, colour=True)
        assert coloured.returncode == 0
        plain = SGR.sub("", coloured.stdout.decode("utf-8"))
        assert "\x1b" in coloured.stdout.decode("utf-8") and not _unsafe(plain), _unsafe(plain)
        assert row.label in plain
        return
    answer = json.loads(out)
    assert answer == _expected_answer(row.stdin)
    if row.same_as is not None:
        assert answer == _expected_answer(row.same_as)
    if row.label is not None:
        assert answer["debt_labels"][0] == row.label


@pytest.mark.parametrize("row", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_input_through_the_api(row: Row, tmp_path):
    from advisor.api import advise

    data = row.stdin if row.file_size is None else b'{"debts": [' + b"\0" * (row.file_size - 11)
    for lang in ("en", "zh"):
        if row.status == 0:
            advice = advise(data, lang=lang)
            if row.label is not None:
                assert advice.debt_labels[0] == row.label
            if row.same_as is not None:
                assert advice == advise(row.same_as, lang=lang)
            continue
        with pytest.raises(SituationError) as caught:
            advise(data, lang=lang)
        problems = caught.value.problems
        names = [name for name, _ in problems]
        for name in row.names:
            assert name in names, (name, problems)
        assert all(message for _, message in problems)
        assert not _unsafe(str(caught.value), allow=""), str(caught.value)
        if lang == "en":
            for word in row.words:
                assert word in str(caught.value), (word, problems)


# --- limits, checked more closely ------------------------------------------------------------


def test_ten_thousand_debts_are_refused_without_building_a_model(monkeypatch):
    from advisor import validation

    class NoModels:
        @staticmethod
        def model_validate(data):
            raise AssertionError("a model was built for an input over the debt limit")

    monkeypatch.setattr(validation, "Situation", NoModels)
    started = time.monotonic()
    with pytest.raises(SituationError) as caught:
        validation.situation_from_json(_json({"debts": [ONE_DEBT] * 10_000}), "en")
    assert time.monotonic() - started < 1.0
    assert caught.value.problems == [("debts", f"at most {MAX_DEBTS} items")]


def test_a_python_structure_nested_100000_levels_is_refused_without_recursion():
    from advisor.api import advise

    deep: list = []
    node = deep
    for _ in range(100_000):
        node.append([])
        node = node[0]
    circular: dict = {"debts": []}
    circular["self"] = circular
    for data in ({"debts": deep}, circular):
        with pytest.raises(SituationError) as caught:
            advise(data, lang="en")
        assert caught.value.problems[0][0] == "(input)"
        assert str(MAX_JSON_DEPTH) in caught.value.problems[0][1]


def test_a_flood_of_problems_is_summarised():
    from advisor.api import advise
    from advisor.validation import MAX_PROBLEMS

    with pytest.raises(SituationError) as caught:
        advise({"debts": [], **{f"field{i}": 1 for i in range(5_000)}}, lang="en")
    problems = caught.value.problems
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1][0] == "(input)" and str(5_000 - MAX_PROBLEMS) in problems[-1][1]


def test_a_wrong_value_is_quoted_back_short_and_printable():
    from advisor.api import advise

    with pytest.raises(SituationError) as caught:
        advise({"debts": [{"product": "\x1b[2J" + "x" * 100_000}], "plans": [{1, 2}]}, lang="en")
    message = str(caught.value)
    assert len(message) < 1_000
    assert "\x1b" not in message and "\\u001b" in message


def test_memory_stays_bounded_on_a_50_mb_input(tmp_path):
    """The command line reads at most the limit + 1 byte: its peak memory on 50 MB of
    input is within a few MB of its peak on a tiny input."""
    reporting_peak = (
        "import atexit, resource, sys\n"
        "atexit.register(lambda: sys.stderr.write("
        "f'\\nMAXRSS_KB={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n'))\n"
        "from credit_advisor.cli import main\n"
        "sys.exit(main(sys.argv[1:]))"
    )
    wrapper = [sys.executable, "-c", reporting_peak]

    def peak(stdin: bytes) -> int:
        done, seconds = _run(["advise", "-", "--lang", "en"], stdin, tmp_path, command=wrapper)
        assert done.returncode == 2 and seconds < PROCESS_SECONDS
        return int(done.stderr.decode().rsplit("MAXRSS_KB=", 1)[1].split()[0])

    small = peak(b"[]")
    big = peak(b'{"debts": [' + b" " * FIFTY_MB + b"]}")
    assert big - small < 16 * 1024, f"peak memory grew by {(big - small) // 1024} MB on a 50 MB input"


# --- privacy ---------------------------------------------------------------------------------

OUR_LOGGERS = ("advisor", "credit_advisor", "rules", "facts")
EXPERTA_LOGS_FACTS = (
    "experta's watchers (loggers experta.watchers.FACTS/MATCH/RULES/AGENDA/ACTIVATIONS) are 'disabled' only by "
    "inheriting the root level: when a host application's root logger is at INFO or DEBUG, every fact of a "
    "consultation (debts, overdue days, reported, collection flags) is logged. facts/experta_compat.py should cut "
    "them off (e.g. the 'experta' logger: propagate=False with a NullHandler, or level CRITICAL)"
)
PRIVATE_SITUATION = {
    "debts": [{**ONE_DEBT, "label": "我的网贷", "reported": "yes"}, {"product": "huabei", "overdue_days": 100}],
    "collection": {"contacts_harassed": True},
    "credit_inquiries_6m": 12,
}


def _records_while_advising(caplog) -> list[logging.LogRecord]:
    from advisor.api import advise

    with caplog.at_level(logging.DEBUG):
        advise(PRIVATE_SITUATION, lang="zh")
        advise(json.dumps(PRIVATE_SITUATION), lang="en")
        with pytest.raises(SituationError):
            advise({"debts": [{"product": "nope"}]}, lang="en")
    return list(caplog.records)


def test_our_packages_log_nothing(caplog):
    records = _records_while_advising(caplog)
    ours = [r for r in records if r.name.split(".")[0] in OUR_LOGGERS]
    assert ours == [], [f"{r.name}: {r.getMessage()}" for r in ours]
    assert not any("我的网贷" in r.getMessage() for r in records)


def test_experta_logs_nothing_even_when_the_root_logger_is_at_debug(caplog):
    # Was a strict xfail (EXPERTA_LOGS_FACTS) until facts/experta_compat.py switched experta's loggers off.
    records = _records_while_advising(caplog)
    experta = [r for r in records if r.name.split(".")[0] == "experta"]
    assert experta == [], f"{len(experta)} experta records, e.g. {experta[0].name}: {experta[0].getMessage()[:200]}"


def test_importing_and_running_the_advisor_leaves_root_logging_alone(tmp_path):
    probe = (
        "import logging, json\n"
        "root = logging.getLogger()\n"
        "before = (list(root.handlers), root.level)\n"
        "import advisor.api\n"
        "from advisor import advise\n"
        "advise({'debts': [{'product': 'huabei', 'overdue_days': 40, 'label': 'secret-label'}]})\n"
        "after = (list(root.handlers), root.level)\n"
        "print(json.dumps({'same': before == after, 'handlers': [repr(h) for h in after[0]]}))\n"
    )
    done, _ = _run([], None, tmp_path, command=[sys.executable, "-c", probe])
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout) == {"same": True, "handlers": []}
    assert done.stderr == b""


def test_advise_writes_no_file_and_logs_nothing(tmp_path):
    """Without --trace-out, the command line writes nothing (not in the working folder,
    not in HOME) and prints nothing on standard error."""
    body = _debt_body(label="私人标签")
    done, _ = _run(["advise", "-", "--format", "json"], body, tmp_path)
    assert done.returncode == 0 and done.stderr == b""
    assert sorted(p.name for p in tmp_path.rglob("*")) == []


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _cli_accepts(*argv: str) -> bool:
    """Whether the command line knows these arguments (features other people are adding)."""
    import contextlib
    import io

    from credit_advisor.cli import build_parser

    try:
        with contextlib.redirect_stderr(io.StringIO()):
            build_parser().parse_args(list(argv))
    except SystemExit:
        return False
    return True


def test_files_written_with_a_persons_data_are_private(tmp_path):
    """advise --trace-out, interview --save and batch -o write 0600 files, even with a
    permissive umask (each feature is checked only where it exists)."""
    data = tmp_path / "situation.json"
    data.write_bytes(_debt_body(label="私人"))
    os.chmod(data, 0o644)
    runs = []
    if _cli_accepts("advise", "x.json", "--trace-out", "t.jsonl"):
        runs.append((["advise", str(data), "--trace-out", "trace.jsonl"], tmp_path / "trace.jsonl"))
    if _cli_accepts("interview", "--answers", "x.json", "--save", "s.json"):
        runs.append((["interview", "--answers", str(data), "--save", "saved.json"], tmp_path / "saved.json"))
    if _cli_accepts("batch", "in.jsonl", "-o", "out.jsonl"):
        lines = tmp_path / "in.jsonl"
        lines.write_bytes(_debt_body(label="私人") + b"\n")
        runs.append((["batch", str(lines), "-o", "out.jsonl"], tmp_path / "out.jsonl"))
    if not runs:
        pytest.skip("no command writes a person's data yet")
    old = os.umask(0o022)
    try:
        for args, written in runs:
            done, _ = _run(args, None, tmp_path)
            assert "Traceback" not in done.stderr.decode("utf-8", "replace")
            assert written.exists(), (args, done.returncode, done.stderr.decode("utf-8", "replace")[-500:])
            assert _mode(written) == 0o600, (args, oct(_mode(written)))
    finally:
        os.umask(old)
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert leftovers == [] or all(_mode(tmp_path / name) & 0o077 == 0 for name in leftovers)


def test_a_byte_order_mark_in_text_already_decoded_is_ignored():
    from advisor.api import advise

    body = _debt_body().decode("utf-8")
    assert advise("\ufeff" + body, lang="en") == advise(body, lang="en")


def test_a_python_int_too_long_to_print_is_refused_naming_the_field():
    from advisor.api import advise

    with pytest.raises(SituationError) as caught:
        advise({"debts": [{"product": "huabei", "overdue_days": 10**5000}], "zhima_score": -(10**4400)}, lang="en")
    names = [name for name, _ in caught.value.problems]
    assert names == ["debts[0].overdue_days", "zhima_score"]
    assert len(str(caught.value)) < 500


def test_the_report_strips_terminal_controls_even_from_an_advice_built_elsewhere():
    """Situation already cleans labels; render is the second line of defence, for an
    Advice loaded from JSON or built by another tool."""
    import io

    from rich.console import Console

    from advisor.api import advise
    from advisor.ui.render import render_advice

    advice = advise({"debts": [{**ONE_DEBT, "label": "x"}], "credit_inquiries_6m": 12}, lang="en")
    forged = advice.model_copy(
        update={"debt_labels": ["a\x1b[2J\x1b]0;title\x07b\u202ec\ud800d"], "warnings": ["w\x1b[31m\x9b"]}
    )
    out = io.StringIO()
    render_advice(forged, Console(file=out, width=100, color_system=None), show_trace=True)
    report = out.getvalue()
    assert not _unsafe(report), _unsafe(report)
    assert "a[2J]0;titlebc\ufffdd" in report
