"""The letters (`credit-advisor letter KIND FILE`): offered only where the advice
recommends their action; filled from the Situation and the Advice; blanks for what the
program does not know, never an invented name, number or amount; the legal basis cited
exists, article and words, in ../shared/sources/evidence-law.md; zh and en, text and
HTML, written 0600."""

from __future__ import annotations

import html
import json
import os
import re
import stat
from datetime import date

import pytest
from conftest import PROJECT, SOURCES, debt, situation

from advisor import advise
from advisor.api import rules_by_id
from advisor.documents.legal_basis import ALL_BASES, EVIDENCE
from advisor.documents.letters import KINDS, LetterRefused, build_letter, letter_html, letter_text, offered
from advisor.texts.catalog import catalog
from credit_advisor.facts.situation import Situation

EXAMPLES = sorted((PROJECT / "examples").glob("*.json"))
DAY = date(2026, 11, 30)
BLANK = re.compile(r"【[^】]+】")


def load(path) -> Situation:
    return Situation.model_validate_json(path.read_text(encoding="utf-8"))


def cases():
    """(example, kind) for every letter some example's advice recommends."""
    for path in EXAMPLES:
        for kind in offered(advise(path.read_text(encoding="utf-8"))):
            yield pytest.param(path, kind, id=f"{path.stem}-{kind}")


def evidence_sections() -> dict[str, str]:
    text = (SOURCES / EVIDENCE).read_text(encoding="utf-8")
    parts = re.split(r"^## (L\d+)\. ", text, flags=re.MULTILINE)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def test_the_command_line_offers_exactly_the_kinds():
    from advisor.ui.cli_parser import LETTER_KINDS

    assert LETTER_KINDS == tuple(KINDS)


def test_every_kind_is_offered_by_some_example():
    found = {kind for path in EXAMPLES for kind in offered(advise(path.read_text(encoding="utf-8")))}
    assert found == set(KINDS)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("example", "kind"), list(cases()))
def test_a_letter_has_its_blanks_and_invents_nothing(example, kind, lang):
    data = load(example)
    advice = advise(data, lang=lang)
    letter = build_letter(kind, data, advice)
    body = letter_text(letter)
    text = catalog(lang).on(DAY)
    # the blanks for who the person is and when they sign
    for key in ("field_name", "field_id", "field_phone", "date"):
        assert BLANK.search(text.text("documents", "letters", key)).group() in body, key
    # no field invented: every number in the letter is one the person gave, or one the
    # letter's own texts and quoted articles carry
    given = re.findall(r"\d+", data.model_dump_json().replace(",", ""))
    own = re.findall(r"\d+", json.dumps(text.lookup("documents"), ensure_ascii=False))
    quoted = [n for basis in ALL_BASES for quote in basis.quotes for n in re.findall(r"\d+", quote)]
    for number in re.findall(r"\d+", body.replace(",", "")):
        assert number in given + own + quoted, number
    assert not re.search(r"\d{15,}", body)  # nothing like an ID number
    # what is known is stated, what is not is a blank
    index = _letter_debt(kind, data, advice)
    if index is not None:
        known = data.debts[index]
        blank = BLANK.search(text.text("documents", "letters", "overdue_amount_blank")).group()
        if known.overdue_days and known.overdue_amount_cny is None:
            assert blank in body
        else:
            assert blank not in body
        if known.label:
            assert known.label in body
        if known.amount_cny is None:
            assert text.template("documents", "letters", "amount").split("{")[0] not in body
    assert letter.title and body.startswith(letter.title)


def _letter_debt(kind, data, advice):
    codes = KINDS[kind]
    concerned = [i for action in advice.actions if action.code in codes for i in action.debts]
    if concerned:
        return concerned[0]
    return 0 if len(data.debts) == 1 else None


def test_the_cited_bases_exist_in_evidence_law_article_and_words():
    sections = evidence_sections()
    for lang in ("zh", "en"):
        laws = catalog(lang).lookup("documents", "basis")
        assert set(laws) == {basis.key for basis in ALL_BASES}, lang
    for basis in ALL_BASES:
        section = sections[basis.section]
        assert basis.article_mark in section, basis.key
        for quote in basis.quotes:
            assert quote in section, (basis.key, quote)
        title = re.search(r"《([^》]+)》", catalog("zh").lookup("documents", "basis", basis.key)).group(1)
        assert title in section, (basis.key, title)


@pytest.mark.parametrize(("example", "kind"), list(cases()))
def test_a_letter_cites_only_known_bases_with_their_words(example, kind):
    data = load(example)
    body = letter_text(build_letter(kind, data, advise(data)))
    cited = [basis for basis in ALL_BASES if catalog("zh").lookup("documents", "basis", basis.key) in body]
    if kind == "dispute":
        assert [basis.key for basis in cited] == ["credit_regulation_25"]
    for basis in cited:
        for quote in basis.quotes:
            assert quote in body


def test_the_dispute_gives_the_reason_of_the_rule_that_recommended_it():
    data = load(PROJECT / "examples" / "wrong_record_dispute.json")
    body = letter_text(build_letter("dispute", data, advise(data)))
    reason = catalog("zh").on(DAY).lookup("documents", "letters", "reasons", "remediation.dispute_wrong_record")
    assert reason in body
    assert "据我所知，这笔借款从未逾期" in body


def test_the_letters_reasons_are_those_of_rules_that_recommend_a_dispute():
    disputing = {meta.id for meta in rules_by_id().values() if "action.credit_dispute" in meta.concludes}
    for lang in ("zh", "en"):
        assert set(catalog(lang).lookup("documents", "letters", "reasons")) <= disputing


def test_a_card_negotiation_asks_for_the_personalised_instalment_with_article_70():
    data = Situation.model_validate(
        situation(debt("credit_card", overdue_days=60, overdue_amount_cny=8000.0), hardship="job_loss")
    )
    advice = advise(data)
    assert "negotiation" in offered(advice)
    body = letter_text(build_letter("negotiation", data, advice))
    text = catalog("zh").on(DAY)
    assert text.text("documents", "letters", "negotiation", "title_card") in body
    assert text.text("documents", "letters", "negotiation", "hardship_job_loss") in body
    assert "逾期金额：8,000 元。" in body
    assert "《商业银行信用卡业务监督管理办法》第七十条" in body


def test_a_complaint_states_only_the_conduct_the_person_reported():
    data = Situation.model_validate(
        situation(
            debt("online_loan", lender="unlicensed", overdue_days=100), collection={"threatened_or_insulted": True}
        )
    )
    advice = advise(data)
    assert "complaint" in offered(advice)
    body = letter_text(build_letter("complaint", data, advice))
    text = catalog("zh").on(DAY)
    assert text.text("documents", "letters", "complaint", "threatened_or_insulted") in body
    assert text.text("documents", "letters", "complaint", "contacts_harassed") not in body
    assert "《民法典》第一千零三十三条" in body and "《个人信息保护法》" not in body


def test_a_letter_the_advice_does_not_recommend_is_refused_with_status_1():
    data = load(PROJECT / "examples" / "all_clear_on_time_huabei.json")
    advice = advise(data)
    for kind in KINDS:
        with pytest.raises(LetterRefused) as refused:
            build_letter(kind, data, advice)
        assert refused.value.status == 1


def test_a_persons_label_is_escaped_in_the_html_letter():
    label = "<b>x</b>&\"'"
    data = Situation.model_validate(situation(debt("credit_card", label=label, overdue_days=0, reported="yes")))
    page = letter_html(build_letter("dispute", data, advise(data)))
    assert "<b>x</b>" not in page and html.escape(label, quote=True) in page
    assert '<span class="blank">【姓名】</span>' in page
    assert "<script" not in page.lower() and "src=" not in page


# --- the command line -------------------------------------------------------------------


def test_letter_command_writes_text_and_html_0600(cli, tmp_path):
    source = PROJECT / "examples" / "unlicensed_platform_harassment.json"
    for form in ("text", "html"):
        out = tmp_path / f"complaint.{form}"
        result = cli("letter", "complaint", str(source), "--format", form, "-o", str(out))
        assert result.status == 0, result.err
        assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
        assert "【身份证号】" in out.read_text(encoding="utf-8")
    result = cli("letter", "complaint", str(source), "--lang", "en")
    assert result.status == 0 and "【ID card number】" in result.out
    assert "12378" in result.err  # where to complain: told to the person, not written in the letter
    assert "12378" not in result.out


def test_letter_command_explains_what_it_does_not_offer(cli):
    source = PROJECT / "examples" / "wrong_record_dispute.json"
    result = cli("letter", "negotiation", str(source))
    assert result.status == 1 and result.out == ""
    assert catalog("zh").lookup("documents", "letters", "names", "negotiation") in result.err
    assert "dispute" in result.err  # the letter it does offer


def test_letter_command_refuses_a_debt_the_letter_does_not_concern(cli):
    source = PROJECT / "examples" / "several_debts_mixed.json"
    result = cli("letter", "dispute", str(source), "--debt", "0")
    assert result.status == 2 and "--debt 0" in result.err and "1" in result.err
    assert cli("letter", "dispute", str(source), "--debt", "1").status == 0


def test_letter_command_refuses_a_bad_kind_and_bad_input(cli, tmp_path):
    with pytest.raises(SystemExit) as exited:
        cli("letter", "thanks", str(PROJECT / "examples" / "wrong_record_dispute.json"))
    assert exited.value.code == 2
    bad = tmp_path / "bad.json"
    bad.write_text('{"debts": [{"product": "yacht"}]}', encoding="utf-8")
    result = cli("letter", "dispute", str(bad))
    assert result.status == 2 and "product" in result.err
