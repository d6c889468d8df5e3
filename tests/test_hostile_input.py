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
    if _cli_accepts("advise", "x.json", "--format", "html", "-o", "plan.html"):
        runs.append((["advise", str(data), "--format", "html", "-o", "plan.html"], tmp_path / "plan.html"))
    if _cli_accepts("letter", "negotiation", "x.json", "-o", "letter.txt"):
        runs.append((["letter", "negotiation", str(data), "-o", "letter.txt"], tmp_path / "letter.txt"))
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


# --- every command: the reproducers of issue 16 ----------------------------------------------
#
# Each row runs the real command line on a hostile file or argument and checks what
# `advise` already guaranteed: the documented exit status (README, "Exit status"), a
# message naming the problem, no traceback, nothing raw on the terminal, no hang, and
# nothing overwritten that the user did not name.

ESCAPES = "\x1b[2J\x1b]52;c;aGVsbG8=\x07\x1b]0;title\x07\u202e"  # clear screen, clipboard write, title, RLO
INVISIBLE = "\u061c\ufeff\u2060\u2061\u2062\u2063\u2064\U000e0001\U000e0041\U000e007f\ufff9\ufffa\ufffb\u180e\u00ad"
EXIT = {"ok": 0, "different": 1, "bad_input": 2, "output_failed": 3, "internal": 4, "interrupted": 130}


def _situation_file(tmp_path: Path, name: str = "s.json", **fields) -> Path:
    path = tmp_path / name
    path.write_bytes(_debt_body(**fields))
    return path


def _trace_lines(tmp_path: Path) -> list[dict]:
    situation = _situation_file(tmp_path, "for_trace.json")
    done, _ = _run(["advise", str(situation), "--trace-out", "recorded.jsonl"], None, tmp_path)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in (tmp_path / "recorded.jsonl").read_text(encoding="utf-8").splitlines()]


def _write_trace(tmp_path: Path, records: list, name: str = "t.jsonl") -> str:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return name


def _with(record: dict, **changes) -> dict:
    return {**record, **changes}


def _advice_with(records: list[dict], **changes) -> list:
    return records[:-1] + [{"kind": "advice", "advice": {**records[-1]["advice"], **changes}}]


# (name, builds the arguments in tmp_path, expected exit status, words the message must contain)
REPLAY_ROWS = {
    "advice: 5": (lambda r: r[:-1] + [{"kind": "advice", "advice": 5}], "advice"),
    "topics: []": (lambda r: _advice_with(r, topics=[]), "advice.topics"),
    "an effect without code": (
        lambda r: _advice_with(r, topics={"huabei": {"effects": [{"likelihood": "likely"}]}}),
        "effects[0].code",
    ),
    'language: "fr"': (lambda r: [_with(r[0], language="fr")] + r[1:], "language"),
    "a 100,000-deep line": (lambda r: r[:1] + ['{"kind":"firing","x":' + "[" * 100_000 + "]" * 100_000 + "}"], "20"),
    "a 5,000-digit number": (lambda r: r[:1] + ['{"kind":"firing","rule":"a","seq":' + "9" * 5000 + "}"], "1000"),
    "a key given twice": (lambda r: [json.dumps(r[0])[:-1] + ',"language":"en"}'] + r[1:], "more than once"),
    "a declared effect without its code": (
        lambda r: r[:1] + [{"kind": "firing", "rule": "x", "declared": ['Effect f-1 {"topic": 1}']}],
        "declared[0]",
    ),
    "a matched fact that is not an object": (
        lambda r: r[:1] + [{"kind": "firing", "rule": "x", "matched": [1]}],
        "matched",
    ),
    "a rule id that is a number": (lambda r: r[:1] + [{"kind": "firing", "rule": 5}], "rule"),
}


@pytest.mark.parametrize("name", REPLAY_ROWS, ids=REPLAY_ROWS.keys())
def test_audit_replay_refuses_a_malformed_trace(name, tmp_path):
    build, word = REPLAY_ROWS[name]
    trace = _write_trace(tmp_path, build(_trace_lines(tmp_path)))
    done, seconds = _run(["--lang", "en", "audit", "replay", trace, "--format", "text"], None, tmp_path)
    err = done.stderr.decode("utf-8")
    assert "Traceback" not in err and seconds < PROCESS_SECONDS
    assert done.returncode == EXIT["bad_input"], err
    assert word in err, err
    assert not _unsafe(err)


@pytest.mark.parametrize("output", ["text", "json"])
def test_audit_replay_shows_recorded_fields_without_their_escapes(output, tmp_path):
    records = _trace_lines(tmp_path)
    records[0] = _with(records[0], ruleset_version="v" + ESCAPES, time=ESCAPES + INVISIBLE)
    first = records[-1]["advice"]["topics"]["huabei"]["effects"][0]
    first["code"] = "x" + ESCAPES
    first["rules"] = ["rule" + ESCAPES + INVISIBLE]
    first["explanation"] = "text" + ESCAPES + INVISIBLE
    trace = _write_trace(tmp_path, records)
    done, _ = _run(["--lang", "en", "audit", "replay", trace, "--format", output], None, tmp_path)
    out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    assert done.returncode == EXIT["different"], err  # the recorded codes and texts differ from today's
    assert "Traceback" not in err
    assert not _unsafe(out) and not _unsafe(err), _unsafe(out + err)
    if output == "json":
        report = json.loads(out)  # the same data: hidden characters are only escaped
        assert ESCAPES in report["recorded_ruleset_version"]
    else:
        assert "\\x1b]52;c;aGVsbG8=\\x07" in out


def _hostile_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "good.json").write_bytes(_debt_body())
    os.mkfifo(corpus / "fifo.json")
    (corpus / "zero.json").symlink_to("/dev/zero")
    (corpus / "folder.json").mkdir()
    (corpus / "twice.json").write_bytes(_raw_debt_body('"overdue_days": 0, "overdue_days": 400'))
    (corpus / f"name{ESCAPES}.json").write_bytes(b"{}")
    (corpus / "sub" / "broken.json").write_bytes(b"{oops")
    (corpus / "deep.json").write_bytes(b'{"debts": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    return corpus


@pytest.mark.parametrize("output", ["text", "json"])
def test_audit_coverage_reports_bad_files_and_counts_the_rest(output, tmp_path):
    corpus = _hostile_corpus(tmp_path)
    done, seconds = _run(["--lang", "en", "audit", "coverage", str(corpus), "--format", output], None, tmp_path)
    out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    assert "Traceback" not in err and seconds < PROCESS_SECONDS  # no hang on the FIFO, no endless /dev/zero
    assert done.returncode == EXIT["ok"], err
    assert not _unsafe(out) and not _unsafe(err), _unsafe(out + err)
    if output == "json":
        report = json.loads(out)
        assert report["situations"] == 1
        invalid = {item["situation"]: " ".join(item["problems"]) for item in report["invalid"]}
        assert set(invalid) == {
            "fifo.json",
            "zero.json",
            "folder.json",
            "twice.json",
            f"name{ESCAPES}.json",
            "sub/broken.json",
            "deep.json",
        }
        assert "more than once" in invalid["twice.json"]  # refused as `advise` refuses it
        assert "not a regular file" in invalid["fifo.json"] and "not a regular file" in invalid["zero.json"]
    else:
        assert "name\\x1b[2J" in out


@pytest.mark.parametrize("path", ["", "/dev/zero", "fifo"], ids=["empty path", "/dev/zero", "a FIFO"])
def test_audit_coverage_refuses_an_unusable_path(path, tmp_path):
    if path == "fifo":
        os.mkfifo(tmp_path / "fifo")
    done, seconds = _run(["--lang", "en", "audit", "coverage", path], None, tmp_path)
    err = done.stderr.decode("utf-8")
    assert done.returncode == EXIT["bad_input"] and "Traceback" not in err and seconds < PROCESS_SECONDS
    assert "cannot read the corpus" in err


NINES = "9" * 5000
WHATIF_ROWS = {
    "5,000 nines as a value": (f"debts.0.overdue_days={NINES}", "1000"),
    "100,000 brackets": ("plans=" + "[" * 100_000, "20"),
    "a superscript index": ("debts.².settled=true", "debts.²"),
    "a 5,000-digit index": (f"debts.{NINES}.settled=true", "debts.999"),
    "a key given twice": ('collection={"night_calls": true, "night_calls": false}', "more than once"),
    "escapes in the path": (f"debts.0.x{ESCAPES}=1", "debts.0.x\\x1b[2J\\x1b]52;c;aGVsbG8"),
    "no equals sign": ("debts.0.settled", "PATH=VALUE"),
}


@pytest.mark.parametrize("name", WHATIF_ROWS, ids=WHATIF_ROWS.keys())
def test_whatif_set_refuses_hostile_changes(name, tmp_path):
    change, word = WHATIF_ROWS[name]
    situation = _situation_file(tmp_path)
    done, seconds = _run(["--lang", "en", "whatif", str(situation), "--set", change], None, tmp_path)
    err = done.stderr.decode("utf-8")
    assert "Traceback" not in err and seconds < PROCESS_SECONDS
    assert done.returncode == EXIT["bad_input"], err
    assert word in err, err
    assert not _unsafe(err)
    assert done.stdout == b""


def test_explain_why_not_echoes_the_target_visibly(tmp_path):
    situation = _situation_file(tmp_path)
    done, _ = _run(["--lang", "en", "explain", str(situation), "--why-not", "huabei." + ESCAPES], None, tmp_path)
    err = done.stderr.decode("utf-8")
    assert done.returncode == EXIT["bad_input"] and "Traceback" not in err
    assert "huabei.\\x1b[2J" in err and not _unsafe(err)


# --- invisible characters (item 11) ------------------------------------------------------------


@pytest.mark.parametrize("char", list(INVISIBLE), ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_every_invisible_character_leaves_a_label(char):
    from advisor.texts.sanitise import clean
    from credit_advisor.facts.situation import Debt

    assert Debt(product="huabei", label=f"my{char}loan").label == "myloan"
    assert clean(f"a{char}b") == "ab"


def test_joined_emoji_keep_their_joiners_and_invisible_characters_go_everywhere(tmp_path):
    label = LABEL_TRADITIONAL + INVISIBLE + ESCAPES
    situation = _situation_file(tmp_path, label=label)
    for args in (
        ["advise", str(situation), "--format", "text"],
        ["advise", str(situation), "--format", "json"],
        ["explain", str(situation), "--why-not", "huabei.suspended", "--format", "text"],
        ["whatif", str(situation), "--set", "debts.0.settled=true", "--format", "text"],
        ["whatif", str(situation), "--set", f"debts.0.label={label}", "--format", "text"],
    ):
        done, _ = _run(["--lang", "en", *args], None, tmp_path)
        out = done.stdout.decode("utf-8")
        assert done.returncode == EXIT["ok"], (args, done.stderr)
        assert not _unsafe(out), (args, _unsafe(out))
        if args[0] == "advise":
            assert LABEL_TRADITIONAL in out  # 👨‍👩‍👧 keeps its U+200D


def test_the_interview_prints_no_invisible_character(tmp_path):
    """The debt's label is shown in every context and review line: 21 times in one run."""
    label = "网贷" + INVISIBLE + ESCAPES
    answers = tmp_path / "answers.json"
    answers.write_bytes(_debt_body(label=label))
    done, _ = _run(["--lang", "en", "interview", "--answers", str(answers)], b"\n" * 200, tmp_path)
    out = done.stdout.decode("utf-8")
    assert done.returncode in (EXIT["ok"], EXIT["different"]), done.stderr
    assert "Traceback" not in out + done.stderr.decode("utf-8")
    assert "网贷" in out and not _unsafe(out), _unsafe(out)


# --- the interview: long lines and odd digits (item 9) -------------------------------------------


ODD_ANSWERS = ["\u1369", "9" * 4301, "²", "\u0663", "1" + "0" * 40, "-1", "1e999", "１" + "0" * 30]


@pytest.mark.parametrize(
    "odd",
    ODD_ANSWERS,
    ids=["Ethiopic one", "4,301 digits", "superscript two", "Arabic-Indic three", "10**40", "-1", "1e999", "wide 1e30"],
)
def test_odd_digits_at_every_prompt_never_crash_the_interview(odd, tmp_path, monkeypatch):
    """Every prompt (choice, yes/no, number, text, review, HOW) first gets the odd
    answer, then a plain one; the interview runs to its end (and saves nothing)."""
    import io

    from rich.console import Console

    from advisor.ui import questions as q
    from advisor.ui.interview import Interview

    class Probe(Interview):
        phase, current, how_asked = "question", None, False

        def ask(self, slot, slots, editing=False):
            self.phase, self.current = "question", slot.question
            asked_kinds.append(slot.question.kind)
            return super().ask(slot, slots, editing)

        def review(self):
            self.phase = "review"
            return super().review()

        def how_menu(self):
            self.phase = "how"
            return super().how_menu()

        def offer_save(self, partial=False):
            self.phase = "save"
            return super().offer_save(partial)

    def plain(probe: Probe) -> str:
        if probe.phase == "how" and not probe.how_asked:
            probe.how_asked = True
            return "1"
        if probe.phase != "question":
            return ""
        question = probe.current
        if question.kind == q.YESNO:
            return "yes" if question.id == "has_debts" else "no"  # one debt: its questions are asked
        if question.kind in (q.CHOICE,):
            return "1"
        if question.kind in (q.INTEGER, q.NUMBER):
            return str(int(question.minimum or 0))
        return ""

    def read_line() -> str:
        if probe.phase == "save":  # the save offer takes any text as a file name: say no
            return ""
        prompt = (probe.phase, probe.current.id if probe.phase == "question" and probe.current else "")
        if prompt not in offered:  # the odd answer once per prompt ("²" is 2 to a person: it may be taken)
            offered.add(prompt)
            return odd
        return plain(probe)

    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    probe = Probe("en", Console(file=out, width=100), read_line)
    offered: set[tuple[str, str]] = set()
    asked_kinds: list[str] = []
    assert probe.run() == 0
    kinds = {probe_kind for probe_kind in asked_kinds}
    assert {q.CHOICE, q.YESNO, q.INTEGER, q.TEXT} <= kinds, kinds
    assert probe.how_asked and "Traceback" not in out.getvalue()
    assert list(tmp_path.iterdir()) == []


def test_number_parser_never_raises():
    from advisor.numbers import choice_number, decimal_number, whole_number

    for text in ("\u1369", "9" * 4301, "²", "\u0663", "", " ", "-1", "1e5", "١٢", "１"):
        assert whole_number(text) is None
        assert choice_number(text, 5) is None
    assert whole_number(" 12 ") == 12 and choice_number("3", 3) == 3 and choice_number("4", 3) is None
    assert decimal_number("9" * 5000) is None and decimal_number("12.5") == 12.5


def _peak_kb_of_interview(tmp_path: Path, stdin: bytes) -> tuple[int, int]:
    reporting_peak = (
        "import atexit, resource, sys\n"
        "atexit.register(lambda: sys.stderr.write("
        "f'\\nMAXRSS_KB={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n'))\n"
        "from credit_advisor.cli import main\n"
        "sys.exit(main(sys.argv[1:]))"
    )
    done, seconds = _run(["--lang", "en", "interview"], stdin, tmp_path, command=[sys.executable, "-c", reporting_peak])
    assert "Traceback" not in done.stderr.decode("utf-8", "replace") and seconds < PROCESS_SECONDS
    return done.returncode, int(done.stderr.decode().rsplit("MAXRSS_KB=", 1)[1].split()[0])


def test_an_endless_line_of_nul_bytes_does_not_grow_the_interview(tmp_path):
    status, small = _peak_kb_of_interview(tmp_path, b"\n")
    big_status, big = _peak_kb_of_interview(tmp_path, b"\0" * FIFTY_MB)
    assert status == big_status == EXIT["different"]  # the input ended before the last question
    assert big - small < 16 * 1024, f"peak memory grew by {(big - small) // 1024} MB on 50 MB without a line break"


def test_an_over_long_answer_is_an_invalid_answer_not_a_crash():
    import io

    from advisor.ui.interview import MAX_ANSWER_CHARS, TOO_LONG, bounded_reader

    read_line = bounded_reader(io.StringIO("x" * (MAX_ANSWER_CHARS * 10) + "\n2\r\nlast"))
    assert read_line() == TOO_LONG
    assert read_line() == "2" and read_line() == "last"
    with pytest.raises(EOFError):
        read_line()


# --- files: never overwritten unless named, never followed through a link (items 1-4, 13) -------


def test_advise_refuses_to_write_its_trace_over_its_input(tmp_path):
    situation = _situation_file(tmp_path)
    before = situation.read_bytes()
    link = tmp_path / "link.json"
    link.symlink_to(situation)
    for target in ("s.json", str(situation), "link.json", "./s.json"):
        done, _ = _run(["--lang", "en", "advise", "s.json", "--trace-out", target], None, tmp_path)
        assert done.returncode == EXIT["bad_input"], done.stderr
        assert b"is an input of this run" in done.stderr and done.stdout == b""
    assert situation.read_bytes() == before


def _lines(tmp_path: Path, count: int = 40, name: str = "in.jsonl") -> Path:
    path = tmp_path / name
    path.write_bytes(b"".join(_debt_body(overdue_days=day) + b"\n" for day in range(count)))
    return path


def test_batch_never_follows_a_link_planted_at_its_partial_output(tmp_path):
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious")
    os.chmod(victim, 0o644)
    _lines(tmp_path)
    (tmp_path / "out.jsonl.partial").symlink_to(victim)
    done, _ = _run(["--lang", "en", "batch", "in.jsonl", "-o", "out.jsonl"], None, tmp_path)
    assert done.returncode == EXIT["ok"], done.stderr
    assert victim.read_bytes() == b"precious" and _mode(victim) == 0o644
    assert len((tmp_path / "out.jsonl").read_bytes().splitlines()) == 40
    # --resume through a planted link is refused, the target untouched.
    (tmp_path / "again.jsonl.partial").symlink_to(victim)
    done, _ = _run(["--lang", "en", "batch", "in.jsonl", "-o", "again.jsonl", "--resume"], None, tmp_path)
    assert done.returncode == EXIT["bad_input"] and b"symbolic link" in done.stderr
    assert victim.read_bytes() == b"precious"


def test_a_second_batch_on_the_same_output_is_refused_while_the_first_holds_it(tmp_path):
    from advisor.service.private_files import OutputLock

    _lines(tmp_path)
    with OutputLock(tmp_path / "out.jsonl"):  # as a first run does, for its whole run
        done, _ = _run(["--lang", "en", "batch", "in.jsonl", "-o", "out.jsonl"], None, tmp_path)
    assert done.returncode == EXIT["bad_input"], done.stderr
    assert b"another run is writing" in done.stderr and b"Traceback" not in done.stderr
    assert not (tmp_path / "out.jsonl").exists() and not (tmp_path / "out.jsonl.partial").exists()
    done, _ = _run(["--lang", "en", "batch", "in.jsonl", "-o", "out.jsonl"], None, tmp_path)
    assert done.returncode == EXIT["ok"] and not (tmp_path / "out.jsonl.lock").exists()


def test_two_real_batches_on_one_output_never_mix(tmp_path):
    _lines(tmp_path, 3000)
    command = _command() + ["--lang", "en", "batch", "in.jsonl", "-o", "out.jsonl"]
    runs = [subprocess.Popen(command, cwd=tmp_path, env=_env(tmp_path), stderr=subprocess.PIPE) for _ in range(2)]
    results = [(run.wait(timeout=120), run.stderr.read()) for run in runs]
    statuses = sorted(status for status, _ in results)
    assert all(b"Traceback" not in err for _, err in results)
    assert statuses in ([0, 0], [0, 2])  # one after the other, or the second refused
    if statuses == [0, 2]:
        assert any(b"another run is writing" in err for _, err in results)
    lines = (tmp_path / "out.jsonl").read_bytes().splitlines()
    assert [json.loads(line)["line"] for line in lines] == list(range(1, 3001))


def _interrupted_partial(tmp_path: Path, lines: int = 60) -> None:
    """A batch stopped after its first records: the partial and its meta are left."""
    from advisor.service import batch

    calls = {"n": 0}
    real = batch.advise_chunk

    def stop_after_first(chunk, lang, *detail):
        calls["n"] += 1
        if calls["n"] > 1:
            raise KeyboardInterrupt
        return real(chunk, lang, *detail)

    batch.advise_chunk = stop_after_first
    try:
        status = batch.run_batch(str(tmp_path / "in.jsonl"), str(tmp_path / "out.jsonl"), lang="en", progress=False)
    finally:
        batch.advise_chunk = real
    assert status == EXIT["interrupted"]


def test_resume_refuses_an_input_that_changed(tmp_path):
    path = _lines(tmp_path, 60)
    _interrupted_partial(tmp_path)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[1:]))  # a line removed: every later advice would be off by one
    done, _ = _run(["--lang", "en", "batch", "in.jsonl", "-o", "out.jsonl", "--resume"], None, tmp_path)
    assert done.returncode == EXIT["bad_input"] and b"changed since" in done.stderr, done.stderr
    assert not (tmp_path / "out.jsonl").exists() and (tmp_path / "out.jsonl.partial").exists()


def test_resume_refuses_same_size_edits_and_standard_input(tmp_path):
    path = _lines(tmp_path, 60)
    _interrupted_partial(tmp_path)
    data = bytearray(path.read_bytes())
    data[data.index(b'"overdue_days": 0') + 16] = ord("7")  # same size; the time is put back as it was
    info = path.stat()
    path.write_bytes(bytes(data))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    done, _ = _run(["--lang", "en", "batch", "in.jsonl", "-o", "out.jsonl", "--resume"], None, tmp_path)
    assert done.returncode == EXIT["bad_input"] and b"changed since" in done.stderr
    done, _ = _run(["--lang", "en", "batch", "-", "-o", "out.jsonl", "--resume"], bytes(data), tmp_path)
    assert done.returncode == EXIT["bad_input"] and b"standard input" in done.stderr


@pytest.mark.parametrize("own", ["x", "x.partial", "x.partial.meta", "x.lock"])
def test_batch_refuses_an_input_that_is_one_of_its_own_files(own, tmp_path):
    source = _lines(tmp_path, 5, name=own)
    before = source.read_bytes()
    done, _ = _run(["--lang", "en", "batch", own, "-o", "x"], None, tmp_path)
    assert done.returncode == EXIT["bad_input"] and b"own files" in done.stderr, done.stderr
    assert source.read_bytes() == before


def test_batch_caps_workers_and_starts_none_for_a_small_input(tmp_path, capsys, monkeypatch):
    from advisor.service import batch

    def no_pool(*args, **kwargs):
        raise AssertionError("a process pool was started for one chunk of input")

    monkeypatch.setattr(batch, "_run_pool", no_pool)
    path = _lines(tmp_path, 3)
    status = batch.run_batch(str(path), str(tmp_path / "o.jsonl"), workers=10**20, lang="en", progress=False)
    assert status == EXIT["ok"]
    limit = batch.WORKERS_PER_CPU * (os.cpu_count() or 1)
    assert f"using {limit}" in capsys.readouterr().err
    assert batch.run_batch(str(path), str(tmp_path / "p.jsonl"), workers=-(10**5000), lang="en", progress=False) == 2


# --- output errors and exit statuses (items 12, 14) ---------------------------------------------

OUTPUT_COMMANDS = [
    ["advise", "s.json"],
    ["advise", "s.json", "--format", "text"],
    ["rules", "--format", "json"],
    ["schema"],
    ["explain", "s.json", "--why-not", "huabei.suspended"],
    ["whatif", "s.json", "--set", "debts.0.settled=true"],
    ["audit", "coverage", "s.json"],
    ["audit", "replay", "recorded.jsonl"],
]


@pytest.mark.parametrize("args", OUTPUT_COMMANDS, ids=[" ".join(a) for a in OUTPUT_COMMANDS])
@pytest.mark.parametrize("where", ["/dev/full", "closed"])
def test_an_output_that_cannot_be_written_is_reported(args, where, tmp_path):
    _situation_file(tmp_path)
    if "recorded.jsonl" in args:
        _trace_lines(tmp_path)
    if where == "/dev/full":
        with open("/dev/full", "wb") as full:
            done = subprocess.run(
                _command() + ["--lang", "en", *args], stdout=full, stderr=subprocess.PIPE, cwd=tmp_path,
                env=_env(tmp_path), timeout=PROCESS_SECONDS * 3, check=False,
            )  # fmt: skip
    else:
        done = subprocess.run(
            _command() + ["--lang", "en", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tmp_path,
            env=_env(tmp_path), timeout=PROCESS_SECONDS * 3, check=False, pass_fds=(),
            preexec_fn=lambda: os.close(1),
        )  # fmt: skip
    err = done.stderr.decode("utf-8")
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert done.returncode == EXIT["output_failed"], err
    assert "could not write the output" in err


def test_a_bug_ends_in_a_message_and_status_4_not_a_traceback(monkeypatch, capsys):
    from credit_advisor import cli

    def broken(args):
        raise KeyError("a bug")

    monkeypatch.setitem(cli.COMMANDS, "schema", broken)
    assert cli.main(["--lang", "en", "schema"]) == EXIT["internal"]
    assert "internal error (KeyError)" in capsys.readouterr().err


def test_the_readme_documents_one_table_of_exit_statuses():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Exit status", 1)[1].split("\n\n", 2)[1]
    for status in EXIT.values():
        assert f"| {status} |" in table, status
    assert "| 143 |" in table
