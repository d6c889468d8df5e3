"""DingTalk (钉钉): the platform never checks credit; employers, banks and enterprise
services inside it may."""

from credit_advisor.facts.enums import Likelihood, Topic
from credit_advisor.facts.kb import PersonFact

from .base import Conclusions
from .conditions import capped_at_likely, some_report
from .registry import cite, knowledge_rule

DT = Topic.dingtalk


class DingTalkRules(Conclusions):
    @knowledge_rule(
        PersonFact(),
        id="dingtalk.platform_does_not_check_credit",
        knowledge=["D1"],
        sources=[cite("000", "钉钉账号注册仅需手机号验证"), cite("evidence", "企业后台看不到员工征信状况")],
        concludes=["dingtalk.platform_unaffected"],
    )
    def platform_does_not_check_credit(self):
        """DingTalk needs only a phone number; clock-in, approvals and files ignore credit."""
        self.conclude(DT, "platform_unaffected", Likelihood.certain)

    @knowledge_rule(
        PersonFact(employer_links_credit=True),
        *some_report(),
        id="dingtalk.employer_rule_restriction",
        knowledge=["D2"],
        sources=[cite("000", "把员工信用分和报销权限挂钩"), cite("000", "但和钉钉平台本身无关")],
        concludes=["dingtalk.employer_rule_restriction"],
    )
    def employer_rule_restriction(self, debt, likelihood):
        """The employer's own rule may stop approvals for someone with a negative record."""
        self.conclude(DT, "employer_rule_restriction", capped_at_likely(likelihood), debt)

    @knowledge_rule(
        PersonFact(dingtalk_finance=True),
        *some_report(),
        id="dingtalk.third_party_loans_check_credit",
        knowledge=["D3"],
        sources=[cite("000", "这类服务会查询征信"), cite("000", "但这个过程其实是银行在审核")],
        concludes=["dingtalk.third_party_credit_check"],
    )
    def third_party_loans_check_credit(self, debt, likelihood):
        """Loans offered inside DingTalk check credit (the bank does, not DingTalk) and will see the record."""
        self.conclude(DT, "third_party_credit_check", Likelihood.certain, debt)

    @knowledge_rule(
        PersonFact(alipay_authorized=True),
        *some_report(),
        id="dingtalk.alipay_credit_authorization",
        knowledge=["D4"],
        sources=[
            cite("000", "通过钉钉绑定的支付宝账号如果授权过信用服务"),
            cite("000", "内部信用管理系统可能对接征信数据"),
        ],
        concludes=["dingtalk.third_party_credit_check"],
    )
    def alipay_credit_authorization(self, debt, likelihood):
        """A bound Alipay account with credit authorisation lets services inside DingTalk see the record."""
        self.conclude(DT, "third_party_credit_check", Likelihood.possible, debt)

    @knowledge_rule(
        PersonFact(enterprise_owner=True),
        *some_report(),
        id="dingtalk.enterprise_credit_required",
        knowledge=["D5", "D4"],
        sources=[
            cite("000", "需要法人代表提供征信良好证明"),
            cite("000", "钉钉上的企业采购、供应链金融等服务"),
            cite("000", "普通员工的个人使用完全不受影响"),
        ],
        concludes=["dingtalk.enterprise_credit_required"],
        conflicts={"dingtalk.enterprise_credit_required": [cite("evidence", "No independent page confirms")]},
    )
    def enterprise_credit_required(self, debt, likelihood):
        """A legal representative's bad record may block enterprise certification and finance."""
        self.conclude(DT, "enterprise_credit_required", Likelihood.possible, debt)
