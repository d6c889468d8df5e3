"""The rule registry against the sources and the knowledge inventory: every citation can be
found by an auditor, every knowledge item is covered, every rule is documented."""

from __future__ import annotations

import re

import pytest
from conftest import KNOWLEDGE, SOURCES

MAX_LOCATOR = 40


def registry() -> dict:
    from advisor.api import rules_by_id

    return rules_by_id()


def source_texts() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in SOURCES.iterdir() if path.is_file()}


def citations():
    """(rule id, where, citation) for every source and every conflict of every rule."""
    for rule_id, meta in registry().items():
        for citation in meta.sources:
            yield rule_id, "sources", citation
        for code, cited in meta.conflicts.items():
            for citation in cited:
                yield rule_id, f"conflicts[{code}]", citation


def test_every_cited_document_exists_under_shared_sources():
    texts = source_texts()
    unknown = {(rule, c.document) for rule, _, c in citations() if c.document not in texts}
    assert unknown == set()


def test_every_locator_is_found_verbatim_in_its_document():
    texts = source_texts()
    missing = [
        f"{rule} {where}: {c.locator!r} not in {c.document}"
        for rule, where, c in citations()
        if c.document in texts and c.locator not in texts[c.document]
    ]
    assert missing == []


def test_every_locator_is_a_short_phrase_of_at_most_forty_characters():
    too_long = [(rule, c.locator, len(c.locator)) for rule, _, c in citations() if len(c.locator) > MAX_LOCATOR]
    too_short = [(rule, c.locator) for rule, _, c in citations() if not c.locator.strip()]
    assert too_long == [] and too_short == []


def test_every_rule_cites_at_least_one_source():
    assert [rule for rule, meta in registry().items() if not meta.sources] == []


def test_conflicts_are_keyed_by_a_real_topic_and_effect_code():
    from credit_advisor.facts.enums import EFFECT_CODES, Topic

    effect_keys = {f"{topic.value}.{code}" for topic in Topic for code in EFFECT_CODES[topic]}
    wrong = [(rule, key) for rule, meta in registry().items() for key in meta.conflicts if key not in effect_keys]
    assert wrong == []


def inventory() -> list[str]:
    return re.findall(r"^- ([A-Z]\d+) ", KNOWLEDGE.read_text(encoding="utf-8"), re.MULTILINE)


def test_the_knowledge_inventory_is_read_correctly():
    items = inventory()
    assert len(items) == len(set(items)) > 50
    assert {"C1", "H6", "W6", "X5", "D6", "L6", "R11", "E12"} <= set(items)


# The law items K1-K15 joined the inventory for the issue "What happens next, by law";
# until a rule names one, it is listed here.  A listed item that a rule names fails the
# second assertion, so the list only shrinks.
AWAITING_RULES = {f"K{n}" for n in range(1, 16)} - {"K1", "K3", "K4", "K6", "K7", "K12", "K13", "K15"}


def test_every_knowledge_item_is_named_by_some_rule():
    named = {item for meta in registry().values() for item in meta.knowledge}
    assert sorted(set(inventory()) - named - AWAITING_RULES) == []
    assert sorted(AWAITING_RULES & named) == [], "covered now: remove from AWAITING_RULES"


def test_rules_name_only_knowledge_items_that_exist():
    known = set(inventory())
    assert {(rule, item) for rule, meta in registry().items() for item in meta.knowledge if item not in known} == set()


def test_every_rule_has_a_one_line_docstring_that_is_its_summary():
    from advisor.engine.core import engine

    for rule in engine().get_rules():
        doc = (rule.__doc__ or "").strip()
        assert doc and "\n" not in doc, rule.meta.id
        assert rule.meta.summary == doc


def test_every_rule_id_is_topic_dot_name_and_starts_with_its_modules_topic():
    from advisor.engine.core import engine

    topics = {"huabei", "weilidai", "wechat", "dingtalk", "credit_report", "borrowing", "collection", "remediation"}
    for rule in engine().get_rules():
        rule_id = rule.meta.id
        assert re.fullmatch(r"[a-z_]+\.[a-z_]+", rule_id), rule_id
        module_topic = rule.__module__.rsplit(".", 1)[-1]
        assert module_topic in topics, rule.__module__
        assert rule_id.split(".")[0] == module_topic, (rule_id, module_topic)


def test_rule_ids_are_unique():
    from advisor.engine.core import engine

    ids = [rule.meta.id for rule in engine().get_rules()]
    assert len(ids) == len(set(ids))


def test_an_effect_rule_concludes_only_about_its_own_topic():
    for rule_id, meta in registry().items():
        topic = rule_id.split(".")[0]
        for conclusion in meta.concludes:
            kind = conclusion.split(".")[0]
            if kind in ("action", "finding"):
                continue
            assert kind == topic, (rule_id, conclusion)


@pytest.mark.parametrize("field", ["concludes", "reads"])
def test_what_a_rule_reads_and_concludes_uses_real_names(field):
    from credit_advisor.facts.enums import ACTION_CODES, EFFECT_CODES, Topic
    from credit_advisor.facts.situation import Collection, Debt, Situation

    if field == "concludes":
        allowed = {f"{t.value}.{c}" for t in Topic for c in EFFECT_CODES[t]}
        allowed |= {f"action.{code}" for code in ACTION_CODES}
        allowed |= {"finding.on_report", "finding.record_status", "finding.repair_status"}
    else:
        allowed = set(Situation.model_fields) - {"debts", "collection"}
        allowed |= {f"debts.{name}" for name in Debt.model_fields}
        allowed |= {f"collection.{name}" for name in Collection.model_fields}
    wrong = {(rule, name) for rule, meta in registry().items() for name in getattr(meta, field) if name not in allowed}
    assert wrong == set()
