"""The text report: per topic a severity-coloured verdict with its reason, then the
numbered action checklist.  Colour is never the only signal: every verdict carries a
word for its severity.  User data goes in as rich `Text`, never as markup."""

from __future__ import annotations

from contextvars import ContextVar

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from advisor.models import Advice, Effect
from advisor.texts.catalog import LANGUAGES, catalog
from advisor.texts.sanitise import clean
from advisor.ui.prose import Prose
from advisor.ui.sources import MAX_QUOTES_SHOWN, SourceKeys, supporting
from credit_advisor.facts.enums import HARMLESS_CODES, Likelihood, Topic

SEVERITY_STYLE = {"serious": "bold red", "watch": "yellow", "calm": "green"}


def terminal_safe(text: str) -> str:
    """The person's own text (debt labels) with nothing that could corrupt a terminal.

    Situation already strips these from labels; this is the second line of defence for
    an Advice that was built or loaded some other way (advisor.texts.sanitise.clean).
    """
    return clean(text)


def severity(topic: str, effect: Effect) -> str:
    if effect.code in HARMLESS_CODES[Topic(topic)] or not effect.likelihood.at_least(Likelihood.possible):
        return "calm"
    return "serious" if effect.likelihood.at_least(Likelihood.likely) else "watch"


def topic_severity(topic: str, effects: list[Effect]) -> str:
    levels = [severity(topic, e) for e in effects]
    for level in ("serious", "watch"):
        if level in levels:
            return level
    return "calm"


# The keys of one report's sources, collected as its blocks are drawn (render_advice sets
# them, then explains every key in the sources section); a block drawn on its own keys its
# quotes afresh.
_REPORT_KEYS: ContextVar[SourceKeys | None] = ContextVar("report_keys", default=None)


def _sources_line(label: str, sources, limit: int | None = MAX_QUOTES_SHOWN) -> Prose:
    """The first quotes (those of the strongest reasons come first), each with its key, then a count."""
    keys = _REPORT_KEYS.get() or SourceKeys(_language_of(label))
    return keys.quotes_line(label, sources, limit)


def _language_of(label: str) -> str:
    """The language whose catalog words `label` (a block drawn outside render_advice)."""
    for lang in LANGUAGES:
        if label in (catalog(lang).ui("report_sources"), catalog(lang).ui("report_conflicts")):
            return lang
    return LANGUAGES[0]


def _debts_line(label: str, debts: list[int], advice: Advice) -> Text | None:
    if not debts:
        return None
    names = [terminal_safe(advice.debt_labels[i]) if i < len(advice.debt_labels) else f"#{i}" for i in debts]
    separator = "、" if advice.language.startswith("zh") else ", "
    return Text(label + separator.join(names), style="cyan")


def topic_panel(topic: str, advice: Advice, show_sources: bool = True) -> Panel:
    text = catalog(advice.language).on(advice.as_of)
    block = advice.topics[topic]
    level = topic_severity(topic, block.effects)
    parts: list[RenderableType] = []
    for effect in block.effects:
        level_of_effect = severity(topic, effect)
        head = Text("• ", style=SEVERITY_STYLE[level_of_effect])
        head.append(effect.label, style="bold")
        head.append(f" — {text.likelihood(effect.likelihood.value)}", style=SEVERITY_STYLE[level_of_effect])
        parts.append(Prose(head, whole=[text.likelihood(effect.likelihood.value)]))
        parts.append(Prose(effect.explanation))
        debts = _debts_line(text.ui("report_concerns"), effect.debts, advice)
        if debts is not None:
            parts.append(debts)
        if effect.conflicts:
            parts.append(_sources_line(text.ui("report_conflicts"), effect.conflicts, limit=None))
        if show_sources:
            parts.append(_sources_line(text.ui("report_sources"), supporting(effect.sources, effect.conflicts)))
    title = Text(f"{block.title} · ")
    title.append(text.ui(f"severity_{level}"), style=SEVERITY_STYLE[level])
    return Panel(Group(*parts), title=title, title_align="left", border_style=SEVERITY_STYLE[level])


def actions_block(advice: Advice, show_sources: bool = True) -> Group:
    text = catalog(advice.language).on(advice.as_of)
    parts: list[RenderableType] = [Rule(Text(text.ui("report_actions"), style="bold"), align="left")]
    if not advice.actions:
        parts.append(Text(text.ui("report_no_actions")))
    for action in advice.actions:
        details: list[RenderableType] = [
            Prose(action.text),
            Prose(Text(text.ui("report_because"), style="italic").append(action.because, style="not italic")),
        ]
        debts = _debts_line(text.ui("report_concerns"), action.debts, advice)
        if debts is not None:
            details.append(debts)
        if show_sources:
            details.append(_sources_line(text.ui("report_sources"), action.sources))
        # A grid gives a hanging indent that also works for Chinese, which has no spaces to wrap at.
        row = Table.grid(padding=(0, 1))
        row.add_column(justify="right", no_wrap=True)
        row.add_column(ratio=1)
        row.add_row(Text(f"{action.priority}.", style="bold"), Group(*details))
        parts.append(row)
    return Group(*parts)


def trace_table(advice: Advice) -> RenderableType:
    """The rule trace (`--trace`): advisor.ui.trace_view."""
    from advisor.ui.trace_view import trace_block

    return trace_block(advice)


def terminal_safe_advice(advice: Advice) -> Advice:
    """`advice` with the person's own texts (debt labels, warnings) made terminal-safe,
    so every block rendered from it (panels, actions, timeline) shows them safely."""
    labels = [terminal_safe(label) for label in advice.debt_labels]
    warnings = [terminal_safe(warning) for warning in advice.warnings]
    if labels == advice.debt_labels and warnings == advice.warnings:
        return advice
    return advice.model_copy(update={"debt_labels": labels, "warnings": warnings})


def render_advice(advice: Advice, console: Console, show_trace: bool = False, show_sources: bool = True) -> None:
    """Print the whole report to `console`."""
    advice = terminal_safe_advice(advice)
    text = catalog(advice.language).on(advice.as_of)
    console.print(Text(text.ui("report_title"), style="bold"))
    for warning in advice.warnings:
        console.print(Prose(Text(f"! {warning}", style="yellow")))
    keys = SourceKeys(advice.language)
    token = _REPORT_KEYS.set(keys)
    try:
        for topic in advice.topics:
            console.print(topic_panel(topic, advice, show_sources))
        console.print(actions_block(advice, show_sources))
    finally:
        _REPORT_KEYS.reset(token)
    if advice.timeline:
        from advisor.analysis.timeline import timeline_block

        console.print(timeline_block(advice))
    if keys.entries:  # every key shown is explained
        console.print(keys.section())
    if show_trace:
        console.print(trace_table(advice))
    console.print(Prose(Text(advice.disclaimer, style="dim")))
