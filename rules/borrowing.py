"""Borrowing: new loans, cards and mortgages after an overdue or many applications."""

from credit_advisor.facts.enums import Likelihood, Topic
from credit_advisor.facts.experta_compat import MATCH, NOT, L
from credit_advisor.facts.kb import DebtFact, PlanFact

from .base import Conclusions
from .conditions import INQUIRY_LIKELIHOOD, alarming, capped_at_likely, many_inquiries, some_report, strong_report
from .registry import FALLBACK, cite, knowledge_rule

BR = Topic.borrowing


class BorrowingRules(Conclusions):
    @knowledge_rule(
        *strong_report(),
        DebtFact(debt=MATCH.debt, age=MATCH.age),
        id="borrowing.negative_record_raises_cost",
        knowledge=["C10", "C5", "C8"],
        sources=[
            cite("004", "影響個人在未來借款時的利率和額度"),
            cite("002", "可能会影响未来申请其他贷款、信用卡的成功率"),
            cite("000", "保持至少2年的良好信用记录"),
        ],
        concludes=["borrowing.approval_harder", "borrowing.higher_cost"],
    )
    def negative_record_raises_cost(self, debt, age):
        """A negative record means harder approval and dearer credit: likely, possible after two clean years."""
        weight = Likelihood.possible if age == "clean_2y" else Likelihood.likely
        self.conclude(BR, "approval_harder", weight, debt)
        self.conclude(BR, "higher_cost", weight, debt)

    @knowledge_rule(
        *some_report(likelihood="possible"),
        id="borrowing.possible_record_may_hurt",
        knowledge=["C10"],
        sources=[cite("004", "逾期記錄會導(dǎo)致信用評分下降")],
        concludes=["borrowing.approval_harder"],
    )
    def possible_record_may_hurt(self, debt, likelihood):
        """An overdue that may be on the report may make new credit harder to get."""
        self.conclude(BR, "approval_harder", Likelihood.possible, debt)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, open=True),
        id="borrowing.cross_platform_risk_control",
        knowledge=["C6"],
        sources=[cite("003", "这些信息也可能同步给其他平台"), cite("003", "从而触发风控系统的自动干预")],
        concludes=["borrowing.approval_harder"],
    )
    def cross_platform_risk_control(self, debt):
        """Platforms share overdue data (Baihang and others): other lenders' risk control may react."""
        self.conclude(BR, "approval_harder", Likelihood.possible, debt)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, negotiation="agreement_broken", lender=~L("unlicensed")),
        id="borrowing.broken_agreement_hurts_future",
        knowledge=["C5", "E7"],
        sources=[cite("002", "甚至影响到就业、租房等方面的信用评估"), cite("evidence", "二次违约")],
        concludes=["borrowing.approval_harder"],
    )
    def broken_agreement_hurts_future(self, debt):
        """A broken agreement hurts later loans and cards, even jobs and renting."""
        self.conclude(BR, "approval_harder", Likelihood.likely, debt)

    @knowledge_rule(
        many_inquiries(),
        id="borrowing.inquiries_make_approval_harder",
        knowledge=["C7", "E8"],
        sources=[cite("000", "就连申请记录都会影响信用评分"), cite("evidence", "半年内超过10次:大概率直接拒贷")],
        concludes=["borrowing.approval_harder"],
    )
    def inquiries_make_approval_harder(self, band):
        """Many applications in six months make every new approval harder."""
        self.conclude(BR, "approval_harder", INQUIRY_LIKELIHOOD[band])

    @knowledge_rule(
        PlanFact(plan="mortgage"),
        many_inquiries(),
        id="borrowing.mortgage_refused_for_inquiries",
        knowledge=["C7"],
        sources=[cite("000", "直接导致他房贷被拒"), cite("evidence", "10 approval inquiries led to a mortgage")],
        concludes=["borrowing.mortgage_rejection_risk"],
    )
    def mortgage_refused_for_inquiries(self, band):
        """Dense inquiry records can get a mortgage refused even with no overdue."""
        self.conclude(BR, "mortgage_rejection_risk", INQUIRY_LIKELIHOOD[band])

    @knowledge_rule(
        PlanFact(plan="mortgage"),
        *some_report(),
        id="borrowing.mortgage_checks_record",
        knowledge=["C5", "C10"],
        sources=[
            cite("002", "可能会影响未来申请其他贷款、信用卡的成功率"),
            cite("004", "影響個人在未來借款時的利率和額度"),
        ],
        concludes=["borrowing.mortgage_rejection_risk"],
    )
    def mortgage_checks_record(self, debt, likelihood):
        """A mortgage bank reads the report: a negative record puts the mortgage at risk."""
        self.conclude(BR, "mortgage_rejection_risk", capped_at_likely(likelihood), debt)

    @knowledge_rule(
        NOT(alarming(BR.value)),
        id="borrowing.unaffected",
        knowledge=["C3"],
        sources=[cite("002", "良好的还款记录有助于提升个人信用评分")],
        # Not in the conditions: a calm fallback rests on what its topic's conclusions read.
        reads=["debts.overdue_days", "credit_inquiries_6m"],
        concludes=["borrowing.unaffected"],
        salience=FALLBACK,
    )
    def borrowing_unaffected(self):
        """Nothing points to harder or dearer borrowing."""
        self.conclude(BR, "unaffected", Likelihood.likely)
