"""The compiled matcher: the activations experta's Rete gives, for less work.

It matches the rules' compiled conditions (`advisor.engine.compiled`, read once from
the experta rules) against the facts of one consultation.  experta 1.9.4's
`ReteMatcher` walks every new fact through a tree of single-slot test nodes (each a
Python call, with a logging call) and joins tokens by scanning whole memories; it was
about 80% of a consultation.  Here:

- **Alpha part.**  Per fact type and tested slot, a table maps each value seen to the
  bitmask of patterns it lets through; a fact's patterns are the AND of its slots'
  masks.  Our slots hold small banded values, so the tables are warm after a few
  situations: one dict lookup per slot, instead of one test call per pattern and slot.
  A new value is tested with the compiled constraint's `accepts`.
- **Beta part.**  Each branch of a rule's normal form is a sequence of positive
  patterns and negations.  Memories are indexed by bound variable, so a join on
  `MATCH.debt` looks only at that debt's facts.  A negation counts the facts that
  block each match.

Equivalence is tested, not assumed: `tests/test_matcher_equivalence.py` runs the whole
rule base on this matcher and on experta's own Rete over every example and random
situations and compares the firing sequences, and a toy rule base checks retraction,
NOT re-activation and the constructs our rules do not use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from advisor.engine.compiled import Bind, CompiledRule, Negation, Pattern, Slot
from advisor.engine.experta_door import FACT_ID

_MISSING: Any = object()
_NO_BINDINGS: dict = {}
_NO_ENTRIES: list = []  # read only
CACHE_LIMIT = 1 << 16  # values per slot table (and masks per type) before the table restarts


# --- alpha part: one pattern's slot tests ---------------------------------------------------


class _Pattern:
    """One distinct compiled pattern in the network: its slot tests, the variables it
    binds, its memory and the branch positions and negations that use it."""

    def __init__(self, index: int, pattern: Pattern):
        self.index = index
        self.fact_type = pattern.fact_type
        # slot -> test; a slot that only binds (`MATCH.debt`) needs no test, only presence.
        self.tests: dict[Slot, Callable[[Any], bool]] = {
            slot: constraint.accepts for slot, constraint in pattern.slots if not isinstance(constraint, Bind)
        }
        pairs = pattern.binds  # (variable, slot): the variable takes the slot's value
        self.pairs = pairs
        self.single = pairs[0] if len(pairs) == 1 else None  # the usual case: MATCH.debt
        self.variables = frozenset(var for var, _ in pairs)
        # Set by the matcher once the network is built.
        self.memory: _Memory = _Memory(self.variables)
        self.positive_uses: list[tuple[_Branch, int, tuple[_Memory, ...]]] = []
        self.negative_uses: list[tuple[_Branch, _Negation]] = []
        self.remembered = True
        # A variable bound twice in one pattern must take one value (experta's alpha check).
        self.repeats = len(self.variables) < len(pairs)

    def bind(self, fact: Mapping) -> dict | None:
        """The variables this pattern binds on a fact that passed its tests (never
        modified afterwards: joins and activations copy it)."""
        if not self.pairs:
            return _NO_BINDINGS
        if not self.repeats:
            try:
                return {var: fact[slot] for var, slot in self.pairs}
            except (KeyError, IndexError, TypeError):
                return None  # a bound slot the fact lacks: experta's check fails too
        context: dict = {}
        for var, slot in self.pairs:
            value = fact.get(slot, _MISSING)
            if value is _MISSING or context.setdefault(var, value) != value:
                return None
        return context


class _TypeNet:
    """All patterns on one fact type.

    Each tested slot keeps, per value seen, a bitmask of the patterns that value lets
    through (a pattern not testing the slot always passes it); a fact's patterns are the
    AND of its slots' masks.  Values are banded, so the tables stay small and warm.
    """

    def __init__(self, patterns: list[_Pattern]):
        self.patterns = patterns
        everything = (1 << len(patterns)) - 1
        self.everything = everything
        slots = sorted({slot for pattern in patterns for slot in pattern.tests}, key=repr)
        self.slots: list[tuple[Slot, dict, list[tuple[int, Callable[[Any], bool]]], int]] = []
        for slot in slots:
            testers = [(bit, pattern.tests[slot]) for bit, pattern in enumerate(patterns) if slot in pattern.tests]
            untested = everything
            for bit, _ in testers:
                untested &= ~(1 << bit)
            self.slots.append((slot, {}, testers, untested))
        self.by_mask: dict[int, tuple[_Pattern, ...]] = {}

    def match(self, fact: Mapping) -> list[tuple[_Pattern, dict]]:
        """The patterns this fact passes, each with the variables it binds."""
        mask = self.everything
        for slot, table, testers, untested in self.slots:
            value = fact.get(slot, _MISSING)
            try:
                mask &= table[value]
            except KeyError:
                mask &= self._learn(table, testers, untested, value)
            except TypeError:  # an unhashable value: test it without the table
                mask &= self._mask(testers, untested, value)
            if not mask:
                return []
        passing = self.by_mask.get(mask)
        if passing is None:
            if len(self.by_mask) >= CACHE_LIMIT:
                self.by_mask.clear()
            passing = self.by_mask[mask] = tuple(p for bit, p in enumerate(self.patterns) if mask >> bit & 1)
        matched = []
        for pattern in passing:
            if pattern.single is not None:
                var, slot = pattern.single
                value = fact.get(slot, _MISSING)
                if value is not _MISSING:
                    matched.append((pattern, {var: value}))
            elif not pattern.pairs:
                matched.append((pattern, _NO_BINDINGS))
            else:
                context = pattern.bind(fact)
                if context is not None:
                    matched.append((pattern, context))
        return matched

    def _learn(self, table: dict, testers: list[tuple[int, Callable[[Any], bool]]], untested: int, value: Any) -> int:
        if len(table) >= CACHE_LIMIT:
            table.clear()
        mask = table[value] = self._mask(testers, untested, value)
        return mask

    @staticmethod
    def _mask(testers: list[tuple[int, Callable[[Any], bool]]], untested: int, value: Any) -> int:
        mask = untested
        if value is not _MISSING:  # a slot the fact lacks fails every test on it
            for bit, check in testers:
                if check(value) is not False:
                    mask |= 1 << bit
        return mask


# --- beta part: rules as branches of positive and negated patterns -----------------------
# A memory entry is a tuple (fact, bindings): the fact and the variables its pattern bound.


class _Memory:
    """The facts passing one pattern, in arrival order, indexed by each bound variable."""

    __slots__ = ("by_var", "entries")

    def __init__(self, variables: Iterable[str]):
        self.entries: list[tuple] = []
        self.by_var: dict[str, dict[object, list[tuple]]] = {var: {} for var in sorted(variables)}

    def add(self, entry: tuple) -> None:
        self.entries.append(entry)
        for var, index in self.by_var.items():
            index.setdefault(entry[1][var], []).append(entry)

    def remove_fact(self, fact: Mapping) -> list[tuple]:
        gone = [entry for entry in self.entries if entry[0] is fact]
        for entry in gone:
            self.entries.remove(entry)
            for var, index in self.by_var.items():
                index[entry[1][var]].remove(entry)
        return gone

    def candidates(self, bindings: Mapping) -> list[tuple]:
        for var, index in self.by_var.items():
            if var in bindings:
                return index.get(bindings[var], _NO_ENTRIES)
        return self.entries

    def clear(self) -> None:
        self.entries = []
        for index in self.by_var.values():
            index.clear()


def _consistent(context: Mapping, bindings: Mapping) -> bool:
    for var, value in context.items():
        if var in bindings and bindings[var] != value:
            return False
    return True


class Activation:
    """A complete positive match of one branch, which is an activation while no fact
    blocks it through a negation (`blocks` counts them).  Its agenda `key` is made with
    it (`agenda_key`); `arguments` are what the rule's function receives.

    The facts are a tuple, in pattern order, each once (experta's `Activation` keeps a
    set, which hashes every fact for each activation); one match is one object, so
    equality is identity."""

    __slots__ = ("arguments", "bindings", "blocks", "facts", "key", "rule")

    def __init__(self, rule: CompiledRule, facts: tuple, bindings: Mapping, blocks: int):
        self.rule = rule
        self.facts = facts
        self.key: tuple = ()
        self.bindings = bindings
        self.blocks = blocks
        self.arguments: Mapping = bindings

    def __lt__(self, other: Activation) -> bool:
        return self.key < other.key

    def __repr__(self) -> str:  # pragma: no cover
        return f"Activation(rule={self.rule.id}, facts={self.facts})"


def agenda_key(salience: int, facts: tuple, name: str) -> tuple:
    """The agenda order: salience, then the newest facts (ids, highest first, compared
    in turn), then the rule id, so that no two activations tie."""
    if len(facts) == 1:
        return (salience, [facts[0][FACT_ID]], name)
    return (salience, sorted((f[FACT_ID] for f in facts), reverse=True), name)


class _Negation:
    """A negation of a branch, in the network: its pattern, the variables it compares."""

    def __init__(self, pattern: _Pattern, negation: Negation):
        self.pattern = pattern
        self.variables = negation.compares


class _Branch:
    """One branch of a rule's normal form, in the network, with its current matches."""

    def __init__(self, rule: CompiledRule, positives: list[tuple[_Pattern, str | None]], negations: list[_Negation]):
        self.rule = rule
        self.salience = rule.salience
        self.name = rule.id
        self.positives = positives  # (pattern, capture name)
        self.captures = tuple(capture for _, capture in positives)
        self.named_captures = any(capture is not None for capture in self.captures)
        # When the function takes every variable bound, the bindings are passed as they are.
        bound = {var for pattern, _ in positives for var in pattern.variables}
        self.filtered = rule.parameters is not None and not bound <= rule.parameters
        self.negations = negations
        self.matches: list[Activation] = []
        self.match_index: dict[str, dict[object, list[Activation]]] = {
            var: {} for negation in negations for var in negation.variables
        }

    def clear(self) -> None:
        self.matches = []
        for index in self.match_index.values():
            index.clear()


class CompiledMatcher:
    """Returns the (added, removed) activations for each batch of fact changes."""

    def __init__(self, rules: Iterable[CompiledRule]):
        self._patterns: dict[object, _Pattern] = {}
        self._branches: list[_Branch] = []
        for rule in sorted(rules, key=lambda r: r.name):
            for branch in rule.branches:
                positives = [(self._pattern(p), p.capture) for p in branch.patterns]
                negations = [_Negation(self._pattern(n.pattern), n) for n in branch.negations]
                self._branches.append(_Branch(rule, positives, negations))
        by_type: dict[type, list[_Pattern]] = {}
        for pattern in self._patterns.values():
            by_type.setdefault(pattern.fact_type, []).append(pattern)
        self._nets = {fact_type: _TypeNet(patterns) for fact_type, patterns in by_type.items()}
        # For each pattern, the branch positions it fills, with the memories of the
        # branch's other positions: while one of them is empty there is nothing to join.
        for network_branch in self._branches:
            positives = network_branch.positives
            for position, (used, _) in enumerate(positives):
                others = tuple(other.memory for index, (other, _) in enumerate(positives) if index != position)
                used.positive_uses.append((network_branch, position, others))
            for negation in network_branch.negations:
                negation.pattern.negative_uses.append((network_branch, negation))
        for node in self._patterns.values():
            # A memory is read only by joins and negations: a pattern that is only ever
            # a rule's one positive pattern keeps none (most of ours: one-fact rules).
            node.remembered = bool(node.negative_uses) or any(others for *_, others in node.positive_uses)
        self._touched_memories: list[_Memory] = [node.memory for node in self._patterns.values()]
        self._touched_branches: list[_Branch] = list(self._branches)
        self._added: dict[Activation, Activation] = {}
        self._removed: dict[Activation, Activation] = {}
        self.reset()

    def _pattern(self, pattern: Pattern) -> _Pattern:
        # Patterns that test the same slots the same way share one memory (like experta's
        # shared alpha nodes); the capture stays per rule position.
        key: object = (pattern.fact_type, pattern.slots)
        try:
            hash(key)
        except TypeError:  # an unhashable literal: a pattern of its own
            key = id(pattern)
        if key not in self._patterns:
            self._patterns[key] = _Pattern(len(self._patterns), pattern)
        return self._patterns[key]

    # -- changes ----------------------------------------------------------------------

    def reset(self) -> None:
        # Only what the last consultation touched is wiped: most of the network stays empty.
        for memory in self._touched_memories:
            memory.clear()
        for branch in self._touched_branches:
            branch.clear()
        self._touched_memories = []
        self._touched_branches = []
        self._added = {}
        self._removed = {}

    def changes(
        self, adding: Iterable[Mapping] | None = None, deleting: Iterable[Mapping] | None = None
    ) -> tuple[list[Activation], list[Activation]]:
        for fact in deleting or ():
            self._retract(fact)
        for fact in adding or ():
            self._declare(fact)
        added, removed = list(self._added.values()), list(self._removed.values())
        self._added, self._removed = {}, {}
        return added, removed

    # -- events -----------------------------------------------------------------------

    # Pending changes are keyed by the activation itself (hashed by identity), in
    # insertion order; an activation added and removed in one batch cancels out.
    def _activate(self, match: Activation) -> None:
        if not self._removed or self._removed.pop(match, None) is None:
            self._added[match] = match

    def _deactivate(self, match: Activation) -> None:
        if not self._added or self._added.pop(match, None) is None:
            self._removed[match] = match

    def _declare(self, fact: Mapping) -> None:
        net = self._nets.get(type(fact))
        if net is None:
            return
        matched = net.match(fact)
        if not matched:
            return
        touched = self._touched_memories
        for pattern, bindings in matched:
            if pattern.remembered:
                memory = pattern.memory
                if not memory.entries:
                    touched.append(memory)
                memory.add((fact, bindings))
        # Block existing matches first: matches made below count this fact themselves.
        for pattern, bindings in matched:
            for branch, negation in pattern.negative_uses:
                for match in self._matches_consistent(branch, negation, bindings):
                    match.blocks += 1
                    if match.blocks == 1:
                        self._deactivate(match)
        for pattern, bindings in matched:
            for branch, position, others in pattern.positive_uses:
                if not others:
                    self._add_match(branch, (fact,), bindings)
                    continue
                for memory in others:
                    if not memory.entries:
                        break
                else:
                    for facts, joined in self._join(branch, position, fact, bindings):
                        self._add_match(branch, facts, joined)

    def _retract(self, fact: Mapping) -> None:
        # experta's engines rarely retract (ours never do), so nothing is kept per fact
        # for it: the fact's patterns are found again, and its matches by scanning.
        net = self._nets.get(type(fact))
        if net is None:
            return
        matched = net.match(fact)
        for pattern, _ in matched:
            pattern.memory.remove_fact(fact)
            for branch, *_ in pattern.positive_uses:
                for match in [m for m in branch.matches if any(f is fact for f in m.facts)]:
                    branch.matches.remove(match)
                    for var, index in branch.match_index.items():
                        index[match.bindings[var]].remove(match)
                    if match.blocks == 0:
                        self._deactivate(match)
        for pattern, bindings in matched:
            for branch, negation in pattern.negative_uses:
                for match in self._matches_consistent(branch, negation, bindings):
                    match.blocks -= 1
                    if match.blocks == 0:
                        self._activate(match)

    # -- joins ------------------------------------------------------------------------

    def _join(
        self, branch: _Branch, position: int, fact: Mapping, bindings: Mapping
    ) -> list[tuple[tuple, Mapping]] | tuple[()]:
        """Every complete match of `branch` with `fact` at `position`.  Earlier positions
        take only facts that came before it, so a fact filling several positions yields
        each combination once (as experta's left-then-right activation does)."""
        positives = branch.positives
        if len(positives) == 2:  # the usual join (a debt and its finding): one lookup
            joined: list[tuple[tuple, Mapping]] = []
            for candidate, context in positives[1 - position][0].memory.candidates(bindings):
                if position == 0:
                    if _consistent(context, bindings):
                        joined.append(((fact, candidate), {**bindings, **context}))
                elif candidate is not fact and _consistent(context, bindings):
                    joined.append(((candidate, fact), {**bindings, **context}))
            return joined
        # Start from the new fact's bindings, so every other position is looked up
        # through its memory's index instead of scanned.
        partial: list[tuple[tuple, Mapping]] = [((), bindings)]
        for index, (other, _) in enumerate(positives):
            grown = []
            for chosen, bound in partial:
                if index == position:
                    grown.append((chosen + (fact,), bound))
                    continue
                for candidate, context in other.memory.candidates(bound):
                    if index < position and candidate is fact:
                        continue
                    if _consistent(context, bound):
                        grown.append((chosen + (candidate,), {**bound, **context}))
            if not grown:
                return ()
            partial = grown
        return partial

    def _add_match(self, branch: _Branch, positions: tuple, bindings: Mapping) -> None:
        blocks = 0
        for negation in branch.negations:
            scope = {var: bindings[var] for var in negation.variables if var in bindings}
            for _, context in negation.pattern.memory.candidates(scope):
                if _consistent(context, scope):
                    blocks += 1
        facts = positions
        if len(positions) > 1 and len({id(fact) for fact in positions}) < len(positions):
            facts = tuple({id(fact): fact for fact in positions}.values())  # one fact, two positions
        match = Activation(branch.rule, facts, bindings, blocks)
        if branch.named_captures:  # AS.name << Fact(...): the rule receives the fact too
            captured = {name: fact for name, fact in zip(branch.captures, positions) if name is not None}
            match.arguments = branch.rule.arguments(bindings, captured)
        elif branch.filtered:
            match.arguments = branch.rule.arguments(bindings)
        match.key = agenda_key(branch.salience, facts, branch.name)
        if not branch.matches:
            self._touched_branches.append(branch)
        branch.matches.append(match)
        for var, index in branch.match_index.items():
            index.setdefault(bindings[var], []).append(match)
        if not blocks and (not self._removed or self._removed.pop(match, None) is None):
            self._added[match] = match

    @staticmethod
    def _matches_consistent(branch: _Branch, negation: _Negation, context: Mapping) -> list[Activation]:
        if not negation.variables:  # e.g. NOT(Effect(topic=..., alarming=True)): every match
            return list(branch.matches)
        for var in negation.variables:
            if var in context:
                candidates = branch.match_index[var].get(context[var], [])
                break
        else:
            candidates = branch.matches
        scope = {var: context[var] for var in negation.variables if var in context}
        return [match for match in candidates if _consistent(scope, match.bindings)]
