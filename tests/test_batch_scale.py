"""`batch` at a data team's scale (issue 15): --detail compact, .gz/.zst, --shard K/N with
`batch merge`, and Dask.  Every way of running must give the single-machine output, byte
for byte; sizes and speed are measured in benchmarks/batch_scale.py, never asserted here.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import TypeAdapter

from advisor.api import advise
from advisor.service import batch
from advisor.service.batch import advise_line, run_batch, scan_partial
from advisor.service.compact import (
    CompactAdviceRecord,
    ErrorRecord,
    compact_json,
    compact_json_of_advice,
    compact_record_schema,
)
from advisor.service.compressed import kind_of
from advisor.service.shards import merge_shards
from advisor.validation import MAX_INPUT_BYTES, situation_from_json

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import situations as gen

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.json"))
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def mixed_lines() -> list[bytes]:
    """60 generated situations (1-5 debts), every kind of invalid line, blank lines, CRLF, an oversized line."""
    lines: list[bytes] = gen.jsonl(60, 1, 5, seed=23).split(b"\n")[:-1]
    for index, bad in enumerate(gen.BAD_LINES):
        lines.insert(4 + 7 * index, bad)
    lines.insert(2, b"")
    lines.insert(17, b"  ")
    lines[25] = lines[25] + b"\r"
    lines.insert(33, b'{"debts": [], "pad": "' + b"x" * (MAX_INPUT_BYTES + 10) + b'"}')
    return lines


@pytest.fixture
def mixed(tmp_path, mixed_lines):
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join(mixed_lines) + b"\n")
    return path


def _single(path: Path, out: Path, detail: str = "full") -> bytes:
    """The single-machine output (one process), the reference every other way must equal."""
    status = run_batch(str(path), str(out), lang="en", detail=detail, progress=False)
    assert status == 1  # the input has bad lines: they are error records
    return out.read_bytes()


def _expected(lines: list[bytes], detail: str) -> bytes:
    out = []
    for number, line in enumerate(lines, start=1):
        raw = line[:-1] if line.endswith(b"\r") else line
        if raw.strip():
            out.append(advise_line(number, None if len(raw) > MAX_INPUT_BYTES else raw, "en", detail)[1])
    return b"".join(out)


# --- compact ----------------------------------------------------------------------------------


def test_compact_is_the_full_advice_projected(mixed_lines):
    """The fast path (from the firings, no texts) equals the projection of the full Advice,
    byte for byte, on every example and on generated situations of 0 to 20 debts."""
    situations = [situation_from_json(path.read_bytes(), "en") for path in EXAMPLES]
    situations += [situation_from_json(json.dumps(s), "en") for s in gen.situations(80, 0, 6, seed=31)]
    situations += [situation_from_json(json.dumps(s), "en") for s in gen.situations(5, 20, 20, seed=2)]
    for situation in situations:
        assert compact_json(situation) == compact_json_of_advice(advise(situation, lang="en"))


def test_compact_keeps_codes_likelihoods_debts_actions_and_rules():
    situation = situation_from_json((ROOT / "examples" / "several_debts_mixed.json").read_bytes(), "en")
    full = advise(situation, lang="en")
    compact = json.loads(compact_json(situation))
    assert set(compact) == {"detail", "as_of", "ruleset_version", "topics", "actions", "rules"}
    assert compact["as_of"] == full.as_of.isoformat() and compact["ruleset_version"] == full.ruleset_version
    for topic, block in full.topics.items():
        assert [(e["code"], e["likelihood"]) for e in compact["topics"][topic]] == [
            (e.code, e.likelihood.value) for e in block.effects
        ]
        for mine, theirs in zip(compact["topics"][topic], block.effects, strict=True):
            assert mine["by_debt"] == {str(d.debt): d.likelihood.value for d in theirs.by_debt}
    assert [(a["code"], a["debts"]) for a in compact["actions"]] == [(a.code, a.debts) for a in full.actions]
    assert compact["rules"] == list(dict.fromkeys(entry.rule for entry in full.trace))
    assert any(len(e["by_debt"]) > 1 for effects in compact["topics"].values() for e in effects)
    text = json.dumps(compact, ensure_ascii=False)
    assert "sources" not in text and "explanation" not in text and "trace" not in text


def test_compact_batch_lines_follow_the_schema(mixed, mixed_lines, tmp_path, capsys):
    out = _single(mixed, tmp_path / "c.jsonl", "compact")
    assert out == _expected(mixed_lines, "compact")
    full = _single(mixed, tmp_path / "f.jsonl")
    records = TypeAdapter(CompactAdviceRecord | ErrorRecord)
    parsed = [records.validate_json(line) for line in out.splitlines()]
    assert any(isinstance(r, ErrorRecord) for r in parsed) and any(isinstance(r, CompactAdviceRecord) for r in parsed)
    # Error records are the same whatever the detail; lines are the same.
    errors = [line for line in out.splitlines() if b'"error":' in line[:30]]
    assert errors == [line for line in full.splitlines() if b'"error":' in line[:30]]
    assert [json.loads(line)["line"] for line in out.splitlines()] == [
        json.loads(line)["line"] for line in full.splitlines()
    ]
    # `credit-advisor schema --compact` prints the schema the records were checked against.
    from credit_advisor.cli import main

    capsys.readouterr()
    assert main(["schema", "--compact"]) == 0
    assert json.loads(capsys.readouterr().out) == compact_record_schema()


def test_resume_refuses_another_detail(mixed, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out.jsonl"
    _interrupt_after(monkeypatch, 1)
    assert run_batch(str(mixed), str(out), lang="en", detail="compact", progress=False) == 130
    monkeypatch.undo()
    assert run_batch(str(mixed), str(out), resume=True, lang="en", detail="full", progress=False) == 2
    assert "cannot resume" in capsys.readouterr().err


def test_bad_detail_exits_2(mixed, tmp_path, capsys):
    assert run_batch(str(mixed), str(tmp_path / "o"), lang="en", detail="tiny", progress=False) == 2
    err = capsys.readouterr().err
    assert "--detail tiny" in err and "full, compact" in err


# --- compression ------------------------------------------------------------------------------


def _decompressed(path: Path) -> bytes:
    data = path.read_bytes()
    if kind_of(str(path)) == "gzip":
        return gzip.decompress(data)
    if kind_of(str(path)) == "zstd":
        import io

        import zstandard

        with zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data), read_across_frames=True) as stream:
            return stream.read()
    return data


@pytest.mark.parametrize("suffix", [".gz", ".zst"])
def test_compressed_input_and_output(mixed, tmp_path, suffix, monkeypatch):
    monkeypatch.setattr("advisor.service.compressed.FRAME_BYTES", 4096)  # many frames
    plain = _single(mixed, tmp_path / "plain.jsonl", "compact")
    packed_in = tmp_path / f"in.jsonl{suffix}"
    out = tmp_path / f"out.jsonl{suffix}"
    from advisor.service.compressed import compress

    packed_in.write_bytes(compress(mixed.read_bytes(), kind_of(str(packed_in)) or ""))
    assert run_batch(str(packed_in), str(out), lang="en", detail="compact", progress=False) == 1
    assert _decompressed(out) == plain
    assert out.stat().st_size < len(plain) / 3
    assert oct(out.stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("suffix", [".gz", ".zst"])
def test_compressed_resume_keeps_whole_frames(mixed, tmp_path, suffix, monkeypatch, capsys):
    monkeypatch.setattr("advisor.service.compressed.FRAME_BYTES", 2048)
    plain = _single(mixed, tmp_path / "plain.jsonl", "compact")
    out = tmp_path / f"out.jsonl{suffix}"
    partial = tmp_path / f"out.jsonl{suffix}.partial"
    monkeypatch.setattr(batch, "CHUNK_LINES", 8)
    _interrupt_after(monkeypatch, 4)
    assert run_batch(str(mixed), str(out), lang="en", detail="compact", progress=False) == 130
    kind = kind_of(str(out))
    done = scan_partial(partial, kind)
    assert done.ok + done.failed == 32  # the records written before Ctrl-C were closed into a frame
    # A crash mid-frame leaves a torn frame: resume drops it and redoes its lines.
    from advisor.service.compressed import compress

    torn = compress(b'{"line":99998,"advice":{}}\n' * 50, kind or "")
    with open(partial, "ab") as stream:
        stream.write(torn[: len(torn) // 2])
    assert scan_partial(partial, kind).size == done.size
    monkeypatch.undo()
    monkeypatch.setattr("advisor.service.compressed.FRAME_BYTES", 2048)
    assert run_batch(str(mixed), str(out), resume=True, lang="en", detail="compact", progress=False) == 1
    assert "Resuming after line" in capsys.readouterr().err
    assert _decompressed(out) == plain


def test_damaged_compressed_input_is_a_message(mixed, tmp_path, capsys):
    packed = tmp_path / "in.jsonl.gz"
    data = gzip.compress(mixed.read_bytes(), mtime=0)
    packed.write_bytes(data[: len(data) // 2])
    assert run_batch(str(packed), str(tmp_path / "o.jsonl"), lang="en", progress=False) == 2
    err = capsys.readouterr().err
    assert "cut short" in err and "Traceback" not in err


# --- shards -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("shards", "suffix"), [(1, ""), (2, ".zst"), (3, ""), (4, ".gz")])
def test_shards_merged_equal_one_machine(mixed, tmp_path, monkeypatch, shards, suffix):
    """Blocks of 7 lines here (1,024 in use), so that 80 lines make a dozen blocks."""
    monkeypatch.setattr(batch, "SHARD_BLOCK_LINES", 7)
    single = tmp_path / f"single.jsonl{suffix}"
    run_batch(str(mixed), str(single), lang="en", detail="compact", progress=False)
    outputs = []
    for k in range(1, shards + 1):
        out = tmp_path / f"shard{k}.jsonl{suffix}"
        assert run_batch(str(mixed), str(out), lang="en", detail="compact", shard=f"{k}/{shards}", progress=False) in (
            0,
            1,
        )
        lines = [json.loads(line)["line"] for line in _decompressed(out).splitlines()]
        assert all((line - 1) // 7 % shards == k - 1 for line in lines)  # global line numbers
        outputs.append(str(out))
    merged = tmp_path / f"merged.jsonl{suffix}"
    assert merge_shards(str(merged), outputs, "en") == 1
    assert merged.read_bytes() == single.read_bytes()  # compressed too: the same frames


def test_shard_resume_and_wrong_order(mixed, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(batch, "SHARD_BLOCK_LINES", 5)
    single = _single(mixed, tmp_path / "single.jsonl")
    out = tmp_path / "s2.jsonl"
    monkeypatch.setattr(batch, "CHUNK_LINES", 4)
    _interrupt_after(monkeypatch, 2)
    assert run_batch(str(mixed), str(out), lang="en", shard="2/2", progress=False) == 130
    monkeypatch.undo()
    monkeypatch.setattr(batch, "SHARD_BLOCK_LINES", 5)
    # --resume of shard 2 is refused for shard 1 (another split), and continues shard 2.
    assert run_batch(str(mixed), str(out), resume=True, lang="en", shard="1/2", progress=False) == 2
    assert run_batch(str(mixed), str(out), resume=True, lang="en", shard="2/2", progress=False) in (0, 1)
    first = tmp_path / "s1.jsonl"
    run_batch(str(mixed), str(first), lang="en", shard="1/2", progress=False)
    merged = tmp_path / "m.jsonl"
    assert merge_shards(str(merged), [str(first), str(out)], "en") == 1
    assert merged.read_bytes() == single
    capsys.readouterr()
    # Shards given out of order, or not all of them: refused, nothing written.
    assert merge_shards(str(tmp_path / "bad.jsonl"), [str(out), str(first)], "en") == 2
    assert "is not shard 1 of 2" in capsys.readouterr().err
    assert merge_shards(str(tmp_path / "bad.jsonl"), [str(first)], "en") == 2
    assert "no record for input lines 6–10" in capsys.readouterr().err
    assert not (tmp_path / "bad.jsonl").exists() and not (tmp_path / "bad.jsonl.partial").exists()
    (tmp_path / "junk.jsonl").write_bytes(b"not a record\n")
    assert merge_shards(str(tmp_path / "bad.jsonl"), [str(tmp_path / "junk.jsonl")], "en") == 2
    assert "not a batch record" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["0/3", "4/3", "3", "a/b", "1/0", "-1/2", "1/2/3", ""])
def test_bad_shard_is_a_clear_message(mixed, tmp_path, capsys, value):
    assert run_batch(str(mixed), str(tmp_path / "o"), lang="en", shard=value, progress=False) == 2
    err = capsys.readouterr().err
    assert "--shard must be K/N" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_merge_on_the_command_line(mixed, tmp_path):
    single = tmp_path / "single.jsonl"
    run_batch(str(mixed), str(single), lang="en", detail="compact", progress=False)
    command = [sys.executable, "-m", "advisor", "--lang", "en", "batch"]
    for k in (1, 2):
        done = subprocess.run(
            command + [str(mixed), "-o", str(tmp_path / f"{k}.jsonl.gz"), "--detail", "compact", "--shard", f"{k}/2"],
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert done.returncode in (0, 1), done.stderr
    merged = subprocess.run(
        command + ["merge", str(tmp_path / "m.jsonl"), str(tmp_path / "1.jsonl.gz"), str(tmp_path / "2.jsonl.gz")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert merged.returncode == 1 and "from 2 shards" in merged.stderr, merged.stderr
    assert (tmp_path / "m.jsonl").read_bytes() == single.read_bytes()
    bad = subprocess.run(
        command + [str(mixed), "-o", str(tmp_path / "x"), "--shard", "5/4"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2 and "--shard must be K/N" in bad.stderr and "Traceback" not in bad.stderr


def _interrupt_after(monkeypatch, chunks: int):
    real = batch.advise_chunk
    calls = {"n": 0}

    def flaky(chunk, lang, detail="full"):
        calls["n"] += 1
        if calls["n"] > chunks:
            raise KeyboardInterrupt
        return real(chunk, lang, detail)

    monkeypatch.setattr(batch, "advise_chunk", flaky)


# --- Dask and Spark ---------------------------------------------------------------------------


def test_spark_map_in_pandas_recipe(mixed, mixed_lines, tmp_path):
    """Spark's mapInPandas hands the function an iterator of pandas frames: fed one here, without a JVM."""
    import pandas as pd

    from advisor.dask import map_in_pandas

    frame = pd.DataFrame(
        {"line": range(1, len(mixed_lines) + 1), "situation": [raw.decode("utf-8", "replace") for raw in mixed_lines]}
    )
    # Not UTF-8 lines cannot sit in a Spark string column: the reference skips them too.
    keep = [not raw.startswith(b"\xff") for raw in mixed_lines]
    frames = iter([frame[keep][:30], frame[keep][30:55], frame[keep][55:]])
    out = pd.concat(list(map_in_pandas(frames, lang="en", detail="compact")), ignore_index=True)
    assert list(out.columns) == ["line", "ok", "record"]
    expected = _expected([raw if k else b"" for raw, k in zip(mixed_lines, keep, strict=True)], "compact")
    assert "".join(record + "\n" for record in out["record"]).encode() == expected
    assert list(out["ok"]) == ['"advice"' in record[:30] for record in out["record"]]


@pytest.fixture(scope="module")
def cluster():
    """A real dask.distributed LocalCluster: 2 worker processes, one thread each; closed after."""
    distributed = pytest.importorskip("distributed")
    import logging

    local = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
        timeout=60,
    )
    client = distributed.Client(local, timeout=60)
    try:
        client.wait_for_workers(2, timeout=60)
        yield client
    finally:
        client.close(timeout=30)
        local.close(timeout=30)


@pytest.mark.parametrize("detail", ["full", "compact"])
def test_batch_on_dask_equals_one_machine(mixed, tmp_path, cluster, detail):
    single = _single(mixed, tmp_path / "single.jsonl", detail)
    out = tmp_path / "dask.jsonl"
    address = cluster.scheduler.address
    assert run_batch(str(mixed), str(out), lang="en", detail=detail, dask=address, progress=False) == 1
    assert out.read_bytes() == single  # in order, bad lines reported the same way
    # Both workers did some of it: the chunks really went to the cluster.
    assert len(cluster.nthreads()) == 2


def test_dask_bag_and_dataframe_partitions(mixed_lines, cluster):
    import dask.bag as db
    import dask.dataframe as dd
    import pandas as pd

    from advisor.dask import FRAME_META, advise_frame, advise_partition

    expected = _expected(mixed_lines, "compact")
    pairs = list(enumerate(mixed_lines, start=1))
    bag = db.from_sequence(pairs, npartitions=4).map_partitions(advise_partition, lang="en", detail="compact")
    records = cluster.compute(bag).result(timeout=120)
    assert "".join(record + "\n" for record in records).encode() == expected

    keep = [not raw.startswith(b"\xff") for raw in mixed_lines]  # text columns hold UTF-8 only
    frame = pd.DataFrame(
        {
            "line": [n for n, k in zip(range(1, len(keep) + 1), keep, strict=True) if k],
            "situation": [raw.decode() for raw, k in zip(mixed_lines, keep, strict=True) if k],
        }
    )
    ddf = dd.from_pandas(frame, npartitions=3).map_partitions(
        advise_frame, lang="en", detail="compact", meta=FRAME_META
    )
    out = cluster.compute(ddf).result(timeout=120)
    kept = _expected([raw if k else b"" for raw, k in zip(mixed_lines, keep, strict=True)], "compact")
    assert "".join(record + "\n" for record in out["record"]).encode() == kept


def test_dask_local_on_the_command_line(mixed, tmp_path):
    """`--dask local:2` starts its own cluster of 2 processes and stops it (bounded in time)."""
    single = _single(mixed, tmp_path / "single.jsonl", "compact")
    out = tmp_path / "local.jsonl"
    command = [sys.executable, "-m", "advisor", "--lang", "en", "batch", str(mixed), "-o", str(out)]
    done = subprocess.run(
        command + ["--detail", "compact", "--dask", "local:2"], capture_output=True, text=True, timeout=240, check=False
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert out.read_bytes() == single


def test_dask_unreachable_is_a_message(mixed, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("advisor.dask.CONNECT_SECONDS", 1)
    assert run_batch(str(mixed), str(tmp_path / "o"), lang="en", dask="127.0.0.1:1", progress=False) == 2
    err = capsys.readouterr().err
    assert "the Dask cluster at 127.0.0.1:1 failed" in err and "Traceback" not in err
    assert run_batch(str(mixed), str(tmp_path / "o"), lang="en", dask="local:x", progress=False) == 2
    assert "--dask local:N" in capsys.readouterr().err


def test_readme_shows_the_compact_schema_as_generated():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### The compact output", 1)[1]
    block = section.split("```json\n", 1)[1].split("\n```", 1)[0]
    assert json.loads(block) == compact_record_schema()


def _descendants(pid: int) -> set[int]:
    """Every process below `pid` (from /proc: Linux)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)")
def test_dask_local_killed_leaves_no_worker_and_resumes_anywhere(tmp_path):
    """SIGKILL of `batch --dask local:2` once it has written records: its cluster's processes
    die with it, and the partial resumes (here on one machine, without Dask) into the
    single-machine output."""
    import signal
    import time

    path = tmp_path / "in.jsonl"
    path.write_bytes(gen.jsonl(900, 1, 3, seed=5, bad_every=50))
    expected = tmp_path / "expected.jsonl"
    run_batch(str(path), str(expected), lang="en", detail="compact", progress=False)
    out, partial = tmp_path / "out.jsonl", tmp_path / "out.jsonl.partial"
    command = [sys.executable, "-m", "advisor", "--lang", "en", "batch", str(path), "-o", str(out)]
    command += ["--detail", "compact"]
    process = subprocess.Popen(command + ["--dask", "local:2"], stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if partial.exists() and partial.stat().st_size > 0:
                break
            time.sleep(0.05)
        below = _descendants(process.pid)
        if process.poll() is not None:
            pytest.skip("the run finished before it could be stopped")
        os.kill(process.pid, signal.SIGKILL)  # the batch process alone: its cluster must follow it
        process.communicate(timeout=60)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(map(_alive, below)):
            time.sleep(0.1)
        assert not any(map(_alive, below)), "a Dask process outlived its batch"
        assert below  # the cluster's processes were there
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=60)
    resumed = subprocess.run(command + ["--resume"], capture_output=True, text=True, timeout=180, check=False)
    assert resumed.returncode == 1 and "Resuming after line" in resumed.stderr, resumed.stderr
    assert out.read_bytes() == expected.read_bytes()


def _pretend_rule_set(version: str | None) -> None:
    """On a worker: make advisor.api.ruleset_version say `version` (None: put the real one back)."""
    from advisor import api

    real = getattr(api, "_real_ruleset_version", api.ruleset_version)
    api._real_ruleset_version = real  # type: ignore[attr-defined]
    api.ruleset_version = real if version is None else (lambda: version)  # type: ignore[assignment]


def test_dask_refuses_workers_of_another_rule_set(mixed, tmp_path, cluster, capsys):
    cluster.run(_pretend_rule_set, "0000000000000000")
    try:
        status = run_batch(str(mixed), str(tmp_path / "o.jsonl"), lang="en", dask=cluster.scheduler.address)
    finally:
        cluster.run(_pretend_rule_set, None)
    assert status == 2
    err = capsys.readouterr().err
    assert "the workers run rule set 0000000000000000" in err and "Traceback" not in err
    assert not (tmp_path / "o.jsonl").exists()


@pytest.mark.parametrize("suffix", [".gz", ".zst"])
def test_reader_reads_every_frame_and_tells_damage(suffix):
    """Input made by other tools: several frames (gzip members with a name and time in
    their headers, zstd frames); readline works across their bounds; damage is an OSError."""
    import io

    from advisor.service.compressed import Damaged, compress, reader

    kind = kind_of("x" + suffix) or ""
    lines = [b'{"debts": []}\n' * 3, b'{"debts": [{"product": "huabei", "over', b'due_days": 5}]}\n', b"\n"]
    if kind == "gzip":
        frames = [gzip.compress(part, mtime=1_700_000_000) for part in lines]
    else:
        frames = [compress(part, kind) for part in lines]
    stream = reader(io.BytesIO(b"".join(frames)), kind)
    assert list(stream) == [b'{"debts": []}\n'] * 3 + [
        b'{"debts": [{"product": "huabei", "overdue_days": 5}]}\n',
        b"\n",
    ]
    whole = b"".join(frames)
    with pytest.raises(Damaged):
        list(reader(io.BytesIO(whole[:-3]), kind))  # cut short
    with pytest.raises(Damaged):
        list(reader(io.BytesIO(whole + b"garbage!"), kind))  # not a frame after the last one


def test_workers_spawned_while_another_thread_runs(mixed, tmp_path):
    """With another thread alive (as a Dask client leaves behind), the workers are not
    forked but spawned, as children of the batch process (not of a fork server shared by
    the whole process, which outlived a killed batch): they run, and the output is the same."""
    import threading

    single = _single(mixed, tmp_path / "single.jsonl")
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        assert batch._mp_context().get_start_method() == "spawn"
        assert run_batch(str(mixed), str(tmp_path / "two.jsonl"), workers=2, lang="en", progress=False) == 1
    finally:
        stop.set()
        other.join()
    assert (tmp_path / "two.jsonl").read_bytes() == single


def test_service_batch_gives_the_compact_records(mixed_lines):
    """`credit-advisor serve`'s POST /batch?detail=compact answers the batch's compact records."""
    pytest.importorskip("fastapi")
    pytest.importorskip("uvicorn")
    from test_service import Server

    sent = [line for line in mixed_lines if len(line) <= MAX_INPUT_BYTES]  # one request holds what fits
    server = Server("--workers", "1")
    try:
        status, answer = server.request("POST", "/batch?lang=en&detail=compact", b"\n".join(sent) + b"\n", {})
        assert status == 200
        assert answer == _expected(sent, "compact")
        status, _ = server.request("POST", "/batch?detail=tiny", b"\n".join(sent), {})
        assert status == 422
    finally:
        server.stop()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)")
def test_spawned_workers_die_with_a_killed_batch_not_yet_reaped(tmp_path):
    """SIGKILL of a batch process that has another thread (so its workers are not forked):
    its workers die at once, even while it is a zombie nobody has reaped yet (a fork
    server's workers lived on until then)."""
    import signal
    import time

    path = tmp_path / "in.jsonl"
    path.write_bytes(gen.jsonl(3000, 1, 3, seed=5))
    out = tmp_path / "out.jsonl"
    code = (
        "import threading, sys\n"
        "from advisor.service.batch import run_batch\n"
        "if __name__ == '__main__':\n"
        "    threading.Thread(target=threading.Event().wait, daemon=True).start()\n"
        "    run_batch(sys.argv[1], sys.argv[2], workers=2, lang='en', progress=False)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", code, str(path), str(out)], stderr=subprocess.DEVNULL)
    partial = tmp_path / "out.jsonl.partial"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if partial.exists() and partial.stat().st_size > 0:
                break
            time.sleep(0.05)
        if process.poll() is not None:
            pytest.skip("the run finished before it could be stopped")
        below = _descendants(process.pid)
        os.kill(process.pid, signal.SIGKILL)  # and not reaped: it stays a zombie meanwhile
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(map(_alive, below)):
            time.sleep(0.1)
        assert below and not any(map(_alive, below)), "a worker outlived its (unreaped) batch"
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=60)
