"""What if: changed situations side by side, and suggestions ranked on the sources' stories."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from advisor.analysis.whatif import (
    ChangeError,
    Outlook,
    apply_changes,
    candidates,
    compare,
    difference_items,
    harm_by_subject,
    outlook,
    parse_assignment,
    render_suggestions,
    render_what_if,
    suggest,
    verdict,
    what_if,
)
from advisor.texts.catalog import catalog
from advisor.validation import SituationError
from credit_advisor.cli import main
from credit_advisor.facts.enums import Likelihood
from credit_advisor.facts.situation import Situation

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def example(name: str) -> Situation:
    return Situation.model_validate(json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8")))


def effect_change(differences, topic, code):
    for change in differences["topics"].get(topic, {}).get("effects", []):
        if change["code"] == code:
            return change
    return None


def test_parse_assignment():
    assert parse_assignment("debts.0.settled=true") == ("debts.0.settled", True)
    assert parse_assignment("credit_inquiries_6m=0") == ("credit_inquiries_6m", 0)
    assert parse_assignment("debts.0.negotiation=agreement_honored") == ("debts.0.negotiation", "agreement_honored")
    assert parse_assignment("zhima_score=null") == ("zhima_score", None)
    assert parse_assignment('plans=["mortgage"]') == ("plans", ["mortgage"])
    with pytest.raises(ChangeError):
        parse_assignment("debts.0.settled")


def test_apply_changes_paths():
    data = example("huabei_agreement_broken").model_dump(mode="json")
    changed = apply_changes(
        data, [("debts.0.settled", True), ("collection.contacts_harassed", True), ("plans.0", "mortgage")]
    )
    assert changed["debts"][0]["settled"] is True
    assert changed["collection"]["contacts_harassed"] is True
    assert changed["plans"] == ["mortgage"]
    assert data["debts"][0]["settled"] is False  # the original is untouched
    added = apply_changes(data, [("debts.1.product", "credit_card"), ("debts.1.overdue_days", 5)])
    assert added["debts"][1] == {"product": "credit_card", "overdue_days": 5}


@pytest.mark.parametrize(
    "path,fragment",
    [
        ("debts.0.setled", "allowed: label, product, lender, overdue_days, reported, settled"),
        ("debts.3.settled", "allowed: 0–0"),
        ("debt.0.settled", "allowed: schema_version, as_of, debts"),
        ("collection.harassed", "contacts_harassed"),
        ("credit_inquiries_6m.0", "has no parts"),
    ],
)
def test_bad_paths_name_the_path_and_allowed_values(path, fragment):
    data = example("huabei_agreement_broken").model_dump(mode="json")
    with pytest.raises(ChangeError) as error:
        apply_changes(data, [(path, 1)], "en")
    ((where, message),) = error.value.problems
    assert where == path
    assert fragment in message


def test_bad_value_is_a_situation_error():
    with pytest.raises(SituationError) as error:
        what_if(example("huabei_agreement_broken"), [("debts.0.negotiation", "agreed")], "en")
    ((field, message),) = error.value.problems
    assert field == "debts[0].negotiation"
    assert "agreement_honored" in message


def test_settle_and_keep_the_agreement_side_by_side():
    """The issue's example: settle the debt and honour the agreement."""
    huabei_40_days = Situation(debts=[{"label": "花呗", "product": "huabei", "overdue_days": 40, "amount_cny": 6000}])
    result = what_if(
        huabei_40_days,
        [("debts.0.settled", True), ("debts.0.negotiation", "agreement_honored")],
        "en",
    )
    assert result.changes == [
        {"path": "debts.0.settled", "before": False, "after": True},
        {"path": "debts.0.negotiation", "before": "none", "after": "agreement_honored"},
    ]
    d = result.differences
    fees = effect_change(d, "collection", "penalty_fees")
    assert fees["change"] == "disappeared" and fees["direction"] == "better" and fees["before"] == "certain"
    suspended = effect_change(d, "huabei", "suspended")
    assert suspended["change"] == "disappeared" and suspended["before"] == "likely"
    calm = effect_change(d, "collection", "none")
    assert calm["change"] == "appeared" and calm["direction"] == "better"
    assert d["topics"]["collection"]["headline_after"]["code"] == "none"
    assert {"settle_overdue", "negotiate_repayment"} <= {a["code"] for a in d["actions"]["removed"]}
    assert "rebuild_record" in {a["code"] for a in d["actions"]["added"]}
    assert d["timeline"] and d["timeline"][0]["debt"] == 0
    assert d["verdict"] == "better"
    assert (d["outlook_before"]["harmful"]["certain"], d["outlook_after"]["harmful"]["certain"]) == (1, 0)
    data = result.as_dict()
    assert data["before"]["topics"]["huabei"]["effects"][0]["code"] == "suspended"
    assert data["after"]["topics"]["collection"]["effects"][0]["code"] == "none"
    json.dumps(data, ensure_ascii=False)


def test_a_change_for_the_worse_is_marked_worse():
    result = what_if(example("short_overdue_credit_card"), [("debts.0.overdue_days", 120)], "en")
    lawsuit = effect_change(result.differences, "collection", "lawsuit_risk")
    assert lawsuit["change"] == "stronger" and lawsuit["direction"] == "worse"
    assert result.differences["verdict"] == "worse"


def test_no_change_no_difference():
    s = example("all_clear_on_time_huabei")
    result = what_if(s, [("zhima_score", 720)], "en")
    assert result.differences["topics"] == {}
    assert result.differences["actions"] == {"added": [], "removed": []}
    assert result.differences["verdict"] == "same"
    assert result.differences["outlook_before"] == result.differences["outlook_after"]


def test_outlooks_compare_strongest_likelihood_first_without_weights():
    one_certain = Outlook(harmful=(1, 0, 0, 0), calm=0)
    many_likely = Outlook(harmful=(0, 9, 9, 9), calm=0)
    assert verdict(one_certain, many_likely) == "better"  # one certain harm fewer outweighs any weaker ones
    assert verdict(many_likely, one_certain) == "worse"
    assert verdict(Outlook((0, 2, 1, 0), 0), Outlook((0, 2, 0, 1), 0)) == "better"  # possible became unlikely
    assert verdict(Outlook((0, 1, 0, 0), 2), Outlook((0, 1, 0, 0), 3)) == "better"  # then more calm conclusions
    assert verdict(one_certain, Outlook((1, 0, 0, 0), 0)) == "same"


def test_outlook_counts_each_harmful_effect_once_per_debt_at_its_own_likelihood():
    from advisor.api import advise

    calm = outlook(advise(example("all_clear_on_time_huabei")))
    assert sum(calm.harmful) == 0 and calm.calm > 0
    advice = advise(
        Situation(debts=[{"product": "weilidai", "overdue_days": 10}, {"product": "weilidai", "overdue_days": 120}])
    )
    subjects = harm_by_subject(advice)
    assert (subjects[("collection.lawsuit_risk", 0)], subjects[("collection.lawsuit_risk", 1)]) == (
        "unlikely",
        "likely",
    )
    for topic, block in advice.topics.items():
        for effect in block.effects:
            for entry in effect.by_debt:  # the advice's per-debt attribution is what is counted
                if (f"{topic}.{effect.code}", entry.debt) in subjects:
                    assert subjects[(f"{topic}.{effect.code}", entry.debt)] == entry.likelihood.value
    counted = outlook(advice).as_dict()["harmful"]
    assert list(counted) == [item.value for item in Likelihood]
    assert counted == {item.value: list(subjects.values()).count(item.value) for item in Likelihood}


# --- suggestions, on the stories of the sources ------------------------------------------------


def kinds(result):
    return [(s.kind, s.debt) for s in result.suggestions]


def outlook_key(counts: dict) -> tuple[int, ...]:
    return (*(counts["harmful"][item.value] for item in Likelihood), -counts["calm"])


def test_ranking_is_by_the_outlook_after_strongest_likelihood_first():
    result = suggest(example("several_debts_mixed"), "en")
    keys = [(bool(s.differences["actions"]["first"]), outlook_key(s.outlook_after)) for s in result.suggestions]
    assert keys == sorted(keys)
    # Paying the unknown platform would skip checking the debt, which the advice puts
    # before any payment: that suggestion comes last, with the check as a step to do first.
    last = result.suggestions[-1]
    assert (last.kind, last.debt) == ("settle", 2)
    assert [a["code"] for a in last.differences["actions"]["first"]] == ["verify_debt"]
    assert [s.rank for s in result.suggestions] == list(range(1, len(result.suggestions) + 1))
    assert {"settle", "negotiate", "stop_applying", "wait"} <= {s.kind for s in result.suggestions}
    # Settling the licensed loan 100 days overdue removes a certain harm: it ranks above
    # stopping applications, which removes more harms, but only likely ones.
    assert kinds(result)[0] == ("settle", 1)
    stop = next(s for s in result.suggestions if s.kind == "stop_applying")
    first = result.suggestions[0]
    assert first.outlook_after["harmful"]["certain"] < stop.outlook_after["harmful"]["certain"]
    assert first.outlook_after["harmful"]["likely"] > stop.outlook_after["harmful"]["likely"]
    assert all(s.verdict == "better" for s in result.suggestions if s.rank < len(result.suggestions) - 1)


def test_story_000_seventeen_applications_stop_applying_first():
    """000: 17 loan applications in half a year, none overdue, mortgage refused."""
    result = suggest(example("mortgage_refused_17_applications"), "en")
    first = result.suggestions[0]
    assert first.kind == "stop_applying"
    assert first.changes == [{"path": "credit_inquiries_6m", "before": 17, "after": 0}]
    # Everything harmful came from the inquiries.
    assert result.outlook_before["harmful"]["likely"] > 0
    assert first.verdict == "better" and sum(first.outlook_after["harmful"].values()) == 0
    assert effect_change(first.differences, "borrowing", "mortgage_rejection_risk")["change"] == "disappeared"
    assert effect_change(first.differences, "credit_report", "inquiry_overload")["change"] == "disappeared"


def test_story_000_hospitalised_negotiate_first_and_proof_when_missing():
    """000: hospitalised, online loan overdue, hospital proof and income statements: with a
    hardship the advice negotiates before paying (contract, ordering), so does what-if."""
    s = example("hospitalised_online_loan_repair")
    result = suggest(s, "en")
    assert [(x.kind, x.verdict) for x in result.suggestions[:2]] == [("negotiate", "better"), ("settle", "better")]
    assert [a["code"] for a in result.suggestions[1].differences["actions"]["first"]] == ["negotiate_repayment"]
    assert "hardship_proof" not in {c.kind for c in candidates(s)}  # the proof is already there
    without_proof = s.model_copy(update={"hardship_proof": False})
    assert "hardship_proof" in {c.kind for c in candidates(without_proof)}


def test_story_004_unlicensed_platform_settle_only_after_checking():
    """004: an irregular platform collecting through WeChat and contacts.  Paying it is
    never suggested first, and checking what is lawfully owed is a step to do first, not
    one that paying makes "no longer needed"."""
    result = suggest(example("unlicensed_platform_harassment"), "en")
    assert result.suggestions[0].kind != "settle"
    settle = next(x for x in result.suggestions if x.kind == "settle")
    assert settle.rank == len(result.suggestions)
    first = [a["code"] for a in settle.differences["actions"]["first"]]
    assert first[:2] == ["verify_debt", "pay_lawful_amount_only"]
    assert not {a["code"] for a in settle.differences["actions"]["removed"]} & set(first)
    text = "\n".join(words for _, words, _ in difference_items(settle.differences, catalog("en"), ["x"]))
    assert "do first: " in text
    assert settle.description.startswith("Settle ") and "only what is lawfully owed" in settle.description
    d = settle.differences
    assert effect_change(d, "collection", "penalty_fees")["change"] == "disappeared"
    # Collectors already on WeChat: the social risk stays certain (the person cannot undo
    # that), but no longer because of this platform's unpaid debt.
    social = effect_change(d, "wechat", "social_collection_risk")
    assert (social["change"], social["before"], social["after"]) == ("debts", "certain", "certain")
    assert (social["by_debt_before"], social["by_debt_after"]) == ([{"debt": 0, "likelihood": "likely"}], [])
    assert social["direction"] == "better"


def test_story_002_huabei_negotiation_helps():
    """002: negotiate with Huabei and keep the agreement."""
    s = Situation(debts=[{"label": "花呗", "product": "huabei", "overdue_days": 40, "amount_cny": 6000}])
    result = suggest(s, "en")
    negotiate = next(x for x in result.suggestions if x.kind == "negotiate")
    assert negotiate.verdict == "better"
    assert negotiate.changes == [{"path": "debts.0.negotiation", "before": "none", "after": "agreement_honored"}]
    # E7: the overdue already on the report stays; what a kept agreement removes is the lawsuit risk.
    assert effect_change(negotiate.differences, "credit_report", "negative_record") is None
    lawsuit = effect_change(negotiate.differences, "collection", "lawsuit_risk")
    assert lawsuit["direction"] == "better"
    assert {x.kind for x in result.suggestions} == {"settle", "negotiate"}


def test_story_003_online_loan_overdue_suggestions():
    """003: a licensed online loan 45 days overdue; Huabei affected."""
    result = suggest(example("online_loan_overdue_45_days_huabei"), "en")
    by_kind = {s.kind: s for s in result.suggestions}
    assert by_kind["settle"].verdict == by_kind["negotiate"].verdict == "better"
    assert effect_change(by_kind["settle"].differences, "huabei", "limit_reduced")["change"] == "weaker"
    # 4 inquiries: stopping applications changes none of the rules' conclusions here.
    assert by_kind["stop_applying"].verdict == "same"
    assert result.suggestions[-1].kind == "stop_applying"


def test_waiting_for_the_five_year_mark():
    s = example("settled_small_overdue_repair_window")  # settled 10 months ago
    result = suggest(s, "en")
    waits = [x for x in result.suggestions if x.kind == "wait"]
    assert sorted(x.months for x in waits) == [14, 50]  # to 24 and to 60 months since settlement
    five_years = next(x for x in waits if x.months == 50)
    assert five_years.changes == [{"path": "debts.0.months_since_settled", "before": 10, "after": 60}]
    record = effect_change(five_years.differences, "credit_report", "negative_record")
    assert record["after"] == "unlikely" and record["direction"] == "better"
    assert result.suggestions[0] is five_years


def test_nothing_to_suggest_when_all_is_well():
    assert suggest(example("all_clear_on_time_huabei"), "en").suggestions == []


def render(fn, value) -> str:
    stream = io.StringIO()
    fn(value, Console(file=stream, width=200, color_system=None))
    return stream.getvalue()


def test_text_views_mark_differences_with_words():
    s = example("huabei_agreement_broken")
    out = render(render_what_if, what_if(s, [("debts.0.settled", True)], "en"))
    # the change in the interview's words: the debt by its name, no path, no code
    assert "花呗 · repaid in full: no → yes" in out and "debts.0" not in out
    assert "▼ better: " in out
    assert "no longer needed: " in out and "new action: " in out
    assert "Harmful effects, counted per debt: certain 1" in out and "(better)" in out
    zh = render(render_suggestions, suggest(s, "zh"))
    assert "最能改善" in zh and "[有改善]" in zh and "全额还清花呗" in zh
    assert "debts." not in zh and "null" not in zh


def test_cli_whatif(capsys):
    path = str(EXAMPLES / "huabei_agreement_broken.json")
    assert (
        main(
            [
                "whatif",
                path,
                "--set",
                "debts.0.settled=true",
                "--set",
                "debts.0.negotiation=agreement_honored",
                "--format",
                "json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert {"changes", "differences", "before", "after"} <= set(data)
    assert main(["whatif", path, "--suggest", "--format", "json", "--lang", "en"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["suggestions"]["suggestions"][0]["rank"] == 1
    assert data["suggestions"]["outlook_before"]["harmful"]["certain"] == 1
    assert data["suggestions"]["suggestions"][0]["verdict"] == "better"
    assert main(["whatif", path, "--suggest", "--format", "text", "--lang", "en"]) == 0
    assert "What would improve" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args,fragment",
    [
        (["--set", "debts.0.setled=true"], "allowed: label, product"),
        (["--set", "debts.0.negotiation=agreed"], "debts[0].negotiation"),
        (["--set", "debts.7.settled=true"], "allowed: 0–0"),
        (["--set", "nonsense"], "PATH=VALUE"),
        ([], "--set"),
    ],
)
def test_cli_whatif_errors_exit_2(capsys, args, fragment):
    path = str(EXAMPLES / "huabei_agreement_broken.json")
    assert main(["whatif", path, *args, "--lang", "en"]) == 2
    assert fragment in capsys.readouterr().err


def test_compare_is_symmetric_in_its_verdict():
    from advisor.api import advise

    a = advise(example("huabei_agreement_broken"), lang="en")
    b = advise(example("all_clear_on_time_huabei"), lang="en")
    assert (compare(a, b)["verdict"], compare(b, a)["verdict"]) == ("better", "worse")
    assert compare(a, b)["outlook_after"] == compare(b, a)["outlook_before"]
