"""Bad input gets a message naming the field and what is allowed, exit status 2 and no
traceback; and the input normalisations the contract promises."""

from __future__ import annotations

import json

import pytest
from conftest import consult, debt, fired, likelihood_of, situation

PRODUCTS = ["huabei", "jiebei", "weilidai", "online_loan", "credit_card", "bank_loan", "other"]
ONE_DEBT = {"product": "online_loan", "lender": "licensed", "overdue_days": 45}


def body(**fields) -> str:
    return json.dumps({"debts": [ONE_DEBT], **fields})


def debt_body(**fields) -> str:
    return json.dumps({"debts": [{**ONE_DEBT, **fields}]})


# name: (standard input, the field the message must name, further words it must contain)
BAD_INPUT = {
    "days sent as a string": (debt_body(overdue_days="45"), "debts[0].overdue_days", ['"45"']),
    "negative days": (debt_body(overdue_days=-1), "debts[0].overdue_days", ["0"]),
    "a bool where days are expected": (debt_body(overdue_days=True), "debts[0].overdue_days", ["true"]),
    "days with a fraction": (debt_body(overdue_days=4.5), "debts[0].overdue_days", []),
    "an unknown product code": (debt_body(product="hua"), "debts[0].product", ['"hua"', *PRODUCTS]),
    "an unknown lender code": (debt_body(lender="licenced"), "debts[0].lender", ["licensed", "unlicensed", "unknown"]),
    "an unknown plan": (body(plans=["car"]), "plans[0]", ["mortgage", "weilidai"]),
    "a misspelt debt field": (debt_body(overdue_day=3), "debts[0].overdue_day", ["overdue_days"]),
    "a misspelt top-level field": (body(zhima=600), "zhima", ["zhima_score"]),
    "a Zhima score of 2000": (body(zhima_score=2000), "zhima_score", ["950"]),
    "a Zhima score below the scale": (body(zhima_score=100), "zhima_score", ["350"]),
    "yes where a bool is expected": (
        body(collection={"contacts_harassed": "yes"}),
        "collection.contacts_harassed",
        ['"yes"'],
    ),
    "a schema version from the future": (body(schema_version=3), "schema_version", ["1", "2"]),
    "no debts field": ("{}", "debts", []),
    "too many debts": (json.dumps({"debts": [ONE_DEBT] * 101}), "debts", ["100"]),
    "an empty input": ("", "(input)", []),
    "only white space": ("  \n ", "(input)", []),
    "invalid JSON": ('{"debts": [', "(input)", ["line 1"]),
    "a JSON array": ("[]", "(input)", ["list"]),
    "a JSON null": ("null", "(input)", ["null"]),
    "a JSON string": ('"debts"', "(input)", []),
}


@pytest.mark.parametrize("stdin, field, words", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_refused_with_status_2_naming_the_field_and_what_is_allowed(cli, stdin, field, words):
    result = cli("advise", "-", "--lang", "en", stdin=stdin)
    assert result.status == 2
    assert result.out == ""
    assert f"{field}:" in result.err
    for word in words:
        assert word in result.err, (word, result.err)
    assert "Traceback" not in result.err + result.out


@pytest.mark.parametrize("stdin, field, words", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_the_chinese_message_names_the_same_field(cli, stdin, field, words):
    result = cli("advise", "-", stdin=stdin)
    assert result.status == 2 and result.out == ""
    assert f"{field}:" in result.err


def test_every_problem_of_an_input_is_named_at_once(cli):
    stdin = json.dumps({"debts": [{"product": "hua", "overdue_days": -3}], "zhima_score": 2000})
    result = cli("advise", "-", "--lang", "en", stdin=stdin)
    assert result.status == 2
    for field in ("debts[0].product", "debts[0].overdue_days", "zhima_score"):
        assert f"{field}:" in result.err


def test_input_that_is_not_utf8_is_refused_without_a_traceback(cli):
    result = cli("advise", "-", stdin=b'{"debts": [{"label": "\xff"}]}')
    assert result.status == 2 and result.out == ""
    assert "(input):" in result.err and "Traceback" not in result.err


def test_an_input_over_a_megabyte_is_refused(cli):
    result = cli("advise", "-", stdin='{"debts": []}' + " " * 1_000_001)
    assert result.status == 2 and "(input):" in result.err


def test_a_missing_file_is_reported_with_status_2(cli, tmp_path):
    result = cli("advise", str(tmp_path / "nowhere.json"))
    assert result.status == 2 and result.out == ""
    assert "nowhere.json" in result.err and "Traceback" not in result.err


# --- the same problems from Python ------------------------------------------------------------

PYTHON_BAD_INPUT = {
    "days sent as a string": ({"debts": [{**ONE_DEBT, "overdue_days": "45"}]}, "debts[0].overdue_days"),
    "an unknown product code": ({"debts": [{"product": "hua"}]}, "debts[0].product"),
    "a misspelt field": ({"debts": [{**ONE_DEBT, "overdue_day": 3}]}, "debts[0].overdue_day"),
    "a Zhima score of 2000": ({"debts": [], "zhima_score": 2000}, "zhima_score"),
    "too many debts": ({"debts": [ONE_DEBT] * 101}, "debts"),
    "invalid JSON text": ('{"debts": [', "(input)"),
    "empty text": ("", "(input)"),
    "a list": ([], "(input)"),
    "None": (None, "(input)"),
}


@pytest.mark.parametrize("data, field", PYTHON_BAD_INPUT.values(), ids=PYTHON_BAD_INPUT.keys())
def test_advise_raises_a_situation_error_whose_problems_name_the_field(data, field):
    from advisor import SituationError, advise

    with pytest.raises(SituationError) as caught:
        advise(data, lang="en")
    assert isinstance(caught.value, ValueError)
    assert field in [name for name, _ in caught.value.problems]
    assert all(message for _, message in caught.value.problems)


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError):
        consult(situation(), lang="fr")


# --- normalisation ----------------------------------------------------------------------------

ALWAYS_LICENSED = ["huabei", "jiebei", "weilidai", "credit_card", "bank_loan"]


@pytest.mark.parametrize("product", ALWAYS_LICENSED)
def test_a_product_of_a_licensed_institution_is_licensed_whatever_lender_is_sent(product):
    from credit_advisor.facts.situation import Situation

    for sent in ("unlicensed", "unknown", "licensed"):
        parsed = Situation.model_validate(situation(debt(product, lender=sent, overdue_days=40)))
        assert parsed.debts[0].lender.value == "licensed"


def test_a_huabei_debt_sent_as_unlicensed_is_reasoned_about_as_licensed():
    as_sent = consult(situation(debt("huabei", lender="unlicensed", overdue_days=40)))
    as_licensed = consult(situation(debt("huabei", lender="licensed", overdue_days=40)))
    assert as_sent.model_dump(exclude={"trace"}) == as_licensed.model_dump(exclude={"trace"})
    assert "credit_report.licensed_long_overdue_likely_reported" in fired(as_sent)
    assert "credit_report.unlicensed_platform_rarely_reports" not in fired(as_sent)
    assert likelihood_of(as_sent, "credit_report", "negative_record") == "likely"


def test_an_online_loan_keeps_the_lender_it_was_sent_with():
    advice = consult(situation(debt("online_loan", lender="unlicensed", overdue_days=40)))
    assert "credit_report.unlicensed_platform_rarely_reports" in fired(advice)


def test_a_null_collection_means_every_collection_answer_is_unknown():
    from credit_advisor.facts.situation import Situation

    parsed = Situation.model_validate(situation(collection=None))
    assert parsed.collection.model_dump() == {
        "contacts_harassed": None,
        "threatened_or_insulted": None,
        "contacted_on_wechat": None,
        "impersonated_authority": None,
        "night_calls": None,
        "visited_home_or_work": None,
    }
    assert consult(situation(debt(overdue_days=5), collection=None)) == consult(situation(debt(overdue_days=5)))


OPTIONAL_FIELDS = [
    "zhima_score",
    "credit_inquiries_6m",
    "hardship",
    "hardship_proof",
    "employer_links_credit",
    "uses_dingtalk_finance",
    "dingtalk_alipay_credit_authorized",
    "enterprise_owner",
]


def test_an_optional_field_left_out_means_null():
    from credit_advisor.facts.situation import Situation

    left_out = Situation.model_validate(situation(debt(overdue_days=5)))
    all_null = Situation.model_validate(situation(debt(overdue_days=5), **{f: None for f in OPTIONAL_FIELDS}))
    assert left_out == all_null
    assert all(getattr(left_out, f) is None for f in OPTIONAL_FIELDS)
    assert left_out.plans == [] and left_out.collection.contacts_harassed is None


def test_a_debt_field_left_out_takes_its_documented_default():
    from credit_advisor.facts.situation import Situation

    bare = Situation.model_validate(situation(debt("other"))).debts[0]
    assert (bare.lender.value, bare.overdue_days, bare.reported.value, bare.settled, bare.negotiation.value) == (
        "unknown",
        0,
        "unknown",
        False,
        "none",
    )
    assert bare.months_since_settled is None and bare.amount_cny is None


def test_null_is_not_false_for_the_employer_link():
    unknown = consult(situation(debt(lender="licensed", overdue_days=45), employer_links_credit=None))
    linked = consult(situation(debt(lender="licensed", overdue_days=45), employer_links_credit=True))
    assert likelihood_of(unknown, "dingtalk", "employer_rule_restriction") is None
    assert likelihood_of(linked, "dingtalk", "employer_rule_restriction") == "likely"


def test_plans_sent_twice_or_in_another_order_give_the_same_advice():
    from credit_advisor.facts.situation import Situation

    once = Situation.model_validate(situation(plans=["weilidai", "mortgage"]))
    twice = Situation.model_validate(situation(plans=["mortgage", "weilidai", "mortgage"]))
    assert once == twice
    assert [p.value for p in once.plans] == ["weilidai", "mortgage"]


def test_a_label_is_stripped_of_control_characters_but_keeps_its_script():
    from credit_advisor.facts.situation import Situation

    parsed = Situation.model_validate(situation(debt(label="\u202e花呗\x1b[31m 😀 ")))
    assert parsed.debts[0].label == "花呗[31m 😀"
