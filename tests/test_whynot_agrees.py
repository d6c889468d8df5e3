"""Why-not gives the verdict the engine acted on.

Why-not and the matcher evaluate one compiled form of the rules (advisor.engine.compiled).
Over every example and random situations (tests/strategies.py):

- evaluated over the facts at the end of the run, each rule matches exactly the fact
  combinations the engine fired it on;
- for every target conclusion and every rule that can conclude it, why-not says the
  rule concluded it exactly when the rule fired and declared it, never that its
  conditions hold while it did not fire; a rule it calls not met never fired, and every
  subject it lists as failing has a reason: a slot, a missing fact, or a fact that
  blocks it, made by a rule that did fire; a debt it lists as failing was not the debt
  of any firing of that rule.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from strategies import property_settings, situations

from advisor.analysis.whynot import all_targets, parse_target, why_not
from advisor.engine.consult import final_facts, run
from advisor.engine.core import engine
from credit_advisor.facts.situation import Situation

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.json"))
CONCLUDED = {"concluded", "concluded_unlikely", "outweighed", "other_debt"}


def content(fact) -> tuple:
    """A fact by what it says (the store holds no two facts that say the same)."""
    return (type(fact).__name__, tuple(sorted((k, v) for k, v in fact.items() if k != "__factid__")))


def fired_matches(firings) -> set[tuple[str, frozenset]]:
    # experta's InitialFact (before a rule's leading NOT) is true in every run.
    return {
        (f.rule, frozenset(content(fact) for fact in f.matched if type(fact).__name__ != "InitialFact"))
        for f in firings
    }


def evaluated_matches(facts) -> set[tuple[str, frozenset]]:
    return {
        (rule.id, frozenset(content(fact) for fact in chosen))
        for rule in engine().rules
        for chosen, _ in rule.matches(facts)
    }


def declares(fact, kind: str, topic: str, code: str) -> bool:
    name = type(fact).__name__
    if kind == "effect":
        return name == "Effect" and fact["topic"] == topic and fact["code"] == code
    if kind == "action":
        return name == "Action" and fact["code"] == code
    return name == "OnReport"


def single_debt_pattern(rule) -> bool:
    return all(sum(p.kind == "DebtFact" for p in branch.patterns) == 1 for branch in rule.branches)


def check_agreement(situation: Situation) -> int:
    """Every verdict of why-not against the run; returns how many (rule, target) verdicts."""
    consultation = run(situation, "en")
    _, firings = consultation
    facts = final_facts(situation, firings)
    assert evaluated_matches(facts) == fired_matches(firings)

    rules = {rule.id: rule for rule in engine().rules}
    fired = {f.rule for f in firings}
    debts_fired: dict[str, set[int]] = {}
    for f in firings:
        debts_fired.setdefault(f.rule, set()).update(x["debt"] for x in f.matched if type(x).__name__ == "DebtFact")
    checked = 0
    for target in all_targets():
        kind, topic, code = parse_target(target)
        result = why_not(situation, target, "en", run=consultation)
        for verdict in result.rules:
            rule_id = verdict.rule
            declared = any(
                declares(fact, kind, topic, code) for f in firings if f.rule == rule_id for fact in f.declared
            )
            assert (verdict.verdict in CONCLUDED) == declared, (target, rule_id, verdict.verdict)
            assert verdict.verdict != "met", (target, rule_id)  # conditions hold, yet it did not fire
            if verdict.verdict == "not_met":
                assert rule_id not in fired, (target, rule_id)
                assert verdict.alternatives, (target, rule_id)
            for alternative in verdict.alternatives:
                for subject in alternative.subjects:
                    assert subject.failures, (target, rule_id, subject.label)
                    for failure in subject.failures:
                        assert set(failure.by) <= fired, (target, rule_id, failure.by)
                    if subject.debt is not None and single_debt_pattern(rules[rule_id]):
                        assert subject.debt not in debts_fired.get(rule_id, set()), (target, rule_id, subject.debt)
            checked += 1
    return checked


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_why_not_agrees_with_the_engine_on_every_example(path):
    situation = Situation.model_validate(json.loads(path.read_text(encoding="utf-8")))
    assert check_agreement(situation) > 0


@property_settings()
@given(situations())
def test_why_not_agrees_with_the_engine_on_any_situation(data):
    check_agreement(Situation.model_validate(data))
