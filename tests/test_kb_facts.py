"""The fact classes' shortcuts build the same facts experta's constructor would."""

from __future__ import annotations

import pytest

from credit_advisor.facts.enums import Likelihood, Topic
from credit_advisor.facts.experta_compat import MATCH, Fact
from credit_advisor.facts.kb import Action, DebtFact, Effect, OnReport, action, effect, on_report


def test_effect_builds_the_fact_the_generic_constructor_builds():
    built = effect(Topic.huabei, "limit_reduced", Likelihood.possible, 2, "huabei.some_rule")
    generic = Effect(
        topic="huabei",
        code="limit_reduced",
        likelihood="possible",
        debt=2,
        harmful=True,
        alarming=True,
        rule="huabei.some_rule",
    )
    assert built == generic and type(built) is Effect
    assert list(built.items()) == list(generic.items())
    assert built.plain and generic.plain


def test_a_calm_effect_is_neither_harmful_nor_alarming():
    calm = effect(Topic.huabei, "unaffected", Likelihood.likely, -1, "huabei.unaffected")
    assert (calm["harmful"], calm["alarming"]) == (False, False)


@pytest.mark.parametrize("debt, rule", [("1", "x.y"), (1.0, "x.y"), (True, "x.y"), (1, None)])
def test_effect_refuses_slots_that_are_not_what_it_declares(debt, rule):
    with pytest.raises(TypeError, match="effect"):
        effect(Topic.huabei, "limit_reduced", Likelihood.possible, debt, rule)


def test_action_and_on_report_build_the_facts_the_generic_constructors_build():
    built = action("settle_overdue", 10, 0, "remediation.x")
    generic = Action(code="settle_overdue", rank=10, debt=0, rule="remediation.x")
    assert built == generic and type(built) is Action and list(built.items()) == list(generic.items())
    found = on_report(3, Likelihood.likely, "credit_report.x")
    generic = OnReport(debt=3, likelihood="likely", rule="credit_report.x")
    assert found == generic and type(found) is OnReport and list(found.items()) == list(generic.items())


# The trace remembers a conclusion's JSON by its values: a rank of True would be written 1.
@pytest.mark.parametrize("rank, debt, rule", [(True, 0, "x.y"), (1.0, 0, "x.y"), (1, "0", "x.y"), (1, 0, None)])
def test_action_refuses_slots_that_are_not_what_it_declares(rank, debt, rule):
    with pytest.raises(TypeError, match="action"):
        action("settle_overdue", rank, debt, rule)


@pytest.mark.parametrize("debt, rule", [(True, "x.y"), ("1", "x.y"), (1, 2)])
def test_on_report_refuses_slots_that_are_not_what_it_declares(debt, rule):
    with pytest.raises(TypeError, match="on_report"):
        on_report(debt, Likelihood.likely, rule)


def test_a_pattern_is_not_a_plain_fact_and_a_changed_fact_is_checked_again():
    pattern = DebtFact(debt=MATCH.debt, alipay=True)
    assert not pattern.plain and isinstance(pattern, Fact)
    action = Action(code="settle_overdue", rank=10, debt=0, rule="x.y")
    assert action.plain
    action["rank"] = 11
    assert not action.plain
