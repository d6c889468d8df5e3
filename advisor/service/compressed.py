"""Compressed batch files, chosen by name: `.gz` (gzip) or `.zst` (Zstandard, the
`zstandard` package); any other name is plain JSON Lines.

Output is written in independent frames (gzip members, zstd frames) of about
`FRAME_BYTES` of records each, always ending at a record's end: a run killed mid-write
leaves complete frames and at most one torn one, so `--resume` keeps what the complete
frames hold (`scan_frames`) and cuts the rest.  Frame bounds depend only on the records
(not on time or the number of workers), and gzip's header carries no name or time, so
the same records make the same bytes: a merged set of shards equals the single-machine
output byte for byte, compressed too.  (A resumed run starts a new frame where it
resumed: its content is identical, its compressed bytes may not be.)
"""

from __future__ import annotations

import errno
import gzip
import io
import zlib
from collections.abc import Iterator
from typing import BinaryIO, Self

FRAME_BYTES = 1 << 20  # records per frame (uncompressed): big enough to compress well
GZIP_LEVEL = 6
ZSTD_LEVEL = 3
_READ_BLOCK = 1 << 16


def kind_of(path: str) -> str | None:
    """ "gzip", "zstd" or None (plain), by the file name's ending."""
    name = str(path).lower()
    if name.endswith(".gz"):
        return "gzip"
    if name.endswith(".zst"):
        return "zstd"
    return None


def _zstd():
    try:
        import zstandard
    except ImportError:  # a clear message, not a traceback (the zstandard package is a dependency)
        raise OSError(errno.ENOPKG, "reading or writing .zst needs the zstandard package") from None
    return zstandard


class Damaged(OSError):
    """Compressed input that cannot be decompressed (damaged or cut short)."""


def compress(data: bytes, kind: str) -> bytes:
    if kind == "gzip":
        return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)
    return _zstd().ZstdCompressor(level=ZSTD_LEVEL).compress(data)


def _decompressor(kind: str):
    if kind == "gzip":
        return zlib.decompressobj(wbits=31)  # one gzip member
    return _zstd().ZstdDecompressor().decompressobj()


class _Decompressing(io.RawIOBase):
    """Every frame of a compressed stream, one after the other, as raw bytes; damage is a
    `Damaged` (an OSError), never a library's own exception."""

    def __init__(self, stream: BinaryIO, kind: str):
        self.stream, self.kind = stream, kind
        self.decompressor = _decompressor(kind)
        self.pending = b""  # decompressed, handed out up to `taken`
        self.taken = 0
        self.started = False  # inside a frame: the stream may not end here

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while self.taken >= len(self.pending):
            if self.decompressor.eof:
                rest = self.decompressor.unused_data
                self.decompressor = _decompressor(self.kind)
                self.started = False
                if rest:
                    self._feed(rest)
                    continue
            block = self.stream.read(_READ_BLOCK)
            if not block:
                if self.started:
                    raise Damaged(errno.EIO, "the compressed input is cut short")
                return 0
            self._feed(block)
        # Handed out from an offset: a block decompresses to a megabyte, read in pieces.
        count = min(len(buffer), len(self.pending) - self.taken)
        buffer[:count] = self.pending[self.taken : self.taken + count]
        self.taken += count
        return count

    def _feed(self, block: bytes) -> None:
        self.started = True
        try:
            self.pending, self.taken = self.decompressor.decompress(block), 0
        except Exception as error:  # noqa: BLE001 - zlib.error, zstd.ZstdError: damaged input
            raise Damaged(errno.EIO, f"the compressed input is damaged ({error})") from None
        if self.decompressor.eof:
            self.started = bool(self.decompressor.unused_data)


def reader(stream: BinaryIO, kind: str | None) -> BinaryIO:
    """`stream` as decompressed bytes (readline works as on a plain file)."""
    if kind is None:
        return stream
    return io.BufferedReader(_Decompressing(stream, kind), buffer_size=_READ_BLOCK)


class FrameWriter:
    """Records in, compressed frames out (see the module doc); `flush` ends a frame."""

    def __init__(self, sink: BinaryIO, kind: str):
        self.sink, self.kind = sink, kind
        self.buffer: list[bytes] = []
        self.size = 0

    def write(self, record: bytes) -> None:
        self.buffer.append(record)
        self.size += len(record)
        if self.size >= FRAME_BYTES:
            self._frame()

    def _frame(self) -> None:
        if self.buffer:
            self.sink.write(compress(b"".join(self.buffer), self.kind))
            self.buffer, self.size = [], 0

    def flush(self) -> None:
        self._frame()
        self.sink.flush()

    def fileno(self) -> int:
        return self.sink.fileno()

    def close(self) -> None:
        try:
            self._frame()  # the records written so far are complete: keep them (for --resume)
        finally:
            self.sink.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def writer(sink: BinaryIO, kind: str | None):
    return sink if kind is None else FrameWriter(sink, kind)


def scan_frames(stream: BinaryIO, kind: str) -> Iterator[tuple[int, bytes]]:
    """(offset just past the frame, its content) for each complete frame from the start;
    stops at the first torn or damaged one."""
    offset = 0  # compressed bytes of the complete frames
    decompressor = _decompressor(kind)
    content: list[bytes] = []
    used = 0  # compressed bytes fed into the current frame
    block = b""
    while True:
        if not block:
            block = stream.read(_READ_BLOCK)
            if not block:
                return
        try:
            content.append(decompressor.decompress(block))
        except Exception:  # noqa: BLE001 - a damaged frame: the scan ends before it
            return
        if decompressor.eof:
            rest = decompressor.unused_data
            used += len(block) - len(rest)
            offset += used
            yield offset, b"".join(content)
            decompressor, content, used, block = _decompressor(kind), [], 0, rest
        else:
            used += len(block)
            block = b""
