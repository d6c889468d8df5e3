"""`credit-advisor batch`: order, bad lines, resume, workers, files and exit status.

Timing is never asserted here (see benchmarks/).
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from advisor.api import advise
from advisor.service import batch
from advisor.service.batch import advise_line, read_lines, run_batch, scan_partial
from advisor.validation import MAX_INPUT_BYTES

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import situations as gen

GOOD = {"debts": [{"product": "online_loan", "lender": "licensed", "overdue_days": 45}]}
GOOD2 = {"debts": [{"product": "credit_card", "overdue_days": 120, "reported": "yes"}], "plans": ["mortgage"]}


def _dump(item) -> bytes:
    return json.dumps(item, ensure_ascii=False).encode()


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_bytes().splitlines()]


def _expected(lines: list[bytes], lang: str = "en") -> bytes:
    """What a batch must write for these input lines: each non-blank one through advise_line, in order."""
    out = []
    for number, line in enumerate(lines, start=1):
        raw = line[:-1] if line.endswith(b"\r") else line
        if not raw.strip():
            continue
        out.append(advise_line(number, None if len(raw) > MAX_INPUT_BYTES else raw, lang)[1])
    return b"".join(out)


@pytest.fixture
def mixed(tmp_path):
    """50 generated situations, every kind of invalid line, blank lines, CRLF, an oversized line."""
    lines: list[bytes] = gen.jsonl(50, 1, 3, seed=11).split(b"\n")[:-1]
    for index, bad in enumerate(gen.BAD_LINES):
        lines.insert(5 + 6 * index, bad)
    lines.insert(3, b"")
    lines.insert(20, b"   \t")
    lines[30] = lines[30] + b"\r"  # a CRLF line
    lines.insert(40, b'{"debts": [], "pad": "' + b"x" * (MAX_INPUT_BYTES + 10) + b'"}')
    lines.insert(41, _dump(GOOD))
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path, lines


def test_order_kept_and_every_line_answered(mixed, tmp_path):
    path, lines = mixed
    out = tmp_path / "out.jsonl"
    status = run_batch(str(path), str(out), workers=1, lang="en", progress=False)
    records = _records(out)
    non_blank = [n for n, raw in enumerate(lines, start=1) if raw.strip()]
    assert [r["line"] for r in records] == non_blank  # one record per non-blank line, input order
    for record in records:
        assert next(iter(record)) == "line" and len(record) == 2 and ("advice" in record) != ("error" in record)
    # Each record is exactly what advise() says about that line.
    assert out.read_bytes() == _expected(lines)
    oversized = next(n for n, raw in enumerate(lines, start=1) if len(raw) > MAX_INPUT_BYTES)
    good = next(r for r in records if r["line"] == oversized + 1)
    assert good["advice"] == json.loads(advise(GOOD, lang="en").model_dump_json())
    # ... byte for byte: the record embeds exactly the text `advise --format json` prints.
    line = next(raw for raw in out.read_bytes().splitlines() if raw.startswith(b'{"line":%d,' % (oversized + 1)))
    assert line == b'{"line":%d,"advice":%s}' % (oversized + 1, advise(GOOD, lang="en").model_dump_json().encode())
    assert status == (1 if any("error" in r for r in records) else 0)


def test_bad_lines_name_line_field_and_allowed(mixed, tmp_path, capsys):
    path, lines = mixed
    out = tmp_path / "out.jsonl"
    assert run_batch(str(path), str(out), workers=1, lang="en", progress=False) == 1
    by_line = {r["line"]: r for r in _records(out)}
    bad = {n: raw for n, raw in enumerate(lines, start=1) if raw.rstrip(b"\r") in gen.BAD_LINES}
    assert len(bad) == len(gen.BAD_LINES)
    for number in bad:
        error = by_line[number]["error"]
        assert error["kind"] == "invalid_input" and error["problems"]
        for problem in error["problems"]:
            assert problem["field"] and problem["message"]
    negative = next(n for n, raw in bad.items() if b"-3" in raw)
    assert by_line[negative]["error"]["problems"][0]["field"] == "debts[0].overdue_days"
    unknown = next(n for n, raw in bad.items() if b"pawn_shop" in raw)
    problem = by_line[unknown]["error"]["problems"][0]
    assert problem["field"] == "debts[0].product" and "online_loan" in problem["message"]  # what is allowed
    not_utf8 = next(n for n, raw in bad.items() if raw.startswith(b"\xff"))
    assert "UTF-8" in by_line[not_utf8]["error"]["problems"][0]["message"]
    oversized = next(n for n, raw in enumerate(lines, start=1) if len(raw) > MAX_INPUT_BYTES)
    assert "too large" in by_line[oversized]["error"]["problems"][0]["message"]
    # Every good line was answered (with the advice, or the same result advise() gives).
    for number, raw in enumerate(lines, start=1):
        if raw.strip() and number not in bad and number != oversized:
            assert number in by_line
            assert (by_line[number].get("advice") is not None) == advise_line(number, raw.rstrip(b"\r"), "en")[0]
    # The summary on stderr counts ok, failed and blank lines.
    failed = sum("error" in r for r in by_line.values())
    ok = len(by_line) - failed
    err = capsys.readouterr().err
    assert f"{ok} ok, {failed} failed, 2 blank lines skipped" in err
    assert "Traceback" not in err


def test_one_and_two_workers_identical(mixed, tmp_path):
    path, _ = mixed
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert run_batch(str(path), str(one), workers=1, lang="en", progress=False) == run_batch(
        str(path), str(two), workers=2, lang="en", progress=False
    )
    assert one.read_bytes() == two.read_bytes()
    three = tmp_path / "three.jsonl"
    run_batch(str(path), str(three), workers=3, lang="en", progress=False)
    assert three.read_bytes() == one.read_bytes()


def test_all_ok_exits_0_and_files_are_private(tmp_path, capsys):
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join([_dump(GOOD), _dump(GOOD2), _dump(GOOD)]) + b"\n")
    out = tmp_path / "out.jsonl"
    out.write_text("old")
    os.chmod(out, 0o644)
    assert run_batch(str(path), str(out), lang="zh", progress=False) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [r["line"] for r in _records(out)] == [1, 2, 3]
    assert all(r["advice"]["language"] == "zh" for r in _records(out))
    assert not (tmp_path / "out.jsonl.partial").exists() and not (tmp_path / "out.jsonl.partial.meta").exists()
    assert "成功 3 行，失败 0 行" in capsys.readouterr().err


def test_empty_input_gives_empty_output(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n\n")
    out = tmp_path / "out.jsonl"
    assert run_batch(str(path), str(out), workers=2, progress=False) == 0
    assert out.read_bytes() == b""


def _interrupt_after(monkeypatch, chunks: int):
    """Make the in-process run raise KeyboardInterrupt (Ctrl-C) after `chunks` chunks."""
    real = batch.advise_chunk
    calls = {"n": 0}

    def flaky(chunk, lang, detail="full"):
        calls["n"] += 1
        if calls["n"] > chunks:
            raise KeyboardInterrupt
        return real(chunk, lang, detail)

    monkeypatch.setattr(batch, "advise_chunk", flaky)


def test_resume_after_interrupt_equals_one_full_run(mixed, tmp_path, monkeypatch, capsys):
    path, _ = mixed
    full = tmp_path / "full.jsonl"
    run_batch(str(path), str(full), lang="en", progress=False)

    out = tmp_path / "out.jsonl"
    partial = tmp_path / "out.jsonl.partial"
    monkeypatch.setattr(batch, "CHUNK_LINES", 8)
    _interrupt_after(monkeypatch, 3)
    assert run_batch(str(path), str(out), lang="en", progress=False) == 130
    assert not out.exists() and partial.exists()
    assert stat.S_IMODE(partial.stat().st_mode) == 0o600
    assert "--resume" in capsys.readouterr().err
    done = scan_partial(partial)
    assert done.ok + done.failed == 24

    # A crash mid-write tears the last record: resume must drop it and redo that line.
    with open(partial, "ab") as stream:
        stream.write(b'{"line":99999,"advice":{"schema_version":1,"ruleset_')
    monkeypatch.undo()
    status = run_batch(str(path), str(out), resume=True, lang="en", progress=False)
    assert out.read_bytes() == full.read_bytes()
    assert status == run_batch(str(path), str(tmp_path / "again.jsonl"), lang="en", progress=False)
    assert not partial.exists()
    err = capsys.readouterr().err
    assert "Resuming after line" in err
    records = _records(full)
    failed = sum("error" in r for r in records)
    assert f"{len(records) - failed} ok, {failed} failed, 2 blank lines skipped" in err  # the resumed part counts


def test_resume_with_two_workers_after_real_ctrl_c(tmp_path):
    """A real SIGINT to the process group (as a terminal's Ctrl-C) of the command line."""
    path = tmp_path / "in.jsonl"
    path.write_bytes(gen.jsonl(300, 1, 3, seed=5, bad_every=50))
    out, partial = tmp_path / "out.jsonl", tmp_path / "out.jsonl.partial"
    command = [sys.executable, "-m", "advisor", "batch", str(path), "-o", str(out), "--workers", "2", "--lang", "en"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if partial.exists() and partial.stat().st_size > 0:
            break
        time.sleep(0.02)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    if process.returncode != 130:
        pytest.skip("the run finished before it could be interrupted")
    assert b"Traceback" not in err and b"--resume" in err
    assert not out.exists() and partial.exists()
    resumed = subprocess.run(command + ["--resume"], capture_output=True, timeout=120, check=False)
    assert resumed.returncode in (0, 1), resumed.stderr
    assert b"Resuming after line" in resumed.stderr
    full = tmp_path / "full.jsonl"
    whole = subprocess.run(
        command[:5] + ["-o", str(full), "--workers", "2", "--lang", "en"], capture_output=True, timeout=120, check=False
    )
    assert whole.returncode == resumed.returncode, whole.stderr
    assert out.read_bytes() == full.read_bytes()


def test_resume_refuses_other_language(mixed, tmp_path, monkeypatch, capsys):
    path, _ = mixed
    out = tmp_path / "out.jsonl"
    _interrupt_after(monkeypatch, 1)
    assert run_batch(str(path), str(out), lang="en", progress=False) == 130
    monkeypatch.undo()
    assert run_batch(str(path), str(out), resume=True, lang="zh", progress=False) == 2
    assert "无法继续" in capsys.readouterr().err
    assert (tmp_path / "out.jsonl.partial").exists()  # kept for a matching --resume


def test_resume_without_partial_and_fresh_run_discards_partial(tmp_path, capsys):
    path = tmp_path / "in.jsonl"
    path.write_bytes(_dump(GOOD) + b"\n")
    out = tmp_path / "out.jsonl"
    assert run_batch(str(path), str(out), resume=True, lang="en", progress=False) == 0
    assert "Nothing to resume" in capsys.readouterr().err
    (tmp_path / "out.jsonl.partial").write_bytes(b'{"line":1,"error":{}}\n{"line":2,"err')
    assert run_batch(str(path), str(out), lang="en", progress=False) == 0
    assert [r["line"] for r in _records(out)] == [1] and "advice" in _records(out)[0]


def test_scan_partial_drops_torn_and_damaged_tail(tmp_path):
    partial = tmp_path / "p"
    partial.write_bytes(b'{"line":1,"advice":{}}\n{"line":3,"error":{}}\n{"line":2,"advice":{}}\n{"line":4,"adv')
    done = scan_partial(partial)
    assert (done.last_line, done.ok, done.failed) == (3, 1, 1)  # line numbers must increase
    partial.write_bytes(b'{"line":1,"advice":{}}\n{"line":2,"advice":{"x":\n')
    done = scan_partial(partial)
    assert (done.last_line, done.ok, done.size) == (1, 1, len(b'{"line":1,"advice":{}}\n'))


def test_read_lines_streams_and_limits(tmp_path):
    path = tmp_path / "in"
    path.write_bytes(b"a\r\n" + b"x" * 50 + b"\nb\n\n" + b"y" * 10 + b"\r\n" + b"z" * 11 + b"\n" + b"w" * 10)
    with open(path, "rb") as stream:
        got = list(read_lines(stream, limit=10))
    assert [(n, raw) for n, raw, _ in got] == [
        (1, b"a"),
        (2, None),
        (3, b"b"),
        (4, b""),
        (5, b"y" * 10),
        (6, None),
        (7, b"w" * 10),
    ]
    assert sum(consumed for _, _, consumed in got) == path.stat().st_size


def test_missing_input_exits_2_without_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "advisor", "batch", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "o.jsonl")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "nope.jsonl" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "o.jsonl").exists()


def test_bad_options_exit_2(tmp_path, capsys):
    path = tmp_path / "in.jsonl"
    path.write_bytes(_dump(GOOD) + b"\n")
    assert run_batch(str(path), str(tmp_path / "o"), workers=0, lang="en", progress=False) == 2
    assert run_batch(str(path), str(path), lang="en", progress=False) == 2  # would overwrite the input
    assert run_batch(str(path), str(tmp_path), lang="en", progress=False) == 2  # a directory
    assert run_batch(str(path), str(tmp_path / "no-such-dir" / "o.jsonl"), lang="en", progress=False) == 2
    assert path.read_bytes() == _dump(GOOD) + b"\n"
    assert "Traceback" not in capsys.readouterr().err


def test_progress_bar_runs(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join([_dump(GOOD)] * 5) + b"\n")
    assert run_batch(str(path), str(tmp_path / "o.jsonl"), workers=2, lang="en", progress=True) == 0


# --- faults: kills at random points, orphans ------------------------------------------------------


def _children(pid: int) -> set[int]:
    """The processes whose parent is `pid` (from /proc: Linux)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat_line = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat_line.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has died, only its exit status is left


def _wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)")
def test_kills_at_random_points_resume_byte_identical_and_leave_no_worker(tmp_path):
    """SIGKILL and SIGTERM of `batch --workers 2` at points drawn with a fixed seed (by
    how much of the output is written, not by time, so the same points are hit on a fast
    or a slow machine), each followed by --resume: the output equals one uninterrupted
    run byte for byte, SIGTERM ends in 143 and a resumable partial, and no worker
    outlives its batch process."""
    import random

    rng = random.Random(16)
    path = tmp_path / "in.jsonl"
    path.write_bytes(gen.jsonl(900, 1, 3, seed=5, bad_every=50))
    expected = tmp_path / "expected.jsonl"
    run_batch(str(path), str(expected), lang="en", progress=False)
    size = expected.stat().st_size
    out, partial = tmp_path / "out.jsonl", tmp_path / "out.jsonl.partial"
    command = [sys.executable, "-m", "advisor", "batch", str(path), "-o", str(out), "--workers", "2", "--lang", "en"]
    # Ascending points, so that each resumed run gets further before it is stopped.
    points = sorted(int(size * rng.uniform(0.1, 0.75)) for _ in range(3))
    orphans_checked = 0
    for attempt, (signum, threshold) in enumerate(zip((signal.SIGKILL, signal.SIGTERM, signal.SIGKILL), points)):
        args = command + (["--resume"] if attempt else [])
        # Stop this run only once it has written records of its own (its signal handlers
        # are set by then), even when the last run got past this point.
        threshold = max(threshold, (partial.stat().st_size if partial.exists() else 0) + size // 100)
        process = subprocess.Popen(args, stderr=subprocess.PIPE, start_new_session=True)

        def reached(process=process, threshold=threshold) -> bool:
            return process.poll() is not None or (partial.exists() and partial.stat().st_size >= threshold)

        assert _wait_for(reached, 60), "the batch wrote nothing within a minute"
        workers = _children(process.pid)
        assert process.poll() is None, "the run finished before the point it was to be stopped at"
        os.kill(process.pid, signum)  # the batch process alone, not its group: workers must follow it
        _, err = process.communicate(timeout=60)
        assert b"Traceback" not in err
        if signum == signal.SIGTERM:
            assert process.returncode == 143, err
            assert b"--resume" in err
        assert _wait_for(lambda workers=workers: not any(map(_alive, workers)), 10), "a worker outlived its batch"
        orphans_checked += len(workers)
        assert not out.exists()
    assert orphans_checked >= 2  # the workers were running when their batch was stopped
    finished = subprocess.run(command + ["--resume"], capture_output=True, timeout=120, check=False)
    assert finished.returncode == 1, finished.stderr  # bad_every=50: some lines are error records
    assert out.read_bytes() == expected.read_bytes()
    assert not partial.exists() and not (tmp_path / "out.jsonl.lock").exists()
