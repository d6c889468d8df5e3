"""The advisor on a Dask cluster (``pip install 'credit-advisor[dask]'``), and on Spark.

Every function here turns numbered situations into the records `credit-advisor batch`
writes, byte for byte: ``{"line":N,"advice":{…}}`` or ``{"line":N,"error":{…}}`` (JSON
text without the line break; `detail` "full" or "compact"), with bad lines reported as
the batch reports them.  Blank situations get no record, as blank batch lines.

- `advise_partition(pairs, lang, detail)`: a Dask bag partition of ``(line, situation)``
  pairs → a list of record strings (``bag.map_partitions(advise_partition, …)``).
- `advise_frame(frame, lang, detail)`: a pandas frame with columns ``line`` and
  ``situation`` (JSON text) → a frame with ``line``, ``ok`` and ``record``
  (``ddf.map_partitions(advise_frame, …, meta=FRAME_META)``).
- `map_in_pandas(frames, lang, detail)`: the same over an iterator of frames, for
  Spark's ``DataFrame.mapInPandas(…, schema=SPARK_SCHEMA)``.

A situation is JSON text (str or bytes, a trailing line break is dropped), a dict or a
Situation.  One engine per worker thread, built at its first line and reused (the
engine is built once per thread: start Dask workers with one thread each, ``--nthreads
1``, so there is one per worker process); nothing else is kept between partitions.

`cluster_client` is what ``batch --dask ADDRESS|local:N`` runs its chunks on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from advisor.texts.catalog import DEFAULT_LANGUAGE
from advisor.validation import MAX_INPUT_BYTES

CONNECT_SECONDS = 30  # to reach a scheduler, or for a local cluster to start
FRAME_META = {"line": "int64", "ok": "bool", "record": "object"}
SPARK_SCHEMA = "line long, ok boolean, record string"
_LOCAL = re.compile(r"local:(\d{1,4})")


def _raw(situation: Any) -> bytes | None:
    """A situation as the batch reads a line: bytes without the line break, None when over the size limit."""
    if isinstance(situation, str):
        raw = situation.encode("utf-8", "surrogateescape")
    elif isinstance(situation, (bytes, bytearray)):
        raw = bytes(situation)
    elif hasattr(situation, "model_dump_json"):
        raw = situation.model_dump_json().encode()
    else:
        raw = json.dumps(situation, ensure_ascii=False).encode()
    if raw.endswith(b"\n"):
        raw = raw[:-1]
    if raw.endswith(b"\r"):
        raw = raw[:-1]
    return None if len(raw) > MAX_INPUT_BYTES else raw


def _records(pairs: Iterable[tuple[int, Any]], lang: str, detail: str) -> Iterator[tuple[int, bool, str]]:
    from advisor.service.batch import advise_line

    for line, situation in pairs:
        raw = _raw(situation)
        if raw is not None and not raw.strip():
            continue  # a blank line: no record, as in the batch
        ok, record = advise_line(int(line), raw, lang, detail)
        yield int(line), ok, record[:-1].decode()


def advise_partition(pairs: Iterable[tuple[int, Any]], lang: str = DEFAULT_LANGUAGE, detail: str = "full") -> list[str]:
    """``(line, situation)`` pairs → the batch's records (JSON text), in the same order."""
    return [record for _, _, record in _records(pairs, lang, detail)]


def advise_frame(frame, lang: str = DEFAULT_LANGUAGE, detail: str = "full"):
    """A pandas frame with ``line`` and ``situation`` → one with ``line``, ``ok``, ``record``."""
    import pandas as pd

    rows = list(_records(zip(frame["line"], frame["situation"], strict=True), lang, detail))
    return pd.DataFrame(
        {
            "line": pd.Series([line for line, _, _ in rows], dtype="int64"),
            "ok": pd.Series([ok for _, ok, _ in rows], dtype="bool"),
            "record": pd.Series([record for _, _, record in rows], dtype="object"),
        }
    )


def map_in_pandas(frames: Iterable, lang: str = DEFAULT_LANGUAGE, detail: str = "full") -> Iterator:
    """Spark's ``mapInPandas`` function: each frame of ``line``/``situation`` → its records."""
    for frame in frames:
        yield advise_frame(frame, lang, detail)


# --------------------------------------------------------------------------- batch --dask


def check_address(address: str) -> str | None:
    """None when `address` can be tried, else the [batch] text saying why not."""
    if address.startswith("local:") and not _local_workers(address):
        return "err_dask_local"
    try:
        import distributed  # noqa: F401
    except ImportError:
        return "err_dask_missing"
    return None


def _local_workers(address: str) -> int:
    match = _LOCAL.fullmatch(address)
    return int(match.group(1)) if match else 0


@contextmanager
def cluster_client(address: str):
    """A Client of the scheduler at `address`, or of a local cluster of N worker processes
    (one thread each) for "local:N", closed (and the local cluster stopped) on the way out."""
    import logging

    from distributed import Client, LocalCluster

    cluster = None
    workers = _local_workers(address)
    if workers:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
            timeout=CONNECT_SECONDS,
        )
        client = Client(cluster, timeout=CONNECT_SECONDS)
    else:
        client = Client(address, timeout=CONNECT_SECONDS)
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
