"""The management reports' pages: the list of the five with their schedules, each report
with its period picker, charts, tables and its PDF and XLSX (``huikuan.finance.reports``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from huikuan.accounts.access import access_customers, is_scoped
from huikuan.accounts.permissions import may, require
from huikuan.core.audit import audit_context
from huikuan.core.errors import RuleViolation
from huikuan.core.exports import XLSX_CONTENT_TYPE
from huikuan.finance.models import ReportFile, ReportFileStatus, ReportKind, ReportSchedule
from huikuan.finance.reports.build import report_build, report_document
from huikuan.finance.reports.charts import chart_data_uri
from huikuan.finance.reports.document import ReportDocument
from huikuan.finance.reports.files import report_file_request
from huikuan.finance.reports.periods import KINDS, SPECIAL, report_day
from huikuan.finance.reports.schedules import report_schedule_delete, report_schedule_save
from huikuan.ledger.models import Language
from huikuan.web.fields import BusinessDateField, TextField
from huikuan.web.forms import DATE
from huikuan.web.labels import ROLES
from huikuan.web.views.common import page_for

KIND_NAMES = {
    "daily": gettext_lazy("Daily report"),
    "weekly": gettext_lazy("Weekly report"),
    "monthly": gettext_lazy("Monthly report"),
    "special": gettext_lazy("Special report (one customer)"),
    "annual": gettext_lazy("Annual report"),
}
KIND_HELP = {
    "daily": gettext_lazy("Receipts, invoices newly overdue, promises falling due and actions done."),
    "weekly": gettext_lazy(
        "For the CFO: the trend of receipts, overdue balance and DSO, and the week's warnings."
    ),
    "monthly": gettext_lazy(
        "Balance and aging, DSO and the KPIs, the bad-debt provision, payment habits and overdue reasons."
    ),
    "special": gettext_lazy("One customer: credit standing, history, promises, disputes and legal steps."),
    "annual": gettext_lazy("Each of the year's targets against its actual, month by month."),
}
NUMERIC = {"money", "percent", "number", "count"}


class PeriodForm(forms.Form):
    day = BusinessDateField(label=gettext_lazy("date"), widget=DATE, required=False)
    month = forms.RegexField(
        label=gettext_lazy("month"),
        regex=r"^\d{4}-\d{2}$",
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
    )
    year = forms.IntegerField(label=gettext_lazy("year"), min_value=1900, max_value=2199, required=False)
    customer = TextField(label=gettext_lazy("customer code"), max_length=64, required=False)


class ScheduleForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("report"), choices=ReportKind.choices)
    roles = forms.MultipleChoiceField(
        label=gettext_lazy("roles"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(role, ROLES[role]) for role in ROLES if role != "customer"],
    )
    addresses = TextField(
        label=gettext_lazy("addresses (separated by commas)"), required=False, max_length=2000
    )
    language = forms.ChoiceField(label=gettext_lazy("language"), choices=Language.choices)
    enabled = forms.BooleanField(label=gettext_lazy("enabled"), required=False, initial=True)


def _reader(request: HttpRequest) -> None:
    if is_scoped(request.user):
        raise PermissionDenied(_("The reports cover the whole ledger: your role sees only some customers."))


def _cell(value: object, kind: str) -> str:
    if value is None or value == "":
        return "–"
    if kind == "money" and isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _page_sections(document: ReportDocument) -> list[dict]:
    """The document's sections with each chart drawn as SVG and each cell as text."""
    sections = []
    for section in document.sections:
        tables = []
        for table in section.tables:
            kinds = [column.kind for column in table.columns]
            numeric = [kind in NUMERIC for kind in kinds]
            rows = [
                [(_cell(v, k), n) for v, k, n in zip(row, kinds, numeric, strict=False)] for row in table.rows
            ]
            total = None
            if table.total is not None:
                total = [(_cell(v, k), n) for v, k, n in zip(table.total, kinds, numeric, strict=False)]
            tables.append(
                {
                    "table": table,
                    "header": list(zip(table.columns, numeric, strict=True)),
                    "rows": rows,
                    "total": total,
                }
            )
        charts = [
            {"title": chart.title, "uri": chart_data_uri(chart)}
            for chart in section.charts
            if not chart.empty
        ]
        sections.append({"section": section, "charts": charts, "tables": tables})
    return sections


def _resolved(request: HttpRequest, kind: str) -> tuple[PeriodForm, tuple[date, object] | None]:
    """The form, and the day and customer asked for (None with the form's errors)."""
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return form, None
    values = form.cleaned_data
    customer = None
    if kind == SPECIAL:
        code = (values.get("customer") or "").strip()
        if not code:
            return form, None
        customer = access_customers(user=request.user).filter(code=code).first()
        if customer is None:
            form.add_error("customer", _("No customer %(code)s.") % {"code": code})
            return form, None
    try:
        day = report_day(
            kind=kind,
            today=timezone.localdate(),
            day=values.get("day"),
            month=values.get("month") or None,
            year=values.get("year"),
        )
    except ValueError as error:
        form.add_error(None, str(error))
        return form, None
    return form, (day, customer)


def _requested(request: HttpRequest, kind: str) -> tuple[PeriodForm, dict | None]:
    """The form and the report's data (None with the form's errors)."""
    form, resolved = _resolved(request, kind)
    if resolved is None:
        return form, None
    day, customer = resolved
    try:
        return form, report_build(kind=kind, day=day, customer=customer)
    except RuleViolation as error:
        form.add_error(None, str(error))
        return form, None


@page_for("staff.read")
def report_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    schedules = list(ReportSchedule.objects.order_by("kind", "pk"))
    kinds = dict(ReportKind.choices)
    return render(
        request,
        "web/reports/index.html",
        {
            "reports": [{"kind": kind, "name": KIND_NAMES[kind], "help": KIND_HELP[kind]} for kind in KINDS],
            "schedules": [
                {
                    "schedule": s,
                    "kind": kinds.get(s.kind, s.kind),
                    "roles": [str(ROLES.get(r, r)) for r in s.recipient_roles],
                    "language": dict(Language.choices).get(s.language, s.language),
                }
                for s in schedules
            ],
            "may_edit": may(request.user, "report_schedule.edit"),
            "form": ScheduleForm(initial={"language": translation.get_language() or Language.ZH_HANS}),
        },
    )


@page_for("staff.read")
def report_page(request: HttpRequest, kind: str) -> HttpResponse:
    _reader(request)
    if kind not in KINDS:
        raise Http404
    form, data = _requested(request, kind)
    context = {"kind": kind, "name": KIND_NAMES[kind], "form": form, "query": request.GET.urlencode()}
    context["fields"] = [
        form[name]
        for name in {"monthly": ("month",), "annual": ("year",), "special": ("customer", "day")}.get(
            kind, ("day",)
        )
    ]
    if data is not None:
        document = report_document(data)
        context |= {"document": document, "sections": _page_sections(document)}
    status = 400 if form.errors else 200
    return render(request, "web/reports/report.html", context, status=status)


@page_for("staff.read")
def report_file(request: HttpRequest, kind: str, extension: str) -> HttpResponse:
    """The report as PDF or XLSX: drawn by a queued task (its data and charts take longer than a
    request may); this page waits for it and then hands the file over."""
    _reader(request)
    if kind not in KINDS or extension not in ("pdf", "xlsx"):
        raise Http404
    _form, resolved = _resolved(request, kind)
    if resolved is None:
        raise Http404
    day, customer = resolved
    made = report_file_request(
        kind=kind,
        day=day,
        customer_code=customer.code if customer else "",
        extension=extension,
        language=translation.get_language() or Language.ZH_HANS,
        requested_by=request.user.get_username(),
    )
    if made.status == ReportFileStatus.DONE:
        content = ReportFile.objects.values_list("content", flat=True).get(pk=made.pk)
        content_type = "application/pdf" if extension == "pdf" else XLSX_CONTENT_TYPE
        response = HttpResponse(bytes(content), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{made.file_name}"'
        return response
    context = {"name": KIND_NAMES[kind], "kind": kind, "file": made, "extension": extension.upper()}
    return render(request, "web/reports/preparing.html", context, status=202)


def _save_schedule(request: HttpRequest, schedule: ReportSchedule | None) -> HttpResponse:
    require(request.user, "report_schedule.edit")
    form = ScheduleForm(request.POST)
    if form.is_valid():
        values = form.cleaned_data
        try:
            with audit_context(actor=request.user, source="web"):
                report_schedule_save(
                    schedule=schedule,
                    kind=values["kind"],
                    roles=values["roles"],
                    addresses=[a for a in values["addresses"].replace(";", ",").split(",") if a.strip()],
                    language=values["language"],
                    enabled=values["enabled"],
                    updated_by=request.user.get_username(),
                )
            messages.success(request, _("Schedule saved."))
            return redirect("web:reports")
        except RuleViolation as error:
            form.add_error(None, str(error))
    return render(request, "web/reports/schedule.html", {"form": form, "schedule": schedule}, status=400)


@page_for("staff.read")
def schedule_add(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("web:reports")
    return _save_schedule(request, None)


@page_for("staff.read")
def schedule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = get_object_or_404(ReportSchedule, pk=pk)
    if request.method == "POST":
        return _save_schedule(request, schedule)
    _reader(request)
    form = ScheduleForm(
        initial={
            "kind": schedule.kind,
            "roles": schedule.recipient_roles,
            "language": schedule.language,
            "addresses": ", ".join(schedule.recipient_addresses),
            "enabled": schedule.enabled,
        }
    )
    return render(request, "web/reports/schedule.html", {"form": form, "schedule": schedule})


@require_POST
@page_for("staff.read")
def schedule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "report_schedule.edit")
    schedule = get_object_or_404(ReportSchedule, pk=pk)
    with audit_context(actor=request.user, source="web"):
        report_schedule_delete(schedule=schedule, deleted_by=request.user.get_username())
    messages.success(request, _("Schedule deleted."))
    return redirect("web:reports")
