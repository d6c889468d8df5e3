"""Collection and the law: fees, lawsuits, and collection that crosses the line."""

from credit_advisor.facts.enums import Likelihood, Topic
from credit_advisor.facts.experta_compat import MATCH, NOT, L
from credit_advisor.facts.kb import DebtFact

from .base import Conclusions
from .conditions import alarming, any_person_flag
from .registry import FALLBACK, cite, knowledge_rule

CO = Topic.collection
LAWSUIT = {"short": Likelihood.unlikely, "medium": Likelihood.possible, "long": Likelihood.likely}


class CollectionRules(Conclusions):
    @knowledge_rule(
        DebtFact(debt=MATCH.debt, open=True, product=~L("huabei")),
        id="collection.penalty_fees",
        knowledge=["L1"],
        sources=[cite("004", "逾期通常會產(chǎn)生罰息、滯納金等")],
        concludes=["collection.penalty_fees"],
    )
    def penalty_fees(self, debt):
        """An unpaid overdue runs up penalty interest and late fees."""
        self.conclude(CO, "penalty_fees", Likelihood.certain, debt)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, open=True, product="huabei"),
        id="collection.huabei_penalty_rate",
        knowledge=["H7", "L1"],
        sources=[
            cite("001", "花呗逾期不仅可能带来额外的罚息和费用"),
            cite("evidence", "逾期费用=逾期金额*逾期天数*0.05%"),
        ],
        concludes=["collection.penalty_fees"],
    )
    def huabei_penalty_rate(self, debt):
        """An unpaid Huabei overdue runs up a fee of about 0.05% of the overdue amount a day."""
        self.conclude(CO, "penalty_fees", Likelihood.certain, debt)

    @knowledge_rule(
        # A kept repayment agreement is the lender's own plan: no reason to sue meanwhile.
        DebtFact(debt=MATCH.debt, open=True, band=MATCH.band & ~L("none"), negotiation=~L("agreement_honored")),
        id="collection.lawsuit_risk_grows_with_time",
        knowledge=["L1", "E10"],
        sources=[
            cite("004", "甚至起訴借款人"),
            cite("evidence", "逾期30天内:平台内部催收为主,几乎不会起诉"),
            cite("evidence", "逾期超过90天,也就是三个月"),
        ],
        concludes=["collection.lawsuit_risk"],
    )
    def lawsuit_risk_grows_with_time(self, debt, band):
        """Lawsuits are rare within 30 days and a real risk past 90."""
        self.conclude(CO, "lawsuit_risk", LAWSUIT[band], debt)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, open=True, negotiation="agreement_broken"),
        id="collection.broken_agreement_full_balance",
        knowledge=["E7"],
        sources=[cite("evidence", "二次违约"), cite("002", "继续出现逾期还款的情况")],
        concludes=["collection.lawsuit_risk"],
    )
    def broken_agreement_full_balance(self, debt):
        """After a broken agreement the lender may demand the full balance and sue."""
        self.conclude(CO, "lawsuit_risk", Likelihood.possible, debt)

    @knowledge_rule(
        any_person_flag("threatened", "contacts_harassed"),
        id="collection.threats_are_illegal",
        knowledge=["L4", "L5"],
        sources=[
            cite("003", "任何形式的威胁、骚扰、辱骂都是违法行为"),
            cite("003", "禁止高利贷、暴力催收等违法行为"),
            cite("003", "《中华人民共和国消费者权益保护法》第二十六条"),
            cite("evidence", "禁止向债务无关的第三方透露债务人负债"),
        ],
        concludes=["collection.illegal_collection"],
    )
    def threats_are_illegal(self):
        """Threats, insults or harassing your contacts are illegal collection."""
        self.conclude(CO, "illegal_collection", Likelihood.certain)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, open=True, lender="unlicensed"),
        id="collection.unlicensed_platform_collection_risk",
        knowledge=["E9", "L4"],
        sources=[
            cite("evidence", "collection and social risks are higher"),
            cite("003", "禁止高利贷、暴力催收等违法行为"),
        ],
        concludes=["collection.illegal_collection"],
    )
    def unlicensed_platform_collection_risk(self, debt):
        """Unlicensed platforms are where illegal collection mostly comes from."""
        self.conclude(CO, "illegal_collection", Likelihood.possible, debt)

    @knowledge_rule(
        NOT(alarming(CO.value)),
        id="collection.none",
        knowledge=["L1"],
        sources=[cite("004", "逾期通常會產(chǎn)生罰息、滯納金等")],
        # Not in the conditions: a calm fallback rests on what its topic's conclusions read.
        reads=["debts.overdue_days", "debts.settled", "collection.threatened_or_insulted"],
        concludes=["collection.none"],
        salience=FALLBACK,
    )
    def collection_none(self):
        """No unpaid overdue and no collection problem: no fees, suits or collection."""
        self.conclude(CO, "none", Likelihood.likely)
