"""The one way a person's files are written, and the one way untrusted files are read.

Writing (`write_private_text`, `create_private`, `OutputLock`): a file that holds a
person's situation is readable only by them (mode 0600, set on the open descriptor
before a byte is written), is created exclusively (O_EXCL: never through a planted
symlink, never into a file someone else holds open), reaches its name by an atomic
rename (an interrupted write never leaves half a file; a symlink at the name is
replaced, never followed), is never one of the run's own inputs, and is locked
(`OutputLock`) while written, so a second run aimed at the same output is refused
instead of mixing its records in.

Reading (`read_untrusted`, `open_untrusted`): only a regular file (a FIFO, a device or a
directory is refused before anything is read: no hang on a FIFO, no endless /dev/zero),
at most `limit` bytes (one byte more tells "too large").  "-" is standard input, the one
stream a person names on purpose.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, BinaryIO, Self

PRIVATE_MODE = 0o600
LOCK_SUFFIX = ".lock"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class FileRefused(OSError):
    """A path the advisor will not read or write; `reason` names the text
    (`files.<reason>` in the catalogs) and `path` the file."""

    def __init__(self, reason: str, path: str | os.PathLike):
        super().__init__(errno.EPERM, reason, str(path))
        self.reason = reason
        self.path = str(path)


def describe(error: OSError, lang: str) -> str:
    """An OSError as one line a person can act on, in `lang` (file names made visible)."""
    from advisor.texts.catalog import catalog
    from advisor.texts.sanitise import shown

    text = catalog(lang)
    if isinstance(error, FileRefused):
        return text.text("files", error.reason, path=shown(error.path))
    detail = error.strerror or type(error).__name__
    where = error.filename if error.filename is not None else ""
    return text.text("files", "os_error", path=shown(str(where)), detail=shown(detail))


# --- identity -----------------------------------------------------------------------------


def _identity(path: str | os.PathLike, follow: bool = True) -> tuple[int, int] | None:
    try:
        info = os.stat(path) if follow else os.lstat(path)
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino


def same_file(path: str | os.PathLike, others: Iterable[str | os.PathLike]) -> bool:
    """Whether `path` names one of `others`: the same name once resolved, or the same
    file (a hard link or a symlink to it)."""
    try:
        resolved = os.path.realpath(path)
    except (OSError, ValueError):
        return False
    mine = {_identity(path), _identity(path, follow=False)} - {None}
    for other in others:
        if str(other) in ("", "-"):
            continue
        if os.path.realpath(other) == resolved:
            return True
        if mine & ({_identity(other), _identity(other, follow=False)} - {None}):
            return True
    return False


def refuse_inputs(target: str | os.PathLike, inputs: Iterable[str | os.PathLike]) -> None:
    """FileRefused("over_input") when writing `target` would replace one of `inputs`."""
    if same_file(target, inputs):
        raise FileRefused("over_input", target)


# --- writing ------------------------------------------------------------------------------


def _checked_target(path: str | os.PathLike) -> Path:
    target = Path(path)
    if str(path) in ("", "-"):
        raise FileRefused("not_a_file_path", path)
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return target
    except ValueError:  # a NUL byte in a name typed at a prompt
        raise FileRefused("not_a_file_path", str(path).replace("\0", "\\0")) from None
    if stat.S_ISDIR(info.st_mode):
        raise FileRefused("is_directory", path)
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
        raise FileRefused("not_regular", path)
    return target


def write_private_text(path: str | os.PathLike, content: str, *, inputs: Iterable[str | os.PathLike] = ()) -> Path:
    """Write `content` (UTF-8) to `path`: 0600, exclusive temporary file, atomic rename,
    under the output's lock, never over one of `inputs`."""
    target = _checked_target(path)
    refuse_inputs(target, inputs)
    directory = target.parent if str(target.parent) else Path(".")
    with OutputLock(target):
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
        try:
            os.fchmod(handle, PRIVATE_MODE)
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(content)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, target)
        except BaseException:
            try:
                os.unlink(temporary)
            except FileNotFoundError:
                pass
            raise
    return target


def create_private(path: str | os.PathLike) -> BinaryIO:
    """A new file at `path` for writing bytes, mode 0600: O_EXCL and O_NOFOLLOW, so an
    existing file or a planted symlink is refused (FileExistsError), never followed."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
    descriptor = os.open(path, flags, PRIVATE_MODE)
    os.fchmod(descriptor, PRIVATE_MODE)
    return os.fdopen(descriptor, "wb")


def reopen_private(path: str | os.PathLike) -> BinaryIO:
    """An existing file of ours for appending bytes: never through a symlink, only a
    regular file with one link, owned by this user (so a resumed run continues its own
    partial output and nothing else)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | _NOFOLLOW | _CLOEXEC)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise FileRefused("symlink", path) from None
        raise
    info = os.fstat(descriptor)
    if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1 or info.st_uid != os.getuid():
        os.close(descriptor)
        raise FileRefused("not_ours", path)
    os.fchmod(descriptor, PRIVATE_MODE)
    return os.fdopen(descriptor, "ab")


def open_private(path: str | os.PathLike, mode: str = "w") -> IO:
    """A file for writing ("w"/"wb": created exclusively, see `create_private`) or
    appending ("a"/"ab": see `reopen_private`), mode 0600."""
    stream = reopen_private(path) if "a" in mode else create_private(path)
    if "b" in mode:
        return stream
    import io

    return io.TextIOWrapper(stream, encoding="utf-8")


def remove_file(path: str | os.PathLike) -> None:
    """Remove `path` if it is there (a symlink is removed, not what it points to)."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


class OutputLock:
    """An exclusive lock on an output, held in `OUTPUT.lock` (0600, removed on release).

    A second holder is refused at once (FileRefused("locked")): two runs must never
    write the same output.  The lock file is removed while still locked, and a taker
    checks that the file it locked is still the one at the name, so a lock is never
    taken on a removed file.
    """

    def __init__(self, output: str | os.PathLike):
        self.output = Path(output)
        self.path = self.output.with_name(self.output.name + LOCK_SUFFIX)
        self.descriptor: int | None = None

    def __enter__(self) -> Self:
        while True:
            try:
                descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT | _NOFOLLOW | _CLOEXEC, PRIVATE_MODE)
            except OSError as error:
                if error.errno == errno.ELOOP:
                    raise FileRefused("symlink", self.path) from None
                raise
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as error:
                os.close(descriptor)
                if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise FileRefused("locked", self.output) from None
                raise
            if _identity(self.path, follow=False) == (os.fstat(descriptor).st_dev, os.fstat(descriptor).st_ino):
                self.descriptor = descriptor
                return self
            os.close(descriptor)  # removed by the holder that just released it: take the new one

    def __exit__(self, *exc_info: object) -> None:
        if self.descriptor is not None:
            remove_file(self.path)
            os.close(self.descriptor)
            self.descriptor = None


# --- reading ------------------------------------------------------------------------------


def open_untrusted(path: str | os.PathLike) -> BinaryIO:
    """A regular file opened for reading, without blocking on a FIFO; FileRefused for a
    FIFO, a device, a socket or a directory."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | _CLOEXEC)
    except IsADirectoryError:
        raise FileRefused("is_directory", path) from None
    except ValueError:  # a NUL byte in the name
        raise FileRefused("not_a_file_path", str(path).replace("\0", "\\0")) from None
    info = os.fstat(descriptor)
    if not stat.S_ISREG(info.st_mode):
        os.close(descriptor)
        raise FileRefused("is_directory" if stat.S_ISDIR(info.st_mode) else "not_regular", path)
    flags = fcntl.fcntl(descriptor, fcntl.F_GETFL)
    fcntl.fcntl(descriptor, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)
    return os.fdopen(descriptor, "rb")


def read_untrusted(path: str | os.PathLike, limit: int, stdin: BinaryIO | None = None) -> bytes:
    """At most `limit` + 1 bytes of a regular file (or of `stdin` for "-"): the caller
    refuses more than `limit` as too large."""
    if str(path) == "-":
        if stdin is None:
            import sys

            if sys.stdin is None:  # started with standard input closed
                raise FileRefused("no_stdin", path)
            stdin = sys.stdin.buffer
        return stdin.read(limit + 1)
    with open_untrusted(path) as stream:
        return stream.read(limit + 1)
