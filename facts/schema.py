"""The declared fact schema (CLIPS `deftemplate` style): every fact type the rules match,
its slots, each slot's allowed values and, for the input facts, the Situation fields
that feed the slot and how its value is computed from them.

Everything that needs to know the facts reads this table instead of restating it:
`facts.kb.situation_to_facts` builds the facts with it, a rule's `reads` are the fields
behind the slots its conditions test (`rules.reads`), why-not takes its slot domains and
slot → field map from it, the interview's relevance evaluates the rules over slots
computed from partial answers, and the catalog tests ask for words for every value.

Adding a slot is a change here only: a `Slot(...)` line in its template (its values, the
fields feeding it, its computation), then words for its values in
`advisor/texts/catalogs/<lang>/audit.toml` (`[audit.values.<Fact>.<slot>]`), which the
catalog tests demand.  Field names are the registry's (`debts.overdue_days`,
`collection.threatened_or_insulted`, `zhima_score`): on a per-debt fact `debts.X` is the
debt's own X; on the person's fact it is X of every debt.  A slot that depends on the
day the advice is for lists `as_of` among its fields: every computation receives the
Situation's `Day` (`as_of` and the dated parameters in force on it).  The fields must be
all a computation reads: `facts.kb` remembers computed slots by them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .bands import (
    cost_band,
    count_band,
    hardship_kind,
    inquiry_band,
    overdue_band,
    settled_age,
    upfront_interest,
    zhima_band,
)
from .enums import (
    ACTION_CODES,
    ALIPAY_MICRO_LOANS,
    EFFECT_CODES,
    LegalStage,
    Lender,
    Likelihood,
    Negotiation,
    Plan,
    Product,
    RecordStatus,
    RepairStatus,
    RepaymentCapacity,
    Reported,
    Topic,
)
from .parameters import Day, Value
from .policy_dates import overdue_size, repaid_band, repair_period
from .situation import uses_product

Values = Mapping[str, Value]
# How a slot's value is computed: from the source (a Debt, the Situation or a Plan) and
# the Situation's day: `as_of` and the dated parameters in force on it (`day.values`).
Compute = Callable[[Any, Day], Any]

BOOL: tuple[bool, ...] = (True, False)
TRI: tuple[bool | None, ...] = (True, False, None)
LIKELIHOODS = tuple(likelihood.value for likelihood in Likelihood)


def _codes(enum: Any) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


@dataclass(frozen=True)
class Slot:
    """One slot of a fact.

    `values`: every value it can hold (None: not a finite set, e.g. a debt index).
    `fields`: the Situation fields that feed it (input facts only).
    `compute`: its value from the source and the parameters (input facts only).
    `key`: it says which fact the pattern is about (debt index, topic, code), it is no
    condition on that fact.
    """

    name: str
    values: tuple | None = None
    fields: tuple[str, ...] = ()
    compute: Compute | None = None
    key: bool = False


@dataclass(frozen=True)
class Template:
    """A fact type: its class name in `facts.kb`, its slots, and where its facts come
    from: `debt` (one per debt), `person` (one), `plan` (one per plan), or `rule`
    (declared by rules: findings and conclusions)."""

    name: str
    source: str
    slots: tuple[Slot, ...]

    @property
    def input(self) -> bool:
        return self.source != "rule"

    def slot(self, name: str) -> Slot:
        return next(slot for slot in self.slots if slot.name == name)

    @property
    def computed(self) -> tuple[Slot, ...]:
        """The slots computed from the source, in declaration order."""
        return tuple(slot for slot in self.slots if slot.compute is not None)


def _overdue(debt: Any) -> bool:
    return debt.overdue_days > 0


DEBT = Template(
    "DebtFact",
    "debt",
    (
        Slot("debt", key=True),  # the debt's index in the Situation
        Slot("product", _codes(Product), ("debts.product",), lambda d, day: d.product.value),
        Slot("lender", _codes(Lender), ("debts.lender",), lambda d, day: d.lender.value),
        Slot(
            "band",
            ("none", "short", "medium", "long"),
            ("debts.overdue_days",),
            lambda d, day: overdue_band(d.overdue_days, day.values),
        ),
        Slot(
            "open", BOOL, ("debts.overdue_days", "debts.settled"), lambda d, day: d.overdue_days > 0 and not d.settled
        ),
        Slot("settled", BOOL, ("debts.settled",), lambda d, day: d.settled),
        Slot(
            "age",
            ("open", "unknown", "recent", "clean_6m", "clean_2y", "aged_off"),
            ("debts.settled", "debts.months_since_settled"),
            lambda d, day: settled_age(d.settled, d.months_since_settled, day.values),
        ),
        Slot("reported", _codes(Reported), ("debts.reported",), lambda d, day: d.reported.value),
        Slot("negotiation", _codes(Negotiation), ("debts.negotiation",), lambda d, day: d.negotiation.value),
        Slot("alipay", BOOL, ("debts.product",), lambda d, day: d.product in ALIPAY_MICRO_LOANS),
        # The one-time credit repair (K4): where the overdue's dates and amount fall
        # against the policy, on `as_of` (facts/policy_dates.py).
        Slot(
            "overdue_size",
            ("small", "large", "unknown"),
            ("debts.overdue_amount_cny",),
            lambda d, day: overdue_size(d.overdue_amount_cny, day.values),
        ),
        Slot(
            "repair_period",
            ("none", "in", "after", "before", "unknown"),
            ("debts.overdue_days", "debts.settled", "debts.months_since_settled", "as_of"),
            lambda d, day: repair_period(d.overdue_days, d.settled, d.months_since_settled, day.as_of, day.values),
        ),
        Slot(
            "repaid",
            ("none", "early", "by_deadline", "after_deadline", "not_yet", "too_late", "unknown"),
            ("debts.overdue_days", "debts.settled", "debts.months_since_settled", "as_of"),
            lambda d, day: repaid_band(d.settled, d.overdue_days, d.months_since_settled, day.as_of, day.values),
        ),
        # What the loan costs against the law (K8, K9): interest taken up front (砍头息),
        # and the annual cost against the platform-lending cost line in force on `as_of`.
        Slot(
            "upfront_interest",
            ("yes", "no", "unknown"),
            ("debts.principal_received_cny", "debts.amount_cny"),
            lambda d, day: upfront_interest(d.principal_received_cny, d.amount_cny),
        ),
        Slot(
            "cost",
            ("above_line", "within_line", "no_line", "unknown"),
            ("debts.annual_cost_percent", "as_of"),
            lambda d, day: cost_band(d.annual_cost_percent, day.values),
        ),
        # How far the lender has gone towards court (contract v2); null: not known.
        Slot(
            "stage",
            (*_codes(LegalStage), "unknown"),
            ("debts.legal_stage",),
            lambda d, day: d.legal_stage.value if d.legal_stage is not None else "unknown",
        ),
    ),
)

PERSON = Template(
    "PersonFact",
    "person",
    (
        Slot("debts", None, ("debts",), lambda s, day: len(s.debts)),
        Slot("overdue", BOOL, ("debts.overdue_days",), lambda s, day: any(map(_overdue, s.debts))),
        Slot(
            "overdue_debts",
            ("none", "one", "many"),
            ("debts.overdue_days",),
            lambda s, day: count_band(sum(map(_overdue, s.debts))),
        ),
        # Person-level summaries for person-level conclusions: a rule matching each debt
        # instead would fire once per debt to conclude one thing.
        Slot(
            "alipay_overdue",
            BOOL,
            ("debts.product", "debts.overdue_days"),
            lambda s, day: any(d.overdue_days > 0 and d.product in ALIPAY_MICRO_LOANS for d in s.debts),
        ),
        # Whether an Alipay credit product is part of the situation (a Huabei or Jiebei debt,
        # or Huabei planned): Alipay's own page and hotline are advice only for such a person.
        Slot(
            "alipay_credit",
            BOOL,
            ("debts.product", "plans"),
            lambda s, day: uses_product(s, ALIPAY_MICRO_LOANS, Plan.huabei),
        ),
        Slot("new_credit", BOOL, ("plans",), lambda s, day: bool(s.plans)),
        Slot(
            "zhima",
            ("low", "mid", "high", "unknown"),
            ("zhima_score",),
            lambda s, day: zhima_band(s.zhima_score, day.values),
        ),
        Slot(
            "inquiries",
            ("few", "some", "grey", "overload", "unknown"),
            ("credit_inquiries_6m",),
            lambda s, day: inquiry_band(s.credit_inquiries_6m, day.values),
        ),
        Slot(
            "hardship",
            ("objective", "other", "none", "unknown"),
            ("hardship",),
            lambda s, day: hardship_kind(s.hardship),
        ),
        Slot("proof", TRI, ("hardship_proof",), lambda s, day: s.hardship_proof),
        Slot("employer_links_credit", TRI, ("employer_links_credit",), lambda s, day: s.employer_links_credit),
        Slot("dingtalk_finance", TRI, ("uses_dingtalk_finance",), lambda s, day: s.uses_dingtalk_finance),
        Slot(
            "alipay_authorized",
            TRI,
            ("dingtalk_alipay_credit_authorized",),
            lambda s, day: s.dingtalk_alipay_credit_authorized,
        ),
        Slot("enterprise_owner", TRI, ("enterprise_owner",), lambda s, day: s.enterprise_owner),
        Slot(
            "contacts_harassed",
            TRI,
            ("collection.contacts_harassed",),
            lambda s, day: s.collection.contacts_harassed,
        ),
        Slot(
            "threatened",
            TRI,
            ("collection.threatened_or_insulted",),
            lambda s, day: s.collection.threatened_or_insulted,
        ),
        Slot(
            "wechat_contacted",
            TRI,
            ("collection.contacted_on_wechat",),
            lambda s, day: s.collection.contacted_on_wechat,
        ),
        # Collection conduct and scams (contract version 2; K5, K10, K11).
        Slot(
            "impersonated",
            TRI,
            ("collection.impersonated_authority",),
            lambda s, day: s.collection.impersonated_authority,
        ),
        Slot("night_calls", TRI, ("collection.night_calls",), lambda s, day: s.collection.night_calls),
        Slot("visited", TRI, ("collection.visited_home_or_work",), lambda s, day: s.collection.visited_home_or_work),
        Slot("repair_offer", TRI, ("credit_repair_offer",), lambda s, day: s.credit_repair_offer),
        # Whether a law the advice states is in force on `as_of` (its parameter has a value
        # that day): a rule that states it says nothing on earlier days.
        Slot("limitation_law", BOOL, ("as_of",), lambda s, day: "law.limitation_years" in day.values),
        Slot("dishonest_term_law", BOOL, ("as_of",), lambda s, day: "law.dishonest_list_years" in day.values),
        Slot("card_plan_law", BOOL, ("as_of",), lambda s, day: "law.card_installment_max_years" in day.values),
        # What the person can pay now of what is overdue (contract v2); null: not known.
        Slot(
            "capacity",
            (*_codes(RepaymentCapacity), "unknown"),
            ("repayment_capacity",),
            lambda s, day: s.repayment_capacity.value if s.repayment_capacity is not None else "unknown",
        ),
    ),
)

PLAN = Template("PlanFact", "plan", (Slot("plan", _codes(Plan), ("plans",), lambda p, day: p.value),))

EVERY_EFFECT_CODE = tuple(dict.fromkeys(code for codes in EFFECT_CODES.values() for code in codes))

ON_REPORT = Template(
    "OnReport",
    "rule",
    (Slot("debt", key=True), Slot("likelihood", LIKELIHOODS), Slot("rule", key=True)),
)
EFFECT = Template(
    "Effect",
    "rule",
    (
        Slot("topic", _codes(Topic), key=True),
        Slot("code", EVERY_EFFECT_CODE, key=True),
        Slot("likelihood", LIKELIHOODS),
        Slot("debt", key=True),  # -1: the person
        Slot("harmful", BOOL),
        Slot("alarming", BOOL),
        Slot("rule", key=True),
    ),
)
RECORD_STATUS = Template(
    "RecordStatus",
    "rule",
    (
        Slot("debt", key=True),
        Slot("status", tuple(s.value for s in RecordStatus if s is not RecordStatus.none)),
        Slot("rule", key=True),
    ),
)
REPAIR_STATUS = Template(
    "RepairStatus",
    "rule",
    (
        Slot("debt", key=True),
        Slot("status", tuple(s.value for s in RepairStatus)),
        Slot("rule", key=True),
    ),
)
ACTION = Template(
    "Action",
    "rule",
    (Slot("code", ACTION_CODES, key=True), Slot("rank"), Slot("debt", key=True), Slot("rule", key=True)),
)

TEMPLATES: dict[str, Template] = {
    t.name: t for t in (DEBT, PERSON, PLAN, ON_REPORT, RECORD_STATUS, REPAIR_STATUS, EFFECT, ACTION)
}
INPUT_FACTS: tuple[str, ...] = tuple(name for name, t in TEMPLATES.items() if t.input)


def slot_fields(fact: str, slot: str) -> tuple[str, ...]:
    """The Situation fields behind one slot (none for findings and conclusions)."""
    template = TEMPLATES.get(fact)
    if template is None:
        return ()
    found = next((s for s in template.slots if s.name == slot), None)
    return found.fields if found is not None else ()


__all__ = ["INPUT_FACTS", "TEMPLATES", "Slot", "Template", "slot_fields"]
