"""Collections reporting: performance, overdue clearance and overdue reasons, as a page or a file."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from huikuan.accounts.access import access_customer_ids
from huikuan.collections.models import OverdueReasonCode
from huikuan.collections.performance import (
    collections_performance,
    overdue_clearance,
    overdue_reason_breakdown,
)
from huikuan.core.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, Sheet, csv_bytes, xlsx_bytes
from huikuan.reporting.exports import clearance_sheet, performance_sheet, reasons_sheet
from huikuan.web.charts import bar_chart
from huikuan.web.views.collections.common import collections_page, day_of


@collections_page("collections.view_dunningaction")
def reports(request: HttpRequest) -> HttpResponse:
    end = day_of(request, "end")
    start = day_of(request, "start", default=end - timedelta(days=30))
    by = request.GET.get("by", "collector")
    if by not in ("collector", "team"):
        by = "collector"
    # Collectors and salespeople see the figures of their own customers only (SPEC §1).
    mine = access_customer_ids(user=request.user)
    performance = collections_performance(start=start, end=end, by=by, customer_ids=mine)
    clearance = overdue_clearance(start=start, as_of=end, by=by, customer_ids=mine)
    reasons = overdue_reason_breakdown(as_of=end, customer_ids=mine)
    labels = dict(OverdueReasonCode.choices)
    labelled_reasons = [(labels.get(row.reason, row.reason or _("none")), row) for row in reasons]
    if request.GET.get("format") in ("csv", "xlsx"):
        sheets = {
            "performance": performance_sheet(performance, by=by),
            "clearance": clearance_sheet(clearance, by=by),
            "reasons": reasons_sheet(labelled_reasons),
        }
        return _report_file(request, sheets, f"collections-{start}-{end}-{by}")
    chart = bar_chart(
        [(str(labels.get(row.reason, row.reason or _("none"))), row.overdue_balance) for row in reasons]
    )
    return render(
        request,
        "web/collections/reports.html",
        {
            "start": start,
            "end": end,
            "start_iso": start.isoformat(),
            "end_iso": end.isoformat(),
            "by": by,
            "performance": performance,
            "clearance": clearance,
            "reasons": labelled_reasons,
            "chart": chart,
        },
    )


def _report_file(request: HttpRequest, sheets: dict[str, Sheet], name: str) -> HttpResponse:
    """format=xlsx: one workbook with every table of the page; format=csv: one table
    (``table=performance|clearance|reasons``, performance by default)."""
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(xlsx_bytes(*sheets.values()), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    table = request.GET.get("table", "performance")
    if table not in sheets:
        table = "performance"
    response = HttpResponse(csv_bytes(sheets[table]), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}-{table}.csv"'
    return response
