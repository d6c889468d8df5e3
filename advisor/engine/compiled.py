"""Rule conditions, compiled once: the one representation the matcher and why-not evaluate.

Each experta rule is read once (by `advisor.engine.experta_door`, the only module that
knows experta's internals) into a `CompiledRule`:

- its `id` (the knowledge id, or experta's name for it), `salience` and right-hand side;
- its `branches`: experta's disjunctive normal form (an OR of the rule's conditions
  gives one branch each, `NOT(a | b)` gives `NOT a, NOT b`, a branch that begins with
  a NOT gets experta's `InitialFact` pattern first);
- per branch, its positive `patterns` in order and its `negations` (each with the
  variables bound before it, the only ones it can compare);
- per pattern, its fact type, an optional capture name (`AS.name << Fact(...)`) and,
  per slot, a constraint tree: `Literal`, `OneOf`, `Not`, `AllOf`, `AnyOf`,
  `Predicate`, `Anything` and `Bind` (a variable bound to, or joined on, the slot).

The semantics are experta 1.9.4's (`experta/matchers/rete/check.py`), written once here:
a pattern matches a fact of exactly its type that has every slot the pattern names,
each slot's value meeting its constraint; a variable takes the value of every slot
that binds it, so a variable bound twice (in one pattern or across patterns) must hold
equal values; a negation holds while no fact matches it under the variables bound
before it.  `tests/test_matcher_equivalence.py` checks the compiled matcher against
experta's own Rete, and `tests/test_whynot_agrees.py` checks why-not against the
compiled matcher.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

Slot = str  # a fact slot's name (positional slots, `Fact("a")`, are refused)
Bindings = Mapping[str, Any]

_MISSING: Any = object()


class UnsupportedCondition(TypeError):
    """A rule uses a condition this representation does not implement (named with the rule)."""


# --- slot constraints ------------------------------------------------------------------------


class Constraint:
    """What one slot's value must be.  `accepts` is the test without variables; the
    variables a constraint binds always take the slot's value (`variables`)."""

    __slots__ = ()

    def accepts(self, value: Any) -> bool:
        raise NotImplementedError

    def variables(self) -> tuple[str, ...]:
        return ()

    def admits(self, value: Any, bindings: Bindings) -> Bindings | None:
        """The bindings after `value` meets this constraint, or None: the test, then
        each variable it binds takes `value` (equal to its value if already bound)."""
        if not self.accepts(value):
            return None
        names = self.variables()
        if not names:
            return bindings
        grown = dict(bindings)
        for name in names:
            if name in grown:
                if grown[name] != value:
                    return None
            else:
                grown[name] = value
        return grown


@dataclass(frozen=True, slots=True)
class Anything(Constraint):
    """`W()`: any value (the slot must still be present)."""

    def accepts(self, value: Any) -> bool:
        return True


@dataclass(frozen=True, slots=True)
class Bind(Constraint):
    """`MATCH.name` (`W('name')`): any value, bound to `variable` (a join where bound twice)."""

    variable: str

    def accepts(self, value: Any) -> bool:
        return True

    def variables(self) -> tuple[str, ...]:
        return (self.variable,)


@dataclass(frozen=True, slots=True)
class Literal(Constraint):
    """`L(v)` or a plain value: equal to `value` (experta compares `value == actual`)."""

    value: Any

    def accepts(self, value: Any) -> bool:
        return bool(self.value == value)


@dataclass(frozen=True, slots=True)
class OneOf(Constraint):
    """`L(a) | L(b) | …` of distinct values: equal to one of them.  experta splits such a
    pattern into one pattern per value; no value can equal two distinct literals, so no
    fact matches two of them and the split changes no activation: it is kept whole."""

    values: tuple[Any, ...]

    def accepts(self, value: Any) -> bool:
        return any(bool(expected == value) for expected in self.values)


@dataclass(frozen=True, slots=True)
class Predicate(Constraint):
    """`P(test)`: `test(value)` is true."""

    test: Callable[[Any], object]

    def accepts(self, value: Any) -> bool:
        return bool(self.test(value))


@dataclass(frozen=True, slots=True)
class Not(Constraint):
    """`~c`: `c` does not accept the value (never binds: a negated binding is refused)."""

    inner: Constraint

    def accepts(self, value: Any) -> bool:
        return not self.inner.accepts(value)


@dataclass(frozen=True, slots=True)
class AllOf(Constraint):
    """`a & b & …`: every part accepts; binds what its parts bind."""

    parts: tuple[Constraint, ...]

    def accepts(self, value: Any) -> bool:
        return all(part.accepts(value) for part in self.parts)

    def variables(self) -> tuple[str, ...]:
        return tuple(name for part in self.parts for name in part.variables())


@dataclass(frozen=True, slots=True)
class AnyOf(Constraint):
    """`a | b | …` that experta does not split (inside a NOT pattern, or negated):
    some part accepts.  Never binds (a binding under `|` is split into branches)."""

    parts: tuple[Constraint, ...]

    def accepts(self, value: Any) -> bool:
        return any(part.accepts(value) for part in self.parts)


def variable(constraint: Constraint) -> str | None:
    """The variable a slot binds or joins on (`MATCH.debt`, `MATCH.band & …`), if any."""
    names = constraint.variables()
    return names[0] if names else None


def allowed(constraint: Constraint, domain: Iterable[Any]) -> list[Any]:
    """The values of `domain` the constraint accepts (its variables left aside)."""
    return [value for value in domain if constraint.accepts(value)]


# --- patterns, branches, rules ---------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    """One fact pattern: a fact of exactly `fact_type` whose `slots` meet their constraints.
    `capture` names the fact itself for the right-hand side (`AS.name << Fact(...)`);
    `initial` marks experta's `InitialFact` pattern, true in every run."""

    fact_type: type
    slots: tuple[tuple[Slot, Constraint], ...]
    capture: str | None = None
    initial: bool = False
    binds: tuple[tuple[str, Slot], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pairs = tuple((name, slot) for slot, constraint in self.slots for name in constraint.variables())
        object.__setattr__(self, "binds", pairs)

    @property
    def kind(self) -> str:
        return self.fact_type.__name__

    @property
    def variables(self) -> frozenset[str]:
        return frozenset(name for name, _ in self.binds)

    def constraint(self, slot: Slot) -> Constraint | None:
        for name, constraint in self.slots:
            if name == slot:
                return constraint
        return None

    def slot_admits(self, slot: Slot, constraint: Constraint, fact: Mapping, bindings: Bindings) -> Bindings | None:
        """The bindings after the fact's `slot` meets `constraint`, or None (also when
        the fact has no such slot)."""
        value = fact.get(slot, _MISSING)
        if value is _MISSING:
            return None
        return constraint.admits(value, bindings)

    def match(self, fact: Mapping, bindings: Bindings) -> Bindings | None:
        """The bindings after `fact` matches this pattern, or None."""
        if type(fact) is not self.fact_type:
            return None
        for slot, constraint in self.slots:
            found = self.slot_admits(slot, constraint, fact, bindings)
            if found is None:
                return None
            bindings = found
        return bindings


@dataclass(frozen=True)
class Negation:
    """`NOT(pattern)`: no fact matches it, comparing only the variables in `compares`
    (those bound by the branch's positive patterns before it)."""

    pattern: Pattern
    compares: tuple[str, ...]

    def blockers(self, facts: Iterable[Mapping], bindings: Bindings) -> list[Mapping]:
        """The facts that match the pattern under the bindings it can compare."""
        scope = {name: bindings[name] for name in self.compares if name in bindings}
        return [fact for fact in facts if self.pattern.match(fact, scope) is not None]


Match = tuple[tuple[Mapping, ...], Bindings]  # the facts of the positive patterns, in order; the bindings


@dataclass(frozen=True)
class Branch:
    """One AND of the rule's normal form: positive patterns in order, and negations."""

    patterns: tuple[Pattern, ...]
    negations: tuple[Negation, ...]

    def solutions(self, facts: list[Mapping], bindings: Bindings | None = None) -> Iterator[Match]:
        """Every way the branch holds over `facts` (given some variables already bound):
        the facts filling its positive patterns and the bindings they make.  The same
        fact may fill two patterns, as in experta."""

        def walk(index: int, chosen: tuple[Mapping, ...], current: Bindings) -> Iterator[Match]:
            if index == len(self.patterns):
                if all(not negation.blockers(facts, current) for negation in self.negations):
                    yield chosen, current
                return
            pattern = self.patterns[index]
            if pattern.initial:  # experta's InitialFact: declared first in every run
                yield from walk(index + 1, chosen, current)
                return
            for fact in facts:
                found = pattern.match(fact, current)
                if found is not None:
                    yield from walk(index + 1, (*chosen, fact), found)

        yield from walk(0, (), dict(bindings or {}))


@dataclass(frozen=True)
class CompiledRule:
    """A rule read once from its experta form.  `action` is the rule's function, called
    with the engine and `arguments(bindings, captures)`; `source` is the experta `Rule`
    (its `meta` and identity for the registry); `meta` is the knowledge metadata."""

    id: str
    name: str
    salience: int
    branches: tuple[Branch, ...]
    action: Callable[..., object]
    parameters: frozenset[str] | None  # the names `action` accepts; None: any (**kwargs)
    source: Any = field(repr=False, compare=False)
    meta: Any = field(default=None, repr=False, compare=False)

    def tested_slots(self) -> frozenset[tuple[str, Slot]]:
        """Every (fact type name, slot) the rule's conditions test or bind, in positive
        and negated patterns alike (experta's `InitialFact` has none)."""
        found: set[tuple[str, Slot]] = set()
        for branch in self.branches:
            patterns = (*branch.patterns, *(negation.pattern for negation in branch.negations))
            found.update((pattern.kind, slot) for pattern in patterns for slot, _ in pattern.slots)
        return frozenset(found)

    def arguments(self, bindings: Bindings, captured: Mapping[str, object] | None = None) -> dict[str, object]:
        """What the right-hand side receives, as experta passes it: the bound variables and
        captured facts, only the names the function declares unless it takes **kwargs."""
        values = {**bindings, **(captured or {})}
        if self.parameters is None:
            return values
        return {name: value for name, value in values.items() if name in self.parameters}

    def matches(self, facts: list[Mapping]) -> list[Match]:
        """Every match of every branch over `facts` (the activations experta would make
        if these facts were declared and nothing fired)."""
        return [found for branch in self.branches for found in branch.solutions(facts)]
