"""The public contract (shared/spec/contract.md): the codes in code are the codes in the
document, and every Advice — from Python or from the command line — keeps its shape."""

from __future__ import annotations

import json
import re

import pytest
from conftest import (
    CONTRACT,
    LIKELIHOODS,
    SOURCES,
    STRENGTH,
    TOPICS,
    collection,
    console_script,
    consult,
    debt,
    run_process,
    situation,
    write_json,
)

CJK = re.compile(r"[\u4e00-\u9fff]")


# --- the document and the code agree ------------------------------------------------------


def contract_text() -> str:
    return CONTRACT.read_text(encoding="utf-8")


def contract_row(name: str) -> list[str]:
    """The backticked codes in the second column of the table row for `name`."""
    match = re.search(rf"^\| `{re.escape(name)}` \| (.*?) \|", contract_text(), re.MULTILINE)
    assert match, f"no row for {name} in contract.md"
    return re.findall(r"`([a-z_]+)`", match.group(1))


def version_2_codes(name: str) -> list[str]:
    """The codes version 2 adds to topic `name` ("New effect codes"), empty if none."""
    part = contract_text().split("### New effect codes", 1)[1].split("###", 1)[0]
    match = re.search(rf"^\| `{re.escape(name)}` \| (.*?) \|$", part, re.MULTILINE)
    return re.findall(r"`([a-z_]+)`", match.group(1)) if match else []


def test_the_effect_codes_of_every_topic_are_the_contracts():
    from credit_advisor.facts.enums import EFFECT_CODES, Topic

    assert tuple(t.value for t in Topic) == TOPICS
    for topic in Topic:
        version_1 = contract_row(topic.value)
        codes = list(EFFECT_CODES[topic])
        # The version-1 codes in their order, then codes that version 2 adds.
        assert codes[: len(version_1)] == version_1, topic
        assert set(codes[len(version_1) :]) <= set(version_2_codes(topic.value)), topic


def test_the_action_codes_are_the_contracts():
    from credit_advisor.facts.enums import ACTION_CODES

    paragraph = contract_text().split("Action codes:", 1)[1].split("Priority 1", 1)[0]
    version_1 = re.findall(r"`([a-z_]+)`", paragraph)
    added = contract_text().split("### New action codes", 1)[1].split("###", 1)[0]
    # The version-1 codes in their order, then the ones version 2 adds, in its order:
    # the first backquoted code of each "·"-separated entry.
    version_2 = [re.search(r"`([a-z_]+)`", entry).group(1) for entry in added.split("·")]
    assert list(ACTION_CODES) == version_1 + version_2


def test_the_likelihoods_are_the_contracts_strongest_first():
    from credit_advisor.facts.enums import Likelihood

    line = re.search(r"^Likelihood, strongest first: (.*)$", contract_text(), re.MULTILINE).group(1)
    assert re.findall(r"`([a-z]+)`", line) == [l.value for l in Likelihood] == list(LIKELIHOODS)


@pytest.mark.parametrize(
    "row, enum_name",
    [
        ("debts[].product", "Product"),
        ("debts[].lender", "Lender"),
        ("debts[].reported", "Reported"),
        ("debts[].negotiation", "Negotiation"),
        ("hardship", "Hardship"),
        ("plans", "Plan"),
    ],
)
def test_the_input_codes_are_the_contracts(row, enum_name):
    from credit_advisor.facts import enums

    assert [member.value for member in getattr(enums, enum_name)] == contract_row(row)


def test_the_contracts_own_example_situation_is_valid_and_advised():
    example = re.search(r"## Input: a Situation \(JSON\)\s*```json\n(.*?)```", contract_text(), re.DOTALL).group(1)
    advice = consult(json.loads(example))
    assert tuple(advice.topics) == TOPICS


# --- every advice keeps the shape --------------------------------------------------------

SHAPES = {
    "no debts at all": situation(),
    "a licensed loan 45 days overdue": situation(debt(lender="licensed", overdue_days=45)),
    "a harassed borrower of an unlicensed platform": situation(
        debt(lender="unlicensed", overdue_days=20),
        collection=collection(contacts_harassed=True, contacted_on_wechat=True, threatened_or_insulted=True),
    ),
    "many debts and every person-level answer": situation(
        debt("huabei", overdue_days=40, negotiation="agreement_broken", label="花呗"),
        debt("weilidai", overdue_days=5, settled=True, months_since_settled=2, amount_cny=3000),
        debt("bank_loan", overdue_days=100, reported="yes"),
        debt("other", lender="unknown", overdue_days=0, reported="yes"),
        zhima_score=580,
        credit_inquiries_6m=9,
        hardship="illness",
        hardship_proof=True,
        employer_links_credit=True,
        uses_dingtalk_finance=True,
        dingtalk_alipay_credit_authorized=True,
        enterprise_owner=True,
        plans=["mortgage", "weilidai"],
    ),
}


@pytest.fixture(scope="module", params=list(SHAPES), ids=list(SHAPES))
def any_advice(request):
    return consult(SHAPES[request.param])


def test_all_seven_topics_are_present_in_the_contract_order(any_advice):
    assert tuple(any_advice.topics) == TOPICS


def test_every_topic_has_effects_and_only_its_own_codes(any_advice):
    from credit_advisor.facts.enums import EFFECT_CODES, Topic

    for topic, block in any_advice.topics.items():
        codes = [e.code for e in block.effects]
        assert codes, topic
        assert len(codes) == len(set(codes)), topic
        assert set(codes) <= set(EFFECT_CODES[Topic(topic)]), topic


def test_effects_are_listed_strongest_first_and_the_summary_names_the_first(any_advice):
    for topic, block in any_advice.topics.items():
        strengths = [STRENGTH[e.likelihood.value] for e in block.effects]
        assert strengths == sorted(strengths, reverse=True), topic
        assert block.effects[0].label in block.summary, topic


def test_every_likelihood_is_one_of_the_four(any_advice):
    for block in any_advice.topics.values():
        assert {e.likelihood.value for e in block.effects} <= set(LIKELIHOODS)


def test_every_effect_and_action_names_its_rules_and_at_least_one_findable_source(any_advice):
    from advisor.api import rules_by_id

    registry = rules_by_id()
    texts = {p.name: p.read_text(encoding="utf-8") for p in SOURCES.iterdir() if p.is_file()}
    items = [e for block in any_advice.topics.values() for e in block.effects] + list(any_advice.actions)
    for item in items:
        assert item.rules and set(item.rules) <= set(registry), item.code
        assert item.sources, item.code
        for source in list(item.sources) + list(getattr(item, "conflicts", [])):
            assert source.locator in texts[source.document], (item.code, source)


def test_action_priorities_count_from_one_in_order_with_contract_codes(any_advice):
    from credit_advisor.facts.enums import ACTION_CODES

    assert [a.priority for a in any_advice.actions] == list(range(1, len(any_advice.actions) + 1))
    codes = [a.code for a in any_advice.actions]
    assert set(codes) <= set(ACTION_CODES)
    assert len(codes) == len(set(codes))


def test_the_trace_is_numbered_and_names_registered_rules_with_their_salience(any_advice):
    from advisor.api import rules_by_id

    registry = rules_by_id()
    assert [entry.seq for entry in any_advice.trace] == list(range(1, len(any_advice.trace) + 1))
    for entry in any_advice.trace:
        assert entry.salience == registry[entry.rule].salience, entry.rule
        assert entry.matched, entry.rule


def test_every_rule_named_by_an_effect_or_action_fired(any_advice):
    fired = {entry.rule for entry in any_advice.trace}
    for block in any_advice.topics.values():
        for item in block.effects:
            assert set(item.rules) <= fired, item.code
    for item in any_advice.actions:
        assert set(item.rules) <= fired, item.code


def test_debt_indices_point_at_real_debts():
    data = SHAPES["many debts and every person-level answer"]
    advice = consult(data)
    count = len(data["debts"])
    assert len(advice.debt_labels) == count
    assert advice.debt_labels[0] == "花呗"
    for block in advice.topics.values():
        for item in block.effects:
            assert all(0 <= i < count for i in item.debts)
    for item in advice.actions:
        assert all(0 <= i < count for i in item.debts)


# --- the command line ------------------------------------------------------------------------

MULTI = SHAPES["many debts and every person-level answer"]


def test_advise_json_output_parses_and_round_trips_through_the_advice_model(cli, tmp_path):
    from advisor.models import Advice

    path = write_json(tmp_path / "situation.json", MULTI)
    result = cli("advise", str(path), "--format", "json")
    assert result.status == 0 and result.err == ""
    advice = Advice.model_validate_json(result.out)
    assert json.loads(advice.model_dump_json()) == result.json()
    assert advice == consult(MULTI, lang="zh")


def test_advise_reads_standard_input_too(cli):
    result = cli("advise", "-", "--format", "json", stdin=json.dumps(MULTI))
    assert result.status == 0
    assert result.json()["topics"].keys() == set(TOPICS)


@pytest.mark.parametrize(
    "command",
    [
        ["--lang", "en", "advise", "{path}"],
        ["advise", "{path}", "--lang", "en"],
        ["--lang", "zh", "advise", "{path}", "--lang", "en"],
        ["--lang", "en", "explain", "{path}", "--why-not", "action.keep_evidence"],
        ["--lang", "en", "whatif", "{path}", "--set", "debts.0.settled=true"],
    ],
)
def test_lang_is_taken_before_the_command_as_well_as_after_it(cli, tmp_path, command):
    path = write_json(tmp_path / "situation.json", MULTI)
    result = cli(*[part.format(path=path) for part in command], "--format", "json")
    assert result.status == 0, result.err
    assert result.json()["language"] == "en"


def test_advise_defaults_to_chinese_and_english_is_asked_for_with_lang_en(cli, tmp_path):
    from advisor.texts.catalog import catalog

    path = write_json(tmp_path / "situation.json", MULTI)
    chinese = cli("advise", str(path), "--format", "json").json()
    english = cli("advise", str(path), "--format", "json", "--lang", "en").json()
    assert chinese["language"] == "zh" and english["language"] == "en"
    assert english["disclaimer"] == catalog("en").disclaimer
    assert CJK.search(chinese["topics"]["huabei"]["summary"])
    english_texts = [b["summary"] for b in english["topics"].values()] + [a["text"] for a in english["actions"]]
    assert not [t for t in english_texts if CJK.search(t)]
    # Only the texts change with the language, never the conclusions.
    strip = lambda advice: [
        (t, [(e["code"], e["likelihood"], e["rules"]) for e in b["effects"]]) for t, b in advice["topics"].items()
    ]
    assert strip(chinese) == strip(english)
    assert [a["code"] for a in chinese["actions"]] == [a["code"] for a in english["actions"]]


def test_the_text_report_shows_every_topic_and_the_first_action(cli, tmp_path):
    from advisor.texts.catalog import catalog

    path = write_json(tmp_path / "situation.json", situation(debt(lender="licensed", overdue_days=45)))
    result = cli("advise", str(path), "--format", "text", "--lang", "en")
    assert result.status == 0
    text = catalog("en")
    for topic in TOPICS:
        assert text.topic(topic) in result.out
    assert text.ui("report_actions") in result.out


def test_schema_prints_valid_json_with_both_schemas(cli):
    result = cli("schema")
    assert result.status == 0
    schemas = result.json()
    assert set(schemas) == {"situation", "advice"}
    situation_schema, advice_schema = schemas["situation"], schemas["advice"]
    assert situation_schema["required"] == ["debts"]
    assert situation_schema["additionalProperties"] is False
    assert {"debts", "zhima_score", "collection", "plans"} <= set(situation_schema["properties"])
    required = {"ruleset_version", "language", "topics", "actions", "trace", "disclaimer"}
    assert required <= set(advice_schema["required"])


def test_schema_can_print_one_schema(cli):
    only = cli("schema", "--which", "situation").json()
    assert only == cli("schema").json()["situation"]


def test_rules_json_lists_every_rule_with_its_sources_and_knowledge(cli):
    from advisor.api import rules_by_id, ruleset_version

    result = cli("rules", "--format", "json")
    assert result.status == 0
    payload = result.json()
    assert payload["ruleset_version"] == ruleset_version()
    listed = {rule["id"]: rule for rule in payload["rules"]}
    assert len(listed) == len(payload["rules"])
    assert set(listed) == set(rules_by_id())
    for rule_id, rule in listed.items():
        meta = rules_by_id()[rule_id]
        assert rule["sources"] == [c.as_dict() for c in meta.sources], rule_id
        assert rule["knowledge"] == list(meta.knowledge), rule_id
        assert rule["topic"] == rule_id.split(".")[0]
        assert rule["explanation"].strip(), rule_id


def test_the_console_script_and_python_dash_m_advisor_give_the_same_advice(tmp_path):
    import sys

    path = write_json(tmp_path / "situation.json", situation(debt("huabei", overdue_days=40)))
    script = run_process(console_script() + ["advise", str(path), "--format", "json", "--lang", "en"])
    module = run_process([sys.executable, "-m", "advisor", "advise", str(path), "--format", "json", "--lang", "en"])
    assert (script.returncode, module.returncode) == (0, 0), script.stderr + module.stderr
    assert script.stderr == module.stderr == ""
    assert json.loads(script.stdout) == json.loads(module.stdout)
    assert json.loads(script.stdout)["topics"]["huabei"]["effects"][0]["code"] == "suspended"
