"""HOW: the chain behind one conclusion of an Advice.

For an effect (topic + code) or an action (code): the answers it rests on (the Situation
fields read by every rule in its `rules`, per the rule registry), the trace entries of
those rules in firing order, and the source passages.  `explain()` returns plain data
(`Chain.as_dict()` is JSON-ready) so an audit can reuse it; `render_chain()` prints it
with rich.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from advisor.api import rules_by_id
from advisor.models import Advice, Source, TraceEntry
from advisor.texts.catalog import catalog
from credit_advisor.facts.situation import Situation

Kind = Literal["effect", "action"]


@dataclass(frozen=True)
class Item:
    """One conclusion of an Advice that can be explained."""

    kind: Kind
    code: str
    topic: str | None = None

    @property
    def key(self) -> str:
        return f"{self.topic}.{self.code}" if self.kind == "effect" else f"action.{self.code}"


@dataclass(frozen=True)
class AnswerUsed:
    """A Situation field a rule of the chain read, with the person's value."""

    field: str  # "debts[0].overdue_days", "collection.contacts_harassed", "zhima_score", "debts"
    value: Any
    debt: int | None = None


@dataclass(frozen=True)
class Step:
    """One firing of a rule of the chain (a trace entry) with the rule's explanation."""

    seq: int
    rule: str
    salience: int
    summary: str
    explanation: str
    knowledge: tuple[str, ...]
    matched: list[dict]
    declared: list[str]


@dataclass(frozen=True)
class Chain:
    item: Item
    title: str  # the effect's label or the action's text
    likelihood: str | None  # effects
    priority: int | None  # actions
    rules: list[str]
    debts: list[int]
    answers: list[AnswerUsed] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    conflicts: list[Source] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["item"]["key"] = self.item.key
        data["sources"] = [s.model_dump() for s in self.sources]
        data["conflicts"] = [s.model_dump() for s in self.conflicts]
        return data


def items(advice: Advice) -> list[Item]:
    """Every effect of every topic (report order), then every action (priority order)."""
    found = [Item("effect", effect.code, topic) for topic, block in advice.topics.items() for effect in block.effects]
    return found + [Item("action", action.code) for action in advice.actions]


def _value(situation: Situation, read: str, debt: int | None) -> Any:
    if read.startswith("debts."):
        if debt is None:
            raise ValueError(f"{read} is a debt's field: name the debt")
        value = getattr(situation.debts[debt], read.split(".", 1)[1])
    elif read.startswith("collection."):
        value = getattr(situation.collection, read.split(".", 1)[1])
    else:
        value = getattr(situation, read)
    if isinstance(value, list):
        return [getattr(v, "value", v) for v in value]
    return getattr(value, "value", value)


def answers_used(situation: Situation, rule_ids: list[str], debts: list[int]) -> list[AnswerUsed]:
    """The fields the rules read (registry order of first use), with their values; debt
    fields for the debts concerned (all debts when the conclusion is about the person)."""
    registry = rules_by_id()
    reads: list[str] = []
    for rule_id in rule_ids:
        for read in registry[rule_id].reads:
            if read not in reads:
                reads.append(read)
    concerned = debts or list(range(len(situation.debts)))
    used: list[AnswerUsed] = []
    debt_reads = [r for r in reads if r.startswith("debts.")]
    if debt_reads and not situation.debts:
        used.append(AnswerUsed("debts", []))
    for index in concerned:
        for read in debt_reads:
            name = read.split(".", 1)[1]
            used.append(AnswerUsed(f"debts[{index}].{name}", _value(situation, read, index), index))
    for read in reads:
        if not read.startswith("debts."):
            used.append(AnswerUsed(read, _value(situation, read, None)))
    return used


def _debts_of(entry: TraceEntry) -> set[int]:
    found = set()
    for matched in entry.matched:
        debt = matched.values.get("debt")
        if isinstance(debt, int) and debt >= 0:
            found.add(debt)
    return found


def steps_for(advice: Advice, rule_ids: list[str], debts: list[int]) -> list[Step]:
    """The trace entries of the chain's rules in firing order; a firing about another
    debt than the ones concerned is left out."""
    registry = rules_by_id()
    text = catalog(advice.language)
    wanted = set(rule_ids)
    steps = []
    for entry in advice.trace:
        if entry.rule not in wanted:
            continue
        about = _debts_of(entry)
        if debts and about and not about & set(debts):
            continue
        meta = registry[entry.rule]
        steps.append(
            Step(
                seq=entry.seq,
                rule=entry.rule,
                salience=entry.salience,
                summary=meta.summary,
                explanation=text.rule(entry.rule),
                knowledge=meta.knowledge,
                matched=[m.model_dump() for m in entry.matched],
                declared=list(entry.declared),
            )
        )
    return steps


def explain(advice: Advice, situation: Situation, item: Item) -> Chain:
    """The chain behind one effect or action of `advice` (computed from `situation`)."""
    if item.kind == "effect":
        assert item.topic is not None, "an effect item names its topic"
        block = advice.topics[item.topic]
        effect = next((e for e in block.effects if e.code == item.code), None)
        if effect is None:
            raise KeyError(f"the advice has no effect {item.key}")
        # The chain covers every rule of the effect, so every debt that contributed at
        # any likelihood (`debts` names only those at the winning one).
        rules, debts = list(effect.rules), [entry.debt for entry in effect.by_debt]
        title, likelihood, priority = effect.label, effect.likelihood.value, None
        sources, conflicts = list(effect.sources), list(effect.conflicts)
    else:
        action = next((a for a in advice.actions if a.code == item.code), None)
        if action is None:
            raise KeyError(f"the advice has no action {item.code}")
        rules, debts = list(action.rules), list(action.debts)
        title, likelihood, priority = action.text, None, action.priority
        sources, conflicts = list(action.sources), []
    return Chain(
        item=item,
        title=title,
        likelihood=likelihood,
        priority=priority,
        rules=rules,
        debts=debts,
        answers=answers_used(situation, rules, debts),
        steps=steps_for(advice, rules, debts),
        sources=sources,
        conflicts=conflicts,
    )


def explain_effect(advice: Advice, situation: Situation, topic: str, code: str) -> Chain:
    return explain(advice, situation, Item("effect", code, topic))


def explain_action(advice: Advice, situation: Situation, code: str) -> Chain:
    return explain(advice, situation, Item("action", code))


# --- rendering ---------------------------------------------------------------------------


def _t(lang: str, key: str, **values) -> str:
    return catalog(lang).interview(key, **values)


def item_title(advice: Advice, item: Item) -> str:
    """A one-line name for a menu: "花呗 · 花呗被降额(很可能)" or "行动 1:…"."""
    lang = advice.language
    text = catalog(lang)
    if item.kind == "effect":
        assert item.topic is not None, "an effect item names its topic"
        effect = next(e for e in advice.topics[item.topic].effects if e.code == item.code)
        return _t(
            lang,
            "how_item_effect",
            topic=text.topic(item.topic),
            label=effect.label,
            likelihood=text.likelihood(effect.likelihood.value),
        )
    action = next(a for a in advice.actions if a.code == item.code)
    return _t(lang, "how_item_action", priority=action.priority, name=action_name(lang, item.code))


def action_name(lang: str, code: str) -> str:
    return catalog(lang).template("interview", "action_names", code)


def _base(field_name: str) -> str:
    """ "debts[0].overdue_days" → "debts.overdue_days" (the registry's name)."""
    return re.sub(r"\[\d+\]", "", field_name)


def field_label(lang: str, field_name: str) -> str:
    from advisor.ui.questions import FIELD_QUESTIONS

    question = FIELD_QUESTIONS.get(_base(field_name))
    if question is None:
        return field_name
    return catalog(lang).template("interview", "q", question.id, "label")


def answer_text(lang: str, used: AnswerUsed) -> str:
    from advisor.ui.questions import FIELD_QUESTIONS, format_value

    if used.field == "debts":
        return _t(lang, "how_no_debts")
    question = FIELD_QUESTIONS.get(_base(used.field))
    return format_value(question, used.value, lang) if question else str(used.value)


def bullets(items: list, marker: str | list[str] = "•", indent: int = 2) -> Table:
    """Items with a hanging indent: wrapped lines stay right of the marker (also for
    Chinese text, which has no spaces to break at).  `marker` may be a list (numbers)."""
    grid = Table.grid(padding=0)
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    markers = marker if isinstance(marker, list) else [marker] * len(items)
    width = max((len(m) for m in markers), default=1)
    for mark, item in zip(markers, items):
        grid.add_row(Text(" " * indent + mark.rjust(width) + " "), item if not isinstance(item, str) else Text(item))
    return grid


def render_chain(chain: Chain, advice: Advice, console: Console) -> None:
    """Print the chain: answers → rules in firing order → sources."""
    lang = advice.language
    text = catalog(lang)
    head = Text(item_title(advice, chain.item), style="bold")
    parts: list = []
    if chain.item.kind == "action":
        parts.append(Text(chain.title))
    parts.append(Text(_t(lang, "how_answers"), style="bold"))
    answers = []
    for used in chain.answers:
        line = Text()
        if used.debt is not None:
            name = advice.debt_labels[used.debt] if used.debt < len(advice.debt_labels) else f"#{used.debt + 1}"
            line.append(name + " · ", style="cyan")
        line.append(field_label(lang, used.field) + _t(lang, "colon"))
        line.append(answer_text(lang, used), style="bold")
        answers.append(line)
    parts.append(bullets(answers) if answers else Text("  " + _t(lang, "how_no_answers")))
    parts.append(Text(_t(lang, "how_rules"), style="bold"))
    steps = [Group(Text(step.rule, style="magenta"), Text(step.explanation)) for step in chain.steps]
    parts.append(bullets(steps, [f"{step.seq}." for step in chain.steps]))
    parts.append(Text(_t(lang, "how_sources"), style="bold"))
    parts.append(bullets([Text(f"{s.document} «{s.locator}»", style="dim") for s in chain.sources]))
    if chain.conflicts:
        parts.append(Text(_t(lang, "how_conflicts"), style="bold yellow"))
        parts.append(bullets([Text(f"{s.document} «{s.locator}»", style="dim") for s in chain.conflicts]))
    if chain.item.kind == "effect" and chain.likelihood:
        parts.append(Text(_t(lang, "how_likelihood", likelihood=text.likelihood(chain.likelihood)), style="italic"))
    console.print(Panel(Group(*parts), title=head, title_align="left", border_style="blue"))
