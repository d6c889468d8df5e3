"""The overview (contract v2) comes first and answers "what do I do first, what is at
risk, what is safe" in 3-6 items; the default report of the issue's three stories fits
70 lines at 100 columns (the overview 15 at 80), with the details one flag away."""

from __future__ import annotations

import pytest
from conftest import TEST_DAY, consult
from hypothesis import given
from hypothesis import strategies as st
from report_text import EXAMPLES, STORIES, example, report
from strategies import debts, property_settings, situations

MAX_REPORT_LINES = 70  # at 100 columns, for a person with one or two debts
MAX_OVERVIEW_LINES = 15  # at 80 columns


def check_overview(advice) -> None:
    items = advice.overview
    assert 3 <= len(items) <= 6, items
    effects = {f"{topic}.{e.code}": e for topic, block in advice.topics.items() for e in block.effects}
    actions = {action.code: action for action in advice.actions}
    for item in items:
        assert item.text
        if item.kind == "act":
            assert item.ref in actions, item
        else:
            assert item.ref in effects, item
    kinds = [item.kind for item in items]
    assert kinds == sorted(kinds, key=["act", "risk", "calm"].index), kinds  # what to do, at risk, safe
    if advice.actions:
        first = advice.actions[0]
        assert (items[0].kind, items[0].ref) == ("act", first.code)
        for debt in first.debts:  # the debt it is about is named
            assert advice.debt_labels[debt] in items[0].text
    for item in items:
        if item.kind == "risk":
            assert not advice.topics[item.ref.split(".")[0]].if_used, item  # not a product the person does not use


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda path: path.stem)
def test_every_example_has_an_overview_of_three_to_six_items_first_what_to_do(path):
    for lang in ("zh", "en"):
        check_overview(consult(example(path.stem), lang=lang))


@property_settings()
@given(situations(st.lists(debts(), max_size=3)).map(lambda data: {**data, "as_of": TEST_DAY}))
def test_random_situations_have_a_well_formed_overview(data):
    check_overview(consult(data, lang="zh"))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("story", sorted(STORIES.values()))
def test_the_three_stories_fit_a_screen_with_the_overview_first(story, lang):
    advice = consult(example(story), lang=lang)
    printed = report(advice, width=100)
    assert printed.count("\n") <= MAX_REPORT_LINES, printed
    from advisor.texts.catalog import catalog

    text = catalog(lang)
    assert printed.splitlines()[0].startswith(text.ui("report_title"))
    narrow = report(advice.model_copy(update={"topics": {}, "actions": [], "timeline": []}), width=80)
    overview = narrow[: narrow.index(advice.disclaimer[:10])]
    assert overview.count("\n") <= MAX_OVERVIEW_LINES, overview
    # The details are one flag away (--trace): sources, and each action's reason.
    assert text.ui("report_sources") not in printed
    detailed = report(advice, width=100, details=True)
    assert text.ui("report_sources") in detailed and text.ui("report_because") in detailed


def test_a_product_the_person_does_not_use_is_no_serious_topic():
    advice = consult(example("huabei_overdue_40_days_report_unknown"), lang="zh")
    assert advice.topics["weilidai"].if_used and not advice.topics["huabei"].if_used
    printed = report(advice, width=100)
    assert "微粒贷 · 需要重视" not in printed and "微粒贷 · 值得留意" in printed
    assert (
        not consult({**example("huabei_overdue_40_days_report_unknown"), "plans": ["weilidai"]})
        .topics["weilidai"]
        .if_used
    )


def test_huabei_is_a_product_of_a_person_with_an_alipay_loan_or_a_huabei_plan():
    """A court story with a bank loan and a card: Huabei is not theirs, so its conclusions
    are said for if they use it, and never put in the overview as a risk."""
    judgment = example("judgment_frozen_accounts_partial")
    advice = consult(judgment, lang="zh")
    assert advice.topics["huabei"].if_used
    assert not any(item.ref.startswith("huabei.") for item in advice.overview)
    assert "花呗 · 需要重视" not in report(advice, width=100)
    jiebei = {**judgment, "debts": [*judgment["debts"], {"product": "jiebei", "overdue_days": 0}]}
    assert not consult(jiebei).topics["huabei"].if_used  # a Jiebei overdue shows on the Huabei page
    assert not consult({**judgment, "plans": ["huabei"]}).topics["huabei"].if_used


def test_the_default_report_words_the_first_steps_and_names_the_later_ones():
    from advisor.texts.catalog import catalog
    from advisor.ui.render import ACTIONS_IN_FULL

    advice = consult(example("unlicensed_platform_harassment"), lang="zh")
    assert len(advice.actions) > ACTIONS_IN_FULL
    printed = "".join(report(advice, width=100).split())
    names = catalog("zh").data["interview"]["action_names"]
    for action in advice.actions[:ACTIONS_IN_FULL]:
        assert "".join(action.text.split()) in printed
    for action in advice.actions[ACTIONS_IN_FULL:]:
        assert f"{action.priority}.{names[action.code]}" in printed
        assert "".join(action.text.split()) not in printed
    detailed = "".join(report(advice, width=100, details=True).split())
    assert all("".join(action.text.split()) in detailed for action in advice.actions)


def test_what_the_police_or_a_court_deals_with_heads_the_laws_topic_in_the_overview():
    """Fees are certain in every overdue story; a judgment's enforcement, illegal
    collection or a certain lawsuit is what a person must hear first, once likely."""
    refs = lambda name: [item.ref for item in consult(example(name)).overview]
    judgment = refs("judgment_frozen_accounts_partial")
    assert "collection.court_enforcement" in judgment and "collection.penalty_fees" not in judgment
    threats = refs("unlicensed_lender_upfront_interest_threats")
    assert "collection.illegal_collection" in threats and "collection.penalty_fees" not in threats
    assert "collection.lawsuit_risk" in refs("court_summons_credit_card")
    # Nothing serious: the law's topic keeps its strongest harm.
    assert "collection.penalty_fees" in refs("huabei_overdue_40_days_report_unknown")
