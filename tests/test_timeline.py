"""The per-debt timeline: record visibility (5 years from settlement, never while
unsettled), the six-month and two-year clean marks, the one-time repair window."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from rich.console import Console

from advisor.analysis.timeline import add_months, timeline, timeline_block
from advisor.api import advise
from advisor.models import Advice
from credit_advisor.facts.situation import Situation

TODAY = date(2026, 11, 22)


def one_debt(**debt) -> Situation:
    return Situation(debts=[{"product": "online_loan", "lender": "licensed", **debt}])


def entry(**debt):
    return timeline(one_debt(**debt))[0]


def test_settled_debt_counts_from_settlement():
    e = entry(overdue_days=40, settled=True, months_since_settled=10, amount_cny=3000)
    assert e.status == "settled"
    assert e.months_since_settled == 10
    assert e.record_visible_until_months == 50  # 60 - 10
    assert e.clean_six_months_in_months == 0  # reached
    assert e.good_record_two_years_in_months == 14
    assert e.repair_window.status == "may_apply"
    assert e.repair_window.deadline == "2026-03-31"
    assert e.repair_window.max_amount_cny == 10_000


def test_recently_settled_debt_waits_for_six_clean_months():
    e = entry(overdue_days=40, settled=True, months_since_settled=2, amount_cny=3000)
    assert e.record_visible_until_months == 58
    assert e.clean_six_months_in_months == 4
    assert e.good_record_two_years_in_months == 22
    # Settled two months before 2026-11-22 or later: after the repair deadline.
    assert (e.repair_window.status, e.repair_window.reason) == ("closed", "repaid_after_deadline")


def test_unsettled_debt_never_ages_off():
    e = entry(overdue_days=45, amount_cny=8000)
    assert e.status == "open"
    assert e.record_visible_until_months is None  # never while unsettled
    assert e.clean_six_months_in_months is None
    assert e.good_record_two_years_in_months is None
    assert (e.repair_window.status, e.repair_window.reason) == ("closed", "not_repaid_by_deadline")


def test_repair_window_needs_at_most_10000_yuan():
    assert entry(overdue_days=45, amount_cny=20_000).repair_window.reason == "amount_over_limit"
    assert entry(overdue_days=45, settled=True, months_since_settled=12, amount_cny=10_001).repair_window.status == (
        "not_applicable"
    )
    # Unknown amount: it may apply.
    assert entry(overdue_days=45, settled=True, months_since_settled=12).repair_window.status == "may_apply"
    assert entry(overdue_days=45, settled=True, months_since_settled=12, amount_cny=10_000).repair_window.status == (
        "may_apply"
    )


def test_aged_off_and_never_overdue_and_unknown_dates():
    aged = entry(overdue_days=100, settled=True, months_since_settled=70)
    assert aged.record_visible_until_months == 0
    assert aged.clean_six_months_in_months == 0 and aged.good_record_two_years_in_months == 0
    never = entry(overdue_days=0)
    assert never.status == "never_overdue"
    assert never.record_visible_until_months == 0
    assert never.repair_window.reason == "never_overdue"
    unknown = entry(overdue_days=30, settled=True)
    assert unknown.status == "settled_date_unknown"
    assert unknown.record_visible_until_months is None
    assert unknown.repair_window.status == "may_apply"


def test_boundaries_of_five_years_and_six_months():
    assert entry(overdue_days=5, settled=True, months_since_settled=59).record_visible_until_months == 1
    assert entry(overdue_days=5, settled=True, months_since_settled=60).record_visible_until_months == 0
    assert entry(overdue_days=5, settled=True, months_since_settled=5).clean_six_months_in_months == 1
    assert entry(overdue_days=5, settled=True, months_since_settled=6).clean_six_months_in_months == 0


def test_one_entry_per_debt_in_order():
    situation = Situation(
        debts=[
            {"product": "huabei", "overdue_days": 0},
            {"product": "online_loan", "overdue_days": 10},
            {"product": "credit_card", "overdue_days": 10, "settled": True, "months_since_settled": 3},
        ]
    )
    assert [(e.debt, e.status) for e in timeline(situation)] == [(0, "never_overdue"), (1, "open"), (2, "settled")]
    assert timeline(Situation(debts=[])) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_advice_carries_the_timeline_with_words(lang):
    advice = advise(
        {
            "debts": [
                {
                    "label": "网贷A",
                    "product": "online_loan",
                    "overdue_days": 40,
                    "settled": True,
                    "months_since_settled": 10,
                }
            ]
        },
        lang=lang,
    )
    assert len(advice.timeline) == 1
    item = advice.timeline[0]
    assert item.record_visible_until_months == 50
    assert item.summary.startswith("网贷A")
    assert "50" in item.summary
    data = json.loads(advice.model_dump_json())
    assert data["timeline"][0]["record_visible_until_months"] == 50
    assert data["timeline"][0]["repair_window"]["status"] == "may_apply"
    # Round trip through the model and determinism (no clock in the JSON).
    assert Advice.model_validate(data).timeline == advice.timeline
    again = advise(
        {
            "debts": [
                {
                    "label": "网贷A",
                    "product": "online_loan",
                    "overdue_days": 40,
                    "settled": True,
                    "months_since_settled": 10,
                }
            ]
        },
        lang=lang,
    )
    assert again.model_dump_json() == advice.model_dump_json()


def test_unsettled_summary_says_never_while_unsettled():
    advice = advise({"debts": [{"product": "online_loan", "overdue_days": 40}]}, lang="en")
    assert "as long as it is unsettled" in advice.timeline[0].summary
    assert "closed" in advice.timeline[0].summary


def test_schema_lists_the_timeline():
    schema = Advice.model_json_schema()
    assert "timeline" in schema["properties"]
    assert "TimelineEntry" in schema["$defs"]


def test_add_months():
    assert add_months(TODAY, 50) == date(2031, 1, 1)
    assert add_months(TODAY, -8) == date(2026, 3, 1)
    assert add_months(TODAY, 0) == date(2026, 11, 1)


def render(advice, width=160) -> str:
    stream = io.StringIO()
    Console(file=stream, width=width, color_system=None).print(timeline_block(advice, today=TODAY))
    return stream.getvalue()


def test_text_timeline_shows_calendar_months_for_settled_debts():
    advice = advise(
        {
            "debts": [
                {
                    "label": "网贷A",
                    "product": "online_loan",
                    "overdue_days": 40,
                    "settled": True,
                    "months_since_settled": 10,
                    "amount_cny": 3000,
                }
            ]
        },
        lang="en",
    )
    out = render(advice)
    assert "2026-11-22" in out
    assert "until about 2031-01" in out  # 50 months after 2026-11
    assert "six clean months reached" in out
    assert "about 2028-01" in out  # two years: in 14 months
    assert "repaid about 2026-01, before 2026-03-31" in out


def test_text_timeline_for_unsettled_and_recent_debts_zh():
    advice = advise(
        {
            "debts": [
                {"label": "花呗", "product": "huabei", "overdue_days": 50, "amount_cny": 3000},
                {
                    "label": "信用卡",
                    "product": "credit_card",
                    "overdue_days": 10,
                    "settled": True,
                    "months_since_settled": 2,
                },
            ]
        },
        lang="zh",
    )
    out = render(advice)
    assert "只要未结清" in out
    assert "已错过" in out  # the repair window closed for the unsettled debt
    assert "约 2027-03 满 6 个月" in out  # six clean months for the debt settled 2 months ago: in 4 months
    assert "晚于 2026-03-31" in out
    # Colour is never the only signal: every statement carries a marker.
    statements = [line for line in out.splitlines() if line.startswith("  ")]
    assert statements and all(line.split()[0] in ("!!", "!", "✓") for line in statements)


def test_text_timeline_without_debts():
    advice = advise({"debts": []}, lang="en")
    assert "No debts" in render(advice)
