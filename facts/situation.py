"""The Situation a tool or the interview hands in: strict, immutable, `null` = don't know."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictInt, field_validator

from advisor.texts.sanitise import clean

from .enums import (
    ALWAYS_LICENSED,
    Hardship,
    LegalStage,
    Lender,
    Negotiation,
    Plan,
    Product,
    RepaymentCapacity,
    Reported,
)
from .parameters import first_day

SCHEMA_VERSION: Literal[2] = 2  # what we write; version 1 is still read, with the same results
SCHEMA_VERSIONS = (1, 2)
# The knowledge applies from the credit-reporting regulation's first day (see
# parameters.first_day): advice for an earlier day would rest on numbers that did not exist.
FIRST_DAY = first_day()
LAST_DAY = date(2099, 12, 31)
MAX_PERCENT = 100_000.0  # an annual cost of 1000x: beyond any real loan, still a number
MAX_DEBTS = 100
MAX_LABEL_CHARS = 60
MAX_DAYS = 36_500  # a century: anything beyond is a typo, not a debt
MAX_MONTHS = 1_200
MAX_AMOUNT_CNY = 1_000_000_000_000
MAX_INQUIRIES = 1_000

# Bools and ints must arrive as JSON booleans and numbers: "45" or 1-for-true is a
# wrong type, not something to guess at.  Enums accept their code strings.
Days = Annotated[StrictInt, Field(ge=0, le=MAX_DAYS)]
Months = Annotated[StrictInt, Field(ge=0, le=MAX_MONTHS)]
Amount = Annotated[float, Field(ge=0, le=MAX_AMOUNT_CNY, allow_inf_nan=False, strict=True)]
Percent = Annotated[float, Field(ge=0, le=MAX_PERCENT, allow_inf_nan=False, strict=True)]
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_day(value: object) -> object:
    # Only a calendar day written YYYY-MM-DD (or a date from Python): pydantic's lax
    # dates would also take a Unix timestamp or a datetime, which a person never means.
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError("not a real calendar day (YYYY-MM-DD)") from None
    raise ValueError("a date written YYYY-MM-DD")


Day = Annotated[date, BeforeValidator(_iso_day), Field(ge=FIRST_DAY, le=LAST_DAY)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class Debt(_Strict):
    """One debt, as the person knows it."""

    label: str | None = Field(default=None, description="the person's own name for the debt")
    product: Product
    lender: Lender = Field(default=Lender.unknown, validate_default=True)
    overdue_days: Days = Field(default=0, description="days past due of the current or last overdue episode")
    reported: Reported = Reported.unknown
    settled: StrictBool = False
    months_since_settled: Months | None = None
    negotiation: Negotiation = Negotiation.none
    amount_cny: Amount | None = None
    overdue_amount_cny: Amount | None = Field(
        default=None, description="the amount overdue now (or, once settled, at its highest); policy thresholds use it"
    )
    principal_received_cny: Amount | None = Field(default=None, description="the money actually received")
    annual_cost_percent: Percent | None = Field(default=None, description="annual cost, all interest and fees")
    legal_stage: LegalStage | None = None

    @field_validator("label")
    @classmethod
    def _clean_label(cls, value: str | None) -> str | None:
        # Labels are echoed to terminals and reports: control and bidi characters
        # could rewrite the screen, so they go; the rest (any script, emoji) stays.
        if value is None:
            return None
        # The one sanitiser (advisor.texts.sanitise): control, format (bidi, zero-width,
        # invisible), separator and tag characters go; the emoji joiners U+200C/U+200D stay.
        cleaned = clean(unicodedata.normalize("NFC", value)).strip()
        if len(cleaned) > MAX_LABEL_CHARS:
            raise ValueError(f"at most {MAX_LABEL_CHARS} characters")
        return cleaned or None

    @field_validator("lender")
    @classmethod
    def _always_licensed(cls, value: Lender, info) -> Lender:
        if info.data.get("product") in ALWAYS_LICENSED:
            return Lender.licensed
        return value

    @property
    def licensed(self) -> bool:
        return self.lender is Lender.licensed

    @property
    def overdue(self) -> bool:
        return self.overdue_days > 0

    @property
    def active_overdue(self) -> bool:
        return self.overdue_days > 0 and not self.settled


class Collection(_Strict):
    """What debt collection has done so far (null = don't know)."""

    contacts_harassed: StrictBool | None = None
    threatened_or_insulted: StrictBool | None = None
    contacted_on_wechat: StrictBool | None = None
    impersonated_authority: StrictBool | None = None
    night_calls: StrictBool | None = None
    visited_home_or_work: StrictBool | None = None


class Situation(_Strict):
    """A person's situation: the input of `advise()`."""

    schema_version: Literal[1, 2] = SCHEMA_VERSION
    as_of: Day | None = Field(default=None, description="the day the advice is for; null = today")
    debts: list[Debt] = Field(max_length=MAX_DEBTS)
    zhima_score: Annotated[StrictInt, Field(ge=350, le=950)] | None = None
    credit_inquiries_6m: Annotated[StrictInt, Field(ge=0, le=MAX_INQUIRIES)] | None = None
    hardship: Hardship | None = None
    hardship_proof: StrictBool | None = None
    employer_links_credit: StrictBool | None = None
    uses_dingtalk_finance: StrictBool | None = None
    dingtalk_alipay_credit_authorized: StrictBool | None = None
    enterprise_owner: StrictBool | None = None
    collection: Collection = Field(default_factory=Collection)
    plans: list[Plan] = Field(default_factory=list, max_length=len(Plan))
    repayment_capacity: RepaymentCapacity | None = None
    credit_repair_offer: StrictBool | None = None

    @field_validator("plans")
    @classmethod
    def _unique_plans(cls, value: list[Plan]) -> list[Plan]:
        # Order does not change the advice, so a canonical order keeps output stable.
        return sorted(set(value), key=list(Plan).index)

    @field_validator("collection", mode="before")
    @classmethod
    def _null_collection(cls, value):
        return {} if value is None else value

    @field_validator("plans", mode="before")
    @classmethod
    def _null_plans(cls, value):
        return [] if value is None else value


def uses_product(situation: Situation, products: frozenset[Product], plan: Plan) -> bool:
    """A product is the person's own when a debt is one of `products` or they plan `plan`
    (Huabei's: any Alipay micro-loan or a Huabei plan; Weilidai's: a Weilidai debt or plan)."""
    return plan in situation.plans or any(debt.product in products for debt in situation.debts)


def dated(situation: Situation, today: date | None = None) -> Situation:
    """The situation with `as_of` filled in.  With `run_day`, the one place the advisor
    reads the clock: everything the advice computes counts from `as_of`, so a recorded
    situation (or trace) with its day gives the same advice on any later day."""
    if situation.as_of is not None:
        return situation
    return situation.model_copy(update={"as_of": today or run_day()})


def run_day() -> date:
    """The day of this run: what `dated` fills in, and the day a command without a
    Situation works for (the `rules` listing's texts state the parameters of this day)."""
    return date.today()
