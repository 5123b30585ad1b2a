"""The dashboard: the user's receivables today."""

from __future__ import annotations

from decimal import Decimal

from django.shortcuts import render
from django.utils import timezone

from huikuan.accounts.access import access_customer_ids, access_payments
from huikuan.core.money import PERCENT_PLACES, quantize_ratio
from huikuan.reporting.receivables import payments_received
from huikuan.reporting.selectors import aging_report
from huikuan.web.charts import bar_chart
from huikuan.web.views.common import staff_page

TOP_OVERDUE = 10


@staff_page
def dashboard(request):
    today = timezone.localdate()
    report = aging_report(as_of=today, customer_ids=access_customer_ids(user=request.user))
    totals = report.total_buckets()
    total = sum(totals.values(), Decimal(0))
    overdue = total - totals["current"]
    overdue_by_customer = sorted(
        ((row.balance - row.buckets["current"], row) for row in report.rows),
        key=lambda pair: (-pair[0], pair[1].key),
    )
    top_overdue = [
        {"code": row.key, "name": row.name, "overdue": amount, "balance": row.balance}
        for amount, row in overdue_by_customer[:TOP_OVERDUE]
        if amount > 0
    ]
    collected = payments_received(
        payments=access_payments(user=request.user), start=today.replace(day=1), end=today
    )
    context = {
        "as_of": today,
        "currency": report.currency,
        "total": total,
        "overdue": overdue,
        "overdue_ratio": quantize_ratio(overdue * 100 / total, PERCENT_PLACES) if total else Decimal("0.00"),
        "chart": bar_chart(list(totals.items())),
        "top_overdue": top_overdue,
        "collected": collected,
    }
    return render(request, "web/dashboard.html", context)
