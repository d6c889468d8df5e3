"""Where a person can check a cited passage: the document's title in their language, and
for evidence pages the section, the page's address and what kind of page it is.

The addresses come from the generated index source_notes.toml (tools/source_notes_index.py
derives it from the documents); the titles are texts, in the catalogs (`[sources]`)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from advisor.texts.catalog import catalog

INDEX = Path(__file__).with_name("source_notes.toml")

Kind = Literal["article", "statute", "advice", "page", "summary"]


@dataclass(frozen=True)
class SourceNote:
    document: str
    locator: str
    title: str
    """The document's title: an article's own title, or what the evidence file is."""
    kind: Kind
    """article: one of the five source articles; statute: a law's text; advice: an advice
    page; page: another public page (news, official); summary: the evidence file's own words."""
    kind_label: str
    section: str | None = None
    """The evidence file's section the passage stands in (e.g. "L1. 《征信业管理条例》第二十五条…")."""
    address: str | None = None
    """The page's (or article's) address, when known."""
    statute: str | None = None
    """The statute's name, for a passage of a law's text."""


@cache
def _index() -> tuple[MappingProxyType, MappingProxyType]:
    with INDEX.open("rb") as handle:
        data = tomllib.load(handle)
    passages = {(entry["document"], entry["locator"]): MappingProxyType(entry) for entry in data.get("passages", [])}
    return MappingProxyType(data.get("articles", {})), MappingProxyType(passages)


@cache
def source_note(document: str, locator: str, lang: str = "zh") -> SourceNote:
    """The note for one citation. A passage the index lacks (a new citation before the index
    is regenerated; a test catches that) still gets its document's title."""
    text = catalog(lang)
    articles, passages = _index()
    title = text.lookup("sources", "titles", document)
    entry = passages.get((document, locator))
    if entry is None:
        kind: Kind = "summary" if document.endswith(".md") else "article"
        return SourceNote(
            document, locator, title, kind, text.lookup("sources", "kinds", kind), address=articles.get(document)
        )
    kind = entry["kind"]
    return SourceNote(
        document,
        locator,
        title,
        kind,
        text.lookup("sources", "kinds", kind),
        section=entry.get("section"),
        address=entry.get("address"),
        statute=entry.get("statute"),
    )
