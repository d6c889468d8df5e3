"""The inference engine: the rules compiled once, a fact store, an agenda and a run loop
with a trace of every firing; plain project code.

The rules are experta rules (`credit_advisor.rules`), read once per engine class into
their compiled form (`advisor.engine.compiled`, by `advisor.engine.experta_door`);
experta itself does not run them: its `KnowledgeEngine`, Rete, agenda and fact list stay
the reference the tests check this engine against (`experta_door.reference_engine_class`).

Built once per thread and reused through `reset()`: compiling and building the
matcher is the expensive part, a consultation only fills and empties it.
"""

from __future__ import annotations

import bisect
import functools
import gc
import threading
from collections.abc import Mapping
from contextlib import contextmanager
from operator import attrgetter
from typing import Any, NamedTuple

from advisor.engine.compiled import CompiledRule
from advisor.engine.experta_door import FACT_ID, check_declarable, compile_rule, fact_identity, rules_of
from advisor.engine.matcher import Activation, CompiledMatcher
from credit_advisor.facts.experta_compat import Fact, InitialFact
from credit_advisor.facts.kb import situation_to_facts
from credit_advisor.facts.situation import Situation
from credit_advisor.rules import TOPIC_RULES
from credit_advisor.rules.base import Conclusions

_KEY = attrgetter("key")
MAX_FIRINGS = 50_000  # a runaway guard: the full rule base needs a few hundred at 100 debts


class Firing(NamedTuple):
    """One rule firing as it happened: the facts it matched and the facts it declared."""

    seq: int
    rule: str
    salience: int
    matched: tuple[Fact, ...]
    declared: tuple[Fact, ...]


# Firing((...)) without NamedTuple's Python-level __new__: one firing per rule that fires.
_new_firing = functools.partial(tuple.__new__, Firing)


def _fact_id(fact: Mapping) -> int:
    index: int = fact[FACT_ID]
    return index


# --- the fact store ---------------------------------------------------------------------------


class FactStore(dict[int, Fact]):
    """The facts of one run, by id; ids count from 0 and only increase.

    As in experta, a fact is declared once: a second fact of the same class with the same
    slots is not added (`declare` returns None).  `added` and `removed` are the changes
    the matcher has not seen yet."""

    def __init__(self) -> None:
        super().__init__()
        self.last_index = 0
        self.added: list[Fact] = []
        self.removed: list[Fact] = []
        self.counts: dict[tuple, int] = {}

    def declare(self, fact: Fact) -> Fact | None:
        """Add a fact (checked as experta checks it), or None if the same fact is there."""
        if not getattr(fact, "plain", False):
            check_declarable(fact)
        return self.declare_plain(fact, fact_identity(fact))

    def declare_plain(self, fact: Fact, identity: tuple | None = None) -> Fact | None:
        """`declare` without its checks, for a fact that passed them or cannot fail them:
        a conclusion just made by kb.effect/action/on_report is a plain fact without an id."""
        if identity is None:
            identity = (fact.__class__, frozenset(dict.items(fact)))
        counts = self.counts
        if identity in counts:
            return None
        index = self.last_index
        dict.__setitem__(fact, FACT_ID, index)
        self[index] = fact
        self.last_index = index + 1
        self.added.append(fact)
        counts[identity] = 1
        return fact

    def retract(self, fact_or_id: Fact | int) -> None:
        index = fact_or_id if isinstance(fact_or_id, int) else fact_or_id[FACT_ID]
        fact = self.pop(index)
        del self.counts[fact_identity(fact)]
        self.removed.append(fact)


# --- the agenda -------------------------------------------------------------------------------


class Agenda:
    """Activations in firing order: the last is the next.  The order is total (salience,
    the newest facts, the rule id: `matcher.agenda_key`), so removal finds the exact
    activation and the firing sequence is the same in every process.  (experta's
    DepthStrategy breaks ties by object ids and, removing, looks at three positions
    only, so a stale activation could stay and fire: shared/spec/engine-notes.md.)"""

    __slots__ = ("activations",)

    def __init__(self) -> None:
        self.activations: list[Activation] = []

    def update(self, added: list[Activation], removed: list[Activation]) -> None:
        # Bisect on the key tuples (compared in C), not on activations.
        activations = self.activations
        for act in removed:
            key = act.key
            index = bisect.bisect_left(activations, key, key=_KEY)
            while index < len(activations) and activations[index].key == key:
                if activations[index] is act:
                    del activations[index]
                    break
                index += 1
        for act in added:
            bisect.insort_right(activations, act, key=_KEY)

    def get_next(self) -> Activation | None:
        return self.activations.pop() if self.activations else None


# --- the engine -------------------------------------------------------------------------------


_COMPILED: dict[type, tuple[CompiledRule, ...]] = {}


def compiled_rules(engine_class: type) -> tuple[CompiledRule, ...]:
    """The rules of an engine class, compiled once per class."""
    found = _COMPILED.get(engine_class)
    if found is None:
        found = _COMPILED[engine_class] = tuple(compile_rule(rule) for rule in rules_of(engine_class))
    return found


class RuleEngine:
    """Runs the experta rules defined on its class (and its mixins) on its own matcher,
    agenda and fact store.  A rule's function is called with the engine as `self`."""

    _firing: str = ""  # the id of the rule firing now: conclusions record it

    def __init__(self) -> None:
        self.rules = compiled_rules(type(self))
        self.matcher = CompiledMatcher(self.rules)
        self.agenda = Agenda()
        self.facts = FactStore()
        self.running = False
        self.firings: list[Firing] = []

    def pending(self) -> list[tuple[str, tuple[int, ...]]]:
        """The agenda, next first: each activation's rule id and fact ids."""
        return [(a.rule.id, tuple(sorted(map(_fact_id, a.facts)))) for a in reversed(self.agenda.activations)]

    def get_rules(self) -> list[Any]:
        """The experta rules, as experta's `get_rules` lists them (each with its `meta`)."""
        return [rule.source for rule in self.rules]

    def reset(self) -> None:
        self.agenda = Agenda()
        self.facts = FactStore()
        self.matcher.reset()
        self.running = False
        self.declare(InitialFact())

    def declare(self, *facts: Fact) -> Fact | None:
        last = None
        for fact in facts:
            last = self.facts.declare(fact)
        if not self.running:
            self._match()
        return last

    def retract(self, fact_or_id: Fact | int) -> None:
        self.facts.retract(fact_or_id)
        if not self.running:
            self._match()

    def _declare_conclusion(self, fact: Fact) -> None:
        # A conclusion made by kb.effect/action/on_report while the rules run: plain, new.
        if self.running and fact.plain:
            self.facts.declare_plain(fact)
        else:
            self.declare(fact)

    def _match(self) -> None:
        facts = self.facts
        if facts.added or facts.removed:
            new, gone = facts.added, facts.removed
            facts.added, facts.removed = [], []
            added, removed = self.matcher.changes(new, gone)
            if added or removed:
                self.agenda.update(added, removed)

    def consult(self, situation: Situation) -> list[Firing]:
        """Run the rule base on one situation; return the firings in order.

        The engine keeps no working memory afterwards (see `release`): the firings
        returned, and the facts they hold, are the caller's alone."""
        self.reset()
        self.firings = []
        self.declare(*situation_to_facts(situation))
        self.run()
        firings = self.firings
        self.release()
        return firings

    def release(self) -> None:
        """Drop the working memory (facts, agenda, matcher memories) of the last run, so
        that a consultation's objects die when its caller lets go of the firings,
        inside the caller's `cyclic_gc_paused()` rather than at the next reset."""
        self.matcher.reset()
        self.agenda = Agenda()
        self.facts = FactStore()
        self.firings = []

    def run(self, steps: float = float("inf")) -> None:
        """Fire the next activation until none is left, recording each firing the moment
        it completes, with the facts it declared (fact ids only increase)."""
        self.running = True
        fired = 0
        facts, firings, matcher, agenda = self.facts, self.firings, self.matcher, self.agenda
        pending = agenda.activations  # the last is the next
        while steps > 0 and self.running:
            if facts.added or facts.removed:
                new, gone = facts.added, facts.removed
                facts.added, facts.removed = [], []
                added, removed = matcher.changes(new, gone)
                if added or removed:
                    agenda.update(added, removed)
            if not pending:
                break
            activation = pending.pop()
            steps -= 1
            fired += 1
            if fired > MAX_FIRINGS:
                raise RuntimeError(f"rule base did not settle after {MAX_FIRINGS} firings")
            rule = activation.rule
            first_new = facts.last_index
            self._firing = rule.id
            rule.action(self, **activation.arguments)
            matched = activation.facts
            if facts.removed:  # the rule retracted something: keep only what still stands
                declared = tuple(facts[i] for i in range(first_new, facts.last_index) if i in facts)
            else:  # what the store took since `changes` was read: this firing's facts
                declared = tuple(facts.added)
            firings.append(
                _new_firing(
                    (
                        fired,
                        rule.id,
                        rule.salience,
                        tuple(matched) if len(matched) == 1 else tuple(sorted(matched, key=_fact_id)),
                        declared,
                    )
                )
            )
        self._firing = ""
        self.running = False


def _check_unique_rule_names(mixins: tuple[type, ...]) -> None:
    # Mixins share one namespace: a rule method named like another mixin's would
    # silently replace it (rules are collected by attribute name, as experta does).
    seen: dict[str, str] = {}
    for mixin in mixins:
        for name, value in vars(mixin).items():
            if hasattr(value, "meta"):
                if name in seen:
                    raise TypeError(f"rule method {name!r} is defined in both {seen[name]} and {mixin.__name__}")
                seen[name] = mixin.__name__


_check_unique_rule_names(TOPIC_RULES)


class CreditEngine(RuleEngine, *TOPIC_RULES, Conclusions):  # type: ignore[misc]
    """The credit rule base: every topic's rules, and the conclusions they declare."""


_local = threading.local()


@contextmanager
def cyclic_gc_paused():
    """Pause CPython's cyclic garbage collector for one consultation.

    A consultation allocates a few thousand containers (facts, activations, trace
    entries) that all die by reference counting when it returns; none forms a cycle
    (tests/test_engine_memory.py checks).  While they live, the collector scans them
    again and again and, every dozen consultations, walks the whole heap: measured
    10% of a 1-debt and 26% of a 20-debt consultation.  The collector is only paused
    if it was running, and always resumed; it then finds nothing of ours to collect.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def engine() -> CreditEngine:
    """This thread's engine, built on first use."""
    built = getattr(_local, "engine", None)
    if built is None:
        built = _local.engine = CreditEngine()
    return built


def registry() -> list:
    """Every rule's metadata, sorted by id."""
    return sorted((rule.meta for rule in engine().get_rules()), key=lambda m: m.id)
