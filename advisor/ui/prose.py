"""Line breaking for Chinese, English and mixed text on a terminal.

rich wraps at spaces only: a Chinese paragraph is one long "word" that it folds at
the column edge, so a line can start with "，" or "。", a number such as 12378 or a date
is cut in two, and a short marker before the paragraph ("!!", "•") is left alone on its
line.  `Prose` breaks where a reader expects: at spaces, and between two characters
when either is wide (CJK), but never before closing punctuation nor after opening
punctuation (the kinsoku rule), and never inside a run of narrow characters (an English
word, "0.05%", "2026-11-30").  Only a run longer than the whole line is folded.

`Prose` is a rich renderable: it wraps at the width its container gives it (a panel, a
table cell), so the same text fits 60, 80 and 100 columns, and styles are kept.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

# Never at the start of a line: closing brackets and quotes, and the marks that end a
# clause or a sentence (full-width and half-width), the ellipsis, percent.
NO_LINE_START = frozenset("，。、；：！？）》」』】〕〉”’…·%,.;:!?)]}»")
# Never at the end of a line: opening brackets and quotes.
NO_LINE_END = frozenset("（《「『【〔〈“‘([{«")


def wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def may_break_before(text: str, index: int) -> bool:
    """Whether a line may start at `text[index]` (0 < index < len(text))."""
    before, char = text[index - 1], text[index]
    if char.isspace():
        return False  # break after the spaces, which the line end then drops
    if char in NO_LINE_START or before in NO_LINE_END:
        return False
    if before.isspace():
        # "显示 5 年": a number and its unit stay on one line.
        rest = text[:index].rstrip()
        # "— 很可能": a dash stays with the words after it.
        if rest and rest[-1] in "—–":
            return False
        return not (wide(char) and rest and rest[-1].isalnum() and not wide(rest[-1]))
    return wide(before) or wide(char)


def in_address_path(text: str, index: int) -> bool:
    """Whether a long web address may break before `text[index]`: after a slash of its
    path (never inside the host, never elsewhere in it)."""
    if text[index - 1] != "/" or not text[index].isalnum():
        return False
    scheme = text.rfind("://", 0, index)
    if scheme < 0 or any(c.isspace() for c in text[scheme:index]):
        return False
    host_end = text.find("/", scheme + 3)
    return 0 <= host_end < index - 1 or host_end == index - 1


def break_offsets(text: str, width: int, kept: frozenset[int] = frozenset()) -> list[int]:
    """Where to break one paragraph (no newlines) so that each line fits `width` cells
    (trailing spaces excepted), greedily.  A web address breaks at a slash only when it
    does not fit a line of its own; a run with no break point in a whole line is folded,
    moving back past closing punctuation so that no line starts with it."""
    width = max(width, 1)
    offsets: list[int] = []
    line_start, cells, last_break, last_slash = 0, 0, -1, -1
    for index, char in enumerate(text):
        if index in kept:
            pass
        elif index > line_start and may_break_before(text, index):
            last_break = index
        elif index > line_start and in_address_path(text, index):
            last_slash = index
        char_cells = cell_len(char)
        if cells + char_cells > width and not char.isspace() and index > line_start:
            if last_break > line_start:
                cut = last_break
            elif last_slash > line_start:
                cut = last_slash
            else:
                cut = index
                while cut - 1 > line_start and (text[cut] in NO_LINE_START or text[cut - 1] in NO_LINE_END):
                    cut -= 1
            offsets.append(cut)
            line_start, last_break, last_slash = cut, -1, -1
            cells = cell_len(text[cut:index])
        cells += char_cells
    return offsets


def kept_together(text: str, whole: Iterable[str]) -> frozenset[int]:
    """The offsets inside an occurrence of one of the `whole` phrases (no break there)."""
    kept: set[int] = set()
    for phrase in whole:
        start = text.find(phrase) if phrase else -1
        while start >= 0:
            kept.update(range(start + 1, start + len(phrase)))
            start = text.find(phrase, start + len(phrase))
    return frozenset(kept)


def wrap(text: Text, width: int, whole: Iterable[str] = ()) -> list[Text]:
    """`text` as lines of at most `width` cells, styles kept, line ends without spaces;
    no line breaks inside one of the `whole` phrases (e.g. a likelihood, 很可能)."""
    lines: list[Text] = []
    for paragraph in text.split("\n", allow_blank=True):
        kept = kept_together(paragraph.plain, whole)
        for line in paragraph.divide(break_offsets(paragraph.plain, width, kept)):
            line.rstrip()
            line.end = "\n"
            line.no_wrap = True
            lines.append(line)
    return lines


def _runs(text: str) -> Iterable[str]:
    """The unbreakable runs of `text` (the narrowest a column can be)."""
    start = 0
    for index in range(1, len(text)):
        if text[index - 1] == "\n" or may_break_before(text, index):
            yield text[start:index]
            start = index
    yield text[start:]


class Prose:
    """A paragraph (or several, separated by newlines) wrapped for people, not at the
    column edge: see the module docstring."""

    def __init__(self, text: Text | str, style: str = "", whole: Iterable[str] = ()) -> None:
        self.text = text if isinstance(text, Text) else Text(text, style=style)
        self.whole = tuple(whole)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from wrap(self.text, options.max_width, self.whole)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        plain = self.text.plain
        narrowest = max((cell_len(run.strip()) for run in _runs(plain)), default=0)
        widest = max((cell_len(line) for line in plain.split("\n")), default=0)
        return Measurement(narrowest, widest).with_maximum(options.max_width)


def prose(text: Text | str, style: str = "", whole: Iterable[str] = ()) -> Prose:
    return Prose(text, style, whole)


def hanging(mark: Text | str, body: Text | str, indent: int = 0, whole: Iterable[str] = ()):
    """`mark` (after `indent` spaces) with `body` beside it: wrapped lines of the body stay
    right of the mark (a hanging indent, also for Chinese, which has no spaces)."""
    from rich.table import Table

    grid = Table.grid(padding=(0, 1) if str(mark) else 0)
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    shown_mark = Text(" " * indent) + (mark if isinstance(mark, Text) else Text(mark))
    grid.add_row(shown_mark, Prose(body, whole=whole))
    return grid
