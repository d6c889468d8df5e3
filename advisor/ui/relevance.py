"""Which interview questions still matter, derived from the rules themselves.

A question is asked only when some rule that reads its field could still fire, given the
answers so far, with an answer to it making a difference.  Nothing here restates a rule
condition, threshold or band: the rules' own conditions, in the one compiled form the
matcher and why-not evaluate (`advisor.engine.compiled`), are evaluated over *partial* facts, whose slots hold every value the answers so far still
allow.  Those values are computed as the fact schema declares (`facts.schema`: each
slot's fields and computation), over every value an unanswered field can take: its
enum members, true/false, null where allowed, and for numbers every dated parameter
value and either side of it (every band boundary is a parameter), 0 and its limits.

The findings and conclusions the rules declare are derived the same way, tier by tier
(salience order): each rule whose conditions may hold runs its own right-hand side for
each binding, and what it declares is possible (or certain, when nothing unknown was
involved).  A rule matching a finding or a conclusion thus sees every one that could
still come.

The semantics are experta's (a plain value means `L(value)`, variables bind once,
negated elements are tested after the positive ones).  Two simplifications: slots fed
by one unknown field are taken as independent (which can only ask more), and an answered
question is judged on the findings derived with its own answer in place (it was asked
when they were still open; this only decides whether its answer stays in the plan).
tests/test_interview_questions.py checks, over random interviews, that no skipped
question could have changed a conclusion and that every asked one can.
"""

from __future__ import annotations

import inspect
import itertools
import types
import typing
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import cache, lru_cache
from typing import Any

from advisor.engine.compiled import Bindings, Branch, Constraint, Pattern, variable
from credit_advisor.facts.experta_compat import Fact
from credit_advisor.facts.kb import KbFact
from credit_advisor.facts.parameters import day_on, parameters_on
from credit_advisor.facts.schema import TEMPLATES, Slot
from credit_advisor.facts.situation import Collection, Debt, Situation
from credit_advisor.rules.base import Conclusions

DEBT_FIELD = "debts."


# --- partial facts ----------------------------------------------------------------------


@dataclass(frozen=True)
class Partial:
    """A fact whose slots hold every value still possible; `certain`: it surely exists."""

    kind: str
    slots: Mapping[str, tuple]
    certain: bool = True


@dataclass(frozen=True)
class World:
    """What is known: each debt's answered fields (attribute → value), the person's
    answered fields (registry names: `zhima_score`, `collection.threatened_or_insulted`,
    `plans`), and the day whose parameters band the values.  A field not listed is
    unknown: it may take any value its model allows."""

    debts: tuple[tuple[tuple[str, Any], ...], ...]
    person: tuple[tuple[str, Any], ...]
    day: date

    @classmethod
    def of(cls, debts: Sequence[Mapping[str, Any]], person: Mapping[str, Any], day: date) -> World:
        return cls(
            tuple(tuple(sorted((k, _hashable(v)) for k, v in d.items())) for d in debts),
            tuple(sorted((k, _hashable(v)) for k, v in person.items())),
            day,
        )

    def without(self, field: str, index: int | None) -> World:
        """The same world with one field unknown (a debt's, when `index` is given)."""
        if index is not None:
            name = field.removeprefix(DEBT_FIELD)
            debts = list(self.debts)
            debts[index] = tuple((k, v) for k, v in debts[index] if k != name)
            return World(tuple(debts), self.person, self.day)
        return World(self.debts, tuple((k, v) for k, v in self.person if k != field), self.day)


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


# --- what an unknown field may be -------------------------------------------------------


def _model_field(field: str) -> tuple[type, str]:
    if field.startswith("debts."):
        return Debt, field.split(".", 1)[1]
    if field.startswith("collection."):
        return Collection, field.split(".", 1)[1]
    return Situation, field


@cache
def candidates(field: str, day: date) -> tuple:
    """Every value that matters of a field: enum members, booleans, null where allowed;
    numbers at every parameter value and either side of it (every band boundary is a
    parameter), 0 and the field's limits."""
    model, name = _model_field(field)
    bounds = _bounds(model, name)
    return tuple(_values(model.model_fields[name].annotation, day, bounds))  # type: ignore[attr-defined]


@cache
def _json_schema(model: Any) -> dict:
    return model.model_json_schema()


def _bounds(model: Any, name: str) -> tuple[float, ...]:
    """The field's minimum and maximum, from the model's JSON Schema."""
    prop = _json_schema(model)["properties"][name]
    found: list[float] = []
    for candidate in [prop, *prop.get("anyOf", [])]:
        found += [candidate[k] for k in ("minimum", "maximum") if k in candidate]
    return tuple(found)


def _values(annotation: Any, day: date, bounds: tuple[float, ...] = ()) -> list:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _values(typing.get_args(annotation)[0], day, bounds)
    if origin in (typing.Union, types.UnionType):
        return [v for arg in typing.get_args(annotation) for v in _values(arg, day, bounds)]
    if origin is list:  # a list of enum members (plans): none, or one of each
        return [()] + [(member,) for member in _values(typing.get_args(annotation)[0], day)]
    if annotation is type(None):
        return [None]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [member.value for member in annotation]
    if annotation is bool:
        return [True, False]
    if annotation in (int, float):
        numbers = {0, *bounds}
        for value in parameters_on(day).values():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                numbers.update((value - 1, value, value + 1))
        low, high = (min(bounds), max(bounds)) if len(bounds) == 2 else (float("-inf"), float("inf"))
        return sorted(annotation(n) for n in numbers if low <= n <= high)
    raise TypeError(f"no candidate values for {annotation!r}")


# --- slot values from partial answers ---------------------------------------------------


@lru_cache(maxsize=4096)
def _debt(items: tuple[tuple[str, Any], ...]) -> Debt | None:
    try:
        return Debt.model_validate(dict(items))
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _situation(debts: tuple[tuple[tuple[str, Any], ...], ...], items: tuple[tuple[str, Any], ...]) -> Situation | None:
    data: dict[str, Any] = {"debts": [dict(d) for d in debts]}
    for key, value in items:
        if key.startswith("collection."):
            data.setdefault("collection", {})[key.split(".", 1)[1]] = value
        else:
            data[key] = list(value) if isinstance(value, tuple) else value
    try:
        return Situation.model_validate(data)
    except ValueError:
        return None


_MISSING = "<unknown>"


def _possible(slot: Slot, known: tuple[tuple[str, Any], ...], make, day: date) -> tuple:
    """The values `slot` can take: its computation over every combination of candidate
    values of its unknown fields (`known`: the slot's fields, each answered or missing)."""
    assert slot.compute is not None
    on = day_on(day)
    unknown = [field for field, value in known if value is _MISSING]
    answered = {field: value for field, value in known if value is not _MISSING}
    found: dict[Any, None] = {}
    for combination in itertools.product(*(candidates(f, day) for f in unknown)):
        source = make({**answered, **dict(zip(unknown, combination, strict=True))})
        if source is not None:
            found.setdefault(slot.compute(source, on))
    return tuple(found)


@lru_cache(maxsize=4096)
def _debt_fact(index: int, items: tuple[tuple[str, Any], ...], day: date) -> Partial:
    known = dict(items)
    slots: dict[str, tuple] = {"debt": (index,)}
    for slot in TEMPLATES["DebtFact"].computed:
        # Every answered field of the debt takes part: a model validator may read one
        # field to settle another (Huabei's lender is licensed whatever was answered).
        # (`as_of` is the world's day, known: it is handed to the computation.)
        fields = tuple(f"debts.{name}" for name in known) + tuple(
            f for f in slot.fields if f.startswith(DEBT_FIELD) and f.split(".", 1)[1] not in known
        )
        slot_known = tuple((f, known.get(f.split(".", 1)[1], _MISSING)) for f in dict.fromkeys(fields))
        slots[slot.name] = _possible(
            slot, slot_known, lambda t: _debt(tuple(sorted((k.split(".", 1)[1], v) for k, v in t.items()))), day
        )
    return Partial("DebtFact", slots)


@lru_cache(maxsize=4096)
def _person_values(name: str, debts: tuple, known: tuple[tuple[str, Any], ...], day: date) -> tuple:
    """A person slot's values; `debts`: the debts as answered, when the slot is computed
    over them (a debt field it needs still unanswered: any of its values may come)."""
    slot = TEMPLATES["PersonFact"].slot(name)
    needed = [f.split(".", 1)[1] for f in slot.fields if f.startswith("debts.")]
    if any(attribute not in dict(d) for d in debts for attribute in needed):
        return slot.values or ()

    def make(trial: Mapping[str, Any]) -> Situation | None:
        return _situation(debts, tuple(sorted((k, _hashable(v)) for k, v in trial.items())))

    return _possible(slot, known, make, day)


@lru_cache(maxsize=1024)
def input_facts(world: World) -> tuple[Partial, ...]:
    """The partial DebtFact, PersonFact and PlanFact facts of a world."""
    day = world.day
    facts = [_debt_fact(index, items, day) for index, items in enumerate(world.debts)]
    person = dict(world.person)
    slots: dict[str, tuple] = {}
    for slot in TEMPLATES["PersonFact"].computed:
        if slot.values is None:  # the number of debts: not a condition any rule tests
            slots[slot.name] = ()
            continue
        # (`as_of` is the world's day, known: it is handed to the computation.)
        own = tuple((f, person.get(f, _MISSING)) for f in slot.fields if not f.startswith("debts") and f != "as_of")
        over_debts = world.debts if any(f.startswith("debts.") for f in slot.fields) else ()
        slots[slot.name] = _person_values(slot.name, over_debts, own, day)
    facts.append(Partial("PersonFact", slots))
    if "plans" in person:
        facts.extend(Partial("PlanFact", {"plan": (plan,)}) for plan in person["plans"])
    else:
        facts.append(Partial("PlanFact", {"plan": TEMPLATES["PlanFact"].slot("plan").values or ()}, certain=False))
    return tuple(facts)


# --- matching partial facts -------------------------------------------------------------


class Facts:
    """Partial facts by kind (a pattern only ever matches facts of its own kind)."""

    def __init__(self, facts: Iterable[Partial]):
        self.kinds: dict[str, list[Partial]] = {}
        for fact in facts:
            self.kinds.setdefault(fact.kind, []).append(fact)

    def of(self, kind: str) -> list[Partial]:
        return self.kinds.get(kind, [])


@dataclass(frozen=True)
class Element:
    """One condition of a branch, as relevance walks it: a positive pattern, or a
    negated one (which compares only the variables bound before it)."""

    patterns: tuple[Pattern, ...]
    negated: bool = False
    compares: tuple[str, ...] | None = None


def _elements(branch: Branch) -> tuple[Element, ...]:
    """A compiled branch as elements: its positive patterns in order (experta's
    `InitialFact`, true in every run, left out), then its negations."""
    positives = tuple(Element((pattern,)) for pattern in branch.patterns if not pattern.initial)
    negations = tuple(Element((n.pattern,), True, n.compares) for n in branch.negations)
    return positives + negations


_PATTERN_SLOTS: dict[int, tuple[str, tuple[tuple[str, Constraint, bool], ...]]] = {}


def _pattern(pattern: Pattern) -> tuple[str, tuple[tuple[str, Constraint, bool], ...]]:
    """A pattern's kind and constrained slots (name, constraint, whether it involves no
    variable), read once: patterns live as long as the rules."""
    found = _PATTERN_SLOTS.get(id(pattern))
    if found is None:
        found = _PATTERN_SLOTS[id(pattern)] = (
            pattern.kind,
            tuple((slot, constraint, not constraint.variables()) for slot, constraint in pattern.slots),
        )
    return found


_ACCEPTED: dict[tuple[int, tuple], int] = {}


def _accepted(constraint: Constraint, values: tuple) -> int:
    """How many of `values` a variable-free constraint accepts (remembered)."""
    key = (id(constraint), values)
    found = _ACCEPTED.get(key)
    if found is None:
        found = _ACCEPTED[key] = sum(constraint.accepts(v) for v in values)
    return found


def _freeze(bindings: Bindings) -> tuple:
    return tuple(sorted(bindings.items()))


def match(pattern: Pattern, fact: Partial, bindings: Bindings) -> list[tuple[Bindings, bool]]:
    """Each way `fact` may match `pattern`: the bindings, and whether it surely does."""
    kind, constrained = _pattern(pattern)
    if kind != fact.kind:
        return []
    certain_so_far = fact.certain
    for slot, constraint, literal in constrained:  # the fixed verdicts first: cheap, and they rule out most
        if literal:
            values = fact.slots.get(slot)
            if values is None:
                return []
            accepted = _accepted(constraint, values)
            if not accepted:
                return []
            certain_so_far = certain_so_far and accepted == len(values)
    states: list[tuple[Bindings, bool]] = [(bindings, certain_so_far)]
    for slot, constraint, literal in constrained:
        if literal:
            continue
        values = fact.slots.get(slot)
        if values is None:
            return []
        after: list[tuple[Bindings, bool]] = []
        for current, certain in states:
            outcomes: dict[tuple, tuple[Bindings, int]] = {}
            for value in values:
                found = constraint.admits(value, current)
                if found is not None:
                    key = _freeze(found)
                    outcomes[key] = (found, outcomes.get(key, (found, 0))[1] + 1)
            for found, count in outcomes.values():
                after.append((found, certain and count == len(values)))
        states = after
        if not states:
            return []
    return states


def _all(patterns: Sequence[Pattern], facts: Facts, bindings: Bindings) -> Iterator[tuple[Bindings, bool]]:
    if not patterns:
        yield bindings, True
        return
    for fact in facts.of(_pattern(patterns[0])[0]):
        for found, certain in match(patterns[0], fact, bindings):
            for rest, rest_certain in _all(patterns[1:], facts, found):
                yield rest, certain and rest_certain


def _compared(element: Element, bindings: Bindings) -> Bindings:
    """The bindings a negated element may compare: those bound before it."""
    if element.compares is None:
        return bindings
    return {name: bindings[name] for name in element.compares if name in bindings}


def _blocked(element: Element, facts: Facts, bindings: Bindings) -> tuple[bool, bool]:
    """(possibly, surely): whether the patterns of a negated element match (comparing
    only the variables bound before it, as the engine does)."""
    possibly = surely = False
    for _, certain in _all(element.patterns, facts, _compared(element, bindings)):
        possibly = True
        if certain:
            return True, True
    return possibly, surely


def solutions(
    alternative: Sequence[Element], facts: Facts, bindings: Bindings | None = None
) -> Iterator[tuple[Bindings, bool]]:
    """Each binding under which the alternative may hold, and whether it surely does."""
    positives = [e for e in alternative if not e.negated]
    others = [e for e in alternative if e.negated]

    def walk(index: int, current: Bindings, certain: bool) -> Iterator[tuple[Bindings, bool]]:
        if index == len(positives):
            for element in others:
                possibly, surely = _blocked(element, facts, current)
                if surely:
                    return
                certain = certain and not possibly
            yield current, certain
            return
        element = positives[index]
        for found, sure in _all(element.patterns, facts, current):
            yield from walk(index + 1, found, certain and sure)

    yield from walk(0, dict(bindings or {}), True)


# --- the findings and conclusions that may come -----------------------------------------


@dataclass(frozen=True)
class CompiledRule:
    """A rule as relevance walks it: the engine's compiled branches as elements."""

    id: str
    salience: int
    alternatives: tuple[tuple[Element, ...], ...]
    action: Any
    parameters: frozenset[str]


@cache
def compiled_rules() -> tuple[CompiledRule, ...]:
    """The engine's rules, highest salience first (the order the engine's tiers fire)."""
    from advisor.engine.core import engine

    found = []
    for rule in engine().rules:
        meta = rule.meta
        parameters = frozenset(inspect.signature(meta.action).parameters) - {"self"}
        alternatives = tuple(_elements(branch) for branch in rule.branches)
        found.append(CompiledRule(meta.id, meta.salience, alternatives, meta.action, parameters))
    return tuple(sorted(found, key=lambda r: -r.salience))


def _declares(conclusion: str) -> str:
    """The fact type a `concludes` entry declares."""
    group = conclusion.split(".", 1)[0]
    return {"finding": "OnReport", "action": "Action"}.get(group, "Effect")


@cache
def producers() -> tuple[CompiledRule, ...]:
    """The rules whose findings or conclusions some rule matches (the others' need not
    be derived), highest salience first."""
    from advisor.api import rules_by_id

    matched = {
        _pattern(pattern)[0]
        for rule in compiled_rules()
        for alternative in rule.alternatives
        for element in alternative
        for pattern in element.patterns
    }
    registry = rules_by_id()
    return tuple(r for r in compiled_rules() if {_declares(c) for c in registry[r.id].concludes} & matched)


class _Recorder(Conclusions):
    """Stands in for the engine while a rule's right-hand side runs: keeps what it
    declares (through the rules' own declaration helpers)."""

    def __init__(self) -> None:
        self.declared: list[KbFact] = []
        self._firing = ""

    def _declare_conclusion(self, fact: KbFact) -> None:
        self.declared.append(fact)


def derived_facts(inputs: Sequence[Partial]) -> list[Partial]:
    """Every finding and conclusion the rules may declare over `inputs`, tier by tier."""
    facts = Facts(inputs)
    derived: dict[tuple, Partial] = {}
    for _, tier in itertools.groupby(producers(), key=lambda r: r.salience):
        tier_rules = list(tier)
        for _ in range(2):  # a rule may match what another of its tier declares
            before = len(derived)
            for rule in tier_rules:
                for alternative in rule.alternatives:
                    for bindings, certain in list(solutions(alternative, facts)):
                        for fact in _fire(rule, bindings):
                            _record(fact, certain, derived, facts)
            if len(derived) == before:
                break
    return list(derived.values())


def _fire(rule: CompiledRule, bindings: Bindings) -> list[KbFact]:
    recorder = _Recorder()
    recorder._firing = rule.id
    rule.action(recorder, **{k: v for k, v in bindings.items() if k in rule.parameters})
    return recorder.declared


def _record(fact: Fact, certain: bool, derived: dict[tuple, Partial], facts: Facts) -> None:
    kind = type(fact).__name__
    items = tuple((k, v) for k, v in fact.items() if k != "rule")
    key = (kind, items)
    known = derived.get(key)
    if known is not None and (known.certain or not certain):
        return
    partial = Partial(kind, {k: (v,) for k, v in items}, certain)
    derived[key] = partial
    same_kind = facts.kinds.setdefault(kind, [])
    if known is not None:
        same_kind.remove(known)
    same_kind.append(partial)


@lru_cache(maxsize=256)
def world_facts(world: World) -> tuple[tuple[Partial, ...], tuple[Partial, ...]]:
    """(input facts, derived facts) of a world."""
    inputs = input_facts(world)
    return tuple(inputs), tuple(derived_facts(inputs))


# --- relevance --------------------------------------------------------------------------


@dataclass(frozen=True)
class Reader:
    """One place a rule tests a slot: alternative, element and pattern index, slot."""

    rule: CompiledRule
    alternative: int
    element: int
    pattern: int
    slot: str


@cache
def readers(field: str) -> tuple[Reader, ...]:
    """Every place a rule's conditions test a slot that `field` feeds."""
    found = []
    for rule in compiled_rules():
        for a, alternative in enumerate(rule.alternatives):
            for e, element in enumerate(alternative):
                for p, pattern in enumerate(element.patterns):
                    template = TEMPLATES[pattern.kind]
                    for name, _ in pattern.slots:
                        declared = next((s for s in template.slots if s.name == name), None)
                        if declared is not None and field in declared.fields:
                            found.append(Reader(rule, a, e, p, name))
    return tuple(found)


def _discriminates(constraint: Constraint, values: Iterable, bindings: Bindings) -> bool:
    """An answer changes whether this slot matches (or what it binds)."""
    outcomes = {
        _freeze(found) if found is not None else None for v in values for found in [constraint.admits(v, bindings)]
    }
    return len(outcomes) > 1


def _focused(reader: Reader, facts: Facts, focus: Partial) -> bool:
    """Whether the reader's alternative may hold (or, for a negated element, be blocked)
    with its pattern matched on `focus`, the focus's slot deciding something there."""
    alternative = reader.rule.alternatives[reader.alternative]
    element = alternative[reader.element]
    if element.negated:  # the rest must be possible, then the focus may block it
        positives = [e for e in alternative if not e.negated]
        negations = [e for e in alternative if e.negated and e is not element]
        return any(
            all(not _blocked(e, facts, bindings)[1] for e in negations)
            and next(_decisions(element.patterns, reader, focus, facts, _compared(element, bindings)), None) is not None
            for bindings, _ in solutions(positives, facts)
        )
    others = [e for e in alternative if e is not element]
    return any(
        next(solutions(others, facts, found), None) is not None
        for found in _decisions(element.patterns, reader, focus, facts, {})
    )


def _decisions(
    patterns: Sequence[Pattern], reader: Reader, focus: Partial, facts: Facts, bindings: Bindings
) -> Iterator[Bindings]:
    """The bindings under which an element's patterns may match with the reader's pattern
    on `focus` and the reader's slot deciding (some value passes, another does not, or
    it binds a variable to one of several values)."""
    constraint = patterns[reader.pattern].constraint(reader.slot)
    assert constraint is not None, "a reader names a slot its pattern tests"
    for before, _ in _all(patterns[: reader.pattern], facts, bindings):
        for found, _ in match(patterns[reader.pattern], focus, before):
            if _discriminates(constraint, focus.slots[reader.slot], _without(found, constraint)):
                for done, _ in _all(patterns[reader.pattern + 1 :], facts, found):
                    yield done


def _without(bindings: Bindings, constraint: Constraint) -> Bindings:
    name = variable(constraint)
    return {k: v for k, v in bindings.items() if k != name} if name is not None else bindings


def relevant(world: World, fields: Sequence[str], index: int | None) -> bool:
    """Whether answering `fields` (of debt `index`, or of the person) may change what
    some rule concludes, given what `world` knows (the fields themselves unknown)."""
    if index is not None and not 0 <= index < len(world.debts):
        return False  # a debt not described yet: its questions come once it is
    open_world = world
    for field in fields:
        open_world = open_world.without(field, index if field.startswith(DEBT_FIELD) else None)
    inputs = input_facts(open_world)
    _, derived = world_facts(world)
    facts = Facts([*inputs, *derived])
    for field in fields:
        for reader in readers(field):
            kind = reader.rule.alternatives[reader.alternative][reader.element].patterns[reader.pattern].kind
            for focus in inputs:
                if focus.kind != kind:
                    continue
                if kind == "DebtFact" and index is not None and focus.slots["debt"] != (index,):
                    continue
                if _focused(reader, facts, focus):
                    return True
    return False


__all__ = ["Partial", "World", "derived_facts", "input_facts", "relevant", "solutions"]
