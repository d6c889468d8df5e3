"""The declared fact schema (facts/schema.py) is what the facts are, and what the rules
read is derived from their conditions through it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from strategies import property_settings, situations

from advisor.api import rules_by_id
from advisor.engine.core import engine
from credit_advisor.facts.kb import FACT_CLASSES, situation_to_facts
from credit_advisor.facts.schema import TEMPLATES
from credit_advisor.facts.situation import Situation
from credit_advisor.rules import reads as rule_reads

PROPERTY = property_settings()
EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.json"))


def _check_facts(situation: Situation) -> None:
    for fact in situation_to_facts(situation):
        template = TEMPLATES[type(fact).__name__]
        assert FACT_CLASSES[template.name] is type(fact)
        assert list(fact.as_dict()) == [slot.name for slot in template.slots], template.name
        for slot in template.slots:
            if slot.values is not None:
                assert fact[slot.name] in slot.values, (template.name, slot.name, fact[slot.name])


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_fact_of_an_example_has_exactly_its_declared_slots_and_values(path):
    _check_facts(Situation.model_validate(json.loads(path.read_text(encoding="utf-8"))))


@PROPERTY
@given(situations())
def test_every_fact_of_any_situation_has_exactly_its_declared_slots_and_values(data):
    _check_facts(Situation.model_validate(data))


def test_every_slot_a_rule_tests_is_declared():
    for rule in engine().get_rules():
        for kind, slot in rule_reads.tested_slots(tuple(rule)):
            assert slot in {s.name for s in TEMPLATES[kind].slots}, (rule.meta.id, kind, slot)


def _findings_reads() -> set[str]:
    return {read for meta in rules_by_id().values() if "finding.on_report" in meta.concludes for read in meta.reads}


def test_reads_cover_every_field_the_conditions_test():
    """The issue's drift (`huabei.repaid_may_keep_lower_limit` tested reported, lender and
    product without reading them) cannot come back: reads are checked against the
    conditions of the rules the engine runs."""
    behind_findings = _findings_reads()
    for rule in engine().get_rules():
        meta = rule.meta
        needed = set(rule_reads.fields_of(rule_reads.tested_slots(tuple(rule))))
        if rule_reads.matches_findings(tuple(rule)):
            needed |= behind_findings
        assert needed - set(meta.reads) == set(), meta.id


def test_a_hand_written_read_only_adds_what_the_conditions_cannot_show():
    behind_findings = _findings_reads()
    for rule in engine().get_rules():
        meta = rule.meta
        shown = set(rule_reads.fields_of(rule_reads.tested_slots(tuple(rule))))
        if rule_reads.matches_findings(tuple(rule)):
            shown |= behind_findings
        assert set(meta.hand_reads) & shown == set(), meta.id


def test_the_drift_the_issue_found_is_gone():
    reads = rules_by_id()["huabei.repaid_may_keep_lower_limit"].reads
    assert {"debts.reported", "debts.lender", "debts.product", "debts.settled"} <= set(reads)
