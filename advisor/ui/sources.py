"""Sources a person can check: each quote shown with a key, and a sources section that
explains every key shown (the document's title, and where the page can be read).

Keys: a source article keeps its number (`[003]`); a passage of the evidence files
quoting a public page gets the page's own key (`[E1]`, `[E2]`, … in order of first
appearance in the report), since that page is what a reader can open; the evidence
files' own notes keep the file's key (`[evidence]`).  The quotes are the shown passages
(advisor.texts.quotes): cleaned of page debris, never ending inside a word; in the
Chinese report a passage written in English carries a marker.  A passage a rule cites
as a conflict is shown as a conflict only, never also as support.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.console import Group
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from advisor.models import Source
from advisor.texts.catalog import catalog
from advisor.texts.quotes import is_english, shown
from advisor.texts.source_notes import SourceNote, source_note
from advisor.ui.prose import Prose

MAX_QUOTES_SHOWN = 3


def short_document(document: str) -> str:
    """ "003_d99dc14840eb8d50.txt" → "003", "evidence.md" → "evidence"."""
    return document.split("_", 1)[0] if document[:3].isdigit() else document.rsplit(".", 1)[0]


@dataclass(frozen=True)
class Entry:
    key: str
    note: SourceNote


def supporting(sources: Iterable[Source], conflicts: Iterable[Source]) -> list[Source]:
    """`sources` without the passages also cited as conflicts (shown there only)."""
    against = {(c.document, c.locator) for c in conflicts}
    return [s for s in sources if (s.document, s.locator) not in against]


class SourceKeys:
    """The keys of the sources one report shows, collected as the report is drawn."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.text = catalog(lang)
        self.entries: dict[str, Entry] = {}
        self._page_keys: dict[str, str] = {}

    def key(self, source: Source) -> str:
        note = source_note(source.document, source.locator, self.lang)
        if note.kind == "article" or note.address is None:
            key = short_document(source.document)
        else:
            key = self._page_keys.setdefault(note.address, f"E{len(self._page_keys) + 1}")
        if key not in self.entries:
            self.entries[key] = Entry(key, note)
        return key

    def quote(self, source: Source) -> Text:
        """«the shown passage»[key], marked when it is English in a Chinese report."""
        passage = shown(source.document, source.locator)
        line = Text()
        if self.lang == "zh" and is_english(passage):
            line.append(self.text.ui("sources_english"))
        line.append(self.text.ui("sources_quote", passage=passage))
        line.append(f"[{self.key(source)}]")
        return line

    def described(self, source: Source) -> Text:
        """«the shown passage»[key] — the document's title or the page's kind · address."""
        line = self.quote(source)
        line.append(self.text.ui("sources_dash"))
        line.append_text(self._describe(self.entries[self.key(source)]))
        return line

    def quotes_line(self, label: str, sources: Sequence[Source], limit: int | None = MAX_QUOTES_SHOWN) -> Prose:
        """The first quotes (those of the strongest reasons come first), then a count."""
        shown_here = list(sources) if limit is None else list(sources)[:limit]
        line = Text(label, style="dim")
        separator = self.text.ui("sources_separator")
        for index, source in enumerate(shown_here):
            if index:
                line.append(separator, style="dim")
            quote = self.quote(source)
            quote.stylize("dim")
            line.append_text(quote)
        if len(sources) > len(shown_here):
            line.append(self.text.ui("sources_more", n=len(sources) - len(shown_here)), style="dim")
        return Prose(line)

    def section(self) -> Group:
        """Every key shown, explained: articles, then pages, then the evidence files."""
        parts: list = [Rule(Text(self.text.ui("sources_title"), style="bold"), align="left")]
        # Short keys in a column (a hanging indent); the evidence files' long keys below it.
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, style="bold")
        grid.add_column(ratio=1)
        for entry in sorted(self.entries.values(), key=_order):
            if len(entry.key) <= 4:
                grid.add_row(Text(f"[{entry.key}]"), Prose(self._describe(entry), whole=self.whole_phrases))
            else:
                line = Text(f"[{entry.key}] ", style="bold").append_text(self._describe(entry))
                parts.append(Prose(line, whole=self.whole_phrases))
        parts.insert(1, grid)
        return Group(*parts)

    @property
    def whole_phrases(self) -> tuple[str, ...]:
        """Phrases a line never breaks inside."""
        return tuple(self.text.ui(f"sources_no_address_{kind}") for kind in ("article", "notes"))

    def _describe(self, entry: Entry) -> Text:
        note = entry.note
        line = Text()
        if note.kind == "article" or note.address is None:
            line.append(note.title)
        else:
            line.append(note.kind_label)
            if note.statute:
                line.append(self.text.ui("sources_statute", statute=note.statute))
        line.append(self.text.ui("sources_dot"))
        if note.address:
            line.append(note.address, style="underline")
        else:
            line.append(self.text.ui(f"sources_no_address_{'article' if note.kind == 'article' else 'notes'}"))
        return line


def _order(entry: Entry) -> tuple[int, int, str]:
    if entry.key[:1] == "E" and entry.key[1:].isdigit():
        return (1, int(entry.key[1:]), "")
    return (0 if entry.key[:1].isdigit() else 2, 0, entry.key)
