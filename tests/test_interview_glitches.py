"""Exact transcripts of the interview's fixed glitches (issue 12), in zh and en, the way
rich's own tests pin output: a recording console of 60 columns without colour.

- an out-of-range answer names the range ("超出范围，请选择 1–7。"), it is not "not understood";
- numbers in Chinese numerals are accepted (四十天, 七);
- after back, the earlier answer is shown and Enter keeps it;
- the end of input (Ctrl-D in a terminal) never leaves the next text on the prompt's line.
"""

from __future__ import annotations

import io

from rich.console import Console
from test_interview import interview

from advisor.ui.interview import EXIT_INCOMPLETE, EXIT_OK, Interview


def after_intro(transcript: str) -> str:
    return transcript.split("╯\n", 1)[1]


def until(transcript: str, marker: str) -> str:
    return transcript.split(marker, 1)[0]


OUT_OF_RANGE_ZH = """
第 1 题，约 3 题
你现在有借款或信用产品吗？五年内还清的也算。
比如花呗、借呗、微粒贷、网贷、信用卡、银行贷款；按时还款的也
算。
（是/否 · ? 为什么 · 返回）> 是

第 2 题，约 7 题 · 债务1
这笔借款是哪一种？
  1. 花呗
  2. 借呗
  3. 微粒贷
  4. 网贷
  5. 信用卡
  6. 银行贷款
  7. 其他
（编号 1–7 · ? 为什么 · 返回）> 8
超出范围，请选择 1–7。
（编号 1–7 · ? 为什么 · 返回）> 四

第 3 题，约 12 题 · 债务1（网贷）
你怎么称呼这笔借款？（比如“某某网贷”）
只用来在结果里区分几笔借款，可以不填，直接回车跳过。
（文字，回车跳过 · ? 为什么 · 返回）>

第 4 题，约 12 题 · 债务1（网贷）
这笔借款逾期了多少天？已经还清的，填当时逾期的天数。
从未逾期填 0。记不清可以填个大概，比如 45。
（0–36500 的整数 · ? 为什么 · 返回）> 四万天
超出范围，请输入 0–36,500 之间的数。
（0–36500 的整数 · ? 为什么 · 返回）> 四十天

第 5 题，约 21 题 · 债务1（网贷）
"""

OUT_OF_RANGE_EN = """
question 1 of about 3
Do you have any loans or credit products? Include those
repaid in the last five years.
For example Huabei, Jiebei, Weilidai, online loans, credit
cards, bank loans — also when repaid on time.
(yes/no · ? why · back)> yes

question 2 of about 7 · debt 1
What kind of debt is it?
  1. Huabei
  2. Jiebei
  3. Weilidai
  4. online loan
  5. credit card
  6. bank loan
  7. other
(number 1–7 · ? why · back)> 8
Out of range: please choose 1–7.
(number 1–7 · ? why · back)> 4

question 3 of about 12 · debt 1 (online loan)
What do you call this debt? (for example "XX online loan")
Only used to tell your debts apart in the advice; press
Enter to skip.
(text, Enter to skip · ? why · back)>

question 4 of about 12 · debt 1 (online loan)
How many days overdue is this debt? If it is repaid, how
many days was it overdue?
0 if it was never overdue. A rough number is fine, for
example 45.
(whole number 0–36500 · ? why · back)> 40000
Out of range: please type a number from 0 to 36,500.
(whole number 0–36500 · ? why · back)> 40

question 5 of about 21 · debt 1 (online loan)
"""


def test_out_of_range_names_the_range_and_chinese_numerals_are_numbers():
    status, transcript, session = interview(["是", "8", "四", "", "四万天", "四十天"])
    assert status == EXIT_INCOMPLETE
    assert until(after_intro(transcript), "放贷的是") == OUT_OF_RANGE_ZH
    assert session.answers[("product", 0)] == "online_loan" and session.answers[("overdue_days", 0)] == 40
    assert "没看懂" not in transcript


def test_out_of_range_names_the_range_in_english():
    status, transcript, session = interview(["yes", "8", "4", "", "40000", "40"], lang="en")
    assert status == EXIT_INCOMPLETE
    assert until(after_intro(transcript), "Is the lender") == OUT_OF_RANGE_EN
    assert session.answers[("overdue_days", 0)] == 40
    assert "did not understand" not in transcript


BACK_KEEPS_ZH = """\
（编号，可多选；0 = 都没有 · ? 为什么 · 返回）> 返回

第 2 题，约 3 题
最近六个月里，你申请过几次贷款或信用卡？
每次申请都会在征信上留下一条查询记录。没申请过填 0。
之前的回答：7（直接回车保留）
（0–1000 的整数或 不知道 · ? 为什么 · 返回）>

第 3 题，约 3 题
"""

BACK_KEEPS_EN = """\
(numbers, several allowed; 0 = none · ? why · back)> back

question 2 of about 3
In the last six months, how many times did you apply for a
loan or credit card?
Each application leaves an inquiry on your credit report. 0
if none.
your earlier answer: 7 (Enter keeps it)
(whole number 0–1000 or don't know · ? why · back)>

question 3 of about 3
"""

REVIEW_AFTER_BACK_ZH = """\
1. 有没有借款：否
2. 近半年的申请次数：7
3. 近期打算申请：都没有
"""


def test_after_back_the_earlier_answer_is_shown_and_enter_keeps_it():
    status, transcript, session = interview(["否", "七", "返回", "", "", ""])
    assert status == EXIT_OK
    assert BACK_KEEPS_ZH in transcript.split("）> 七\n", 1)[1]
    assert REVIEW_AFTER_BACK_ZH in transcript
    assert session.situation.credit_inquiries_6m == 7


def test_after_back_enter_keeps_the_earlier_answer_in_english():
    status, transcript, session = interview(["no", "7", "back", "", "", ""], lang="en")
    assert status == EXIT_OK
    assert BACK_KEEPS_EN in transcript
    assert "2. applications in the last 6 months: 7\n" in transcript
    assert session.situation.credit_inquiries_6m == 7


def test_enter_keeps_an_earlier_answer_when_changing_it_from_the_review():
    status, _transcript, session = interview(["否", "3", "", "2", "", ""])
    assert status == EXIT_OK
    assert session.situation.credit_inquiries_6m == 3


class _CtrlDAt:
    """A terminal whose person presses Ctrl-D once the scripted lines run out."""

    def __init__(self, lines):
        self.lines = list(lines)

    def __call__(self) -> str:
        if not self.lines:
            raise EOFError
        return self.lines.pop(0)


SAVED_ZH = """\
输入编号修改，回车查看结果（1–2 · 返回）>
回答已保存到 a.json（只有你能读取）。
"""

SAVED_EN = """\
Number to change, Enter for the advice (1–2 · back)>
Answers saved to a.json (readable only by you).
"""


def _terminal_transcript(lines, lang, save_path):
    console = Console(
        record=True, width=60, force_terminal=False, color_system=None, file=io.StringIO(), highlight=False
    )
    session = Interview(lang, console, _CtrlDAt(lines), interactive=True, save_path=save_path)
    status = session.run()
    return status, "\n".join(line.rstrip() for line in console.export_text().splitlines())


def test_ctrl_d_at_the_review_leaves_no_text_on_the_prompts_line(tmp_path, monkeypatch):
    """In a terminal Ctrl-D echoes no line break: the interview ends the prompt's line."""
    monkeypatch.chdir(tmp_path)
    for lang, lines, expected in (("zh", ["否", "0"], SAVED_ZH), ("en", ["no", "0"], SAVED_EN)):
        status, transcript = _terminal_transcript(lines, lang, "a.json")
        assert status == EXIT_OK
        assert expected in transcript, transcript
        assert (tmp_path / "a.json").exists()
