"""Collection and the law: fees, lawsuits, and collection that crosses the line."""

from credit_advisor.facts.enums import Likelihood, Topic
from credit_advisor.facts.experta_compat import MATCH, NOT, OR, L
from credit_advisor.facts.kb import DebtFact, PersonFact

from .base import Conclusions
from .conditions import BEFORE_COURT, COURT_STAGES, JUDGED, OVER_30_DAYS, alarming, any_person_flag
from .registry import FALLBACK, cite, knowledge_rule

CO = Topic.collection
LAWSUIT = {"short": Likelihood.unlikely, "medium": Likelihood.possible, "long": Likelihood.likely}
# After a judgment, enforcement follows unless the judgment is paid; once begun it is there.
ENFORCEMENT = {"judgment": Likelihood.likely, "enforcement": Likelihood.certain}


class CollectionRules(Conclusions):
    @knowledge_rule(
        DebtFact(debt=MATCH.debt, open=True),
        id="collection.penalty_fees",
        knowledge=["L1", "H7"],
        sources=[
            cite("004", "逾期通常會產(chǎn)生罰息、滯納金等"),
            cite("001", "花呗逾期不仅可能带来额外的罚息和费用"),
            cite("evidence", "逾期费用=逾期金额*逾期天数*0.05%"),
        ],
        concludes=["collection.penalty_fees"],
    )
    def penalty_fees(self, debt):
        """An unpaid overdue runs up penalty interest and late fees."""
        self.conclude(CO, "penalty_fees", Likelihood.certain, debt)

    @knowledge_rule(
        # A kept repayment agreement is the lender's own plan: no reason to sue meanwhile.
        # Past 30 days an unlicensed lender's debt is judged by its lender, not its age
        # (collection.unlicensed_lender_rarely_sues); the branches exclude each other.
        OR(
            DebtFact(
                debt=MATCH.debt,
                open=True,
                band=MATCH.band & ~L("none"),
                negotiation=~L("agreement_honored"),
                lender=~L("unlicensed"),
            ),
            DebtFact(
                debt=MATCH.debt,
                open=True,
                band=MATCH.band & L("short"),
                negotiation=~L("agreement_honored"),
                lender="unlicensed",
            ),
        ),
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


class CourtRules(Conclusions):
    """What happens by law once a lender goes to court, and what a threat of it means
    (issue 13: K6, K7; the lender's licence and the legal stage)."""

    @knowledge_rule(
        DebtFact(
            debt=MATCH.debt,
            open=True,
            band=OVER_30_DAYS,
            lender="unlicensed",
            negotiation=~L("agreement_honored"),
            stage=BEFORE_COURT,
        ),
        id="collection.unlicensed_lender_rarely_sues",
        knowledge=["L1", "E9"],
        sources=[
            cite("evidence-law", "超出部分不受法律保护"),
            cite("evidence-law", "应当按照实际借款数额返还借款并计算利息"),
            cite("evidence", "collection and social risks are higher"),
        ],
        concludes=["collection.lawsuit_risk"],
    )
    def unlicensed_lender_rarely_sues(self, debt):
        """An unlicensed lender rarely sues: a court would cut its debt to the lawful part."""
        self.conclude(CO, "lawsuit_risk", Likelihood.unlikely, debt)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, open=True, band=OVER_30_DAYS, stage="threatened", lender=~L("unlicensed")),
        id="collection.lawsuit_threat_often_bluff",
        knowledge=["L1", "E10"],
        sources=[
            cite("evidence-law", "禁止在公众场所张贴催收公告、律师函等文书"),
            cite("evidence", "逾期30天内:平台内部催收为主,几乎不会起诉"),
            cite("evidence", "Legally a creditor may sue any time"),
        ],
        concludes=["collection.lawsuit_risk"],
    )
    def lawsuit_threat_often_bluff(self, debt):
        """A threatened lawsuit or lawyer's letter is often a collection tactic; the overdue's age decides more."""
        self.conclude(CO, "lawsuit_risk", Likelihood.possible, debt)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, open=True, band=OVER_30_DAYS, stage=COURT_STAGES),
        id="collection.court_case_started",
        knowledge=["K6", "L1"],
        sources=[
            cite("evidence-law", "人民法院不得主动适用诉讼时效的规定。"),
            cite("evidence-law", "人民法院有权根据不同情形扣押、冻结、划拨、变价被执行人的财产。"),
        ],
        concludes=["collection.lawsuit_risk"],
    )
    def court_case_started(self, debt):
        """A summons, a judgment or enforcement: the lawsuit is no longer a risk but a fact."""
        self.conclude(CO, "lawsuit_risk", Likelihood.certain, debt)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, open=True, band=OVER_30_DAYS, stage=MATCH.stage & JUDGED),
        id="collection.judgment_leads_to_enforcement",
        knowledge=["K6"],
        sources=[
            cite("evidence-law", "人民法院有权根据不同情形扣押、冻结、划拨、变价被执行人的财产。"),
            cite("evidence-law", "北京市朝阳区人民法院对被执行人网络上的支付宝账户进行强制划扣"),
            cite("evidence-law", "人民法院可以限制其高消费。"),
        ],
        concludes=["collection.court_enforcement"],
    )
    def judgment_leads_to_enforcement(self, debt, stage):
        """After a judgment comes enforcement: frozen or deducted balances and a ban on high consumption."""
        self.conclude(CO, "court_enforcement", ENFORCEMENT[stage], debt)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, open=True, band=OVER_30_DAYS, stage=JUDGED),
        PersonFact(capacity=L("full") | L("partial"), dishonest_term_law=True),
        id="collection.dishonest_list_if_able_to_pay",
        knowledge=["K6"],
        sources=[
            cite("evidence-law", "(一)有履行能力而拒不履行生效法律文书确定义务的;"),
            cite("evidence-law", "纳入失信被执行人名单的期限为二年"),
        ],
        concludes=["collection.dishonest_list_risk"],
    )
    def dishonest_list_if_able_to_pay(self, debt):
        """Able to pay all or part after a judgment: refusing can bring a dishonest-debtor listing."""
        self.conclude(CO, "dishonest_list_risk", Likelihood.possible, debt)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, open=True, band=OVER_30_DAYS, stage=JUDGED),
        PersonFact(capacity="none"),
        id="collection.no_means_consumption_ban_only",
        knowledge=["K6"],
        sources=[
            cite("evidence-law", "法院仅能采取限制高消费措施,无法将其列入失信名单。"),
            cite("evidence-law", "(一)有履行能力而拒不履行生效法律文书确定义务的;"),
        ],
        concludes=["collection.dishonest_list_risk"],
    )
    def no_means_consumption_ban_only(self, debt):
        """With nothing to pay after a judgment: a consumption ban, not a dishonest-debtor listing."""
        self.conclude(CO, "dishonest_list_risk", Likelihood.unlikely, debt)

    @knowledge_rule(
        DebtFact(
            debt=MATCH.debt,
            open=True,
            band="long",
            lender=~L("unlicensed"),
            negotiation=~L("agreement_honored"),
            stage=BEFORE_COURT,
        ),
        PersonFact(limitation_law=True),
        id="collection.limitation_restarts_with_demands",
        knowledge=["K7"],
        sources=[
            cite("evidence-law", "向人民法院请求保护民事权利的诉讼时效期间为三年。"),
            cite("evidence-law", "（一）权利人向义务人提出履行请求；"),
            cite("evidence-law", "当事人一方以发送信件或者数据电文方式主张权利"),
            cite("evidence-law", "So for a debt under active collection"),
        ],
        concludes=["collection.lawsuit_risk"],
    )
    def limitation_restarts_with_demands(self, debt):
        """A long overdue being collected does not expire after 3 years: every demand restarts the period."""
        self.conclude(CO, "lawsuit_risk", Likelihood.likely, debt)
