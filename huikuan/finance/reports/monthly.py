"""The monthly report (月报): balance, aging, DSO and the KPIs, the bad-debt provision and its
change, payment habits, overdue reasons and the clearance plan's progress.

Every figure comes from the selector that owns it: the aging (``aging_report``), the KPIs
(``kpi_report``), the provision and its change since the previous month-end
(``provision_change``), the overdue reasons (collections' ``overdue_reason_breakdown``).
Payment habits are this module's own: of what was paid on invoices in the month (allocations
dated in it), the share paid by the due date and 1–30, 31–60 and over 60 days late, by the
customer's credit class, summed in SQL.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import connection

from huikuan.collections.performance import overdue_reason_breakdown
from huikuan.core.money import HUNDRED, PERCENT_PLACES, from_minor_units, quantize_ratio
from huikuan.core.policy import policy_value
from huikuan.credit.figures import functional_sql
from huikuan.finance.figures import days_between_sql
from huikuan.finance.kpi_trend import month_figures, stored_months, trend_months
from huikuan.finance.models import ClearancePlan, PlanStatus
from huikuan.finance.plan_progress import plan_progress
from huikuan.finance.provision import BUCKETS
from huikuan.finance.provision_report import bucket_summary
from huikuan.finance.provisioning import journal_lines, provision_change
from huikuan.finance.reports.periods import month_bounds
from huikuan.finance.selectors import kpi_report
from huikuan.reporting.selectors import aging_report

ZERO = Decimal(0)
HABIT_BANDS = ("on_time", "late_1_30", "late_31_60", "late_61_plus")


def _share(part: Decimal, whole: Decimal) -> str | None:
    return None if not whole else str(quantize_ratio(part * HUNDRED / whole, PERCENT_PLACES))


def payment_habits(*, first_day: date, last_day: date) -> list[dict]:
    """Per credit class: paid in the period, and how much of it on time or late by band."""
    late = days_between_sql("a.allocation_date", "i.due_date")
    amount = functional_sql("i", "a.amount")
    conditions = (f"{late} <= 0", f"{late} BETWEEN 1 AND 30", f"{late} BETWEEN 31 AND 60", f"{late} > 60")
    sums = ", ".join(f"CAST(SUM(CASE WHEN {c} THEN {amount} ELSE 0 END) AS BIGINT)" for c in conditions)
    sql = (
        f"SELECT c.credit_class, {sums} FROM ledger_allocation a "
        "JOIN ledger_invoice i ON i.id = a.invoice_id JOIN ledger_customer c ON c.id = i.customer_id "
        "WHERE a.allocation_date >= %(first)s AND a.allocation_date <= %(last)s GROUP BY c.credit_class"
    )
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        cursor.execute(sql, {"first": adapt(first_day), "last": adapt(last_day)})
        found = cursor.fetchall()
    rows = []
    for credit_class, *bands in sorted(found, key=lambda row: row[0] or "~"):
        amounts = [from_minor_units(value or 0) for value in bands]
        paid = sum(amounts, ZERO)
        rows.append(
            {
                "class": credit_class or "",
                "paid": f"{paid:.2f}",
                **{band: f"{value:.2f}" for band, value in zip(HABIT_BANDS, amounts, strict=True)},
                **{
                    f"{band}_pct": _share(value, paid)
                    for band, value in zip(HABIT_BANDS, amounts, strict=True)
                },
            }
        )
    return rows


def plan_section(as_of: date) -> dict | None:
    """The progress at ``as_of`` of the newest clearance plan (清欠方案) whose baseline is before
    it, for the monthly report: each target's goal against its actual; None without a plan."""
    plan = (
        ClearancePlan.objects.filter(baseline_date__lt=as_of, status=PlanStatus.ACTIVE)
        .order_by("-baseline_date", "-pk")
        .first()
    )
    if plan is None:
        return None
    progress = plan_progress(plan=plan, as_of=as_of)
    return {
        "title": plan.name,
        "baseline": plan.baseline_date.isoformat(),
        "rows": [
            {
                "target": str(row["label"]),
                "goal": row["goal"],
                "actual": row["actual"] or "—",
                "met": bool(row["met"]),
            }
            for row in progress.target_rows()
        ],
    }


def month_trend(*, last_day: date, months: int) -> list[dict]:
    """The KPI report's total of each of the last ``months`` months up to ``last_day``: as the
    daily ``kpi_trend`` job stored it, else computed now."""
    spans = trend_months(last_day, months)
    stored = stored_months(spans)
    rows = []
    for start, end in spans:
        figures = stored.get(start) or month_figures(start, end)
        rows.append(
            {
                "month": f"{start:%Y-%m}",
                **{name: figures[name] for name in ("receivables", "overdue", "receipts")},
                **{name: figures[name] for name in ("dso", "bpdso", "collection_rate", "overdue_ratio")},
            }
        )
    return rows


def monthly_report(*, month: date, as_of: date | None = None) -> dict:
    """The report of ``month``'s month, up to ``as_of`` when that is within it."""
    first_day, last_day = month_bounds(month)
    if as_of is not None and first_day <= as_of < last_day:
        last_day = as_of
    aging = aging_report(as_of=last_day, group_by="class")
    buckets = aging.total_buckets()
    kpis = kpi_report(first_day=first_day, last_day=last_day)
    now, before = provision_change(as_of=last_day)
    matrix: dict[str, list[Decimal]] = {bucket: [ZERO, ZERO] for bucket in BUCKETS}
    for row in bucket_summary(now):
        matrix[row["bucket"]][0] += Decimal(row["balance"])
        matrix[row["bucket"]][1] += Decimal(row["provision"])
    reasons = overdue_reason_breakdown(as_of=last_day)
    overdue_total = sum((row.overdue_balance for row in reasons), ZERO)
    total = kpis.total
    return {
        "kind": "monthly",
        "month": f"{first_day:%Y-%m}",
        "from": first_day.isoformat(),
        "to": last_day.isoformat(),
        "currency": policy_value("FUNCTIONAL_CURRENCY"),
        "balance": {
            "receivables": f"{total.ending_ar:.2f}",
            "previous_receivables": f"{total.opening_ar:.2f}",
            "current": f"{total.ending_current_ar:.2f}",
            "overdue": f"{total.ending_ar - total.ending_current_ar:.2f}",
            "credit_sales": f"{total.credit_sales:.2f}",
            "receipts": f"{total.receipts:.2f}",
            "written_off": f"{total.written_off:.2f}",
        },
        "aging": {
            "buckets": {name: f"{value:.2f}" for name, value in buckets.items()},
            "by_class": [
                {"class": row.key, **{name: f"{value:.2f}" for name, value in row.buckets.items()}}
                for row in aging.rows
            ],
        },
        "kpis": kpis.as_dict()["total"],
        "trend": month_trend(last_day=last_day, months=int(policy_value("REPORT_TREND_MONTHS"))),
        "provision": {
            "method": now.method,
            "by": now.segment_by,
            "banded_by_heuristic": len(now.banded_by_heuristic),
            # Segmented: each segment's balance, loss rate and provision by bucket.
            "matrix": bucket_summary(now) if now.segment_by else [],
            "provision": f"{now.total:.2f}",
            "previous_as_of": before.as_of.isoformat(),
            "previous": f"{before.total:.2f}",
            "change": f"{now.total - before.total:.2f}",
            "buckets": [
                {"bucket": bucket, "balance": f"{values[0]:.2f}", "provision": f"{values[1]:.2f}"}
                for bucket, values in matrix.items()
            ],
            "specific": f"{sum((line.provision for line in now.specific), ZERO):.2f}",
            "journal": [
                {"account": account, "debit": f"{debit:.2f}", "credit": f"{credit:.2f}"}
                for account, debit, credit in journal_lines(now, before)
            ],
        },
        "payment_habits": payment_habits(first_day=first_day, last_day=last_day),
        "overdue_reasons": [
            {
                "reason": row.reason,
                "customers": row.customers,
                "overdue": f"{row.overdue_balance:.2f}",
                "share": _share(row.overdue_balance, overdue_total),
            }
            for row in sorted(reasons, key=lambda r: (-r.overdue_balance, r.reason))
        ],
        "plan": plan_section(last_day),
    }
