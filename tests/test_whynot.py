"""Why not: computed from the rules' real experta conditions, in plain words."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from advisor.analysis.whynot import (
    SLOT_DOMAINS,
    SLOT_FIELDS,
    TargetError,
    all_targets,
    parse_target,
    why_not,
)
from advisor.engine.compiled import variable
from advisor.engine.consult import final_facts, run
from advisor.engine.core import engine
from advisor.texts.catalog import CATALOG_DIR
from credit_advisor.cli import main
from credit_advisor.facts.kb import situation_to_facts
from credit_advisor.facts.situation import Situation

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

SHORT_OVERDUE = {
    "debts": [
        {"label": "某网贷", "product": "online_loan", "lender": "licensed", "overdue_days": 10, "amount_cny": 8000},
        {"product": "huabei", "overdue_days": 0},
    ],
    "credit_inquiries_6m": 2,
}


def situation(data=SHORT_OVERDUE) -> Situation:
    return Situation.model_validate(data)


def rule_result(result, rule_id):
    found = [r for r in result.rules if r.rule == rule_id]
    assert found, f"{rule_id} is not a candidate of {result.target}: {[r.rule for r in result.rules]}"
    return found[0]


def all_failures(rule):
    return [f for a in rule.alternatives for s in a.subjects for f in s.failures]


# For each topic, a conclusion and a condition the situation does not meet: some rule that
# could conclude it must name that condition (rules are found through `concludes`, not by id).
PER_TOPIC = [
    ("huabei.suspended", "DebtFact", "alipay", "debts[0].product", "online_loan"),
    ("weilidai.application_rejected", "PersonFact", "inquiries", "credit_inquiries_6m", 2),
    ("wechat.social_collection_risk", "PersonFact", "wechat_contacted", "collection.contacted_on_wechat", None),
    ("dingtalk.employer_rule_restriction", "PersonFact", "employer_links_credit", "employer_links_credit", None),
    ("credit_report.inquiry_overload", "PersonFact", "inquiries", "credit_inquiries_6m", 2),
    ("borrowing.mortgage_rejection_risk", "PlanFact", "plan", "plans", []),
    ("collection.lawsuit_risk", "DebtFact", "negotiation", "debts[0].negotiation", "none"),
]


@pytest.mark.parametrize("target,fact,slot,field,value", PER_TOPIC, ids=[p[0].split(".")[0] for p in PER_TOPIC])
def test_names_the_failing_condition_for_a_rule_of_each_topic(target, fact, slot, field, value):
    result = why_not(situation(), target, "en")
    assert result.rules
    found = [
        (rule, f)
        for rule in result.rules
        if rule.verdict == "not_met"
        for f in all_failures(rule)
        if f.fact == fact and f.slot == slot
    ]
    assert found, [r.as_dict() for r in result.rules]
    rule, failure = found[0]
    assert failure.kind == "slot"
    assert {"field": field, "value": value} in failure.fields
    assert field in failure.text  # the Situation field, named in the words
    assert "the rule needs" in failure.text
    assert rule.explanation  # the rule's own explanation from the catalog


def test_plain_words_map_slots_back_to_fields_and_values():
    result = why_not(situation(), "huabei.limit_reduced", "en")
    rule = rule_result(result, "huabei.long_overdue_triggers_review")
    texts = [f.text for f in all_failures(rule)]
    assert any(
        "debts[0].overdue_days is 10" in t and "overdue 1–30 days" in t and "more than 30 days" in t for t in texts
    ), texts


def test_zh_words():
    result = why_not(situation(), "weilidai.application_rejected", "zh")
    rule = rule_result(result, "weilidai.inquiries_hurt_approval")
    text = all_failures(rule)[0].text
    assert "credit_inquiries_6m 为 2" in text
    assert "半年内查询超过 5 次" in text
    assert "该规则需要" in text


def test_derived_finding_too_weak():
    result = why_not(situation(), "huabei.suspended", "en")
    rule = rule_result(result, "huabei.reported_overdue_cuts_limit")
    on_report = [f for f in all_failures(rule) if f.fact == "OnReport" and f.debt == 0]
    assert on_report and on_report[0].kind == "slot"
    assert on_report[0].current == "possible"
    assert on_report[0].needs == ["certain", "likely"]
    assert "credit_report.short_overdue_possibly_reported" in on_report[0].by
    # For the never-overdue Huabei debt there is no finding at all.
    missing = [f for f in all_failures(rule) if f.fact == "OnReport" and f.debt == 1]
    assert missing and missing[0].kind == "missing"


def test_fallback_blocked_by_a_harm():
    result = why_not(situation(), "huabei.unaffected", "en")
    rule = rule_result(result, "huabei.unaffected")
    failure = all_failures(rule)[0]
    assert failure.kind == "blocked"
    assert "huabei.possibly_reported_may_affect" in failure.by
    assert "Huabei limit reduced" in failure.text


def test_each_alternative_of_an_or_is_reported():
    open_debt = {"debts": [{"product": "online_loan", "lender": "licensed", "overdue_days": 40}]}
    result = why_not(situation(open_debt), "huabei.limit_reduced", "en")
    rule = rule_result(result, "huabei.repaid_may_keep_lower_limit")
    assert rule.verdict == "not_met"
    assert [a.index for a in rule.alternatives] == [1, 2, 3, 4]
    assert all(a.of == 4 for a in rule.alternatives)
    for alternative in rule.alternatives:
        slots = {f.slot for s in alternative.subjects for f in s.failures}
        assert "settled" in slots
    person = why_not(situation(), "collection.illegal_collection", "en")
    threats = rule_result(person, "collection.threats_are_illegal")
    assert len(threats.alternatives) == 2
    fields = [f.fields[0]["field"] for a in threats.alternatives for s in a.subjects for f in s.failures]
    assert fields == ["collection.threatened_or_insulted", "collection.contacts_harassed"]


def test_fired_but_a_stronger_conclusion_won():
    data = json.loads((EXAMPLES / "several_debts_mixed.json").read_text(encoding="utf-8"))
    result = why_not(situation(data), "huabei.limit_reduced", "en")
    assert result.concluded and result.likelihood == "likely"
    rule = rule_result(result, "huabei.own_overdue_blocks_use")
    assert rule.verdict == "outweighed"
    assert rule.concluded == [{"debt": 0, "likelihood": "possible"}]
    assert "more strongly" in rule.text


def test_concluded_but_not_the_headline():
    data = json.loads((EXAMPLES / "online_loan_overdue_45_days_huabei.json").read_text(encoding="utf-8"))
    result = why_not(situation(data), "huabei.suspended", "en")
    assert result.concluded and result.likelihood == "possible"
    assert "not the topic's main conclusion" in result.status
    assert rule_result(result, "huabei.reported_overdue_cuts_limit").verdict == "concluded"


def test_concluded_for_another_debt():
    data = json.loads((EXAMPLES / "several_debts_mixed.json").read_text(encoding="utf-8"))
    result = why_not(situation(data), "action.rebuild_record", "en", debt=1)
    assert result.concluded
    rule = rule_result(result, "remediation.rebuild_clean_record")
    assert rule.verdict == "other_debt"
    assert rule.concluded[0]["debt"] == 3
    failures = all_failures(rule)
    assert [f.slot for f in failures] == ["settled"]
    assert failures[0].fields == [{"field": "debts[1].settled", "value": False}]
    assert "not concluded for debts[1]" in result.status


def test_concluded_as_unlikely():
    result = why_not(situation(), "collection.lawsuit_risk", "en")
    rule = rule_result(result, "collection.lawsuit_risk_grows_with_time")
    assert rule.verdict == "concluded_unlikely"
    # Concluded for debt 0; the never-overdue debt 1 is listed with its failing conditions
    # (in each of the rule's two alternatives: lender not unlicensed, or a short overdue).
    assert {s.debt for a in rule.alternatives for s in a.subjects} == {1}


def test_actions_and_findings_are_targets():
    result = why_not(situation(), "action.seek_legal_help", "en")
    assert result.kind == "action" and not result.concluded
    assert rule_result(result, "remediation.seek_legal_help").verdict == "not_met"
    finding = why_not(situation(), "finding.on_report", "en")
    assert finding.concluded and finding.debts == [0]
    assert parse_target("settle_overdue") == ("action", "action", "settle_overdue")


def test_no_debts():
    result = why_not(Situation(debts=[]), "huabei.suspended", "en")
    for rule in result.rules:
        kinds = {f.kind for f in all_failures(rule)}
        assert kinds == {"no_debts"}


def test_unknown_target():
    with pytest.raises(TargetError) as error:
        parse_target("huabei.frozen")
    assert "huabei.suspended" in error.value.allowed
    assert len(all_targets()) == len(error.value.allowed)


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_evaluator_agrees_with_the_engine(example):
    """For every rule and every debt, the conditions hold in the evaluator exactly when
    the engine fired the rule for that debt (so why-not never contradicts the trace)."""
    s = situation(json.loads(example.read_text(encoding="utf-8")))
    _, firings = run(s, "en")
    facts = final_facts(s, firings)
    exact: dict[str, set] = {}  # debts a firing concluded for (or its only debt)
    loose: dict[str, set] = {}  # every debt a firing matched
    for firing in firings:
        matched = {f["debt"] for f in firing.matched if type(f).__name__ == "DebtFact"}
        declared = {f["debt"] for f in firing.declared if f.get("debt", -1) >= 0}
        exact.setdefault(firing.rule, set()).update(declared or (matched if len(matched) == 1 else set()))
        loose.setdefault(firing.rule, set()).update(matched)
    for rule in engine().rules:
        rule_id = rule.id
        met: set = set()
        anchored = False
        for alternative in rule.branches:
            for _, bindings in alternative.solutions(facts):
                met.add(bindings.get("debt"))
        assert bool(met) == (rule_id in loose), rule_id
        debt_anchored = any(
            p.kind == "DebtFact" and p.constraint("debt") is not None and variable(p.constraint("debt")) == "debt"
            for alternative in rule.branches
            for p in alternative.patterns
        )
        if debt_anchored and rule_id in loose:
            anchored = {d for d in met if isinstance(d, int) and d >= 0}
            assert exact[rule_id] <= anchored <= loose[rule_id], (rule_id, exact[rule_id], anchored, loose[rule_id])


def test_every_why_not_of_every_example_runs_without_contradiction():
    for example in sorted(EXAMPLES.glob("*.json"))[:8]:
        s = situation(json.loads(example.read_text(encoding="utf-8")))
        consultation = run(s, "zh")
        for target in all_targets():
            result = why_not(s, target, "zh", run=consultation)
            for rule in result.rules:
                assert rule.verdict != "met", (example.name, target, rule.rule)
                for failure in all_failures(rule):
                    assert "{" not in failure.text


def test_slot_tables_match_the_facts():
    """The slot → field table mirrors facts.kb: every slot a rule can test is mapped."""
    s = situation(json.loads((EXAMPLES / "several_debts_mixed.json").read_text(encoding="utf-8")))
    for fact in situation_to_facts(s):
        kind = type(fact).__name__
        slots = {k for k in fact.as_dict() if k != "debt"}
        assert slots <= set(SLOT_FIELDS[kind]), (kind, slots - set(SLOT_FIELDS[kind]))
        for slot, value in fact.as_dict().items():
            if slot in SLOT_DOMAINS.get(kind, {}):
                assert value in SLOT_DOMAINS[kind][slot], (kind, slot, value)
    # Every slot any rule tests has a domain (so the needed values can be listed).
    for rule in engine().rules:
        for kind, slot in rule.tested_slots():
            if slot in ("debt", "topic", "code", "rule", "debts"):
                continue
            assert slot in SLOT_DOMAINS.get(kind, {}), (rule.id, kind, slot)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_slot_value_has_words(lang):
    with open(CATALOG_DIR / lang / "audit.toml", "rb") as handle:
        values = tomllib.load(handle)["audit"]["values"]
    for kind in ("DebtFact", "PersonFact", "PlanFact"):
        for slot, domain in SLOT_DOMAINS[kind].items():
            words = values[kind][slot]
            for value in domain:
                key = "null" if value is None else ("true" if value is True else "false" if value is False else value)
                assert key in words, (lang, kind, slot, key)


def test_cli_text_and_json(capsys, tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps(SHORT_OVERDUE, ensure_ascii=False), encoding="utf-8")
    assert main(["explain", str(path), "--why-not", "huabei.suspended", "--format", "text", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Why not" in out and "huabei.own_overdue_blocks_use" in out and "✗" in out
    assert main(["explain", str(path), "--why-not", "huabei.suspended", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["target"] == "huabei.suspended" and data["language"] == "zh"
    assert {r["rule"] for r in data["rules"]} == {"huabei.own_overdue_blocks_use", "huabei.reported_overdue_cuts_limit"}
    assert all(r["alternatives"] for r in data["rules"])


def test_cli_bad_target_and_debt(capsys, tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps(SHORT_OVERDUE), encoding="utf-8")
    assert main(["explain", str(path), "--why-not", "huabei.frozen", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "huabei.frozen" in err and "huabei.suspended" in err
    assert main(["explain", str(path), "--why-not", "huabei.suspended", "--debt", "5", "--lang", "en"]) == 2
    assert "0, 1" in capsys.readouterr().err
