"""The one module that touches experta's non-public parts.

The rules are experta rules (`Rule`, `Fact` patterns, `MATCH`, `L`, `W`, `P`, `NOT`, `OR`,
`AS`: experta's documented API, imported by the rule modules from
`credit_advisor.facts.experta_compat`).  Everything that needs more of experta than
that lives here, and nowhere else:

- reading a `Rule` into a `CompiledRule` (`compile_rule`, `rules_of`): the classes of
  experta's composite field constraints (`ANDFC`, `ORFC`, `NOTFC`), a constraint's
  `__bind__`, a literal's value, a predicate's function, and experta's normal form
  (its `dnf` and `prepare_rule`, restated below for the constructs our rules use);
- the key under which experta stores a declared fact's id (`FACT_ID`), which our fact
  store writes too so that facts are numbered, traced and read the same way;
- experta's own engine, Rete and strategy, kept as the reference that the compiled
  matcher is checked against (`reference_engine_class`, used by the tests only).

Why here, in the engine layer, and not in `facts/experta_compat.py`: what is read out
of experta is the compiled representation of `advisor.engine.compiled`, and `facts`
sits below the engine (it must not import it).  `experta_compat` stays what the facts
and rules import: experta's public names, after the fixes experta 1.9.4 needs to
import at all.  experta ships no types: it is `Any` here.
"""

from __future__ import annotations

import bisect
import inspect
import itertools
from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import Any

# First: experta 1.9.4 imports only after the fixes experta_compat applies.
import credit_advisor.facts.experta_compat as experta

# isort: split
from experta.agenda import Agenda
from experta.conditionalelement import ConditionalElement
from experta.fieldconstraint import ANDFC, NOTFC, ORFC, FieldConstraint
from experta.matchers import ReteMatcher
from experta.strategies import DepthStrategy

from advisor.engine.compiled import (
    AllOf,
    AnyOf,
    Anything,
    Bind,
    Branch,
    CompiledRule,
    Constraint,
    Literal,
    Negation,
    Not,
    OneOf,
    Pattern,
    Predicate,
    Slot,
    UnsupportedCondition,
)

FACT_ID = "__factid__"  # experta's slot for a declared fact's id (special: `as_dict` leaves it out)
CAPTURE = "__bind__"  # experta's slot naming a captured pattern (`AS.name << Fact(...)`)

Rule: Any = experta.Rule
Fact: Any = experta.Fact
InitialFact: Any = experta.InitialFact


# --- collecting and compiling rules ----------------------------------------------------------


def rules_of(engine_class: type) -> list[Any]:
    """The experta rules of an engine class, by attribute name as experta's `get_rules`
    finds them (a subclass's rule replaces the one it names), sorted by name.  Read from
    the classes, not the instance: experta's `Rule.__get__` would bind the shared rule."""
    found: dict[str, Any] = {}
    for klass in reversed(engine_class.__mro__):
        for name, value in vars(klass).items():
            if isinstance(value, Rule):
                found[name] = value
            elif name in found:
                del found[name]
    return [found[name] for name in sorted(found)]


def rule_id(rule: Any) -> str:
    """The id a rule is known by: its knowledge id, or experta's name for it."""
    meta = getattr(rule, "meta", None)
    return meta.id if meta is not None else getattr(rule, "__name__", "?")


def compile_rule(rule: Any) -> CompiledRule:
    """Read one experta rule into its compiled form (refusing, with the rule's name, any
    construct the compiled form does not implement)."""
    name = getattr(rule, "__name__", repr(rule))
    function = getattr(rule, "__wrapped__", None)  # functools.update_wrapper's link, set by Rule(...)(f)
    if function is None:
        raise UnsupportedCondition(f"rule {name}: a Rule without its function")
    signature = inspect.signature(function)
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in signature.parameters.values())
    reader = _Reader(name)
    branches = reader.branches(tuple(rule))
    return CompiledRule(
        id=rule_id(rule),
        name=name,
        salience=int(rule.salience),
        branches=tuple(reader.branch(elements) for elements in branches),
        action=function,
        parameters=None if takes_any else frozenset(signature.parameters),
        source=rule,
        meta=getattr(rule, "meta", None),
    )


def fact_identity(fact: Any) -> tuple:
    """What makes two facts the same fact for experta (it declares each once): the class
    and the slots, experta's special ones (`__factid__`, `__bind__`) left out."""
    if FACT_ID in fact or CAPTURE in fact:
        return (fact.__class__, frozenset((k, v) for k, v in fact.items() if not _special(k)))
    return (fact.__class__, frozenset(dict.items(fact)))


def check_declarable(fact: Any) -> None:
    """experta's checks of a fact to declare (`KnowledgeEngine.declare`, `FactList.declare`):
    a Fact, its declared Fields valid, no pattern value (`MATCH.x`, `L(...)`), no nested
    accessor in its keys; each failure raises experta's own error."""
    if not isinstance(fact, Fact):
        raise ValueError("The fact must descend the Fact class.")  # noqa: TRY004 - experta's own error
    if fact.__fields__:
        fact.validate()
    if any(isinstance(value, ConditionalElement) for value in fact.values()):
        raise TypeError("Declared facts cannot contain conditional elements")
    if any("__" in str(key).strip("_") for key in fact):
        raise KeyError("Cannot declare facts containing double underscores as keys.")


# An element of a branch, before its pattern is compiled: (negated, fact type, slot items).
_Element = tuple[bool, type, list[tuple[Any, Any]]]


class _Reader:
    """experta's normal form (`experta/matchers/rete/dnf.py` and `utils.prepare_rule`),
    for Fact, AND, OR and NOT; TEST, EXISTS and FORALL are refused."""

    def __init__(self, rule_name: str):
        self.rule_name = rule_name

    def refuse(self, what: str) -> UnsupportedCondition:
        return UnsupportedCondition(f"rule {self.rule_name}: {what} is not supported by the compiled rules")

    # -- conditional elements -> branches of (negated, pattern) ----------------------------

    def branches(self, conditions: tuple) -> list[list[_Element]]:
        found = self.conjunction(conditions)
        prepared = []
        for elements in found or [[]]:
            if not elements or elements[0][0]:  # empty, or begins with a NOT: InitialFact first
                elements = [(False, InitialFact, []), *elements]
            prepared.append(elements)
        return prepared

    def conjunction(self, children: Iterable) -> list[list[_Element]]:
        result: list[list[_Element]] = [[]]
        for child in children:
            result = [left + right for left in result for right in self.element(child)]
        return result

    def element(self, ce: Any) -> list[list[_Element]]:
        if isinstance(ce, Fact):
            # A positive pattern: experta splits a slot's `|` into one pattern each.
            return [[(False, type(ce), items)] for items in self.split(ce)]
        if isinstance(ce, experta.OR):
            return [alternative for child in ce for alternative in self.element(child)]
        if isinstance(ce, experta.AND):
            return self.conjunction(ce)
        if isinstance(ce, experta.NOT):
            if len(ce) != 1:
                raise self.refuse("NOT of several elements")
            inner = ce[0]
            if isinstance(inner, Fact):
                return [[(True, type(inner), list(inner.items()))]]
            if isinstance(inner, experta.NOT):  # double negation
                return self.element(inner[0])
            if isinstance(inner, experta.OR):  # NOT(a | b) = NOT a, NOT b
                return self.conjunction(experta.NOT(child) for child in inner)
            if isinstance(inner, experta.AND):  # experta: NOT(a & b) = NOT a | NOT b
                return [alternative for child in inner for alternative in self.element(experta.NOT(child))]
        raise self.refuse(type(ce).__name__)

    def split(self, pattern: Any) -> list[list[tuple[Any, Any]]]:
        """experta's `dnf(Fact)`: a slot's `|` makes one pattern per alternative, except
        `OneOf` (distinct literals: no value meets two, so the split changes nothing)."""
        keys = list(pattern.keys())
        options = [self.alternatives(pattern[key]) if not _special(key) else [pattern[key]] for key in keys]
        return [list(zip(keys, chosen)) for chosen in itertools.product(*options)]

    def alternatives(self, how: Any) -> list[Any]:
        """The OR-free forms of one slot constraint (experta's `dnf` on field constraints)."""
        if not isinstance(how, FieldConstraint):
            return [how]
        if isinstance(how, ORFC):
            if _one_of(how):
                return [how]
            return [form for part in how for form in self.alternatives(part)]
        if isinstance(how, ANDFC):
            ors = [part for part in how if isinstance(part, ORFC) and not _one_of(part)]
            if len(ors) > 1:  # experta 1.9.4 merges two such ORs into one: refused, not imitated
                raise self.refuse("two `|` inside one `&`")
            per_part = [self.alternatives(part) for part in how]
            return [ANDFC(*combination) for combination in itertools.product(*per_part)]
        if isinstance(how, NOTFC):
            inner = how[0]
            if isinstance(inner, NOTFC):  # double negation
                return self.alternatives(inner[0])
            if isinstance(inner, ANDFC):  # experta: ~(a & b) = ~a | ~b
                return [form for part in inner for form in self.alternatives(NOTFC(part))]
        return [how]

    # -- compiling patterns ---------------------------------------------------------------

    def branch(self, elements: list[_Element]) -> Branch:
        patterns: list[Pattern] = []
        negations: list[Negation] = []
        bound: set[str] = set()
        for negated, fact_type, items in elements:
            pattern = self.pattern(fact_type, items)
            if negated:
                negations.append(Negation(pattern, tuple(sorted(pattern.variables & bound))))
            else:
                patterns.append(pattern)
                bound |= pattern.variables
        return Branch(tuple(patterns), tuple(negations))

    def pattern(self, fact_type: type, items: list[tuple[Any, Any]]) -> Pattern:
        if getattr(fact_type, "__fields__", None):
            raise self.refuse(f"{fact_type.__name__}: a fact type with declared Fields")
        slots: list[tuple[Slot, Constraint]] = []
        capture = None
        for key, how in items:
            if key == CAPTURE:
                capture = how
                continue
            if _special(key):
                raise self.refuse(f"the special slot {key!r}")
            if not isinstance(key, str):
                raise self.refuse(f"the positional slot {key!r}")
            if "__" in key.strip("_"):
                raise self.refuse(f"the nested accessor {key!r}")
            slots.append((key, self.constraint(how)))
        return Pattern(fact_type, tuple(slots), capture, initial=fact_type is InitialFact)

    def constraint(self, how: Any) -> Constraint:
        if not isinstance(how, FieldConstraint):
            return Literal(how)
        if isinstance(how, experta.W):
            return Anything() if how.__bind__ is None else Bind(how.__bind__)
        if isinstance(how, experta.L):
            return self.bound(Literal(how.value), how)
        if isinstance(how, experta.P):
            return self.bound(Predicate(how.match), how)
        if isinstance(how, NOTFC):
            if _binds(how):
                raise self.refuse("a binding inside | or ~ (a negated binding)")
            return Not(self.constraint(how[0]))
        if isinstance(how, ANDFC):
            return AllOf(tuple(self.constraint(part) for part in how))
        if isinstance(how, ORFC):
            if _binds(how):
                raise self.refuse("a binding inside | or ~")
            if _one_of(how):
                return OneOf(tuple(part.value for part in how))
            return AnyOf(tuple(self.constraint(part) for part in how))
        raise self.refuse(f"the field constraint {how!r}")

    @staticmethod
    def bound(constraint: Constraint, how: Any) -> Constraint:
        return constraint if how.__bind__ is None else AllOf((Bind(how.__bind__), constraint))


def _special(key: object) -> bool:
    return isinstance(key, str) and key.startswith("__") and key.endswith("__")


def _binds(how: Any) -> bool:
    if getattr(how, "__bind__", None) is not None:
        return True
    return isinstance(how, (ANDFC, ORFC, NOTFC)) and any(_binds(part) for part in how)


def _one_of(how: Any) -> bool:
    """An OR of unbound literals, no two equal."""
    if not all(isinstance(part, experta.L) and part.__bind__ is None for part in how):
        return False
    values = [part.value for part in how]
    return all(a != b for a, b in itertools.combinations(values, 2))


# --- experta's own engine: the reference -----------------------------------------------------


_KEY = attrgetter("key")


class _StableDepthStrategy(DepthStrategy):
    """experta's depth strategy with our agenda's total order (salience, newest facts,
    rule id) and exact removal: the stock one breaks ties by object ids (they change
    between processes) and, removing an activation, looks at three positions only, so a
    stale activation can stay and fire (shared/spec/engine-notes.md)."""

    def get_key(self, activation: Any) -> tuple:
        from advisor.engine.matcher import agenda_key

        return agenda_key(activation.rule.salience, tuple(activation.facts), rule_id(activation.rule))

    def _update_agenda(self, agenda: Any, added: Any, removed: Any) -> None:
        activations = agenda.activations
        for act in removed:
            act.key = key = self.get_key(act)
            index = bisect.bisect_left(activations, key, key=_KEY)
            while index < len(activations) and activations[index].key == key:
                if activations[index] == act:
                    del activations[index]
                    break
                index += 1
        for act in added:
            act.key = self.get_key(act)
            bisect.insort_right(activations, act, key=_KEY)


class _TracingAgenda(Agenda):
    """experta's agenda, recording each firing as our engine does (`Firing`): the
    activation taken next, and the facts declared until the one after."""

    def __init__(self, engine: Any, activations: list):
        super().__init__()
        self.activations = activations
        self.engine = engine
        self.current: tuple | None = None

    def close(self) -> None:
        if self.current is None:
            return
        seq, name, salience, matched, first_new = self.current
        facts = self.engine.facts
        declared = tuple(facts[i] for i in range(first_new, facts.last_index) if i in facts)
        self.engine.firings.append(self.engine.firing_type(seq, name, salience, matched, declared))
        self.current = None

    def get_next(self) -> Any:
        self.close()
        activation = super().get_next()
        if activation is not None:
            name = rule_id(activation.rule)
            matched = tuple(sorted(activation.facts, key=lambda fact: fact[FACT_ID]))
            seq = len(self.engine.firings) + 1
            self.current = (seq, name, activation.rule.salience, matched, self.engine.facts.last_index)
            self.engine._firing = name
        return activation


def reference_engine_class(engine_class: type, stock_strategy: bool = False) -> type:
    """`engine_class` run by experta itself: its `KnowledgeEngine`, Rete matcher and agenda
    (with our total order, unless `stock_strategy` asks for experta's DepthStrategy), its
    rules and right-hand sides unchanged, its firings recorded like ours.  For the tests:
    experta's Rete is the reference the compiled matcher must agree with."""
    from advisor.engine.core import Firing

    def reset(self: Any) -> None:
        experta.KnowledgeEngine.reset(self)
        self.agenda = _TracingAgenda(self, self.agenda.activations)
        self.firings = []

    def run(self: Any, steps: float = float("inf")) -> None:
        experta.KnowledgeEngine.run(self, steps)
        self.agenda.close()

    def declare_conclusion(self: Any, fact: Any) -> None:
        self.declare(fact)

    def release(self: Any) -> None:
        self.firings = []

    def pending(self: Any) -> list[tuple[str, tuple[int, ...]]]:
        return [
            (rule_id(a.rule), tuple(sorted(f[FACT_ID] for f in a.facts))) for a in reversed(self.agenda.activations)
        ]

    namespace: dict[str, Callable | type] = {
        "__matcher__": ReteMatcher,
        "__strategy__": DepthStrategy if stock_strategy else _StableDepthStrategy,
        "__init__": experta.KnowledgeEngine.__init__,
        "firing_type": Firing,
        "reset": reset,
        "run": run,
        "declare": experta.KnowledgeEngine.declare,
        "retract": experta.KnowledgeEngine.retract,
        "get_rules": experta.KnowledgeEngine.get_rules,
        "_declare_conclusion": declare_conclusion,
        "release": release,
        "pending": pending,
    }
    return type(f"Rete{engine_class.__name__}", (experta.KnowledgeEngine, engine_class), namespace)
