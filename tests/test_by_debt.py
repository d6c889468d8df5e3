"""Per-debt attribution (contract version 2): each effect's `by_debt` gives every
contributing debt the likelihood its own rules concluded; `debts` names only the debts
at the effect's likelihood, and the explanation gives the reasons for that likelihood."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from rich.console import Console
from strategies import property_settings, situations

from advisor.api import advise
from advisor.models import Advice, Effect
from advisor.texts.catalog import catalog
from advisor.ui.render import topic_panel
from credit_advisor.facts.enums import STRENGTH, Likelihood

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# A Weilidai debt 10 days overdue beside one 120 days overdue (issue 11).
TEN_AND_120_DAYS = {
    "as_of": "2026-11-30",
    "debts": [
        {"product": "weilidai", "overdue_days": 10, "label": "ten days"},
        {"product": "weilidai", "overdue_days": 120, "label": "four months"},
    ],
}


def effect(advice: Advice, topic: str, code: str) -> Effect:
    return next(e for e in advice.topics[topic].effects if e.code == code)


def own(found: Effect) -> list[tuple[int, str]]:
    return [(entry.debt, entry.likelihood.value) for entry in found.by_debt]


def test_a_debt_ten_days_overdue_is_not_named_under_a_lawsuit_likely_for_the_debt_of_120_days():
    lawsuit = effect(advise(TEN_AND_120_DAYS, lang="en"), "collection", "lawsuit_risk")
    assert lawsuit.likelihood.value == "likely"
    assert lawsuit.debts == [1]
    assert own(lawsuit) == [(0, "unlikely"), (1, "likely")]
    # The 120 days also meet the limitation belief (K7): that rule concludes the same `likely`.
    assert [entry.rules for entry in lawsuit.by_debt] == [
        ("collection.lawsuit_risk_grows_with_time",),
        ("collection.limitation_restarts_with_demands", "collection.lawsuit_risk_grows_with_time"),
    ]


def test_each_debt_keeps_the_likelihood_and_rules_of_its_own_conclusions():
    advice = advise(TEN_AND_120_DAYS, lang="en")
    record = effect(advice, "credit_report", "negative_record")
    assert (record.likelihood.value, record.debts) == ("likely", [1])
    assert own(record) == [(0, "possible"), (1, "likely")]
    short, long = record.by_debt
    assert short.rules == ("credit_report.open_overdue_recorded", "credit_report.short_overdue_possibly_reported")
    assert long.rules == ("credit_report.open_overdue_recorded", "credit_report.licensed_long_overdue_likely_reported")
    # The effect's own `rules` still lists every contribution, the strongest first.
    assert set(short.rules) | set(long.rules) == set(record.rules)


def test_the_explanation_gives_only_the_winning_debts_reasons():
    advice = advise(TEN_AND_120_DAYS, lang="en")
    text = catalog("en").on(advice.as_of)
    limit = effect(advice, "huabei", "limit_reduced")
    assert (limit.likelihood.value, limit.debts) == ("likely", [1])
    weaker, winning = limit.by_debt
    assert weaker.likelihood.value == "possible"
    for rule in winning.rules:
        assert text.rule(rule) in limit.explanation, rule
    for rule in set(weaker.rules) - set(winning.rules):
        assert text.rule(rule) not in limit.explanation, rule


def test_a_person_level_rule_can_be_stronger_than_every_debt():
    """Collectors already threaten the person (a person-level finding): illegal collection
    is certain for the person, while the platform's own debt only makes it possible."""
    advice = advise(json.loads((EXAMPLES / "unlicensed_platform_harassment.json").read_text(encoding="utf-8")))
    illegal = effect(advice, "collection", "illegal_collection")
    assert illegal.likelihood.value == "certain"
    assert illegal.debts == []  # no debt's own rules concluded `certain`
    assert own(illegal) == [(0, "possible")]
    assert illegal.rules == ["collection.threats_are_illegal", "collection.unlicensed_platform_collection_risk"]
    text = catalog(advice.language).on(advice.as_of)
    assert illegal.explanation == text.rule("collection.threats_are_illegal")


def test_debts_at_the_same_likelihood_are_all_named():
    advice = advise(
        {"as_of": "2026-11-30", "debts": [{"product": "weilidai", "overdue_days": 120}] * 2},
        lang="en",
    )
    lawsuit = effect(advice, "collection", "lawsuit_risk")
    assert (lawsuit.likelihood.value, lawsuit.debts) == ("likely", [0, 1])
    assert own(lawsuit) == [(0, "likely"), (1, "likely")]
    assert lawsuit.by_debt[0].rules == lawsuit.by_debt[1].rules


def test_an_effect_about_the_person_only_has_no_by_debt():
    advice = advise(TEN_AND_120_DAYS, lang="en")
    calm = effect(advice, "wechat", "basic_unaffected")
    assert (calm.debts, calm.by_debt) == ([], [])


def test_the_text_report_names_only_the_debts_at_the_effects_likelihood():
    advice = advise(TEN_AND_120_DAYS, lang="en")
    stream = io.StringIO()
    Console(file=stream, width=400, color_system=None).print(topic_panel("collection", advice, show_sources=False))
    lines = stream.getvalue().splitlines()
    concerns = catalog("en").ui("report_concerns")
    at = next(i for i, line in enumerate(lines) if "Lawsuit" in line or "lawsuit" in line.split("—")[0])
    named = next(line for line in lines[at:] if concerns in line)
    assert "four months" in named and "ten days" not in named


def check_attribution(advice: Advice) -> None:
    for topic, block in advice.topics.items():
        for found in block.effects:
            where = f"{topic}.{found.code}"
            indices = [entry.debt for entry in found.by_debt]
            assert indices == sorted(set(indices)), where
            strongest = max((STRENGTH[e.likelihood] for e in found.by_debt), default=0)
            assert strongest <= found.likelihood.strength, where
            at_its_likelihood = [e.debt for e in found.by_debt if e.likelihood == found.likelihood]
            assert found.debts == at_its_likelihood, where
            if not found.debts and found.by_debt:  # a person-level rule won
                assert strongest < found.likelihood.strength, where
            for entry in found.by_debt:
                assert entry.rules and set(entry.rules) <= set(found.rules), where


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_every_example_attributes_each_effect_per_debt(path):
    check_attribution(advise(path.read_text(encoding="utf-8")))


@property_settings()
@given(situations())
def test_random_situations_attribute_each_effect_per_debt(situation):
    check_attribution(advise(situation))


def test_the_schema_describes_by_debt():
    schema = Advice.model_json_schema()
    effect_schema = schema["$defs"]["Effect"]["properties"]
    assert effect_schema["by_debt"]["items"] == {"$ref": "#/$defs/DebtContribution"}
    entry = schema["$defs"]["DebtContribution"]
    assert set(entry["required"]) == {"debt", "likelihood", "rules"}
    assert entry["properties"]["likelihood"]["$ref"] == "#/$defs/Likelihood"
    assert schema["$defs"]["Likelihood"]["enum"] == [item.value for item in Likelihood]
