"""The printable action plan (`advise --format html`, `interview --plan`): one
self-contained page that says what the Advice says — overview, steps in order with
their reasons and numbers to call, what to watch, what is safe, the timeline, the
sources, the day and the disclaimer — with every text escaped, written 0600."""

from __future__ import annotations

import html
import json
import os
import re
import stat
from pathlib import Path

import pytest
from conftest import PROJECT, debt, situation

from advisor import advise
from advisor.documents.plan import numbers_to_call, plan_html
from advisor.texts.catalog import catalog
from advisor.texts.quotes import shown as shown_passage
from advisor.texts.source_notes import source_note

EXAMPLES = sorted((PROJECT / "examples").glob("*.json"))
HOSTILE = "<script>alert(\"x\")</script> & <img src=x onerror=1> 'q'"


def shown(page: str) -> str:
    """The page's text as a reader sees it: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", page, flags=re.DOTALL)))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.stem)
def test_the_page_says_what_the_advice_says_in_order(example, lang):
    advice = advise(example.read_text(encoding="utf-8"), lang=lang)
    page = plan_html(advice)
    text = shown(page)
    text_of = catalog(lang).on(advice.as_of)
    assert advice.as_of.isoformat() in text and advice.disclaimer in text
    for item in advice.overview:
        assert item.text[:1].upper() + item.text[1:] in text
    # the steps, in the Advice's order, each with its reason
    positions = [text.index(action.text) for action in advice.actions]
    assert positions == sorted(positions)
    for action in advice.actions:
        assert action.because in text
        name = text_of.lookup("interview", "action_names", action.code)
        assert name[:1].upper() + name[1:] in text
    for entry in advice.timeline:
        assert advice.debt_labels[entry.debt] in text
    # every source of every step is listed with its title and address, and linked
    for action in advice.actions:
        for source in action.sources:
            note = source_note(source.document, source.locator, lang)
            # the passage as shown: cleaned of page debris, never cut inside a word
            assert f"«{shown_passage(source.document, source.locator)}»" in text and note.title in text
            assert note.address is None or note.address in text
    assert page.count('id="source-') == len(set(re.findall(r'href="#source-(\d+)"', page)))
    assert f'lang="{"zh-Hans" if lang == "zh" else lang}"' in page


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.stem)
def test_the_page_loads_nothing_and_runs_nothing(example):
    page = plan_html(advise(example.read_text(encoding="utf-8")))
    lowered = page.lower()
    for forbidden in ("<script", "<link", "<img", "<iframe", "@import", "url(", "src=", "@font-face"):
        assert forbidden not in lowered, forbidden
    assert "default-src 'none'" in page  # and the page itself forbids any load
    assert "@page { size: A4" in page and "@media print" in page
    assert "Noto Sans CJK SC" in page  # Chinese from the machine's own fonts


def test_a_persons_label_is_escaped_everywhere_it_appears():
    data = situation(debt("online_loan", label=HOSTILE, lender="unlicensed", overdue_days=100))
    data["collection"] = {"contacts_harassed": True}
    advice = advise(data, lang="en")
    page = plan_html(advice)
    label = advice.debt_labels[0]
    assert "<script" not in page.lower() and "<img" not in page.lower()
    assert html.escape(label, quote=True) in page
    assert label in shown(page)


def test_numbers_to_call_are_picked_from_the_steps_texts_and_nothing_else():
    text = catalog("zh").on(__import__("datetime").date(2026, 11, 30))
    assert numbers_to_call(text.action("complain_to_regulator")) == ["12378", "12363", "400-810-8866", "12321"]
    assert numbers_to_call(text.action("report_to_police")) == ["110"]
    assert numbers_to_call(text.action("contact_alipay_support")) == ["95188"]
    # counts, days, months and amounts are not numbers to call
    for code in ("settle_overdue", "rebuild_record", "space_applications", "payment_reminders"):
        assert numbers_to_call(text.action(code)) == [], code
    assert numbers_to_call("at most 10,000 yuan in 2026, 180 days, 100元") == []


def test_the_call_box_shows_the_numbers_of_a_step_that_names_them():
    data = situation(debt("online_loan", label="网贷", lender="unlicensed", overdue_days=100))
    data["collection"] = {"contacts_harassed": True, "threatened_or_insulted": True}
    page = plan_html(advise(data))
    assert '<a href="tel:12378">12378</a>' in page


# --- the command line -------------------------------------------------------------------


def test_advise_format_html_writes_the_plan_0600(cli, tmp_path):
    source = PROJECT / "examples" / "unlicensed_platform_harassment.json"
    out = tmp_path / "plan.html"
    result = cli("advise", str(source), "--format", "html", "-o", str(out))
    assert result.status == 0, result.err
    assert result.out == ""
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert out.read_text(encoding="utf-8") == plan_html(advise(source.read_text(encoding="utf-8")))
    # named again: the person named it, so it is replaced (atomically, still 0600)
    assert cli("advise", str(source), "--format", "html", "-o", str(out), "--lang", "en").status == 0
    assert 'lang="en"' in out.read_text(encoding="utf-8")
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert sorted(path.name for path in tmp_path.iterdir()) == ["plan.html"]  # no temporary or lock left


def test_advise_html_to_standard_output_and_json_to_a_file(cli, tmp_path):
    source = PROJECT / "examples" / "wrong_record_dispute.json"
    result = cli("advise", str(source), "--format", "html")
    assert result.status == 0 and result.out.startswith("<!DOCTYPE html>")
    out = tmp_path / "advice.json"
    assert cli("advise", str(source), "-o", str(out)).status == 0
    assert json.loads(out.read_text(encoding="utf-8"))["as_of"] == "2026-11-30"
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600


def test_the_plan_is_never_written_over_its_own_input(cli, tmp_path):
    source = tmp_path / "situation.json"
    original = (PROJECT / "examples" / "wrong_record_dispute.json").read_text(encoding="utf-8")
    source.write_text(original, encoding="utf-8")
    result = cli("advise", str(source), "--format", "html", "-o", str(source))
    assert result.status == 2
    assert str(source) in result.err
    assert source.read_text(encoding="utf-8") == original


def test_a_folder_as_the_output_is_refused_with_status_2(cli, tmp_path):
    source = PROJECT / "examples" / "wrong_record_dispute.json"
    result = cli("advise", str(source), "--format", "html", "-o", str(tmp_path))
    assert result.status == 2 and str(tmp_path) in result.err


# --- the interview ----------------------------------------------------------------------


def _interview(lines: list[str], **options):
    from test_interview import interview

    return interview(lines, **options)


def test_interview_plan_option_writes_the_plan_of_its_advice(tmp_path):
    path = tmp_path / "plan.html"
    status, transcript, session = _interview(["否", "0", ""], plan_path=str(path))
    assert status == 0
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert path.read_text(encoding="utf-8") == plan_html(session.advice)
    assert catalog("zh").text("documents", "interview", "plan_offer")[:10] not in transcript


def test_the_end_screen_offers_the_plan_in_a_terminal_only(tmp_path):
    path = tmp_path / "mine.html"
    # review ok, HOW done, no save, then the plan's file name
    status, _transcript, session = _interview(["否", "0", "", "", "", str(path)], interactive=True)
    assert status == 0
    assert path.read_text(encoding="utf-8") == plan_html(session.advice)
    piped = _interview(["否", "0", "", "", ""])[1]
    assert catalog("zh").text("documents", "interview", "plan_offer")[:10] not in piped
    assert not (Path(tmp_path) / "plan.html").exists()
