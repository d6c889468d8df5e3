"""`credit-advisor batch IN.jsonl -o OUT.jsonl`: one Situation per line in, one record per
line out, in input order.

Output format (``--format json``, the only one): JSON Lines, UTF-8, one compact object
per non-blank input line, in input order, each naming its input line (1-based)::

    {"line":1,"advice":{...the Advice, exactly as `credit-advisor advise --format json`...}}
    {"line":2,"error":{"kind":"invalid_input","problems":[{"field":"debts[0].overdue_days","message":"..."}]}}

- ``"line"`` is always the first key, then exactly one of ``"advice"`` or ``"error"``.
- ``error.kind`` is ``"invalid_input"`` (the line is not a valid Situation: invalid JSON,
  not UTF-8, longer than ``MAX_INPUT_BYTES``, wrong field …; ``problems`` name each field
  and what is allowed, in the chosen language, as `advise` does) or ``"internal"`` (the
  advisor itself failed on a valid Situation: a bug, reported rather than aborting the
  run; the field is ``"(internal)"``).
- Blank lines (empty or only whitespace) carry no situation: they are skipped, get no
  record and are counted as "blank" in the summary. Line numbers always count every
  physical line of the input, blank ones included, so records can be joined back to it.
- Lines are separated by ``\\n`` only (``\\r\\n`` input is accepted).

Exit status: 0 every non-blank line got its advice; 1 the run completed but some lines
are error records (all other lines were still answered and the output file is complete);
2 the run could not be done (input missing, unreadable or one of the run's own files,
output not writable or being written by another run, bad options, ``--resume`` with
different options or a changed input, a worker process died) — the partial output is
kept; 130 interrupted (Ctrl-C), 143 terminated (SIGTERM): the partial output is kept for
``--resume``.

Files: records are appended to ``OUT.partial`` (mode 0600) next to ``OUT``; only when
every line is done is it flushed, fsynced and renamed to ``OUT`` (so ``OUT`` is also
0600 and never half-written). ``OUT.lock`` is held (flock) for the whole run: a second
run aimed at the same output is refused at once. A fresh partial is created exclusively
(never through a planted symlink); a resumed one is reopened without following links and
only if it is a regular file of ours. ``OUT.partial.meta`` (0600) records what the
partial was made with (input path, size, modification time and SHA-256, language,
format, detail, shard, ruleset version). ``--resume`` re-reads the partial, drops a torn or damaged
tail, counts what is done, and continues after the last complete record; it refuses
(exit 2) when the meta does not match this run — another input, or the same input
changed since (its size, time or hash differ), or standard input (which cannot be
identified). Without ``--resume`` an old partial is discarded and the run starts from
the beginning. ``--resume`` with no partial starts from the beginning. The input may not
be one of the run's own files (``OUT``, ``OUT.partial``, ``OUT.partial.meta``,
``OUT.lock``).

Workers: ``--workers 1`` runs in this process. ``--workers N`` uses N processes (at most
``WORKERS_PER_CPU`` per CPU — more is capped, and said — and never more than there are
chunks of input); each
builds its engine once at start (experta engines are not thread-safe, and building one
per call is slow and leaks memory) and answers chunks of lines; at most
``WINDOW_PER_WORKER`` chunks per worker are in flight, so memory stays flat whatever the
input size, and results are written in submission order. Output is byte-identical for
any number of workers. Workers die with the batch process: on Linux the kernel kills
them when it dies (PR_SET_PDEATHSIG), and each also watches its parent and exits when
it is gone; they ignore Ctrl-C and SIGTERM, which the batch process handles.

Detail (``--detail``): ``full`` (the Advice, as above) or ``compact`` (the compact Advice
of advisor/service/compact.py under ``"advice"``: codes, likelihoods, ``by_debt``,
actions, fired rules, ``as_of``, ``ruleset_version``; built without texts).  Error
records are the same in both.

Compression: an input or output whose name ends in ``.gz`` or ``.zst`` is read or
written compressed (advisor/service/compressed.py); the partial output is compressed in
whole frames, and ``--resume`` keeps every complete frame.

Shards (``--shard K/N``): the input's physical lines are cut into blocks of
``SHARD_BLOCK_LINES``; shard K does blocks K-1, K-1+N, …, with global line numbers, so N
machines split one file without a coordinator; ``--resume`` works per shard (the meta
records the shard), and ``batch merge`` (advisor/service/shards.py) joins the N outputs
into exactly the single-machine output.

Dask (``--dask ADDRESS`` or ``local:N``): the same chunks go to the workers of a Dask
cluster (advisor/dask.py) instead of local processes; this process still reads,
orders and writes, so output, resume and shards work the same.  A cluster that cannot be
reached or loses a task ends the run with exit 2 (partial kept).

Progress: a rich progress bar (lines, lines/s, ETA) on stderr when stderr is a terminal;
nothing otherwise. The summary (ok, failed, blank, output path, time) always goes to
stderr, in the chosen language.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import gc
import itertools
import json
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from advisor.service.private_files import (
    FileRefused,
    OutputLock,
    create_private,
    describe,
    open_untrusted,
    remove_file,
    reopen_private,
    same_file,
    write_private_text,
)
from advisor.service.stop import Terminated
from advisor.texts.catalog import DEFAULT_LANGUAGE, catalog, check_language
from advisor.texts.sanitise import shown
from advisor.validation import MAX_INPUT_BYTES

EXIT_OK, EXIT_SOME_FAILED, EXIT_CANNOT_RUN, EXIT_INTERRUPTED = 0, 1, 2, 130
FORMATS = ("json",)
CHUNK_LINES = 32  # lines per task sent to a worker
CHUNK_BYTES = 1 << 20  # …and at most this many input bytes (one oversized line still fits)
WINDOW_PER_WORKER = 4  # chunks in flight per worker: keeps memory flat and workers busy
WORKERS_PER_CPU = 4  # more processes than this only add load (each builds its own engine)
PARENT_CHECK_SECONDS = 0.5  # how often a worker checks that the batch process is alive
PARTIAL_SUFFIX = ".partial"
META_SUFFIX = ".partial.meta"
MAX_META_BYTES = 65_536
EXIT_TERMINATED = 143
# Shards are blocks of this many physical input lines, dealt round-robin: shard K of N
# takes blocks K-1, K-1+N, …  Fixed, so that any machine computes the same split.
SHARD_BLOCK_LINES = 1024

_RECORD_HEAD = re.compile(rb'\{"line":(\d+),"(advice|error)":')


def _t(lang: str, key: str, **values) -> str:
    """A text of the [batch] table of the catalogs."""
    return catalog(lang).text("batch", key, **values)


# --------------------------------------------------------------------------- records


# Records travel from the workers and into the output file as UTF-8 bytes: encoded
# once, by pydantic's serializer, not decoded and re-encoded on the way.


def error_record(line: int, kind: str, problems: list[tuple[str, str]]) -> bytes:
    payload = {"line": line, "error": {"kind": kind, "problems": [{"field": f, "message": m} for f, m in problems]}}
    return (json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def advise_line(line: int, raw: bytes | None, lang: str, detail: str = "full") -> tuple[bool, bytes]:
    """One input line (without its line break; None = over the size limit) → (ok, record).

    `detail` "full": the Advice as `advise --format json` prints it; "compact": the
    compact Advice (advisor/service/compact.py), built without texts."""
    from advisor.api import advise
    from advisor.service.compact import compact_json
    from advisor.validation import SituationError, situation_from_json

    if raw is None:
        too_large = catalog(lang).ui("err_too_large", limit=MAX_INPUT_BYTES)
        return False, error_record(line, "invalid_input", [("(input)", too_large)])
    try:
        situation = situation_from_json(raw, lang)
        if detail == "compact":
            body = compact_json(situation)
        else:
            advice = advise(situation, lang=lang)
            body = advice.__pydantic_serializer__.to_json(advice)  # model_dump_json(), as bytes
    except SituationError as error:
        return False, error_record(line, "invalid_input", error.problems)
    except Exception as exc:  # noqa: BLE001 - a bug on one line must not lose the other million
        return False, error_record(line, "internal", [("(internal)", f"{type(exc).__name__}: {exc}")])
    return True, b'{"line":%d,"advice":%s}\n' % (line, body)


def advise_chunk(chunk: list[tuple[int, bytes | None]], lang: str, detail: str = "full") -> list[tuple[bool, bytes]]:
    return [advise_line(line, raw, lang, detail) for line, raw in chunk]


def warm_up(lang: str) -> None:
    """Build this process's engine and fill the caches (catalog, registry, ruleset hash).

    Then everything alive (modules, rule network, catalogs) is moved out of the cyclic
    collector's reach with `gc.freeze()`: it lives as long as the process, and a full
    collection would otherwise walk it all again (and, in a forked worker, write to
    every page it shares with its parent).  Only batch processes, which are ours, do
    this; the library never changes its host's collector settings.
    """
    try:
        from advisor.api import advise

        advise({"debts": [{"product": "online_loan", "overdue_days": 45}]}, lang=lang)
    except Exception:  # noqa: BLE001, S110 - a broken rule base shows up as "internal" error records, line by line
        pass
    gc.freeze()


def _die_with_parent(parent: int) -> None:
    """End this worker when the batch process `parent` dies (SIGKILL included).

    On Linux the kernel sends SIGKILL when the worker's own parent dies (prctl
    PR_SET_PDEATHSIG): the batch process, which forked or spawned it (never a fork server,
    see `_mp_context`); everywhere a daemon thread also checks every PARENT_CHECK_SECONDS
    that the batch process is still there.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watching thread still ends the worker

    def alive() -> bool:
        # Forked or spawned by the batch process: once it dies we are re-parented (to init
        # or a subreaper), even while it is a zombie that kill(pid, 0) still finds.
        return os.getppid() == parent

    def watch() -> None:
        while alive():
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(EXIT_CANNOT_RUN)

    if not alive():  # the parent died before the signal was armed
        os._exit(EXIT_CANNOT_RUN)
    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _worker_init(lang: str, parent: int) -> None:
    # Ctrl-C and SIGTERM may go to the whole process group: the batch process handles
    # them; workers carry on with their chunk and are then shut down (or die with it).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _die_with_parent(parent)
    warm_up(lang)


# --------------------------------------------------------------------------- input


def read_lines(stream: BinaryIO, limit: int = MAX_INPUT_BYTES) -> Iterator[tuple[int, bytes | None, int]]:
    """(line number, content without the line break or None if over `limit`, bytes consumed).

    Streams: at most `limit` + 2 bytes of one line are held in memory.
    """
    number = 0
    while True:
        raw = stream.readline(limit + 2)  # room for the content, "\r" and "\n"
        if not raw:
            return
        number += 1
        consumed = len(raw)
        ended = raw.endswith(b"\n")
        if ended:
            raw = raw[:-1]
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        if len(raw) > limit:
            while not ended:  # drain the rest of the oversized line
                rest = stream.readline(1 << 16)
                if not rest:
                    break
                consumed += len(rest)
                ended = rest.endswith(b"\n")
            yield number, None, consumed
        else:
            yield number, raw, consumed


# --------------------------------------------------------------------------- resume


@dataclass
class Done:
    """What a partial output already holds."""

    last_line: int = 0
    ok: int = 0
    failed: int = 0
    size: int = 0  # bytes of complete, well-formed records


def _count_records(records, done: Done) -> tuple[Done, Done, bytes, bool]:
    """Count complete records after `done`: (done, done before the last record, the last
    record, whether every record was complete)."""
    before_last = Done(done.last_line, done.ok, done.failed, done.size)
    last_record = b""
    for record in records:
        match = _RECORD_HEAD.match(record)
        if not record.endswith(b"\n") or match is None or int(match.group(1)) <= done.last_line:
            return done, before_last, last_record, False
        before_last = Done(done.last_line, done.ok, done.failed, done.size)
        done.last_line = int(match.group(1))
        if match.group(2) == b"advice":
            done.ok += 1
        else:
            done.failed += 1
        done.size += len(record)
        last_record = record
    return done, before_last, last_record, True


def _parses(record: bytes) -> bool:
    try:
        json.loads(record)
    except ValueError:
        return False
    return True


def scan_partial(path: Path | BinaryIO, kind: str | None = None) -> Done:
    """Count the complete records of a partial output; a torn or damaged tail is not counted.

    A record is complete when it ends with a line break, starts with the record head and
    its line number is larger than the previous one; the last one is also parsed as JSON
    (a crash can only tear or damage the end of an append-only file). Reads the file as a
    stream; changes nothing (the caller truncates it to `size`).  A compressed partial
    (`kind` "gzip" or "zstd") is counted frame by frame: only whole frames whose records
    are all complete count, and `size` is where the last of them ends.
    """
    stream = path if not isinstance(path, (str, Path)) else open_untrusted(path)
    with stream:
        if kind is not None:
            return _scan_frames(stream, kind)
        done, before_last, last_record, _ = _count_records(stream, Done())
    if last_record and not _parses(last_record):
        return before_last
    return done


def _scan_frames(stream: BinaryIO, kind: str) -> Done:
    from advisor.service.compressed import scan_frames

    done = Done()
    for end, content in scan_frames(stream, kind):
        counted, _, last_record, whole = _count_records(
            content.splitlines(keepends=True), Done(done.last_line, done.ok, done.failed, 0)
        )
        if not whole or (last_record and not _parses(last_record)):
            break
        done = Done(counted.last_line, counted.ok, counted.failed, end)
    return done


def input_identity(stream: BinaryIO) -> dict:
    """What identifies a regular input file: size, modification time and SHA-256 of its
    content (read once more, start to end; the stream is put back at the start)."""
    import hashlib

    info = os.fstat(stream.fileno())
    digest = hashlib.sha256()
    stream.seek(0)
    while block := stream.read(1 << 20):
        digest.update(block)
    stream.seek(0)
    return {"size": info.st_size, "mtime_ns": info.st_mtime_ns, "sha256": digest.hexdigest()}


def _meta(input_path: str, options: RunOptions, identity: dict | None) -> dict:
    from advisor.api import ruleset_version

    source = input_path if input_path == "-" else os.path.realpath(input_path)
    shard = (
        None if options.shard is None else {"shard": "{}/{}".format(*options.shard), "block_lines": SHARD_BLOCK_LINES}
    )
    return {
        "input": source,
        "input_identity": identity,
        "language": options.lang,
        "format": options.output_format,
        "detail": options.detail,
        "shard": shard,
        "ruleset_version": ruleset_version(),
    }


def _read_meta(path: Path) -> dict | None:
    try:
        with open_untrusted(path) as stream:
            raw = stream.read(MAX_META_BYTES + 1)
        meta = json.loads(raw) if len(raw) <= MAX_META_BYTES else None
    except (OSError, ValueError, RecursionError):
        return None
    return meta if isinstance(meta, dict) else None


def run_files(output: Path) -> tuple[Path, Path, Path]:
    """The files a run writes beside OUT: the partial output, its meta and the lock."""
    return (
        output.with_name(output.name + PARTIAL_SUFFIX),
        output.with_name(output.name + META_SUFFIX),
        output.with_name(output.name + ".lock"),
    )


def worker_count(requested: int, lang: str) -> int:
    """`requested`, capped at WORKERS_PER_CPU per CPU (said on standard error)."""
    limit = WORKERS_PER_CPU * (os.cpu_count() or 1)
    if requested > limit:
        _say(_t(lang, "workers_capped", requested=_count(requested), limit=limit, per_cpu=WORKERS_PER_CPU))
        return limit
    return requested


def _count(number: int) -> str:
    """A count for a message, even one too long to print in full."""
    if number < 10**30:
        return str(number)
    import math

    return f"≈10^{int(math.log10(number))}"  # str() of a 5,000-digit int raises


# --------------------------------------------------------------------------- run


class _Progress:
    """A rich progress bar on a terminal (bytes of input drive the bar and ETA), else nothing."""

    def __init__(self, lang: str, total_bytes: int | None, enabled: bool):
        self.bar = None
        self.lines = 0
        self.total = total_bytes
        self.description = ""
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            ProgressColumn,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        unit = _t(lang, "progress_rate")

        class LinesPerSecond(ProgressColumn):
            def render(self, task):
                elapsed = task.elapsed or 0
                rate = task.fields.get("lines", 0) / elapsed if elapsed > 0.2 else 0
                return Text(f"{rate:,.0f} {unit}", style="progress.data.speed")

        self.bar = Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[lines]:,} " + _t(lang, "progress_lines").replace("[", "\\[")),
            LinesPerSecond(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.description = _t(lang, "progress")

    def start(self, done_bytes: int, done_lines: int) -> None:
        """Show the bar, starting from what a resumed run already did (not counted in the rate)."""
        if self.bar is not None:
            self.lines = done_lines
            self.task = self.bar.add_task(self.description, total=self.total, completed=done_bytes, lines=done_lines)
            self.bar.start()

    def advance(self, nbytes: int, nlines: int) -> None:
        if self.bar is not None:
            self.lines += nlines
            self.bar.update(self.task, advance=nbytes, lines=self.lines)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _mp_context():
    import multiprocessing

    # fork is fastest (workers inherit the imported modules) and safe while this process
    # has a single thread; otherwise spawn.  Never forkserver: its server is one per
    # process, started by the first pool with that moment's state and shared by every
    # later one, and the workers are its children, not ours, so PR_SET_PDEATHSIG watches
    # the server, which does not die with us (the workers hold its "alive" pipe open), and
    # a killed but not yet reaped batch process still answers kill(pid, 0): workers lived
    # on.  Spawned workers are our children (started by the thread in `_run_pool`, which
    # waits for them), so the kernel kills them when this process dies.
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _skip(lines: Iterator[tuple[int, bytes | None, int]], through: int, counts: dict) -> int:
    """Read past the lines a resumed run already did; count their blank lines; the bytes read."""
    consumed_total = 0
    if through <= 0:
        return 0
    for number, raw, consumed in lines:
        consumed_total += consumed
        if raw is not None and not raw.strip():
            counts["blank"] += 1
        if number >= through:
            break
    return consumed_total


def _chunks(lines: Iterator[tuple[int, bytes | None, int]], counts: dict):
    """Group the lines into (chunk, input bytes consumed) tasks; count and skip blank lines.

    The bytes of blank lines ride along with the next task, for the progress bar.
    """
    chunk: list[tuple[int, bytes | None]] = []
    pending = 0
    for number, raw, consumed in lines:
        pending += consumed
        if raw is not None and not raw.strip():
            counts["blank"] += 1
            continue
        chunk.append((number, raw))
        if len(chunk) >= CHUNK_LINES or pending >= CHUNK_BYTES:
            yield chunk, pending
            chunk, pending = [], 0
    if chunk or pending:
        yield chunk, pending


@dataclass(frozen=True)
class RunOptions:
    """What a run's records depend on (kept in the partial's meta: --resume must match)
    and where they are computed."""

    lang: str = DEFAULT_LANGUAGE
    output_format: str = "json"
    detail: str = "full"
    shard: tuple[int, int] | None = None  # (K, N): this run does shard K of N
    dask: str | None = None  # a scheduler address, or "local:N"


def parse_shard(value: str) -> tuple[int, int]:
    """ "K/N" → (K, N) with 1 ≤ K ≤ N; ValueError otherwise."""
    match = re.fullmatch(r"\s*(\d{1,9})\s*/\s*(\d{1,9})\s*", value)
    if match is None:
        raise ValueError(value)
    k, n = int(match.group(1)), int(match.group(2))
    if not 1 <= k <= n:
        raise ValueError(value)
    return k, n


def in_shard(line: int, shard: tuple[int, int]) -> bool:
    """Whether input line `line` (1-based) belongs to shard (K, N): its block of
    SHARD_BLOCK_LINES lines is block K-1, K-1+N, K-1+2N, …"""
    k, n = shard
    return ((line - 1) // SHARD_BLOCK_LINES) % n == k - 1


def _shard_lines(lines: Iterator[tuple[int, bytes | None, int]], shard: tuple[int, int] | None):
    """The lines of this run's shard (all lines without one); the bytes of the other
    shards' lines ride along with the next line of ours, for the progress bar."""
    if shard is None:
        yield from lines
        return
    carried = 0
    for number, raw, consumed in lines:
        if in_shard(number, shard):
            yield number, raw, consumed + carried
            carried = 0
        else:
            carried += consumed


def run_batch(
    input_path: str,
    output_path: str,
    *,
    workers: int = 1,
    resume: bool = False,
    lang: str = DEFAULT_LANGUAGE,
    output_format: str = "json",
    progress: bool | None = None,
    detail: str = "full",
    shard: str | None = None,
    dask: str | None = None,
) -> int:
    """Advise every line of `input_path` into `output_path`; the exit status (see module doc).

    `progress`: None = a progress bar only when stderr is a terminal.  `detail`: "full"
    or "compact"; `shard`: "K/N"; `dask`: a Dask scheduler address or "local:N".
    """
    from advisor.service.compact import DETAILS

    check_language(lang)
    if output_format not in FORMATS:
        _say(_t(lang, "err_format", value=output_format, allowed=", ".join(FORMATS)))
        return EXIT_CANNOT_RUN
    if detail not in DETAILS:
        _say(_t(lang, "err_detail", value=shown(detail), allowed=", ".join(DETAILS)))
        return EXIT_CANNOT_RUN
    try:
        shard_of = None if shard is None else parse_shard(shard)
    except ValueError:
        _say(_t(lang, "err_shard", value=shown(shard or "")))
        return EXIT_CANNOT_RUN
    if dask is not None:
        from advisor.dask import check_address

        problem = check_address(dask)
        if problem is not None:
            _say(_t(lang, problem, value=shown(dask)))
            return EXIT_CANNOT_RUN
    if workers < 1:
        _say(_t(lang, "err_workers", value=_count(workers) if workers > -(10**30) else "-∞"))
        return EXIT_CANNOT_RUN
    workers = worker_count(workers, lang)
    options = RunOptions(lang, output_format, detail, shard_of, dask)
    output = Path(output_path)
    if output_path in ("", "-") or output.is_dir():
        _say(_t(lang, "err_output", path=shown(output_path)))
        return EXIT_CANNOT_RUN
    own_files = (output, *run_files(output))
    if input_path != "-" and same_file(input_path, own_files):
        _say(_t(lang, "err_own_file", path=shown(input_path)))
        return EXIT_CANNOT_RUN
    try:
        stream = sys.stdin.buffer if input_path == "-" else open_untrusted(input_path)
    except (OSError, AttributeError) as exc:
        error = exc if isinstance(exc, OSError) else FileRefused("no_stdin", "-")
        _say(describe(error, lang))
        return EXIT_CANNOT_RUN
    try:
        with OutputLock(output):
            return _run_locked(stream, input_path, output, workers, resume, options, progress)
    except OSError as exc:  # the lock: another run holds it, or the folder is not writable
        _say(describe(exc, lang))
        return EXIT_CANNOT_RUN
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _run_locked(
    stream: BinaryIO,
    input_path: str,
    output: Path,
    workers: int,
    resume: bool,
    options: RunOptions,
    progress: bool | None,
) -> int:
    from advisor.service.compressed import kind_of, reader, writer

    lang = options.lang
    started = time.perf_counter()
    partial, meta_path, _ = run_files(output)
    compressed_in = None if input_path == "-" else kind_of(input_path)
    compressed_out = kind_of(str(output))
    # The bar counts input bytes: of a compressed input, the total is not known ahead.
    total_bytes = None if input_path == "-" or compressed_in else os.fstat(stream.fileno()).st_size
    identity = None if input_path == "-" else input_identity(stream)
    meta = _meta(input_path, options, identity)

    # The partial output: fresh, or resumed.
    done = Done()
    try:
        if resume and os.path.lexists(partial):
            if input_path == "-":
                _say(_t(lang, "err_resume_stdin", partial=shown(str(partial))))
                return EXIT_CANNOT_RUN
            raw_sink = reopen_private(partial)  # first: never read or touch what a planted link points to
            old_meta = _read_meta(meta_path)
            if old_meta is None or {k: v for k, v in old_meta.items() if k != "input_identity"} != {
                k: v for k, v in meta.items() if k != "input_identity"
            }:
                raw_sink.close()
                _say(_t(lang, "err_resume_mismatch", partial=shown(str(partial))))
                return EXIT_CANNOT_RUN
            if old_meta.get("input_identity") != identity:
                raw_sink.close()
                _say(_t(lang, "err_resume_changed", partial=shown(str(partial)), input=shown(input_path)))
                return EXIT_CANNOT_RUN
            with open_untrusted(partial) as reading:
                done = scan_partial(reading, compressed_out)
            os.ftruncate(raw_sink.fileno(), done.size)
            _say(_t(lang, "resuming", line=done.last_line, done=done.ok + done.failed))
        else:
            if resume:
                _say(_t(lang, "nothing_to_resume", partial=shown(str(partial))))
            remove_file(partial)  # a link planted there is removed, never followed
            write_private_text(meta_path, json.dumps(meta, ensure_ascii=False) + "\n")
            raw_sink = create_private(partial)
    except OSError as exc:
        _say(
            describe(exc, lang)
            if isinstance(exc, FileRefused)
            else _t(lang, "err_write", path=shown(str(partial)), detail=exc.strerror or str(exc))
        )
        return EXIT_CANNOT_RUN
    sink = writer(raw_sink, compressed_out)

    counts = {"ok": done.ok, "failed": done.failed, "blank": 0}
    bar = _Progress(lang, total_bytes, sys.stderr.isatty() if progress is None else progress)
    try:
        with sink:
            lines = _shard_lines(read_lines(reader(stream, compressed_in)), options.shard)
            skipped = _skip(lines, done.last_line, counts)
            tasks = _chunks(lines, counts)
            start_bar = functools.partial(bar.start, skipped, done.ok + done.failed)
            if options.dask is not None:
                _run_dask(tasks, options, sink, counts, bar, start_bar)
            else:
                # Never more workers than chunks: a small input is not worth a process each.
                first = list(itertools.islice(tasks, workers)) if workers > 1 else []
                workers = min(workers, len(first))
                tasks = itertools.chain(first, tasks)
                if workers <= 1:
                    warm_up(lang)
                    start_bar()
                    results = ((advise_chunk(chunk, lang, options.detail), nbytes) for chunk, nbytes in tasks)
                    _drain(results, sink, counts, bar)
                else:
                    _run_pool(tasks, workers, options, sink, counts, bar, start_bar)
            sink.flush()
            os.fsync(sink.fileno())
    except KeyboardInterrupt as interrupt:
        bar.stop()
        _say(_t(lang, "interrupted", done=counts["ok"] + counts["failed"], partial=shown(str(partial))))
        return EXIT_TERMINATED if isinstance(interrupt, Terminated) else EXIT_INTERRUPTED
    except _WorkerDied:
        bar.stop()
        _say(_t(lang, "err_worker", partial=shown(str(partial))))
        return EXIT_CANNOT_RUN
    except _ClusterFailed as failure:
        bar.stop()
        _say(_t(lang, "err_dask", address=shown(options.dask or ""), detail=shown(str(failure))))
        _say(_t(lang, "kept_for_resume", partial=shown(str(partial))))
        return EXIT_CANNOT_RUN
    except OSError as exc:
        bar.stop()
        _say(_t(lang, "err_io", detail=exc.strerror or str(exc), partial=shown(str(partial))))
        return EXIT_CANNOT_RUN
    bar.stop()

    os.replace(partial, output)  # 0600 since its creation; a link planted at OUT is replaced, not followed
    _fsync_dir(output)
    remove_file(meta_path)

    seconds = time.perf_counter() - started
    answered = counts["ok"] + counts["failed"]
    _say(
        _t(
            lang,
            "summary",
            ok=counts["ok"],
            failed=counts["failed"],
            blank=counts["blank"],
            path=shown(str(output)),
            seconds=seconds,
            rate=(answered - done.ok - done.failed) / seconds if seconds > 0 else 0.0,
        )
    )
    if counts["failed"]:
        _say(_t(lang, "failed_hint"))
        return EXIT_SOME_FAILED
    return EXIT_OK


def _fsync_dir(path: Path) -> None:
    try:
        descriptor = os.open(path.parent if str(path.parent) else ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _drain(results, sink, counts: dict, bar: _Progress) -> None:
    """Write each chunk's records, in order, and advance the counts and the bar."""
    for records, nbytes in results:
        for ok, record in records:
            sink.write(record)
            counts["ok" if ok else "failed"] += 1
        bar.advance(nbytes, len(records))


class _WorkerDied(Exception):
    pass


def _run_pool(tasks, workers: int, options: RunOptions, sink, counts: dict, bar: _Progress, start_bar) -> None:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    executor = ProcessPoolExecutor(
        max_workers=workers, mp_context=_mp_context(), initializer=_worker_init, initargs=(options.lang, os.getpid())
    )
    window: collections.deque = collections.deque()
    limit = workers * WINDOW_PER_WORKER

    def fill() -> None:
        for chunk, nbytes in tasks:
            window.append((executor.submit(advise_chunk, chunk, options.lang, options.detail), nbytes))
            if len(window) >= limit:
                return

    def results():
        fill()  # starts the workers, before the progress bar's thread exists
        start_bar()
        while window:
            future, nbytes = window.popleft()
            try:
                records = future.result()
            except BrokenProcessPool:
                raise _WorkerDied() from None
            fill()
            yield records, nbytes

    try:
        _drain(results(), sink, counts, bar)
    except BaseException:
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    executor.shutdown(wait=True)


class _ClusterFailed(Exception):
    """The Dask cluster could not be reached or lost a task."""


def _run_dask(tasks, options: RunOptions, sink, counts: dict, bar: _Progress, start_bar) -> None:
    """The chunks on a Dask cluster: the same chunks, the same function, the results in
    submission order, at most WINDOW_PER_WORKER chunks per worker thread in flight.
    What the cluster raises (cannot connect, a worker lost, …) is `_ClusterFailed`; what
    our own files raise stays an OSError."""
    from advisor.dask import cluster_client

    def cluster_step(step, *args, **kwargs):
        try:
            return step(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - distributed's own errors (KilledWorker, CommClosedError, …)
            raise _ClusterFailed(f"{type(error).__name__}: {error}") from None

    with contextlib.ExitStack() as stack:
        client = cluster_step(stack.enter_context, cluster_client(options.dask or ""))
        limit = max(1, sum(cluster_step(client.nthreads).values())) * WINDOW_PER_WORKER
        # Every worker must run this rule set: records of two rule sets must never mix in one output.
        from advisor.api import ruleset_version

        theirs = set(cluster_step(client.run, ruleset_version).values())
        if theirs - {ruleset_version()}:
            versions = ", ".join(sorted(theirs))
            raise _ClusterFailed(f"the workers run rule set {versions}, this machine {ruleset_version()}")
        window: collections.deque = collections.deque()
        stack.callback(lambda: [future.cancel() for future, _ in window])

        def fill() -> None:
            for chunk, nbytes in tasks:
                future = cluster_step(client.submit, advise_chunk, chunk, options.lang, options.detail, pure=False)
                window.append((future, nbytes))
                if len(window) >= limit:
                    return

        def results():
            fill()
            start_bar()
            while window:
                future, nbytes = window.popleft()
                records = cluster_step(future.result)
                future.release()
                fill()
                yield records, nbytes

        _drain(results(), sink, counts, bar)
