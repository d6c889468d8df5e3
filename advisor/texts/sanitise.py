"""The one sanitiser for text that reaches a terminal.

Text from a person or a file (labels, file names, --set paths, why-not targets, recorded
traces, interview answers) may carry characters that move the cursor, rewrite the
screen, set the window title or the clipboard (ESC, CSI, OSC 52), reorder the line (bidi
overrides, U+061C), or hide themselves (zero-width and invisible characters: U+FEFF,
U+2060–2064, U+180E, U+00AD, U+FFF9–FFFB, tags U+E0000–E007F).  They are all control
(Cc), format (Cf), surrogate (Cs) or line/paragraph separator (Zl, Zp) characters, or
unassigned tag code points.

Two uses, one character policy (`hidden`):
- `clean(text)`: removes them (a person's own words, e.g. a debt label, shown as text);
- `visible(text)`: turns them into escapes such as \\x1b or \\u202e (input quoted back
  in an error message, a file name): the reader sees exactly what was there.

The zero-width (non-)joiners U+200C/U+200D stay: they join emoji sequences (👨‍👩‍👧) and
letters in some scripts, and reorder nothing.  This module imports nothing of the
project, so the fact models can use it too.
"""

from __future__ import annotations

import unicodedata
from typing import Any

HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
JOINERS = frozenset("\u200c\u200d")
TAGS = range(0xE0000, 0xE0080)  # language tags and the unassigned code points around them
# `visible` also escapes private-use and unassigned characters: a terminal cannot show them
# faithfully, and quoted-back input must be exactly readable.
UNSHOWABLE_CATEGORIES = frozenset({"Co", "Cn"})


def hidden(char: str) -> bool:
    """Whether `char` may change the terminal or hide itself (see the module docstring)."""
    if char in JOINERS:
        return False
    return unicodedata.category(char) in HIDDEN_CATEGORIES or ord(char) in TAGS


def _plain(text: str) -> bool:
    return text.isascii() and text.isprintable()


def clean(text: str) -> str:
    """`text` without hidden characters; a lone surrogate becomes U+FFFD."""
    if _plain(text):
        return text
    kept = []
    for char in text:
        if unicodedata.category(char) == "Cs":
            kept.append("\ufffd")
        elif not hidden(char):
            kept.append(char)
    return "".join(kept)


def escape(char: str) -> str:
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def visible(text: str) -> str:
    """`text` with every hidden, private-use or unassigned character as a visible escape
    (\\x1b, \\u202e, \\U000e0041).  Joiners are escaped too: quoted input is exact."""
    if _plain(text):
        return text
    out = []
    for char in text:
        if hidden(char) or char in JOINERS or unicodedata.category(char) in UNSHOWABLE_CATEGORIES:
            out.append(escape(char))
        else:
            out.append(char)
    return "".join(out)


def shown(value: object, limit: int = 200) -> str:
    """Any value from outside (a file name, a recorded field) as one visible line of at
    most `limit` characters."""
    text = value if isinstance(value, str) else repr(value)
    text = visible(text)
    return text if len(text) <= limit else text[:limit] + "…"


def visible_tree(value: Any) -> Any:
    """`value` (JSON-like: dicts, lists, strings, numbers) with every string, keys
    included, passed through `visible`."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {visible_tree(key): visible_tree(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [visible_tree(item) for item in value]
    return value


def json_visible(text: str) -> str:
    """JSON text (as json.dumps writes it, ensure_ascii=False) with every hidden
    character written as a \\uXXXX escape: the same data for a JSON reader, nothing live
    for a terminal.  Outside strings json.dumps writes only ASCII, so every hidden
    character is inside a string, where the escape is valid."""
    if text.isascii():
        return text
    out = []
    for char in text:
        if hidden(char) and not char.isascii():
            code = ord(char)
            if code > 0xFFFF:
                code -= 0x10000
                out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
            else:
                out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)
