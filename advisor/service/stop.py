"""SIGTERM ends a run the way Ctrl-C does: `Terminated` is a KeyboardInterrupt, so every
`except KeyboardInterrupt` that keeps a partial output or offers to save also runs for
it; the command line then exits 143 instead of 130."""

from __future__ import annotations

import signal
from collections.abc import Callable
from types import FrameType
from typing import Any


class Terminated(KeyboardInterrupt):
    """The process was sent SIGTERM."""


received: list[int] = []  # the signals turned into Terminated in this process


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    received.append(signum)
    raise Terminated()


def terminate_like_interrupt() -> Callable[[int, FrameType | None], Any] | int | None:
    """Install the SIGTERM handler; the previous handler, to restore."""
    return signal.signal(signal.SIGTERM, _raise_terminated)
