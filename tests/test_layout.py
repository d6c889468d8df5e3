"""Terminal layout at 60, 80 and 100 columns, with and without colour (NO_COLOR), asserted
on transcripts as rich's own tests do (a Console with a fixed width writing to a
StringIO): no line wider than the terminal, no fragment alone on a line ("!!", "年"), no
line starting with closing punctuation, hanging indents kept in the timeline, HOW and
what-if; and exact transcripts of the line breaker on fixed texts."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from advisor.analysis import explain as how
from advisor.analysis.whatif import render_suggestions, render_what_if, suggest, what_if
from advisor.api import advise
from advisor.texts.catalog import catalog
from advisor.ui.prose import NO_LINE_START, Prose, break_offsets, wrap
from advisor.ui.render import render_advice
from credit_advisor.facts.situation import Situation

WIDTHS = (60, 80, 100)
ANSI = re.compile(r"\x1b\[[0-9;]*m")
BORDERS = "│╭╮╰╯─┃┏┓┗┛━┡┩╇┣┫╋├┤┼┌┐└┘┬┴═║"

# The three stories of issue 12.
STORIES = {
    "unlicensed_threats": {
        "as_of": "2026-11-30",
        "debts": [{"label": "小额网贷App", "product": "online_loan", "lender": "unlicensed", "overdue_days": 120}],
        "collection": {"contacts_harassed": True, "threatened_or_insulted": True, "contacted_on_wechat": True},
    },
    "huabei_40_days_report_unknown": {
        "as_of": "2026-11-30",
        "debts": [{"product": "huabei", "overdue_days": 40, "reported": "unknown", "amount_cny": 5000}],
    },
    "employee_keeping_a_huabei_plan": {
        "as_of": "2026-11-30",
        "debts": [{"product": "huabei", "overdue_days": 35, "negotiation": "agreement_honored"}],
        "employer_links_credit": True,
    },
}


def story(name: str) -> Situation:
    return Situation.model_validate(STORIES[name])


def transcript(draw, width: int, color: bool) -> str:
    """What a terminal of `width` columns shows (colour codes removed when drawn in colour)."""
    stream = io.StringIO()
    console = Console(
        file=stream,
        width=width,
        force_terminal=color,
        color_system="truecolor" if color else None,
        no_color=not color,
        legacy_windows=False,
    )
    draw(console)
    return ANSI.sub("", stream.getvalue())


def content(line: str) -> str:
    """A line without box borders and the spaces around them."""
    return line.strip().strip(BORDERS).strip()


def layout_problems(out: str, width: int) -> list[str]:
    problems = []
    for number, line in enumerate(out.splitlines(), 1):
        if cell_len(line.rstrip()) > width:
            problems.append(f"{number}: wider than {width}: {line!r}")
        # Inside a table, a line has several cells: check each.
        for cell in re.split(r"[│┃]", line):
            words = "".join(c for c in cell if not 0x2500 <= ord(c) <= 0x257F).strip()
            if not words:
                continue
            if words[0] in NO_LINE_START and not words.startswith(("! ", "!! ")):  # a mark and its words
                problems.append(f"{number}: starts with {words[0]!r}: {line!r}")
            if words in ("!!", "!", "✓", "•", "~", "+", "−", "▼", "▲") or (len(words) == 1 and not words.isascii()):
                problems.append(f"{number}: a fragment alone: {line!r}")
    return problems


def both_ways(draw, width: int) -> str:
    """The transcript, checked to be the same in colour and with NO_COLOR."""
    plain = transcript(draw, width, color=False)
    coloured = transcript(draw, width, color=True)
    assert [line.rstrip() for line in coloured.splitlines()] == [line.rstrip() for line in plain.splitlines()]
    return plain


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", STORIES)
def test_the_report_of_each_story_fits_and_breaks_cleanly(name, lang, width):
    advice = advise(story(name), lang=lang)
    out = both_ways(lambda console: render_advice(advice, console, show_trace=True), width)
    assert layout_problems(out, width) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_timeline_keeps_its_marks_with_their_words_and_its_indent(width):
    advice = advise(story("huabei_40_days_report_unknown"), lang="zh")
    out = both_ways(lambda console: render_advice(advice, console), width)
    timeline = out.split("时间线")[1].split("来源")[0].splitlines()[1:]
    marked = [line for line in timeline if line.lstrip()[:2] in ("!!", "✓ ") or line.lstrip()[:1] == "!"]
    assert marked, out
    for line in marked:
        assert len(line.split()) > 1, line  # the mark is never alone on its line
    indent = len(marked[0]) - len(marked[0].lstrip()) + 3  # "  !! " / "  ✓  ": the words start here
    for line in timeline:
        if line.strip() and line not in marked and not line.startswith(("花呗", "债务")):
            assert line[:indent].strip() == "", f"a wrapped line lost its indent: {line!r}"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_how_keeps_its_indents(lang, width):
    situation = story("unlicensed_threats")
    advice = advise(situation, lang=lang)
    for item in how.items(advice):
        chain = how.explain(advice, situation, item)
        out = both_ways(lambda console, chain=chain: how.render_chain(chain, advice, console), width)
        assert layout_problems(out, width) == []
        # Inside the panel, a line at the panel's edge is a heading, the action's own text or
        # the conclusion; everything else (a bullet and its wrapped words) is indented.
        text = catalog(lang).on(advice.as_of)
        likelihood = text.likelihood(chain.likelihood) if chain.likelihood else ""
        headings = {text.interview(key) for key in HOW_HEADINGS}
        edge = "".join(
            [chain.title if item.kind == "action" else ""]
            + [text.interview(key, likelihood=likelihood) for key in ("how_likelihood", "how_likelihood_strongest")]
        ).replace(" ", "")
        for line in out.splitlines()[1:-1]:
            inner = line.strip()[1:].rstrip(BORDERS + " ")
            if inner.startswith("  "):
                continue  # indented: a bullet or its wrapped words
            words = inner.strip()
            assert words in headings or words.replace(" ", "") in edge, f"lost its indent: {line!r}"


HOW_HEADINGS = ("how_answers", "how_inferred", "how_defaults", "how_rules", "how_sources", "how_conflicts")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_what_if_and_suggestions_fit_and_keep_their_indents(lang, width):
    situation = Situation.model_validate(
        {
            "as_of": "2026-11-30",
            "debts": [
                {"product": "huabei", "overdue_days": 40},
                {"product": "online_loan", "lender": "licensed", "overdue_days": 100},
            ],
            "credit_inquiries_6m": 9,
        }
    )
    result = what_if(situation, [("debts.1.settled", True)], lang)
    out = both_ways(lambda console: render_what_if(result, console), width)
    assert layout_problems(out, width) == []
    differences = out.split("\n", 1)[1]
    marks = ("▼", "▲", "=", "+", "−", "~")
    tail = differences.splitlines()
    start = next(i for i, line in enumerate(tail) if line.startswith(("不同之处", "Differences")))
    for line in tail[start + 1 : -3]:
        if line.strip() and not line.lstrip().startswith(marks):
            assert line.startswith("    "), f"a wrapped difference lost its indent: {line!r}"
    suggestions = suggest(situation, lang)
    out = both_ways(lambda console: render_suggestions(suggestions, console), width)
    assert layout_problems(out, width) == []


# --- the line breaker itself: exact transcripts -----------------------------------------

ZH = "逾期未还的欠款会按天产生罚息或滞纳金（花呗约为每天0.05%），拖得越久，要多还的钱越多。可以拨打12378投诉。"
EN = "Once an overdue is on the credit report, it stays there until it is settled; the 5-year retention counts from then."


def draw(text: str, width: int, panel: bool = False) -> str:
    stream = io.StringIO()
    console = Console(file=stream, width=width, color_system=None, legacy_windows=False)
    console.print(Panel(Prose(text)) if panel else Prose(text))
    return stream.getvalue()


def test_chinese_breaks_between_characters_never_before_closing_punctuation():
    assert draw(ZH, 20).splitlines() == [
        "逾期未还的欠款会按天",
        "产生罚息或滞纳金（花",
        "呗约为每天0.05%），",
        "拖得越久，要多还的钱",
        "越多。可以拨打12378",
        "投诉。",
    ]


def test_a_closing_mark_takes_the_character_before_it_to_the_next_line():
    lines = draw("一二三四五六七八九十。后来", 10).splitlines()
    assert lines == ["一二三四五", "六七八九", "十。后来"]


def test_english_breaks_at_spaces_and_keeps_words_and_numbers_whole():
    assert draw(EN, 40, panel=True).splitlines() == [
        "╭──────────────────────────────────────╮",
        "│ Once an overdue is on the credit     │",
        "│ report, it stays there until it is   │",
        "│ settled; the 5-year retention counts │",
        "│ from then.                           │",
        "╰──────────────────────────────────────╯",
    ]


def test_a_number_stays_with_its_unit_and_a_mark_with_its_words():
    assert draw("  !! 只要还没结清，记录就一直留在报告上；结清后再显示 5 年", 30).splitlines() == [
        "  !! 只要还没结清，记录就一直",
        "留在报告上；结清后再显示 5 年",
    ]
    offsets = break_offsets("结清后再显示 5 年", 14)
    assert offsets == [7]  # "结清后再显示 " | "5 年": never "5" | "年"


def test_a_web_address_breaks_at_a_slash_only_when_it_cannot_fit_a_line():
    address = "https://www.hefeilaws.com/hf/1099374.html"
    assert draw(f"网贷逾期了 · {address}", 60).splitlines() == [f"网贷逾期了 · {address}"]
    assert draw(f"网贷逾期了 · {address}", 30).splitlines() == [
        "网贷逾期了 ·",
        "https://www.hefeilaws.com/hf/",
        "1099374.html",
    ]


def test_styles_survive_the_line_breaks():
    text = Text("花呗被降额", style="bold")
    text.append(" — 很可能", style="red")
    stream = io.StringIO()
    Console(file=stream, width=12, force_terminal=True, color_system="standard", legacy_windows=False).print(
        Prose(text, whole=["很可能"])
    )
    out = stream.getvalue()
    assert ANSI.sub("", out).splitlines() == ["花呗被降额", "— 很可能"]
    assert "\x1b[1m花呗被降额" in out and "\x1b[1;31m— 很可能" in out


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_why_not_keeps_its_indents(lang, width):
    from advisor.analysis.whynot import VERDICT_STYLE, render_why_not, why_not

    situation = Situation.model_validate(
        {
            "as_of": "2026-11-30",
            "debts": [
                {"product": "online_loan", "lender": "licensed", "overdue_days": 100},
                {"product": "credit_card", "overdue_days": 40, "settled": True, "months_since_settled": 3},
            ],
        }
    )
    for target in ("action.rebuild_record", "huabei.suspended"):
        result = why_not(situation, target, lang=lang, debt=0)
        out = both_ways(lambda console, result=result: render_why_not(result, console), width)
        assert layout_problems(out, width) == []
        marks = tuple(mark for _, mark in VERDICT_STYLE.values())
        lines = out.splitlines()
        first = next(i for i, line in enumerate(lines) if line.startswith(marks))
        for line in lines[first:]:
            assert line.startswith(marks) or line.startswith("  "), f"lost its indent: {line!r}"


# Text of the kinds the reports hold: Chinese, punctuation of both widths, numbers, words, spaces.
PIECES = st.sampled_from(
    [
        "逾期",
        "花呗",
        "征信报告",
        "，",
        "。",
        "；",
        "（",
        "）",
        "“",
        "”",
        "0.05%",
        "12378",
        "2026-11-30",
        " ",
        "App",
        "the",
        "report",
        "—",
        "!!",
    ]
)


@given(st.lists(PIECES, min_size=1, max_size=60), st.integers(min_value=8, max_value=100))
@settings(max_examples=300, deadline=None, derandomize=True, database=None)
def test_any_text_wraps_within_the_width_and_loses_nothing(pieces, width):
    text = "".join(pieces)
    lines = [line.plain for line in wrap(Text(text), width)]
    assert all(cell_len(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # only the spaces at a break go
    for line in lines[1:]:
        # A line starts with closing punctuation only when the text left no other way (a run
        # of marks wider than the line).
        if line and line[0] in NO_LINE_START:
            assert width < 12, (text, width, lines)
