"""The per-debt timeline: concluded by the credit-report rules, dated from `as_of`.

Record status, the date a record stops showing, the one-time repair's status and the
milestones come from the rules' findings; the timeline only dates and words them.
"""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from rich.console import Console

from advisor.analysis.timeline import timeline_block
from advisor.api import advise
from advisor.models import Advice

AS_OF = "2026-11-22"


def advice_for(*debts: dict, lang: str = "en", as_of: str = AS_OF) -> Advice:
    return advise({"as_of": as_of, "debts": list(debts)}, lang=lang)


def licensed(**debt) -> dict:
    return {"product": "online_loan", "lender": "licensed", **debt}


def entry(as_of: str = AS_OF, **debt):
    return advice_for(licensed(**debt), as_of=as_of).timeline[0]


def milestones(item) -> dict[str, tuple[str, bool, int]]:
    return {m.kind: (m.month, m.reached, m.in_months) for m in item.milestones}


def test_settled_debt_is_shown_five_years_from_its_settlement_month():
    # Settled in 2026-01 (10 months before 2026-11), 40 days overdue: began in 2025, but
    # the overdue amount is not known, so the repair only may apply.
    e = entry(overdue_days=40, settled=True, months_since_settled=10)
    assert (e.status, e.record_status, e.record_visible_until) == ("settled", "visible_until", "2031-01")
    assert milestones(e) == {
        "record_ages_off": ("2031-01", False, 50),
        "clean_six_months": ("2026-07", True, 0),
        "good_record_two_years": ("2028-01", False, 14),
    }
    assert e.repair_status == "may_apply"
    assert e.repair_window is not None
    assert (e.repair_window.status, e.repair_window.deadline) == ("may_apply", "2026-03-31")
    assert e.repair_window.max_amount_cny == 10_000
    assert e.repair_window.period == ["2020-01-01", "2025-12-31"]


def test_unsettled_debt_is_shown_while_unpaid_with_no_date():
    e = entry(overdue_days=45)
    assert (e.status, e.record_status, e.record_visible_until, e.milestones) == (
        "open",
        "visible_while_unpaid",
        None,
        [],
    )
    # 45 days before 2026-11-22 is in 2026: the repair never covered it.
    assert (e.repair_status, e.repair_window) == ("not_covered_period", None)


def test_aged_off_never_overdue_and_unknown_settlement():
    aged = entry(overdue_days=100, settled=True, months_since_settled=70)
    assert (aged.record_status, aged.record_visible_until, aged.milestones) == ("aged_off", None, [])
    never = entry(overdue_days=0)
    assert (never.status, never.record_status, never.record_visible_until, never.repair_window) == (
        "never_overdue",
        "none",
        None,
        None,
    )
    unknown = entry(overdue_days=30, settled=True)
    assert (unknown.status, unknown.record_status, unknown.record_visible_until) == (
        "settled_date_unknown",
        "unknown",
        None,
    )
    assert unknown.repair_status == "may_apply"


def test_the_month_the_record_ages_off_follows_the_retention_parameter():
    assert entry(overdue_days=5, settled=True, months_since_settled=59).record_visible_until == "2026-12"
    assert entry(overdue_days=5, settled=True, months_since_settled=60).record_status == "aged_off"


def test_one_entry_per_debt_in_order():
    advice = advice_for(
        {"product": "huabei", "overdue_days": 0},
        {"product": "online_loan", "lender": "licensed", "overdue_days": 10},
        {"product": "credit_card", "overdue_days": 10, "settled": True, "months_since_settled": 3},
    )
    assert [(e.debt, e.status) for e in advice.timeline] == [(0, "never_overdue"), (1, "open"), (2, "settled")]
    assert advice_for().timeline == []


# --- the three contradictions of issue 11 --------------------------------------------------


def test_a_short_huabei_overdue_repaid_and_off_the_report_states_no_record():
    advice = advice_for(
        {"product": "huabei", "overdue_days": 3, "settled": True, "months_since_settled": 2, "reported": "no"}
    )
    cr = {e.code: e.likelihood.value for e in advice.topics["credit_report"].effects}
    assert cr == {"no_negative_record": "likely"}
    item = advice.timeline[0]
    assert (item.record_status, item.record_visible_until, item.milestones) == ("none", None, [])
    assert "2031" not in item.summary and "no negative record is expected" in item.summary


def test_an_unlicensed_lender_is_not_told_the_record_stays_while_unpaid():
    advice = advice_for({"product": "online_loan", "lender": "unlicensed", "overdue_days": 100})
    negative = [e for e in advice.topics["credit_report"].effects if e.code == "negative_record"]
    assert [(e.likelihood.value, e.debts) for e in negative] == [("unlikely", [0])]
    item = advice.timeline[0]
    assert (item.record_status, item.record_visible_until) == ("none", None)
    assert "as long as it is unsettled" not in item.summary


@pytest.mark.parametrize("lang, missed", [("en", "missed"), ("zh", "错过")])
def test_an_overdue_that_began_in_2026_is_not_covered_never_missed(lang, missed):
    advice = advice_for({"product": "huabei", "overdue_days": 60}, lang=lang)
    item = advice.timeline[0]
    assert (item.repair_status, item.repair_window) == ("not_covered_period", None)
    assert missed not in item.summary
    assert ("not covered" if lang == "en" else "不适用") in item.summary


# --- JSON and words -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_advice_carries_the_timeline_with_words(lang):
    advice = advice_for(licensed(label="网贷A", overdue_days=40, settled=True, months_since_settled=10), lang=lang)
    item = advice.timeline[0]
    assert item.summary.startswith("网贷A")
    assert "2031-01" in item.summary
    data = json.loads(advice.model_dump_json())
    assert data["timeline"][0]["record_visible_until"] == "2031-01"
    assert data["timeline"][0]["record_status"] == "visible_until"
    assert data["timeline"][0]["repair_window"]["status"] == "may_apply"
    assert Advice.model_validate(data).timeline == advice.timeline
    again = advice_for(licensed(label="网贷A", overdue_days=40, settled=True, months_since_settled=10), lang=lang)
    assert again.model_dump_json() == advice.model_dump_json()


def test_chinese_timeline_texts_use_full_width_punctuation():
    advice = advice_for(licensed(overdue_days=40, settled=True, months_since_settled=10), lang="zh")
    summary = advice.timeline[0].summary
    assert "：" in summary and "（" in summary and "。" in summary
    assert "(" not in summary.replace("网贷", "") and ";" not in summary


def test_schema_lists_the_timeline_fields_of_the_contract():
    schema = Advice.model_json_schema()
    entry_schema = schema["$defs"]["TimelineEntry"]["properties"]
    assert {"debt", "record_visible_until", "record_status", "repair_window", "milestones"} <= set(entry_schema)
    reference = entry_schema["record_status"]["$ref"].rsplit("/", 1)[-1]  # an enum of its own
    statuses = set(schema["$defs"][reference]["enum"])
    assert statuses == {"none", "hidden_by_repair", "visible_while_unpaid", "visible_until", "aged_off", "unknown"}


def render(advice, width=160) -> str:
    stream = io.StringIO()
    Console(file=stream, width=width, color_system=None).print(timeline_block(advice))
    return stream.getvalue()


def test_text_timeline_is_dated_from_the_advice_as_of():
    advice = advice_for(licensed(label="网贷A", overdue_days=40, settled=True, months_since_settled=10))
    out = render(advice)
    assert "2026-11-22" in out
    assert "until about 2031-01" in out
    assert "six clean months reached" in out
    assert "about 2028-01" in out
    # The same situation a year later: the same record month, counted from the later day.
    later = render(advice_for(licensed(overdue_days=40, settled=True, months_since_settled=22), as_of="2027-11-22"))
    assert "2027-11-22" in later and "until about 2031-01 (in 38 months" in later


def test_text_timeline_for_unsettled_and_recent_debts_zh():
    advice = advice_for(
        {"label": "花呗", "product": "huabei", "overdue_days": 50},
        {"label": "信用卡", "product": "credit_card", "overdue_days": 10, "settled": True, "months_since_settled": 2},
        lang="zh",
    )
    out = render(advice)
    assert "只要还没结清" in out
    assert "错过" not in out  # both overdues began in 2026: not covered, never "missed"
    assert "约 2027-03 满 6 个月" in out
    statements = [line for line in out.splitlines() if line.startswith("  ")]
    assert statements and all(line.split()[0] in ("!!", "!", "✓") for line in statements)


def test_text_timeline_without_debts():
    assert "No debts" in render(advice_for())


def test_timeline_needs_a_dated_situation():
    from advisor.analysis.timeline import timeline
    from credit_advisor.facts.situation import Situation

    with pytest.raises(ValueError, match="as_of"):
        timeline(Situation(debts=[]), [])
    assert date.fromisoformat(AS_OF) == advice_for().as_of


def test_a_record_only_possibly_on_the_report_is_told_as_a_condition():
    possible = advice_for({"product": "other", "lender": "unknown", "overdue_days": 20}).timeline[0]
    assert (possible.record_status, possible.record_likelihood) == ("visible_while_unpaid", "possible")
    assert "may or may not be on the credit report" in possible.summary
    likely = entry(overdue_days=45)
    assert likely.record_likelihood == "likely"
    assert "may or may not" not in likely.summary
