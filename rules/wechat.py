"""WeChat (微信): basic functions stay; credit services and social collection are the risks."""

from credit_advisor.facts.enums import Likelihood, Topic
from credit_advisor.facts.experta_compat import AND, MATCH, OR
from credit_advisor.facts.kb import DebtFact, OnReport, PersonFact

from .base import Conclusions
from .conditions import JUDGED, NOT_LICENSED, OVER_30_DAYS, STRONG, any_person_flag
from .registry import cite, knowledge_rule

WX = Topic.wechat
SOCIAL_RISK = {"unlicensed": Likelihood.likely, "unknown": Likelihood.possible}
# A judgment lets the court freeze balances; once enforcement has begun it likely looks there.
BALANCE_FREEZE = {"judgment": Likelihood.possible, "enforcement": Likelihood.likely}


class WeChatRules(Conclusions):
    @knowledge_rule(
        PersonFact(),
        id="wechat.basic_functions_unaffected",
        knowledge=["X1", "E12"],
        sources=[
            cite("001", "花呗逾期并不会直接影响微信的基础功能"),
            cite("evidence", "网贷逾期本身不会直接影响微信的正常使用"),
        ],
        concludes=["wechat.basic_unaffected"],
        conflicts={"wechat.basic_unaffected": [cite("evidence", "严重的逾期行为可能会导致微信账号被封锁")]},
    )
    def basic_functions_unaffected(self):
        """Overdue debts do not touch WeChat chat and payment."""
        self.conclude(WX, "basic_unaffected", Likelihood.likely)

    @knowledge_rule(
        OR(
            # Exclusive branches: an Alipay debt on the report would otherwise fire it twice.
            AND(DebtFact(debt=MATCH.debt, open=True, alipay=True)),
            AND(DebtFact(debt=MATCH.debt, open=True, alipay=False), OnReport(debt=MATCH.debt, likelihood=STRONG)),
        ),
        id="wechat.credit_services_may_be_limited",
        knowledge=["X2", "E1"],
        sources=[cite("001", "也许会在微信支付中遇到某些限制"), cite("evidence", "WeChat uses its own 微信支付分")],
        concludes=["wechat.credit_services_limited"],
        conflicts={"wechat.credit_services_limited": [cite("evidence", "WeChat uses its own 微信支付分")]},
    )
    def credit_services_may_be_limited(self, debt):
        """Credit-based services inside WeChat Pay may be limited; the Zhima link is unproven."""
        self.conclude(WX, "credit_services_limited", Likelihood.possible, debt)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, product="weilidai", open=True),
        id="wechat.weilidai_overdue_limits_wealth_services",
        knowledge=["X2"],
        sources=[cite("evidence", "微信理财通也可能受限")],
        concludes=["wechat.credit_services_limited"],
    )
    def weilidai_overdue_limits_wealth_services(self, debt):
        """An unpaid Weilidai overdue likely limits WeChat's wealth and credit services."""
        self.conclude(WX, "credit_services_limited", Likelihood.likely, debt)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, open=True, lender=MATCH.lender & NOT_LICENSED),
        id="wechat.irregular_platform_social_collection",
        knowledge=["X4", "E9"],
        sources=[
            cite("004", "這類平臺可能會通過社交軟件進行催收"),
            cite("evidence", "collection and social risks are higher"),
        ],
        concludes=["wechat.social_collection_risk"],
    )
    def irregular_platform_social_collection(self, debt, lender):
        """An irregular platform may collect through your contacts and social apps."""
        self.conclude(WX, "social_collection_risk", SOCIAL_RISK[lender], debt)

    @knowledge_rule(
        any_person_flag("wechat_contacted", "contacts_harassed"),
        id="wechat.collection_reaches_social_circle",
        knowledge=["X4", "E9"],
        sources=[cite("004", "可能會通過社交軟件進行催收"), cite("evidence", "禁止向债务无关的第三方透露债务人负债")],
        concludes=["wechat.social_collection_risk"],
    )
    def collection_reaches_social_circle(self):
        """Collectors already reach you on WeChat or call your contacts."""
        self.conclude(WX, "social_collection_risk", Likelihood.certain)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, open=True, lender="licensed"),
        id="wechat.licensed_lenders_stay_off_wechat",
        knowledge=["X3", "E9"],
        sources=[
            cite("004", "正規(guī)網(wǎng)貸平臺不會直接訪問借款人的微信"),
            cite("evidence", "一般来说对于正规的网贷平台是不会爆通讯录的"),
        ],
        concludes=["wechat.social_collection_risk"],
    )
    def licensed_lenders_stay_off_wechat(self, debt):
        """A licensed lender does not collect through WeChat or your contacts."""
        self.conclude(WX, "social_collection_risk", Likelihood.unlikely, debt)


class WeChatCourtRules(Conclusions):
    """WeChat after a court judgment (issue 13, K6): the money in it, not the app."""

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, open=True, band=OVER_30_DAYS, stage=MATCH.stage & JUDGED),
        id="wechat.court_can_freeze_balance",
        knowledge=["K6", "X1"],
        sources=[
            cite("evidence-law", "於2月13日對莫某名下的微信帳戶實施凍結"),
            cite("evidence-law", "法院冻结了于某实名认证的微信财付通账户内20万元资金"),
            cite("evidence-law", "人民法院有权根据不同情形扣押、冻结、划拨、变价被执行人的财产。"),
        ],
        concludes=["wechat.balance_freeze_risk"],
    )
    def court_can_freeze_balance(self, debt, stage):
        """After a judgment a court can freeze or take WeChat Pay balances; chat and the app stay."""
        self.conclude(WX, "balance_freeze_risk", BALANCE_FREEZE[stage], debt)
