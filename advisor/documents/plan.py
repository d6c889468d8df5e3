"""The printable action plan: one self-contained HTML page made from an Advice — the
overview, the steps in order with their reasons and the numbers to call, what to
watch, what is safe, the timeline, the sources with their titles and addresses, the
day of the advice and the disclaimer.  It only arranges what the Advice says."""

from __future__ import annotations

import re
from collections.abc import Iterable

from advisor.analysis.timeline import entry_parts
from advisor.documents.html_page import esc, page
from advisor.models import Advice, Effect, Source
from advisor.texts.audit_text import debt_name
from advisor.texts.catalog import Catalog, catalog
from advisor.texts.quotes import is_english, shown
from advisor.texts.source_notes import source_note
from credit_advisor.facts.enums import HARMLESS_CODES, Likelihood, Topic

# A service number inside a step's text (12378, 110, 95188, 400-810-8866): the numbers
# live once, in the catalog's action texts; the page only picks them out to show them
# large.  Counts and amounts (90天, 3个月, 10,000 yuan) are not numbers to call.
PHONE = re.compile(
    r"(?<![\d.,])(\d{3}-\d{3}-\d{4}|1\d\d|\d{5})(?![\d.,]*\d)(?!\s*(?:天|元|个月|月|年|次|%|days?|yuan|months?|years?))"
)
# Harm worth a line under "what to watch" from this likelihood up (weaker stays in the report).
WATCH_FROM = Likelihood.possible


def numbers_to_call(text: str) -> list[str]:
    """The service numbers a step's text names, in order, each once."""
    return list(dict.fromkeys(found.group(1) for found in PHONE.finditer(text)))


def _headline(words: str) -> str:
    """A name used inside sentences ("repay the overdue debts") as a line of its own."""
    return words[:1].upper() + words[1:]


def _t(text: Catalog, key: str, **values: object) -> str:
    return text.text("documents", "plan", key, **values)


class _Sources:
    """The sources the page cites, numbered in order of first use."""

    def __init__(self) -> None:
        self.numbers: dict[tuple[str, str], int] = {}

    def refs(self, sources: Iterable[Source]) -> list[int]:
        found = []
        for source in sources:
            key = (source.document, source.locator)
            if key not in self.numbers:
                self.numbers[key] = len(self.numbers) + 1
            found.append(self.numbers[key])
        return list(dict.fromkeys(found))


def _refs_html(label: str, numbers: list[int]) -> str:
    if not numbers:
        return ""
    links = " ".join(f'<a href="#source-{n}">[{n}]</a>' for n in numbers)
    return f'<p class="refs">{esc(label)}{links}</p>'


def _debts(advice: Advice, debts: list[int], text: Catalog) -> str:
    return text.text("documents", "list_join").join(debt_name(advice.debt_labels, i) for i in debts)


def _overview(advice: Advice, text: Catalog) -> str:
    items = []
    for item in advice.overview:
        tag = _t(text, f"kind_{item.kind}")
        items.append(
            f'<li class="{esc(item.kind)}"><span class="tag">{esc(tag)}</span>{esc(_headline(item.text))}</li>'
        )
    return f'<section id="overview"><h2>{esc(_t(text, "overview"))}</h2><ul class="overview">{"".join(items)}</ul></section>'


def _steps(advice: Advice, text: Catalog, sources: _Sources) -> str:
    if not advice.actions:
        return f'<section id="steps"><h2>{esc(_t(text, "steps"))}</h2><p>{esc(_t(text, "no_steps"))}</p></section>'
    rows = []
    for action in advice.actions:
        name = text.lookup("interview", "action_names", action.code)
        parts = [f"<h3>{esc(_headline(name))}</h3>", f"<p>{esc(action.text)}</p>"]
        if action.because:
            parts.append(f'<p class="because"><strong>{esc(_t(text, "because"))}</strong>{esc(action.because)}</p>')
        if action.debts:
            parts.append(
                f'<p class="concerns">{esc(_t(text, "concerns"))}{esc(_debts(advice, action.debts, text))}</p>'
            )
        numbers = numbers_to_call(action.text)
        if numbers:
            links = "".join(f'<a href="tel:{esc(n)}">{esc(n)}</a>' for n in numbers)
            parts.append(f'<p class="call">{esc(_t(text, "call"))}{links}</p>')
        parts.append(_refs_html(_t(text, "step_sources"), sources.refs(action.sources)))
        rows.append(
            f'<li id="step-{action.priority}"><div class="num">{action.priority}</div>'
            f'<div class="step">{"".join(parts)}</div></li>'
        )
    return f'<section id="steps"><h2>{esc(_t(text, "steps"))}</h2><ol class="steps">{"".join(rows)}</ol></section>'


def _effects(advice: Advice, text: Catalog, sources: _Sources, harmless: bool) -> list[str]:
    rows = []
    for topic in Topic:
        block = advice.topics.get(topic.value)
        if block is None:
            continue
        for effect in block.effects:
            if (effect.code in HARMLESS_CODES[topic]) != harmless:
                continue
            if not harmless and not effect.likelihood.at_least(WATCH_FROM):
                continue
            rows.append(_effect_row(advice, effect, text, sources, "calm" if harmless else _level(effect)))
    return rows


def _level(effect: Effect) -> str:
    return "serious" if effect.likelihood.at_least(Likelihood.likely) else "watch"


def _effect_row(advice: Advice, effect: Effect, text: Catalog, sources: _Sources, level: str) -> str:
    head = text.ui("summary", effect=effect.label, likelihood=text.likelihood(effect.likelihood.value))
    detail = [f"<p>{esc(effect.explanation)}</p>"]
    if effect.debts:
        detail.append(f'<p class="concerns">{esc(_t(text, "concerns"))}{esc(_debts(advice, effect.debts, text))}</p>')
    detail.append(_refs_html(_t(text, "step_sources"), sources.refs(effect.sources)))
    level_class = "calm-text" if level == "calm" else level
    return f'<dt class="{level_class}">{esc(head)}</dt><dd>{"".join(detail)}</dd>'


def _section_of_effects(key: str, empty: str, rows: list[str], text: Catalog) -> str:
    body = f'<dl class="effects">{"".join(rows)}</dl>' if rows else f"<p>{esc(_t(text, empty))}</p>"
    return f'<section id="{key}"><h2>{esc(_t(text, key))}</h2>{body}</section>'


def _timeline(advice: Advice, text: Catalog) -> str:
    if not advice.timeline:
        body = f"<p>{esc(_t(text, 'no_timeline'))}</p>"
    else:
        blocks = []
        for entry in advice.timeline:
            lines = "".join(
                f'<li class="{"calm-text" if level == "calm" else level}">{esc(words)}</li>'
                for words, level in entry_parts(entry, text, advice.as_of)
            )
            blocks.append(
                f'<p class="debt">{esc(debt_name(advice.debt_labels, entry.debt))}</p><ul class="timeline">{lines}</ul>'
            )
        body = "".join(blocks)
    return f'<section id="timeline"><h2>{esc(_t(text, "timeline"))}</h2>{body}</section>'


def _sources_section(sources: _Sources, advice: Advice, text: Catalog) -> str:
    """Each cited passage with where a person can check it: the document's title and
    kind, the evidence section, the statute, the page's address, the quoted words."""
    items = []
    for (document, locator), number in sources.numbers.items():
        note = source_note(document, locator, advice.language)
        lines = [f'<strong>{esc(note.title)}</strong> <span class="muted">({esc(note.kind_label)})</span>']
        for detail in (note.statute, note.section):
            if detail:
                lines.append(f'<br><span class="muted">{esc(detail)}</span>')
        if note.address:
            lines.append(
                f'<br><span class="muted">{esc(_t(text, "source_address"))}</span>'
                f'<span class="address">{esc(note.address)}</span>'
            )
        # The passage as a person reads it (advisor.texts.quotes): no page debris, no cut word.
        passage = shown(document, locator)
        marker = text.ui("sources_english") if advice.language == "zh" and is_english(passage) else ""
        lines.append(f'<br><span class="muted">{esc(_t(text, "source_quote"))}</span>{esc(marker)}«{esc(passage)}»')
        lines.append(f'<br><span class="muted">{esc(_t(text, "source_document"))}{esc(document)}</span>')
        items.append(f'<li id="source-{number}">{"".join(lines)}</li>')
    heading = esc(_t(text, "sources"))
    return f'<section id="sources"><h2>{heading}</h2><ol class="sources">{"".join(items)}</ol></section>'


def plan_html(advice: Advice) -> str:
    """The action plan for `advice` as one self-contained HTML page."""
    text = catalog(advice.language).on(advice.as_of)
    sources = _Sources()
    day = advice.as_of.isoformat()
    head = (
        f"<header><h1>{esc(_t(text, 'title'))}</h1><p>{esc(_t(text, 'subtitle'))}</p>"
        f'<p class="meta"><strong>{esc(_t(text, "as_of", day=day))}</strong> · '
        f"{esc(_t(text, 'ruleset', version=advice.ruleset_version))}</p></header>"
    )
    parts = [head, _overview(advice, text)]
    if advice.warnings:
        warnings = "".join(f"<li>{esc(warning)}</li>" for warning in advice.warnings)
        parts.append(f'<section class="warnings"><h3>{esc(_t(text, "warnings"))}</h3><ul>{warnings}</ul></section>')
    parts.append(_steps(advice, text, sources))
    parts.append(_section_of_effects("risks", "no_risks", _effects(advice, text, sources, harmless=False), text))
    parts.append(_section_of_effects("safe", "no_safe", _effects(advice, text, sources, harmless=True), text))
    parts.append(_timeline(advice, text))
    parts.append(_sources_section(sources, advice, text))
    parts.append(f"<footer><p>{esc(advice.disclaimer)}</p><p>{esc(_t(text, 'footer'))}</p></footer>")
    title = f"{_t(text, 'title')} · {day}"
    return page(advice.language, title, "\n".join(parts))
