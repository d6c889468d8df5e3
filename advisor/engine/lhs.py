"""Reading a rule's experta conditions (its left-hand side) as data, and evaluating them
against a set of facts outside the Rete network.

Why-not explanations are computed from the real rule conditions, never from a
hand-written copy: a `Rule` is a tuple of conditional elements (fact patterns, NOT, OR,
AND, EXISTS, TEST); a pattern's slots hold field constraints (L, W, P, ~, &, |) or plain
values.  `alternatives()` puts the conditions in disjunctive normal form (one list of
elements per way the rule can match), `solutions()` finds every binding that satisfies
one alternative, and `slot_ok()` checks one slot, so a caller can say exactly which slot
of which pattern fails.

The semantics follow experta 1.9.4 (`experta/matchers/rete/check.py`): a pattern
matches a fact of exactly its class; a plain value `v` means `L(v)`; `W`, `L` and `P`
bind a variable when given one, and a variable bound twice must hold equal values.
Negated elements are tested after the positive ones, with the bindings those made (the
order every rule of this project uses).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from credit_advisor.facts.experta_compat import AND, EXISTS, NOT, OR, TEST, Fact, L, P, W

# experta's composite field constraints, reached through the operators that build them
# (facts.experta_compat stays the one module that imports experta).
ANDFC = type(L(0) & L(1))
ORFC = type(L(0) | L(1))
NOTFC = type(~L(0))
FieldConstraint = next(cls for cls in L.__mro__ if cls.__name__ == "FieldConstraint")

Bindings = dict


@dataclass(frozen=True)
class Element:
    """One condition of an alternative: a pattern that must match (or, when `negated`,
    patterns that must not match together), or a TEST."""

    patterns: tuple[Fact, ...]
    negated: bool = False
    exists: bool = False
    test: object | None = None


def alternatives(rule) -> list[tuple[Element, ...]]:
    """The rule's conditions in disjunctive normal form: the rule fires for a binding
    when every element of one alternative holds."""
    return [tuple(alt) for alt in _dnf(AND(*tuple(rule)))]


def _dnf(ce) -> list[list[Element]]:
    if isinstance(ce, Fact):
        return [[Element(patterns=(ce,))]]
    if isinstance(ce, OR):
        return [alt for sub in ce for alt in _dnf(sub)]
    if isinstance(ce, AND):
        result: list[list[Element]] = [[]]
        for sub in ce:
            result = [left + right for left in result for right in _dnf(sub)]
        return result
    if isinstance(ce, NOT):
        inner = ce[0]
        if isinstance(inner, Fact):
            return [[Element(patterns=(inner,), negated=True)]]
        if isinstance(inner, OR):  # NOT(a | b) = NOT a AND NOT b
            return _dnf(AND(*(NOT(sub) for sub in inner)))
        if isinstance(inner, AND) and all(isinstance(p, Fact) for p in inner):
            return [[Element(patterns=tuple(inner), negated=True)]]
        raise TypeError(f"unsupported condition under NOT: {inner!r}")
    if isinstance(ce, EXISTS):
        return [[Element(patterns=tuple(p for p in ce if isinstance(p, Fact)), exists=True)]]
    if isinstance(ce, TEST):
        return [[Element(patterns=(), test=ce[0])]]
    raise TypeError(f"unsupported condition: {ce!r}")


def slots(pattern: Fact) -> list[tuple[object, object]]:
    """The constrained slots of a pattern, in declaration order."""
    return [(key, value) for key, value in pattern.items() if not Fact.is_special(key)]


def _bind(name, value, bindings: Bindings) -> Bindings | None:
    if name is None:
        return bindings
    if name in bindings:
        return bindings if bindings[name] == value else None
    return {**bindings, name: value}


def constraint_ok(constraint, value, bindings: Bindings) -> Bindings | None:
    """The bindings after `value` meets `constraint`, or None if it does not."""
    if isinstance(constraint, W):
        return _bind(constraint.__bind__, value, bindings)
    if isinstance(constraint, L):
        return _bind(constraint.__bind__, value, bindings) if constraint.value == value else None
    if isinstance(constraint, P):
        return _bind(constraint.__bind__, value, bindings) if constraint.match(value) else None
    if isinstance(constraint, NOTFC):
        inner = constraint[0]
        if isinstance(inner, W) and inner.__bind__ is not None:
            if inner.__bind__ not in bindings:
                return bindings
            return bindings if bindings[inner.__bind__] != value else None
        return bindings if constraint_ok(inner, value, bindings) is None else None
    if isinstance(constraint, ANDFC):
        for part in constraint:
            bindings = constraint_ok(part, value, bindings)
            if bindings is None:
                return None
        return bindings
    if isinstance(constraint, ORFC):
        for part in constraint:
            found = constraint_ok(part, value, bindings)
            if found is not None:
                return found
        return None
    if isinstance(constraint, FieldConstraint):
        raise TypeError(f"unsupported field constraint: {constraint!r}")
    return bindings if constraint == value else None


def slot_ok(pattern: Fact, key, fact: Fact, bindings: Bindings) -> Bindings | None:
    if key not in fact:
        return None
    return constraint_ok(pattern[key], fact[key], bindings)


def match(pattern: Fact, fact: Fact, bindings: Bindings) -> Bindings | None:
    """The bindings after `fact` matches `pattern`, or None."""
    if type(fact) is not type(pattern):
        return None
    for key, _ in slots(pattern):
        bindings = slot_ok(pattern, key, fact, bindings)
        if bindings is None:
            return None
    return bindings


def _all(patterns: tuple[Fact, ...], facts: list[Fact], bindings: Bindings) -> Iterator[Bindings]:
    if not patterns:
        yield bindings
        return
    first, rest = patterns[0], patterns[1:]
    for fact in facts:
        found = match(first, fact, bindings)
        if found is not None:
            yield from _all(rest, facts, found)


def holds(element: Element, facts: list[Fact], bindings: Bindings) -> bool:
    """Whether a negated/exists/test element holds under `bindings`."""
    if element.test is not None:
        return bool(element.test(**{k: v for k, v in bindings.items() if isinstance(k, str)}))
    found = next(_all(element.patterns, facts, bindings), None) is not None
    return not found if element.negated else found


def solutions(
    alternative: Iterable[Element], facts: list[Fact], bindings: Bindings | None = None
) -> Iterator[Bindings]:
    """Every binding under which all elements of `alternative` hold."""
    elements = list(alternative)
    positives = [e for e in elements if not e.negated and not e.exists and e.test is None]
    others = [e for e in elements if e not in positives]

    def walk(index: int, current: Bindings) -> Iterator[Bindings]:
        if index == len(positives):
            if all(holds(e, facts, current) for e in others):
                yield current
            return
        for found in _all(positives[index].patterns, facts, current):
            yield from walk(index + 1, found)

    yield from walk(0, dict(bindings or {}))


def allowed(constraint, domain: Iterable, bindings: Bindings | None = None) -> list:
    """The values of `domain` that meet `constraint` (bindings taken as given)."""
    return [value for value in domain if constraint_ok(constraint, value, dict(bindings or {})) is not None]


def variable(constraint) -> str | None:
    """The variable a slot binds or joins on (`MATCH.debt`, `MATCH.band & …`), if any."""
    if isinstance(constraint, (W, L, P)):
        return constraint.__bind__
    if isinstance(constraint, ANDFC):
        for part in constraint:
            name = variable(part)
            if name is not None:
                return name
    return None
