"""The text report: per topic a severity-coloured verdict with its reason, then the
numbered action checklist.  Colour is never the only signal: every verdict carries a
word for its severity.  User data goes in as rich `Text`, never as markup."""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from advisor.models import Advice, Effect
from advisor.texts.catalog import catalog
from advisor.texts.sanitise import clean
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


MAX_SOURCES_SHOWN = 3


def _short_document(document: str) -> str:
    # "003_d99dc14840eb8d50.txt" -> "003"; the JSON keeps the full file name.
    return document.split("_", 1)[0] if document[:3].isdigit() else document.rsplit(".", 1)[0]


def _sources_line(label: str, sources, limit: int | None = MAX_SOURCES_SHOWN) -> Text:
    """The first sources (those of the strongest reasons come first), then a count."""
    shown = list(sources) if limit is None else list(sources)[:limit]
    line = Text(label, style="dim")
    line.append("; ".join(f"[{_short_document(s.document)}] «{s.locator}»" for s in shown), style="dim")
    if len(sources) > len(shown):
        line.append(f" (+{len(sources) - len(shown)})", style="dim")
    return line


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
    parts = []
    for effect in block.effects:
        level_of_effect = severity(topic, effect)
        head = Text("• ", style=SEVERITY_STYLE[level_of_effect])
        head.append(effect.label, style="bold")
        head.append(f" — {text.likelihood(effect.likelihood.value)}", style=SEVERITY_STYLE[level_of_effect])
        parts.append(head)
        parts.append(Text(effect.explanation))
        debts = _debts_line(text.ui("report_concerns"), effect.debts, advice)
        if debts is not None:
            parts.append(debts)
        if effect.conflicts:
            parts.append(_sources_line(text.ui("report_conflicts"), effect.conflicts, limit=None))
        if show_sources:
            parts.append(_sources_line(text.ui("report_sources"), effect.sources))
    title = Text(f"{block.title} · ")
    title.append(text.ui(f"severity_{level}"), style=SEVERITY_STYLE[level])
    return Panel(Group(*parts), title=title, title_align="left", border_style=SEVERITY_STYLE[level])


def actions_block(advice: Advice, show_sources: bool = True) -> Group:
    text = catalog(advice.language).on(advice.as_of)
    parts: list[RenderableType] = [Rule(Text(text.ui("report_actions"), style="bold"), align="left")]
    if not advice.actions:
        parts.append(Text(text.ui("report_no_actions")))
    for action in advice.actions:
        details = [
            Text(action.text),
            Text(text.ui("report_because"), style="italic").append(action.because, style="not italic"),
        ]
        debts = _debts_line(text.ui("report_concerns"), action.debts, advice)
        if debts is not None:
            details.append(debts)
        if show_sources:
            details.append(_sources_line(text.ui("report_sources"), action.sources))
        # A grid gives a hanging indent that also works for Chinese, which has no spaces to wrap at.
        row = Table.grid(padding=(0, 1))
        row.add_column(justify="right", no_wrap=True)
        row.add_column(ratio=1, overflow="fold")
        row.add_row(Text(f"{action.priority}.", style="bold"), Group(*details))
        parts.append(row)
    return Group(*parts)


def trace_table(advice: Advice) -> Table:
    text = catalog(advice.language).on(advice.as_of)
    table = Table(title=text.ui("report_trace"), show_lines=False, expand=False)
    table.add_column("#", justify="right")
    table.add_column(text.ui("trace_rule"))
    table.add_column(text.ui("trace_salience"), justify="right")
    table.add_column(text.ui("trace_matched"))
    table.add_column(text.ui("trace_declared"))
    for entry in advice.trace:
        matched = "\n".join(f"{m.fact} {m.values}" for m in entry.matched)
        table.add_row(str(entry.seq), entry.rule, str(entry.salience), Text(matched), Text("\n".join(entry.declared)))
    return table


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
        console.print(Text(f"! {warning}", style="yellow"))
    for topic in advice.topics:
        console.print(topic_panel(topic, advice, show_sources))
    console.print(actions_block(advice, show_sources))
    if advice.timeline:
        from advisor.analysis.timeline import timeline_block

        console.print(timeline_block(advice))
    if show_trace:
        console.print(trace_table(advice))
    console.print(Text(advice.disclaimer, style="dim"))
