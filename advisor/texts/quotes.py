"""How a cited source passage is shown to a person.

A rule cites a passage by a locator: a phrase of at most 40 characters found verbatim in
the source document (the citation test checks it there).  The verbatim phrase is not
always fit to show: source 004's page carries pinyin debris (`導(dǎo)致` for 導致), the
evidence notes carry markdown (`**`), and a 40-character limit can end a phrase inside
a word (`…或法律咨` of 咨詢).  `shown_passage` gives what the report shows instead: the
phrase widened to the end of its word or clause in the document, with the debris and
the markdown removed.  The report never needs the documents: the shown passages of
every citation are generated once into `quotes_shown.py` (`python -m
advisor.texts.quotes SOURCES_DIR` rewrites it; a test checks it against the sources).

`is_english` tells a passage written in English (the evidence notes quote some pages in
English): the Chinese report marks such a quote as English rather than mixing it into
Chinese text unannounced.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

# A syllable in parentheses right after a Chinese character: 導(dǎo)致, 網(wǎng)貸.
PINYIN_DEBRIS = re.compile(r"(?<=[\u3400-\u9fff])\([a-zü\u00c0-\u024f\u0300-\u036f]{1,8}\)")
# Where a clause starts or ends: Chinese and Western punctuation, quotes, brackets.
CLAUSE_MARKS = frozenset('，。；：！？、,.;:!?“”"「」『』（）()《》[]—…')
# How far a passage may be widened to reach the end of its word: an English word, or a
# Chinese clause that ends within a few characters (Chinese has no spaces, so the end of
# a word shows only at a clause mark; a clause that goes on longer is left as cited).
MAX_WIDEN_WORD = 24
MAX_WIDEN_CHINESE = 6
ELLIPSIS = "…"


def without_debris(text: str) -> str:
    """`text` without the pinyin debris and markdown emphasis of the source pages."""
    return PINYIN_DEBRIS.sub("", text).replace("**", "")


def _cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def _word_char(char: str) -> bool:
    return char.isalnum() or char in "%-'’"


def _boundary(before: str, after: str) -> bool:
    """Whether a quote may end between `before` and `after` without cutting a word: at
    a space or a punctuation mark, never between two letters or digits, and in Chinese
    (which has no spaces) only at a clause mark."""
    if before.isspace() or after.isspace() or before in CLAUSE_MARKS or after in CLAUSE_MARKS:
        return True
    if _cjk(before) or _cjk(after):
        return False
    return not (_word_char(before) and _word_char(after))


def _widen_end(text: str, end: int) -> tuple[int, bool]:
    """The end moved forward to a word's end, and whether the passage now ends at one.
    A Chinese clause going on past MAX_WIDEN_CHINESE is taken to end at a word (it
    cannot be told); an English word never is."""
    if end >= len(text) or _boundary(text[end - 1], text[end]):
        return end, True
    chinese = _cjk(text[end - 1]) or _cjk(text[end])
    allowed = MAX_WIDEN_CHINESE if chinese else MAX_WIDEN_WORD
    limit = end
    while limit < len(text) and not _boundary(text[limit - 1], text[limit]):
        if limit - end >= allowed:
            return end, chinese
        limit += 1
    return limit, True


def _widen_start(text: str, start: int) -> tuple[int, bool]:
    """The start moved back to the start of an English word (a Chinese passage starts
    where it was cited: the start of a word cannot be told there)."""
    if start == 0 or _boundary(text[start - 1], text[start]) or _cjk(text[start - 1]) or _cjk(text[start]):
        return start, True
    limit = start
    while limit > 0 and not _boundary(text[limit - 1], text[limit]):
        if start - limit >= MAX_WIDEN_WORD:
            return start, False
        limit -= 1
    return limit, True


def shown_passage(document: str, locator: str) -> str:
    """The passage `locator` of `document` (the document's text) as a person sees it."""
    # Widened in the cleaned text: the debris is no word and no boundary.
    document, locator = without_debris(document), without_debris(locator)
    start = document.find(locator)
    if start < 0:
        return locator.strip()
    new_start, start_whole = _widen_start(document, start)
    new_end, end_whole = _widen_end(document, start + len(locator))
    passage = without_debris(document[new_start:new_end]).strip()
    passage = " ".join(passage.split())  # a line break inside the widened passage
    return (ELLIPSIS if not start_whole else "") + passage + (ELLIPSIS if not end_whole else "")


def is_english(passage: str) -> bool:
    """Whether `passage` is written in English (letters outnumber Chinese characters)."""
    letters = sum(1 for c in passage if c.isascii() and c.isalpha())
    chinese = sum(1 for c in passage if _cjk(c))
    return letters >= 4 and letters > 2 * chinese


def shown(document: str, locator: str) -> str:
    """The shown passage of a citation (`document` is its file name), from the generated
    index; a citation missing there (a rule added since) is shown cleaned, unwidened."""
    from advisor.texts.quotes_shown import SHOWN

    return SHOWN.get(document, {}).get(locator) or without_debris(locator)


# --- the generated index ------------------------------------------------------------------------


def citations() -> list[tuple[str, str]]:
    """Every (document, locator) the rules and the parameters cite, sorted."""
    from advisor.api import rules_by_id
    from credit_advisor.facts.parameters import all_parameters

    found: set[tuple[str, str]] = set()
    for meta in rules_by_id().values():
        found.update((c.document, c.locator) for c in meta.sources)
        for cited in meta.conflicts.values():
            found.update((c.document, c.locator) for c in cited)
    for parameter in all_parameters().values():
        found.update((r.document, r.locator) for r in parameter.references)
    return sorted(found)


def index_from(sources: Path) -> dict[str, dict[str, str]]:
    """The shown passage of every citation whose document is in `sources`."""
    index: dict[str, dict[str, str]] = {}
    texts: dict[str, str] = {}
    for document, locator in citations():
        path = sources / document
        if document not in texts:
            texts[document] = path.read_text(encoding="utf-8") if path.is_file() else ""
        index.setdefault(document, {})[locator] = shown_passage(texts[document], locator)
    return index


def module_text(index: dict[str, dict[str, str]]) -> str:
    lines = [
        '"""The shown passage of every citation: generated by `python -m advisor.texts.quotes',
        'SOURCES_DIR` from the source documents (see advisor.texts.quotes); do not edit."""',
        "",
        "SHOWN: dict[str, dict[str, str]] = {",
    ]
    for document, passages in sorted(index.items()):
        lines.append(f"    {document!r}: {{")
        lines += [f"        {locator!r}: {passage!r}," for locator, passage in sorted(passages.items())]
        lines.append("    },")
    lines.append("}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover - the generator, run by hand
    target = Path(__file__).with_name("quotes_shown.py")
    target.write_text(module_text(index_from(Path(sys.argv[1]))), encoding="utf-8")
    print(f"wrote {target}")
