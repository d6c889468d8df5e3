"""The one parser for numbers typed by a person or given on the command line.

`isdigit()` is true for "፩" (Ethiopic one), "²" and 4,301 ASCII digits, and `int()`
raises on all three (not a decimal digit; over Python's 4,300-digit limit).  These
functions never raise: they return None for anything that is not a plain number of a
sensible length, and the caller shows its own hint.
"""

from __future__ import annotations

import math
import re

MAX_DIGITS = 18  # more than any count, index, day or amount the advisor takes (int64 fits)

_WHOLE = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def _ascii_digits(text: str) -> str:
    """Only 0-9 count: "²", "፩" or "٣" make the text not a number.  (The interview
    normalises answers first, so a full-width １ typed there is already 1.)"""
    return text.strip()


def whole_number(text: str, max_digits: int = MAX_DIGITS) -> int | None:
    """A non-negative integer written with digits 0-9 (at most `max_digits`), or None."""
    if not isinstance(text, str):
        return None
    digits = _ascii_digits(text)
    if len(digits) > max_digits or not _WHOLE.fullmatch(digits):
        return None
    return int(digits)


def decimal_number(text: str, max_digits: int = MAX_DIGITS) -> float | None:
    """A non-negative decimal such as 12 or 12.5 (at most `max_digits` digits), or None."""
    if not isinstance(text, str):
        return None
    digits = _ascii_digits(text)
    if len(digits) > max_digits + 1 or not _DECIMAL.fullmatch(digits):
        return None
    value = float(digits)
    return value if math.isfinite(value) else None


def choice_number(text: str, count: int) -> int | None:
    """The 1-based position in a list of `count` items that `text` names, or None."""
    number = whole_number(text)
    return number if number is not None and 1 <= number <= count else None
