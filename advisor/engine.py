"""The inference engine: topic mixins + a stable strategy + a trace of every firing.

Built once per thread and reused through `reset()` (a new experta engine per call costs
~13 ms more and leaks memory; engines are not thread-safe).
"""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass

from credit_advisor.facts.experta_compat import (
    Agenda,
    DepthStrategy,
    Fact,
    FactList,
    InitialFact,
    KnowledgeEngine,
    ReteMatcher,
    Token,
    TypeCheck,
)
from credit_advisor.facts.kb import situation_to_facts
from credit_advisor.facts.situation import Situation
from credit_advisor.rules import TOPIC_RULES
from credit_advisor.rules.base import Conclusions

MAX_FIRINGS = 50_000  # a runaway guard: the full rule base needs a few hundred at 100 debts


def rule_id(rule) -> str:
    meta = getattr(rule, "meta", None)
    return meta.id if meta is not None else getattr(rule, "__name__", "?")


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
        facts = sorted((f["__factid__"] for f in activation.facts), reverse=True)
        return (activation.rule.salience, facts, rule_id(activation.rule))

    def _update_agenda(self, agenda, added, removed):
        activations = agenda.activations
        for act in removed:
            act.key = self.get_key(act)
            index = bisect.bisect_left(activations, act)
            while index < len(activations) and activations[index].key == act.key:
                if activations[index] == act:
                    del activations[index]
                    break
                index += 1
        for act in added:
            act.key = self.get_key(act)
            bisect.insort(activations, act)


class DirtyTrackingMatcher(ReteMatcher):
    """Rete matcher that does only the work whose outcome is not known in advance.

    - experta's `changes()` polls every rule's conflict-set node after every firing
      (about 130 here, most of them idle): a quarter of the run time.  Each node marks
      itself dirty when activated, and only dirty nodes are asked, in the network's
      node order, so the result is the list experta would build.
    - The root sends each new fact to every fact-type branch, where all but one
      reject it at once (experta's type test is `type(fact) == T`).  Here the root
      sends it only to the branches of its own type.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._dispatch_by_type()
        self._nodes = self._unique_nodes()
        nodes = self._get_conflict_set_nodes()
        self._position = {id(node): index for index, node in enumerate(nodes)}
        self._dirty: dict[int, object] = {}
        for node in nodes:
            node._activate = self._tracking(node, node._activate)

    def _unique_nodes(self) -> list:
        # Shared sub-networks are reached through many parents; experta's recursive
        # reset wipes them once per path (about 600 wipes for 260 nodes here).
        seen: dict[int, object] = {}
        stack = [self.root_node]
        while stack:
            node = stack.pop()
            if id(node) not in seen:
                seen[id(node)] = node
                stack.extend(child.node for child in node.children)
        return list(seen.values())

    def reset(self):
        for node in self._nodes:
            node._reset()
        for node in self._dirty.values():
            node.get_activations()  # drop activations no one collected
        self._dirty.clear()

    def _dispatch_by_type(self) -> None:
        root = self.root_node
        by_type: dict[type, list] = {}
        untyped = []
        for child in root.children:
            check = getattr(child.node, "matcher", None)
            if isinstance(check, TypeCheck):
                by_type.setdefault(check.fact_type, []).append(child)
            else:
                untyped.append(child)

        def send(token, fact):
            for child in by_type.get(type(fact), ()):
                child.callback(token)
            for child in untyped:
                child.callback(token)

        root.add = lambda fact: send(Token.valid(fact), fact)
        root.remove = lambda fact: send(Token.invalid(fact), fact)

    def _tracking(self, node, activate):
        dirty = self._dirty

        def tracked(token):
            dirty[id(node)] = node
            return activate(token)

        return tracked

    def changes(self, adding=None, deleting=None):
        if deleting is not None:
            for deleted in deleting:
                self.root_node.remove(deleted)
        if adding is not None:
            for added in adding:
                self.root_node.add(added)
        added, removed = [], []
        if self._dirty:
            position = self._position
            for node in sorted(self._dirty.values(), key=lambda n: position[id(n)]):
                node_added, node_removed = node.get_activations()
                added.extend(node_added)
                removed.extend(node_removed)
            self._dirty.clear()
        return added, removed


@dataclass(frozen=True)
class Firing:
    """One rule firing as it happened: the facts it matched and the facts it declared."""

    seq: int
    rule: str
    salience: int
    matched: tuple[Fact, ...]
    declared: tuple[Fact, ...]


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
    __matcher__ = DirtyTrackingMatcher

    def __init__(self):
        super().__init__()
        self.firings: list[Firing] = []

    def reset(self):
        # experta's reset() inspects the signature of every DefFacts on every call; we
        # have none but experta's own InitialFact, so declare that directly.
        self.agenda = Agenda()
        self.facts = FactList()
        self.matcher.reset()
        self._KnowledgeEngine__declare(InitialFact())
        self.running = False

    def consult(self, situation: Situation) -> list[Firing]:
        """Run the rule base on one situation; return the firings in order."""
        self.reset()
        self.firings = []
        self.declare(*situation_to_facts(situation))
        self.run()
        return self.firings

    def run(self, steps=float("inf")):
        # experta's own loop, plus the trace: each firing is recorded the moment it
        # completes, with the id range of facts it declared (fact ids only increase).
        self.running = True
        fired = 0
        while steps > 0 and self.running:
            added, removed = self.get_activations()
            self.strategy.update_agenda(self.agenda, added, removed)
            activation = self.agenda.get_next()
            if activation is None:
                break
            steps -= 1
            fired += 1
            if fired > MAX_FIRINGS:
                raise RuntimeError(f"rule base did not settle after {MAX_FIRINGS} firings")
            first_new = self.facts.last_index
            self._firing = rule_id(activation.rule)
            activation.rule(self, **{k: v for k, v in activation.context.items() if not k.startswith("__")})
            self.firings.append(
                Firing(
                    seq=fired,
                    rule=self._firing,
                    salience=activation.rule.salience,
                    matched=tuple(sorted(activation.facts, key=lambda f: f["__factid__"])),
                    declared=tuple(self.facts[i] for i in range(first_new, self.facts.last_index) if i in self.facts),
                )
            )
        self._firing = ""
        self.running = False


_local = threading.local()


def engine() -> CreditEngine:
    """This thread's engine, built on first use."""
    built = getattr(_local, "engine", None)
    if built is None:
        built = _local.engine = CreditEngine()
    return built


def registry() -> list:
    """Every rule's metadata, sorted by id."""
    return sorted((rule.meta for rule in engine().get_rules()), key=lambda m: m.id)
