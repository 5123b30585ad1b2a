"""The weekly report (周报, for the CFO): the trend of the last weeks and the week's risk warnings.

Each week runs Monday to Sunday; the report's week is the one holding ``as_of``, up to it.
Per week: receipts (payments dated in it), and at its end the receivables, the overdue
balance, the overdue ratio and DSO — the KPI report's own figures for the 90 days ending
that day (``kpi_report``; nothing is computed twice). The warnings are the early warnings
raised in the week (``huikuan.finance.early_warnings``), as their page words them.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from huikuan.core.exports import Column
from huikuan.core.policy import policy_value
from huikuan.credit import figures as credit_figures
from huikuan.finance.models import EarlyWarning, WarningGrade, WarningRule, WarningStatus
from huikuan.finance.reports.charts import BAR, LINE, STACKED, Chart
from huikuan.finance.reports.document import (
    Figure,
    ReportDocument,
    Section,
    Table,
    money,
    money_text,
    number_text,
)
from huikuan.finance.reports.periods import week_start
from huikuan.finance.selectors import kpi_report
from huikuan.finance.warning_selectors import warning_as_dict

ZERO = Decimal(0)
DSO_WINDOW_DAYS = 90


def week_figures(*, first_day: date, last_day: date) -> dict:
    """One week's row of the trend."""
    receipts = credit_figures.receipts_by_customer(first_day=first_day, last_day=last_day, by="currency")
    report = kpi_report(first_day=last_day - timedelta(days=DSO_WINDOW_DAYS - 1), last_day=last_day)
    total, values = report.total, report.as_dict()["total"]
    iso_year, iso_week, _day = first_day.isocalendar()
    return {
        "week": f"{iso_year}-W{iso_week:02d}",
        "from": first_day.isoformat(),
        "to": last_day.isoformat(),
        "receipts": f"{sum(receipts.values(), ZERO):.2f}",
        "receivables": f"{total.ending_ar:.2f}",
        "overdue": f"{total.ending_ar - total.ending_current_ar:.2f}",
        "overdue_ratio": values["overdue_ratio"],
        "dso": values["dso"],
    }


def weekly_report(*, as_of: date, weeks: int | None = None) -> dict:
    """The weekly report of ``as_of``'s week, with ``weeks`` weeks of trend (the setting)."""
    weeks = max(1, min(int(weeks or policy_value("REPORT_TREND_WEEKS")), 26))
    monday = week_start(as_of)
    trend = []
    for back in range(weeks - 1, -1, -1):
        start = monday - timedelta(weeks=back)
        trend.append(week_figures(first_day=start, last_day=min(start + timedelta(days=6), as_of)))
    warnings = list(
        EarlyWarning.objects.filter(raised_on__gte=monday, raised_on__lte=as_of)
        .select_related("customer", "invoice")
        .order_by("-grade", "raised_on", "pk")
    )
    first = monday - timedelta(weeks=weeks - 1)
    per_week: Counter = Counter()
    for raised_on, grade in EarlyWarning.objects.filter(
        raised_on__gte=first, raised_on__lte=as_of
    ).values_list("raised_on", "grade"):
        per_week[(week_start(raised_on).isoformat(), grade)] += 1
    return {
        "kind": "weekly",
        "from": monday.isoformat(),
        "to": as_of.isoformat(),
        "currency": policy_value("FUNCTIONAL_CURRENCY"),
        "trend": trend,
        "warnings": {
            "count": len(warnings),
            "by_grade": {str(g): sum(1 for w in warnings if w.grade == g) for g in WarningGrade.values},
            "by_rule": dict(sorted(Counter(w.rule for w in warnings).items())),
            "per_week": [
                {"week": row["week"], **{str(g): per_week[(row["from"], g)] for g in WarningGrade.values}}
                for row in trend
            ],
            "rows": [warning_as_dict(warning) for warning in warnings],
        },
    }


def weekly_document(data: dict) -> ReportDocument:
    trend, warnings = data["trend"], data["warnings"]
    labels = [row["week"][5:] for row in trend]
    this_week = trend[-1]
    previous = trend[-2] if len(trend) > 1 else None
    grades, rules = dict(WarningGrade.choices), dict(WarningRule.choices)
    statuses = dict(WarningStatus.choices)
    currency = data["currency"]

    def change(key: str) -> str:
        if previous is None or this_week[key] is None or previous[key] is None:
            return ""
        return _("week before: %(value)s") % {
            "value": money_text(previous[key]) if key != "dso" else previous[key]
        }

    trends = Section(
        _("Trends"),
        figures=[
            Figure(_("Receipts this week"), money_text(this_week["receipts"]), change("receipts")),
            Figure(_("Overdue balance"), money_text(this_week["overdue"]), change("overdue")),
            Figure(_("Overdue ratio %"), number_text(this_week["overdue_ratio"])),
            Figure(_("DSO (90 days)"), number_text(this_week["dso"]), change("dso")),
        ],
        charts=[
            Chart(
                BAR,
                _("Receipts per week"),
                labels,
                {_("Receipts"): [money(r["receipts"]) for r in trend]},
                unit=currency,
                highlight=len(trend) - 1,
            ),
            Chart(
                BAR,
                _("Receivables and overdue balance at each week's end"),
                labels,
                {
                    _("Receivables"): [money(r["receivables"]) for r in trend],
                    _("Overdue"): [money(r["overdue"]) for r in trend],
                },
                unit=currency,
            ),
            Chart(
                LINE,
                _("DSO and overdue ratio"),
                labels,
                {
                    _("DSO (90 days)"): [money(r["dso"]) for r in trend],
                    _("Overdue ratio %"): [money(r["overdue_ratio"]) for r in trend],
                },
            ),
        ],
        tables=[
            Table(
                _("Week by week"),
                [
                    Column(_("week")),
                    Column(_("from"), "date"),
                    Column(_("to"), "date"),
                    Column(_("receipts"), "money"),
                    Column(_("receivables"), "money"),
                    Column(_("overdue"), "money"),
                    Column(_("overdue ratio %"), "percent"),
                    Column(_("DSO (90 days)"), "number"),
                ],
                [
                    [
                        r["week"],
                        date.fromisoformat(r["from"]),
                        date.fromisoformat(r["to"]),
                        money(r["receipts"]),
                        money(r["receivables"]),
                        money(r["overdue"]),
                        money(r["overdue_ratio"]),
                        money(r["dso"]),
                    ]
                    for r in trend
                ],
            ),
        ],
    )
    risks = Section(
        _("Risk warnings of the week"),
        figures=[Figure(str(grades[int(g)]), str(n)) for g, n in warnings["by_grade"].items()],
        charts=[
            Chart(
                STACKED,
                _("Early warnings per week, by grade"),
                labels,
                {
                    str(grades[int(g)]): [Decimal(row[g]) for row in warnings["per_week"]]
                    for g in map(str, WarningGrade.values)
                },
            ),
        ],
        tables=[
            Table(
                _("Warnings"),
                [
                    Column(_("raised on"), "date"),
                    Column(_("grade")),
                    Column(_("rule")),
                    Column(_("customer")),
                    Column(_("name")),
                    Column(_("warning")),
                    Column(_("status")),
                ],
                [
                    [
                        date.fromisoformat(w["raised_on"]),
                        str(grades[w["grade"]]),
                        str(rules.get(w["rule"], w["rule"])),
                        w["customer_code"],
                        w["customer_name"],
                        w["message"],
                        str(statuses.get(w["status"], w["status"])),
                    ]
                    for w in warnings["rows"]
                ],
                empty_text=_("No early warning this week."),
            ),
        ],
    )
    period = f"{data['from']} – {data['to']}"
    return ReportDocument(
        "weekly",
        _("Weekly receivables report"),
        period,
        f"weekly-report-{this_week['week']}",
        [trends, risks],
    )
