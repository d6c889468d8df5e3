"""HOW (advisor.analysis.explain): the chain behind one conclusion, as data and as a rich panel."""

from __future__ import annotations

import io
import json

import pytest
from rich.cells import cell_len
from rich.console import Console

from advisor.analysis import explain as how
from advisor.api import advise, rules_by_id
from credit_advisor.facts.situation import Situation

CASES = {
    "licensed_45": {
        "debts": [{"product": "online_loan", "lender": "licensed", "overdue_days": 45}],
        "plans": ["mortgage"],
    },
    "two_debts": {
        "debts": [
            {"product": "huabei", "overdue_days": 20},
            {"product": "online_loan", "lender": "unlicensed", "overdue_days": 120, "label": "某平台"},
        ],
        "collection": {"contacts_harassed": True},
        "employer_links_credit": True,
    },
    "clean": {"debts": []},
}


def _advice(name, lang="zh"):
    situation = Situation.model_validate(CASES[name])
    return situation, advise(situation, lang)


@pytest.mark.parametrize("name", CASES)
def test_every_conclusion_has_a_chain(name):
    situation, advice = _advice(name)
    registry = rules_by_id()
    items = how.items(advice)
    assert len(items) == sum(len(b.effects) for b in advice.topics.values()) + len(advice.actions)
    for item in items:
        chain = how.explain(advice, situation, item)
        # the answers are exactly what the chain's rules read
        reads = {read for rule in chain.rules for read in registry[rule].reads}
        for used in chain.answers:
            base = "debts" if used.field == "debts" else how._base(used.field)
            assert base == "debts" or base in reads, (item, used)
        # the trace entries are those rules', in firing order
        seqs = [step.seq for step in chain.steps]
        assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
        assert {step.rule for step in chain.steps} <= set(chain.rules)
        assert {step.rule for step in chain.steps} == set(chain.rules), "every rule of the chain fired"
        assert chain.sources, item
        json.dumps(chain.as_dict(), ensure_ascii=False)  # plain data, ready for an audit


def test_chain_of_huabei_cut_rests_on_the_debt_answers():
    situation, advice = _advice("licensed_45")
    chain = how.explain_effect(advice, situation, "huabei", "limit_reduced")
    fields = {used.field: used.value for used in chain.answers}
    assert fields["debts[0].overdue_days"] == 45
    assert fields["debts[0].lender"] == "licensed"
    assert chain.steps[0].rule == "credit_report.licensed_long_overdue_likely_reported"  # the finding first
    assert chain.likelihood == "likely"
    effect = next(e for e in advice.topics["huabei"].effects if e.code == "limit_reduced")
    assert chain.sources == effect.sources and chain.rules == effect.rules


def test_chain_keeps_to_the_debts_concerned():
    situation, advice = _advice("two_debts")
    chain = how.explain_effect(advice, situation, "huabei", "suspended")  # the Huabei debt's own overdue
    assert chain.debts == [0]
    assert all(used.debt in (None, 0) for used in chain.answers)
    for step in chain.steps:
        debts = {m["values"].get("debt") for m in step.matched} - {None}
        assert debts <= {0}


def test_action_chain():
    situation, advice = _advice("two_debts")
    chain = how.explain_action(advice, situation, "refuse_illegal_collection")
    assert chain.priority == next(a.priority for a in advice.actions if a.code == "refuse_illegal_collection")
    assert any(used.field == "collection.contacts_harassed" and used.value is True for used in chain.answers)


def test_person_level_chain_without_debts():
    situation, advice = _advice("clean")
    chain = how.explain_effect(advice, situation, "huabei", "unaffected")
    assert how.AnswerUsed("debts", []) in chain.answers


def test_unknown_conclusion_is_a_key_error():
    situation, advice = _advice("clean")
    with pytest.raises(KeyError):
        how.explain_effect(advice, situation, "huabei", "suspended")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_render_chain_at_60_columns(lang):
    situation, advice = _advice("two_debts", lang)
    console = Console(record=True, width=60, color_system=None, file=io.StringIO())
    chain = how.explain_effect(advice, situation, "collection", "illegal_collection")
    how.render_chain(chain, advice, console)
    out = console.export_text()
    assert max(cell_len(line.rstrip()) for line in out.splitlines()) <= 60
    flat = "".join(out.split()).replace("│", "")
    for step in chain.steps:
        assert step.rule in flat
    assert "某平台" in out
