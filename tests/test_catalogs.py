"""The zh and en text catalogs: every code and rule has a text in both languages, the two
languages have the same keys, and placeholders agree."""

from __future__ import annotations

import re
import string

import pytest
from conftest import LIKELIHOODS, PROJECT, TOPICS

LANGS = ("zh", "en")
CJK = re.compile(r"[\u4e00-\u9fff]")


def texts(lang: str):
    from advisor.texts.catalog import catalog

    return catalog(lang)


def flatten(node: dict, prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for key, value in node.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            flat.update(flatten(value, path))
        else:
            flat[path] = value
    return flat


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def every_needed_text():
    """(description, getter) for every text the advice can ask a catalog for."""
    from advisor.api import rules_by_id
    from credit_advisor.facts.enums import ACTION_CODES, EFFECT_CODES, Topic

    for topic in Topic:
        yield f"topics.{topic.value}", lambda c, t=topic.value: c.topic(t)
        for code in EFFECT_CODES[topic]:
            yield f"effects.{topic.value}.{code}", lambda c, t=topic.value, k=code: c.effect(t, k)
    for code in ACTION_CODES:
        yield f"actions.{code}", lambda c, k=code: c.action(k)
    for likelihood in LIKELIHOODS:
        yield f"likelihood.{likelihood}", lambda c, k=likelihood: c.likelihood(k)
    for rule_id in rules_by_id():
        yield f"rules.{rule_id}", lambda c, r=rule_id: c.rule(r)
    yield "meta.disclaimer", lambda c: c.disclaimer


@pytest.mark.parametrize("lang", LANGS)
def test_every_topic_effect_action_likelihood_and_rule_has_a_text(lang):
    catalog = texts(lang)
    missing, empty = [], []
    for name, get in every_needed_text():
        try:
            value = get(catalog)
        except KeyError:
            missing.append(name)
            continue
        if not isinstance(value, str) or not value.strip():
            empty.append(name)
    assert (missing, empty) == ([], [])


def test_the_catalog_topics_are_the_contract_topics():
    for lang in LANGS:
        assert tuple(texts(lang).data["topics"]) == TOPICS


def test_both_languages_have_exactly_the_same_keys():
    zh, en = (set(flatten(texts(lang).data)) for lang in LANGS)
    assert sorted(zh - en) == [] and sorted(en - zh) == []


def test_a_text_is_empty_in_one_language_only_if_it_is_empty_in_the_other():
    # An empty text can mean "nothing here" (Chinese joins sentences with no separator,
    # a question may have no hint), but never a translation left out.
    zh, en = (flatten(texts(lang).data) for lang in LANGS)
    empty = lambda flat: {k for k, v in flat.items() if isinstance(v, str) and not v.strip()}
    assert sorted(empty(zh) ^ empty(en)) == []


def test_the_catalogs_hold_no_text_for_codes_or_rules_that_do_not_exist():
    from advisor.api import rules_by_id
    from credit_advisor.facts.enums import ACTION_CODES, EFFECT_CODES, Topic

    for lang in LANGS:
        data = texts(lang).data
        assert set(data["actions"]) <= set(ACTION_CODES), lang
        for topic in Topic:
            assert set(data["effects"][topic.value]) <= set(EFFECT_CODES[topic]), (lang, topic)
        assert set(data["rules"]) <= set(rules_by_id()), lang
        assert set(data["likelihood"]) == set(LIKELIHOODS), lang


def test_every_placeholder_is_the_same_in_chinese_and_english():
    zh, en = (flatten(texts(lang).data) for lang in LANGS)
    differing = {
        key: (placeholders(zh[key]), placeholders(en[key]))
        for key in zh.keys() & en.keys()
        if isinstance(zh[key], str) and placeholders(zh[key]) != placeholders(en[key])
    }
    assert differing == {}


class _Anything:
    """Formats as a short word under any format spec ({n}, {seconds:.1f}, {rate:,.0f})."""

    def __format__(self, spec: str) -> str:
        return "x"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("table", ["ui", "batch"])
def test_every_formatted_text_formats_with_its_own_placeholders(lang, table):
    data = texts(lang).data.get(table, {})
    broken = {}
    for key, text in flatten(data).items():
        try:
            text.format(**{name: _Anything() for name in placeholders(text)})
        except (KeyError, IndexError, ValueError) as exc:
            broken[key] = repr(exc)
    assert broken == {}


def ui_keys_used_by_the_code() -> set[str]:
    from credit_advisor.facts.enums import Product

    used: set[str] = set()
    for path in sorted((PROJECT / "advisor").glob("*.py")) + [PROJECT / "cli.py"]:
        used |= set(re.findall(r"\.ui\(\s*\"([a-z_]+)\"", path.read_text(encoding="utf-8")))
    used |= {f"product_{product.value}" for product in Product}
    used |= {f"severity_{level}" for level in ("serious", "watch", "calm")}
    return used


@pytest.mark.parametrize("lang", LANGS)
def test_every_interface_text_the_code_asks_for_exists(lang):
    ui = texts(lang).data["ui"]
    assert sorted(ui_keys_used_by_the_code() - set(ui)) == []


def test_the_chinese_texts_are_chinese_and_differ_from_the_english_ones():
    zh, en = (texts(lang) for lang in LANGS)
    for name, get in every_needed_text():
        if name.startswith(("likelihood.", "topics.")):
            continue
        assert CJK.search(get(zh)), f"zh {name} has no Chinese: {get(zh)!r}"
        assert get(zh) != get(en), name


# --- words for the fact schema's values (why-not, audit) -----------------------------------


def _value_key(value) -> str:
    from advisor.texts.audit_text import value_key

    return value_key(value)


def _schema_slots():
    """(fact, slot, values) of every slot the rules can test that has a finite set of values."""
    from credit_advisor.facts.schema import TEMPLATES

    for template in TEMPLATES.values():
        for slot in template.slots:
            if not slot.key and slot.values is not None:
                yield template.name, slot.name, slot.values


@pytest.mark.parametrize("lang", LANGS)
def test_every_value_of_every_fact_slot_has_its_words(lang):
    """Derived from the fact schema: a slot added there fails here until it has words."""
    catalog = texts(lang)
    values = catalog.data["audit"]["values"]
    missing = []
    for fact, slot, domain in _schema_slots():
        for value in domain:
            if slot == "likelihood":  # likelihoods have their own table
                found = value in catalog.data["likelihood"]
            else:
                found = _value_key(value) in values.get(fact, {}).get(slot, {})
            if not found:
                missing.append(f"{fact}.{slot}.{_value_key(value)}")
    assert missing == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_value_words_name_only_slots_and_values_the_schema_declares(lang):
    declared = {(fact, slot): {_value_key(v) for v in domain} for fact, slot, domain in _schema_slots()}
    audit = texts(lang).data["audit"]
    stale = []
    for fact, slots in audit["values"].items():
        for slot, words in slots.items():
            if (fact, slot) not in declared or set(words) - declared[(fact, slot)]:
                stale.append(f"values.{fact}.{slot}")
    domains = {(fact, slot): [_value_key(v) for v in domain] for fact, slot, domain in _schema_slots()}
    for fact, slots in audit["sets"].items():
        for slot, words in slots.items():
            domain = domains.get((fact, slot), [])
            for key in words:
                parts = key.split("|")
                # why-not looks a set up by its values in the schema's order
                if not set(parts) <= set(domain) or parts != [v for v in domain if v in parts]:
                    stale.append(f"sets.{fact}.{slot}.{key}")
    assert stale == []
