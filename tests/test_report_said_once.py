"""Each thing said once, at the certainty it has: no sentence twice in one report (two
effects decided by one rule share its sentence once; two actions never show the same
reason), and no explanation worded more (or less) certainly than its effect's likelihood
(advisor.texts.claims declares the likelihoods a text is written for)."""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import TEST_DAY, consult, effect
from hypothesis import given
from hypothesis import strategies as st
from report_text import EXAMPLES, example, report
from strategies import debts, property_settings, situations

from advisor.texts.sentences import sentences

DAY_SITUATIONS = situations(st.lists(debts(), max_size=3)).map(lambda data: {**data, "as_of": TEST_DAY})


def repeated_sentences(text: str, lang: str) -> list[str]:
    """Whole sentences (ending in 。 or .) said more than once; headings and labels are not
    sentences, and source lists are citations (a passage may support several effects)."""
    from advisor.texts.catalog import catalog

    citations = tuple(catalog(lang).ui(key) for key in ("report_sources", "report_conflicts"))
    lines = (line.strip(" │•→!✓") for line in text.splitlines())
    found = Counter(
        sentence
        for line in lines
        if not line.startswith(citations)
        for sentence in sentences(line)
        if sentence.endswith(("。", ".")) and len(sentence) > 8
    )
    return [sentence for sentence, count in found.items() if count > 1]


def misplaced_claims(advice) -> list[str]:
    """Explanations that use a text under an effect whose likelihood it is not written for."""
    from advisor.texts.catalog import catalog
    from advisor.texts.claims import WRITTEN_FOR

    text = catalog(advice.language).on(advice.as_of)
    wrong = []
    for topic, block in advice.topics.items():
        for item in block.effects:
            for rule, written_for in WRITTEN_FOR.items():
                if text.rule(rule) in item.explanation and item.likelihood not in written_for:
                    wrong.append(f"{topic}.{item.code} ({item.likelihood.value}) explained by {rule}")
    return wrong


def check_said_once(data: dict) -> None:
    for lang in ("zh", "en"):
        advice = consult(data, lang=lang)
        assert not misplaced_claims(advice), misplaced_claims(advice)
        for item in (found for block in advice.topics.values() for found in block.effects):
            assert item.explanation, item.code
        for details in (False, True):
            # Wide enough that no sentence wraps: every sentence is on one line.
            printed = report(advice, width=4000, details=details)
            assert not repeated_sentences(printed, lang), (lang, details, repeated_sentences(printed, lang))


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda path: path.stem)
def test_every_example_says_each_sentence_once_at_its_certainty(path):
    check_said_once(example(path.stem))


@property_settings()
@given(DAY_SITUATIONS)
def test_random_situations_say_each_sentence_once_at_their_certainty(data):
    check_said_once(data)


def test_every_finding_about_the_report_declares_the_likelihood_its_text_states():
    from advisor.api import rules_by_id
    from advisor.texts.claims import WRITTEN_FOR

    findings = {rule for rule, meta in rules_by_id().items() if "finding.on_report" in meta.concludes}
    assert findings and findings <= set(WRITTEN_FOR), findings - set(WRITTEN_FOR)
    assert set(WRITTEN_FOR) <= set(rules_by_id()), set(WRITTEN_FOR) - set(rules_by_id())


def test_an_unlikely_record_is_explained_by_why_it_is_unlikely_not_by_how_long_a_record_stays():
    advice = consult(example("unlicensed_platform_harassment"), lang="en")
    record = effect(advice, "credit_report", "negative_record")
    assert record.likelihood.value == "unlikely"
    assert "credit_report.open_overdue_recorded" in record.rules  # the rule still concluded it
    assert "not connected to the PBOC" in record.explanation
    assert "stays there" not in record.explanation


def test_a_finding_is_said_under_the_credit_report_not_appended_to_every_topic():
    advice = consult(example("employee_approvals_huabei_plan"), lang="zh")
    seen = "你已经在征信报告上看到了逾期记录"
    holders = [f"{t}.{e.code}" for t, b in advice.topics.items() for e in b.effects if seen in e.explanation]
    assert holders == ["credit_report.negative_record"]


def test_two_effects_of_one_rule_share_its_sentence_once_in_the_report():
    advice = consult(example("employee_approvals_huabei_plan"), lang="zh")
    limit, stop = effect(advice, "huabei", "limit_reduced"), effect(advice, "huabei", "suspended")
    shared = "其他贷款的逾期已上征信时，花呗很可能被降额，严重时也可能暂停使用；放贷方是正规金融机构时影响更大。"
    assert shared in limit.explanation and shared in stop.explanation  # the Advice says each in full
    assert report(advice, width=4000).count(shared) == 1


def test_two_actions_advised_for_one_reason_show_it_once():
    advice = consult(example("huabei_overdue_40_days_report_unknown"), lang="zh")
    notice, support = (
        next(a for a in advice.actions if a.code == code) for code in ("check_huabei_notice", "contact_alipay_support")
    )
    assert notice.because == support.because
    printed = report(advice, width=4000, details=True)
    assert printed.count(notice.because) == 1
