"""Files that hold a person's situation are readable only by them (mode 0600), and are
written atomically so an interrupted write never leaves half a file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

PRIVATE_MODE = 0o600


def write_private_text(path: str | os.PathLike, content: str) -> Path:
    """Write `content` (UTF-8) to `path` with mode 0600, replacing it atomically."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
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
    os.chmod(target, PRIVATE_MODE)
    return target


def open_private(path: str | os.PathLike, mode: str = "w"):
    """Open a new or existing file for writing/appending ("w"/"a" text in UTF-8, "wb"/"ab"
    bytes), created with mode 0600."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    descriptor = os.open(path, flags, PRIVATE_MODE)
    os.fchmod(descriptor, PRIVATE_MODE)
    return os.fdopen(descriptor, mode, encoding=None if "b" in mode else "utf-8")
