"""The rule base: one experta mixin per topic. `TOPIC_RULES` is the assembly order."""

from .borrowing import BorrowingRules
from .collection import CollectionRules
from .credit_report import CreditReportRules
from .dingtalk import DingTalkRules
from .huabei import HuabeiRules
from .remediation import RemediationRules
from .wechat import WeChatRules
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
)

__all__ = ["TOPIC_RULES"]
