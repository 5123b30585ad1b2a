"""Legal cases (法务) and collection agencies (第三方机构): the list page, a case's page and
their forms. Thin: ``huikuan.collections.legal``, ``.agencies`` and, to close a case,
``huikuan.finance.legal_cases``."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django import forms
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from huikuan.accounts.access import access_customers
from huikuan.accounts.permissions import may
from huikuan.collections.agencies import (
    access_agency_assignments,
    agencies,
    agency_assign,
    agency_assignment_end,
    agency_create,
    agency_recovery_record,
    assignment_totals,
)
from huikuan.collections.legal import (
    RECORDED_KINDS,
    legal_case_open,
    legal_case_record,
    legal_case_recovery_record,
    legal_document_add,
)
from huikuan.collections.legal_models import AgencyKind, AssignmentStatus, CaseStatus, CollectionAgency
from huikuan.collections.legal_selectors import access_legal_cases, case_file, case_invoices
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError
from huikuan.finance.legal_cases import legal_case_close
from huikuan.web.fields import TextField
from huikuan.web.views.collections.common import date_field, form_errors
from huikuan.web.views.common import page_for

SOURCE = "web:legal"


def _amount(label, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=18, decimal_places=2, min_value=0, required=required)


class CaseOpenForm(forms.Form):
    prefix = "case"
    customer = TextField(label=gettext_lazy("Customer code"), max_length=64)
    invoices = TextField(
        label=gettext_lazy("Invoices"),
        required=False,
        help_text=gettext_lazy(
            "Invoice numbers, separated by commas; none: all the customer's open invoices"
        ),
    )
    lawyer = TextField(label=gettext_lazy("Lawyer"), max_length=200, required=False)
    agency = forms.ModelChoiceField(
        label=gettext_lazy("Law firm or agency"), queryset=CollectionAgency.objects.all(), required=False
    )
    note = TextField(label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EventForm(forms.Form):
    prefix = "event"
    kind = forms.ChoiceField(
        label=gettext_lazy("Event"), choices=[(k.value, k.label) for k in RECORDED_KINDS]
    )
    occurred_on = date_field(gettext_lazy("Date"))
    court = TextField(label=gettext_lazy("Court"), max_length=200, required=False)
    court_case_number = TextField(label=gettext_lazy("Court case number"), max_length=100, required=False)
    amount = _amount(gettext_lazy("Amount"), required=False)
    text = TextField(label=gettext_lazy("Details"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RecoveryForm(forms.Form):
    prefix = "recovery"
    amount = _amount(gettext_lazy("Amount recovered"))
    received_on = date_field(gettext_lazy("Date received"))
    reference = TextField(label=gettext_lazy("Payment reference"), max_length=100, required=False)


class DocumentForm(forms.Form):
    prefix = "document"
    file = forms.FileField(label=gettext_lazy("File (PDF, JPEG or PNG)"))


class CloseForm(forms.Form):
    prefix = "close"
    closed_on = date_field(gettext_lazy("Closed on"))
    note = TextField(label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AgencyForm(forms.Form):
    prefix = "agency"
    name = TextField(label=gettext_lazy("Name"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=AgencyKind.choices)
    commission_percent = forms.DecimalField(
        label=gettext_lazy("Commission (%)"), max_digits=5, decimal_places=2, min_value=0, max_value=99.99
    )
    contact = TextField(label=gettext_lazy("Contact"), max_length=200, required=False)
    phone = TextField(label=gettext_lazy("Phone"), max_length=50, required=False)


class AssignForm(forms.Form):
    prefix = "assign"
    agency = forms.ModelChoiceField(
        label=gettext_lazy("Agency"), queryset=CollectionAgency.objects.filter(active=True)
    )
    customer = TextField(label=gettext_lazy("Customer code"), max_length=64)
    invoices = TextField(
        label=gettext_lazy("Invoices"),
        required=False,
        help_text=gettext_lazy(
            "Invoice numbers, separated by commas; none: all the customer's open invoices"
        ),
    )
    commission_percent = forms.DecimalField(
        label=gettext_lazy("Commission (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=99.99,
        required=False,
        help_text=gettext_lazy("Leave empty for the agency's own rate"),
    )
    assigned_on = date_field(gettext_lazy("Date"))


class AgencyRecoveryForm(forms.Form):
    gross = _amount(gettext_lazy("Gross (paid by the customer)"))
    received_on = date_field(gettext_lazy("Date received"))


class EndForm(forms.Form):
    ended_on = date_field(gettext_lazy("Taken back on"))


def legal_write(
    action: str, form_class: type[forms.Form], back: Callable[[HttpRequest, dict], str]
) -> Callable:
    """A POST of a legal form: permission, form, one service call audited, back to a page."""

    def decorate(write: Callable) -> Callable:
        @require_POST
        @page_for(action)
        @wraps(write)
        def view(request: HttpRequest, **kwargs) -> HttpResponse:
            form = form_class(request.POST, request.FILES)
            if not form.is_valid():
                messages.error(request, form_errors(form))
            else:
                try:
                    with audit_context(actor=request.user, source=SOURCE):
                        done = write(request, form.cleaned_data, **kwargs)
                except ApplicationError as refused:
                    messages.error(request, refused.message)
                else:
                    messages.success(request, done)
            return redirect(back(request, kwargs))

        return view

    return decorate


def _to_list(request, kwargs) -> str:
    return "web:legal"


def _to_case(request, kwargs) -> str:
    return f"/legal/cases/{kwargs['number']}/"


def _case(request: HttpRequest, number: str):
    return get_object_or_404(access_legal_cases(user=request.user), number=number)


def legal_context(customer) -> dict:
    """What a customer's collections page shows of its legal cases and agencies."""
    return {
        "legal_cases": list(customer.legal_cases.order_by("-opened_on", "-id")[:10]),
        "agency_assignments": list(
            customer.agency_assignments.select_related("agency").prefetch_related("invoices")[:10]
        ),
    }


@page_for("legal.read")
def legal_page(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    cases = access_legal_cases(user=request.user).order_by("-opened_on", "-id")
    assignments = list(access_agency_assignments(user=request.user)[:100])
    context = {
        "open_cases": [case_file(case=case) for case in cases.exclude(status=CaseStatus.CLOSED)[:100]],
        "closed_cases": [case_file(case=case) for case in cases.filter(status=CaseStatus.CLOSED)[:50]],
        "assignments": [(assignment, assignment_totals(assignment)) for assignment in assignments],
        "agencies": agencies(),
        "active": AssignmentStatus.ACTIVE,
        "today": today,
    }
    if may(request.user, "legal_case.edit"):
        context["open_form"] = CaseOpenForm()
    if may(request.user, "agency.assign"):
        context["agency_form"] = AgencyForm(initial={"kind": AgencyKind.COLLECTION_AGENCY})
        context["assign_form"] = AssignForm(initial={"assigned_on": today})
        context["agency_recovery_form"] = AgencyRecoveryForm(initial={"received_on": today}, auto_id=False)
        context["end_form"] = EndForm(initial={"ended_on": today}, auto_id=False)
    return render(request, "web/legal/index.html", context)


@page_for("legal.read")
def case_page(request: HttpRequest, number: str) -> HttpResponse:
    today = timezone.localdate()
    case = _case(request, number)
    context = {"file": case_file(case=case), "case": case}
    if may(request.user, "legal_case.edit") and case.status != CaseStatus.CLOSED:
        context |= {
            "event_form": EventForm(initial={"occurred_on": today}),
            "recovery_form": RecoveryForm(initial={"received_on": today}),
            "document_form": DocumentForm(),
            "close_form": CloseForm(initial={"closed_on": today}),
        }
    return render(request, "web/legal/case.html", context)


@page_for("legal.read")
def case_document(request: HttpRequest, number: str, pk: int) -> FileResponse:
    document = get_object_or_404(_case(request, number).documents, pk=pk)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.name)


@legal_write("legal_case.edit", CaseOpenForm, _to_list)
def case_open(request, data) -> str:
    customer = get_object_or_404(access_customers(user=request.user), code=data["customer"].strip())
    case = legal_case_open(
        customer=customer,
        invoices=case_invoices(customer=customer, numbers=data["invoices"]),
        opened_on=timezone.localdate(),
        opened_by=request.user,
        lawyer=data["lawyer"],
        agency=data["agency"],
        note=data["note"],
    )
    return _("Legal case %(case)s open.") % {"case": case.number}


@legal_write("legal_case.edit", EventForm, _to_case)
def case_event(request, data, number: str) -> str:
    legal_case_record(case=_case(request, number), by=request.user, **data)
    return _("Recorded.")


@legal_write("legal_case.edit", RecoveryForm, _to_case)
def case_recovery(request, data, number: str) -> str:
    legal_case_recovery_record(case=_case(request, number), by=request.user, **data)
    return _("Recovery recorded and posted as the customer's payment.")


@legal_write("legal_case.edit", DocumentForm, _to_case)
def case_document_add(request, data, number: str) -> str:
    upload = data["file"]
    legal_document_add(case=_case(request, number), name=upload.name, content=upload.read(), by=request.user)
    return _("Document added.")


@legal_write("legal_case.edit", CloseForm, _to_case)
def case_close(request, data, number: str) -> str:
    case = legal_case_close(case=_case(request, number), by=request.user, **data)
    if case.write_off_proposal:
        return _("Case closed with nothing recovered: write-off %(proposal)s proposed.") % {
            "proposal": case.write_off_proposal
        }
    return _("Case closed.")


@legal_write("agency.assign", AgencyForm, _to_list)
def agency_add(request, data) -> str:
    agency = agency_create(by=request.user, **data)
    return _("Agency %(name)s added.") % {"name": agency.name}


@legal_write("agency.assign", AssignForm, _to_list)
def assign(request, data) -> str:
    customer = get_object_or_404(access_customers(user=request.user), code=data["customer"].strip())
    assignment = agency_assign(
        agency=data["agency"],
        customer=customer,
        invoices=case_invoices(customer=customer, numbers=data["invoices"]),
        assigned_on=data["assigned_on"],
        by=request.user,
        commission_percent=data["commission_percent"],
    )
    return _("%(count)s invoices handed to %(agency)s.") % {
        "count": assignment.invoices.count(),
        "agency": assignment.agency.name,
    }


def _assignment(request: HttpRequest, pk: int):
    return get_object_or_404(access_agency_assignments(user=request.user), pk=pk)


@legal_write("agency.assign", AgencyRecoveryForm, _to_list)
def assignment_recovery(request, data, pk: int) -> str:
    recovery = agency_recovery_record(assignment=_assignment(request, pk), by=request.user, **data)
    return _("Recovered %(gross)s gross; commission %(commission)s; net %(net)s.") % {
        "gross": recovery.gross,
        "commission": recovery.commission,
        "net": recovery.net,
    }


@legal_write("agency.assign", EndForm, _to_list)
def assignment_end(request, data, pk: int) -> str:
    agency_assignment_end(assignment=_assignment(request, pk), by=request.user, **data)
    return _("Invoices taken back from the agency.")
