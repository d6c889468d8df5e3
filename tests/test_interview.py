"""Transcript tests of the guided interview: scripted answers in, the exact screen out.

The dialogue is driven through `Interview(lang, console, read_line)` with a recording
console of 60 columns and no colour, like rich's own tests.  Texts that belong to the
knowledge catalogs (effect labels, rule explanations) are looked up through the catalog
API, so these tests do not break when those texts are reworded.
"""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys

from rich.console import Console

from advisor.analysis import explain as how
from advisor.api import advise
from advisor.texts.catalog import catalog
from advisor.ui.interview import (
    EXIT_BAD_ANSWERS,
    EXIT_INCOMPLETE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    Interview,
    dump,
    load_answers,
    run_interview,
)

CTRL_C = object()


def reader(lines, session=lambda: None):
    """A scripted `read_line`: EOFError when the script ends, KeyboardInterrupt at CTRL_C;
    a callable line is called with the session (to pick a HOW number from its advice)."""
    queue = list(lines)

    def read_line() -> str:
        if not queue:
            raise EOFError
        line = queue.pop(0)
        if line is CTRL_C:
            raise KeyboardInterrupt
        return line(session()) if callable(line) else line

    return read_line


def interview(lines, lang="zh", **options):
    console = Console(
        record=True, width=60, force_terminal=False, color_system=None, file=io.StringIO(), highlight=False
    )
    holder = []
    session = Interview(lang, console, reader(lines, lambda: holder[0]), echo=True, **options)
    holder.append(session)
    status = session.run()
    transcript = "\n".join(line.rstrip() for line in console.export_text().splitlines())
    return status, transcript, session


def flat(text: str) -> str:
    """The text without panel borders, line breaks and spaces (for text that wraps)."""
    for mark in ("│", "\n", " ", "╭", "╰", "─", "╮", "╯"):
        text = text.replace(mark, "")
    return text


def texts(lang):
    return catalog(lang).data["interview"]


def q(lang, qid):
    return texts(lang)["q"][qid]["text"]


def item_number(kind, code, topic=None):
    """A scripted answer: the HOW menu's number of one conclusion of the session's advice."""

    def pick(session):
        for number, item in enumerate(how.items(session.advice), start=1):
            if item.kind == kind and item.code == code and item.topic == topic:
                return str(number)
        raise AssertionError(f"{kind} {topic}.{code} not in the HOW menu")

    return pick


def effects(advice):
    return {(topic, e.code): e.likelihood.value for topic, block in advice.topics.items() for e in block.effects}


def same_advice(session):
    """The interview's advice is exactly `advise()` of the Situation it built."""
    assert session.advice.model_dump() == advise(session.situation, session.lang).model_dump()


# --- a clean person: the exact transcript -------------------------------------------------

CLEAN_ZH = """\
╭─ 信用问答 ───────────────────────────────────────────────╮
│ 我会问你几个关于借款的问题，然后告诉你花呗、微粒贷、微   │
│ 信、钉钉和征信会受到什么影响，以及先做什么。             │
│ • 任何问题都可以输入“?”或“为什么”，看看这个回答会影响哪  │
│   些结论。                                               │
│ • 输入“返回”回到上一题；最后还可以检查并修改所有回答。   │
│ • 按 Ctrl-C 随时退出。                                   │
│ 你的回答只在本机处理，不会上传，也不会记录。             │
╰──────────────────────────────────────────────────────────╯

第 1 题，约 3 题
你现在有借款或信用产品吗？五年内还清的也算。
比如花呗、借呗、微粒贷、网贷、信用卡、银行贷款；按时还款的也
算。
（是/否 · ? 为什么 · 返回）> 没有

第 2 题，约 3 题
最近六个月里，你申请过几次贷款或信用卡？
每次申请都会在征信上留下一条查询记录。没申请过填 0。
（0–1000 的整数或 不知道 · ? 为什么 · 返回）> 很多
没看懂这个回答。请输入一个整数（0 到 1000）。
（0–1000 的整数或 不知道 · ? 为什么 · 返回）> 1

检查你的回答 ───────────────────────────────────────────────
1. 有没有借款：否
2. 近半年的申请次数：1
输入编号修改，回车查看结果（1–2 · 返回）>
"""


def test_clean_person_exact_transcript_then_calm_advice():
    # Without a debt no rule reads the Zhima score or DingTalk (they all need an overdue
    # or a record), so only the inquiries are asked; the plans, in the first estimate,
    # drop out once one inquiry is no reason for a mortgage refusal.
    status, transcript, session = interview(["没有", "很多", "1", ""])
    assert status == EXIT_OK
    report_title = catalog("zh").ui("report_title")
    assert transcript.split(report_title)[0] == CLEAN_ZH + "\n"
    advice = session.advice
    assert all(
        e.code in ("unaffected", "basic_unaffected", "platform_unaffected", "no_negative_record", "none")
        for block in advice.topics.values()
        for e in block.effects
    )
    assert advice.disclaimer in transcript.replace("\n", "")
    assert session.situation.model_dump(exclude_unset=True) == {
        "schema_version": 1,
        "debts": [],
        "credit_inquiries_6m": 1,
    }
    same_advice(session)
    # the input ended at the HOW menu: that just finishes
    assert transcript.rstrip().endswith(texts("zh")["goodbye"])


def test_clean_person_with_huabei_paid_on_time_gets_no_overdue_questions():
    # No overdue, no record: neither the Zhima score nor DingTalk can change a conclusion.
    script = ["是", "1", "", "0", "没有", "否", "0", ""]
    status, transcript, session = interview(script)
    assert status == EXIT_OK
    for qid in ("settled", "lender", "negotiation", "hardship", "contacts_harassed", "plans", "zhima_score"):
        assert q("zh", qid) not in transcript, qid
    assert q("zh", "uses_dingtalk") not in transcript
    assert "第 7 题，约 8 题" in transcript and "第 8 题" not in transcript
    assert effects(session.advice)[("credit_report", "no_negative_record")] == "likely"
    same_advice(session)


# --- a Huabei overdue ------------------------------------------------------------------------


def test_huabei_overdue():
    script = [
        "是",
        "1",
        "",
        "20天",
        "否",
        "不知道",
        "1",
        "否",  # the debt
        "1",
        "不知道",  # cause, what can be paid
        "否",
        "否",
        "否",  # collection
        "2",
        "0",
        "否",
        "",
    ]  # inquiries, plans, DingTalk, review
    status, transcript, session = interview(script)
    assert status == EXIT_OK
    assert q("zh", "lender") not in transcript  # Huabei is licensed whatever is said
    assert q("zh", "zhima_score") not in transcript  # the Huabei overdue already asks to watch the score
    found = effects(session.advice)
    assert found[("huabei", "suspended")] == "likely"
    codes = [a.code for a in session.advice.actions]
    assert {"settle_overdue", "check_huabei_notice", "monitor_zhima"} <= set(codes)
    text = catalog("zh")
    assert text.effect("huabei", "suspended") in transcript
    assert text.ui("severity_serious") in transcript  # a word for the severity, not only a colour
    assert "1. " + session.advice.actions[0].text[:10] in transcript  # the numbered checklist
    same_advice(session)


# --- a licensed online loan, 45 days, reporting unknown: WHY, back, review, HOW ---------------

LICENSED_45 = [
    "是",
    "4",
    "某网贷",
    "45",
    "?",
    "1",  # lender: WHY, then licensed
    "返回",  # at "settled": back to the lender question
    "1",
    "否",
    "为什么",
    "3",  # reported: WHY, then don't know
    "1",
    "不知道",
    "否",  # no negotiation, court stage not known, no other debt
    "4",
    "否",
    "不知道",  # job loss without documents, what can be paid not known
    "否",
    "否",
    "否",  # no collection problems
    "不知道",
    "3",
    "3",
    "否",  # zhima unknown, 3 applications, plans a mortgage, no DingTalk
]


def test_licensed_online_loan_45_days_with_why_back_review_and_how():
    from advisor.ui.interview import why  # noqa: F401  (WHY is derived from the registry: see test below)

    limit = item_number("effect", "limit_reduced", "huabei")
    check = item_number("action", "check_credit_report")
    script = LICENSED_45 + ["4", "50", "", limit, check, "", ""]  # review: change the days; HOW twice; no save
    status, transcript, session = interview(script)
    assert status == EXIT_OK
    text = catalog("zh")
    interview_text = texts("zh")

    # WHY at the reporting question: the conclusions that depend on it, from the registry
    why_panel = transcript.split("（编号 1–3 · ? 为什么 · 返回）> 为什么")[1].split("（编号 1–3")[0]
    assert interview_text["why_title"] in why_panel
    assert text.effect("huabei", "limit_reduced") in why_panel
    assert flat(text.rule("huabei.reported_overdue_cuts_limit")) in flat(why_panel)

    # back: the lender question again, with the earlier answer shown
    after_back = transcript.split("> 返回")[1]
    assert after_back.index(q("zh", "lender")) < after_back.index(q("zh", "settled"))
    assert interview_text["previous_answer"].format(value="持牌机构") in after_back

    # review: every answer listed, one changed
    review = transcript.split(interview_text["review_title"])[1]
    assert "债务1（某网贷） · 逾期天数：45" in review
    assert "第 4 题" in review and "之前的回答：45" in review
    second_review = transcript.split(interview_text["review_title"])[2]
    assert "逾期天数：50" in second_review
    assert session.situation.debts[0].overdue_days == 50

    # HOW: the chain of Huabei's limit cut, then of an action
    chain = how.explain_effect(session.advice, session.situation, "huabei", "limit_reduced")
    how_part = flat(transcript.split(interview_text["how_title"])[1])
    assert interview_text["how_answers"] in how_part and interview_text["how_rules"] in how_part
    assert chain.steps and chain.sources
    for step in chain.steps:
        assert step.rule in how_part
    for source in chain.sources:
        assert flat(source.locator) in how_part
    assert how.action_name("zh", "check_credit_report") in how_part
    same_advice(session)


def test_licensed_online_loan_matches_advise_on_the_saved_answers(tmp_path):
    path = tmp_path / "answers.json"
    status, transcript, session = interview(LICENSED_45 + ["", "", str(path)])  # review ok, HOW done, save
    assert status == EXIT_OK
    assert flat(texts("zh")["saved"].format(path=path)) in flat(transcript)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    saved = path.read_text(encoding="utf-8")
    assert saved == dump(session.situation)
    assert advise(saved, "zh").model_dump() == session.advice.model_dump()
    # the command line on the same file
    result = subprocess.run(
        [sys.executable, "-m", "advisor", "advise", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == json.loads(session.advice.model_dump_json())
    # and the interview started from it goes straight to the review
    status, transcript, again = interview([""], answers=load_answers(str(path), "zh"))
    assert status == EXIT_OK
    assert texts("zh")["progress"].format(n=1, total=1)[:3] not in transcript.split("检查你的回答")[0]
    assert again.advice.model_dump() == session.advice.model_dump()


# --- the DingTalk employer case (in English) ---------------------------------------------


def test_dingtalk_employer_case_in_english():
    script = [
        "yes",
        "5",
        "",
        "60",
        "no",
        "1",
        "1",
        "don't know",
        "no",  # a credit card, 60 days, on the report, court stage not known
        "2",
        "yes",
        "don't know",  # illness, with documents; what can be paid not known
        "n",
        "n",
        "n",  # no collection problems
        "680",
        "1",
        "1",  # zhima, inquiries, plans Weilidai
        "yes",
        "yes",
        "no",
        "don't know",
        "no",  # DingTalk: employer links credit
        "",
    ]
    status, transcript, session = interview(script, lang="en")
    assert status == EXIT_OK
    found = effects(session.advice)
    assert found[("dingtalk", "employer_rule_restriction")] == "likely"
    assert found[("dingtalk", "platform_unaffected")] == "certain"
    codes = {a.code for a in session.advice.actions}
    assert {"talk_to_hr", "credit_dispute", "non_malicious_proof"} <= codes
    assert "question 1 of about 3" in transcript
    assert q("en", "employer_links_credit")[:40] in transcript.replace("\n", " ")
    assert catalog("en").effect("dingtalk", "employer_rule_restriction") in transcript.replace("\n", " ")
    assert session.situation.dingtalk_alipay_credit_authorized is None
    same_advice(session)


def test_dingtalk_questions_are_skipped_for_people_without_dingtalk():
    status, transcript, _session = interview(["no", "700", "0", "no", ""], lang="en")
    assert status == EXIT_OK
    assert q("en", "uses_dingtalk_finance") not in transcript


# --- an unlicensed platform harassing contacts, plus a second debt ------------------------


def test_unlicensed_platform_harassing_contacts_with_two_debts():
    script = [
        "是",
        "4",
        "某平台",
        "100",
        "2",
        "否",
        "3",
        "1",
        "不知道",  # unlicensed, 100 days, unpaid, court stage not known
        "是",
        "1",
        "",
        "0",
        "没有",
        "否",  # another debt: Huabei on time; no more
        "4",
        "不知道",
        "是",
        "是",
        "是",  # job loss; contacts harassed, threatened, on WeChat
        "不知道",
        "6",
        "0",
        "否",
        "",
    ]
    status, transcript, session = interview(script)
    assert status == EXIT_OK
    assert "债务2（花呗）" in transcript
    found = effects(session.advice)
    assert found[("collection", "illegal_collection")] == "certain"
    assert found[("wechat", "social_collection_risk")] == "certain"
    codes = [a.code for a in session.advice.actions]
    assert {"refuse_illegal_collection", "keep_evidence", "seek_legal_help", "verify_debt"} <= set(codes)
    assert [d.label for d in session.situation.debts] == ["某平台", None]
    same_advice(session)


# --- robustness -------------------------------------------------------------------------------


def test_invalid_answers_reprompt_with_a_hint():
    script = ["也许", "是", "0", "99", "网贷", "", "-3", "很久", "4.5", "45", "持牌", "\ufffd", "1", "不知道", "否"]
    status, transcript, session = interview(script)
    hints = texts("zh")
    for key, values in [
        ("hint_yesno", {}),
        ("out_of_range_choice", {"n": 7}),
        ("hint_integer", {"minimum": 0, "maximum": 36500}),
        ("hint_no_dont_know", {}),
    ]:
        assert flat(hints[key].format(**values)) in flat(transcript), key
    assert session.answers[("product", 0)] == "online_loan"
    assert session.answers[("overdue_days", 0)] == 45
    assert session.answers[("lender", 0)] == "licensed"
    assert status == EXIT_INCOMPLETE  # the script ended mid-way
    assert "Traceback" not in transcript


def test_back_at_the_first_question():
    status, transcript, _session = interview(["返回", "否", "不知道", "不知道", "否", ""])
    assert texts("zh")["back_first"] in transcript
    assert status == EXIT_OK


def test_back_through_the_debt_loop_and_review_back():
    script = [
        "是",
        "3",
        "",
        "0",
        "是",
        "是",  # Weilidai, on the report; another debt: yes
        "返回",
        "否",  # …no: back to "another debt?"
        "0",
        "0",
        "否",  # no inquiries, no plans, no DingTalk
        "返回",
        "是",
        "否",
    ]  # at the review: back to DingTalk; answer yes → the DingTalk questions (a record is on the report)
    status, transcript, session = interview(script)
    assert ("product", 1) not in session.answers
    assert session.answers[("uses_dingtalk", None)] is True
    assert transcript.count(texts("zh")["review_title"]) == 1
    assert status == EXIT_INCOMPLETE  # the script stops before the finance questions are answered


def test_ctrl_c_ends_cleanly_and_saves_with_save(tmp_path):
    path = tmp_path / "partial.json"
    status, transcript, _ = interview(["是", "4", "某网贷", "45", CTRL_C], save_path=str(path))
    assert status == EXIT_INTERRUPTED
    assert texts("zh")["interrupted"] in transcript and "Traceback" not in transcript
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == {"schema_version": 1, "debts": [{"product": "online_loan", "label": "某网贷", "overdue_days": 45}]}
    # resuming asks what is still open, starting with the lender
    status, transcript, _session = interview(["1"], answers=load_answers(str(path), "zh"))
    first = transcript.split("第 ")[1]
    assert q("zh", "lender") in first
    assert status == EXIT_INCOMPLETE


def test_ctrl_c_in_a_terminal_offers_to_save(tmp_path):
    path = tmp_path / "mine.json"
    status, transcript, _ = interview(["否", "7", CTRL_C, str(path)], interactive=True)
    assert status == EXIT_INTERRUPTED
    assert texts("zh")["save_offer_partial"].split("？")[0] in transcript
    assert json.loads(path.read_text(encoding="utf-8"))["credit_inquiries_6m"] == 7


def test_ctrl_c_twice_just_ends():
    status, transcript, _ = interview(["否", "7", CTRL_C, CTRL_C], interactive=True)
    assert status == EXIT_INTERRUPTED and "Traceback" not in transcript


def test_eof_midway_says_how_to_rerun():
    status, transcript, _ = interview(["是", "4"])
    assert status == EXIT_INCOMPLETE
    assert texts("zh")["input_ended"] in transcript
    assert flat(texts("zh")["rerun_hint"]) in flat(transcript)


class _EofOnce:
    """A terminal: Ctrl-D ends one read, the next read works again."""

    def __init__(self, lines):
        self.lines = list(lines)

    def __call__(self):
        line = self.lines.pop(0)
        if line is EOFError:
            raise EOFError
        return line


def test_ctrl_d_in_a_terminal_offers_to_save(tmp_path):
    path = tmp_path / "later.json"
    console = Console(record=True, width=60, color_system=None, file=io.StringIO())
    session = Interview("zh", console, _EofOnce(["否", "8", EOFError, str(path)]), interactive=True)
    assert session.run() == EXIT_INCOMPLETE
    assert json.loads(path.read_text(encoding="utf-8"))["credit_inquiries_6m"] == 8


def test_eof_midway_with_save_keeps_the_answers(tmp_path):
    path = tmp_path / "so_far.json"
    # Seven inquiries: the plans question comes next (a mortgage may be refused for them).
    status, _transcript, _ = interview(["否", "7"], save_path=str(path))
    assert status == EXIT_INCOMPLETE
    assert json.loads(path.read_text(encoding="utf-8")) == {"schema_version": 1, "debts": [], "credit_inquiries_6m": 7}


def test_save_offer_refuses_a_folder_and_asks_before_overwriting(tmp_path):
    existing = tmp_path / "old.json"
    existing.write_text("{}")
    script = ["否", "0", "", "", str(tmp_path), str(existing), "否", str(existing), "是"]
    status, transcript, _session = interview(script)
    assert status == EXIT_OK
    assert flat(texts("zh")["save_is_dir"].format(path=tmp_path)) in flat(transcript)
    assert flat(transcript).count(flat(texts("zh")["save_overwrite"].format(path=existing))) == 2
    assert json.loads(existing.read_text(encoding="utf-8"))["credit_inquiries_6m"] == 0


def test_with_save_the_answers_are_saved_before_the_report(tmp_path):
    path = tmp_path / "s.json"
    status, transcript, _session = interview(["否", "0", ""], save_path=str(path))
    assert status == EXIT_OK
    assert flat(transcript).index(flat(str(path))) < flat(transcript).index(catalog("zh").ui("report_title"))
    assert texts("zh")["save_offer"][:10] not in transcript  # no second offer


def test_how_menu_rejects_bad_numbers():
    status, transcript, _ = interview(["否", "0", "", "99", "abc", "q"])
    assert status == EXIT_OK
    assert transcript.count(texts("zh")["invalid"].split("。")[0]) == 1  # abc
    assert transcript.count(texts("zh")["out_of_range_choice"].format(n=7)) == 1  # 99


# --- --answers files ------------------------------------------------------------------------


def test_bad_answers_file_exits_2_naming_the_field(tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"debts": [{"product": "online_loan", "overdue_days": -4}]}))
    assert run_interview("en", str(path), None) == EXIT_BAD_ANSWERS
    err = capsys.readouterr().err
    assert "debts[0].overdue_days" in err and "Traceback" not in err


def test_missing_answers_file_exits_2(tmp_path, capsys):
    assert run_interview("zh", str(tmp_path / "nope.json"), None) == EXIT_BAD_ANSWERS
    assert "nope.json" in capsys.readouterr().err


def test_answers_from_a_tool_ask_only_what_is_missing():
    path_data = {
        "debts": [{"product": "huabei", "overdue_days": 40, "settled": False, "reported": "yes", "negotiation": "none"}]
    }
    from advisor.ui.questions import answers_from_situation
    from credit_advisor.facts.situation import Situation

    answers = answers_from_situation(Situation.model_validate(path_data), path_data)
    status, transcript, session = interview(
        ["", "不知道", "否", "1", "不知道", "否", "否", "否", "650", "2", "0", "否", ""], answers=answers
    )
    first_question = transcript.split("\n第 ")[1]
    assert q("zh", "label") in first_question
    assert session.situation.debts[0].reported.value == "yes"
    assert status == EXIT_OK
