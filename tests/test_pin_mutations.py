"""The pinned cases notice a change in what any rule concludes, or in any threshold.

Mutation tests, run in-process on the cases of tests/cases/: each mutant changes one
thing, reruns the cases it can affect and must make at least one of them fail.

- likelihoods: for each (rule, conclusion, likelihood) drawn in some case, the rule
  draws that conclusion one step stronger, then one step weaker (where there is one);
- omissions: for each conclusion a rule lists, the rule leaves it out;
- thresholds: each dated parameter is shifted by one unit (a day for a date) down, then
  up; the few no case can notice are listed with the reason.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from types import MappingProxyType
from unittest import mock

import pytest
from pinned import Case, check, concluded_item, declarations, load_cases

from advisor.api import advise
from credit_advisor.facts import parameters
from credit_advisor.facts.enums import Likelihood
from credit_advisor.rules.base import Conclusions

CASES = load_cases()

# Weakest to strongest; a mutant moves a likelihood one step either way.
SCALE = (Likelihood.unlikely, Likelihood.possible, Likelihood.likely, Likelihood.certain)
NEIGHBOURS = {
    level: tuple(SCALE[i] for i in (index - 1, index + 1) if 0 <= i < len(SCALE)) for index, level in enumerate(SCALE)
}

# Parameters whose shift no pinned case can notice, with why.  Every other parameter,
# shifted either way, must fail a case; each listed one must stay unnoticed (once a case
# notices it, take it off the list: it is then pinned).  A parameter added to
# parameters.toml fails the threshold test until a case notices it or it is listed here.
UNNOTICED_PARAMETERS = {
    "repair.period_start": "a record that ended before 2020 aged off (5 years) before the policy began",
    "repair.early_repaid_by": "the rules treat both repayment steps alike; only the timeline's month reads it",
    "repair.early_hidden_from": "only the timeline's month reads it (tests/test_timeline.py)",
    "law.limitation_years": "a text states it (K7); every demand restarts the period, so no rule decides by an overdue's age",
    "law.dishonest_list_years": "a text states how long a listing lasts (K6); no rule decides by it",
    "law.platform_cost_line_percent": "K9 awaits its rules",
    "law.card_overdraft_crime_min_cny": "no Situation holds every K12 condition (intent, two demands, 3 months): no rule may speak of a crime",
    "law.card_installment_max_years": "a text states it (request_card_installment); no rule decides by it",
    "law.dispute_answer_days": "a text states the answer's deadline (K1, remediation.dispute_wrong_record); no rule decides by it",
    "zhima.high_from": "banded, but no rule asks whether a score is high rather than middling (W3 awaits one)",
}


@functools.cache
def baseline() -> tuple[dict[tuple[str, str, str], list[Case]], dict[str, list[Case]]]:
    """Which cases each (rule, conclusion, likelihood) and each rule appears in: a
    mutant of a rule changes nothing in a case where the rule does not fire."""
    by_likelihood: dict[tuple[str, str, str], list[Case]] = {}
    by_rule: dict[str, list[Case]] = {}
    for case in CASES:
        for rule, kind, slots in declarations(advise(case.situation, lang="en")):
            if "likelihood" in slots:
                found = by_likelihood.setdefault((rule, concluded_item(kind, slots), slots["likelihood"]), [])
                if case not in found:
                    found.append(case)
            if case not in by_rule.setdefault(rule, []):
                by_rule[rule].append(case)
    # The rule's own pinned cases first: they are the ones expected to notice.
    for key, found in by_likelihood.items():
        found.sort(key=lambda case: key[0] not in case.concludes)
    for rule, found in by_rule.items():
        found.sort(key=lambda case: rule not in case.concludes)
    return by_likelihood, by_rule


def noticed(cases: list[Case]) -> bool:
    """Some case fails: gives other conclusions, or cannot give advice at all."""
    for case in cases:
        try:
            if check(case):
                return True
        except RuntimeError:  # the Advice refuses a topic left without conclusions: a failing case too
            return True
    return False


OMIT = object()


@contextmanager
def rule_concluding(rule: str, item: str, change) -> Iterator[None]:
    """While `rule` fires, its conclusion `item` goes through `change(likelihood)`:
    a likelihood, or OMIT to leave the conclusion out (an action or a status finding has
    no likelihood: it is offered None)."""
    conclude, find_on_report, advise_action = (
        Conclusions.conclude,
        Conclusions.find_on_report,
        Conclusions.advise_action,
    )
    find_record_status, find_repair_status = Conclusions.find_record_status, Conclusions.find_repair_status

    def mutated_conclude(self, topic, code, likelihood, debt=-1):
        if self._firing == rule and f"{topic.value}.{code}" == item:
            likelihood = change(likelihood)
            if likelihood is OMIT:
                return
        conclude(self, topic, code, likelihood, debt)

    def mutated_find_on_report(self, debt, likelihood):
        if self._firing == rule and item == "finding.on_report":
            likelihood = change(Likelihood(likelihood))
            if likelihood is OMIT:
                return
        find_on_report(self, debt, likelihood)

    def mutated_advise_action(self, code, rank, debt=-1):
        if self._firing == rule and f"action.{code}" == item and change(None) is OMIT:
            return
        advise_action(self, code, rank, debt)

    def mutated_find_record_status(self, debt, status):
        if self._firing == rule and item == "finding.record_status" and change(None) is OMIT:
            return
        find_record_status(self, debt, status)

    def mutated_find_repair_status(self, debt, status):
        if self._firing == rule and item == "finding.repair_status" and change(None) is OMIT:
            return
        find_repair_status(self, debt, status)

    with (
        mock.patch.object(Conclusions, "conclude", mutated_conclude),
        mock.patch.object(Conclusions, "find_on_report", mutated_find_on_report),
        mock.patch.object(Conclusions, "advise_action", mutated_advise_action),
        mock.patch.object(Conclusions, "find_record_status", mutated_find_record_status),
        mock.patch.object(Conclusions, "find_repair_status", mutated_find_repair_status),
    ):
        yield


@pytest.mark.parametrize(
    ("rule", "item"),
    [
        ("credit_report.stated_on_report", "finding.on_report"),
        ("huabei.own_overdue_blocks_use", "huabei.suspended"),
        ("remediation.settle_oldest_overdue_first", "action.settle_overdue"),
    ],
)
def test_the_mutation_harness_alone_changes_nothing(rule, item):
    # Else a mutant would be "noticed" for the harness's sake, not for its change.
    with rule_concluding(rule, item, lambda likelihood: likelihood):
        assert [case.name for case in CASES if check(case)] == []


def test_a_likelihood_mutant_of_every_rule_fails_a_case():
    unnoticed = []
    mutants = 0
    by_likelihood = baseline()[0]
    for (rule, item, likelihood), cases in sorted(by_likelihood.items()):
        original = Likelihood(likelihood)
        for other in NEIGHBOURS[original]:

            def shift(given, original=original, other=other):
                return other if given is original else given

            mutants += 1
            with rule_concluding(rule, item, shift):
                if not noticed(cases):
                    unnoticed.append(f"{rule}: {item} {likelihood} -> {other.value}")
    rules = {rule for rule, _, _ in by_likelihood}
    missed_rules = {line.split(":")[0] for line in unnoticed}
    print(
        f"likelihood mutants noticed: {mutants - len(unnoticed)}/{mutants} "
        f"({len(by_likelihood)} likelihoods drawn, rules all caught: {len(rules - missed_rules)}/{len(rules)})"
    )
    assert unnoticed == [], "\n".join(unnoticed)


def test_every_likelihood_a_rule_draws_is_mutated():
    # A rule that fires in no case would escape the test above: every rule must be there.
    from advisor.api import rules_by_id

    unlikely_drawn = ("action.", "finding.record_status", "finding.repair_status")  # no likelihood
    drawing = {
        rule for rule, meta in rules_by_id().items() if any(not c.startswith(unlikely_drawn) for c in meta.concludes)
    }
    assert drawing - {rule for rule, _, _ in baseline()[0]} == set()


def test_leaving_out_any_conclusion_of_any_rule_fails_a_case():
    from advisor.api import rules_by_id

    unnoticed = []
    total = 0
    for rule, meta in sorted(rules_by_id().items()):
        for item in meta.concludes:
            total += 1
            with rule_concluding(rule, item, lambda _: OMIT):
                if not noticed(baseline()[1].get(rule, [])):
                    unnoticed.append(f"{rule}: {item}")
    print(f"omission mutants noticed: {total - len(unnoticed)}/{total}")
    assert unnoticed == [], "\n".join(unnoticed)


# --- thresholds -----------------------------------------------------------------------


def _shifted(value, step: int):
    if isinstance(value, bool):
        return value if step < 0 else not value  # a switch: flipped once, in the upward run
    if isinstance(value, date):
        return value + timedelta(days=step)
    return value + step


@contextmanager
def parameter_shifted(name: str, step: int) -> Iterator[None]:
    """Every value of parameter `name` moved by `step` units (days for a date)."""
    real = parameters.all_parameters()
    found = real[name]
    periods = tuple(dataclasses.replace(p, value=_shifted(p.value, step)) for p in found.periods)
    mutated = MappingProxyType({**real, name: dataclasses.replace(found, periods=periods)})
    parameters.parameters_on.cache_clear()
    try:
        with mock.patch.object(parameters, "all_parameters", lambda: mutated):
            yield
    finally:
        parameters.parameters_on.cache_clear()


@pytest.mark.parametrize("step", [-1, 1])
def test_shifting_any_threshold_fails_a_case(step):
    every = parameters.all_parameters()
    # A switch (repair.in_force) is flipped once, in the upward run (see _shifted).
    switches = {name for name, found in every.items() if all(isinstance(p.value, bool) for p in found.periods)}
    thresholds = sorted(set(every) - set(UNNOTICED_PARAMETERS) - (switches if step < 0 else set()))
    unnoticed = []
    for name in thresholds:
        with parameter_shifted(name, step):
            if not noticed(CASES):
                unnoticed.append(name)
    print(f"threshold mutants ({step:+d}) noticed: {len(thresholds) - len(unnoticed)}/{len(thresholds)}")
    assert unnoticed == [], "\n".join(unnoticed)


def test_a_parameter_listed_as_unnoticed_is_one():
    # Upward only: each run must go through every case, and this only keeps the list honest.
    assert set(UNNOTICED_PARAMETERS) <= set(parameters.all_parameters())
    noticed_now = []
    for name in sorted(UNNOTICED_PARAMETERS):
        with parameter_shifted(name, 1):
            if noticed(CASES):
                noticed_now.append(name)
    assert noticed_now == [], "now pinned: take them off UNNOTICED_PARAMETERS"
