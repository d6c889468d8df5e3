"""The pinned cases notice a change in what any rule concludes, or in any threshold.

Mutation tests, run in-process on the cases of tests/cases/: each mutant changes one
thing, reruns the cases it can affect and must make at least one of them fail.

- likelihoods: for each (rule, conclusion, likelihood) drawn in some case, the rule
  draws that conclusion one step stronger (or weaker, when certain);
- omissions: for each conclusion a rule lists, the rule leaves it out;
- thresholds: each dated parameter that banding reads is shifted by one unit down, then up.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, timedelta
from types import MappingProxyType
from unittest import mock

import pytest
from pinned import Case, check, concluded_item, declarations, load_cases

from advisor.api import advise
from credit_advisor.facts import kb, parameters
from credit_advisor.facts.enums import Likelihood
from credit_advisor.rules.base import Conclusions

CASES = load_cases()

STEP = {
    Likelihood.unlikely: Likelihood.possible,
    Likelihood.possible: Likelihood.likely,
    Likelihood.likely: Likelihood.certain,
    Likelihood.certain: Likelihood.likely,
}

# Parameters no rule reads today (only the timeline, or knowledge still awaiting rules):
# a shift cannot change a conclusion, so there is nothing for these cases to notice.
# Once banding reads one, the test below requires it to be mutated instead.
NOT_READ_BY_THE_RULES = {
    "repair.in_force": "a yes/no switch, read by the timeline only",
    "repair.period_start": "read by the timeline only (the timeline's own tests)",
    "repair.period_end": "read by the timeline only (the timeline's own tests)",
    "repair.repaid_by": "read by the timeline only (the timeline's own tests)",
    "repair.early_repaid_by": "read by the timeline only (the timeline's own tests)",
    "repair.early_hidden_from": "read by the timeline only (the timeline's own tests)",
    "law.limitation_years": "K7 awaits its rules",
    "law.dishonest_list_years": "K6 awaits its rules",
    "law.platform_cost_line_percent": "K9 awaits its rules",
    "law.card_overdraft_crime_min_cny": "K12 awaits its rules",
}

# Parameters banding reads whose bands no rule tells apart yet: a shift moves a fact's
# band, yet no conclusion can change.  Listed with why; the test checks it stays true.
BANDED_BUT_NO_RULE_TELLS_THE_BANDS_APART = {
    "zhima.high_from": "no rule asks whether a Zhima score is high rather than middling (W3 awaits one)",
}


def _baseline() -> tuple[dict[tuple[str, str, str], list[Case]], dict[str, list[Case]]]:
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


BY_LIKELIHOOD, BY_RULE = _baseline()


def noticed(cases: list[Case]) -> bool:
    """Some case fails: gives other conclusions, or cannot give advice at all."""
    for case in cases:
        try:
            if check(case):
                return True
        except Exception:  # noqa: BLE001 - an error is a failing case too
            return True
    return False


@contextmanager
def rule_concluding(rule: str, item: str, change) -> Iterator[None]:
    """While `rule` fires, its conclusion `item` goes through `change(likelihood)`:
    a new likelihood, or None to leave the conclusion out."""
    conclude, find_on_report, advise_action = (
        Conclusions.conclude,
        Conclusions.find_on_report,
        Conclusions.advise_action,
    )

    def mutated_conclude(self, topic, code, likelihood, debt=-1):
        if self._firing == rule and f"{topic.value}.{code}" == item:
            likelihood = change(likelihood)
            if likelihood is None:
                return
        conclude(self, topic, code, likelihood, debt)

    def mutated_find_on_report(self, debt, likelihood):
        if self._firing == rule and item == "finding.on_report":
            likelihood = change(Likelihood(likelihood))
            if likelihood is None:
                return
        find_on_report(self, debt, likelihood)

    def mutated_advise_action(self, code, rank, debt=-1):
        if self._firing == rule and f"action.{code}" == item and change(None) is None:
            return
        advise_action(self, code, rank, debt)

    with (
        mock.patch.object(Conclusions, "conclude", mutated_conclude),
        mock.patch.object(Conclusions, "find_on_report", mutated_find_on_report),
        mock.patch.object(Conclusions, "advise_action", mutated_advise_action),
    ):
        yield


def test_a_likelihood_mutant_of_every_rule_fails_a_case():
    unnoticed = []
    for (rule, item, likelihood), cases in sorted(BY_LIKELIHOOD.items()):
        original = Likelihood(likelihood)

        def shift(given, original=original):
            return STEP[original] if given is original else given

        with rule_concluding(rule, item, shift):
            if not noticed(cases):
                unnoticed.append(f"{rule}: {item} {likelihood} -> {STEP[original].value}")
    print(f"likelihood mutants noticed: {len(BY_LIKELIHOOD) - len(unnoticed)}/{len(BY_LIKELIHOOD)}")
    assert unnoticed == [], "\n".join(unnoticed)


def test_every_likelihood_a_rule_draws_is_mutated():
    # A rule that fires in no case would escape the test above: every rule must be there.
    from advisor.api import rules_by_id

    drawing = {rule for rule, meta in rules_by_id().items() if any(not c.startswith("action.") for c in meta.concludes)}
    assert drawing - {rule for rule, _, _ in BY_LIKELIHOOD} == set()


def test_leaving_out_any_conclusion_of_any_rule_fails_a_case():
    from advisor.api import rules_by_id

    unnoticed = []
    total = 0
    for rule, meta in sorted(rules_by_id().items()):
        for item in meta.concludes:
            total += 1
            with rule_concluding(rule, item, lambda _: None):
                if not noticed(BY_RULE.get(rule, [])):
                    unnoticed.append(f"{rule}: {item}")
    print(f"omission mutants noticed: {total - len(unnoticed)}/{total}")
    assert unnoticed == [], "\n".join(unnoticed)


# --- thresholds -----------------------------------------------------------------------


class _Recording(dict):
    """The parameter values banding gets, remembering which it asked for."""

    def __init__(self, values: Mapping, asked: set[str]):
        super().__init__(values)
        self.asked = asked

    def __getitem__(self, name):
        self.asked.add(name)
        return super().__getitem__(name)

    def get(self, name, default=None):
        self.asked.add(name)
        return super().get(name, default)


def read_by_banding() -> set[str]:
    asked: set[str] = set()
    real = kb.parameters_on
    with mock.patch.object(kb, "parameters_on", lambda day: _Recording(real(day), asked)):
        for case in CASES:
            advise(case.situation, lang="en")
    return asked


READ_BY_BANDING = read_by_banding()


def _shifted(value, step: int):
    if isinstance(value, bool):
        return value  # a switch, not a threshold
    if isinstance(value, date):
        return value + timedelta(days=step)
    return value + step


@contextmanager
def parameter_shifted(name: str, step: int) -> Iterator[None]:
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


def test_a_parameter_no_rule_reads_is_listed_with_its_reason():
    assert set(parameters.all_parameters()) - READ_BY_BANDING == set(NOT_READ_BY_THE_RULES)


@pytest.mark.parametrize("step", [-1, 1])
def test_shifting_any_threshold_the_rules_read_fails_a_case(step):
    thresholds = sorted(READ_BY_BANDING - set(BANDED_BUT_NO_RULE_TELLS_THE_BANDS_APART))
    unnoticed = []
    for name in thresholds:
        with parameter_shifted(name, step):
            if not noticed(CASES):
                unnoticed.append(name)
    print(f"threshold mutants ({step:+d}) noticed: {len(thresholds) - len(unnoticed)}/{len(thresholds)}")
    assert unnoticed == [], "\n".join(unnoticed)


@pytest.mark.parametrize("name", sorted(BANDED_BUT_NO_RULE_TELLS_THE_BANDS_APART))
def test_a_threshold_listed_as_telling_nothing_apart_still_tells_nothing(name):
    # Once a rule tells its bands apart, remove it from the list: it must then be caught.
    assert name in READ_BY_BANDING
    for step in (-1, 1):
        with parameter_shifted(name, step):
            assert not noticed(CASES)
