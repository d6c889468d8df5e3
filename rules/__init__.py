"""The rule base: one experta mixin per topic. `TOPIC_RULES` is the assembly order."""

from .borrowing import BorrowingRules
from .collection import CollectionRules, CourtRules
from .credit_report import CreditReportRules, ReportingLawRules
from .dingtalk import DingTalkRules
from .huabei import HuabeiRules
from .remediation import CourtRemediationRules, RemediationRules
from .wechat import WeChatCourtRules, WeChatRules
from .weilidai import WeilidaiRules

TOPIC_RULES = (
    CreditReportRules,
    HuabeiRules,
    WeilidaiRules,
    WeChatRules,
    DingTalkRules,
    BorrowingRules,
    CollectionRules,
    RemediationRules,
    # issue 13: courts, enforcement, cards and reporting law
    ReportingLawRules,
    WeChatCourtRules,
    CourtRules,
    CourtRemediationRules,
)

__all__ = ["TOPIC_RULES"]
