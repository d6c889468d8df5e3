"""Catalog texts state thresholds and policy dates through their dated parameters
(`$(name)` placeholders, advisor/texts/placeholders.py), never by restating a value, and
every placeholder fills on every day its parameters are in force, in both languages."""

from __future__ import annotations

import re
from datetime import date

import pytest

from advisor.texts.catalog import DayCatalog, catalog
from advisor.texts.placeholders import EN_MONTHS, PLACEHOLDER, PlaceholderError, fill, placeholders
from credit_advisor.facts.parameters import all_parameters, parameters_on

LANGS = ("zh", "en")
DAY = date(2026, 11, 30)
NOT_YET: tuple[str, ...] = ()  # every section states its parameters through placeholders

# Numbers next to a unit word that are not a parameter's value, each reviewed.
INQUIRY_WINDOW = "the inquiry window of the contract's field `credit_inquiries_6m`, not a parameter"
ALLOWED = {
    ("en", "in six months"): INQUIRY_WINDOW,
    ("en", "last six months"): INQUIRY_WINDOW,
    ("en", "last 6 months"): INQUIRY_WINDOW,
    ("zh", "最近六个月"): INQUIRY_WINDOW,
}

EN_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
ZH_WORDS = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]


def walk(node, path: tuple = ()):
    """(path, text) for every text of a catalog table (a list item's path ends in its index)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, (*path, index))
    elif isinstance(node, str):
        yield path, node


def flatten(node):
    for path, text in walk(node):
        yield ".".join(map(str, path)), text


def texts_with_placeholders(lang: str) -> dict[str, str]:
    return {key: text for key, text in flatten(catalog(lang).data) if "$(" in text}


def days_in_force(names: set[str]) -> list[date]:
    """Today's test day and the first day of every parameter period, where all `names`
    have a value (not none yet, not `false`)."""
    starts = {period.start for parameter in all_parameters().values() for period in parameter.periods}
    days = sorted(starts | {DAY})
    return [day for day in days if all(parameters_on(day).get(name) not in (None, False) for name in names)]


# --- filling ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_every_placeholder_fills_on_every_day_its_parameters_are_in_force(lang):
    unfilled, checked = {}, 0
    for path, text in walk(catalog(lang).data):
        if "$(" not in text:
            continue
        key = ".".join(map(str, path))
        days = days_in_force({p.name for p in placeholders(text)})
        assert days, f"{key}: its parameters are never in force together"
        for day in days:
            try:
                filled = catalog(lang).on(day).lookup(*path)  # a list item's path ends in its index
            except PlaceholderError as error:
                unfilled[(key, day.isoformat())] = str(error)
                continue
            checked += 1
            assert "$(" not in filled and "None" not in filled and "False" not in filled, (key, day, filled)
    assert unfilled == {}
    assert checked > 100  # every text with a placeholder, on several days


# Texts whose two languages state different parameters, each reviewed.
WORDED_DIFFERENTLY = {
    "rules.credit_report.short_overdue_possibly_reported": "zh says 逾期30天以内; en says 'a short overdue'",
}


def test_both_languages_name_the_same_parameters_in_each_text():
    names = {
        lang: {key: {p.name for p in placeholders(text)} for key, text in texts_with_placeholders(lang).items()}
        for lang in LANGS
    }
    for key in WORDED_DIFFERENTLY:
        assert names["zh"].pop(key, None) != names["en"].pop(key, None), f"{key} now agrees: drop it from the list"
    assert names["zh"] == names["en"]


def test_the_texts_read_today_as_the_parameters_say():
    on = {lang: catalog(lang).on(DAY) for lang in LANGS}
    assert "2026年3月31日前" in on["zh"].rule("credit_report.one_time_repair_policy")
    assert "2020至2025年间发生、每月逾期金额（含利息和费用）不超过1万元" in on["zh"].rule(
        "credit_report.one_time_repair_policy"
    )
    assert "overdues from 2020 to 2025 of at most 10,000 yuan a month" in on["en"].rule(
        "credit_report.one_time_repair_policy"
    )
    assert "repaid in full by 31 March 2026" in on["en"].rule("credit_report.one_time_repair_policy")
    assert on["en"].template("audit", "values", "DebtFact", "band", "medium") == "overdue 31–90 days"
    assert on["zh"].template("audit", "values", "PersonFact", "zhima", "mid") == "芝麻分 600–699"
    assert on["en"].action("rebuild_record").startswith("After settling, make every payment on time: six clean months")
    assert "五年内还清的也算" in on["zh"].lookup("interview", "q", "has_debts", "text")


def test_a_changed_parameter_changes_the_sentence():
    values = dict(parameters_on(DAY))
    values["overdue.long_after_days"] = 120
    values["record.retention_months"] = 84
    source = catalog("en").data
    assert "more than 120 days overdue" in fill(source["actions"]["settle_overdue"], values, "en")
    assert "stops showing seven years after" in fill(source["actions"]["rebuild_record"], values, "en")


def test_the_catalog_as_written_refuses_a_text_that_names_a_parameter():
    with pytest.raises(PlaceholderError, match="on\\(day\\)"):
        catalog("zh").action("settle_overdue")
    with pytest.raises(PlaceholderError):
        catalog("en").rules_texts(["credit_report.one_time_repair_policy"])
    assert catalog("zh").ui("err_heading")  # texts without parameters need no day


def test_a_text_whose_parameter_has_no_value_that_day_is_refused_not_garbled():
    before_the_policy = catalog("zh").on(date(2024, 6, 1))
    with pytest.raises(PlaceholderError, match="repair"):
        before_the_policy.rule("credit_report.one_time_repair_policy")
    with pytest.raises(PlaceholderError, match="no value"):
        before_the_policy.rules_texts(["credit_report.one_time_repair_policy"])
    assert before_the_policy.action("settle_overdue").endswith("特别是超过90天的那几笔。")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("$(overdue.shortest_days)", "unknown parameter"),
        ("$(overdue.short_max_days/7)", "not a whole number"),
        ("$(repair.repaid_by)", "needs a pattern"),
        ("$(repair.repaid_by|%Q)", "not supported"),
        ("$(overdue.short_max_days|%Y)", "not one for numbers"),
        ("$(repair.in_force)", "no value"),
        ("$(overdue.short_max_days*2)", "not a placeholder"),
        ("$(overdue.short_max_days", "unclosed"),
        ("$(law.card_overdraft_crime_min_cny|words)", "no word"),
    ],
)
def test_a_placeholder_that_cannot_be_filled_fails_loudly(text, problem):
    day = DAY if problem != "no value" else date(2024, 6, 1)  # repair.in_force is `false` then
    with pytest.raises(PlaceholderError, match=problem):
        fill(text, parameters_on(day), "en")


def test_dates_are_written_without_the_machines_locale():
    values = parameters_on(DAY)
    assert fill("$(repair.early_hidden_from|%Y-%m-%d)", values, "zh") == "2026-01-01"
    assert fill("$(repair.repaid_by|%B %-d, %Y)", values, "en") == "March 31, 2026"
    assert fill("$(record.good_record_months/12|words)年", values, "zh") == "二年"


def test_the_days_catalog_is_remembered_and_made_once():
    assert catalog("zh").on(DAY) is catalog("zh").on(DAY)
    assert isinstance(catalog("zh").on(DAY), DayCatalog)
    assert catalog("zh").on(DAY).on(DAY) is catalog("zh").on(DAY)


# --- nothing restated ------------------------------------------------------------------


def _forms(name: str, value: int, unit: str) -> list[str]:
    """Regexes for `value` of a parameter written out in a sentence, in its unit's words."""
    number = r"(?<![\d.,]){}(?![\d.,]*\d)"
    forms: list[str] = []

    def digits(n: int, after: str) -> None:
        forms.append(number.format(n) + rf"\s*(?:{after})")
        if n < len(EN_WORDS):
            forms.append(rf"\b{EN_WORDS[n]}[\s-]+(?:\w+\s+)?(?:{after})")
            forms.append(rf"(?<![零一二三四五六七八九十]){ZH_WORDS[n]}\s*(?:{after})")

    if unit == "days":
        digits(value, "天|days?")
    elif unit == "months":
        digits(value, "个月|months?")
        if value % 12 == 0:
            digits(value // 12, "年|years?")
    elif unit == "years":
        digits(value, "年|years?")
    elif unit == "CNY":
        digits(value, "元|yuan")
        forms.append(number.format(f"{value:,}") + r"\s*yuan")
        if value % 10000 == 0:
            digits(value // 10000, "万")
    elif unit.startswith("inquiries"):
        digits(value, "次|inquir")
        forms.append(rf"(?:到|to|–)\s*{value}(?!\d)\s*(?:次|is)")
    elif unit == "points":
        forms.append(rf"(?:芝麻分|score)\D{{0,8}}{value}(?!\d)")
    elif unit.startswith("percent"):
        forms.append(number.format(value) + r"\s*%")
    return forms


def _date_forms(day: date) -> list[str]:
    month = EN_MONTHS[day.month - 1]
    return [
        day.isoformat(),
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.day} {month} {day.year}",
        f"{month} {day.day}, {day.year}",
    ]


def restated_values() -> dict[str, list[str]]:
    """Each parameter's values as a sentence would restate them (regexes)."""
    found: dict[str, list[str]] = {}
    for name, parameter in all_parameters().items():
        for period in parameter.periods:
            value = period.value
            if isinstance(value, bool):
                continue
            if isinstance(value, date):
                found.setdefault(name, []).extend(re.escape(form) for form in _date_forms(value))
            elif isinstance(value, int):
                found.setdefault(name, []).extend(_forms(name, value, parameter.unit))
    return found


def test_every_numeric_and_date_parameter_has_forms_to_look_for():
    forms = restated_values()
    for name, parameter in all_parameters().items():
        if parameter.unit != "yes/no":
            assert forms.get(name), f"{name}: unit {parameter.unit!r} has no forms: add them to _forms"


@pytest.mark.parametrize("lang", LANGS)
def test_no_catalog_text_restates_a_parameter_instead_of_naming_it(lang):
    allowed = [phrase for (language, phrase) in ALLOWED if language == lang]
    forms = restated_values()
    restated = []
    for key, text in flatten(catalog(lang).data):
        if key.startswith(NOT_YET):
            continue
        plain = PLACEHOLDER.sub("⟨⟩", text)
        for phrase in allowed:
            plain = plain.replace(phrase, "⟨⟩")
        for name, patterns in forms.items():
            for pattern in patterns:
                match = re.search(pattern, plain, flags=re.IGNORECASE)
                if match:
                    restated.append(f"{key}: {match.group(0)!r} restates {name}")
    assert restated == []


def test_the_scan_finds_a_restated_value():
    """The scan above is not vacuous: the sentences as they were written before the
    placeholders are caught, in both languages."""
    forms = restated_values()
    for sentence, name in [
        ("逾期超过90天", "overdue.long_after_days"),
        ("结清已满5年的逾期", "record.retention_months"),
        ("stays visible for five years", "record.retention_months"),
        ("单笔不超过1万元", "repair.max_overdue_cny"),
        ("at most 10,000 yuan", "repair.max_overdue_cny"),
        ("2026年3月31日前全部还清", "repair.repaid_by"),
        ("repaid in full by 31 March 2026", "repair.repaid_by"),
        ("1到3次没问题", "inquiries.few_max"),
        ("芝麻分 700 及以上", "zhima.high_from"),
        ("six clean months", "record.clean_months"),
    ]:
        assert any(re.search(p, sentence, flags=re.IGNORECASE) for p in forms[name]), (sentence, name)


def test_every_allowed_phrase_is_still_in_the_catalogs():
    for lang, phrase in ALLOWED:
        assert any(phrase in text for _, text in flatten(catalog(lang).data)), (lang, phrase)


def test_a_misspelt_parameter_in_a_catalog_file_fails_when_the_catalog_is_read():
    from advisor.texts.catalog import check_placeholders

    with pytest.raises(ValueError, match="knowledge.toml: .*unknown parameter 'overdue.long_days'"):
        check_placeholders({"actions": {"x": "超过$(overdue.long_days)天"}}, "knowledge.toml")
    check_placeholders(catalog("zh").data, "zh")  # the real catalogs pass
