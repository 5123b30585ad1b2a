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
from huikuan.finance.kpi_trend import kpi_trend, kpi_trend_enqueue
from huikuan.finance.kpis import KPI_NAMES
from huikuan.finance.reports.labels import KPI_LABELS
from huikuan.finance.selectors import KPI_GROUPINGS, kpi_report
from huikuan.web.charts import line_chart
from huikuan.web.fields import BusinessDateField
from huikuan.web.forms import DATE
from huikuan.web.views.common import staff_page

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


def _trend(last_day) -> tuple[list[str], dict[str, list[Decimal | None]], list[str]]:
    """DSO and best possible DSO of each of the last months up to ``last_day``, company-wide,
    as the ``kpi_trend`` job stored them; months not stored yet are queued for a worker (the
    request never computes them) and named."""
    trend = kpi_trend(last_day=last_day)
    if trend.missing:
        kpi_trend_enqueue(last_day=last_day)
    series = {str(KPI_LABELS[name]): trend.series(name) for name in ("dso", "bpdso")}
    return trend.labels, series, trend.missing


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
    labels, series, missing = _trend(last)
    context = {
        "form": form,
        "report": report,
        "header": [GROUP_LABELS[group_by], *(KPI_LABELS[name] for name in KPI_NAMES)],
        "rows": rows,
        "total": [report["total"][name] for name in KPI_NAMES],
        "chart": line_chart(labels, series),
        "trend_missing": missing,
    }
    return render(request, "web/kpis.html", context)
