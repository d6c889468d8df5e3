"""The dated parameters: every value sourced verbatim, read for the situation's day."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from conftest import KNOWLEDGE, SOURCES, debt, situation

from advisor.api import advise
from credit_advisor.facts.parameters import ParameterError, all_parameters, parameter, parameters_on

SOURCE_TEXTS = {path.name: path.read_text(encoding="utf-8") for path in SOURCES.iterdir() if path.is_file()}
INVENTORY = set(re.findall(r"^- ([A-Z]\d+) ", KNOWLEDGE.read_text(encoding="utf-8"), re.MULTILINE))


@pytest.mark.parametrize("name", sorted(all_parameters()))
def test_every_parameter_cites_a_verbatim_passage_and_real_knowledge_items(name):
    found = all_parameters()[name]
    assert found.description and found.unit and found.references
    for reference in found.references:
        assert reference.document in SOURCE_TEXTS, reference
        assert reference.locator in SOURCE_TEXTS[reference.document], reference
        assert len(reference.locator) <= 40, reference
    assert set(found.knowledge) <= INVENTORY


def test_a_value_is_read_for_the_day_it_is_in_force():
    assert parameter("repair.in_force", date(2025, 12, 21)) is False
    assert parameter("repair.in_force", date(2025, 12, 22)) is True
    assert parameter("law.platform_cost_line_percent", date(2025, 9, 30)) is False
    assert parameter("law.platform_cost_line_percent", date(2025, 10, 1)) == 24


def test_a_day_before_a_parameter_exists_and_an_unknown_name_are_clear_errors():
    with pytest.raises(ParameterError, match="repair.repaid_by has no value before 2025-12-22"):
        parameter("repair.repaid_by", date(2025, 1, 1))
    with pytest.raises(ParameterError, match="unknown parameter 'no.such'"):
        parameter("no.such", date(2026, 1, 1))
    assert "repair.repaid_by" not in parameters_on(date(2025, 1, 1))


def test_the_advice_echoes_its_day_and_the_same_day_gives_the_same_advice():
    body = situation(debt("huabei", overdue_days=40), as_of="2026-11-30")
    first, again = advise(body), advise(body)
    assert first.as_of == date(2026, 11, 30) and first.schema_version == 2
    assert first.model_dump_json() == again.model_dump_json()


def test_without_a_day_the_advice_is_for_today():
    assert advise(situation(debt("huabei", overdue_days=40), as_of=None)).as_of == date.today()


@pytest.mark.parametrize("bad", ["2026-13-01", "30/11/2026", 20261130, "2013-03-14", "2026-02-30", "2100-01-01"])
def test_a_bad_day_names_the_field(bad):
    from advisor.validation import SituationError

    with pytest.raises(SituationError) as error:
        advise(situation(debt(), as_of=bad), lang="en")
    assert [name for name, _ in error.value.problems] == ["as_of"]


EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.json"))
# The first day, the days around the one-time repair's announcement and deadline, and today.
DAYS = ["2013-03-15", "2025-12-21", "2025-12-22", "2026-03-31", "2026-04-01", "2026-11-30"]


def test_the_earliest_day_is_the_regulations_first_and_earlier_days_are_refused():
    from advisor.validation import SituationError
    from credit_advisor.facts.parameters import first_day

    assert first_day() == date(2013, 3, 15)
    with pytest.raises(SituationError, match="as_of: must be at least 2013-03-15"):
        advise(situation(debt(), as_of="2013-03-14"), lang="en")


@pytest.mark.parametrize("day", DAYS)
def test_every_example_is_advised_on_every_day_that_matters_in_both_languages(day):
    for path in EXAMPLES:
        data = {**json.loads(path.read_text(encoding="utf-8")), "as_of": day}
        for lang in ("zh", "en"):
            assert advise(data, lang=lang).as_of == date.fromisoformat(day), path.name
