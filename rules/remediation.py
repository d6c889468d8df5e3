"""Remediation: what to do. The order of the steps is declared once, in rules/ranks.py."""

from credit_advisor.facts.experta_compat import MATCH, OR, L
from credit_advisor.facts.kb import DebtFact, Effect, PersonFact

from .base import Conclusions
from .conditions import (
    COURT_STAGES,
    NOT_LICENSED,
    OVER_30_DAYS,
    OVERDUE,
    STILL_VISIBLE,
    STRONG,
    any_person_flag,
    record_kept_past_five_years,
    strong_report,
)
from .ranks import rank
from .registry import ACTION, cite, knowledge_rule

# Settle the over-90-day overdue first (R1): the band sets the rank of each debt.
SETTLE_STEP = {"long": "settle_long_overdue", "medium": "settle_medium_overdue", "short": "settle_short_overdue"}


class RemediationRules(Conclusions):
    @knowledge_rule(
        DebtFact(debt=MATCH.debt, open=True, band=MATCH.band & OVERDUE, negotiation=~L("agreement_honored")),
        id="remediation.settle_oldest_overdue_first",
        knowledge=["R1", "R10"],
        sources=[
            cite("000", "立即结清逾期欠款(优先处理90天以上的逾期)"),
            cite("001", "客户应该优先安排资金用于偿还花呗欠款"),
        ],
        concludes=["action.settle_overdue"],
        salience=ACTION,
    )
    def settle_oldest_overdue_first(self, debt, band):
        """Repay unpaid overdues now, those over 90 days first."""
        self.advise_action("settle_overdue", rank(SETTLE_STEP[band]), debt)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, open=True, negotiation=~L("agreement_honored")),
        id="remediation.ask_to_negotiate",
        knowledge=["R9", "E7"],
        sources=[
            cite("003", "可主动联系贷款平台协商分期还款或延期"),
            cite("001", "部分平台可能提供分期还款或减免利息的机会"),
            cite("evidence", "花唄不能夠協商還款"),
        ],
        concludes=["action.negotiate_repayment"],
        salience=ACTION,
    )
    def ask_to_negotiate(self, debt):
        """If you cannot repay at once, ask the lender for instalments or an extension (not guaranteed)."""
        self.advise_action("negotiate_repayment", rank("negotiate_repayment"), debt)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, settled=False, negotiation="agreement_honored"),
        id="remediation.keep_the_agreement",
        knowledge=["R9", "C4", "E7"],
        sources=[cite("002", "并且后续严格按照协议执行"), cite("002", "确保自己能够遵守协议")],
        concludes=["action.honor_agreement"],
        salience=ACTION,
    )
    def keep_the_agreement(self, debt):
        """Keep every instalment of the agreement: breaking it is a second default."""
        self.advise_action("honor_agreement", rank("honor_agreement"), debt)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, band=OVERDUE),
        PersonFact(hardship="objective"),
        id="remediation.non_malicious_proof",
        knowledge=["R2", "E6"],
        sources=[
            cite("000", "开具非恶意逾期证明(适用于因疫情、重疾等特殊原因)"),
            cite("evidence", "可作为辅助材料提升信贷审核通过率"),
        ],
        concludes=["action.non_malicious_proof"],
        salience=ACTION,
    )
    def non_malicious_proof(self, debt):
        """An overdue caused by illness or the pandemic: get a non-malicious-overdue proof."""
        self.advise_action("non_malicious_proof", rank("non_malicious_proof"), debt)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, band=OVERDUE),
        PersonFact(hardship="other", proof=True),
        id="remediation.proof_needs_objective_cause",
        knowledge=["E6"],
        sources=[cite("evidence", "银行通常直接驳回申请")],
        concludes=["action.non_malicious_proof"],
        salience=ACTION,
    )
    def proof_needs_objective_cause(self, debt):
        """Documented job loss or another cause may support a proof; the lender decides, and forgetting never does."""
        self.advise_action("non_malicious_proof", rank("non_malicious_proof_needs_cause"), debt)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, reported="yes", band=OVERDUE),
        PersonFact(hardship="objective", proof=True),
        id="remediation.dispute_with_hardship_proof",
        knowledge=["R3", "E6"],
        sources=[cite("000", "再通过人民银行提交异议申请"), cite("evidence", "异议是纠错,修复是造假")],
        concludes=["action.credit_dispute"],
        salience=ACTION,
    )
    def dispute_with_hardship_proof(self, debt):
        """With hardship proof and the lender's agreement, a dispute may correct the record."""
        self.advise_action("credit_dispute", rank("dispute_with_hardship_proof"), debt)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, reported="yes", band="none"),
        id="remediation.dispute_wrong_record",
        knowledge=["E6", "K1"],
        sources=[
            cite("evidence", "真实的不良信息没法删除,只能通过正常渠道异议更正"),
            cite("evidence-law", "有权向征信机构或者信息提供者提出异议，要求更正。"),
            cite("evidence-law", "自收到异议之日起20日内进行核查和处理，并将结果书面答复异议人。"),
        ],
        concludes=["action.credit_dispute"],
        salience=ACTION,
    )
    def dispute_wrong_record(self, debt):
        """An overdue on the report for a debt never overdue is an error: dispute it."""
        self.advise_action("credit_dispute", rank("dispute_wrong_record"), debt)

    @knowledge_rule(
        record_kept_past_five_years(),
        id="remediation.dispute_record_past_five_years",
        knowledge=["E4", "E6"],
        sources=[cite("evidence", "超过5年期限后从信用报告中删除"), cite("evidence", "异议是纠错,修复是造假")],
        concludes=["action.credit_dispute"],
        salience=ACTION,
    )
    def dispute_record_past_five_years(self, debt):
        """A record still shown five years after settlement is kept too long: dispute it."""
        self.advise_action("credit_dispute", rank("dispute_wrong_record"), debt)

    @knowledge_rule(
        Effect(topic="huabei", harmful=True, likelihood=STRONG, debt=MATCH.debt),
        id="remediation.read_huabei_notice",
        knowledge=["R4", "R5"],
        sources=[cite("003", "信用评估未通过”或“近期有不良记录"), cite("003", "可以拨打95188或通过支付宝App在线客服")],
        # Not in the conditions: read through the Huabei effect it reacts to.
        reads=["debts.product", "debts.overdue_days"],
        concludes=["action.check_huabei_notice", "action.contact_alipay_support"],
        salience=ACTION,
    )
    def read_huabei_notice(self, debt):
        """If Huabei is likely cut or stopped, read its page notice and ask Alipay support (95188)."""
        self.advise_action("check_huabei_notice", rank("check_huabei_notice"), debt)
        self.advise_action("contact_alipay_support", rank("contact_alipay_support"), debt)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, settled=True, band=OVERDUE, age=STILL_VISIBLE),
        id="remediation.rebuild_clean_record",
        knowledge=["R6", "C8"],
        sources=[cite("003", "持续6个月以上无负面记录,信用会有明显改善"), cite("000", "保持至少2年的良好信用记录")],
        concludes=["action.rebuild_record"],
        salience=ACTION,
    )
    def rebuild_clean_record(self, debt):
        """After repaying, six clean months bring a clear improvement; two years look good to lenders."""
        self.advise_action("rebuild_record", rank("rebuild_record"), debt)

    @knowledge_rule(
        PersonFact(inquiries=L("some") | L("grey") | L("overload")),
        id="remediation.space_applications",
        knowledge=["R7", "E8"],
        sources=[
            cite("000", "控制网贷申请频率(建议间隔3个月以上)"),
            cite("003", "近期尽量不要频繁申请新的贷款或信用卡"),
        ],
        concludes=["action.space_applications"],
        salience=ACTION,
    )
    def space_applications(self):
        """Several recent applications: stop applying and space them at least 3 months apart."""
        self.advise_action("space_applications", rank("space_applications"))

    @knowledge_rule(
        PersonFact(new_credit=True),
        *strong_report(),
        id="remediation.borrow_within_means",
        knowledge=["R11", "R7"],
        sources=[cite("004", "仔細閱讀貸款合同中的條款"), cite("004", "自身的經(jīng)濟狀況合理借款")],
        concludes=["action.space_applications"],
        salience=ACTION,
    )
    def borrow_within_means(self, debt):
        """Planning new credit with a negative record: wait, borrow within means, read the terms."""
        self.advise_action("space_applications", rank("borrow_within_means"), debt)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, band=OVERDUE),
        id="remediation.payment_reminders",
        knowledge=["R8"],
        sources=[cite("000", "设置还款日历提醒"), cite("000", "保留至少3天的到账缓冲期")],
        concludes=["action.payment_reminders"],
        salience=ACTION,
    )
    def payment_reminders(self, debt):
        """Someone who has been overdue sets reminders and autopay with a 3-day buffer."""
        self.advise_action("payment_reminders", rank("payment_reminders"), debt)

    @knowledge_rule(
        # A low score alone is no trouble to act on; it matters next to an overdue.  The
        # branches exclude each other, so the advice is concluded once.
        OR(PersonFact(alipay_overdue=True), PersonFact(alipay_overdue=False, zhima="low", overdue=True)),
        id="remediation.monitor_zhima",
        knowledge=["R10"],
        sources=[cite("001", "通过定期查看芝麻信用分的变化")],
        concludes=["action.monitor_zhima"],
        salience=ACTION,
    )
    def monitor_zhima(self):
        """After an Alipay overdue or with a low score, watch the Zhima score and plan spending."""
        self.advise_action("monitor_zhima", rank("monitor_zhima"))

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, open=True, lender=NOT_LICENSED),
        id="remediation.verify_debt",
        knowledge=["L2"],
        sources=[cite("003", "核对贷款合同、借款金额、利率及还款计划"), cite("003", "确保没有被套路贷或虚假平台欺骗")],
        concludes=["action.verify_debt"],
        salience=ACTION,
    )
    def verify_debt(self, debt):
        """Before paying a platform that may be irregular, check the contract, amount and rate."""
        self.advise_action("verify_debt", rank("verify_debt"), debt)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, lender=NOT_LICENSED, band=OVERDUE),
        id="remediation.check_platform_license",
        knowledge=["X5"],
        sources=[cite("004", "查看平臺的資質(zhì)、用戶評價")],
        concludes=["action.check_platform_license"],
        salience=ACTION,
    )
    def check_platform_license(self, debt):
        """Check whether the platform is licensed: it decides which risks apply."""
        self.advise_action("check_platform_license", rank("check_platform_license"), debt)

    @knowledge_rule(
        any_person_flag("threatened", "contacts_harassed", "wechat_contacted"),
        id="remediation.keep_collection_evidence",
        knowledge=["L3"],
        sources=[
            cite("003", "与催收人员的所有沟通记录都应妥善保存"),
            cite("evidence", "截图短信所有威胁、辱骂、骚扰的短信截图保存"),
        ],
        concludes=["action.keep_evidence"],
        salience=ACTION,
    )
    def keep_collection_evidence(self):
        """Collectors are in touch: keep every message and recording."""
        self.advise_action("keep_evidence", rank("keep_collection_evidence"))

    @knowledge_rule(
        Effect(topic="collection", code="illegal_collection", likelihood=STRONG),
        id="remediation.refuse_illegal_collection",
        knowledge=["L4", "E9"],
        sources=[cite("003", "拒绝暴力催收"), cite("evidence", "银保监会金融消费投诉热线12378")],
        # Not in the conditions: read through the collection effect it reacts to.
        reads=["collection.threatened_or_insulted", "collection.contacts_harassed", "debts.lender"],
        concludes=["action.refuse_illegal_collection"],
        salience=ACTION,
    )
    def refuse_illegal_collection(self):
        """Refuse threats and harassment and complain (12378, the internet-finance association)."""
        self.advise_action("refuse_illegal_collection", rank("refuse_illegal_collection"))

    @knowledge_rule(
        OR(
            Effect(topic="collection", code="lawsuit_risk", likelihood=STRONG),
            Effect(topic="collection", code="illegal_collection", likelihood="certain"),
        ),
        id="remediation.seek_legal_help",
        knowledge=["L6", "L5"],
        sources=[cite("004", "可以尋求專業(yè)的信用咨詢機構(gòu)或法律咨"), cite("003", "建议咨询专业律师制定方案")],
        # Not in the conditions: read through the collection effects it reacts to.
        reads=["debts.overdue_days", "collection.threatened_or_insulted"],
        concludes=["action.seek_legal_help"],
        salience=ACTION,
    )
    def seek_legal_help(self):
        """A likely lawsuit or illegal collection: get legal or credit-counselling help."""
        self.advise_action("seek_legal_help", rank("seek_legal_help"))

    @knowledge_rule(
        Effect(topic="dingtalk", code="employer_rule_restriction", alarming=True),
        id="remediation.talk_to_hr",
        knowledge=["D6"],
        sources=[cite("000", "主动与HR沟通说明情况(建议准备书面情况说明)"), cite("000", "提供收入流水证明还款能力")],
        # Not in the conditions: read through the DingTalk effect it reacts to.
        reads=["employer_links_credit"],
        concludes=["action.talk_to_hr"],
        salience=ACTION,
    )
    def talk_to_hr(self):
        """When the employer's rules react to credit, explain to HR in writing with income proof."""
        self.advise_action("talk_to_hr", rank("talk_to_hr"))


class CourtRemediationRules(Conclusions):
    """What to do first once a court is involved, or when the money is not there (issue
    13: the contract's ordering of actions, K12, K15)."""

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, open=True, band=OVER_30_DAYS, stage=COURT_STAGES),
        id="remediation.respond_to_court",
        knowledge=["K6", "K15"],
        sources=[
            cite("evidence-law", "人民法院不得主动适用诉讼时效的规定。"),
            cite("evidence-law", "人民法院有权根据不同情形扣押、冻结、划拨、变价被执行人的财产。"),
        ],
        concludes=["action.respond_to_court"],
        salience=ACTION,
    )
    def respond_to_court(self, debt):
        """A court has the case: answer it first, check the amount, ask for mediation or instalments."""
        self.advise_action("respond_to_court", rank("respond_to_court"), debt)

    @knowledge_rule(
        # A licensed lender's debt: with an unlicensed or unknown one, checking what is
        # lawfully owed comes first (verify_debt).
        DebtFact(debt=MATCH.debt, open=True, lender="licensed", negotiation=~L("agreement_honored")),
        # Exclusive branches, so the advice is given once: cannot pay in full, or (capacity
        # not stated) a hardship.  Someone who says they can pay everything pays first.
        OR(
            PersonFact(capacity=L("partial") | L("none")),
            PersonFact(capacity="unknown", hardship=L("objective") | L("other")),
        ),
        id="remediation.negotiate_first_when_short",
        knowledge=["K15", "R9"],
        sources=[
            cite("003", "可主动联系贷款平台协商分期还款或延期"),
            cite("002", "不会被上报至征信系统作为负面信息"),
        ],
        # Not in the conditions: Huabei, bank loans etc. count as licensed (Debt.lender).
        reads=["debts.product"],
        concludes=["action.negotiate_repayment"],
        salience=ACTION,
    )
    def negotiate_first_when_short(self, debt):
        """Unable to pay all that is overdue: ask for a plan first, then pay what you can under it."""
        self.advise_action("negotiate_repayment", rank("negotiate_when_cannot_pay"), debt)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, product="credit_card", open=True, negotiation=~L("agreement_honored")),
        PersonFact(capacity=L("partial") | L("none"), card_plan_law=True),
        id="remediation.request_card_installment",
        knowledge=["K12"],
        sources=[
            cite("evidence-law", "发卡银行可以与持卡人平等协商,达成个性化分期还款协议。"),
            cite("evidence-law", "个性化分期还款协议的最长期限不得超过5年"),
            cite("evidence-law", "发卡银行及其发卡业务服务机构应当停止对该持卡人的催收"),
        ],
        concludes=["action.request_card_installment"],
        salience=ACTION,
    )
    def request_card_installment(self, debt):
        """A card debt that cannot be paid in full: ask the issuer for a personalised instalment plan (its choice)."""
        self.advise_action("request_card_installment", rank("request_card_installment"), debt)
