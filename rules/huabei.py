"""Huabei (花呗): its own overdue, and what other debts' overdues do to it."""

from credit_advisor.facts.enums import Likelihood, Topic
from credit_advisor.facts.experta_compat import MATCH, NOT, OR, L
from credit_advisor.facts.kb import DebtFact, OnReport, PersonFact

from .base import Conclusions
from .conditions import OVER_30_DAYS, OVERDUE, STRONG, alarming, many_inquiries
from .registry import FALLBACK, cite, knowledge_rule

HB = Topic.huabei
RECENTLY_SETTLED = L("recent") | L("unknown")
RECOVERY_DISPUTED = {
    "huabei.limit_reduced": [
        cite("evidence", "您的花呗就可以再次恢复使用"),
        cite("evidence", "后续还款后能否恢复由系统不定期评估"),
    ]
}


class HuabeiRules(Conclusions):
    @knowledge_rule(
        DebtFact(debt=MATCH.debt, alipay=True, open=True),
        id="huabei.own_overdue_blocks_use",
        knowledge=["H6", "E3"],
        sources=[
            cite("001", "借呗和花呗逾期了,不能继续使用"),
            cite("evidence", "花呗逾期后花呗功能会直接限制无法使用"),
            cite("evidence", "有微貸產品逾期記錄"),
        ],
        concludes=["huabei.suspended", "huabei.limit_reduced"],
    )
    def own_overdue_blocks_use(self, debt):
        """An unpaid Huabei or Jiebei overdue stops Huabei until it is repaid."""
        self.conclude(HB, "suspended", Likelihood.likely, debt)
        self.conclude(HB, "limit_reduced", Likelihood.possible, debt)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, alipay=False, open=True),
        OnReport(debt=MATCH.debt, likelihood=STRONG),
        id="huabei.reported_overdue_cuts_limit",
        knowledge=["H2", "C1", "H5"],
        sources=[cite("003", "很可能会导致花呗被降额甚至停用"), cite("003", "但如果涉及的是正规金融机构,影响则更大")],
        concludes=["huabei.limit_reduced", "huabei.suspended"],
    )
    def reported_overdue_cuts_limit(self, debt):
        """Another loan's overdue on the PBOC report likely cuts Huabei, possibly stops it."""
        self.conclude(HB, "limit_reduced", Likelihood.likely, debt)
        self.conclude(HB, "suspended", Likelihood.possible, debt)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, alipay=False, open=True),
        OnReport(debt=MATCH.debt, likelihood="possible"),
        id="huabei.possibly_reported_may_affect",
        knowledge=["H1", "H3"],
        sources=[cite("003", "有可能会影响,但不是绝对的"), cite("003", "短期逾期几天可能不会立刻影响花呗")],
        concludes=["huabei.limit_reduced"],
    )
    def possibly_reported_may_affect(self, debt):
        """Another loan's overdue that may be on the report may affect Huabei, not always."""
        self.conclude(HB, "limit_reduced", Likelihood.possible, debt)

    @knowledge_rule(
        DebtFact(
            debt=MATCH.debt,
            alipay=False,
            open=True,
            band=OVER_30_DAYS,
            lender=~L("unlicensed"),
            reported=MATCH.reported,
        ),
        id="huabei.long_overdue_triggers_review",
        knowledge=["H3"],
        sources=[cite("003", "系统很可能会重新评估你的信用状况")],
        concludes=["huabei.limit_reduced"],
    )
    def long_overdue_triggers_review(self, debt, reported):
        """Beyond 30 days overdue elsewhere, Huabei's system re-evaluates: a cut is likely, possible if off the report."""
        self.conclude(HB, "limit_reduced", Likelihood.possible if reported == "no" else Likelihood.likely, debt)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, alipay=False, open=True, lender="unlicensed"),
        id="huabei.unreported_platform_affects_less",
        knowledge=["H5", "C6"],
        sources=[cite("003", "那对花呗的影响相对较小"), cite("003", "这些信息也可能同步给其他平台")],
        concludes=["huabei.limit_reduced"],
    )
    def unreported_platform_affects_less(self, debt):
        """A non-reporting platform's overdue affects Huabei less, through shared data at most."""
        self.conclude(HB, "limit_reduced", Likelihood.possible, debt)

    @knowledge_rule(
        # Only overdues that could have touched Huabei while unpaid (settling never adds
        # harm): on the report, or over 30 days, or on Alipay, or with an unlicensed
        # platform.  Each branch excludes the others, so a debt fires the rule once.
        OR(
            DebtFact(debt=MATCH.debt, settled=True, band=OVERDUE, age=RECENTLY_SETTLED, reported=~L("no")),
            DebtFact(debt=MATCH.debt, settled=True, band=OVER_30_DAYS, age=RECENTLY_SETTLED, reported="no"),
            DebtFact(debt=MATCH.debt, settled=True, band="short", age=RECENTLY_SETTLED, reported="no", alipay=True),
            DebtFact(
                debt=MATCH.debt,
                settled=True,
                band="short",
                age=RECENTLY_SETTLED,
                reported="no",
                alipay=False,
                lender="unlicensed",
            ),
            # Huabei's (or Jiebei's) own overdue: Alipay keeps its own record, and whether the
            # limit comes back is its periodic review's call, also after six clean months (H4).
            DebtFact(debt=MATCH.debt, settled=True, band=OVERDUE, age="clean_6m", alipay=True),
        ),
        id="huabei.repaid_may_keep_lower_limit",
        knowledge=["H4"],
        sources=[cite("003", "花呗有可能不会立即关闭,而是降低额度")],
        concludes=["huabei.limit_reduced"],
        conflicts=RECOVERY_DISPUTED,
    )
    def repaid_may_keep_lower_limit(self, debt):
        """Recently repaid, or an own Huabei overdue repaid within two years: Huabei may keep a lower limit."""
        self.conclude(HB, "limit_reduced", Likelihood.possible, debt)

    @knowledge_rule(
        many_inquiries(),
        PersonFact(overdue=True),
        id="huabei.inquiries_slow_recovery",
        knowledge=["R7"],
        sources=[cite("003", "否则会进一步影响花呗的恢复")],
        concludes=["huabei.limit_reduced"],
    )
    def inquiries_slow_recovery(self, band):
        """After an overdue, frequent loan applications further slow Huabei's recovery."""
        self.conclude(HB, "limit_reduced", Likelihood.possible)

    @knowledge_rule(
        NOT(alarming(HB.value)),
        id="huabei.unaffected",
        knowledge=["H1"],
        sources=[cite("003", "本身有独立的评估体系")],
        # Not in the conditions: a calm fallback rests on what its topic's conclusions read.
        reads=["debts.product", "debts.overdue_days", "debts.reported"],
        concludes=["huabei.unaffected"],
        salience=FALLBACK,
    )
    def huabei_unaffected(self):
        """Nothing in the situation points to a Huabei cut or stop."""
        self.conclude(HB, "unaffected", Likelihood.likely)
