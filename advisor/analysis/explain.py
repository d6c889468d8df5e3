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
from advisor.ui.prose import Prose
from credit_advisor.facts.enums import ALWAYS_LICENSED
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


Given = Literal["answered", "inferred", "default"]


@dataclass(frozen=True)
class AnswerUsed:
    """A Situation field a rule of the chain read, with its value and where the value
    came from: the person's answer, an inference from another answer (a Huabei debt's
    lender is licensed), or the default for a question not answered."""

    field: str  # "debts[0].overdue_days", "collection.contacts_harassed", "zhima_score", "debts"
    value: Any
    debt: int | None = None
    given: Given = "answered"
    inferred_from: str | None = None  # for an inferred value: the product code it follows from


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


def _given(situation: Situation, read: str, debt: int | None) -> Given:
    """Whether the person gave the value `read` has (see AnswerUsed)."""
    if read.startswith("debts."):
        assert debt is not None
        model: Any = situation.debts[debt]
        name = read.split(".", 1)[1]
        if name == "lender" and model.product in ALWAYS_LICENSED:
            return "inferred"  # the product decides it (Situation's validator), whatever was answered
    elif read.startswith("collection."):
        if "collection" not in situation.model_fields_set:
            return "default"
        model, name = situation.collection, read.split(".", 1)[1]
    else:
        model, name = situation, read
    return "answered" if name in model.model_fields_set else "default"


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
            value, given = _value(situation, read, index), _given(situation, read, index)
            product = situation.debts[index].product.value if given == "inferred" else None
            used.append(AnswerUsed(f"debts[{index}].{name}", value, index, given, product))
    for read in reads:
        if not read.startswith("debts."):
            used.append(AnswerUsed(read, _value(situation, read, None), given=_given(situation, read, None)))
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
    text = catalog(advice.language).on(advice.as_of)
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
    text = catalog(lang).on(advice.as_of)
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
    grid.add_column(ratio=1)
    markers = marker if isinstance(marker, list) else [marker] * len(items)
    width = max((len(m) for m in markers), default=1)
    for mark, item in zip(markers, items):
        shown = Prose(item) if isinstance(item, (str, Text)) else item
        grid.add_row(Text(" " * indent + mark.rjust(width) + " "), shown)
    return grid


def _answer_line(advice: Advice, used: AnswerUsed) -> Text:
    lang = advice.language
    line = Text()
    if used.debt is not None:
        name = advice.debt_labels[used.debt] if used.debt < len(advice.debt_labels) else f"#{used.debt + 1}"
        line.append(name + " · ", style="cyan")
    line.append(field_label(lang, used.field) + _t(lang, "colon"))
    line.append(answer_text(lang, used), style="bold")
    if used.inferred_from is not None:
        product = catalog(lang).ui(f"product_{used.inferred_from}")
        line.append(_t(lang, "how_inferred_lender", product=product), style="dim")
    return line


def render_chain(chain: Chain, advice: Advice, console: Console) -> None:
    """Print the chain: what the person answered, what was inferred or assumed and how,
    the rules in firing order (numbered 1, 2, … within the chain), the sources with where
    to check them, and the conclusion in plain words."""
    from advisor.ui.sources import SourceKeys, supporting

    lang = advice.language
    text = catalog(lang).on(advice.as_of)
    head = Text(item_title(advice, chain.item), style="bold")
    parts: list = []
    if chain.item.kind == "action":
        parts.append(Prose(chain.title))
    groups = (
        ("answered", "how_answers"),
        ("inferred", "how_inferred"),
        ("default", "how_defaults"),
    )
    for given, heading in groups:
        lines = [_answer_line(advice, used) for used in chain.answers if used.given == given]
        if lines:
            parts.append(Text(_t(lang, heading), style="bold"))
            parts.append(bullets(lines))
    if not chain.answers:
        parts.append(Text(_t(lang, "how_answers"), style="bold"))
        parts.append(Text("  " + _t(lang, "how_no_answers")))
    parts.append(Text(_t(lang, "how_rules"), style="bold"))
    steps = [Group(Text(step.rule, style="magenta"), Prose(step.explanation)) for step in chain.steps]
    parts.append(bullets(steps, [f"{number}." for number in range(1, len(chain.steps) + 1)]))
    keys = SourceKeys(lang)
    parts.append(Text(_t(lang, "how_sources"), style="bold"))
    whole = keys.whole_phrases
    parts.append(bullets([Prose(keys.described(s), whole=whole) for s in supporting(chain.sources, chain.conflicts)]))
    if chain.conflicts:
        parts.append(Text(_t(lang, "how_conflicts"), style="bold yellow"))
        parts.append(bullets([Prose(keys.described(s), whole=whole) for s in chain.conflicts]))
    if chain.item.kind == "effect" and chain.likelihood:
        strengths = {level for step in chain.steps for level in _likelihoods(step, chain.item)}
        key = "how_likelihood" if len(strengths) <= 1 else "how_likelihood_strongest"
        parts.append(Prose(Text(_t(lang, key, likelihood=text.likelihood(chain.likelihood)), style="italic")))
    console.print(Panel(Group(*parts), title=head, title_align="left", border_style="blue"))


def _likelihoods(step: Step, item: Item) -> list[str]:
    """The likelihoods a step's firing concluded for the item's effect."""
    from advisor.engine.consult import declared_facts

    return [
        values["likelihood"]
        for kind, values in declared_facts({"declared": step.declared})
        if kind == "Effect" and values.get("code") == item.code and values.get("topic") == item.topic
    ]
