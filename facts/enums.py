"""The contract's codes as enums (see shared/spec/contract.md)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum


class Product(StrEnum):
    huabei = "huabei"
    jiebei = "jiebei"
    weilidai = "weilidai"
    online_loan = "online_loan"
    credit_card = "credit_card"
    bank_loan = "bank_loan"
    other = "other"


# Huabei, Jiebei, Weilidai, credit cards and bank loans come from banks or licensed
# institutions whatever the person says about the lender (contract, `lender`).
ALWAYS_LICENSED = frozenset({Product.huabei, Product.jiebei, Product.weilidai, Product.credit_card, Product.bank_loan})
# An overdue on any Alipay micro-loan shows on the Huabei page (evidence §3, E3).
ALIPAY_MICRO_LOANS = frozenset({Product.huabei, Product.jiebei})


class Lender(StrEnum):
    licensed = "licensed"
    unlicensed = "unlicensed"
    unknown = "unknown"


class Reported(StrEnum):
    yes = "yes"
    no = "no"
    unknown = "unknown"


class Negotiation(StrEnum):
    none = "none"
    in_progress = "in_progress"
    agreement_honored = "agreement_honored"
    agreement_broken = "agreement_broken"


class Hardship(StrEnum):
    none = "none"
    illness = "illness"
    pandemic = "pandemic"
    job_loss = "job_loss"
    other = "other"


class LegalStage(StrEnum):
    """How far the lender has gone towards court (contract version 2)."""

    none = "none"
    threatened = "threatened"
    summons = "summons"
    judgment = "judgment"
    enforcement = "enforcement"


class RepaymentCapacity(StrEnum):
    """What the person can pay now of what is overdue (contract version 2)."""

    full = "full"
    partial = "partial"
    none = "none"


class RecordStatus(StrEnum):
    """How one debt's overdue stands on the credit report (contract v2 `record_status`).
    The rules conclude all but `none`, which the timeline gives a debt with no record."""

    none = "none"
    hidden_by_repair = "hidden_by_repair"
    visible_while_unpaid = "visible_while_unpaid"
    visible_until = "visible_until"
    aged_off = "aged_off"
    unknown = "unknown"


class RepairStatus(StrEnum):
    """How the one-time credit repair stands for one debt, as the rules concluded it."""

    hidden = "hidden"
    may_apply = "may_apply"
    still_shown = "still_shown"
    repay_by_deadline = "repay_by_deadline"
    not_covered_amount = "not_covered_amount"
    not_covered_period = "not_covered_period"
    repaid_after_deadline = "repaid_after_deadline"
    not_repaid_by_deadline = "not_repaid_by_deadline"


class Plan(StrEnum):
    weilidai = "weilidai"
    huabei = "huabei"
    mortgage = "mortgage"
    credit_card = "credit_card"
    bank_loan = "bank_loan"
    online_loan = "online_loan"


class Topic(StrEnum):
    huabei = "huabei"
    weilidai = "weilidai"
    wechat = "wechat"
    dingtalk = "dingtalk"
    credit_report = "credit_report"
    borrowing = "borrowing"
    collection = "collection"


class Likelihood(StrEnum):
    """How likely a conclusion is, declared strongest first: this declaration is the one
    order of likelihoods in the project (`strength`, `STRENGTH`, `down_to`, `strongest`
    all derive from it)."""

    certain = "certain"
    likely = "likely"
    possible = "possible"
    unlikely = "unlikely"

    @property
    def strength(self) -> int:
        """Higher is stronger: `unlikely` is 1, each level above adds 1."""
        return STRENGTH[self]

    def at_least(self, weakest: str) -> bool:
        """This likelihood is `weakest` or stronger."""
        return STRENGTH[self] >= STRENGTH[weakest]

    @classmethod
    def of_strength(cls, strength: int) -> Likelihood:
        return _OF_STRENGTH[strength]

    @classmethod
    def down_to(cls, weakest: str) -> tuple[Likelihood, ...]:
        """The likelihoods from `certain` down to `weakest`, strongest first."""
        return tuple(item for item in cls if item.at_least(weakest))

    @classmethod
    def strongest(cls, likelihoods: Iterable[str]) -> Likelihood:
        """The strongest of `likelihoods` (codes or members); ValueError when empty."""
        return _OF_STRENGTH[max(STRENGTH[item] for item in likelihoods)]


# A likelihood's strength from its place in the declaration (last = 1), keyed by code: a
# member looks up as its code (a StrEnum hashes and compares as its value), and the
# plain strings that experta facts and JSON carry keep the dict's fast string lookup.
STRENGTH: Mapping[str, int] = {item.value: len(Likelihood) - place for place, item in enumerate(Likelihood)}
_OF_STRENGTH = {strength: Likelihood(code) for code, strength in STRENGTH.items()}

# Effect codes per topic; the first listed code of each topic is its calm code.
EFFECT_CODES: dict[Topic, tuple[str, ...]] = {
    Topic.huabei: ("unaffected", "limit_reduced", "suspended"),
    Topic.weilidai: ("unaffected", "limit_reduced", "application_rejected", "extra_review"),
    Topic.wechat: ("basic_unaffected", "credit_services_limited", "social_collection_risk", "balance_freeze_risk"),
    Topic.dingtalk: (
        "platform_unaffected",
        "employer_rule_restriction",
        "third_party_credit_check",
        "enterprise_credit_required",
    ),
    Topic.credit_report: ("no_negative_record", "negative_record", "inquiry_overload", "hidden_by_repair"),
    Topic.borrowing: ("unaffected", "approval_harder", "mortgage_rejection_risk", "higher_cost"),
    Topic.collection: (
        "none",
        "penalty_fees",
        "lawsuit_risk",
        "illegal_collection",
        "court_enforcement",
        "dishonest_list_risk",
        "excess_charges_not_owed",
        "criminal_collection",
    ),
}
CALM_CODES = {topic: codes[0] for topic, codes in EFFECT_CODES.items()}
# Good news beside a topic's calm code: a record the one-time repair hides; charges the
# person need not pay (砍头息, cost above the lawful line).
GOOD_NEWS_CODES: dict[Topic, tuple[str, ...]] = {
    Topic.credit_report: ("hidden_by_repair",),
    Topic.collection: ("excess_charges_not_owed",),
}
# Codes that are no harm: each topic's calm code, and its good news.  They never block a
# calm fallback and weigh nothing in what-if.
HARMLESS_CODES: dict[Topic, frozenset[str]] = {
    topic: frozenset({calm, *GOOD_NEWS_CODES.get(topic, ())}) for topic, calm in CALM_CODES.items()
}

ACTION_CODES: tuple[str, ...] = (
    "settle_overdue",
    "negotiate_repayment",
    "honor_agreement",
    "non_malicious_proof",
    "credit_dispute",
    "check_credit_report",
    "check_huabei_notice",
    "contact_alipay_support",
    "rebuild_record",
    "space_applications",
    "payment_reminders",
    "talk_to_hr",
    "verify_debt",
    "keep_evidence",
    "refuse_illegal_collection",
    "check_platform_license",
    "seek_legal_help",
    "monitor_zhima",
    # contract version 2
    "report_to_police",
    "complain_to_regulator",
    "respond_to_court",
    "pay_lawful_amount_only",
    "avoid_credit_repair_scams",
    "stop_borrowing_to_repay",
    "request_card_installment",
)
