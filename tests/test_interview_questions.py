"""The interview's question catalogue: fields, null-ability, parsing, texts, and the
relevance derived from the rules, checked against the engine ("asks only what matters")."""

from __future__ import annotations

import random
import string

import pytest

from advisor.api import advise, rules_by_id
from advisor.engine.core import engine
from advisor.texts.catalog import catalog
from advisor.ui.interview import depending_rules, rules_reading, why
from advisor.ui.questions import (
    CHOICE,
    MULTI,
    NUMBER,
    QUESTIONS,
    TEXT,
    YESNO,
    Invalid,
    Slot,
    build_situation,
    parse,
    situation_data,
    walk,
)
from credit_advisor.facts.enums import ACTION_CODES
from credit_advisor.facts.kb import Action, Effect
from credit_advisor.facts.situation import Situation

Q = QUESTIONS


# --- the catalogue against the contract ---------------------------------------------------


def _schema_prop(field: str) -> dict:
    schema = Situation.model_json_schema()
    if field.startswith("debts[]."):
        return schema["$defs"]["Debt"]["properties"][field.split(".", 1)[1]]
    if field.startswith("collection."):
        return schema["$defs"]["Collection"]["properties"][field.split(".", 1)[1]]
    return schema["properties"][field]


def _nullable(prop: dict) -> bool:
    return any(option.get("type") == "null" for option in prop.get("anyOf", []))


FIELD_QUESTIONS = [q for q in Q.values() if q.field and not q.loop_control]


@pytest.mark.parametrize("question", FIELD_QUESTIONS, ids=lambda q: q.id)
def test_dont_know_allowed_exactly_when_the_field_may_be_null(question):
    assert question.nullable == _nullable(_schema_prop(question.field))


def test_every_situation_field_has_a_question():
    schema = Situation.model_json_schema()
    fields = {f"debts[].{name}" for name in schema["$defs"]["Debt"]["properties"]}
    fields |= {f"collection.{name}" for name in schema["$defs"]["Collection"]["properties"]}
    fields |= set(schema["properties"]) - {"schema_version", "debts", "collection"}
    covered = {q.field for q in Q.values()} | {name for q in Q.values() for name in q.fills}
    assert fields - covered - NOT_ASKED - AWAITING_RULES == set()
    assert covered & AWAITING_RULES == set(), "asked now: remove from AWAITING_RULES"


# `as_of` is the day the advice is for: the interview gives today's, never asks.  The
# loan's size (`amount_cny`) is read by no rule: policy thresholds use the overdue amount.
NOT_ASKED = {"as_of", "debts[].amount_cny"}
# Contract version 2 fields that no rule reads yet (the issue "What happens next, by
# law" adds their rules); the interview asks only what some rule needs.
AWAITING_RULES = {
    "debts[].principal_received_cny",
    "debts[].annual_cost_percent",
    "collection.impersonated_authority",
    "collection.night_calls",
    "collection.visited_home_or_work",
    "credit_repair_offer",
}


def test_fields_awaiting_rules_are_read_by_no_rule_yet():
    reads = {read.replace("debts.", "debts[].") for meta in rules_by_id().values() for read in meta.reads}
    assert reads & AWAITING_RULES == set()


def test_every_field_a_rule_reads_is_asked_by_some_question():
    asked = {name for q in Q.values() for name in q.registry_fields}
    reads = {read for meta in rules_by_id().values() for read in meta.reads}
    assert reads - asked - NOT_ASKED == set()


def test_ranges_come_from_the_model():
    assert (Q["zhima_score"].minimum, Q["zhima_score"].maximum) == (350, 950)
    assert Q["overdue_days"].minimum == 0 and Q["overdue_days"].maximum == 36_500
    assert Q["credit_inquiries_6m"].maximum == 1_000


# A debt on the credit report: DingTalk answers can matter (every DingTalk rule needs a
# possible record), so the gate is asked.
ON_THE_REPORT = {
    ("has_debts", None): True,
    ("product", 0): "credit_card",
    ("label", 0): None,
    ("overdue_days", 0): 0,
    ("reported", 0): "yes",
    ("more_debts", 0): False,
    ("credit_inquiries_6m", None): 0,
    ("plans", None): [],
}


def test_the_dingtalk_gate_fills_the_four_dingtalk_fields():
    answers = {**ON_THE_REPORT, ("uses_dingtalk", None): False}
    data = situation_data(answers)
    assert [data[name] for name in Q["uses_dingtalk"].fills] == [False] * 4
    ids = [s.question.id for s in walk(answers)]
    assert ids[-1] == "uses_dingtalk" and not set(ids) & set(Q["uses_dingtalk"].fills)


def test_without_a_possible_record_dingtalk_is_not_asked():
    """Every DingTalk rule needs a debt that may be on the report: no debts, no gate."""
    answers = {("has_debts", None): False, ("credit_inquiries_6m", None): 0}
    assert [s.question.id for s in walk(answers)] == ["has_debts", "credit_inquiries_6m"]


# --- texts ----------------------------------------------------------------------------------


def _keys(node, prefix=""):
    found = set()
    for key, value in node.items():
        path = f"{prefix}.{key}" if prefix else key
        found.add(path)
        if isinstance(value, dict):
            found |= _keys(value, path)
    return found


def _interview(lang):
    return catalog(lang).data["interview"]


def test_zh_and_en_have_the_same_keys():
    assert _keys(_interview("zh")) == _keys(_interview("en"))


def test_zh_and_en_use_the_same_placeholders():
    fmt = string.Formatter()

    def fields(text):
        return {name for _, name, _, _ in fmt.parse(text) if name}

    zh, en = _interview("zh"), _interview("en")
    for key, value in zh.items():
        if isinstance(value, str):
            assert fields(value) == fields(en[key]), key


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_question_and_option_has_its_texts(lang):
    texts = _interview(lang)["q"]
    for question in Q.values():
        entry = texts[question.id]
        assert entry["label"] and entry["text"] and entry["why"], question.id
        for code in question.options:
            assert entry["options"][code], (question.id, code)
    assert set(_interview(lang)["action_names"]) == set(ACTION_CODES)


def test_interview_texts_live_in_their_own_table():
    for lang in ("zh", "en"):
        assert not set(catalog(lang).data["ui"]) & {"progress", "prompt", "intro"}


# --- parsing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("是", True),
        ("是的", True),
        ("对", True),
        ("有", True),
        ("y", True),
        ("YES", True),
        ("好。", True),
        ("否", False),
        ("不是", False),
        ("不对", False),
        ("没有", False),
        ("n", False),
        ("No", False),
        ("不知道", None),
        ("不清楚", None),
        ("don't know", None),
    ],
)
def test_yes_no_dont_know_in_chinese_and_english(text, value):
    assert parse(Q["contacts_harassed"], text) is value


def test_dont_know_is_refused_where_the_field_cannot_be_null():
    with pytest.raises(Invalid) as problem:
        parse(Q["settled"], "不知道")
    assert problem.value.key == "hint_no_dont_know"


@pytest.mark.parametrize(
    "text, value",
    [
        ("是", "licensed"),
        ("是的", "licensed"),
        ("yes", "licensed"),
        ("否", "unlicensed"),
        ("不是", "unlicensed"),
        ("no", "unlicensed"),
        ("1", "licensed"),
        ("持牌机构", "licensed"),
    ],
)
def test_a_choice_asked_as_a_yes_no_question_takes_yes_and_no(text, value):
    # "放贷的是正规持牌机构吗？" is naturally answered 是 / 否.
    assert parse(Q["lender"], text) == value


def test_yes_and_no_pick_nothing_in_a_choice_that_is_not_a_yes_no_question():
    with pytest.raises(Invalid):
        parse(Q["negotiation"], "是")


def test_dont_know_picks_the_unknown_option_of_an_enum():
    assert parse(Q["lender"], "不知道") == "unknown"
    assert parse(Q["reported"], "不清楚") == "unknown"


@pytest.mark.parametrize(
    "question, text, value",
    [
        ("product", "4", "online_loan"),
        ("product", "花呗", "huabei"),
        ("product", "credit card", "credit_card"),
        ("product", "４", "online_loan"),
        ("reported", "有", "yes"),
        ("reported", "没有", "no"),
        ("reported", "是", "yes"),
        ("reported", "3", "unknown"),
        ("hardship", "不知道", None),
    ],
)
def test_choices_by_number_or_name(question, text, value):
    assert parse(Q[question], text) == value


@pytest.mark.parametrize(
    "question, text, value",
    [
        ("overdue_days", "45", 45),
        ("overdue_days", "45天", 45),
        ("overdue_days", "大概 45 天", 45),
        ("overdue_days", "４５", 45),
        ("overdue_days", "0", 0),
        ("months_since_settled", "3个月", 3),
        ("zhima_score", "650分", 650),
        ("credit_inquiries_6m", "8次", 8),
        ("overdue_amount_cny", "8000", 8000.0),
        ("overdue_amount_cny", "1.5万", 15000.0),
        ("overdue_amount_cny", "8,000元", 8000.0),
        ("overdue_amount_cny", "15k", 15000.0),
        # Chinese numerals, as people say them (advisor.numbers.chinese_number)
        ("overdue_days", "四十天", 40),
        ("overdue_days", "大概四十五天", 45),
        ("overdue_days", "一百零八", 108),
        ("months_since_settled", "三个月", 3),
        ("credit_inquiries_6m", "两次", 2),
        ("zhima_score", "六百五十分", 650),
        ("overdue_amount_cny", "一万二", 12000.0),
        ("overdue_amount_cny", "两千五百", 2500.0),
        ("overdue_amount_cny", "两千五百元", 2500.0),
        ("product", "四", "online_loan"),
        ("plans", "一 三", ["weilidai", "mortgage"]),
        ("overdue_amount_cny", "不知道", None),
        ("zhima_score", "不知道", None),
    ],
)
def test_numbers_with_units(question, text, value):
    assert parse(Q[question], text) == value


@pytest.mark.parametrize(
    "question, text, hint",
    [
        ("overdue_days", "-5", "out_of_range_number"),
        ("overdue_days", "很久", "hint_integer"),
        ("overdue_days", "4.5", "hint_integer"),
        ("overdue_days", "99999", "out_of_range_number"),
        ("overdue_days", "十万天", "out_of_range_number"),
        ("zhima_score", "200", "out_of_range_number"),
        ("overdue_amount_cny", "-500", "out_of_range_number"),
        ("product", "8", "out_of_range_choice"),
        ("product", "0", "out_of_range_choice"),
        ("product", "八", "out_of_range_choice"),
        ("product", "网吧", "hint_choice"),
        ("settled", "maybe", "hint_yesno"),
        ("contacts_harassed", "也许", "hint_yesno_null"),
        ("overdue_days", "", "hint_empty"),
        ("plans", "9", "out_of_range_multi"),
        ("plans", "1 外卖", "hint_multi"),
        ("overdue_amount_cny", "很多", "hint_number"),
        ("label", "长" * 61, "hint_text_long"),
    ],
)
def test_invalid_answers_name_a_hint(question, text, hint):
    with pytest.raises(Invalid) as problem:
        parse(Q[question], text)
    assert problem.value.key == hint
    assert problem.value.understood == hint.startswith("out_of_range")  # named range, not "not understood"
    catalog("zh").data["interview"][hint].format(**problem.value.values)  # the hint text exists


@pytest.mark.parametrize(
    "text, value",
    [
        ("1 3", ["weilidai", "mortgage"]),
        ("3、1", ["weilidai", "mortgage"]),
        ("3,3", ["mortgage"]),
        ("0", []),
        ("", []),
        ("没有", []),
        ("none", []),
        ("房贷", ["mortgage"]),
    ],
)
def test_several_plans(text, value):
    assert parse(Q["plans"], text) == value


def test_text_answers_are_optional():
    assert parse(Q["label"], "") is None
    assert parse(Q["label"], "  某网贷 ") == "某网贷"


# --- relevance: asks only what matters ------------------------------------------------------


def _conclusions(data: dict) -> frozenset:
    """What the rules conclude (effects with likelihood, actions with rank, per debt):
    the engine's declared facts without the name of the rule that declared them."""
    found = set()
    for firing in engine().consult(Situation.model_validate(data)):
        for fact in firing.declared:
            if isinstance(fact, (Effect, Action)):
                found.add(tuple(sorted((k, v) for k, v in fact.as_dict().items() if k != "rule")))
    return frozenset(found)


def test_conclusions_as_compared_here_match_the_advice():
    data = {"debts": [{"product": "online_loan", "lender": "licensed", "overdue_days": 45}]}
    advice = advise(data, "en")
    effects = {(dict(c)["topic"], dict(c)["code"]) for c in _conclusions(data) if "topic" in dict(c)}
    assert effects >= {(t, e.code) for t, b in advice.topics.items() for e in b.effects}


def _random_answer(question, rng: random.Random):
    if question.id in ("has_debts",):
        return rng.random() < 0.85
    if question.id == "more_debts":
        return rng.random() < 0.3
    if question.kind == YESNO:
        return rng.choice([True, False, None] if question.nullable else [True, False])
    if question.kind == CHOICE:
        return rng.choice(list(question.options) + ([None] if question.nullable else []))
    if question.kind == MULTI:
        return rng.sample(list(question.options), rng.randint(0, 2))
    if question.kind == TEXT:
        return rng.choice([None, "某网贷"])
    if question.id == "overdue_days":
        return rng.choice([0, 0, 5, 25, 45, 95, 200])
    if question.id == "months_since_settled":
        return rng.choice([None, 1, 12, 30, 70])
    if question.id == "credit_inquiries_6m":
        return rng.choice([None, 0, 2, 5, 7, 12])
    if question.id == "zhima_score":
        return rng.choice([None, 500, 650, 760])
    if question.kind == NUMBER:
        return rng.choice([None, 3000.0, 20000.0])
    raise AssertionError(question.id)


def random_interview(rng: random.Random) -> dict:
    """Answers as an interview would collect them: every relevant question, in order."""
    answers: dict = {}
    while True:
        pending = [slot for slot in walk(answers) if slot.key not in answers]
        if not pending:
            return answers
        slot = pending[0]
        answers[slot.key] = _random_answer(slot.question, rng)


# A question that presupposes something is not asked without it, even where a rule would
# react: collection questions need an overdue debt, a repayment negotiation needs an
# overdue on that debt (the issue: "negotiation only for overdue debts"), DingTalk
# questions need DingTalk.
def _presupposed(question, answers, index) -> bool:
    if question.field.startswith("collection."):
        return True
    if question.id == "negotiation":
        return not answers.get(("overdue_days", index))
    if question.id in Q["uses_dingtalk"].fills:
        return answers.get(("uses_dingtalk", None)) is not True
    return False


def _set(data: dict, question, index, value) -> dict:
    data = {**data, "debts": [dict(d) for d in data["debts"]], "collection": dict(data.get("collection", {}))}
    if question.per_debt:
        data["debts"][index][question.attribute] = value
    elif question.field.startswith("collection."):
        data["collection"][question.attribute] = value
    else:
        data[question.field] = value
    return data


def _probe_values(question):
    if question.kind == YESNO:
        return [True, False] + ([None] if question.nullable else [])
    if question.kind == CHOICE:
        return list(question.options) + ([None] if question.nullable else [])
    return [list(p) if isinstance(p, tuple) else p for p in question.probes] + ([None] if question.nullable else [])


def test_skipped_questions_cannot_change_any_conclusion():
    rng = random.Random(20240601)
    checked = 0
    for _ in range(30):
        answers = random_interview(rng)
        plan = {slot.key for slot in walk(answers)}
        data = situation_data(answers)
        baseline = _conclusions(data)
        debt_count = len(data["debts"])
        for question in Q.values():
            if question.loop_control or question.kind == TEXT or question.fills:
                continue
            indices = range(debt_count) if question.per_debt else [None]
            for index in indices:
                if (question.id, index) in plan or _presupposed(question, answers, index):
                    continue
                for value in _probe_values(question):
                    checked += 1
                    changed = _conclusions(_set(data, question, index, value))
                    assert changed == baseline, (question.id, index, value, data)
    assert checked > 100


def test_a_skipped_dingtalk_gate_cannot_change_any_conclusion():
    """The gate is asked only when a DingTalk answer could matter (a possible record)."""
    rng = random.Random(11)
    skipped = 0
    for _ in range(20):
        answers = random_interview(rng)
        if Slot(Q["uses_dingtalk"]) in walk(answers):
            continue
        skipped += 1
        data = situation_data(answers)
        baseline = _conclusions(data)
        for name in Q["uses_dingtalk"].fills:
            for value in (True, False):
                assert _conclusions({**data, name: value}) == baseline, (name, value, data)
    assert skipped > 3


def test_asked_questions_can_change_a_conclusion():
    """The converse, over random interviews: every asked field matters somewhere."""
    rng = random.Random(7)
    mattered: set[str] = set()
    wanted = {q.id for q in Q.values() if not (q.loop_control or q.kind == TEXT or q.fills)}
    for _ in range(40):
        answers = random_interview(rng)
        data = situation_data(answers)
        baseline = _conclusions(data)
        for slot in walk(answers):
            question = slot.question
            if question.id not in wanted or question.id in mattered:
                continue
            for value in _probe_values(question):
                if _conclusions(_set(data, question, slot.index, value)) != baseline:
                    mattered.add(question.id)
                    break
        if mattered == wanted:
            break
    assert wanted - mattered == set()


def test_no_debts_means_no_debt_questions():
    answers = {("has_debts", None): False}
    ids = [slot.question.id for slot in walk(answers)]
    assert not set(ids) & {"product", "overdue_days", "hardship", "contacts_harassed", "negotiation"}


def test_negotiation_only_for_overdue_debts():
    base = {("has_debts", None): True, ("product", 0): "online_loan", ("label", 0): None}
    never = [s.question.id for s in walk({**base, ("overdue_days", 0): 0})]
    late = [s.question.id for s in walk({**base, ("overdue_days", 0): 45})]
    assert "negotiation" not in never and "negotiation" in late
    assert "lender" in late and "lender" not in never


def test_dingtalk_questions_only_for_dingtalk_users():
    base = ON_THE_REPORT
    assert "uses_dingtalk_finance" not in [s.question.id for s in walk({**base, ("uses_dingtalk", None): False})]
    assert "uses_dingtalk_finance" in [s.question.id for s in walk({**base, ("uses_dingtalk", None): True})]


def test_the_debt_loop_asks_for_another_debt():
    answers = {
        ("has_debts", None): True,
        ("product", 0): "huabei",
        ("label", 0): None,
        ("overdue_days", 0): 0,
        ("reported", 0): "no",
        ("more_debts", 0): True,
    }
    plan = walk(answers)
    assert Slot(Q["product"], 1) in plan and Slot(Q["more_debts"], 1) in plan
    answers[("more_debts", 0)] = False
    assert Slot(Q["product"], 1) not in walk(answers)


# --- WHY comes from the registry ------------------------------------------------------------


def _late_online_loan():
    return {
        ("has_debts", None): True,
        ("product", 0): "online_loan",
        ("label", 0): None,
        ("overdue_days", 0): 45,
        ("lender", 0): "licensed",
        ("settled", 0): False,
    }


def test_why_lists_the_rules_that_read_the_field_and_depend_on_the_answer():
    answers = _late_online_loan()
    slot = Slot(Q["reported"], 0)
    info = why(answers, slot)
    reading = set(rules_reading(Q["reported"]))
    assert info.rules and set(info.rules) <= reading
    assert "huabei.reported_overdue_cuts_limit" in info.rules
    assert "limit_reduced" in info.effects["huabei"]
    assert info.examples and set(info.examples) <= set(info.rules)
    assert info.reading == len(reading)
    for rule_id in info.rules:
        assert "debts.reported" in rules_by_id()[rule_id].reads


def test_why_for_an_answer_that_changes_nothing_falls_back_to_the_registry():
    answers = {("has_debts", None): False}
    slot = Slot(Q["uses_dingtalk"], None)
    assert depending_rules(answers, slot) == []  # "yes" alone concludes nothing yet
    info = why(answers, slot)
    assert "dingtalk.employer_rule_restriction" in info.rules
    assert set(info.effects) == {"dingtalk"}


def test_why_for_the_label_says_nothing_depends_on_it():
    info = why(_late_online_loan(), Slot(Q["label"], 0))
    assert info.rules == [] and info.reading == 0


def test_build_situation_sets_only_answered_fields():
    answers = {
        **_late_online_loan(),
        ("reported", 0): "unknown",
        ("negotiation", 0): "none",
        ("more_debts", 0): False,
        ("hardship", None): None,
    }
    situation = build_situation(answers)
    dumped = situation.model_dump(exclude_unset=True)
    assert dumped["hardship"] is None
    assert "zhima_score" not in dumped and "label" in dumped["debts"][0]


def test_the_question_catalogue_restates_no_rule_knowledge():
    """Relevance is derived from the rules (advisor.ui.relevance): the catalogue imports
    no bands, parameters, fact classes or rules to restate their conditions with."""
    import ast
    from pathlib import Path

    import advisor.ui.questions as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    forbidden = {"bands", "parameters", "kb", "rules", "conditions"}
    assert {name for name in imported if name and forbidden & set(name.split("."))} == set()
