"""What the report, HOW, WHY, what-if and the trace show a person: sources they can
check, quotes that read cleanly, answers told apart from inferences, plain words."""

from __future__ import annotations

import io
import re

import pytest
from conftest import SOURCES
from rich.console import Console

from advisor.analysis import explain as how
from advisor.analysis.whatif import render_suggestions, render_what_if, suggest, what_if
from advisor.api import advise, rules_by_id
from advisor.models import Source
from advisor.texts.catalog import catalog
from advisor.texts.quotes import citations, index_from, is_english, shown, shown_passage
from advisor.ui.render import render_advice
from advisor.ui.sources import SourceKeys, supporting
from credit_advisor.facts.situation import Situation

WIDE = 200


def draw(fn, *args) -> str:
    stream = io.StringIO()
    fn(*args, Console(file=stream, width=WIDE, color_system=None, legacy_windows=False))
    return stream.getvalue()


def report(data: dict, lang: str = "zh", **options) -> str:
    advice = advise(Situation.model_validate(data), lang=lang)
    stream = io.StringIO()
    render_advice(advice, Console(file=stream, width=WIDE, color_system=None), **options)
    return stream.getvalue()


UNLICENSED = {
    "as_of": "2026-11-30",
    "debts": [{"label": "小额网贷App", "product": "online_loan", "lender": "unlicensed", "overdue_days": 100}],
    "credit_inquiries_6m": 8,
    "collection": {"contacts_harassed": True, "threatened_or_insulted": True, "contacted_on_wechat": True},
}


# --- quotes ----------------------------------------------------------------------------------


@pytest.mark.skipif(not SOURCES.is_dir(), reason="the source documents are not beside the project")
def test_the_shown_passages_are_generated_from_the_sources_and_fresh():
    from advisor.texts.quotes_shown import SHOWN

    assert index_from(SOURCES) == SHOWN, "regenerate: python -m advisor.texts.quotes ../shared/sources"


def test_every_citation_has_a_shown_passage():
    from advisor.texts.quotes_shown import SHOWN

    missing = [(d, loc) for d, loc in citations() if loc not in SHOWN.get(d, {})]
    assert missing == []


def test_page_debris_is_removed_and_a_cut_word_completed():
    document = "情況嚴重,借款人可以尋求專業(yè)的信用咨詢機構(gòu)或法律咨詢服務(wù),獲取專業"
    assert (
        shown_passage(document, "可以尋求專業(yè)的信用咨詢機構(gòu)或法律咨")
        == "可以尋求專業的信用咨詢機構或法律咨詢服務"
    )
    assert shown("004_de7aae28b3c700b6.txt", "逾期記錄會導(dǎo)致信用評分下降") == "逾期記錄會導致信用評分下降"
    # An English word is never cut: the passage is widened to the word's end.
    assert shown_passage("the report counts from settlement onwards.", "counts from settle") == "counts from settlement"


@pytest.mark.skipif(not SOURCES.is_dir(), reason="the source documents are not beside the project")
def test_no_shown_passage_has_debris_or_ends_inside_a_word():
    from advisor.texts.quotes_shown import SHOWN

    for document, passages in SHOWN.items():
        text = (SOURCES / document).read_text(encoding="utf-8")
        for locator, passage in passages.items():
            assert locator in text  # the citation itself stays verbatim
            assert not re.search(r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]+\)", passage), passage
            assert "**" not in passage
            if passage[-1:].isascii() and passage[-1:].isalpha():
                clean = text.replace("**", "")
                at = clean.find(passage)
                after = clean[at + len(passage) : at + len(passage) + 1]
                assert at < 0 or not after.isalpha(), f"{passage!r} ends inside a word"


def test_english_passages_are_marked_in_the_chinese_report_only():
    assert is_english("WeChat uses its own 微信支付分") and not is_english("逾期费用=逾期金额*逾期天数*0.05%")
    english = Source(document="evidence.md", locator="WeChat uses its own 微信支付分")
    assert SourceKeys("zh").quote(english).plain.startswith("〔英文〕«WeChat")
    assert SourceKeys("en").quote(english).plain.startswith("«WeChat")


# --- sources -----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_key_shown_is_explained_in_the_sources_section(lang):
    out = report(UNLICENSED, lang)
    title = catalog(lang).ui("sources_title")
    body, _, section = out.partition(title)
    assert section, "the report has a sources section"
    used = set(re.findall(r"»\[([0-9A-Za-z-]+)\]", body))
    explained = set(re.findall(r"^\[([0-9A-Za-z-]+)\]", section, re.MULTILINE))
    assert used and used == explained
    assert "https://www.hefeilaws.com/hf/1099374.html" in section  # source 003's address
    for key in explained:
        if key.startswith("E"):  # an evidence page: its address on its line
            line = next(line for line in section.splitlines() if line.startswith(f"[{key}]"))
            assert "http" in line, line
    assert "dǎo" not in out and "(zh" not in out and "«" in body


def test_a_passage_is_never_shown_as_support_and_as_conflict_at_once():
    # wechat.credit_services_may_be_limited cites «WeChat uses its own 微信支付分» both ways.
    data = {"as_of": "2026-11-30", "debts": [{"product": "huabei", "overdue_days": 40}], "zhima_score": 500}
    for lang in ("zh", "en"):
        advice = advise(Situation.model_validate(data), lang=lang)
        effect = next(e for e in advice.topics["wechat"].effects if e.code == "credit_services_limited")
        both = {(c.document, c.locator) for c in effect.conflicts} & {(c.document, c.locator) for c in effect.sources}
        assert both, "the example still cites a passage both ways"
        out = report(data, lang)
        assert out.count("«WeChat uses its own") == 1, out
        assert set(supporting(effect.sources, effect.conflicts)).isdisjoint(effect.conflicts)


# --- HOW ---------------------------------------------------------------------------------------


def test_how_tells_answers_from_inferences_and_defaults():
    situation = Situation.model_validate({"as_of": "2026-11-30", "debts": [{"product": "huabei", "overdue_days": 40}]})
    advice = advise(situation, lang="zh")
    chain = how.explain_effect(advice, situation, "credit_report", "negative_record")
    given = {used.field: used.given for used in chain.answers}
    assert given["debts[0].overdue_days"] == "answered" and given["debts[0].product"] == "answered"
    assert given["debts[0].lender"] == "inferred"  # Huabei's lender is licensed, never asked
    assert given["debts[0].settled"] == "default"  # not answered: taken as not settled
    out = draw(how.render_chain, chain, advice)
    text = catalog("zh")
    answered, rest = out.split(text.interview("how_inferred"))
    inferred, defaults = rest.split(text.interview("how_defaults"))
    assert text.interview("how_answers") in answered and "40" in answered
    assert "放贷方" not in answered and "放贷方" in inferred and "持牌机构提供" in inferred
    assert "已还清" in defaults and "已还清" not in answered


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_how_numbers_its_firings_one_by_one_and_speaks_plainly(lang):
    situation = Situation.model_validate(UNLICENSED)
    advice = advise(situation, lang=lang)
    for item in how.items(advice):
        chain = how.explain(advice, situation, item)
        out = draw(how.render_chain, chain, advice)
        numbers = [int(n) for n in re.findall(r"^│\s+(\d+)\. ", out, re.MULTILINE)]
        assert numbers == list(range(1, len(chain.steps) + 1)), out
        assert "结论取最强的规则" not in out and "strongest rule decides" not in out


# --- WHY ---------------------------------------------------------------------------------------


def test_why_lists_every_conclusion_the_product_can_change():
    from advisor.ui.interview import rules_reading, why
    from advisor.ui.questions import QUESTIONS, Slot

    question = QUESTIONS["product"]
    info = why({("has_debts", None): True}, Slot(question, 0))
    registry = rules_by_id()
    can_change = {
        concluded
        for rule in rules_reading(question)
        for concluded in registry[rule].concludes
        if not concluded.startswith(("finding.", "action."))
    }
    listed = {f"{topic}.{code}" for topic, codes in info.effects.items() for code in codes}
    assert listed == can_change and len(listed) > 5


# --- what-if -----------------------------------------------------------------------------------

TWO = {
    "as_of": "2026-11-30",
    "debts": [
        {"product": "huabei", "overdue_days": 40},
        {"product": "online_loan", "lender": "licensed", "overdue_days": 100},
    ],
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_what_if_speaks_plain_words_and_numbers_debts_from_one(lang):
    situation = Situation.model_validate(TWO)
    out = draw(render_what_if, what_if(situation, [("debts.1.negotiation", "agreement_honored")], lang))
    out += draw(render_suggestions, suggest(situation, lang))
    assert "debts." not in out and "agreement_honored" not in out and "null" not in out
    debt_two = catalog(lang).ui("debt_default_label", n=2, product=catalog(lang).ui("product_online_loan"))
    assert debt_two in out
    # No "certain → certain (other debts)": an unchanged likelihood says which debts changed.
    for word in ("确定", "很可能", "有可能", "不太可能", "certain", "likely", "possible", "unlikely"):
        assert f"{word} → {word} " not in out and f"{word} → {word}(" not in out
    assert re.search(r"(?<![\w-])-\d", out) is None  # no negative "improvement"


# --- the trace ---------------------------------------------------------------------------------


def test_the_trace_shows_whole_rule_ids_and_only_the_slots_each_rule_tests():
    advice = advise(Situation.model_validate(UNLICENSED), lang="zh")
    stream = io.StringIO()
    render_advice(advice, Console(file=stream, width=60, color_system=None), show_trace=True)
    out = stream.getvalue()
    trace = out.split(catalog("zh").ui("report_trace"))[1]
    flat = "".join(trace.split())
    for entry in advice.trace:
        assert entry.rule in flat
    # The whole person fact (16 slots) is never repeated row after row.
    assert trace.count("alipay_authorized") <= 1 and trace.count("employer_links_credit") <= 1
    assert "…" not in trace
