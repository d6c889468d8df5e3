"""The engine (compiled rules, compiled matcher, our agenda and run loop) fires what
experta's own engine fires.

experta 1.9.4's `KnowledgeEngine` with its `ReteMatcher` is the reference
(`advisor.engine.experta_door.reference_engine_class`: the same rules and right-hand
sides, experta's agenda with our total order).  The firing sequences (rule, matched
fact ids, declared facts) must be identical, for every example, for random situations,
and for a toy rule base that exercises what ours does not: retraction, NOT
re-activation, repeated variables, AS bindings, predicates and slot-level ORs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from strategies import property_settings, situations

from advisor.engine.compiled import UnsupportedCondition
from advisor.engine.core import CreditEngine, RuleEngine
from advisor.engine.experta_door import reference_engine_class
from advisor.engine.matcher import CompiledMatcher
from credit_advisor.facts.experta_compat import AS, EXISTS, MATCH, NOT, OR, TEST, Fact, L, P, Rule
from credit_advisor.facts.situation import Situation

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.json"))


_compiled, _rete = CreditEngine(), reference_engine_class(CreditEngine)()


def firing_sequence(engine, situation: Situation) -> list[tuple]:
    return [
        (
            f.seq,
            f.rule,
            tuple(fact["__factid__"] for fact in f.matched),
            tuple((type(fact).__name__, fact["__factid__"], tuple(sorted(fact.items()))) for fact in f.declared),
        )
        for f in engine.consult(situation)
    ]


def test_the_engine_runs_on_the_compiled_matcher_and_the_reference_on_experta():
    assert isinstance(_compiled.matcher, CompiledMatcher)
    assert type(_rete.matcher).__name__ == "ReteMatcher"
    assert type(_rete).__mro__[1].__name__ == "KnowledgeEngine"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_fires_the_same_rules_on_the_same_facts_as_experta_rete(path):
    situation = Situation.model_validate(json.loads(path.read_text(encoding="utf-8")))
    assert firing_sequence(_compiled, situation) == firing_sequence(_rete, situation)


@property_settings()
@given(situations())
def test_any_situation_fires_the_same_sequence_under_both_matchers(data):
    situation = Situation.model_validate(data)
    assert firing_sequence(_compiled, situation) == firing_sequence(_rete, situation)


# --- a toy rule base: constructs and operations the credit rules do not use -----------------


class Item(Fact):
    pass


class Tag(Fact):
    pass


class Block(Fact):
    pass


def rule(name: str, *conditions) -> Rule:
    """A rule doing nothing, named `name` (experta names a rule after its function)."""

    def body(self, **_):
        pass

    body.__name__ = body.__qualname__ = name
    return Rule(*conditions)(body)


def toy_rules() -> dict:
    rules = [
        # a join on a variable, with a NOT on the same variable
        rule("paired", Item(id=MATCH.id, kind="a"), Tag(id=MATCH.id), NOT(Block(id=MATCH.id))),
        # a variable repeated inside one pattern
        rule("mirrored", Item(id=MATCH.x, twin=MATCH.x)),
        # OR branches that can both match one fact
        rule("either", OR(Item(kind="a"), Item(size=P(lambda v: v > 2)))),
        # a NOT alone (experta puts InitialFact before it)
        rule("nothing_blocked", NOT(Block())),
        # AS binding, a literal alternative and a negated literal
        rule("captured", AS.item << Item(kind=L("a") | L("b"), size=~L(0))),
        # the same pattern twice: every ordered pair, a fact with itself included
        rule("pairs", Tag(id=MATCH.a), Tag(id=MATCH.b)),
        # a slot-level OR with a binding (experta splits it into two patterns)
        rule("bound_or_literal", Item(id=MATCH.x | L(2), size=MATCH.x)),
        # a slot-level OR that is not a set of distinct literals: a fact can meet both
        rule("literal_or_predicate", Item(size=L(2) | P(lambda v: v > 1))),
        # distinct literals under | (kept whole), bound, and negated literals
        rule("one_of_bound", Item(kind=MATCH.kind & (L("a") | L("b")), size=~(L(0) | L(5)))),
        # a NOT whose pattern holds a slot-level OR, after a join
        rule("unblocked_pair", Item(id=MATCH.id), NOT(Block(id=MATCH.id, level=L(1) | L(2)))),
    ]
    return {r.__name__: r for r in rules}


ToyEngine = type("ToyEngine", (RuleEngine,), toy_rules())


def toy_engine(reference: bool):
    return reference_engine_class(ToyEngine)() if reference else ToyEngine()


def agenda_of(engine) -> list[tuple[str, tuple[int, ...]]]:
    return sorted(engine.pending())


# Fact ids count from f-1 (f-0 is experta's InitialFact) in declaration order.
OPERATIONS = [
    ("declare", Item(id=1, kind="a", size=1, twin=1)),  # f-1
    ("declare", Tag(id=1)),  # f-2
    ("declare", Item(id=2, kind="b", size=2, twin=5)),  # f-3
    ("declare", Tag(id=2)),  # f-4
    ("declare", Block(id=1, level=1)),  # f-5: blocks paired(1), nothing_blocked, unblocked_pair(1)
    ("declare", Item(id=3, kind="a", size=0, twin=3)),  # f-6
    ("declare", Tag(id=3)),  # f-7
    ("retract", 5),  # Block(id=1) goes: paired(1) and nothing_blocked come back
    ("declare", Block(id=3, level=3)),  # f-8
    ("retract", 1),  # Item(id=1)
    ("retract", 2),  # Tag(id=1)
    ("declare", Item(id=1, kind="a", size=5, twin=2)),  # f-9
    ("retract", 3),
]


def test_a_toy_rule_base_keeps_the_same_agenda_through_declarations_and_retractions():
    compiled, rete = toy_engine(reference=False), toy_engine(reference=True)
    for engine in (compiled, rete):
        engine.reset()
    seen = set()
    for step, (operation, argument) in enumerate(OPERATIONS):
        for engine in (compiled, rete):
            if operation == "declare":
                engine.declare(argument.copy())
            else:
                engine.retract(argument)
        assert agenda_of(compiled) == agenda_of(rete), f"after step {step}: {operation} {argument}"
        seen |= {name for name, _ in agenda_of(compiled)}
    assert seen == set(toy_rules())  # every construct was active at some point


def test_a_toy_rule_base_fires_the_same_sequence_with_both_matchers():
    fired = {}
    for reference in (False, True):
        engine = toy_engine(reference)
        engine.reset()
        for _, fact in (op for op in OPERATIONS if op[0] == "declare"):
            engine.declare(fact.copy())
        engine.run()
        fired[reference] = [(f.rule, tuple(fact["__factid__"] for fact in f.matched)) for f in engine.firings]
    assert fired[False] == fired[True]
    assert fired[False]


def test_the_as_binding_reaches_the_right_hand_side_as_the_fact_itself():
    seen = []
    namespace = {"captured": Rule(AS.item << Item(kind="a"))(lambda self, item: seen.append(item))}
    engine = type("Capture", (RuleEngine,), namespace)()
    engine.reset()
    declared = engine.declare(Item(kind="a"))
    engine.run()
    assert seen == [declared]


@pytest.mark.parametrize(
    "condition, construct",
    [
        ((Item(id=MATCH.x), TEST(lambda x: x > 1)), "TEST"),
        ((EXISTS(Item()),), "EXISTS"),
        ((Item(id=~MATCH.x),), "binding inside | or ~"),
    ],
    ids=["test", "exists", "negated-binding"],
)
def test_a_condition_the_compiled_matcher_does_not_implement_is_refused_naming_the_rule(condition, construct):
    namespace = {"odd_rule": rule("odd_rule", *condition)}
    with pytest.raises(UnsupportedCondition, match=f"rule odd_rule: .*{re.escape(construct)}"):
        type("Odd", (RuleEngine,), namespace)()
