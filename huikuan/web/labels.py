"""Display labels of the codes the pages show: the one place that turns a stored code into
words in the user's language.

Codes with Django choices (channels, statuses, outcomes…) use their model's choices; this
module covers the codes that are data or settings: dunning steps and policies, risk
segments, roles, approval kinds and steps, industry positions, score names, and the
business settings with their help texts. A code without a label shows as it is (a step or
chain a credit manager added keeps the name they gave it).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from huikuan.approvals.registry import kind_label
from huikuan.cash.matching.reasons import WRITE_OFF_REASONS
from huikuan.collections.labels import SEGMENTS, STEPS
from huikuan.collections.models import ActivityKind, CallOutcome, Channel
from huikuan.finance.models import PlanMetric, WarningRule
from huikuan.risk.labels import REASONS as RISK_REASONS

# The default dunning policies: their codes and the names they were installed with.
POLICIES = {
    "standard": _("Standard ladder"),
    "accelerated": _("Accelerated ladder"),
    "premium": _("Ladder for premium customers"),
    "Standard ladder": _("Standard ladder"),
    "C, D and high-risk customers: each step at half the days": _(
        "C, D and high-risk customers: each step at half the days"
    ),
    "C, D and high-risk customers: the steps before the legal demand at half the days": _(
        "C, D and high-risk customers: the steps before the legal demand at half the days"
    ),
    "A and premium customers: no phone call before +30 days": _(
        "A and premium customers: no phone call before +30 days"
    ),
}

ROLES = {
    "admin": _("administrator"),
    "credit_manager": _("credit manager"),
    "credit_analyst": _("credit analyst"),
    "collector": _("collector"),
    "salesperson": _("salesperson"),
    "sales_manager": _("sales manager"),
    "department_head": _("department head"),
    "legal": pgettext_lazy("role", "legal"),
    "market_development": _("market development"),
    "cfo": _("CFO"),
    "president": _("president"),
    "auditor": _("auditor"),
    "customer": _("customer"),
    # Who the dunning run assigns actions to when no person is named.
    "collections": _("collections team"),
    "collections_team": _("collections team"),
}

# The names of the default approval steps, as the chains were installed with them.
APPROVAL_STEPS = {
    "sales manager": _("sales manager"),
    "credit analyst": _("credit analyst"),
    "credit manager": _("credit manager"),
    "CFO": _("CFO"),
    "president": _("president"),
    "department head or above": _("department head or above"),
    "department head": _("department head"),
    "business unit head": _("business unit head"),
}

# Approval kinds that no app registers a label for (the rest come from the registry).
APPROVAL_KINDS = {
    "write_off": _("write-off"),
    "credit_limit": _("credit limit"),
    "class_change": _("credit class change"),
    "term_extension": _("term extension"),
    "order_release": _("order release"),
    "hold_lift": _("credit hold lift"),
    "price_approval": _("price approval"),
    "customer_terms": _("extension of a customer's terms"),
}

INDUSTRY_POSITIONS = {
    "global500": _("Fortune Global 500"),
    "top5": _("top 5 of its industry"),
    "top20": _("top 20 of its industry"),
    "listed": _("listed company"),
    "regional": _("regional leader"),
    "ordinary": _("ordinary company"),
    "new": _("new company"),
    "": _("not given"),
}

SCORES = {
    "revenue": _("revenue score"),
    "profitability": _("profitability score"),
    "payment": _("payment score"),
    "industry": _("industry score"),
    "total": _("total score"),
}

# Other codes of the collections pages.
CHANNELS = dict(Channel.choices)
OUTCOMES = {**dict(CallOutcome.choices), **dict(ActivityKind.choices)}

# Business settings: a label and a help text for each key.
SETTINGS: dict[str, tuple[Any, Any]] = {
    "TERM_DAYS_BY_CLASS": (
        _("Credit term in days, by class"),
        _("Days of credit each class gets from the start of the term."),
    ),
    "DEFAULT_TERM_DAYS": (
        _("Credit term in days without a class"),
        _("Used when neither the invoice nor the customer gives term days nor a class."),
    ),
    "TERM_START_DELAY_DAYS": (
        _("Days from the invoice date to the start of the term"),
        _("The credit term starts this many days after the invoice is issued."),
    ),
    "MAX_TERM_EXTENSION_DAYS": (
        _("Most days all extensions of an invoice may add"),
        _("A term extension request beyond this total is refused."),
    ),
    "CREDIT_TERMS_BEYOND_CLASS": (
        _("A customer's term beyond its class's"),
        _(
            "A term longer than the class's plus the extension days granted to the customer, in a "
            "customer import or API write, is refused (refuse), or cut to that ceiling with a "
            "warning in the import report (cap)."
        ),
    ),
    "LATE_INTEREST_DAILY_RATE": (
        _("Late-payment interest without a contract rate (a day)"),
        _("The statutory rate (万分之五 = 0.0005 a day) on the undisputed part of an overdue invoice."),
    ),
    "LATE_INTEREST_FROM": (
        _("Late-payment interest counts from"),
        _("No interest counts for days before this date (YYYY-MM-DD; the regulation: 2025-06-01)."),
    ),
    "CREDIT_FEE_CHARGE": (
        _("How the overdue fee is charged"),
        _(
            "debit_note: a receivable of its own, raised on request; order_surcharge: added to "
            "the customer's next order; none: shown only."
        ),
    ),
    "CREDIT_EXTENSION_CLASSES": (
        _("Classes that may ask for a term extension"),
        _("The class letters, for example AB; customers of other classes get no extension."),
    ),
    "OVERDUE_FEE_ANNUAL_RATE": (
        _("Overdue capital-occupation fee, annual rate"),
        _("A fraction: 0.0435 is 4.35 percent a year, charged on overdue amounts by the day."),
    ),
    "BILLS_BANK_EXPOSURE": (
        _("Bank acceptance bills in credit exposure"),
        _(
            "drop: out of the exposure once received (the bank has accepted them); until_honoured: "
            "kept, like commercial bills, until honoured at maturity."
        ),
    ),
    "BILLS_ELECTRONIC_MAX_MONTHS": (
        _("Longest term of an electronic bill (months)"),
        _("An electronic bill maturing later after its issue is refused."),
    ),
    "BILLS_DUE_SOON_DAYS": (
        _("Bills register: falling due within (days)"),
        _("The bills register lists apart the bills maturing within this many days."),
    ),
    "BILLS_REMINDER_DAYS": (
        _("Reminder to present a bill: days before maturity"),
        _("The credit managers are reminded this many days before a held bill matures."),
    ),
    "CREDIT_BLOCK_OVERDUE_DAYS": (
        _("Orders are blocked while anything is overdue beyond (days)"),
        _("An order of a customer with an invoice overdue longer than this fails the credit check."),
    ),
    "CREDIT_HOLD_OVERDUE_DAYS": (
        _("The quarterly review puts on hold customers overdue (days)"),
        _("Customers with an invoice overdue this long are put on credit hold by the quarterly review."),
    ),
    "CREDIT_SCORE_MAXIMA": (
        _("Maximum of each score"),
        _("Each of the four scores of the monthly classification is capped at its maximum."),
    ),
    "CREDIT_LIMIT_CEILING_SHARES": (
        _("Suggested ceiling of a credit limit: share of the net worth, by Altman zone"),
        _(
            "From the customer's latest financial statement. A limit application above the ceiling "
            "needs the next step of the approval chain as well."
        ),
    ),
    "CREDIT_CLASS_THRESHOLDS": (
        _("Class thresholds: the least of each score and of the total"),
        _("A customer gets the first of A, B, C whose thresholds it all meets, else D."),
    ),
    "CREDIT_REVENUE_SHARE_BASE": (
        _("Revenue score: share of the department's revenue taken as the base"),
        _("Revenue score = (customer's share of its department's revenue ÷ base) × factor."),
    ),
    "CREDIT_REVENUE_FACTOR": (
        _("Revenue score: factor"),
        _("Revenue score = (customer's share of its department's revenue ÷ base) × factor."),
    ),
    "CREDIT_BENCHMARK_MARGIN": (
        _("Profitability score: benchmark gross margin"),
        _("Profitability score = weighted gross margin ÷ benchmark × its maximum."),
    ),
    "CREDIT_BENCHMARK_MARGIN_BY_DEPARTMENT": (
        _("Benchmark margins by department or product line"),
        _("A customer's profitability score uses its department's benchmark, else the company's."),
    ),
    "CREDIT_REVENUE_CONFIRMED_BY_MARKET": (
        _("Revenue contribution confirmed by market development"),
        _(
            "When set, each month's revenue contribution counts only once market development has "
            "confirmed it; until then it is scored as insufficient data."
        ),
    ),
    "CREDIT_PAYMENT_TARGET_RATE": (
        _("Payment score: target collection rate"),
        _("Payment score = collection completion rate ÷ target × its maximum."),
    ),
    "CREDIT_INDUSTRY_POINTS": (
        _("Industry score by position"),
        _("Points for the customer's position in its industry."),
    ),
    "CREDIT_CLASS_AUTO_APPLY": (
        _("Apply proposed classes without approval"),
        _("When set, a class the monthly evaluation proposes applies at once, without approval."),
    ),
    "PRICE_APPROVAL_TARGET_SHARE": (
        _("Price approval: share of the target profit"),
        _(
            "A price at or above break-even plus this share of the target profit is within the "
            "sales manager's power; above break-even it needs the department head's approval, "
            "below break-even the business unit head's."
        ),
    ),
    "PRICE_APPROVAL_FOR_AB": (
        _("Price approval for class A and B"),
        _(
            "strict: the same rule as class C and D; relaxed: any price from break-even up is "
            "within the sales manager's power."
        ),
    ),
    "FUNCTIONAL_CURRENCY": (
        _("Functional currency"),
        _("The currency of every amount in the books; set when the system is installed."),
    ),
    "COLLECTIONS_PREMIUM_MAX_DAYS_PAID_LATE": (
        _("Premium segment: most days paid late"),
        _(
            "A class A customer who paid no invoice more than this many days late within the "
            "payment history is in the premium segment."
        ),
    ),
    "COLLECTIONS_HIGH_RISK_DAYS_PAID_LATE": (
        _("High-risk segment: days paid late"),
        _(
            "A customer of class D, or who paid an invoice more than this many days late within "
            "the payment history, is in the high-risk segment. What is still open never counts: "
            "the ladder itself escalates on it."
        ),
    ),
    "COLLECTIONS_CHECK_IN_DAYS_BY_CLASS": (
        _("Periodic check-in every so many days, by class"),
        _(
            "A customer of the class whose last call or visit is this many days old gets a "
            "check-in reminder on its salesperson's worklist; 0: none."
        ),
    ),
    "COLLECTIONS_PAYMENT_HISTORY_DAYS": (
        _("Payment history for the risk segment (days)"),
        _("The invoices paid within this many days make the payment history of the risk segment."),
    ),
    "COLLECTIONS_BROKEN_PROMISE_LOOKBACK_DAYS": (
        _("High-risk segment: broken promises within (days)"),
        _("A customer who broke a promise to pay within this many days is in the high-risk segment."),
    ),
    "COLLECTIONS_TEAM_ASSIGNEE": (
        _("User who gets the collections team's actions"),
        _("The username that dunning steps owned by the collections team are assigned to."),
    ),
    "COLLECTIONS_LEGAL_ASSIGNEE": (
        _("User who gets the legal department's actions"),
        _("The username that dunning steps owned by legal are assigned to."),
    ),
    "COLLECTIONS_LATE_PROBABILITY_BY_SEGMENT": (
        _("Late-payment probability by segment"),
        _("The starting probability that an overdue balance stays unpaid, for each risk segment."),
    ),
    "COLLECTIONS_LATE_PROBABILITY_PER_30_DAYS": (
        _("Late-payment probability added per 30 days overdue"),
        _("Added for every full 30 days overdue; the probability is capped at 0.99."),
    ),
    "RISK_SEGMENT_THRESHOLDS": (
        _("Risk segments from the model's probability of late payment"),
        _(
            "A customer whose predicted probability of paying a new invoice late is below the "
            "premium value is premium; at or above the high-risk value, high-risk; normal between. "
            "What is overdue now is left out of it."
        ),
    ),
    "RISK_MIN_SETTLED_INVOICES": (
        _("Invoices settled before the model decides"),
        _(
            "A customer with fewer settled invoices is segmented and weighed by the class "
            "heuristic instead of the model."
        ),
    ),
    "RISK_SCORE_MAX_AGE_DAYS": (
        _("Most days a risk score is used"),
        _("Older scores are not used: the class heuristic weighs the worklist instead."),
    ),
    "RISK_RETRAIN_NEW_INVOICES": (
        _("Retrain after this many new outcomes"),
        _("The nightly job retrains the model once this many invoices have been decided since the last one."),
    ),
    "COLLECTIONS_WORKLIST_CONTACTS": (
        _("Contacts shown per worklist task"),
        _("How many of the customer's latest contacts a worklist task shows."),
    ),
    "COLLECTIONS_ATTRIBUTION_DAYS": (
        _("Days a receipt counts toward an action"),
        _("Receipts within this many days after a dunning action count as collected after it."),
    ),
    "JOBS_DAILY_AT": (
        _("Time of the daily jobs"),
        _("Local time (HH:MM) at which the built-in scheduler runs the daily jobs."),
    ),
    "EMAIL_MAX_ATTEMPTS": (
        _("Email delivery attempts"),
        _("Attempts before an email is marked failed."),
    ),
    "EMAIL_RETRY_MINUTES": (
        _("Minutes before the first email retry"),
        _("The delay before the first retry, doubled after each further failure."),
    ),
    "LETTER_PAYMENT_DAYS": (
        _("Payment deadline of a letter (days)"),
        _("A letter asks for payment within this many days of its date unless its step gives a date."),
    ),
    "CASH_AUTO_THRESHOLD": (
        _("Confidence to apply a bank receipt automatically"),
        _("A match at or above this confidence (0 to 1) is posted without a person."),
    ),
    "CASH_REVIEW_THRESHOLD": (
        _("Confidence to propose a match for review"),
        _("Below it a receipt is unmatched; between it and the automatic level it waits for review."),
    ),
    "CASH_TOLERANCE_ABS": (
        _("Largest short-pay settled with a bank receipt"),
        _(
            "A receipt this much below its invoices (bank fees, small deductions) still settles them; "
            "also the most a person may write off when applying a receipt."
        ),
    ),
    "CASH_TOLERANCE_REL": (
        _("Largest short-pay as a share of the invoices"),
        _("The short-pay may not exceed this share of the invoices' open amount either (0 = no limit)."),
    ),
    "CASH_DIFFERENCE_TREATMENT": (
        _("What happens to a short-pay within the tolerance"),
        _("Leave it open on the invoice (leave_open), or write it off with the reason below (write_off)."),
    ),
    "CASH_WRITE_OFF_REASON": (
        _("Reason recorded for a short-pay written off"),
        _("The write-off reason used when short-pays are written off automatically."),
    ),
    "CASH_COMBINATION_MAX_INVOICES": (
        _("Most invoices paid by one receipt"),
        _("The matcher looks for combinations of at most this many open invoices."),
    ),
    "CASH_COMBINATION_POOL": (
        _("Invoices searched for combinations"),
        _("How many of a customer's open invoices, oldest first, the combination search considers."),
    ),
    "CASH_UNREFERENCED_PARTIAL": (
        _("Part payments that name no invoice"),
        _(
            "A part or overpayment from a customer known for sure that names and fits no invoice: "
            "review (a person decides) or oldest_first (applied to the oldest open invoices first, "
            "the rest on account)."
        ),
    ),
    "CASH_FUZZY_NAME_CUTOFF": (
        _("Least similarity of a payer's name"),
        _("A customer name less similar than this (0 to 100) is not a candidate for the payer."),
    ),
    "STATEMENT_SCHEDULE_DEFAULT": (
        _("Statements of account by default"),
        _("monthly, quarterly or none: for customers without a schedule of their own."),
    ),
    "STATEMENT_SEND_DAY": (
        _("Day of the month statements are sent"),
        _("On this day the daily job sends the statements of the period just ended."),
    ),
    "STATEMENT_LINK_DAYS": (
        _("Days a statement's answer link stays valid"),
        _("After this many days the customer's link shows that it has expired."),
    ),
    "KPI_COUNTBACK_MONTHS": (
        _("Months the countback DSO looks back"),
        _("The countback DSO subtracts monthly credit sales from the AR for at most this many months."),
    ),
    "PROVISION_METHOD": (
        _("How loss rates are set for the bad-debt provision"),
        _("roll_rate: from the company's own history; manual: the matrix below."),
    ),
    "PROVISION_WINDOW_MONTHS": (
        _("Months of history behind the roll rates"),
        _("The roll rates are measured over this many months before the provision date."),
    ),
    "PROVISION_LAST_BUCKET_LOSS_RATE": (
        _("Loss rate of the oldest aging bucket"),
        _("The share of a balance in the last bucket that is expected to be lost (1 = all of it)."),
    ),
    "PROVISION_FORWARD_LOOKING_ADJUSTMENT": (
        _("Forward-looking adjustment of the loss rates"),
        _("Every historical loss rate is multiplied by 1 plus this (e.g. 0.10 for 10% worse), at most 100%."),
    ),
    "PROVISION_SEGMENT_BY": (
        _("Loss rates per segment"),
        _(
            "One matrix for all customers, or roll rates measured per credit class, department "
            "or risk segment (premium, normal, high risk)."
        ),
    ),
    "PROVISION_MANUAL_RATES": (
        _("Loss rates set by hand, by aging bucket"),
        _("Used when the method is manual: the share of each bucket's balance provided for."),
    ),
    "PROVISION_ACCOUNTS": (
        _("Accounts of the provision's journal lines"),
        _("The general-ledger accounts debited (impairment loss) and credited (allowance)."),
    ),
    "WARNING_CREDIT_USAGE": (
        _("Early warning: credit used (share of the limit)"),
        _("A customer whose open receivables and orders reach this share of its credit limit is warned of."),
    ),
    "WARNING_OVERDUE_DAYS": (
        _("Early warning: days overdue"),
        _("An invoice overdue more than this many days is warned of once, when it crosses."),
    ),
    "WARNING_LARGE_INVOICE_AMOUNT": (
        _("Early warning: large invoice amount"),
        _("An invoice this large of a customer of the classes below falling due soon is warned of."),
    ),
    "WARNING_DUE_SOON_DAYS": (
        _("Early warning: falling due within (days)"),
        _("How many days ahead a large invoice falling due is warned of."),
    ),
    "WARNING_DUE_SOON_CLASSES": (
        _("Early warning: classes of the large-invoice rule"),
        _("The credit classes whose large invoices falling due are warned of, e.g. CD."),
    ),
    "WARNING_PAYMENT_SCORE_DROP": (
        _("Early warning: fall of the payment score"),
        _("A payment score this many points below the previous month's is a worsening payment pattern."),
    ),
    "WARNING_EVENT_LOOKBACK_DAYS": (
        _("Early warning: events of the last (days)"),
        _("Broken promises, downgrades and invoices crossing the threshold this recent are still warned of."),
    ),
    "WARNING_GRADES": (
        _("Early warning: grade of each rule"),
        _("1 info, 2 warning, 3 severe, by rule."),
    ),
    "WARNING_RECIPIENT_GRADE_1": (
        _("Early warning: who receives grade 1 (info)"),
        _("collector (the customer's collector) or a role such as credit_manager or cfo."),
    ),
    "WARNING_RECIPIENT_GRADE_2": (
        _("Early warning: who receives grade 2 (warning)"),
        _("collector (the customer's collector) or a role such as credit_manager or cfo."),
    ),
    "WARNING_RECIPIENT_GRADE_3": (
        _("Early warning: who receives grade 3 (severe)"),
        _("collector (the customer's collector) or a role such as credit_manager or cfo."),
    ),
    "PLAN_TARGET_DEFAULTS": (
        _("Clearance plan: default goals of a new plan"),
        _("Percentages, and days for the collection cycle; each plan's goals are edited on its page."),
    ),
    "PLAN_MONTHS": (
        _("Clearance plan: length (months)"),
        _("A new plan runs this many months from its baseline date."),
    ),
    "PLAN_TURNOVER_BASELINE_DAYS": (
        _("Clearance plan: days of the baseline turnover"),
        _("The turnover growth compares the plan's turnover with that of this many days up to the baseline."),
    ),
    "PLAN_REPORT_ROLES": (
        _("Clearance plan: roles that get the monthly report"),
        _("Roles separated by commas (cfo, credit_manager …), when a new plan names no recipient."),
    ),
    "PLAN_NON_WORKING_DAYS": (
        _("Clearance plan: public holidays"),
        _("Weekdays that are not working days (YYYY-MM-DD, separated by commas): the monthly report waits."),
    ),
    "WRITE_OFF_CFO_THRESHOLD": (
        _("Write-offs the CFO approves too, from"),
        _(
            "A write-off of this amount or more (functional currency) goes to the CFO "
            "after the credit manager."
        ),
    ),
    "RED_LETTER_LAPSE_HOURS": (
        _("Hours a red-letter confirmation form waits"),
        _("A red-letter correction its customer has not confirmed within this many hours lapses."),
    ),
    "TAIL_WRITE_OFF_UNDER": (
        _("Rounding tails: open balances under"),
        _("An invoice with less than this open (functional currency) is a tail (尾差), written off in bulk."),
    ),
    "WRITE_OFF_EVIDENCE_MAX_BYTES": (
        _("Largest evidence file of a write-off (bytes)"),
        _("A court ruling, a bankruptcy notice …: a larger file is refused."),
    ),
    "REPORT_TREND_WEEKS": (
        _("Weeks of trend in the weekly report"),
        _("The weekly report shows receipts, overdue balance, overdue ratio and DSO for this many weeks."),
    ),
    "REPORT_TREND_MONTHS": (
        _("Months of trend in the monthly report"),
        _("The monthly report's charts of DSO, collection rate and balances cover this many months."),
    ),
    "REPORT_NON_WORKING_DAYS": (
        _("Public holidays (no report sent)"),
        _("Dates as YYYY-MM-DD separated by spaces: weekends and these days send no report."),
    ),
    "REPORT_TARGET_COLLECTION_RATE": (
        _("Target: collection rate at least (%)"),
        _("The annual report compares the year's collection rate with this."),
    ),
    "REPORT_TARGET_COLLECTION_CYCLE_DAYS": (
        _("Target: average collection cycle at most (days)"),
        _("The annual report compares the year's average days from invoice to payment with this."),
    ),
    "REPORT_TARGET_BAD_DEBT_RATIO": (
        _("Target: bad-debt ratio under (%)"),
        _("The annual report compares what was written off, as a share of credit sales, with this."),
    ),
    "REPORT_TARGET_OVERDUE_CLEARANCE": (
        _("Target: overdue clearance at least (%)"),
        _("The annual report compares the share of the overdue balance at the year's start collected since."),
    ),
}

# Sub-keys of nested settings: classes stay as letters; the rest get words.
# The provision's buckets and journal accounts.
PROVISION_KEYS = {
    "current": _("not yet due"),
    "impairment_loss": _("credit impairment loss"),
    "allowance": _("allowance for bad debts"),
}
ALTMAN_RATIOS = {
    "x1_working_capital_to_assets": _("X1 working capital / total assets"),
    "x2_retained_earnings_to_assets": _("X2 retained earnings / total assets"),
    "x3_ebit_to_assets": _("X3 EBIT / total assets"),
    "x4_equity_to_liabilities": _("X4 equity / total liabilities"),
    "x5_sales_to_assets": _("X5 sales / total assets"),
}
ZONES = {"safe": _("safe zone"), "grey": _("grey zone"), "distress": _("distress zone")}
SUB_KEYS = {
    **ZONES,
    **SCORES,
    **SEGMENTS,
    **INDUSTRY_POSITIONS,
    **dict(WarningRule.choices),
    **PROVISION_KEYS,
    **dict(PlanMetric.choices),
}
# The scheduled jobs of huikuan/jobs/registry.py, by name.
JOBS = {
    "promises": _("Promises and payment plans checked"),
    "dunning": _("Daily dunning run"),
    "statements": _("Statements of account sent"),
    "email_retry": _("Failed emails retried"),
    "credit_monthly": _("Monthly credit classification"),
    "credit_quarterly": _("Quarterly credit review"),
    "warnings": _("Early warnings raised"),
    "plan_report": _("Clearance plans' monthly progress reports"),
    "scorecards_monthly": _("Monthly staff scorecards"),
    "check_ins": _("Periodic check-in reminders"),
    "red_letter_lapse": _("Red-letter corrections unconfirmed in time lapse"),
    "reports": _("Management reports sent"),
    "kpi_trend": _("Monthly KPIs stored for the trends"),
    "bills_remind": _("Acceptance bills to present: reminders"),
    "risk": _("Late-payment model retrained and scores made"),
}

# Who changed a record when no signed-in user did (``huikuan.core.audit``): the source of the
# change, then the operating-system user that ran it, "dunning:root" or "import:invoices:root".
AUDIT_SOURCES = {
    "dunning": _("dunning run"),
    "demo": _("demo data"),
    "cli": _("command line"),
    "import": _("import"),
    "queued": _("background task"),
}

_MAPS: dict[str, dict] = {
    "step": STEPS,
    "policy": POLICIES,
    "segment": SEGMENTS,
    "role": ROLES,
    "approval_step": APPROVAL_STEPS,
    "approval_kind": APPROVAL_KINDS,
    "industry": INDUSTRY_POSITIONS,
    "score": SCORES,
    "channel": CHANNELS,
    "outcome": OUTCOMES,
    "sub_key": SUB_KEYS,
    "job": JOBS,
    "write_off_reason": WRITE_OFF_REASONS,
    "altman_ratio": ALTMAN_RATIOS,
    "risk_reason": RISK_REASONS,
}


def label(value: Any, kind: str) -> str:
    """The display label of ``value``, a code of ``kind`` (a key of ``_MAPS``); unknown
    codes as they are."""
    if value is None:
        return ""
    found = _MAPS[kind].get(value)
    return str(found) if found is not None else str(value)


# The settings that take one of a few values: each value in words, so that the settings page
# offers a list instead of a code to type (the empty value: not set).
SETTING_CHOICES: dict[str, tuple[tuple[str, Any], ...]] = {
    "PROVISION_SEGMENT_BY": (
        ("", _("one matrix for all customers")),
        ("class", _("per credit class")),
        ("department", _("per department")),
        ("risk", _("per risk segment (premium, normal, high risk)")),
    ),
    "PROVISION_METHOD": (
        ("roll_rate", _("roll rates from the company's own history")),
        ("manual", _("rates set by hand")),
    ),
    "CASH_UNREFERENCED_PARTIAL": (
        ("review", _("a person decides")),
        ("oldest_first", _("applied to the oldest open invoices first")),
    ),
    "CASH_DIFFERENCE_TREATMENT": (
        ("leave_open", _("left open on the invoice")),
        ("write_off", _("written off with the reason below")),
    ),
    "STATEMENT_SCHEDULE_DEFAULT": (
        ("monthly", _("monthly")),
        ("quarterly", _("quarterly")),
        ("none", _("none")),
    ),
    "PRICE_APPROVAL_FOR_AB": (
        ("strict", _("the same rule as class C and D")),
        ("relaxed", _("the sales manager's power reaches down to break-even")),
    ),
    "BILLS_BANK_EXPOSURE": (
        ("drop", _("out of the exposure once received")),
        ("until_honoured", _("kept until honoured at maturity")),
    ),
    "CREDIT_FEE_CHARGE": (
        ("debit_note", _("a receivable of its own (debit note)")),
        ("order_surcharge", _("added to the customer's next order")),
        ("none", _("shown only")),
    ),
}


def setting_choices(key: str) -> list[tuple[str, str]]:
    """The values a setting takes, each in words; empty for a setting typed freely."""
    return [(value, str(words)) for value, words in SETTING_CHOICES.get(key, ())]


def setting_label(key: str) -> str:
    found = SETTINGS.get(key)
    return str(found[0]) if found else key


def setting_help(key: str) -> str:
    found = SETTINGS.get(key)
    return str(found[1]) if found else ""


def approval_kind(kind: str) -> str:
    """A kind of approval request in words: the label its app registered, else ours."""
    found = APPROVAL_KINDS.get(kind)
    return str(found) if found is not None else kind_label(kind)


def audit_who(actor_email: str) -> str:
    """The "who" of an audit entry without a user, in words: ``dunning:root`` → 催收运行（root）."""
    source, _sep, rest = (actor_email or "").partition(":")
    if source not in AUDIT_SOURCES or not rest:
        return actor_email
    return _("%(source)s (%(user)s)") % {"source": AUDIT_SOURCES[source], "user": rest.rsplit(":", 1)[-1]}
