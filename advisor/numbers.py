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


# --- numbers written in Chinese ------------------------------------------------------------

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1_000}
_SECTIONS = {"万": 10_000, "亿": 100_000_000}
MAX_CHINESE_CHARS = 24  # 九千九百九十九亿… is far beyond any amount the advisor takes
# A run of Chinese numerals (ASCII digits may stand for a digit: 1万2).  Only runs with a
# Chinese digit or 十/百 are read, so "5万" and "1.5千" stay for the amount parser's own
# multipliers.  (One class, no backtracking: linear in the answer's length.)
_NUMERAL_RUN = re.compile(r"[0-9零〇一二两三四五六七八九十百千万亿]+")
_CHINESE_DIGIT = re.compile(r"[零〇一二两三四五六七八九十百]")


def chinese_number(text: str) -> int | None:
    """The value of a whole number written in Chinese numerals, as people say them:
    四十 40, 十五 15, 一百零八 108, 两千五百 2500, 一万二千 12000; the spoken
    abbreviations 一万二 (12000), 两千五 (2500) and 三百五 (350); a single ASCII digit
    may stand for a digit (1万2).  None when `text` is not such a number (一二, 十十)."""
    if not isinstance(text, str) or not text or len(text) > MAX_CHINESE_CHARS:
        return None
    if all(char in "零〇" for char in text):
        return 0 if len(text) == 1 else None
    total = section = 0
    digit: int | None = None
    last_unit = 0  # the unit just written within the section (两千五 = 2500)
    section_unit = 0  # the section word just written (一万二 = 12000)
    after_zero = False  # 一百零八: the digit after 零 is ones, not an abbreviation
    wan_used = False  # one 万 per 亿
    for char in text:
        if char in "零〇":
            if digit is not None or after_zero:
                return None  # 一零, 零零
            after_zero = True
        elif char in _DIGITS or char in "0123456789":
            if digit is not None:
                return None  # two digits in a row: 一二 is not a number
            digit = _DIGITS[char] if char in _DIGITS else int(char)
        elif char in _UNITS:
            unit = _UNITS[char]
            if last_unit and unit >= last_unit:
                return None  # 十十, 百千: units only fall within a section
            if digit is None and (section or total):
                return None  # 一百十 is written 一百一十
            section += (1 if digit is None else digit) * unit
            digit, last_unit, section_unit, after_zero = None, unit, 0, False
        elif char in _SECTIONS:
            value = _SECTIONS[char]
            section += digit or 0
            if section == 0 or (value == 10_000 and wan_used):
                return None  # 万 alone, 一万一万
            if value == 10_000:
                total, wan_used = total + section * value, True
            else:
                total, wan_used = (total + section) * value, False
            section, digit, last_unit, section_unit, after_zero = 0, None, 0, value, False
        else:
            return None
    if digit is not None:
        if after_zero or not (last_unit or section_unit) or last_unit == 10:
            section += digit  # 一百零八, 五, 四十五
        elif last_unit:
            section += digit * last_unit // 10  # 两千五 = 2500, 三百五 = 350
        else:
            section += digit * section_unit // 10  # 一万二 = 12000
    elif after_zero:
        return None  # a trailing 零: 一百零
    return total + section


def with_arabic_numerals(text: str) -> str:
    """`text` with every number written in Chinese numerals replaced by its digits
    ("四十天" → "40天", "一万二" → "12000"); anything else unchanged."""

    def digits(match: re.Match[str]) -> str:
        run = match.group(0)
        value = chinese_number(run) if _CHINESE_DIGIT.search(run) else None
        return run if value is None else str(value)

    return _NUMERAL_RUN.sub(digits, text)
