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
from advisor.texts.sentences import SaidOnce
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
    # With one debt, everything concerns it: naming it under every line would say it again and again.
    if not debts or len(advice.debt_labels) < 2:
        return None
    names = [terminal_safe(advice.debt_labels[i]) if i < len(advice.debt_labels) else f"#{i}" for i in debts]
    separator = "、" if advice.language.startswith("zh") else ", "
    return Text(label + separator.join(names), style="cyan")


def topic_panel(topic: str, advice: Advice, show_sources: bool = True, said: SaidOnce | None = None) -> RenderableType:
    """The topic's effects; `said` (shared by the report's blocks) keeps each sentence to its first place."""
    text = catalog(advice.language).on(advice.as_of)
    said = said or SaidOnce(advice.language)
    block = advice.topics[topic]
    level = topic_severity(topic, block.effects)
    parts: list[RenderableType] = []
    if block.if_used:
        # Nothing to take seriously about a product the person does not use: what would happen if they did.
        level = "watch" if level == "serious" else level
        parts.append(Prose(Text(text.ui("report_if_used", topic=block.title), style="italic")))
    for effect in block.effects:
        level_of_effect = severity(topic, effect)
        likelihood = text.likelihood(effect.likelihood.value)
        head = Text(effect.label, style="bold")
        head.append(text.ui("report_likelihood", likelihood=likelihood), style=SEVERITY_STYLE[level_of_effect])
        # The reasons of a product the person does not use are detail.
        explanation = "" if block.if_used and not show_sources else said.fresh(effect.explanation)
        if explanation:
            # The reason follows its effect on the same line: the effect is the sentence's subject.
            head.append(text.ui("report_effect_reason"), style=SEVERITY_STYLE[level_of_effect])
            head.append(explanation)
        lines: list[RenderableType] = [Prose(head, whole=[likelihood])]
        debts = _debts_line(text.ui("report_concerns"), effect.debts, advice)
        if debts is not None:
            lines.append(debts)
        if show_sources and effect.conflicts:
            lines.append(_sources_line(text.ui("report_conflicts"), effect.conflicts, limit=None))
        if show_sources:
            lines.append(_sources_line(text.ui("report_sources"), supporting(effect.sources, effect.conflicts)))
        # A grid gives the bullet a hanging indent.
        row = Table.grid(padding=(0, 1))
        row.add_column(no_wrap=True)
        row.add_column(ratio=1)
        row.add_row(Text("•", style=SEVERITY_STYLE[level_of_effect]), Group(*lines))
        parts.append(row)
    title = Text(f"{block.title} · ")
    title.append(text.ui(f"severity_{level}"), style=SEVERITY_STYLE[level])
    if not show_sources:
        # The default report: a heading line, not a box (two lines fewer a topic, the full width for text).
        return Group(Rule(title, align="left", style=SEVERITY_STYLE[level]), *parts)
    return Panel(Group(*parts), title=title, title_align="left", border_style=SEVERITY_STYLE[level])


ACTIONS_IN_FULL = 5

OVERVIEW_MARK = {"act": ("→", "bold"), "risk": ("!", "bold red"), "calm": ("✓", "green")}


def overview_block(advice: Advice) -> Group:
    """The overview first: what to do first, what is at risk, what is safe; each line's
    kind is also in its words, never in the colour alone."""
    text = catalog(advice.language).on(advice.as_of)
    rows = Table.grid(padding=(0, 1))
    rows.add_column(no_wrap=True)
    rows.add_column(ratio=1)
    for index, item in enumerate(advice.overview):
        mark, style = OVERVIEW_MARK[item.kind]
        # The kind in words too: the first thing to do, then the next, what is at risk, what is safe.
        kind = "act_first" if index == 0 and item.kind == "act" else "act_then" if item.kind == "act" else item.kind
        rows.add_row(Text(mark, style=style), Prose(text.ui(f"overview_{kind}", what=item.text)))
    # The report's title heads it: the short answer is what the situation means.
    return Group(Rule(Text(text.ui("report_title"), style="bold"), align="left"), rows)


def actions_block(advice: Advice, show_sources: bool = True, said: SaidOnce | None = None) -> Group:
    text = catalog(advice.language).on(advice.as_of)
    said = said or SaidOnce(advice.language)
    parts: list[RenderableType] = [Rule(Text(text.ui("report_actions"), style="bold"), align="left")]
    if not advice.actions:
        parts.append(Text(text.ui("report_no_actions")))
    # The default report words the first steps in full and names the later ones (their
    # texts come with the details, --trace): a long list would push the first steps off screen.
    shown = advice.actions if show_sources else advice.actions[:ACTIONS_IN_FULL]
    for action in shown:
        details: list[RenderableType] = [Prose(said.fresh(action.text) or action.text)]
        # The reason is the per-rule detail, shown with the sources; given once.
        because = said.fresh(action.because) if show_sources else ""
        if because:
            details.append(Prose(Text(text.ui("report_because"), style="italic").append(because, style="not italic")))
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
    later = advice.actions[len(shown) :]
    if later:
        steps = text.ui("report_steps_join").join(
            text.ui("report_step_name", n=action.priority, name=text.lookup("interview", "action_names", action.code))
            for action in later
        )
        parts.append(Prose(text.ui("report_later_steps", steps=steps)))
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
    overview = [item.model_copy(update={"text": terminal_safe(item.text)}) for item in advice.overview]
    if labels == advice.debt_labels and warnings == advice.warnings and overview == advice.overview:
        return advice
    return advice.model_copy(update={"debt_labels": labels, "warnings": warnings, "overview": overview})


def render_advice(advice: Advice, console: Console, show_trace: bool = False, show_sources: bool = True) -> None:
    """Print the whole report to `console`."""
    advice = terminal_safe_advice(advice)
    if advice.overview:
        console.print(overview_block(advice))
    for warning in advice.warnings:
        console.print(Prose(Text(f"! {warning}", style="yellow")))
    keys = SourceKeys(advice.language)
    token = _REPORT_KEYS.set(keys)
    said = SaidOnce(advice.language)
    try:
        for topic in advice.topics:
            console.print(topic_panel(topic, advice, show_sources, said))
        console.print(actions_block(advice, show_sources, said))
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
