"""The legal bases a letter may cite: each an article whose words are quoted verbatim
from ../shared/sources/evidence-law.md (the section named by `section`), so a letter
cites only what the sources contain.  The law's name and article are catalog texts
(`documents.basis.<key>`); the quotes stay in the original Chinese in every language,
as the institution receiving the letter reads them.  tests/test_letters.py checks each
quote and article mark against the evidence file."""

from __future__ import annotations

from dataclasses import dataclass

EVIDENCE = "evidence-law.md"


@dataclass(frozen=True)
class LegalBasis:
    key: str
    section: str  # the evidence-law.md section that verifies it ("L1")
    article_mark: str  # how that section names the article ("第二十五条", "§10")
    quotes: tuple[str, ...]  # verbatim from that section


CREDIT_REGULATION_25 = LegalBasis(
    "credit_regulation_25",
    "L1",
    "第二十五条",
    (
        "有权向征信机构或者信息提供者提出异议，要求更正。",
        "自收到异议之日起20日内进行核查和处理，并将结果书面答复异议人。",
    ),
)
CARD_RULES_70 = LegalBasis(
    "card_rules_70",
    "L15",
    "第七十条",
    ("发卡银行可以与持卡人平等协商,达成个性化分期还款协议。",),
)
PIPL_10 = LegalBasis(
    "pipl_10",
    "L11",
    "§10",
    ("任何组织、个人不得非法收集、使用、加工、传输他人个人信息",),
)
CIVIL_CODE_1033 = LegalBasis(
    "civil_code_1033",
    "L11",
    "§1033",
    ("以电话、短信、即时通讯工具、电子邮件、传单等方式侵扰他人的私人生活安宁",),
)

ALL_BASES = (CREDIT_REGULATION_25, CARD_RULES_70, PIPL_10, CIVIL_CODE_1033)
