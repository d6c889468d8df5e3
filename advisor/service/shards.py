"""`credit-advisor batch merge OUT SHARD...`: the outputs of `batch --shard K/N`, K = 1…N,
merged into exactly the output one machine would have written.

Shard K holds the records of the input's blocks K-1, K-1+N, … (blocks of
`batch.SHARD_BLOCK_LINES` lines), with their global line numbers, so the merge takes
records from the shards in line order: a streaming merge that holds one record per
shard in memory.  Each record is checked to belong to the shard it was read from (the
shards must be given in shard order) and line numbers must rise; a whole block with
no record means a shard is missing (a block of 1,024 blank lines would be refused too:
blank lines get no record).  Any doubt and nothing is written (exit 2).  Shards and OUT may each be compressed (`.gz`,
`.zst`, by name); OUT is written as a batch output is (0600, locked, renamed when
complete).  Exit status as the batch: 0, 1 when some records are error records, 2.
"""

from __future__ import annotations

import heapq
import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

from advisor.service import batch
from advisor.service.batch import _RECORD_HEAD, EXIT_CANNOT_RUN, EXIT_OK, EXIT_SOME_FAILED, _fsync_dir, _say, _t
from advisor.service.compressed import kind_of, reader, writer
from advisor.service.private_files import (
    FileRefused,
    OutputLock,
    create_private,
    describe,
    open_untrusted,
    remove_file,
    same_file,
)
from advisor.texts.catalog import DEFAULT_LANGUAGE, check_language
from advisor.texts.sanitise import shown


class _NotAShard(Exception):
    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key, self.values = key, values


def _records(stream, path: str, k: int, n: int) -> Iterator[tuple[int, bool, bytes]]:
    """(line, is advice, record) of shard `k` of `n`, checked."""
    last = 0
    for number, record in enumerate(stream, start=1):
        match = _RECORD_HEAD.match(record)
        if match is None or not record.endswith(b"\n") or int(match.group(1)) <= last:
            raise _NotAShard("err_merge_record", path=shown(path), number=number)
        line = last = int(match.group(1))
        owner = (line - 1) // batch.SHARD_BLOCK_LINES % n + 1  # read here: tests use smaller blocks
        if owner != k:
            raise _NotAShard("err_merge_order", path=shown(path), k=k, n=n, line=line, owner=owner)
        yield line, match.group(2) == b"advice", record


def merge_shards(output_path: str, shard_paths: list[str], lang: str = DEFAULT_LANGUAGE) -> int:
    check_language(lang)
    if not shard_paths:
        _say(_t(lang, "err_merge_none"))
        return EXIT_CANNOT_RUN
    output = Path(output_path)
    if output_path in ("", "-") or output.is_dir():
        _say(_t(lang, "err_output", path=shown(output_path)))
        return EXIT_CANNOT_RUN
    partial = output.with_name(output.name + ".partial")
    for path in shard_paths:
        if same_file(path, (output, partial)):
            _say(_t(lang, "err_own_file", path=shown(path)))
            return EXIT_CANNOT_RUN
    counts = {"ok": 0, "failed": 0}
    n = len(shard_paths)
    try:
        with OutputLock(output), ExitStack() as files:
            streams = [reader(files.enter_context(open_untrusted(path)), kind_of(path)) for path in shard_paths]
            remove_file(partial)
            sink = writer(create_private(partial), kind_of(output_path))
            try:
                with sink:
                    merged = heapq.merge(
                        *(_records(stream, path, k, n) for k, (stream, path) in enumerate(zip(streams, shard_paths), 1))
                    )
                    expected_block = 0
                    for line, ok, record in merged:
                        block = (line - 1) // batch.SHARD_BLOCK_LINES
                        if block > expected_block:  # a whole block without a record: its shard is missing
                            first = expected_block * batch.SHARD_BLOCK_LINES + 1
                            raise _NotAShard("err_merge_gap", first=first, last=block * batch.SHARD_BLOCK_LINES)
                        expected_block = block + 1
                        sink.write(record)
                        counts["ok" if ok else "failed"] += 1
                    sink.flush()
                    os.fsync(sink.fileno())
            except BaseException:
                remove_file(partial)
                raise
            os.replace(partial, output)
            _fsync_dir(output)
    except _NotAShard as problem:
        _say(_t(lang, problem.key, **problem.values))
        return EXIT_CANNOT_RUN
    except OSError as exc:
        _say(describe(exc if isinstance(exc, FileRefused) or exc.filename else _named(exc, output_path), lang))
        return EXIT_CANNOT_RUN
    _say(_t(lang, "merge_summary", ok=counts["ok"], failed=counts["failed"], shards=n, path=shown(output_path)))
    return EXIT_SOME_FAILED if counts["failed"] else EXIT_OK


def _named(error: OSError, path: str) -> OSError:
    return OSError(error.errno, error.strerror or str(error), path)
