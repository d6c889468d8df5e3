"""The trace entries `advise()` makes without validating them again
(models.of_engine_data) are exactly what validation would make."""

from __future__ import annotations

import json

import pytest
from conftest import PROJECT

from advisor.api import advise
from advisor.models import Advice, MatchedFact, TraceEntry, of_engine_data

EXAMPLES = sorted((PROJECT / "examples").glob("*.json"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_every_trace_entry_equals_its_validated_self(path):
    advice = advise(json.loads(path.read_text(encoding="utf-8")), lang="en")
    assert advice.trace
    for entry in advice.trace:
        validated = TraceEntry(**entry.model_dump())
        assert entry == validated
        assert type(entry.seq) is int and type(entry.salience) is int and type(entry.rule) is str
        assert all(type(m) is MatchedFact and m == MatchedFact(**m.model_dump()) for m in entry.matched)
        assert all(type(text) is str for text in entry.declared)
    # The whole Advice, dumped and validated again, gives the same JSON.
    assert Advice.model_validate_json(advice.model_dump_json()).model_dump_json() == advice.model_dump_json()


def test_an_entry_made_from_engine_data_reads_dumps_and_is_frozen_like_a_validated_one():
    matched = [MatchedFact(fact="DebtFact f-1", values={"debt": 0})]
    fields = {"seq": 1, "rule": "huabei.x", "salience": 10, "matched": matched, "declared": ["Effect f-2 {}"]}
    made, validated = of_engine_data(TraceEntry, dict(fields)), TraceEntry(**fields)
    assert made == validated and repr(made) == repr(validated)
    assert made.model_dump() == validated.model_dump()
    with pytest.raises(Exception, match="frozen|cannot assign"):
        made.rule = "other"
