"""The one-time credit repair (K4), evaluated against `as_of`: the date bands of
facts/policy_dates.py, the rules of rules/credit_report.py with the codes and
likelihoods they conclude, the timeline that words them, and the `as_of` guarantees
(no clock read when it is given; a trace replays with its recorded day)."""

from __future__ import annotations

import json
import sys
from datetime import date

import pytest
from conftest import PROJECT, STRENGTH, debt, situation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import situations

from advisor.analysis.audit import read_trace, replay, write_trace
from advisor.api import advise
from credit_advisor.facts.parameters import parameters_on
from credit_advisor.facts.policy_dates import hidden_by_month, month_text, overdue_size, repaid_band, repair_period
from credit_advisor.facts.situation import Situation

AS_OF = "2026-11-30"
EXAMPLES_DIR = PROJECT / "examples"
DAY = date.fromisoformat(AS_OF)
LICENSED_45 = debt("online_loan", lender="licensed", overdue_days=45)
SETTLED_2025_11 = {"settled": True, "months_since_settled": 12}  # 12 months before 2026-11


def credit_report(advice) -> dict[str, str]:
    return {e.code: e.likelihood.value for e in advice.topics["credit_report"].effects}


def debt_likelihood(advice, code: str, index: int = 0) -> str | None:
    """The strongest likelihood the rules concluded for `credit_report.code` on one debt."""
    from advisor.engine.consult import declared_facts

    found = None
    for entry in advice.trace:
        for kind, values in declared_facts(entry):
            mine = kind == "Effect" and values["code"] == code and values["debt"] == index
            if mine and (found is None or STRENGTH[values["likelihood"]] > STRENGTH[found]):
                found = values["likelihood"]
    return found


def actions(advice) -> dict[str, list[str]]:
    return {a.code: a.rules for a in advice.actions}


def fired(advice) -> set[str]:
    return {entry.rule for entry in advice.trace}


# --- the bands: where the dates fall (month precision, unknowns stay unknown) ----------------


def bands(overdue_days, settled=False, months=None, amount=None, as_of=DAY):
    values = parameters_on(as_of)
    return (
        repair_period(overdue_days, settled, months, as_of, values),
        repaid_band(settled, overdue_days, months, as_of, values),
        overdue_size(amount, values),
    )


def test_bands_of_an_overdue_repaid_early_in_the_period():
    assert bands(45, True, 12, 10_000) == ("in", "early", "small")


def test_bands_at_the_edges_of_the_period_and_the_deadline():
    # Settled 2026-01: 40 days before 2026-01-01..31 straddles nothing (all in 2025-11/12).
    assert bands(40, True, 10)[:2] == ("in", "by_deadline")
    # Settled 2026-01 after 10 days: began 2025-12-22..2026-01-21, across the period's end.
    assert bands(10, True, 10)[:2] == ("unknown", "by_deadline")
    # Settled 2026-03 (the deadline's month) and 2026-04 (after it).
    assert bands(200, True, 8)[1] == "by_deadline"
    assert bands(200, True, 7)[1] == "after_deadline"
    # Unpaid: the deadline is ahead on 2026-03-31 (inclusive), behind from 2026-04-01.
    assert bands(120, as_of=date(2026, 3, 31))[:2] == ("in", "not_yet")
    assert bands(120, as_of=date(2026, 4, 1))[:2] == ("in", "too_late")
    assert bands(45)[0] == "after"  # began in 2026-10
    assert bands(30, True, 84)[0] == "before"  # settled 2019-11


def test_unknowns_stay_unknown():
    assert bands(45, True, None) == ("unknown", "unknown", "unknown")
    assert bands(0) == ("none", "none", "unknown")


def test_the_amount_is_the_overdue_amount_against_the_dated_limit():
    assert overdue_size(10_000, parameters_on(DAY)) == "small"
    assert overdue_size(10_000.01, parameters_on(DAY)) == "large"
    assert overdue_size(None, parameters_on(DAY)) == "unknown"


def test_no_policy_before_it_was_announced():
    before = date(2025, 12, 21)
    assert bands(45, True, 1, 5000, as_of=before) == ("none", "none", "unknown")


def test_hidden_from_follows_the_two_steps_of_the_policy():
    values = parameters_on(DAY)
    assert month_text(hidden_by_month(DAY, 12, values)) == "2025-12"  # repaid 2025-11: from 2026-01-01
    assert month_text(hidden_by_month(DAY, 9, values)) == "2026-03"  # repaid 2026-02: by the end of 2026-03


# --- the rules: codes and likelihoods ----------------------------------------------------------


def consult(*debts, as_of=AS_OF, **person):
    return advise(situation(*debts, as_of=as_of, **person), lang="en")


def test_a_qualifying_overdue_is_hidden_and_its_record_lowered():
    advice = consult({**LICENSED_45, **SETTLED_2025_11, "overdue_amount_cny": 3000})
    assert credit_report(advice) == {
        "no_negative_record": "likely",
        "hidden_by_repair": "likely",
        "negative_record": "unlikely",
    }
    assert debt_likelihood(advice, "negative_record") == "unlikely"
    assert "credit_report.settled_overdue_shown_five_years" not in fired(advice)
    item = advice.timeline[0]
    assert (item.record_status, item.record_visible_until, item.repair_status) == ("hidden_by_repair", None, "hidden")
    first = item.milestones[0]
    assert (first.kind, first.month, first.reached) == ("record_hidden", "2025-12", True)


def test_a_hidden_record_is_good_news_wherever_harm_is_judged():
    # One declaration (HARMLESS_CODES) feeds the Effect's `harmful` slot, what-if's
    # outlook and the report's severity.
    from advisor.analysis.whatif import _by_subject, outlook
    from advisor.ui.render import severity

    advice = consult({**LICENSED_45, **SETTLED_2025_11, "overdue_amount_cny": 3000})
    hidden = next(e for e in advice.topics["credit_report"].effects if e.code == "hidden_by_repair")
    assert (hidden.likelihood.value, severity("credit_report", hidden)) == ("likely", "calm")
    harmful, calm = _by_subject(advice)
    assert ("credit_report.hidden_by_repair", 0) in calm
    assert not any(code == "credit_report.hidden_by_repair" for code, _ in harmful)
    assert outlook(advice).calm == len(calm)


def effects(advice, topic: str) -> dict[str, str]:
    return {e.code: e.likelihood.value for e in advice.topics[topic].effects}


def test_a_hidden_record_is_not_read_by_lenders_either():
    hidden = consult({**LICENSED_45, **SETTLED_2025_11, "overdue_amount_cny": 3000}, plans=["mortgage"])
    shown = consult({**LICENSED_45, **SETTLED_2025_11, "overdue_amount_cny": 30_000}, plans=["mortgage"])
    assert effects(hidden, "borrowing") == {"unaffected": "likely"}
    assert effects(shown, "borrowing")["approval_harder"] == "likely"
    # What remains for Weilidai is its later risk review (W5), not the report.
    assert effects(hidden, "weilidai") == {"extra_review": "possible"}
    assert effects(shown, "weilidai")["extra_review"] == "likely"


def test_why_not_names_the_overdue_amount_for_the_repair():
    from advisor.analysis.whynot import why_not

    data = situation({**LICENSED_45, **SETTLED_2025_11, "overdue_amount_cny": 30_000}, as_of=AS_OF)
    result = why_not(Situation.model_validate(data), "credit_report.hidden_by_repair", "en")
    assert not result.concluded
    fields = {
        named["field"]
        for rule in result.rules
        for alternative in rule.alternatives
        for subject in alternative.subjects
        for failure in subject.failures
        for named in failure.fields
    }
    assert "debts[0].overdue_amount_cny" in fields


def test_the_amount_of_the_loan_is_never_the_policys_threshold():
    # A 20,000-yuan loan with 3,000 yuan overdue qualifies; the loan's size plays no part.
    small_overdue = consult({**LICENSED_45, **SETTLED_2025_11, "amount_cny": 20_000, "overdue_amount_cny": 3000})
    assert credit_report(small_overdue)["hidden_by_repair"] == "likely"


def test_an_overdue_over_the_amount_is_not_covered_and_stays():
    advice = consult({**LICENSED_45, **SETTLED_2025_11, "overdue_amount_cny": 10_001})
    assert credit_report(advice) == {"negative_record": "likely"}
    item = advice.timeline[0]
    assert (item.record_status, item.record_visible_until, item.repair_status) == (
        "visible_until",
        "2030-11",
        "not_covered_amount",
    )
    assert "not covered" in item.summary and "missed" not in item.summary


def test_a_possible_fit_is_possibly_hidden_and_the_report_checked():
    advice = consult({**LICENSED_45, **SETTLED_2025_11})  # overdue amount not known
    assert credit_report(advice) == {"negative_record": "likely", "hidden_by_repair": "possible"}
    assert "credit_report.one_time_repair_policy" in actions(advice)["check_credit_report"]
    assert advice.timeline[0].repair_status == "may_apply"
    # A date across the period's end is as unsure as an unknown amount.
    unsure = consult(
        debt("credit_card", overdue_days=10, settled=True, months_since_settled=10, overdue_amount_cny=500)
    )
    assert credit_report(unsure)["hidden_by_repair"] == "possible"


def test_a_qualifying_record_the_person_still_sees_is_checked_and_disputed():
    advice = consult({**LICENSED_45, **SETTLED_2025_11, "overdue_amount_cny": 800, "reported": "yes"})
    assert credit_report(advice) == {"negative_record": "certain"}
    assert "credit_report.repair_qualified_record_still_shown" in actions(advice)["check_credit_report"]
    assert "credit_report.repair_qualified_record_still_shown" in actions(advice)["credit_dispute"]
    assert advice.timeline[0].repair_status == "still_shown"


def test_before_the_deadline_repaying_gets_an_open_overdue_hidden():
    before = consult({**LICENSED_45, "overdue_days": 120, "overdue_amount_cny": 3000}, as_of="2026-03-31")
    assert before.actions[0].code == "settle_overdue"
    assert "credit_report.repay_by_repair_deadline" in before.actions[0].rules
    assert credit_report(before) == {"negative_record": "likely"}  # not hidden until repaid
    item = before.timeline[0]
    assert (item.record_status, item.repair_status) == ("visible_while_unpaid", "repay_by_deadline")
    assert [(m.kind, m.month, m.reached) for m in item.milestones] == [("repair_deadline", "2026-03", True)]
    after = consult({**LICENSED_45, "overdue_days": 120, "overdue_amount_cny": 3000}, as_of="2026-04-01")
    assert "credit_report.repay_by_repair_deadline" not in fired(after)
    assert after.timeline[0].repair_status == "not_repaid_by_deadline"
    assert "missed" in after.timeline[0].summary  # in the period and small: missed is true here


def test_repaid_after_the_deadline_is_missed_not_hidden():
    advice = consult({**LICENSED_45, "overdue_days": 200, "settled": True, "months_since_settled": 6})
    assert credit_report(advice) == {"negative_record": "likely"}
    assert advice.timeline[0].repair_status == "repaid_after_deadline"


def test_an_overdue_that_began_in_2026_was_never_covered():
    advice = consult(debt("huabei", overdue_days=60, overdue_amount_cny=4000))
    assert credit_report(advice) == {"negative_record": "likely"}
    assert "credit_report.repair_not_covered_after_period" in fired(advice)
    assert "credit_report.repair_deadline_missed" not in fired(advice)


def test_no_repair_rule_for_a_record_not_on_the_report():
    unlicensed = consult({**LICENSED_45, **SETTLED_2025_11, "lender": "unlicensed", "overdue_amount_cny": 3000})
    assert "hidden_by_repair" not in credit_report(unlicensed)
    assert unlicensed.timeline[0].repair_status is None
    assert unlicensed.timeline[0].record_status == "none"


def test_before_the_policy_existed_nothing_is_said_of_it():
    advice = consult(
        {**LICENSED_45, "settled": True, "months_since_settled": 1, "overdue_amount_cny": 3000}, as_of="2025-12-01"
    )
    assert not {rule for rule in fired(advice) if "repair" in rule}
    assert credit_report(advice) == {"negative_record": "likely"}


def test_a_record_still_showing_before_its_hiding_month_is_hidden_from_then():
    # Repaid 2026-02 after 90 days (began in 2025-11), as of 2026-03-10: hidden by the end
    # of 2026-03, the month it is now.
    advice = consult(
        {**LICENSED_45, "overdue_days": 90, "settled": True, "months_since_settled": 1, "overdue_amount_cny": 3000},
        as_of="2026-03-10",
    )
    assert credit_report(advice)["hidden_by_repair"] == "likely"
    milestone = advice.timeline[0].milestones[0]
    assert (milestone.kind, milestone.month, milestone.reached, milestone.in_months) == (
        "record_hidden",
        "2026-03",
        True,
        0,
    )


# --- the timeline never states a record the credit-report topic does not expect ---------------

STATES_A_RECORD = {"visible_while_unpaid", "visible_until", "unknown"}


def timeline_problems(advice) -> list[str]:
    problems = []
    for item in advice.timeline:
        likelihood = debt_likelihood(advice, "negative_record", item.debt)
        below = likelihood is None or STRENGTH[likelihood] < STRENGTH["possible"]
        if below and (item.record_status in STATES_A_RECORD or item.record_visible_until is not None):
            problems.append(f"debt {item.debt}: {item.record_status} {item.record_visible_until} beside {likelihood}")
        if item.record_visible_until is not None and item.record_status != "visible_until":
            problems.append(f"debt {item.debt}: a date without visible_until")
    return problems


@pytest.mark.parametrize("example", sorted(EXAMPLES_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_no_example_timeline_states_a_record_below_possible(example):
    assert timeline_problems(advise(example.read_text(encoding="utf-8"), lang="en")) == []


@st.composite
def dated_situations(draw) -> dict:
    """Situations on days around the policy, with overdue amounts around its limit."""
    data = draw(situations())
    data["as_of"] = draw(
        st.sampled_from(
            ["2025-12-01", "2025-12-22", "2026-01-15", "2026-03-31", "2026-04-01", "2026-11-30", "2031-06-30"]
        )
    )
    for item in data["debts"]:
        if draw(st.booleans()):
            item["overdue_amount_cny"] = draw(st.sampled_from([None, 0.0, 3000.0, 10_000.0, 10_000.5, 80_000.0]))
    return data


@settings(max_examples=500, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(dated_situations())
def test_no_random_timeline_states_a_record_below_possible(data):
    assert timeline_problems(advise(data, lang="en")) == []


# --- as_of: no clock read, and replay with the recorded day ------------------------------------


class _Clock:
    """Stands in for `datetime.date` in every loaded project module: `today()` fails
    (or answers a chosen day), everything else is the real date."""

    def __init__(self, today: date | None):
        self._today = today

    def __getattr__(self, name):
        return getattr(date, name)

    def __call__(self, *args):
        return date(*args)

    def __instancecheck__(self, instance):
        return isinstance(instance, date)

    def today(self):
        if self._today is None:
            raise AssertionError("the clock was read although the situation has as_of")
        return self._today


def set_clock(monkeypatch, today: date | None) -> None:
    """Every project module that imported `date` gets a clock reading `today`."""
    for name, module in list(sys.modules.items()):
        current = getattr(module, "date", None)
        if name.split(".")[0] in ("advisor", "credit_advisor", "facts", "rules") and (
            current is date or isinstance(current, _Clock)
        ):
            monkeypatch.setattr(module, "date", _Clock(today))


DATED = situation(
    {**LICENSED_45, "overdue_days": 120, "overdue_amount_cny": 3000},
    debt("credit_card", overdue_days=40, settled=True, months_since_settled=3),
    as_of="2026-03-01",
)


def test_with_as_of_the_clock_is_never_read(monkeypatch):
    expected = advise(DATED, lang="en").model_dump_json()
    set_clock(monkeypatch, None)
    assert advise(DATED, lang="en").model_dump_json() == expected
    assert advise(DATED, lang="zh").as_of == date(2026, 3, 1)


@pytest.mark.parametrize("today", [date(2026, 11, 30), date(2027, 6, 1), date(2031, 1, 1)])
def test_same_situation_and_as_of_on_different_days_give_the_same_advice(monkeypatch, today):
    expected = advise(DATED, lang="en").model_dump_json()
    set_clock(monkeypatch, today)
    assert advise(DATED, lang="en").model_dump_json() == expected


def test_without_as_of_the_advice_is_for_today(monkeypatch):
    set_clock(monkeypatch, date(2026, 2, 1))
    advice = advise(situation({**LICENSED_45, "overdue_days": 120, "overdue_amount_cny": 3000}, as_of=None), lang="en")
    assert advice.as_of == date(2026, 2, 1)
    assert advice.timeline[0].repair_status == "repay_by_deadline"


def test_a_trace_records_the_dated_situation_and_replays_with_it(tmp_path, monkeypatch):
    set_clock(monkeypatch, date(2026, 2, 1))
    undated = Situation.model_validate(
        situation({**LICENSED_45, "overdue_days": 120, "overdue_amount_cny": 3000}, as_of=None)
    )
    advice = advise(undated, lang="en")
    path = write_trace(tmp_path / "trace.jsonl", undated, advice)
    header = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert header["input"]["as_of"] == "2026-02-01"
    # Months later the replay still reasons about 2026-02-01.
    set_clock(monkeypatch, date(2026, 11, 30))
    report = replay(read_trace(path))
    assert report.identical and report.as_of == "2026-02-01"


def test_an_old_trace_without_as_of_replays_for_today(tmp_path, monkeypatch):
    from advisor.analysis.audit import input_sha256

    set_clock(monkeypatch, date(2026, 2, 1))
    data = situation({**LICENSED_45, "overdue_days": 120, "overdue_amount_cny": 3000}, as_of=None)
    path = write_trace(tmp_path / "trace.jsonl", Situation.model_validate(data), advise(data, lang="en"))
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    records[0]["input"]["as_of"] = None  # as written before as_of existed
    records[0]["input_sha256"] = input_sha256(records[0]["input"])
    old = tmp_path / "old.jsonl"
    old.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    set_clock(monkeypatch, date(2026, 11, 30))
    report = replay(read_trace(old))
    assert report.as_of == "2026-11-30" and not report.identical
    assert any(change["rule"] == "credit_report.repay_by_repair_deadline" for change in report.firings["rules"])
