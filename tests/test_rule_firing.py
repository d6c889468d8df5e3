"""Every rule concludes what its pinned cases say, and stays silent in its near miss.

The cases are data, in tests/cases/<topic>.toml (format: tests/pinned.py).  Each rule of
the registry needs a case that pins what it concludes when it fires, and a near miss: the
closest situation where it does not fire.  A rule that stands whatever the situation
(WeChat's basic functions, DingTalk itself) has no near miss: it must fire in every case.
A new rule fails `test_every_registered_rule_is_pinned_firing_and_missing` until its two
cases are added (copy a block, write the sentence, fill in what it must conclude).
"""

from __future__ import annotations

import pytest
from pinned import Case, check, concluded_item, declarations, duplicates, load_cases

from advisor.api import advise

CASES = load_cases()

# Rules that have no near miss, with why: they must fire in every case.
STANDING_RULES = {
    "wechat.basic_functions_unaffected": "chat and payments never depend on debts (T1)",
    "dingtalk.platform_does_not_check_credit": "DingTalk itself never checks credit (D1)",
}


def registered_rules() -> dict:
    from advisor.api import rules_by_id

    return rules_by_id()


def rules_written_in_the_modules() -> set[str]:
    """Every rule-decorated method of every topic mixin, read from the classes themselves."""
    from credit_advisor.rules import TOPIC_RULES

    return {value.meta.id for mixin in TOPIC_RULES for value in vars(mixin).values() if hasattr(value, "meta")}


def test_every_rule_written_in_the_rule_modules_reaches_the_engine():
    # Two mixins once both had a method `unaffected`: the MRO kept one, the other rule vanished.
    assert rules_written_in_the_modules() == set(registered_rules())


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_the_case_gives_exactly_its_pinned_conclusions(case: Case):
    assert check(case) == []


def test_every_registered_rule_is_pinned_firing_and_missing():
    rules = set(registered_rules())
    pinned = {rule for case in CASES for rule in case.pins}
    missed = {rule for case in CASES for rule in case.near_miss_of}
    assert rules - pinned == set(), "rules no case pins firing"
    assert rules - missed - set(STANDING_RULES) == set(), "rules without a near-miss case"
    assert (pinned | missed) - rules == set(), "cases name rules that do not exist"


def test_a_standing_rule_fires_in_every_case():
    assert [case.name for case in CASES if not set(STANDING_RULES) <= case.trace] == []


def test_a_pinned_rule_fires_in_its_case_and_a_missed_one_does_not():
    # mismatches() checks it against the Advice too; here the data must be coherent.
    for case in CASES:
        assert set(case.pins) <= case.trace, case.name
        assert not set(case.near_miss_of) & case.trace, case.name


def test_cases_are_named_as_distinct_sentences_for_a_fixed_day():
    assert duplicates(case.name for case in CASES) == []
    assert duplicates(repr(sorted(case.situation.items())) for case in CASES) == []
    for case in CASES:
        assert case.name[0].isupper() and not case.name.endswith("."), case.name
        assert len(case.name.split()) >= 5, f"{case.name!r}: say what happens, as a sentence"
        assert "as_of" in case.situation, f"{case.name!r}: the advice depends on the day; fix `as_of`"


def test_a_case_pins_the_whole_topic_of_every_rule_it_is_about():
    """The effects of each topic a pinned or missed rule concludes in, and the action
    order when such a rule advises actions, are part of the case."""
    registry = registered_rules()
    for case in CASES:
        about = [item for rule in case.pins + case.near_miss_of for item in registry[rule].concludes]
        topics = {item.split(".", 1)[0] for item in about} - {"action", "finding"}
        assert topics <= case.effect_topics(), f"{case.name!r}: pin the effects of {sorted(topics)}"
        if any(item.startswith("action.") for item in about):
            assert case.actions is not None, f"{case.name!r}: pin the actions in order"


def test_every_fact_a_rule_declares_is_listed_in_what_the_rule_concludes():
    registry = registered_rules()
    outside: set[tuple[str, str]] = set()
    for case in CASES:
        for rule, kind, slots in declarations(advise(case.situation, lang="en")):
            assert slots["rule"] == rule, "a declared fact must name the rule that declared it"
            if concluded_item(kind, slots) not in registry[rule].concludes:
                outside.add((rule, concluded_item(kind, slots)))
    assert outside == set()


def test_every_conclusion_a_rule_lists_is_pinned_in_some_case():
    reached: dict[str, set[str]] = {}
    for case in CASES:
        for rule, items in case.concludes.items():
            reached.setdefault(rule, set()).update(item.split(":")[0].split(" (")[0] for item in items)
    never = {
        (rule, conclusion)
        for rule, meta in registered_rules().items()
        for conclusion in meta.concludes
        if conclusion not in reached.get(rule, set())
    }
    assert never == set()


def test_a_drafted_case_reads_back_and_holds_once_named():
    """tests/draft_case.py writes the format load_cases() reads, with a name to be written."""
    import tomllib

    from draft_case import draft
    from pinned import parse_case

    case = next(c for c in CASES if c.pins and c.near_miss_of and c.actions is not None)
    raw = tomllib.loads(draft(case.situation, list(case.pins), list(case.near_miss_of)))["case"][0]
    assert raw["name"] == "FILL IN"
    drafted = parse_case({**raw, "name": case.name}, case.file)
    assert check(drafted) == []
    assert (drafted.trace, drafted.effects, drafted.actions) == (case.trace, case.effects, case.actions)
    assert {rule: sorted(items) for rule, items in drafted.concludes.items()} == {
        rule: sorted(items) for rule, items in case.concludes.items()
    }
