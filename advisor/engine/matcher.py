"""A compiled matcher for experta rules: the activations experta's Rete gives, for less work.

The rules stay experta rules (the same `Rule` objects, conditions, salience and agenda);
only the way their conditions are matched against facts changes.  experta 1.9.4's
`ReteMatcher` walks every new fact through a tree of single-slot test nodes (each a
Python call, with a logging call) and joins tokens by scanning whole memories; it was
about 80% of a consultation.  Here:

- **Alpha part.**  Per fact type and tested slot, a table maps each value seen to the
  bitmask of patterns it lets through; a fact's patterns are the AND of its slots'
  masks.  Our slots hold small banded values, so the tables are warm after a few
  situations: one dict lookup per slot, instead of one test call per pattern and slot.
  A new value is tested with experta's semantics (`L`, `W`, `P`, `~`, `&`, `|`,
  `MATCH.x` bindings).
- **Beta part.**  Each rule, put in experta's own normal form (`prepare_rule`: OR split
  into branches, `InitialFact` before a leading NOT), is a sequence of positive patterns
  and NOT patterns.  Memories are indexed by bound variable, so a join on `MATCH.debt`
  looks only at that debt's facts.  A NOT counts the facts that block each match.

Equivalence is tested, not assumed: `tests/test_matcher_equivalence.py` runs the whole
rule base under both matchers over every example and random situations and compares the
firing sequences, and a toy engine checks retraction and NOT re-activation.
Constructs our rules do not use (TEST, EXISTS, FORALL, negated bindings, nested
accessors, typed Fields with defaults) are refused when the matcher is built, naming
the rule, rather than matched differently.
"""

from __future__ import annotations

from collections.abc import Mapping

from credit_advisor.facts.experta_compat import (
    AND,
    ANDFC,
    NOT,
    NOTFC,
    OR,
    ORFC,
    Fact,
    FieldConstraint,
    L,
    Matcher,
    P,
    W,
    prepare_rule,
)

_MISSING = object()
_NO_BINDINGS: dict = {}
CACHE_LIMIT = 1 << 16  # values per slot table (and masks per type) before the table restarts


class UnsupportedCondition(TypeError):
    """A rule uses a condition the compiled matcher does not implement."""


# --- alpha part: one pattern's slot constraints -----------------------------------------


def _compile_constraint(how, rule_name: str):
    """experta's FeatureCheck semantics for one slot, as value -> False | True | {var: value}."""
    if not isinstance(how, FieldConstraint):
        how = L(how)
    bind = getattr(how, "__bind__", None)
    if isinstance(how, L):
        expected = how.value
        if bind is None:
            return lambda actual: expected == actual
        return lambda actual: {bind: actual} if expected == actual else False
    if isinstance(how, W):
        if bind is None:
            return lambda actual: True
        return lambda actual: {bind: actual}
    if isinstance(how, P):
        predicate = how.match
        if bind is None:
            return lambda actual: bool(predicate(actual))
        return lambda actual: {bind: actual} if predicate(actual) else False
    if isinstance(how, NOTFC):
        if _binds(how[0]):
            raise UnsupportedCondition(f"rule {rule_name}: a negated binding (~MATCH.x) is not supported")
        inner = _compile_constraint(how[0], rule_name)
        return lambda actual: not inner(actual)
    if isinstance(how, ANDFC):
        parts = [_compile_constraint(part, rule_name) for part in how]

        def all_of(actual):
            bound = {}
            for part in parts:
                result = part(actual)
                if result is False:
                    return False
                if result is not True:
                    bound.update(result)
            return bound or True

        return all_of
    if isinstance(how, ORFC):
        parts = [_compile_constraint(part, rule_name) for part in how]

        def any_of(actual):
            for part in parts:
                result = part(actual)
                if result:
                    return result
            return False

        return any_of
    raise UnsupportedCondition(f"rule {rule_name}: unknown field constraint {how!r}")


def _binds(how) -> bool:
    if getattr(how, "__bind__", None) is not None:
        return True
    return isinstance(how, (ANDFC, ORFC, NOTFC)) and any(_binds(part) for part in how)


def _bound_names(how, rule_name: str) -> list[str]:
    """The variables a slot constraint binds when it passes: always to the slot's value."""
    if not isinstance(how, FieldConstraint):
        return []
    if isinstance(how, (ORFC, NOTFC)) and any(_binds(part) for part in how):
        # Which variable an OR binds depends on the value; a NOT's binding is negated.
        raise UnsupportedCondition(f"rule {rule_name}: a binding inside | or ~ is not supported")
    names = [how.__bind__] if getattr(how, "__bind__", None) is not None else []
    if isinstance(how, ANDFC):
        for part in how:
            names.extend(_bound_names(part, rule_name))
    return names


class _Pattern:
    """One distinct fact pattern: its type, tested slots, and the variables it binds."""

    def __init__(self, index: int, pattern: Fact, rule_name: str):
        self.index = index
        self.fact_type = type(pattern)
        if getattr(self.fact_type, "__fields__", None):
            raise UnsupportedCondition(f"rule {rule_name}: fact types with declared Fields are not supported")
        self.tests: dict[object, object] = {}  # slot -> compiled constraint
        pairs: list[tuple[str, object]] = []  # (variable, slot): the variable takes the slot's value
        for slot, how in pattern.items():
            if isinstance(slot, str) and slot.startswith("__") and slot.endswith("__"):
                if slot == "__bind__":
                    continue
                raise UnsupportedCondition(f"rule {rule_name}: special slot {slot!r} is not supported")
            if isinstance(slot, str) and "__" in slot.strip("_"):
                raise UnsupportedCondition(f"rule {rule_name}: nested accessor {slot!r} is not supported")
            pairs.extend((var, slot) for var in _bound_names(how, rule_name))
            if not (isinstance(how, W) and how.__bind__ is not None):
                self.tests[slot] = _compile_constraint(how, rule_name)
        self.pairs = tuple(pairs)
        self.single = pairs[0] if len(pairs) == 1 else None  # the usual case: MATCH.debt
        self.variables = frozenset(var for var, _ in pairs)
        # Set by the matcher once the network is built: this pattern's memory, and the
        # branch positions and negations that use it.
        self.memory: _Memory | None = None
        self.positive_uses: list = []
        self.negative_uses: list = []
        self.remembered = True
        # A variable bound twice in one pattern must take one value (experta's alpha check).
        self.repeats = len(self.variables) < len(pairs)

    def bind(self, fact) -> dict | None:
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
        self.slots: list[tuple[object, dict, list[tuple[int, object]], int]] = []
        for slot in slots:
            testers = [(bit, pattern.tests[slot]) for bit, pattern in enumerate(patterns) if slot in pattern.tests]
            untested = everything
            for bit, _ in testers:
                untested &= ~(1 << bit)
            self.slots.append((slot, {}, testers, untested))
        self.by_mask: dict[int, tuple[_Pattern, ...]] = {}

    def match(self, fact) -> list[tuple[_Pattern, dict]]:
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

    def _learn(self, table: dict, testers, untested: int, value) -> int:
        if len(table) >= CACHE_LIMIT:
            table.clear()
        mask = table[value] = self._mask(testers, untested, value)
        return mask

    @staticmethod
    def _mask(testers, untested: int, value) -> int:
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

    def __init__(self, variables):
        self.entries: list[tuple] = []
        self.by_var: dict[str, dict[object, list[tuple]]] = {var: {} for var in sorted(variables)}

    def add(self, entry: tuple) -> None:
        self.entries.append(entry)
        for var, index in self.by_var.items():
            index.setdefault(entry[1][var], []).append(entry)

    def remove_fact(self, fact) -> list[tuple]:
        gone = [entry for entry in self.entries if entry[0] is fact]
        for entry in gone:
            self.entries.remove(entry)
            for var, index in self.by_var.items():
                index[entry[1][var]].remove(entry)
        return gone

    def candidates(self, bindings: Mapping) -> list[tuple]:
        for var, index in self.by_var.items():
            if var in bindings:
                return index.get(bindings[var], ())
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


class CompiledActivation:
    """An activation as experta's agenda and strategies use it (`rule`, `facts`, `context`,
    `key`, ordered by `key`), which is also the matcher's record of a complete positive
    match: the variables bound, and how many facts currently block it through a NOT (an
    activation only while none do).

    Not experta's `Activation` class: that one keeps its facts in a set, which hashes
    every fact (a frozenset of all its slots) for each activation, and has no slots.
    Here the facts are a tuple, in pattern order, each once; one match is one object,
    so equality is identity.  Its agenda `key` is made with it (`agenda_key`), and the
    experta `context` (bindings plus captured facts) only when asked for: the engine
    calls the rule with `arguments`."""

    __slots__ = ("arguments", "bindings", "blocks", "captures", "facts", "key", "positions", "rule")

    def __init__(self, rule, positions: tuple, facts: tuple, captures: tuple, bindings: Mapping, blocks: int):
        self.rule = rule
        self.positions = positions  # one fact per positive pattern, as the captures name them
        self.facts = facts
        self.captures = captures
        self.key = None
        self.bindings = bindings
        self.blocks = blocks
        # What experta's Rule would pass its function: the context minus "__" keys, then
        # only the names the function declares (set by the matcher).
        self.arguments = bindings

    @property
    def context(self) -> dict:
        context = dict(self.bindings)
        context.update(zip(self.captures, self.positions))
        return context

    def __lt__(self, other):
        return self.key < other.key

    def __repr__(self):  # pragma: no cover
        return f"CompiledActivation(rule={getattr(self.rule, '__name__', self.rule)}, facts={self.facts})"


def rule_id(rule) -> str:
    """The id a rule is known by: its knowledge id, or experta's name for it."""
    meta = getattr(rule, "meta", None)
    return meta.id if meta is not None else getattr(rule, "__name__", "?")


def agenda_key(salience: int, facts: tuple, name: str) -> tuple:
    """The agenda order of `StableStrategy`: salience, then the newest facts (ids, highest
    first, compared in turn), then the rule id, so that no two activations tie."""
    if len(facts) == 1:
        return (salience, [facts[0]["__factid__"]], name)
    return (salience, sorted((f["__factid__"] for f in facts), reverse=True), name)


class _Negation:
    """A NOT pattern of a branch and the variables bound before it (all it can compare)."""

    def __init__(self, pattern: _Pattern, variables_before: frozenset):
        self.pattern = pattern
        self.variables = tuple(sorted(pattern.variables & variables_before))


class _Branch:
    """One AND of a rule's normal form: positive patterns, in order, and negations."""

    def __init__(self, rule, positives, negations):
        self.rule = rule
        self.salience = rule.salience
        self.name = rule_id(rule)
        self.positives: list[tuple[_Pattern, str]] = positives  # (pattern, capture key)
        self.captures = tuple(capture for _, capture in positives)
        self.named_captures = any(not capture.startswith("__") for capture in self.captures)
        # experta's Rule passes its function only the names it declares (all of them if
        # it takes **kwargs); when those are all the variables bound, the bindings are
        # passed as they are.
        declared = set(getattr(rule, "_wrapped_args", None) or ())
        bound = {var for pattern, _ in positives for var in pattern.variables}
        self.takes = None if not declared or bound <= declared else declared
        self.negations: list[_Negation] = negations
        self.matches: list[CompiledActivation] = []
        self.match_index: dict[str, dict[object, list[CompiledActivation]]] = {
            var: {} for negation in negations for var in negation.variables
        }

    def clear(self) -> None:
        self.matches = []
        for index in self.match_index.values():
            index.clear()


class CompiledMatcher(Matcher):
    """experta `Matcher`: returns (added, removed) activations for each batch of changes."""

    def __init__(self, engine):
        super().__init__(engine)
        self._patterns: dict[object, _Pattern] = {}
        self._branches: list[_Branch] = []
        for rule in sorted(engine.get_rules(), key=lambda r: r.__name__):
            self._compile_rule(rule)
        by_type: dict[type, list[_Pattern]] = {}
        for pattern in self._patterns.values():
            by_type.setdefault(pattern.fact_type, []).append(pattern)
        self._nets = {fact_type: _TypeNet(patterns) for fact_type, patterns in by_type.items()}
        memories = {p.index: _Memory(p.variables) for p in self._patterns.values()}
        # For each pattern, the branch positions it fills, with the memories of the
        # branch's other positions: while one of them is empty there is nothing to join.
        positive_uses: dict[int, list[tuple[_Branch, int, tuple[_Memory, ...]]]] = {}
        negative_uses: dict[int, list[tuple[_Branch, _Negation]]] = {}
        for branch in self._branches:
            for position, (pattern, _) in enumerate(branch.positives):
                others = tuple(
                    memories[other.index] for index, (other, _) in enumerate(branch.positives) if index != position
                )
                positive_uses.setdefault(pattern.index, []).append((branch, position, others))
            for negation in branch.negations:
                negative_uses.setdefault(negation.pattern.index, []).append((branch, negation))
        for pattern in self._patterns.values():
            pattern.memory = memories[pattern.index]
            pattern.positive_uses = positive_uses.get(pattern.index, [])
            pattern.negative_uses = negative_uses.get(pattern.index, [])
            # A memory is read only by joins and negations: a pattern that is only ever
            # a rule's one positive pattern keeps none (most of ours: one-fact rules).
            pattern.remembered = bool(pattern.negative_uses) or any(others for *_, others in pattern.positive_uses)
        self._touched_memories = list(memories.values())
        self._touched_branches = list(self._branches)
        self.reset()

    # -- building ---------------------------------------------------------------------

    def _pattern(self, pattern: Fact, rule_name: str) -> _Pattern:
        # Patterns that test the same slots the same way share one memory (like experta's
        # shared alpha nodes); the capture key stays per rule position.
        key = (type(pattern), frozenset((k, v) for k, v in pattern.items() if k != "__bind__"))
        if key not in self._patterns:
            self._patterns[key] = _Pattern(len(self._patterns), pattern, rule_name)
        return self._patterns[key]

    def _compile_rule(self, rule) -> None:
        name = getattr(rule, "__name__", repr(rule))
        prepared = prepare_rule(rule)
        if len(prepared) and isinstance(prepared[0], OR):
            branches = list(prepared[0])
        else:
            branches = [AND(*prepared)]
        for branch in branches:
            elements = list(branch) if isinstance(branch, AND) else [branch]
            positives, negations, bound = [], [], frozenset()
            for element in elements:
                if isinstance(element, NOT):
                    if len(element) != 1 or not isinstance(element[0], Fact):
                        raise UnsupportedCondition(f"rule {name}: NOT must wrap one fact pattern")
                    negations.append(_Negation(self._pattern(element[0], name), bound))
                elif isinstance(element, Fact):
                    pattern = self._pattern(element, name)
                    capture = element.get("__bind__") or f"__pattern_{id(element)}__"
                    positives.append((pattern, capture))
                    bound |= pattern.variables
                else:
                    raise UnsupportedCondition(
                        f"rule {name}: {type(element).__name__} is not supported by the compiled matcher"
                    )
            if not positives:
                raise UnsupportedCondition(f"rule {name}: a branch without a positive pattern")
            # Activations carry the prepared copy, as experta's do: it is not bound to an
            # engine instance, and the engine passes itself when it fires the rule.
            self._branches.append(_Branch(prepared, positives, negations))

    # -- the Matcher interface --------------------------------------------------------

    def reset(self) -> None:
        # Only what the last consultation touched is wiped: most of the network stays empty.
        for memory in self._touched_memories:
            memory.clear()
        for branch in self._touched_branches:
            branch.clear()
        self._touched_memories: list[_Memory] = []
        self._touched_branches: list[_Branch] = []
        self._added: dict[CompiledActivation, CompiledActivation] = {}
        self._removed: dict[CompiledActivation, CompiledActivation] = {}

    def changes(self, adding=None, deleting=None):
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
    def _activate(self, match: CompiledActivation) -> None:
        if not self._removed or self._removed.pop(match, None) is None:
            self._added[match] = match

    def _deactivate(self, match: CompiledActivation) -> None:
        if not self._added or self._added.pop(match, None) is None:
            self._removed[match] = match

    def _declare(self, fact) -> None:
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

    def _retract(self, fact) -> None:
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

    def _join(self, branch: _Branch, position: int, fact, bindings):
        """Every complete match of `branch` with `fact` at `position`.  Earlier positions
        take only facts that came before it, so a fact filling several positions yields
        each combination once (as experta's left-then-right activation does)."""
        positives = branch.positives
        if len(positives) == 2:  # the usual join (a debt and its finding): one lookup
            joined = []
            for candidate, context in positives[1 - position][0].memory.candidates(bindings):
                if position == 0:
                    if _consistent(context, bindings):
                        joined.append(((fact, candidate), {**bindings, **context}))
                elif candidate is not fact and _consistent(context, bindings):
                    joined.append(((candidate, fact), {**bindings, **context}))
            return joined
        # Start from the new fact's bindings, so every other position is looked up
        # through its memory's index instead of scanned.
        partial = [((), bindings)]
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

    def _add_match(self, branch: _Branch, positions: tuple, bindings) -> None:
        blocks = 0
        for negation in branch.negations:
            scope = {var: bindings[var] for var in negation.variables if var in bindings}
            for _, context in negation.pattern.memory.candidates(scope):
                if _consistent(context, scope):
                    blocks += 1
        facts = positions
        if len(positions) > 1 and len({id(fact) for fact in positions}) < len(positions):
            facts = tuple({id(fact): fact for fact in positions}.values())  # one fact, two positions
        match = CompiledActivation(branch.rule, positions, facts, branch.captures, bindings, blocks)
        if branch.named_captures:  # AS.name << Fact(...): the rule receives the fact too
            match.arguments = {k: v for k, v in match.context.items() if not k.startswith("__")}
        if branch.takes is not None:
            match.arguments = {k: v for k, v in match.arguments.items() if k in branch.takes}
        match.key = agenda_key(branch.salience, facts, branch.name)
        if not branch.matches:
            self._touched_branches.append(branch)
        branch.matches.append(match)
        for var, index in branch.match_index.items():
            index.setdefault(bindings[var], []).append(match)
        if not blocks and (not self._removed or self._removed.pop(match, None) is None):
            self._added[match] = match

    @staticmethod
    def _matches_consistent(branch: _Branch, negation: _Negation, context: Mapping):
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
