"""The interview's question catalogue, docassemble style.

Each question declares the Situation field it fills (`debts[].overdue_days`,
`employer_links_credit`, …), its answer kind, whether "don't know" (null) is allowed —
exactly when the contract field may be null — and what it presupposes (a repayment
negotiation presupposes an overdue, DingTalk questions a DingTalk user).  `walk()` turns
the answers into the interview's plan: the relevant questions in order, with the loop
over debts.  Relevance is derived from the rule base, never restated here: a question is
asked only when some rule that reads its field could still fire given the answers so
far (advisor.ui.relevance evaluates the rules' own conditions over partial facts); tests
check every skipped question against the engine.

Answers are kept in a flat dict keyed by `(question id, debt index or None)`; a missing
key means "not answered yet", a `None` value means "don't know".  Texts live in
`advisor/texts/catalogs/<lang>/interview.toml`, never here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import ValidationError

from advisor.numbers import choice_number, decimal_number, whole_number, with_arabic_numerals
from advisor.texts.catalog import LANGUAGES, catalog
from advisor.ui import relevance
from credit_advisor.facts.enums import (
    Hardship,
    LegalStage,
    Lender,
    Negotiation,
    Plan,
    Product,
    RepaymentCapacity,
    Reported,
)
from credit_advisor.facts.situation import MAX_DEBTS, MAX_LABEL_CHARS, Collection, Debt, Situation, dated

Key = tuple[str, "int | None"]
Answers = dict[Key, Any]

# Answer kinds.
YESNO, CHOICE, INTEGER, NUMBER, TEXT, MULTI = "yesno", "choice", "integer", "number", "text", "multi"
DINGTALK_FIELDS = (
    "employer_links_credit",
    "uses_dingtalk_finance",
    "dingtalk_alipay_credit_authorized",
    "enterprise_owner",
)


@dataclass(frozen=True)
class Question:
    """One question: the field it fills, how it is answered, and when it is asked: when
    what it presupposes holds and, if `by_rules`, some rule could still use the answer."""

    id: str
    field: str  # the Situation field, e.g. "debts[].overdue_days"; "debts"/"debts[]" for the debt loop
    kind: str
    nullable: bool  # "don't know" allowed (answer null): exactly when the contract field may be null
    presupposes: Callable[[Ctx], bool]
    by_rules: bool = True  # False: asked whenever it makes sense (the debt loop, what a debt is)
    options: tuple[str, ...] = ()  # codes, for CHOICE and MULTI
    minimum: float | None = None
    maximum: float | None = None
    fills: tuple[str, ...] = ()  # further fields this answer sets (the DingTalk gate)
    probes: tuple = ()  # sample answers for WHY's what-if (INTEGER, NUMBER, MULTI)
    dont_know_option: str | None = None  # the option "don't know" picks (e.g. lender "unknown")
    # The options "yes" and "no" pick when the question reads as a yes/no question
    # ("Is the lender licensed?"); options named yes/no are picked by those words anyway.
    yes_option: str | None = None
    no_option: str | None = None

    @property
    def per_debt(self) -> bool:
        return self.field.startswith("debts[].")

    @property
    def attribute(self) -> str:
        """The attribute name inside a Debt, a Collection or the Situation."""
        return self.field.rsplit(".", 1)[-1]

    @property
    def registry_fields(self) -> tuple[str, ...]:
        """The names the rule registry's `reads` use for what this answer decides."""
        if self.field in ("debts", "debts[]"):
            return ("debts.*",)
        own = (self.field.replace("[]", ""),) if self.field else ()
        return own + self.fills

    @property
    def loop_control(self) -> bool:
        return self.field in ("debts", "debts[]")


@dataclass(frozen=True)
class Slot:
    """A question in the plan: the question and, for debt questions, which debt."""

    question: Question
    index: int | None = None

    @property
    def key(self) -> Key:
        return (self.question.id, self.index)


# --- what the presuppositions see -------------------------------------------------------


def _code(value):
    return getattr(value, "value", value)


class Ctx:
    """The answers so far, as the presuppositions see them."""

    def __init__(self, answers: Answers, slots: list[Slot]):
        self.answers = answers
        self.slots = slots  # the plan so far (the walk's prefix)
        self.index: int | None = None
        self.undecided = False  # set when a presupposition read an unanswered question

    def get(self, qid: str, index: int | None = None, default=None):
        if (qid, index) not in self.answers:
            self.undecided = True
        return self.answers.get((qid, index), default)

    def debt_indices(self) -> list[int]:
        """The debts described so far: the loop's debts whose product is answered."""
        seen: list[int] = []
        if self.answers.get(("has_debts", None)) is True:
            index = 0
            while ("product", index) in self.answers:
                seen.append(index)
                if self.answers.get(("more_debts", index)) is not True or index + 1 >= MAX_DEBTS:
                    break
                index += 1
        return seen

    def overdue(self, index: int | None = None) -> bool:
        """The debt is overdue or was (the contract's `overdue_days > 0`)."""
        index = self.index if index is None else index
        return (self.get("overdue_days", index) or 0) > 0

    def any_overdue(self) -> bool:
        return any(self.overdue(i) for i in self.debt_indices())


# --- what the questions presuppose (the sense of the question, not rule knowledge) ----------


def always(ctx: Ctx) -> bool:
    return True


def has_debts(ctx: Ctx) -> bool:
    return ctx.get("has_debts") is True


def debt_overdue(ctx: Ctx) -> bool:
    # Repaying or negotiating an overdue needs an overdue.
    return ctx.overdue()


def debt_settled(ctx: Ctx) -> bool:
    # "How long ago was it settled?" needs a settled overdue.
    return ctx.overdue() and ctx.get("settled", ctx.index) is True


def any_overdue(ctx: Ctx) -> bool:
    # Debt collection, and the cause of falling behind, need an overdue debt.
    return ctx.any_overdue()


def uses_dingtalk(ctx: Ctx) -> bool:
    return ctx.get("uses_dingtalk") is True


def another_debt(ctx: Ctx) -> bool:
    return ctx.index is not None and ctx.index + 1 < MAX_DEBTS


# --- the catalogue -----------------------------------------------------------------------


def _codes(enum) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


def _bounds(field: str) -> tuple[float | None, float | None]:
    """Minimum and maximum of a field, read from the Situation's JSON Schema."""
    schema = Situation.model_json_schema()
    if field.startswith("debts[]."):
        prop = schema["$defs"]["Debt"]["properties"][field.split(".", 1)[1]]
    else:
        prop = schema["properties"][field]
    for candidate in [prop, *prop.get("anyOf", [])]:
        if "minimum" in candidate or "maximum" in candidate:
            return candidate.get("minimum"), candidate.get("maximum")
    return None, None


def _q(id, field, kind, nullable, presupposes, **extra) -> Question:
    if kind in (INTEGER, NUMBER):
        extra.setdefault("minimum", _bounds(field)[0])
        extra.setdefault("maximum", _bounds(field)[1])
    return Question(id=id, field=field, kind=kind, nullable=nullable, presupposes=presupposes, **extra)


HAS_DEBTS = _q("has_debts", "debts", YESNO, False, always, by_rules=False)
MORE_DEBTS = _q("more_debts", "debts[]", YESNO, False, another_debt, by_rules=False)

DEBT_QUESTIONS: tuple[Question, ...] = (
    # What the debt is and whether it is overdue are asked of every debt; the label only
    # names it in the report.
    _q("product", "debts[].product", CHOICE, False, always, by_rules=False, options=_codes(Product)),
    _q("label", "debts[].label", TEXT, True, always, by_rules=False, maximum=MAX_LABEL_CHARS),
    _q("overdue_days", "debts[].overdue_days", INTEGER, False, always, by_rules=False, probes=(0, 10, 45, 120)),
    _q(
        "lender",
        "debts[].lender",
        CHOICE,
        False,
        always,
        options=_codes(Lender),
        dont_know_option=Lender.unknown.value,
        yes_option=Lender.licensed.value,
        no_option=Lender.unlicensed.value,
    ),
    _q("settled", "debts[].settled", YESNO, False, debt_overdue),
    _q("months_since_settled", "debts[].months_since_settled", INTEGER, True, debt_settled, probes=(2, 24, 70)),
    _q(
        "reported",
        "debts[].reported",
        CHOICE,
        False,
        always,
        options=_codes(Reported),
        dont_know_option=Reported.unknown.value,
    ),
    _q("negotiation", "debts[].negotiation", CHOICE, False, debt_overdue, options=_codes(Negotiation)),
    _q("overdue_amount_cny", "debts[].overdue_amount_cny", NUMBER, True, always, probes=(5000.0, 50000.0)),
    # A lender goes to court over an overdue: a debt never overdue is not asked.
    _q("legal_stage", "debts[].legal_stage", CHOICE, True, debt_overdue, options=_codes(LegalStage)),
)

PERSON_QUESTIONS: tuple[Question, ...] = (
    _q("hardship", "hardship", CHOICE, True, any_overdue, options=_codes(Hardship)),
    _q("hardship_proof", "hardship_proof", YESNO, True, any_overdue),
    _q(
        "repayment_capacity",
        "repayment_capacity",
        CHOICE,
        True,
        any_overdue,
        options=_codes(RepaymentCapacity),
    ),
    _q("contacts_harassed", "collection.contacts_harassed", YESNO, True, any_overdue),
    _q("threatened_or_insulted", "collection.threatened_or_insulted", YESNO, True, any_overdue),
    _q("contacted_on_wechat", "collection.contacted_on_wechat", YESNO, True, any_overdue),
    _q("zhima_score", "zhima_score", INTEGER, True, always, probes=(550, 650, 750)),
    _q("credit_inquiries_6m", "credit_inquiries_6m", INTEGER, True, always, probes=(2, 5, 8, 15)),
    _q("plans", "plans", MULTI, False, always, options=_codes(Plan), probes=((), ("mortgage",), ("weilidai",))),
    # The gate: DingTalk questions only for people who use DingTalk; "no" answers all four.
    _q("uses_dingtalk", "", YESNO, False, always, fills=DINGTALK_FIELDS),
    _q("employer_links_credit", "employer_links_credit", YESNO, True, uses_dingtalk),
    _q("uses_dingtalk_finance", "uses_dingtalk_finance", YESNO, True, uses_dingtalk),
    _q("dingtalk_alipay_credit_authorized", "dingtalk_alipay_credit_authorized", YESNO, True, uses_dingtalk),
    _q("enterprise_owner", "enterprise_owner", YESNO, True, uses_dingtalk),
)

QUESTIONS: dict[str, Question] = {q.id: q for q in (HAS_DEBTS, *DEBT_QUESTIONS, MORE_DEBTS, *PERSON_QUESTIONS)}
# Situation field (as the registry names it) → the question that fills it.
FIELD_QUESTIONS: dict[str, Question] = {
    q.field.replace("[]", ""): q for q in QUESTIONS.values() if q.field and not q.loop_control
}


# --- the plan ----------------------------------------------------------------------------


def walk(answers: Answers) -> list[Slot]:
    """The relevant questions, in order, given the answers so far: those whose
    presupposition holds and, for the questions the rules read, that some rule could
    still use (advisor.ui.relevance, over what the answers so far allow).  The plan grows
    and shrinks as answers come in; the debt loop goes on while "another debt?" was
    answered yes."""
    slots: list[Slot] = []
    ctx = Ctx(answers, slots)
    world = known_world(answers)

    def visit(question: Question, index: int | None = None) -> None:
        ctx.index = index
        if not question.presupposes(ctx):
            return
        if question.by_rules and not relevance.relevant(world, question.registry_fields, index):
            return
        slots.append(Slot(question, index))

    visit(HAS_DEBTS)
    if answers.get(("has_debts", None)) is True:
        index = 0
        while True:
            for question in DEBT_QUESTIONS:
                visit(question, index)
            visit(MORE_DEBTS, index)
            if answers.get(("more_debts", index)) is True and index + 1 < MAX_DEBTS:
                index += 1
                continue
            break
    for question in PERSON_QUESTIONS:
        visit(question)
    return slots


def known_world(answers: Answers) -> relevance.World:
    """What the answers so far say, as the relevance sees it: the answered fields; the
    fields of questions that will not be asked (what they presuppose is answered and
    false) at the Situation's defaults; every other field unknown."""
    ctx = Ctx(answers, [])
    debts: list[dict[str, Any]] = []
    for index in ctx.debt_indices():
        known: dict[str, Any] = {}
        for question in DEBT_QUESTIONS:
            if question.kind != TEXT:
                _know(known, question.attribute, question, (question.id, index), ctx, index)
        debts.append(known)
    person: dict[str, Any] = {}
    for question in PERSON_QUESTIONS:
        if question.fills:
            if answers.get((question.id, None)) is False:
                person.update(dict.fromkeys(question.fills, False))
            continue
        _know(person, question.field, question, (question.id, None), ctx, None)
    day = dated(Situation(debts=[])).as_of
    assert day is not None
    return relevance.World.of(debts, person, day)


def _know(known: dict[str, Any], name: str, question: Question, key: Key, ctx: Ctx, index: int | None) -> None:
    if key in ctx.answers:
        known[name] = ctx.answers[key]
        return
    ctx.index, ctx.undecided = index, False
    if not question.presupposes(ctx) and not ctx.undecided:
        known.setdefault(name, _default(question.field))


def _default(field: str) -> Any:
    """A field's value when its question is not asked: the Situation's default."""
    model: Any = Situation
    name = field
    if field.startswith("debts[]."):
        model, name = Debt, field.split(".", 1)[1]
    elif field.startswith("collection."):
        model, name = Collection, field.split(".", 1)[1]
    info = model.model_fields[name]
    value = info.default_factory() if info.default_factory is not None else info.default
    return _code(value)


def situation_data(answers: Answers, slots: list[Slot] | None = None) -> dict:
    """The Situation (as JSON data) the relevant answered questions describe.  Only
    answered fields are set, so `model_dump_json(exclude_unset=True)` keeps "not asked"
    apart from "don't know" (null)."""
    slots = walk(answers) if slots is None else slots
    data: dict = {"schema_version": 1, "debts": []}
    debts: dict[int, dict] = {}
    for slot in slots:
        question = slot.question
        if slot.key not in answers or question.loop_control:
            continue
        value = answers[slot.key]
        if question.per_debt and slot.index is not None:
            if question.id == "product":
                debts[slot.index] = {}
                data["debts"].append(debts[slot.index])
            if slot.index in debts:
                debts[slot.index][question.attribute] = list(value) if isinstance(value, tuple) else value
        elif question.fills:
            if value is False:
                for name in question.fills:
                    data[name] = False
        elif question.field.startswith("collection."):
            data.setdefault("collection", {})[question.attribute] = value
        else:
            data[question.field] = list(value) if isinstance(value, tuple) else value
    return data


def build_situation(answers: Answers) -> Situation:
    return Situation.model_validate(situation_data(answers))


def answers_from_situation(situation: Situation, raw: dict) -> Answers:
    """Answers for a saved Situation: the fields present in the file count as answered
    (null = "don't know"), absent ones will be asked if they matter."""
    answers: Answers = {("has_debts", None): bool(situation.debts)}
    raw_debts: list = raw["debts"] if isinstance(raw.get("debts"), list) else []
    for index, debt in enumerate(situation.debts):
        given = raw_debts[index] if index < len(raw_debts) and isinstance(raw_debts[index], dict) else {}
        for question in DEBT_QUESTIONS:
            if question.attribute in given or question.id == "product":
                answers[(question.id, index)] = _code(getattr(debt, question.attribute))
        if index < len(situation.debts) - 1:
            answers[("more_debts", index)] = True
    person_keys = set(raw) - {"debts", "schema_version"}
    if situation.debts and person_keys:
        answers[("more_debts", len(situation.debts) - 1)] = False
    collection: dict = raw["collection"] if isinstance(raw.get("collection"), dict) else {}
    for question in PERSON_QUESTIONS:
        if question.fills:
            present = [name for name in question.fills if name in raw]
            if len(present) == len(question.fills) and all(getattr(situation, n) is False for n in present):
                answers[(question.id, None)] = False
            elif present:
                answers[(question.id, None)] = True
            continue
        if question.field.startswith("collection."):
            if question.attribute in collection:
                answers[(question.id, None)] = getattr(situation.collection, question.attribute)
        elif question.field in raw:
            value = getattr(situation, question.field)
            answers[(question.id, None)] = [_code(v) for v in value] if isinstance(value, list) else _code(value)
    return answers


# --- reading answers ---------------------------------------------------------------------


class Invalid(ValueError):
    """An answer that does not fit; `key` names the hint text in the catalog.
    `understood`: the answer was read (a number) but is out of range, so the message
    names the range instead of saying it was not understood."""

    def __init__(self, key: str, understood: bool = False, **values):
        super().__init__(key)
        self.key = key
        self.understood = understood
        self.values = values


def out_of_range(count: int) -> Invalid:
    """A choice among `count` numbered items, answered with a number outside 1–count."""
    return Invalid("out_of_range_choice", understood=True, n=count)


def choice_position(word: str, count: int) -> int | None:
    """The 1-based item a (normalised) answer names among `count` numbered ones: digits or
    Chinese numerals (三); `out_of_range()` for a number outside 1–count; None when the
    answer is not a number."""
    for candidate in dict.fromkeys((word, with_arabic_numerals(word))):
        number = whole_number(candidate)
        if number is not None:
            if choice_number(candidate, count) is None:
                raise out_of_range(count)
            return number
    return None


_TRAILING = re.compile(r"[\s。.!！~～]+$")
_APPROX = re.compile(r"^(大概|大约|约|差不多|左右|about|around|approx\.?|~)\s*")
# [0-9], not \d: "፩" or "٣" are digits to \d but not to the number parser (advisor.numbers).
_INT = re.compile(r"^(-?[0-9]+)\s*(天|日|个月|個月|月|次|分|days?|months?|times?|points?)?\s*(左右)?$")
_NUMBER = re.compile(r"^(-?[0-9]+(?:\.[0-9]+)?)\s*(千|k|万|w)?\s*(元|块|块钱|yuan|rmb|cny)?\s*(左右)?$")
_MULTIPLIER = {"千": 1_000, "k": 1_000, "万": 10_000, "w": 10_000}
_SPLIT = re.compile(r"[\s,，、;；/]+")


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip().lower()
    return _TRAILING.sub("", text)


@cache
def words(kind: str) -> frozenset[str]:
    """The accepted words of one kind ("yes", "no", "dont_know", "why", "back", "none"),
    from the catalogs of every language: a Chinese answer works in the English interview."""
    found: set[str] = set()
    for language in LANGUAGES:
        found.update(normalize(w) for w in catalog(language).lookup("interview", "words", kind))
    return frozenset(found)


def is_why(text: str) -> bool:
    return normalize(text) in words("why")


def is_back(text: str) -> bool:
    return normalize(text) in words("back")


def option_label(question: Question, code: str, lang: str) -> str:
    return catalog(lang).template("interview", "q", question.id, "options", code)


def _option_by_word(question: Question, word: str) -> str | None:
    for code in question.options:
        names = {normalize(code), normalize(code.replace("_", " "))}
        names.update(normalize(option_label(question, code, language)) for language in LANGUAGES)
        if word in names:
            return code
    return None


def parse(question: Question, text: str) -> Any:
    """The answer's value, or `Invalid` with the hint to show."""
    word = normalize(text)
    dont_know = word in words("dont_know")
    if question.kind == TEXT:
        if dont_know:
            return None
        try:  # the model's own cleaning: control and bidi characters go, the length is checked
            return Debt.model_validate({"product": "other", "label": text}).label
        except ValidationError:
            raise Invalid("hint_text_long", limit=MAX_LABEL_CHARS) from None
    if dont_know:
        if question.dont_know_option:
            return question.dont_know_option
        if question.nullable:
            return None
        raise Invalid("hint_no_dont_know")
    if not word:
        if question.kind == MULTI:
            return []
        raise Invalid("hint_empty")
    if question.kind == YESNO:
        if word in words("yes"):
            return True
        if word in words("no"):
            return False
        raise Invalid("hint_yesno_null" if question.nullable else "hint_yesno")
    if question.kind == CHOICE:
        code = _option_by_word(question, word)
        if code is None:
            position = choice_position(word, len(question.options))
            if position is not None:
                return question.options[position - 1]
        if code is None and word in words("yes"):
            code = question.yes_option or ("yes" if "yes" in question.options else None)
        if code is None and word in words("no"):
            code = question.no_option or ("no" if "no" in question.options else None)
        if code is None:
            raise Invalid("hint_choice", n=len(question.options))
        return code
    if question.kind == MULTI:
        if word in words("none") or word == "0":
            return []
        chosen: list[str] = []
        for token in filter(None, _SPLIT.split(word)):
            code = _option_by_word(question, token)
            if code is None:
                try:
                    position = choice_position(token, len(question.options))
                except Invalid:
                    raise Invalid("out_of_range_multi", understood=True, n=len(question.options)) from None
                code = question.options[position - 1] if position is not None else None
            if code is None:
                raise Invalid("hint_multi", n=len(question.options))
            if code not in chosen:
                chosen.append(code)
        return [code for code in question.options if code in chosen]
    # Chinese numerals read as digits: 四十天, 一万二, 两千五百 (advisor.numbers).
    word = with_arabic_numerals(_APPROX.sub("", word).replace(",", "").replace(",", ""))
    value: float
    if question.kind == INTEGER:
        match = _INT.match(word)
        whole = whole_number(match.group(1).lstrip("-")) if match else None
        if match and whole is not None and match.group(1).startswith("-"):
            whole = -whole  # understood, and below the minimum
        if whole is None:
            raise Invalid("hint_integer", minimum=int(question.minimum or 0), maximum=int(question.maximum or 0))
        value = whole
    else:
        match = _NUMBER.match(word)
        number = decimal_number(match.group(1).lstrip("-")) if match else None
        if match is None or number is None:
            raise Invalid("hint_number")
        if match.group(1).startswith("-"):
            number = -number
        value = number * _MULTIPLIER.get(match.group(2) or "", 1)
    if (question.minimum is not None and value < question.minimum) or (
        question.maximum is not None and value > question.maximum
    ):
        raise Invalid(
            "out_of_range_number", understood=True, minimum=_plain(question.minimum), maximum=_plain(question.maximum)
        )
    return value


def _plain(number) -> str:
    if number is None:
        return ""
    return f"{int(number):,}" if float(number).is_integer() else str(number)


def format_value(question: Question, value: Any, lang: str) -> str:
    """An answer in words, for the review screen and HOW."""
    text = catalog(lang)
    if value is None:
        return (
            text.template("interview", "value_none")
            if question.kind == TEXT
            else text.template("interview", "value_dont_know")
        )
    if question.kind == YESNO:
        return text.template("interview", "value_yes") if value else text.template("interview", "value_no")
    if question.kind == CHOICE:
        return option_label(question, value, lang)
    if question.kind == MULTI:
        if not value:
            return text.template("interview", "value_empty_list")
        return text.template("interview", "list_join").join(option_label(question, v, lang) for v in value)
    if question.kind == NUMBER:
        return _plain(value)
    return str(value)
