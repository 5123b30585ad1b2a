"""The KPIs page: the table of ``huikuan kpi`` for a period, and a six-month trend."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huikuan.accounts.access import is_scoped
from huikuan.core.errors import RuleViolation
from huikuan.finance.kpis import KPI_NAMES
from huikuan.finance.reports.labels import KPI_LABELS
from huikuan.finance.selectors import KPI_GROUPINGS, kpi_report
from huikuan.web.charts import line_chart
from huikuan.web.fields import BusinessDateField
from huikuan.web.forms import DATE
from huikuan.web.views.common import staff_page

TREND_MONTHS = 6
GROUP_LABELS = {
    "company": gettext_lazy("company"),
    "department": gettext_lazy("department"),
    "salesperson": gettext_lazy("salesperson"),
    "collector": gettext_lazy("collector"),
    "class": gettext_lazy("credit class"),
    "currency": gettext_lazy("currency"),
}


class KpiForm(forms.Form):
    first = BusinessDateField(label=gettext_lazy("from"), widget=DATE)
    last = BusinessDateField(label=gettext_lazy("to"), widget=DATE)
    by = forms.ChoiceField(
        label=gettext_lazy("group by"), choices=[(g, GROUP_LABELS[g]) for g in KPI_GROUPINGS]
    )


def _trend(last_day) -> tuple[list[str], dict[str, list[Decimal | None]]]:
    """DSO and best possible DSO of each of the last months up to ``last_day``, company-wide."""
    months, end = [], last_day
    for _index in range(TREND_MONTHS):
        start = end.replace(day=1)
        months.append((start, end))
        end = start - timedelta(days=1)
    labels, dso, bpdso = [], [], []
    for start, end in reversed(months):
        total = kpi_report(first_day=start, last_day=end).as_dict()["total"]
        labels.append(end.strftime("%Y-%m"))
        dso.append(None if total["dso"] is None else Decimal(total["dso"]))
        bpdso.append(None if total["bpdso"] is None else Decimal(total["bpdso"]))
    return labels, {str(KPI_LABELS["dso"]): dso, str(KPI_LABELS["bpdso"]): bpdso}


@staff_page
def kpis(request):
    if is_scoped(request.user):
        raise PermissionDenied(_("The KPIs cover the whole ledger: your role sees only some customers."))
    today = timezone.localdate()
    initial = {
        "first": (today.replace(day=1) - timedelta(days=62)).replace(day=1),
        "last": today,
        "by": "company",
    }
    form = KpiForm(request.GET or initial)
    if not form.is_valid():
        return render(request, "web/kpis.html", {"form": form}, status=400)
    first, last, group_by = (form.cleaned_data[k] for k in ("first", "last", "by"))
    try:
        report = kpi_report(first_day=first, last_day=last, group_by=group_by).as_dict()
    except RuleViolation as error:
        form.add_error("first", str(error))
        return render(request, "web/kpis.html", {"form": form}, status=400)
    rows = [[row["key"] or "—", *(row[name] for name in KPI_NAMES)] for row in report["rows"]]
    labels, series = _trend(last)
    context = {
        "form": form,
        "report": report,
        "header": [GROUP_LABELS[group_by], *(KPI_LABELS[name] for name in KPI_NAMES)],
        "rows": rows,
        "total": [report["total"][name] for name in KPI_NAMES],
        "chart": line_chart(labels, series),
    }
    return render(request, "web/kpis.html", context)
