"""Traditional Chinese (`zh-Hant`) texts, derived from the Simplified catalogs when first asked for.

The Simplified catalogs (catalogs/zh/*.toml) are the only ones written by hand: a text
added there is in zh-Hant too, without a second copy to keep in step.  The conversion is
OpenCC's (the `opencc` package on PyPI, the project's own Python binding), with its
`s2tw` configuration: Taiwan-standard characters (裡, 著, 臺) and no change of vocabulary.
The phrase configurations (`s2twp`, `s2hkp`) would also swap words — 信息→資訊,
短信→簡訊, 网络→網路 — which would rename the mainland statutes and products the advice
is about (《个人信息保护法》 is 《個人信息保護法》, never 《個人資訊保護法》).

Where character conversion is wrong, a short reviewed list of phrases decides
(catalogs/zh-Hant/overrides.toml, Simplified phrase = Traditional phrase): such a phrase
is written as the list says and OpenCC converts what lies between.  Placeholders —
`{name}`, `{{`/`}}` and `$(parameter|format)` — are never converted: they are code.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

OVERRIDES_FILE = Path(__file__).with_name("catalogs") / "zh-Hant" / "overrides.toml"
OPENCC_CONFIG = "s2tw"

# What is code in a text, in the order tried: a parameter placeholder, an escaped brace,
# a format field.
_CODE = re.compile(r"\$\([^()]*\)|\{\{|\}\}|\{[^{}]*\}")


class ConversionUnavailable(RuntimeError):
    """The OpenCC package is missing: Traditional Chinese cannot be given."""


@cache
def overrides() -> dict[str, str]:
    """The reviewed phrases: Simplified → Traditional, longest first (a longer phrase wins)."""
    with open(OVERRIDES_FILE, "rb") as handle:
        table = tomllib.load(handle)["phrases"]
    return dict(sorted(table.items(), key=lambda item: (-len(item[0]), item[0])))


@cache
def _overrides_pattern() -> re.Pattern[str]:
    # An empty list matches nothing (an empty alternation would match everywhere).
    return re.compile("|".join(re.escape(phrase) for phrase in overrides()) or r"(?!)")


@cache
def _converter() -> Any:
    try:
        import opencc
    except ImportError as error:  # pragma: no cover - opencc is a dependency
        raise ConversionUnavailable("zh-Hant needs the `opencc` package (pip install opencc)") from error
    return opencc.OpenCC(OPENCC_CONFIG)


def _prose(text: str) -> str:
    """Text without code in it: the reviewed phrases as listed, OpenCC in between."""
    convert = _converter().convert
    pieces, start = [], 0
    for found in _overrides_pattern().finditer(text):
        pieces.append(convert(text[start : found.start()]))
        pieces.append(overrides()[found.group()])
        start = found.end()
    pieces.append(convert(text[start:]))
    return "".join(pieces)


def to_traditional(text: str) -> str:
    """One Simplified text in Traditional characters, its placeholders untouched."""
    if text.isascii():
        return text
    pieces, start = [], 0
    for found in _CODE.finditer(text):
        pieces.append(_prose(text[start : found.start()]))
        pieces.append(found.group())
        start = found.end()
    pieces.append(_prose(text[start:]))
    return "".join(pieces)


def traditional_data(node: Any) -> Any:
    """A catalog's tables with every text converted (keys are codes, never converted)."""
    if type(node) is dict:
        return {key: traditional_data(value) for key, value in node.items()}
    if type(node) is list:
        return [traditional_data(item) for item in node]
    if type(node) is str:
        return to_traditional(node)
    return node
