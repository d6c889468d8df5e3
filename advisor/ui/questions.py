"""The interview's question catalogue, docassemble style.

Each question declares the Situation field it fills (`debts[].overdue_days`,
`employer_links_credit`, …), its answer kind, whether "don't know" (null) is allowed —
exactly when the contract field may be null — and a relevance predicate over the
answers so far.  `walk()` turns the answers into the interview's plan: the relevant
questions in order, with the loop over debts.  The predicates follow the rule base: a
question is relevant only while some rule's conclusion can still depend on its answer
(tests check every skipped question against the engine).  Where a predicate needs to
know whether a debt is probably on the credit report, it asks the engine itself (the
`OnReport` findings of the credit-report rules) instead of restating that knowledge.

Answers are kept in a flat dict keyed by `(question id, debt index or None)`; a missing
key means "not answered yet", a `None` value means "don't know".  Texts live in
`advisor/texts/catalogs/<lang>/interview.toml`, never here.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from typing import Any

from pydantic import ValidationError

from advisor.texts.catalog import LANGUAGES, catalog
from credit_advisor.facts.bands import hardship_kind, settled_age
from credit_advisor.facts.enums import ALIPAY_MICRO_LOANS, Hardship, Lender, Negotiation, Plan, Product, Reported
from credit_advisor.facts.kb import OnReport
from credit_advisor.facts.parameters import parameters_on
from credit_advisor.facts.situation import MAX_DEBTS, MAX_LABEL_CHARS, Debt, Situation

Key = tuple[str, "int | None"]
Answers = dict[Key, Any]

# Answer kinds.
YESNO, CHOICE, INTEGER, NUMBER, TEXT, MULTI = "yesno", "choice", "integer", "number", "text", "multi"
STRONG = ("certain", "likely")
SOME = ("certain", "likely", "possible")
ALWAYS_LICENSED_CODES = frozenset(
    p.value for p in (Product.huabei, Product.jiebei, Product.weilidai, Product.credit_card, Product.bank_loan)
)
ALIPAY_CODES = frozenset(p.value for p in ALIPAY_MICRO_LOANS)
DINGTALK_FIELDS = (
    "employer_links_credit",
    "uses_dingtalk_finance",
    "dingtalk_alipay_credit_authorized",
    "enterprise_owner",
)


@dataclass(frozen=True)
class Question:
    """One question: the field it fills, how it is answered, and when it is asked."""

    id: str
    field: str  # the Situation field, e.g. "debts[].overdue_days"; "debts"/"debts[]" for the debt loop
    kind: str
    nullable: bool  # "don't know" allowed (answer null): exactly when the contract field may be null
    relevant: Callable[[Ctx], bool]
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


# --- what the predicates see -------------------------------------------------------------

_DEBT_DEFAULTS = {name: info.default for name, info in Debt.model_fields.items() if name != "product"}


def _code(value):
    return getattr(value, "value", value)


class Ctx:
    """The answers so far, as the relevance predicates see them: unanswered fields read as
    the Situation's defaults (0 days overdue, not settled, reported unknown, …)."""

    def __init__(self, answers: Answers, slots: list[Slot]):
        self.answers = answers
        self.slots = slots  # the plan so far (the walk's prefix)
        self.index: int | None = None

    def get(self, qid: str, index: int | None = None, default=None):
        key = (qid, index)
        if key in self.answers:
            return self.answers[key]
        return default

    def debt(self, name: str, index: int | None = None):
        index = self.index if index is None else index
        if name == "product":
            return self.get("product", index)
        return self.get(name, index, _code(_DEBT_DEFAULTS.get(name)))

    def debt_indices(self) -> list[int]:
        seen: list[int] = []
        for slot in self.slots:
            if slot.index is not None and slot.index not in seen and ("product", slot.index) in self.answers:
                seen.append(slot.index)
        return seen

    def overdue(self, index: int | None = None) -> bool:
        return (self.debt("overdue_days", index) or 0) > 0

    def any_overdue(self) -> bool:
        return any(self.overdue(i) for i in self.debt_indices())

    def findings(self) -> dict[int, str]:
        """The credit-report findings the rule base draws from the answers so far:
        debt index → the strongest likelihood that its overdue is on the PBOC report."""
        # The findings rules match debts only, so the person's answers stay out of the key.
        debts = situation_data(self.answers, self.slots)["debts"]
        return report_findings(json.dumps({"debts": debts}, ensure_ascii=False, sort_keys=True))

    def visible(self, index: int) -> bool:
        """The debt's record has not aged off (settled five years ago or more)."""
        months = self.debt("months_since_settled", index)
        return settled_age(bool(self.debt("settled", index)), months, parameters_on(date.today())) != "aged_off"

    def record(self, strengths=SOME) -> bool:
        """Some debt is, at least possibly, on the credit report (and still shown)."""
        return any(level in strengths and self.visible(i) for i, level in self.findings().items())


@lru_cache(maxsize=256)
def report_findings(situation_text: str) -> dict[int, str]:
    from advisor.engine.core import engine

    situation = Situation.model_validate_json(situation_text)
    best: dict[int, str] = {}
    order = ("unlikely", "possible", "likely", "certain")
    for firing in engine().consult(situation):
        for fact in firing.declared:
            if isinstance(fact, OnReport):
                debt, level = fact["debt"], fact["likelihood"]
                if debt not in best or order.index(level) > order.index(best[debt]):
                    best[debt] = level
    return best


# --- the predicates ----------------------------------------------------------------------


def always(ctx: Ctx) -> bool:
    return True


def has_debts(ctx: Ctx) -> bool:
    return ctx.get("has_debts") is True


def debt_overdue(ctx: Ctx) -> bool:
    return ctx.overdue()


def lender_matters(ctx: Ctx) -> bool:
    # Banks, credit cards, Huabei, Jiebei and Weilidai are licensed whatever is said; the
    # lender is read only by rules about overdue debts.
    return ctx.overdue() and ctx.debt("product") not in ALWAYS_LICENSED_CODES


def settled_matters(ctx: Ctx) -> bool:
    return ctx.overdue() and ctx.debt("settled") is True


def amount_matters(ctx: Ctx) -> bool:
    # Only the one-time repair policy reads the amount: a settled, still visible overdue
    # that may be on the report.
    index = ctx.index
    return settled_matters(ctx) and ctx.visible(index) and ctx.findings().get(index) in SOME


def any_overdue(ctx: Ctx) -> bool:
    return ctx.any_overdue()


def proof_matters(ctx: Ctx) -> bool:
    # Documents back a dispute of an overdue seen on the report when the cause is
    # objective (illness, pandemic), and a proof request when it is another cause.
    hardship = ctx.get("hardship")
    kind = hardship_kind(Hardship(hardship)) if hardship is not None else "unknown"
    if kind == "other":
        return ctx.any_overdue()
    seen = any(ctx.overdue(i) and ctx.debt("reported", i) == Reported.yes.value for i in ctx.debt_indices())
    return kind == "objective" and seen


def zhima_matters(ctx: Ctx) -> bool:
    # A low score triggers score monitoring unless an Alipay overdue already does; a high
    # score softens Weilidai's reaction to a record on the report.
    alipay_overdue = any(ctx.debt("product", i) in ALIPAY_CODES and ctx.overdue(i) for i in ctx.debt_indices())
    return not alipay_overdue or ctx.record(STRONG)


def plans_matter(ctx: Ctx) -> bool:
    # Mortgages react to a (possible) record or to many inquiries; any plan with a
    # record on the report brings the borrow-within-means advice.
    inquiries = ctx.get("credit_inquiries_6m")
    return ctx.record(SOME) or (inquiries is not None and inquiries > 5)


def uses_dingtalk(ctx: Ctx) -> bool:
    return ctx.get("uses_dingtalk") is True


def dingtalk_and_record(ctx: Ctx) -> bool:
    # The employer's rules and enterprise certification react only to a record.
    return uses_dingtalk(ctx) and ctx.record(SOME)


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


def _q(id, field, kind, nullable, relevant, **extra) -> Question:
    if kind in (INTEGER, NUMBER):
        extra.setdefault("minimum", _bounds(field)[0])
        extra.setdefault("maximum", _bounds(field)[1])
    return Question(id=id, field=field, kind=kind, nullable=nullable, relevant=relevant, **extra)


HAS_DEBTS = _q("has_debts", "debts", YESNO, False, always)
MORE_DEBTS = _q("more_debts", "debts[]", YESNO, False, another_debt)

DEBT_QUESTIONS: tuple[Question, ...] = (
    _q("product", "debts[].product", CHOICE, False, always, options=_codes(Product)),
    _q("label", "debts[].label", TEXT, True, always, maximum=MAX_LABEL_CHARS),
    _q("overdue_days", "debts[].overdue_days", INTEGER, False, always, probes=(0, 10, 45, 120)),
    _q(
        "lender",
        "debts[].lender",
        CHOICE,
        False,
        lender_matters,
        options=_codes(Lender),
        dont_know_option=Lender.unknown.value,
        yes_option=Lender.licensed.value,
        no_option=Lender.unlicensed.value,
    ),
    _q("settled", "debts[].settled", YESNO, False, debt_overdue),
    _q("months_since_settled", "debts[].months_since_settled", INTEGER, True, settled_matters, probes=(2, 24, 70)),
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
    _q("overdue_amount_cny", "debts[].overdue_amount_cny", NUMBER, True, amount_matters, probes=(5000.0, 50000.0)),
)

PERSON_QUESTIONS: tuple[Question, ...] = (
    _q("hardship", "hardship", CHOICE, True, any_overdue, options=_codes(Hardship)),
    _q("hardship_proof", "hardship_proof", YESNO, True, proof_matters),
    _q("contacts_harassed", "collection.contacts_harassed", YESNO, True, any_overdue),
    _q("threatened_or_insulted", "collection.threatened_or_insulted", YESNO, True, any_overdue),
    _q("contacted_on_wechat", "collection.contacted_on_wechat", YESNO, True, any_overdue),
    _q("zhima_score", "zhima_score", INTEGER, True, zhima_matters, probes=(550, 650, 750)),
    _q("credit_inquiries_6m", "credit_inquiries_6m", INTEGER, True, always, probes=(2, 5, 8, 15)),
    _q("plans", "plans", MULTI, False, plans_matter, options=_codes(Plan), probes=((), ("mortgage",), ("weilidai",))),
    # The gate: DingTalk questions only for people who use DingTalk; "no" answers all four.
    _q("uses_dingtalk", "", YESNO, False, always, fills=DINGTALK_FIELDS),
    _q("employer_links_credit", "employer_links_credit", YESNO, True, dingtalk_and_record),
    _q("uses_dingtalk_finance", "uses_dingtalk_finance", YESNO, True, uses_dingtalk),
    _q("dingtalk_alipay_credit_authorized", "dingtalk_alipay_credit_authorized", YESNO, True, uses_dingtalk),
    _q("enterprise_owner", "enterprise_owner", YESNO, True, dingtalk_and_record),
)

QUESTIONS: dict[str, Question] = {q.id: q for q in (HAS_DEBTS, *DEBT_QUESTIONS, MORE_DEBTS, *PERSON_QUESTIONS)}
# Situation field (as the registry names it) → the question that fills it.
FIELD_QUESTIONS: dict[str, Question] = {
    q.field.replace("[]", ""): q for q in QUESTIONS.values() if q.field and not q.loop_control
}


# --- the plan ----------------------------------------------------------------------------


def walk(answers: Answers) -> list[Slot]:
    """The relevant questions, in order, given the answers so far.  Unanswered questions
    are assumed to keep their defaults, so the plan grows as answers come in; the debt
    loop goes on while "another debt?" was answered yes."""
    slots: list[Slot] = []
    ctx = Ctx(answers, slots)

    def visit(question: Question, index: int | None = None) -> None:
        ctx.index = index
        if question.relevant(ctx):
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
        if question.per_debt:
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
    raw_debts = raw.get("debts") if isinstance(raw.get("debts"), list) else []
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
    collection = raw.get("collection") if isinstance(raw.get("collection"), dict) else {}
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
    """An answer that does not fit; `key` names the hint text in the catalog."""

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key = key
        self.values = values


_TRAILING = re.compile(r"[\s。.!！~～]+$")
_APPROX = re.compile(r"^(大概|大约|约|差不多|左右|about|around|approx\.?|~)\s*")
_INT = re.compile(r"^(\d+)\s*(天|日|个月|個月|月|次|分|days?|months?|times?|points?)?\s*(左右)?$")
_NUMBER = re.compile(r"^(\d+(?:\.\d+)?)\s*(千|k|万|w)?\s*(元|块|块钱|yuan|rmb|cny)?\s*(左右)?$")
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
        found.update(normalize(w) for w in catalog(language).data["interview"]["words"][kind])
    return frozenset(found)


def is_why(text: str) -> bool:
    return normalize(text) in words("why")


def is_back(text: str) -> bool:
    return normalize(text) in words("back")


def option_label(question: Question, code: str, lang: str) -> str:
    return catalog(lang).data["interview"]["q"][question.id]["options"][code]


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
        if word.isdigit() and 1 <= int(word) <= len(question.options):
            return question.options[int(word) - 1]
        code = _option_by_word(question, word)
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
            if token.isdigit() and 1 <= int(token) <= len(question.options):
                code = question.options[int(token) - 1]
            else:
                code = _option_by_word(question, token)
            if code is None:
                raise Invalid("hint_multi", n=len(question.options))
            if code not in chosen:
                chosen.append(code)
        return [code for code in question.options if code in chosen]
    word = _APPROX.sub("", word).replace(",", "").replace(",", "")
    if question.kind == INTEGER:
        match = _INT.match(word)
        if not match:
            raise Invalid("hint_integer", minimum=int(question.minimum), maximum=int(question.maximum))
        value = int(match.group(1))
    else:
        match = _NUMBER.match(word)
        if not match:
            raise Invalid("hint_number")
        value = float(match.group(1)) * _MULTIPLIER.get(match.group(2) or "", 1)
    if (question.minimum is not None and value < question.minimum) or (
        question.maximum is not None and value > question.maximum
    ):
        raise Invalid("hint_range", minimum=_plain(question.minimum), maximum=_plain(question.maximum))
    return value


def _plain(number) -> str:
    if number is None:
        return ""
    return f"{int(number):,}" if float(number).is_integer() else str(number)


def format_value(question: Question, value: Any, lang: str) -> str:
    """An answer in words, for the review screen and HOW."""
    text = catalog(lang).data["interview"]
    if value is None:
        return text["value_none"] if question.kind == TEXT else text["value_dont_know"]
    if question.kind == YESNO:
        return text["value_yes"] if value else text["value_no"]
    if question.kind == CHOICE:
        return option_label(question, value, lang)
    if question.kind == MULTI:
        if not value:
            return text["value_empty_list"]
        return text["list_join"].join(option_label(question, v, lang) for v in value)
    if question.kind == NUMBER:
        return _plain(value)
    return str(value)
