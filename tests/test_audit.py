"""Audit: trace export, replay on the current rule base, and coverage of the shipped corpus."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from advisor.analysis.audit import (
    TraceError,
    coverage,
    input_sha256,
    load_corpus,
    parse_trace,
    read_trace,
    replay,
    write_trace,
)
from advisor.api import advise, rules_by_id
from advisor.engine import core as engine_module
from advisor.texts.catalog import _catalog_on, catalog
from credit_advisor.cli import main
from credit_advisor.facts.enums import ACTION_CODES, EFFECT_CODES
from credit_advisor.facts.experta_compat import MATCH, Rule
from credit_advisor.facts.kb import DebtFact
from credit_advisor.facts.situation import Situation
from credit_advisor.rules.huabei import HuabeiRules

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
HUABEI_OVERDUE = {"debts": [{"label": "花呗", "product": "huabei", "overdue_days": 10, "amount_cny": 2000}]}


def record(tmp_path, data=HUABEI_OVERDUE, lang="en", name="trace.jsonl") -> Path:
    situation = Situation.model_validate(data)
    path = tmp_path / name
    write_trace(path, situation, advise(situation, lang=lang), time="2026-11-22T08:00:00Z")
    return path


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_trace_file_layout_and_mode(tmp_path):
    path = record(tmp_path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    records = lines(path)
    header = records[0]
    assert header["kind"] == "header"
    assert header["time"] == "2026-11-22T08:00:00Z"
    assert header["language"] == "en"
    assert header["input"]["debts"][0]["product"] == "huabei"
    assert header["input_sha256"] == input_sha256(header["input"])
    assert len(header["input_sha256"]) == 64
    from advisor.api import ruleset_version

    assert header["ruleset_version"] == ruleset_version()
    firings = [r for r in records if r["kind"] == "firing"]
    assert len(firings) == header["firings"] > 0
    assert [f["seq"] for f in firings] == list(range(1, len(firings) + 1))
    assert {"rule", "salience", "matched", "declared"} <= set(firings[0])
    assert records[-1]["kind"] == "advice" and "trace" not in records[-1]["advice"]
    assert records[-1]["advice"]["topics"]["huabei"]["effects"][0]["code"] == "suspended"


def test_cli_trace_out(tmp_path, capsys):
    source = tmp_path / "s.json"
    source.write_text(json.dumps(HUABEI_OVERDUE, ensure_ascii=False), encoding="utf-8")
    trace = tmp_path / "out.jsonl"
    assert main(["advise", str(source), "--format", "json", "--trace-out", str(trace)]) == 0
    advice = json.loads(capsys.readouterr().out)
    records = lines(trace)
    assert records[0]["language"] == "zh"
    assert len([r for r in records if r["kind"] == "firing"]) == len(advice["trace"])
    assert stat.S_IMODE(os.stat(trace).st_mode) == 0o600
    assert main(["advise", str(source), "--trace-out", str(tmp_path / "missing" / "t.jsonl")]) == 2
    assert "t.jsonl" in capsys.readouterr().err


def test_replay_of_an_unchanged_rule_base_is_identical(tmp_path, capsys):
    path = record(tmp_path)
    report = replay(read_trace(path))
    assert report.identical and report.verdict == "identical"
    assert report.input_intact and not report.ruleset_changed
    assert main(["audit", "replay", str(path), "--format", "text"]) == 0
    assert "Identical" in capsys.readouterr().out
    assert main(["audit", "replay", str(path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "identical"


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_replay_identical_for_every_example(tmp_path, example):
    path = record(tmp_path, json.loads(example.read_text(encoding="utf-8")), lang="zh")
    assert replay(read_trace(path)).identical


def test_edited_ruleset_version_is_reported(tmp_path, capsys):
    path = record(tmp_path)
    records = lines(path)
    records[0]["ruleset_version"] = "0123456789abcdef"
    edited = tmp_path / "edited.jsonl"
    edited.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    report = replay(read_trace(edited))
    assert report.verdict == "changed" and report.ruleset_changed
    assert report.outcome_identical  # same conclusions: only the version differs
    assert main(["audit", "replay", str(edited), "--format", "text", "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "0123456789abcdef" in out and "Changed" in out


def test_changed_catalog_text_is_reported(tmp_path, monkeypatch):
    path = record(tmp_path)
    monkeypatch.setitem(catalog("en").data["rules"], "huabei.own_overdue_blocks_use", "A CHANGED EXPLANATION.")
    _catalog_on.cache_clear()  # the catalogs filled for a day are made from the edited one
    try:
        report = replay(read_trace(path))
    finally:
        _catalog_on.cache_clear()
    assert report.verdict == "changed"
    assert not report.firings["rules"] and not report.effects  # same firings and conclusions
    changed = [t for t in report.texts if "A CHANGED EXPLANATION." in t["after"]]
    assert changed and changed[0]["where"] == "topics.huabei.effects[suspended].explanation"


def patched_engine(monkeypatch, **rules):
    """Run the current thread on an engine whose named Huabei rules are replaced."""
    patched = type("PatchedEngine", (engine_module.CreditEngine,), rules)
    monkeypatch.setattr(engine_module._local, "engine", patched(), raising=False)


def test_changed_rule_salience_is_reported(tmp_path, monkeypatch):
    path = record(tmp_path)
    original = vars(HuabeiRules)["own_overdue_blocks_use"]
    changed = Rule(*tuple(original), salience=original.salience + 5)(original.__wrapped__)
    patched_engine(monkeypatch, own_overdue_blocks_use=changed)
    report = replay(read_trace(path))
    assert report.verdict == "changed"
    rules = {r["rule"]: r for r in report.firings["rules"]}
    assert list(rules) == ["huabei.own_overdue_blocks_use"]
    (change,) = rules["huabei.own_overdue_blocks_use"]["changed"]
    assert change["salience"] == [10, 15] and change["debts"] == [0]


def test_changed_rule_conditions_are_reported_with_the_rule_that_accounts(tmp_path, monkeypatch, capsys):
    path = record(tmp_path)
    original = vars(HuabeiRules)["own_overdue_blocks_use"]
    # Now only overdues of more than 90 days would stop Huabei.
    changed = Rule(DebtFact(debt=MATCH.debt, alipay=True, open=True, band="long"), salience=original.salience)(
        original.__wrapped__
    )
    patched_engine(monkeypatch, own_overdue_blocks_use=changed)
    report = replay(read_trace(path))
    assert report.verdict == "changed"
    effects = {e["conclusion"]: e for e in report.effects}
    suspended = effects["huabei.suspended"]
    assert suspended["change"] == "disappeared" and suspended["before"] == "likely"
    assert "huabei.own_overdue_blocks_use" in suspended["accounted_by"]
    assert {"topic": "huabei", "before": "suspended:likely", "after": "unaffected:likely"} in report.headlines
    removed = {r["rule"]: r for r in report.firings["rules"]}["huabei.own_overdue_blocks_use"]["removed"]
    assert removed and removed[0]["debts"] == [0]
    assert main(["audit", "replay", str(path), "--format", "text", "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "huabei.suspended disappeared" in out and "huabei.own_overdue_blocks_use" in out
    assert main(["audit", "replay", str(path), "--format", "text", "--lang", "zh"]) == 1
    assert "有变化" in capsys.readouterr().out


def test_trace_without_advice_line_compares_declared_conclusions(tmp_path, monkeypatch):
    path = record(tmp_path)
    short = tmp_path / "short.jsonl"
    short.write_text("".join(l + "\n" for l in path.read_text(encoding="utf-8").splitlines()[:-1]), encoding="utf-8")
    assert replay(read_trace(short)).identical
    original = vars(HuabeiRules)["own_overdue_blocks_use"]
    changed = Rule(DebtFact(debt=MATCH.debt, alipay=True, open=True, band="long"), salience=original.salience)(
        original.__wrapped__
    )
    patched_engine(monkeypatch, own_overdue_blocks_use=changed)
    report = replay(read_trace(short))
    assert not report.recorded_advice
    assert "huabei.suspended" in {e["conclusion"] for e in report.effects}


def test_edited_input_is_detected(tmp_path, capsys):
    path = record(tmp_path)
    records = lines(path)
    records[0]["input"]["debts"][0]["overdue_days"] = 100
    edited = tmp_path / "edited.jsonl"
    edited.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    assert not replay(read_trace(edited)).input_intact
    assert main(["audit", "replay", str(edited), "--format", "json"]) == 2
    assert "hash" in capsys.readouterr().err


@pytest.mark.parametrize(
    "content,fragment",
    [
        ("", "no header"),
        ("not json\n", "not JSON"),
        ('{"kind": "firing"}\n', "first line must be the header"),
        ('{"kind": "header", "format": "other"}\n', "not a credit-advisor-trace"),
        ('{"kind":"header","format":"credit-advisor-trace","format_version":1}\n', "lacks"),
    ],
)
def test_unreadable_traces(tmp_path, capsys, content, fragment):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TraceError) as error:
        read_trace(path)
    assert fragment in str(error.value)
    assert main(["audit", "replay", str(path)]) == 2
    assert fragment in capsys.readouterr().err


def test_unknown_kind_line():
    header = {
        "kind": "header",
        "format": "credit-advisor-trace",
        "format_version": 1,
        "ruleset_version": "x",
        "input_sha256": "y",
        "input": {"debts": []},
        "language": "en",
    }
    with pytest.raises(TraceError, match="unknown kind"):
        parse_trace(json.dumps(header) + "\n" + '{"kind": "other"}\n', "t")


# --- coverage ---------------------------------------------------------------------------------


def test_shipped_corpus_covers_every_rule():
    report = coverage(EXAMPLES, lang="en")
    assert report.invalid == []
    assert 15 <= report.situations <= 40  # a small corpus: one story per case (six for the repair)
    assert report.never_fired == []
    assert report.rule_coverage == 100.0
    assert {r["rule"] for r in report.rules} == set(rules_by_id())
    assert all(r["firings"] >= r["situations"] >= 1 for r in report.rules)


# Version-2 codes whose rules (issue 13, K1-K15) are still being written: this list can
# only shrink; each code leaves it with the rule and the example that produce it.
AWAITING_CODES = {
    "collection.excess_charges_not_owed",
    "collection.criminal_collection",
    "report_to_police",
    "complain_to_regulator",
    "pay_lawful_amount_only",
    "avoid_credit_repair_scams",
    "stop_borrowing_to_repay",
}


def test_shipped_corpus_produces_every_contract_code():
    report = coverage(EXAMPLES, lang="zh")
    never = {*report.effects_never, *report.actions_never}
    assert never <= AWAITING_CODES
    assert AWAITING_CODES <= never, f"produced now, take off AWAITING_CODES: {sorted(AWAITING_CODES - never)}"


def test_examples_are_valid_named_situations():
    files = sorted(EXAMPLES.glob("*.json"))
    assert files
    for file in files:
        assert file.stem.replace("_", "").isalnum() and file.stem.islower()
        Situation.model_validate(json.loads(file.read_text(encoding="utf-8")))


def test_coverage_of_a_jsonl_corpus_reports_gaps_and_invalid_lines(tmp_path, capsys):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        json.dumps(HUABEI_OVERDUE) + "\n\n" + '{"debts": [{"product": "car"}]}\n' + "{oops\n", encoding="utf-8"
    )
    assert [i.name for i in load_corpus(corpus)] == ["corpus.jsonl:1", "corpus.jsonl:3", "corpus.jsonl:4"]
    report = coverage(corpus, lang="en")
    assert report.situations == 1
    assert [i["situation"] for i in report.invalid] == ["corpus.jsonl:3", "corpus.jsonl:4"]
    assert "debts[0].product" in report.invalid[0]["problems"][0]
    assert "huabei.own_overdue_blocks_use" not in report.never_fired
    assert "collection.threats_are_illegal" in report.never_fired
    assert "borrowing.mortgage_rejection_risk" in report.effects_never
    assert "seek_legal_help" in report.actions_never
    assert set(report.effects_never) <= {f"{t.value}.{c}" for t, cs in EFFECT_CODES.items() for c in cs}
    assert set(report.actions_never) <= set(ACTION_CODES)
    assert main(["audit", "coverage", str(corpus), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rules_fired"] < data["rules_total"] and data["never_fired"]
    assert main(["audit", "coverage", str(corpus), "--fail-under", "100", "--format", "json"]) == 1
    capsys.readouterr()


def test_cli_coverage_of_the_examples(capsys):
    assert main(["audit", "coverage", str(EXAMPLES), "--format", "text", "--lang", "en", "--fail-under", "100"]) == 0
    out = capsys.readouterr().out
    assert "100.0%" in out and "Every rule fired" in out
    assert main(["audit", "coverage", str(EXAMPLES), "--format", "text", "--lang", "zh"]) == 0
    assert "每条规则都至少触发过一次" in capsys.readouterr().out


def test_cli_coverage_errors(tmp_path, capsys):
    assert main(["audit", "coverage", str(tmp_path / "nothing.jsonl")]) == 2
    assert "nothing.jsonl" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["audit", "coverage", str(tmp_path / "empty"), "--format", "json"]) == 2
    capsys.readouterr()
