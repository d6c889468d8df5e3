"""The inference engine: topic mixins + a stable strategy + a trace of every firing.

Built once per thread and reused through `reset()` (a new experta engine per call costs
~13 ms more and leaks memory; engines are not thread-safe).
"""

from __future__ import annotations

import bisect
import functools
import gc
import logging
import threading
from contextlib import contextmanager
from operator import attrgetter
from typing import NamedTuple

from advisor.engine.matcher import CompiledMatcher, agenda_key, rule_id
from credit_advisor.facts.experta_compat import (
    Agenda,
    DepthStrategy,
    Fact,
    FactList,
    InitialFact,
    KnowledgeEngine,
    watchers,
)
from credit_advisor.facts.kb import situation_to_facts
from credit_advisor.facts.situation import Situation
from credit_advisor.rules import TOPIC_RULES
from credit_advisor.rules.base import Conclusions

FACTS_WATCHER = watchers.FACTS
_KEY = attrgetter("key")
MAX_FIRINGS = 50_000  # a runaway guard: the full rule base needs a few hundred at 100 debts


class StableStrategy(DepthStrategy):
    """Depth strategy with a total order and exact removal.

    experta's DepthStrategy breaks ties by the rule network's order (object ids: it
    changes between processes) and, on removal, looks only at the bisect position and
    its two neighbours, so with three or more tied activations a stale one can stay on
    the agenda and fire after its NOT(...) became false.  Here the rule id is the final
    tie-breaker, so keys are unique and removal finds the exact activation.  The
    `lru_cache` of `get_key` is dropped: it never hits and costs time on every reset.
    """

    def get_key(self, activation):
        return agenda_key(activation.rule.salience, tuple(activation.facts), rule_id(activation.rule))

    def _update_agenda(self, agenda, added, removed):
        # Bisect on the key tuples (compared in C), not on activations (whose `__lt__`
        # is a Python call per comparison).  The compiled matcher's activations come
        # with their key; experta's own (in tests) get it here.
        activations = agenda.activations
        for act in removed:
            key = getattr(act, "key", None)
            if key is None:
                act.key = key = self.get_key(act)
            index = bisect.bisect_left(activations, key, key=_KEY)
            while index < len(activations) and activations[index].key == key:
                if activations[index] == act:
                    del activations[index]
                    break
                index += 1
        for act in added:
            if getattr(act, "key", None) is None:
                act.key = self.get_key(act)
            bisect.insort_right(activations, act, key=_KEY)


class LeanFactList(FactList):
    """experta's fact list, with the duplicate check done without per-slot calls.

    A fact's identity is its class and its non-special slots, as in experta (there, one
    frozenset of both; here a pair, cheaper to build); a fact not yet declared has no
    special slots, so its items are its identity as they are.
    """

    @staticmethod
    def _get_fact_id(fact):
        return (fact.__class__, frozenset((k, v) for k, v in fact.items() if not fact.is_special(k)))

    def __init__(self):
        super().__init__()
        # experta's watch() switches its loggers on; looked up once per consultation.
        self.logging = FACTS_WATCHER.isEnabledFor(logging.INFO)

    def declare(self, fact):
        if not isinstance(fact, Fact):
            raise ValueError("The fact must descend the Fact class.")  # noqa: TRY004 - experta's own error
        if fact.__fields__:
            fact.validate()
        if "__factid__" in fact or "__bind__" in fact:
            return self.declare_checked(fact, self._get_fact_id(fact))
        return self.declare_checked(fact)

    def declare_checked(self, fact, fact_id=None):
        """`declare` without its checks, for a fact that passed them or cannot fail them:
        a conclusion just made by kb.effect/action/on_report is a plain fact of ours
        without an id, so only the duplicate check remains."""
        if fact_id is None:
            fact_id = (fact.__class__, frozenset(dict.items(fact)))
        counter = self.reference_counter
        if self.duplication or fact_id not in counter:
            index = self.last_index
            dict.__setitem__(fact, "__factid__", index)
            self[index] = fact
            self.last_index = index + 1
            self.added.append(fact)
            counter[fact_id] = counter.get(fact_id, 0) + 1
            if self.logging:
                FACTS_WATCHER.info(" ==> %s: %r", fact, fact)
            return fact
        return None


def _refuse_patterns(fact) -> None:
    # experta's own checks, for facts not known to hold plain scalars only.
    if fact.has_field_constraints():
        raise TypeError("Declared facts cannot contain conditional elements")
    if fact.has_nested_accessor():
        raise KeyError("Cannot declare facts containing double underscores as keys.")


def _fact_id(fact) -> int:
    return fact["__factid__"]


class Firing(NamedTuple):
    """One rule firing as it happened: the facts it matched and the facts it declared."""

    seq: int
    rule: str
    salience: int
    matched: tuple[Fact, ...]
    declared: tuple[Fact, ...]


# Firing((...)) without NamedTuple's Python-level __new__: one firing per rule that fires.
_new_firing = functools.partial(tuple.__new__, Firing)


def _check_unique_rule_names(mixins) -> None:
    # Mixins share one namespace: a rule method named like another mixin's would
    # silently replace it (experta collects rules by attribute name).
    seen: dict[str, str] = {}
    for mixin in mixins:
        for name, value in vars(mixin).items():
            if hasattr(value, "meta"):
                if name in seen:
                    raise TypeError(f"rule method {name!r} is defined in both {seen[name]} and {mixin.__name__}")
                seen[name] = mixin.__name__


_check_unique_rule_names(TOPIC_RULES)


class CreditEngine(*TOPIC_RULES, Conclusions, KnowledgeEngine):
    __strategy__ = StableStrategy
    __matcher__ = CompiledMatcher

    def __init__(self):
        super().__init__()
        self.firings: list[Firing] = []

    def reset(self):
        # experta's reset() inspects the signature of every DefFacts on every call; we
        # have none but experta's own InitialFact, so declare that directly.
        self.agenda = Agenda()
        self.facts = LeanFactList()
        self.matcher.reset()
        self.running = False
        self.declare(InitialFact())

    def declare(self, *facts):
        """experta's declare, checking plain facts (all of ours) in one pass."""
        for fact in facts:
            if not getattr(fact, "plain", False):
                _refuse_patterns(fact)
        last = None
        for fact in facts:
            last = self.facts.declare(fact)
        if not self.running:
            added, removed = self.get_activations()
            self.strategy.update_agenda(self.agenda, added, removed)
        return last

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
        self.facts = LeanFactList()
        self.firings = []

    def run(self, steps=float("inf")):
        # experta's own loop, plus the trace: each firing is recorded the moment it
        # completes, with the id range of facts it declared (fact ids only increase).
        self.running = True
        fired = 0
        facts, firings, matcher = self.facts, self.firings, self.matcher
        # experta's strategy logs each agenda change when its ACTIVATIONS watcher is on;
        # otherwise the agenda is updated directly.
        update = self.strategy.update_agenda if watchers.worth("ACTIVATIONS", "INFO") else self.strategy._update_agenda
        while steps > 0 and self.running:
            if facts.added or facts.removed:
                # FactList.changes, without its property and try/finally per firing.
                new, gone = facts.added, facts.removed
                facts.added, facts.removed = [], []
                added, removed = matcher.changes(new, gone)
                if added or removed:
                    update(self.agenda, added, removed)
            pending = self.agenda.activations  # Agenda.get_next: the last is the next
            if not pending:
                break
            activation = pending.pop()
            steps -= 1
            fired += 1
            if fired > MAX_FIRINGS:
                raise RuntimeError(f"rule base did not settle after {MAX_FIRINGS} firings")
            rule = activation.rule
            salience, _, name = activation.key  # StableStrategy's key: salience, fact ids, rule id
            first_new = facts.last_index
            self._firing = name
            arguments = getattr(activation, "arguments", None)
            if arguments is not None and rule._wrapped_self is None:
                # Prepared by the compiled matcher, already filtered as experta's Rule
                # would: call the rule's function directly.
                rule._wrapped(self, **arguments)
            else:
                rule(self, **{k: v for k, v in activation.context.items() if not k.startswith("__")})
            matched = activation.facts
            if facts.removed:  # the rule retracted something: keep only what still stands
                declared = tuple(facts[i] for i in range(first_new, facts.last_index) if i in facts)
            else:  # what the fact list took since `changes` was read: this firing's facts
                declared = tuple(facts.added)
            firings.append(
                _new_firing(
                    (
                        fired,
                        name,
                        salience,
                        tuple(matched) if len(matched) == 1 else tuple(sorted(matched, key=_fact_id)),
                        declared,
                    )
                )
            )
        self._firing = ""
        self.running = False


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
