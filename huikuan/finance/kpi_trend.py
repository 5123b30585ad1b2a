"""The KPIs page's month-by-month trend, computed by a job and stored (``KpiMonth``).

A KPI run over a large ledger takes seconds; the trend needs one per month. The daily
``kpi_trend`` job (and, when a page finds months missing, a queued task) computes the last
``TREND_MONTHS`` months company-wide; the page only reads what is stored and says which months
are still being computed. A closed month is computed again each day too: a payment or credit
note entered late, back-dated, changes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from huikuan.core.models import QueuedTask, TaskStatus
from huikuan.core.tasks import task_enqueue
from huikuan.finance.models import KpiMonth
from huikuan.finance.selectors import kpi_report

TREND_MONTHS = 6
# The job keeps a year and a month: the KPIs page's six months and the monthly and annual
# reports' trends of closed months read them too.
STORED_MONTHS = 13
TASK = "huikuan.finance.kpi_trend.kpi_months_refresh_task"


def trend_months(last_day: date, months: int = TREND_MONTHS) -> list[tuple[date, date]]:
    """(first day, last day) of each of the ``months`` months up to ``last_day``, oldest first;
    the last one ends on ``last_day``."""
    spans, end = [], last_day
    for _index in range(months):
        start = end.replace(day=1)
        spans.append((start, end))
        end = start - timedelta(days=1)
    return list(reversed(spans))


@dataclass
class Trend:
    labels: list[str] = field(default_factory=list)  # "2026-07" …
    figures: list[dict | None] = field(default_factory=list)  # the month's total, or None
    missing: list[str] = field(default_factory=list)  # the months not (yet) computed

    def series(self, name: str) -> list[Decimal | None]:
        return [
            None if figures is None or figures.get(name) is None else Decimal(figures[name])
            for figures in self.figures
        ]


def month_figures(first_day: date, last_day: date) -> dict:
    """The company-wide KPIs of a month (``huikuan kpi``'s total) with its ending receivables,
    overdue part and receipts, as decimal strings."""
    report = kpi_report(first_day=first_day, last_day=last_day)
    total = report.total
    return {
        **report.as_dict()["total"],
        "receivables": f"{total.ending_ar:.2f}",
        "overdue": f"{total.ending_ar - total.ending_current_ar:.2f}",
        "receipts": f"{total.receipts:.2f}",
    }


def stored_months(spans: list[tuple[date, date]]) -> dict[date, dict]:
    """The stored figures of each (first day, last day) span stored up to that last day."""
    wanted = dict(spans)
    return {
        row.month: row.figures
        for row in KpiMonth.objects.filter(month__in=list(wanted))
        if row.last_day == wanted[row.month]
    }


def kpi_trend(*, last_day: date, months: int = TREND_MONTHS) -> Trend:
    """The stored company-wide KPIs of each month up to ``last_day``; a month stored up to
    another day (the month in course, computed on another day) counts as missing."""
    spans = trend_months(last_day, months)
    stored = stored_months(spans)
    trend = Trend()
    for start, _end in spans:
        label = f"{start:%Y-%m}"
        trend.labels.append(label)
        trend.figures.append(stored.get(start))
        if start not in stored:
            trend.missing.append(label)
    return trend


def kpi_months_refresh(*, last_day: date, months: int = STORED_MONTHS) -> int:
    """Compute and store the company-wide KPIs of each month up to ``last_day``; how many."""
    for start, end in trend_months(last_day, months):
        figures = month_figures(start, end)
        with transaction.atomic():
            KpiMonth.objects.update_or_create(month=start, defaults={"last_day": end, "figures": figures})
    return months


def kpi_months_refresh_task(*, last_day: str, months: int = STORED_MONTHS) -> dict:
    """The queued refresh (from the KPIs page)."""
    return {"months": kpi_months_refresh(last_day=date.fromisoformat(last_day), months=months)}


def kpi_trend_enqueue(*, last_day: date, months: int = STORED_MONTHS) -> bool:
    """Queue the refresh up to ``last_day`` unless one is already waiting or running; whether
    one was queued."""
    kwargs = {"last_day": last_day.isoformat(), "months": months}
    waiting = QueuedTask.objects.filter(func=TASK, status__in=(TaskStatus.QUEUED, TaskStatus.RUNNING))
    if any(task_kwargs == kwargs for task_kwargs in waiting.values_list("kwargs", flat=True)):
        return False
    task_enqueue(func=TASK, kwargs=kwargs)
    return True
