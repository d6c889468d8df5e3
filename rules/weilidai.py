"""Weilidai (微粒贷): run by WeBank, it sees other debts only through the PBOC report."""

from credit_advisor.facts.enums import Likelihood, Topic
from credit_advisor.facts.experta_compat import MATCH, NOT, L
from credit_advisor.facts.kb import DebtFact, OnReport, PersonFact

from .base import Conclusions
from .conditions import (
    INQUIRY_LIKELIHOOD,
    OVERDUE,
    STILL_VISIBLE,
    STRONG,
    alarming,
    many_inquiries,
    not_hidden_by_repair,
    strong_report,
)
from .registry import FALLBACK, cite, knowledge_rule

WL = Topic.weilidai
# W4: the article's comments disagree on whether a reported Huabei overdue ends Weilidai borrowing.
REFUSAL_DISPUTED = {
    "weilidai.application_rejected": [
        cite("001", "那么微粒贷就无法借钱"),
        cite("001", "但并不意味着会完全借不出钱"),
    ]
}


class WeilidaiRules(Conclusions):
    @knowledge_rule(
        DebtFact(debt=MATCH.debt, product="weilidai", open=True),
        id="weilidai.own_overdue_blocks_borrowing",
        knowledge=["W1"],
        sources=[cite("evidence", "比如无法再借微粒贷"), cite("001", "任何负面信息都有可能增加借款难度")],
        concludes=["weilidai.application_rejected", "weilidai.limit_reduced"],
    )
    def own_overdue_blocks_borrowing(self, debt):
        """An unpaid Weilidai overdue likely blocks new Weilidai borrowing."""
        self.conclude(WL, "application_rejected", Likelihood.likely, debt)
        self.conclude(WL, "limit_reduced", Likelihood.likely, debt)

    @knowledge_rule(
        *strong_report(),
        id="weilidai.report_checked_on_application",
        knowledge=["W1", "W2", "E1"],
        sources=[
            cite("evidence", "微粒贷每次申请都会查征信"),
            cite("001", "请求客户提供更多的补充材料或直接拒绝借款请求"),
            cite("001", "一票否决"),
        ],
        concludes=["weilidai.extra_review", "weilidai.limit_reduced"],
    )
    def report_checked_on_application(self, debt):
        """Weilidai reads the PBOC report on every application: a reported overdue means extra review."""
        self.conclude(WL, "extra_review", Likelihood.likely, debt)
        self.conclude(WL, "limit_reduced", Likelihood.possible, debt)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, age=STILL_VISIBLE),
        OnReport(debt=MATCH.debt, likelihood="possible"),
        not_hidden_by_repair(),
        id="weilidai.possible_record_extra_review",
        knowledge=["W2"],
        sources=[cite("001", "系统会自动调取其信用数据")],
        concludes=["weilidai.extra_review"],
    )
    def possible_record_extra_review(self, debt):
        """An overdue that may be on the report may bring a request for more documents."""
        self.conclude(WL, "extra_review", Likelihood.possible, debt)

    @knowledge_rule(
        *strong_report(),
        # "Otherwise good record": at most this one debt was ever overdue.  The article's
        # "high Zhima score" is left out: Weilidai (WeBank) does not read Zhima (E1).
        PersonFact(overdue_debts=L("none") | L("one")),
        id="weilidai.good_record_not_a_veto",
        knowledge=["W3", "W4", "E1"],
        sources=[cite("001", "也不一定会完全失去微粒贷的借款资格"), cite("evidence", "微粒贷每次申请都会查征信")],
        concludes=["weilidai.application_rejected", "weilidai.limit_reduced"],
        conflicts=REFUSAL_DISPUTED,
    )
    def good_record_not_a_veto(self, debt):
        """With an otherwise clean record, one reported overdue need not end eligibility: refusal is possible, not sure."""
        self.conclude(WL, "application_rejected", Likelihood.possible, debt)
        self.conclude(WL, "limit_reduced", Likelihood.possible, debt)

    @knowledge_rule(
        *strong_report(),
        PersonFact(overdue_debts="many"),
        id="weilidai.several_overdues_likely_refused",
        knowledge=["W1", "W4"],
        sources=[cite("001", "一票否决"), cite("001", "任何负面信息都有可能增加借款难度")],
        concludes=["weilidai.application_rejected"],
        conflicts=REFUSAL_DISPUTED,
    )
    def several_overdues_likely_refused(self, debt):
        """A reported overdue next to other overdues: a Weilidai refusal becomes likely."""
        self.conclude(WL, "application_rejected", Likelihood.likely, debt)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, band=OVERDUE, lender=~L("unlicensed"), reported=~L("no"), age=STILL_VISIBLE),
        id="weilidai.risk_control_changes_later",
        knowledge=["W5"],
        sources=[cite("001", "未来也可能因为花呗逾期而受到影响")],
        concludes=["weilidai.extra_review"],
    )
    def risk_control_changes_later(self, debt):
        """Even if borrowing works now, an overdue can weigh on a later review."""
        self.conclude(WL, "extra_review", Likelihood.possible, debt)

    @knowledge_rule(
        many_inquiries(),
        id="weilidai.inquiries_hurt_approval",
        knowledge=["C7", "E8"],
        sources=[cite("000", "征信花了影响微粒贷吗"), cite("evidence", "半年内超过10次:大概率直接拒贷")],
        concludes=["weilidai.application_rejected"],
    )
    def inquiries_hurt_approval(self, band):
        """Many recent inquiries make a Weilidai refusal more likely."""
        self.conclude(WL, "application_rejected", INQUIRY_LIKELIHOOD[band])

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, alipay=True, band=OVERDUE),
        NOT(OnReport(debt=MATCH.debt, likelihood=STRONG)),
        NOT(alarming(WL.value)),
        id="weilidai.huabei_overdue_only_via_report",
        knowledge=["W6", "E1"],
        sources=[
            cite("001", "都隶属于集团旗下的蚂蚁金服体系"),
            cite("evidence", "微粒贷的运营主体是深圳前海微众银行"),
            cite("evidence", "only through the PBOC credit report"),
        ],
        concludes=["weilidai.unaffected"],
        salience=FALLBACK,
    )
    def huabei_overdue_only_via_report(self, debt):
        """Weilidai is WeBank's, not Ant's: an unreported Huabei overdue does not reach it."""
        self.conclude(WL, "unaffected", Likelihood.likely, debt)

    @knowledge_rule(
        NOT(alarming(WL.value)),
        id="weilidai.unaffected",
        knowledge=["E1"],
        sources=[cite("evidence", "微粒贷由微众银行独立运营"), cite("evidence", "微粒贷每次申请都会查征信")],
        # Not in the conditions: a calm fallback rests on what its topic's conclusions read.
        reads=["debts.reported", "debts.overdue_days", "credit_inquiries_6m"],
        concludes=["weilidai.unaffected"],
        salience=FALLBACK,
    )
    def weilidai_unaffected(self):
        """Nothing Weilidai would see on the report points to a cut or refusal."""
        self.conclude(WL, "unaffected", Likelihood.likely)
