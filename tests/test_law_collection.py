"""Collection and the law (issue 13, K2, K5, K8-K11, K14, K15): the order a person acts in
when collection is dangerous or the lender unlicensed, the channel each text names, and
the action texts worded by the rule that advised them.

The rules' own conclusions are pinned in tests/cases/law_collection.toml; here are the
properties across rules: safety first, checking before any payment, the right number
for the lender and the problem.
"""

from __future__ import annotations

import json

from conftest import PROJECT, collection, debt, situation
from hypothesis import given
from strategies import property_settings, situations

from advisor.api import advise, rules_by_id
from advisor.models import Advice
from advisor.texts.catalog import LANGUAGES, catalog
from credit_advisor.facts.situation import Situation

PAYMENTS = ("settle_overdue", "pay_lawful_amount_only", "honor_agreement")
# The story of issue 12's "Order of steps": an unlicensed lender, 120 days, threats,
# contacts harassed.
UNLICENSED_THREATS = situation(
    debt(lender="unlicensed", overdue_days=120),
    collection=collection(threatened_or_insulted=True, contacts_harassed=True),
)


def order(advice: Advice) -> list[str]:
    return [action.code for action in sorted(advice.actions, key=lambda a: a.priority)]


def action(advice: Advice, code: str):
    return next(item for item in advice.actions if item.code == code)


def effects(advice: Advice, topic: str) -> dict[str, str]:
    return {item.code: item.likelihood.value for item in advice.topics[topic].effects}


def example(name: str) -> dict:
    return json.loads((PROJECT / "examples" / f"{name}.json").read_text(encoding="utf-8"))


# --- the order of steps (K15) ----------------------------------------------------------


def test_threats_from_an_unlicensed_lender_bring_the_police_and_the_evidence_first_then_checking():
    advice = advise(UNLICENSED_THREATS, lang="zh")
    steps = order(advice)
    assert steps[:5] == [
        "report_to_police",
        "keep_evidence",
        "refuse_illegal_collection",
        "verify_debt",
        "pay_lawful_amount_only",
    ]
    # An unlicensed lender is paid what is lawfully owed, checked first: settling it comes last.
    assert steps.index("pay_lawful_amount_only") < steps.index("settle_overdue")
    assert "unlicensed" in action(advice, "settle_overdue").text or "无牌" in action(advice, "settle_overdue").text
    assert effects(advice, "collection")["criminal_collection"] == "possible"
    assert effects(advice, "collection")["illegal_collection"] == "certain"
    assert "110" in action(advice, "report_to_police").text


def test_several_debts_with_an_unlicensed_one_oldest_check_it_before_any_payment():
    advice = advise(example("several_debts_unlicensed_oldest"), lang="en")
    steps = order(advice)
    assert steps[0] == "report_to_police"  # collectors came to the door
    assert action(advice, "report_to_police").debts == [0]
    assert steps.index("verify_debt") < min(steps.index(code) for code in PAYMENTS if code in steps)
    settle = action(advice, "settle_overdue")
    assert settle.debts == [1, 2, 0]  # the licensed card, then Huabei; the unlicensed loan, oldest, last
    assert action(advice, "pay_lawful_amount_only").debts == [0]
    assert effects(advice, "collection")["excess_charges_not_owed"] == "likely"
    assert "stop_borrowing_to_repay" in steps


def test_a_lender_of_unknown_licence_is_verified_before_it_is_settled():
    steps = order(advise(situation(debt(lender="unknown", overdue_days=100)), lang="en"))
    assert steps.index("verify_debt") < steps.index("settle_overdue")


def test_a_caller_posing_as_the_police_puts_110_first():
    advice = advise(example("impersonated_police_call"), lang="en")
    assert order(advice)[:2] == ["report_to_police", "keep_evidence"]
    assert effects(advice, "collection")["criminal_collection"] == "possible"


def test_night_calls_alone_are_a_breach_to_complain_about_not_a_crime():
    advice = advise(situation(debt("credit_card", overdue_days=40), collection=collection(night_calls=True)), lang="en")
    assert effects(advice, "collection")["illegal_collection"] == "likely"
    assert "criminal_collection" not in effects(advice, "collection")
    assert "report_to_police" not in order(advice)
    complaint = action(advice, "complain_to_regulator").text
    assert "12378" in complaint and "12321" in complaint


def test_a_paid_repair_offer_is_the_first_thing_to_act_on_without_threats():
    assert order(advise(example("paid_credit_repair_offer"), lang="en"))[0] == "avoid_credit_repair_scams"


@property_settings()
@given(situations())
def test_safety_comes_first_and_checking_before_any_payment_in_any_situation(data):
    advice = advise(data, lang="en")
    steps = order(advice)
    concluded = effects(advice, "collection")
    if "criminal_collection" in concluded:
        assert steps[:2] == ["report_to_police", "keep_evidence"]
    parsed = Situation.model_validate(data)
    unlicensed = [
        index for index, item in enumerate(parsed.debts) if item.lender.value == "unlicensed" and item.active_overdue
    ]
    if unlicensed:
        payments = [steps.index(code) for code in PAYMENTS if code in steps]
        assert steps.index("verify_debt") < min(payments)
        assert steps.index("pay_lawful_amount_only") < steps.index("settle_overdue")
        settled = action(advice, "settle_overdue").debts
        assert settled[-len(unlicensed) :] == sorted(unlicensed)  # never ahead of another debt


# --- the channel fits the lender and the problem (K2) ----------------------------------


def test_an_unlicensed_lender_is_reported_to_the_nifa_platform_not_12378():
    advice = advise(UNLICENSED_THREATS, lang="zh")
    complaint = action(advice, "complain_to_regulator").text
    assert "jubao.nifa.org.cn" in complaint and "12321" in complaint
    assert "12378" not in complaint.replace("12378管不了", "")  # named only to say it cannot help
    assert "12378" not in action(advice, "refuse_illegal_collection").text


def test_a_licensed_lender_threatening_is_complained_about_to_the_lender_then_12378():
    advice = advise(
        situation(debt(lender="licensed", overdue_days=60), collection=collection(threatened_or_insulted=True)),
        lang="en",
    )
    complaint = action(advice, "complain_to_regulator").text
    assert "12378" in complaint and "nifa" not in complaint
    assert action(advice, "complain_to_regulator").rules[0] == "remediation.complain_licensed_lender"


def test_a_wrong_record_names_the_credit_report_channels():
    advice = advise(situation(debt("credit_card", overdue_days=0, reported="yes")), lang="zh")
    dispute = action(advice, "credit_dispute").text
    assert "400-810-8866" in dispute and "12363" in dispute and "12378" not in dispute
    assert order(advice) == ["credit_dispute"]


# --- action texts worded by the rule that advised them --------------------------------


def test_every_action_variant_belongs_to_a_rule_that_advises_that_action():
    registry = rules_by_id()
    for language in LANGUAGES:
        variants = catalog(language).data["action_variants"]
        for code, by_rule in variants.items():
            for rule_id in by_rule:
                assert f"action.{code}" in registry[rule_id].concludes, (language, code, rule_id)
    assert {code: sorted(t) for code, t in catalog("zh").data["action_variants"].items()} == {
        code: sorted(t) for code, t in catalog("en").data["action_variants"].items()
    }


def test_an_action_advised_by_rules_without_a_variant_keeps_its_one_text():
    text = catalog("en")
    assert text.action_for("keep_evidence", ["remediation.keep_evidence_for_the_police"]) == text.action(
        "keep_evidence"
    )
    joined = text.action_for(
        "complain_to_regulator", ["remediation.complain_licensed_lender", "remediation.report_harassing_calls"]
    )
    assert joined.startswith("Unlawful collection: ") and "12321" in joined
