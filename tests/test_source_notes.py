"""Where a person can check each cited passage: the index is derived from the sources and
fresh, every citation has its note, every document its title in both languages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from advisor.texts.catalog import LANGUAGES
from advisor.texts.source_notes import source_note
from credit_advisor.rules.registry import DOCUMENTS

TOOL = Path(__file__).resolve().parent.parent / "tools" / "source_notes_index.py"


def test_the_index_is_derived_from_the_sources_and_fresh():
    done = subprocess.run(
        [sys.executable, str(TOOL), "--check"], check=False, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


def _citations():
    from advisor.api import rules_by_id

    for meta in rules_by_id().values():
        yield from meta.sources


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_document_has_a_title_and_every_citation_a_kind(lang):
    for document in DOCUMENTS.values():
        assert source_note(document, "", lang).title
    for citation in _citations():
        note = source_note(citation.document, citation.locator, lang)
        assert note.title and note.kind_label
        if citation.document.endswith(".md"):
            assert note.section, citation  # an evidence passage names its section
        else:
            assert note.kind == "article"


def test_an_evidence_quote_of_a_page_carries_that_pages_address():
    note = source_note("evidence.md", "微粒贷的运营主体是深圳前海微众银行")
    assert note.kind == "page" and note.address == "https://bnulight.com/licai/16469.html"
    assert note.section.startswith("1. Who operates Weilidai")


def test_a_statute_quote_names_its_statute_and_a_same_file_line_inherits_the_address():
    note = source_note("evidence-law.md", "向人民法院请求保护民事权利的诉讼时效期间为三年。")
    assert note.kind == "statute" and note.statute == "民法典·总则"
    assert note.address.endswith("/民法典/总则.md")


def test_an_article_has_its_own_address_where_one_was_found_and_none_where_not():
    assert source_note("003_d99dc14840eb8d50.txt", "x").address == "https://www.hefeilaws.com/hf/1099374.html"
    assert source_note("001_b7d584443c2fbc2a.txt", "x").address is None
    assert source_note("001_b7d584443c2fbc2a.txt", "x", "en").kind_label == "web article"
