"""Credit report (征信): whether each overdue shows on the PBOC report, for how long,
inquiry overload, and checking one's own report."""

from credit_advisor.facts.enums import Likelihood, Topic
from credit_advisor.facts.experta_compat import MATCH, NOT, OR, L
from credit_advisor.facts.kb import DebtFact, OnReport

from .base import Conclusions
from .conditions import (
    INQUIRY_LIKELIHOOD,
    OVER_30_DAYS,
    OVERDUE,
    SOME_CHANCE,
    STILL_VISIBLE,
    alarming,
    many_inquiries,
    not_hidden_by_repair,
    record_kept_past_five_years,
)
from .ranks import rank
from .registry import ACTION, FALLBACK, FINDING, cite, knowledge_rule

CR = Topic.credit_report
# The one-time credit repair (K4): the policy's own words, cited by every repair rule.
REPAIR_PERIOD = cite("evidence-law", "between 2020-01-01 and 2025-12-31")
REPAIR_AMOUNT = cite("evidence-law", "a single overdue amount shall not exceed")
REPAIR_DEADLINE = cite("evidence-law", "on or before March 31, 2026")
REPAIR_AUTOMATIC = cite("evidence", "不設置申請程序和複雜條件")
QUALIFYING_REPAYMENT = L("early") | L("by_deadline")  # repaid: by 2026-03-31, in either step
SMALL_OR_UNKNOWN = L("small") | L("unknown")  # overdue_size
REPORTING_DISPUTED = {
    "credit_report.negative_record": [
        cite("001", "花呗逾期一个月以上的,会上报系统"),
        cite("evidence", "逾期18天后还款"),
    ]
}


class CreditReportRules(Conclusions):
    # --- findings: is this overdue on the PBOC report? -------------------------------

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, reported="yes"),
        id="credit_report.stated_on_report",
        knowledge=["C10"],
        sources=[cite("004", "逾期會被記錄在信用報告中")],
        concludes=["finding.on_report"],
        salience=FINDING,
    )
    def stated_on_report(self, debt):
        """The person saw this overdue on the report: it is there."""
        self.find_on_report(debt, Likelihood.certain)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, lender="licensed", band=OVER_30_DAYS, reported="unknown"),
        id="credit_report.licensed_long_overdue_likely_reported",
        knowledge=["C1", "C2", "E2"],
        sources=[
            cite("003", "就会被上报至央行征信系统"),
            cite("001", "花呗逾期一个月以上的,会上报系统"),
            cite("evidence", "花呗记录按月汇总"),
        ],
        # Not in the conditions: Huabei, bank loans etc. count as licensed (Debt.lender).
        reads=["debts.product"],
        concludes=["finding.on_report"],
        salience=FINDING,
    )
    def licensed_long_overdue_likely_reported(self, debt):
        """A licensed lender's overdue of more than 30 days is likely on the PBOC report."""
        self.find_on_report(debt, Likelihood.likely)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, lender="licensed", band="short", reported="unknown"),
        id="credit_report.short_overdue_possibly_reported",
        knowledge=["E2", "C2"],
        sources=[cite("evidence", "哪怕只逾期一天同樣可能會影響到個人的信用"), cite("evidence", "逾期18天后还款")],
        concludes=["finding.on_report"],
        conflicts=REPORTING_DISPUTED,
        salience=FINDING,
    )
    def short_overdue_possibly_reported(self, debt):
        """A licensed lender's overdue of 30 days or less is possibly on the report."""
        self.find_on_report(debt, Likelihood.possible)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, lender="unknown", band=OVERDUE, reported="unknown"),
        id="credit_report.unknown_lender_possibly_reported",
        knowledge=["C1"],
        sources=[cite("003", "尤其是上征信的贷款(如银行、持牌金融机构的产品)")],
        concludes=["finding.on_report"],
        salience=FINDING,
    )
    def unknown_lender_possibly_reported(self, debt):
        """An overdue with a lender of unknown licence is possibly on the report."""
        self.find_on_report(debt, Likelihood.possible)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, lender="unlicensed", band=OVERDUE, reported="unknown"),
        id="credit_report.unlicensed_platform_rarely_reports",
        knowledge=["E9", "C1"],
        sources=[
            cite("evidence", "大部分非持牌网贷平台因未获得央行征信授权"),
            cite("003", "如果网贷属于不上征信的小额平台"),
        ],
        concludes=["finding.on_report"],
        salience=FINDING,
    )
    def unlicensed_platform_rarely_reports(self, debt):
        """An unlicensed platform's overdue is unlikely to be on the PBOC report."""
        self.find_on_report(debt, Likelihood.unlikely)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, lender=~L("unlicensed"), negotiation="agreement_broken", reported="unknown"),
        id="credit_report.broken_agreement_likely_recorded",
        knowledge=["C5", "E7"],
        sources=[cite("002", "这些违约行为很可能会被记录在个人征信报告中"), cite("evidence", "二次违约")],
        concludes=["finding.on_report"],
        salience=FINDING,
    )
    def broken_agreement_likely_recorded(self, debt):
        """A broken repayment agreement is a second default, likely recorded."""
        self.find_on_report(debt, Likelihood.likely)

    @knowledge_rule(
        DebtFact(
            debt=MATCH.debt, lender=~L("unlicensed"), negotiation="agreement_honored", band=OVERDUE, reported="unknown"
        ),
        id="credit_report.honoured_agreement_stops_new_records",
        knowledge=["C4", "E7"],
        sources=[cite("002", "不会被上报至征信系统作为负面信息"), cite("evidence", "本身不会消除已产生的逾期记录")],
        concludes=["finding.on_report"],
        conflicts={
            "credit_report.negative_record": [
                cite("002", "不会被上报至征信系统作为负面信息"),
                cite("evidence", "本身不会消除已产生的逾期记录"),
            ]
        },
        salience=FINDING,
    )
    def honoured_agreement_stops_new_records(self, debt):
        """A kept agreement adds no new negatives, but an earlier overdue may already be on the report."""
        self.find_on_report(debt, Likelihood.possible)

    # --- effects ----------------------------------------------------------------------

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, settled=False),
        OnReport(debt=MATCH.debt, likelihood=MATCH.likelihood),
        id="credit_report.open_overdue_recorded",
        knowledge=["C1", "C10", "E4"],
        sources=[
            cite("004", "逾期記錄會導(dǎo)致信用評分下降"),
            cite("evidence", "没有结清的逾期记录会一直保留在征信中"),
        ],
        concludes=["credit_report.negative_record", "finding.record_status"],
    )
    def open_overdue_recorded(self, debt, likelihood):
        """An unsettled overdue on the report stays there and never ages off."""
        self.conclude(CR, "negative_record", Likelihood(likelihood), debt)
        self.find_record_status(debt, "visible_while_unpaid")

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, settled=True, age=MATCH.age & STILL_VISIBLE),
        OnReport(debt=MATCH.debt, likelihood=MATCH.likelihood),
        not_hidden_by_repair(),
        id="credit_report.settled_overdue_shown_five_years",
        knowledge=["C8", "E4"],
        sources=[cite("000", "征信报告只显示5年内的记录"), cite("evidence", "自不良行为或者事件终止之日起为5年")],
        concludes=["credit_report.negative_record", "finding.record_status"],
    )
    def settled_overdue_shown_five_years(self, debt, likelihood, age):
        """A settled overdue stays on the report for 5 years counted from settlement."""
        self.conclude(CR, "negative_record", Likelihood(likelihood), debt)
        self.find_record_status(debt, "unknown" if age == "unknown" else "visible_until")

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, age="aged_off", reported=~L("yes")),
        OnReport(debt=MATCH.debt),
        id="credit_report.settled_overdue_aged_off",
        knowledge=["C8", "E4"],
        sources=[cite("evidence", "超过5年期限后从信用报告中删除")],
        concludes=["credit_report.negative_record", "finding.record_status"],
    )
    def settled_overdue_aged_off(self, debt):
        """Five years after settlement the record is deleted: a negative record is unlikely."""
        self.conclude(CR, "negative_record", Likelihood.unlikely, debt)
        self.find_record_status(debt, "aged_off")

    @knowledge_rule(
        record_kept_past_five_years(),
        id="credit_report.record_kept_past_five_years",
        knowledge=["E4", "C8"],
        sources=[cite("evidence", "自不良行为或者事件终止之日起为5年"), cite("000", "征信报告只显示5年内的记录")],
        concludes=["credit_report.negative_record", "finding.record_status"],
    )
    def record_kept_past_five_years(self, debt):
        """You still see a record settled over five years ago: it is there, though it should be gone."""
        self.conclude(CR, "negative_record", Likelihood.certain, debt)
        self.find_record_status(debt, "visible_until")

    @knowledge_rule(
        many_inquiries(),
        id="credit_report.inquiry_overload",
        knowledge=["C7", "E8"],
        sources=[
            cite("000", "半年内申请了17次网贷"),
            cite("evidence", "央行从来没有明文规定查询次数上限"),
            cite("evidence", "半年内超过10次:大概率直接拒贷"),
        ],
        concludes=["credit_report.inquiry_overload"],
    )
    def inquiry_overload(self, band):
        """Many loan inquiries in six months mark the report as overloaded (征信花)."""
        self.conclude(CR, "inquiry_overload", INQUIRY_LIKELIHOOD[band])

    # --- calm conclusions ---------------------------------------------------------------

    @knowledge_rule(
        NOT(alarming(CR.value)),
        id="credit_report.no_negative_record",
        knowledge=["C9", "E5"],
        sources=[cite("000", "定期查询个人征信报告"), cite("evidence", "你每年免费查2次征信,完全没问题")],
        # Not in the conditions: a calm fallback rests on what its topic's conclusions read.
        reads=["debts.overdue_days", "debts.reported", "debts.lender"],
        concludes=["credit_report.no_negative_record"],
        salience=FALLBACK,
    )
    def no_negative_record(self):
        """Nothing points to a negative record on the PBOC report."""
        self.conclude(CR, "no_negative_record", Likelihood.likely)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, product="huabei", band="none", reported=~L("yes")),
        NOT(alarming(CR.value)),
        id="credit_report.huabei_on_time_builds_record",
        knowledge=["C3"],
        sources=[cite("002", "其运作机制与银行信用卡类似"), cite("002", "良好的还款记录有助于提升个人信用评分")],
        concludes=["credit_report.no_negative_record"],
        salience=FALLBACK,
    )
    def huabei_on_time_builds_record(self, debt):
        """Huabei repaid on time leaves no negative record and builds a good one."""
        self.conclude(CR, "no_negative_record", Likelihood.likely, debt)

    # --- actions ------------------------------------------------------------------------

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, reported="unknown", band=OVERDUE),
        OnReport(debt=MATCH.debt),
        id="credit_report.check_report_when_unsure",
        knowledge=["C9", "E5"],
        sources=[
            cite("003", "登录央行征信中心官网查询个人征信报告"),
            cite("000", "每年有2次免费查询机会"),
            cite("evidence", "你每年免费查2次征信,完全没问题"),
        ],
        concludes=["action.check_credit_report"],
        salience=ACTION,
    )
    def check_report_when_unsure(self, debt):
        """Where reporting was inferred, check the report itself (free, not a loan inquiry)."""
        self.advise_action("check_credit_report", rank("check_report_when_unsure"), debt)

    # --- the one-time credit repair (K4, E11), against the Situation's as_of --------------
    # The dates are banded in facts/policy_dates.py (repair_period, repaid, overdue_size);
    # each rule below needs a record that may be on the report and has not aged off.

    @knowledge_rule(
        DebtFact(
            debt=MATCH.debt,
            age=STILL_VISIBLE,
            repair_period="in",
            repaid=QUALIFYING_REPAYMENT,
            overdue_size="small",
            reported=~L("yes"),
        ),
        OnReport(debt=MATCH.debt, likelihood=SOME_CHANCE),
        id="credit_report.repair_hides_qualifying_overdue",
        knowledge=["K4", "E11"],
        sources=[
            REPAIR_PERIOD,
            REPAIR_AMOUNT,
            REPAIR_DEADLINE,
            cite("evidence-law", "金融信用信息基础数据库于次月月底前不予展示相关逾期信息"),
            REPAIR_AUTOMATIC,
        ],
        concludes=[
            "credit_report.hidden_by_repair",
            "credit_report.negative_record",
            "finding.record_status",
            "finding.repair_status",
        ],
        salience=FINDING,  # before the record rules, which a hidden record does not reach
    )
    def repair_hides_qualifying_overdue(self, debt):
        """An overdue of 2020-2025, at most 10,000 yuan, repaid by 2026-03-31 is no longer displayed."""
        self.conclude(CR, "hidden_by_repair", Likelihood.likely, debt)
        self.conclude(CR, "negative_record", Likelihood.unlikely, debt)
        self.find_record_status(debt, "hidden_by_repair")
        self.find_repair_status(debt, "hidden")

    @knowledge_rule(
        # What is known fits the policy, but the overdue amount or the months are not
        # known: the two branches exclude each other, so the rule fires once per finding.
        OR(
            DebtFact(
                debt=MATCH.debt,
                settled=True,
                age=STILL_VISIBLE,
                reported=~L("yes"),
                overdue_size="unknown",
                repair_period=L("in") | L("unknown"),
                repaid=QUALIFYING_REPAYMENT | L("unknown"),
            ),
            DebtFact(
                debt=MATCH.debt,
                settled=True,
                age=STILL_VISIBLE,
                reported=~L("yes"),
                overdue_size="small",
                repair_period="unknown",
                repaid=QUALIFYING_REPAYMENT | L("unknown"),
            ),
        ),
        OnReport(debt=MATCH.debt, likelihood=SOME_CHANCE),
        id="credit_report.one_time_repair_policy",
        knowledge=["K4", "E11"],
        sources=[cite("evidence", "單筆金額不超過1萬元的個人逾期信息"), REPAIR_AUTOMATIC, REPAIR_PERIOD],
        concludes=["credit_report.hidden_by_repair", "action.check_credit_report", "finding.repair_status"],
    )
    def one_time_repair_policy(self, debt):
        """A settled overdue that may fit the one-time repair may be hidden already: check the report."""
        self.conclude(CR, "hidden_by_repair", Likelihood.possible, debt)
        self.advise_action("check_credit_report", rank("check_report_repair_policy"), debt)
        self.find_repair_status(debt, "may_apply")

    @knowledge_rule(
        DebtFact(
            debt=MATCH.debt,
            age=STILL_VISIBLE,
            repair_period="in",
            repaid=QUALIFYING_REPAYMENT,
            overdue_size="small",
            reported="yes",
        ),
        id="credit_report.repair_qualified_record_still_shown",
        knowledge=["K4", "E6"],
        sources=[
            cite("evidence-law", "repayment status becomes normal"),
            cite("evidence-law", "有权向征信机构或者信息提供者提出异议，要求更正。"),
            REPAIR_PERIOD,
        ],
        concludes=["action.check_credit_report", "action.credit_dispute", "finding.repair_status"],
        salience=ACTION,
    )
    def repair_qualified_record_still_shown(self, debt):
        """An overdue the one-time repair covers still shows: check the report and dispute it."""
        self.advise_action("check_credit_report", rank("check_report_repair_record_shown"), debt)
        self.advise_action("credit_dispute", rank("dispute_repair_record_shown"), debt)
        self.find_repair_status(debt, "still_shown")

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, open=True, repair_period="in", repaid="not_yet", overdue_size=SMALL_OR_UNKNOWN),
        OnReport(debt=MATCH.debt, likelihood=SOME_CHANCE),
        id="credit_report.repay_by_repair_deadline",
        knowledge=["K4", "E11"],
        sources=[REPAIR_DEADLINE, cite("evidence", "尚未结清欠款的,不会被纳入修复范围"), REPAIR_PERIOD],
        concludes=["action.settle_overdue", "finding.repair_status"],
        salience=ACTION,
    )
    def repay_by_repair_deadline(self, debt):
        """A small overdue of 2020-2025 repaid in full by 2026-03-31 will no longer be displayed."""
        self.advise_action("settle_overdue", rank("settle_before_repair_deadline"), debt)
        self.find_repair_status(debt, "repay_by_deadline")

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, age=STILL_VISIBLE, repair_period=L("in") | L("unknown"), overdue_size="large"),
        OnReport(debt=MATCH.debt, likelihood=SOME_CHANCE),
        id="credit_report.repair_not_covered_over_amount",
        knowledge=["K4"],
        sources=[REPAIR_AMOUNT, cite("evidence-law", "Missed instalments therefore")],
        concludes=["finding.repair_status"],
        salience=ACTION,
    )
    def repair_not_covered_over_amount(self, debt):
        """An overdue amount over 10,000 yuan is not covered by the one-time repair."""
        self.find_repair_status(debt, "not_covered_amount")

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, age=STILL_VISIBLE, repair_period="after"),
        OnReport(debt=MATCH.debt, likelihood=SOME_CHANCE),
        id="credit_report.repair_not_covered_after_period",
        knowledge=["K4"],
        sources=[REPAIR_PERIOD, cite("evidence", "overdues from 2020-01-01 to 2025-12-31")],
        concludes=["finding.repair_status"],
        salience=ACTION,
    )
    def repair_not_covered_after_period(self, debt):
        """An overdue that began after 2025 was never covered by the one-time repair (not missed)."""
        self.find_repair_status(debt, "not_covered_period")

    @knowledge_rule(
        DebtFact(
            debt=MATCH.debt,
            age=STILL_VISIBLE,
            repair_period="in",
            repaid=MATCH.repaid & (L("after_deadline") | L("too_late")),
            overdue_size=SMALL_OR_UNKNOWN,
        ),
        OnReport(debt=MATCH.debt, likelihood=SOME_CHANCE),
        id="credit_report.repair_deadline_missed",
        knowledge=["K4"],
        sources=[REPAIR_DEADLINE, cite("evidence-law", "a repayment made now no longer")],
        concludes=["finding.repair_status"],
        salience=ACTION,
    )
    def repair_deadline_missed(self, debt, repaid):
        """An overdue the repair would have covered was not repaid by 2026-03-31: it stays displayed."""
        self.find_repair_status(
            debt, "repaid_after_deadline" if repaid == "after_deadline" else "not_repaid_by_deadline"
        )


class ReportingLawRules(Conclusions):
    """Who reports what, and what the reporting rules do not change (issue 13: K3, K13)."""

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, reported="yes", band="short", lender="licensed"),
        not_hidden_by_repair(),
        id="credit_report.notice_before_reporting",
        knowledge=["K3"],
        sources=[
            cite("evidence-law", "信息提供者向征信机构提供个人不良信息，应当事先告知信息主体本人。"),
            cite("evidence-law", "未事先告知信息主体本人，情节严重或者造成严重后果的"),
            cite("evidence-law", "No page gives a rule that deletion"),
        ],
        # Not in the conditions: Huabei, bank loans etc. count as licensed (Debt.lender).
        reads=["debts.product"],
        concludes=["credit_report.negative_record"],
    )
    def notice_before_reporting(self, debt):
        """A short overdue already on the report: the lender had to tell you first, yet a true record stays."""
        self.conclude(CR, "negative_record", Likelihood.certain, debt)

    @knowledge_rule(
        DebtFact(debt=MATCH.debt, product="huabei", band=OVER_30_DAYS, reported="no"),
        id="credit_report.huabei_listed_under_lender_name",
        knowledge=["K13", "C2"],
        sources=[
            cite("evidence-law", "授权重庆蚂蚁消费金融有限公司或提供授信额度的银行等机构"),
            cite("evidence-law", "the bank that provides the credit line"),
            cite("001", "花呗逾期一个月以上的,会上报系统"),
        ],
        concludes=["action.check_credit_report"],
        salience=ACTION,
    )
    def huabei_listed_under_lender_name(self, debt):
        """No Huabei on the report after a month overdue: look for 重庆蚂蚁消费金融 or a bank's name."""
        self.advise_action("check_credit_report", rank("check_report_when_unsure"), debt)
