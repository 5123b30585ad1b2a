"""The aging report as of any date, with drill-down to invoices and CSV/XLSX export."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from huikuan.accounts.access import access_customer_ids
from huikuan.core.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, csv_bytes, xlsx_bytes
from huikuan.finance.write_offs import written_off_between
from huikuan.reporting.exports import aging_sheet, aging_table, aging_words
from huikuan.reporting.selectors import aging_report
from huikuan.web.forms import AgingForm
from huikuan.web.views.common import staff_page

EXPORTS = {"csv": (csv_bytes, CSV_CONTENT_TYPE), "xlsx": (xlsx_bytes, XLSX_CONTENT_TYPE)}


@staff_page
def aging(request):
    form = AgingForm(request.GET or {"as_of": timezone.localdate(), "by": "customer", "basis": "due"})
    if not form.is_valid():
        return render(request, "web/aging.html", {"form": form}, status=400)
    as_of, group_by, basis = (form.cleaned_data[k] for k in ("as_of", "by", "basis"))
    report = aging_report(
        as_of=as_of, group_by=group_by, basis=basis, customer_ids=access_customer_ids(user=request.user)
    )
    export = request.GET.get("export")
    if export in EXPORTS:
        return _exported(report, export)
    header, rows = aging_table(report, one_label=True)
    words = aging_words()
    context = {
        "form": form,
        "report": report,
        "header": [words.get(column, column) for column in header],
        "label_columns": header.index("balance"),
        "rows": _with_drill_down(rows, header, report) if group_by == "customer" else _plain(rows),
        "query": urlencode({"as_of": as_of.isoformat(), "by": group_by, "basis": basis}),
        # A note: the bad debt written off in the year to the date is no longer in the aging.
        "bad_debt_since": as_of - timedelta(days=364),
        "bad_debt": written_off_between(
            first_day=as_of - timedelta(days=364),
            last_day=as_of,
            customer_ids=access_customer_ids(user=request.user),
        ),
    }
    return render(request, "web/aging.html", context)


def _plain(rows: list[list[str]]) -> list[list[dict]]:
    return [[{"text": cell, "href": ""} for cell in row] for row in rows]


def _with_drill_down(rows: list[list[str]], header: list[str], report) -> list[list[dict]]:
    """Each bucket amount of a customer row links to the invoices that make it up."""
    invoices_url = reverse("web:invoices")
    bucket_columns = {header.index(name): name for name in report.names}
    linked = []
    for index, row in enumerate(rows):
        is_customer_row = index < len(report.rows)
        cells = []
        for column, cell in enumerate(row):
            href = ""
            if is_customer_row and column in bucket_columns and cell != "0.00":
                query = {
                    "customer": row[0],
                    "as_of": report.as_of.isoformat(),
                    "basis": report.basis,
                    "bucket": bucket_columns[column],
                }
                href = f"{invoices_url}?{urlencode(query)}"
            cells.append({"text": cell, "href": href})
        linked.append(cells)
    return linked


def _exported(report, export: str) -> HttpResponse:
    """The page's lines, with headers in the user's language."""
    encode, content_type = EXPORTS[export]
    response = HttpResponse(encode(aging_sheet(report, labels="words")), content_type=content_type)
    name = f"aging-{report.as_of.isoformat()}-{report.group_by}-{report.basis}.{export}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
