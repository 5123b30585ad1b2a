"""VAT invoices and red-letter corrections (红冲) on the web: the invoicing report (应收未开票,
invoiced not collected), the form to record a VAT invoice with the receivables it invoices,
and the red-letter corrections with their forms to raise and confirm. Thin: the services of
``huikuan.vat``, ``huikuan.ledger.corrections`` and ``huikuan.collections.corrections``."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from huikuan.accounts.access import access_customers, access_invoices
from huikuan.accounts.permissions import may
from huikuan.collections.corrections import dispute_correct
from huikuan.collections.models import Dispute, DisputeStatus
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError
from huikuan.ledger.corrections import red_letter_confirm, red_letter_raise
from huikuan.ledger.models import CorrectionReason, RedLetterCorrection
from huikuan.reporting.aging import BASES
from huikuan.reporting.exports import aging_words
from huikuan.reporting.invoicing import invoicing_report
from huikuan.vat.models import VatInvoice, VatInvoiceKind
from huikuan.vat.services import vat_invoice_record
from huikuan.web.views.common import page_for, staff_page
from huikuan.web.widgets import IsoDateInput

SOURCE = "web:vat"
CUSTOMERS_PER_PAGE = 50
BASIS_LABELS = {"due": gettext_lazy("days past due"), "invoice": gettext_lazy("days since the receivable")}


class ReportForm(forms.Form):
    as_of = forms.DateField(label=gettext_lazy("As of"), widget=IsoDateInput())
    basis = forms.ChoiceField(label=gettext_lazy("Age by"), choices=[(b, BASIS_LABELS[b]) for b in BASES])


class VatInvoiceForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("VAT invoice number"), max_length=20)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=VatInvoiceKind.choices)
    customer = forms.CharField(label=gettext_lazy("Customer code"), max_length=64)
    issue_date = forms.DateField(label=gettext_lazy("Issue date"), widget=IsoDateInput())
    amount = forms.DecimalField(label=gettext_lazy("Amount with tax"), max_digits=18, decimal_places=2)
    links = forms.CharField(
        label=gettext_lazy("Receivables invoiced (number=amount, separated by ;)"),
        max_length=2000,
        widget=forms.TextInput(attrs={"placeholder": "YS-0001=6000.00; YS-0002=4000.00", "size": 40}),
    )

    def clean_links(self) -> list[tuple[str, Decimal]]:
        pairs = []
        for part in self.cleaned_data["links"].replace("；", ";").split(";"):
            if not part.strip():
                continue
            number, _sep, amount = part.partition("=")
            try:
                pairs.append((number.strip(), Decimal(amount.strip())))
            except InvalidOperation:
                message = _("write each receivable as number=amount: %(part)s") % {"part": part}
                raise forms.ValidationError(message) from None
        if not pairs:
            raise forms.ValidationError(_("name at least one receivable"))
        return pairs


class CorrectionForm(forms.Form):
    invoice = forms.CharField(label=gettext_lazy("Receivable number"), max_length=64)
    form_number = forms.CharField(label=gettext_lazy("Red-letter confirmation form number"), max_length=64)
    amount = forms.DecimalField(label=gettext_lazy("Amount"), max_digits=18, decimal_places=2, required=False)
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), choices=CorrectionReason.choices)
    dispute = forms.ChoiceField(label=gettext_lazy("Settles dispute"), required=False)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)

    def __init__(self, *args, disputes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dispute"].choices = [("", "—")] + [
            (str(d.pk), f"#{d.pk} {d.invoice.number} {d.amount} {d.currency}") for d in disputes
        ]


class ConfirmForm(forms.Form):
    confirmed_on = forms.DateField(label=gettext_lazy("Confirmed on"), widget=IsoDateInput())
    red_vat_invoice_number = forms.CharField(
        label=gettext_lazy("Red-letter VAT invoice number"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Red-letter VAT invoice number")}),
    )


def _open_disputes(user):
    return (
        Dispute.objects.filter(customer__in=access_customers(user=user), status=DisputeStatus.OPEN)
        .select_related("invoice")
        .order_by("pk")
    )


@staff_page
def vat_page(request: HttpRequest) -> HttpResponse:
    if not may(request.user, "staff.read"):
        raise PermissionDenied
    form = ReportForm(request.GET or {"as_of": timezone.localdate(), "basis": "due"})
    report = None
    if form.is_valid():
        report = invoicing_report(
            invoices=access_invoices(user=request.user),
            as_of=form.cleaned_data["as_of"],
            basis=form.cleaned_data["basis"],
        )
    customers = access_customers(user=request.user)
    corrections = RedLetterCorrection.objects.filter(customer__in=customers).select_related(
        "customer", "invoice"
    )
    # The customers' rows a page at a time; the totals are the whole report's.
    customers_page = Paginator(report.rows if report else [], CUSTOMERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "report": report,
        "customers_page": customers_page,
        "bucket_labels": [aging_words().get(b, b) for b in report.buckets] if report else [],
        "rows": [
            (
                row,
                [row.not_invoiced.get(b, 0) for b in report.buckets],
                [row.uncollected.get(b, 0) for b in report.buckets],
            )
            for row in customers_page.object_list
        ]
        if report
        else [],
        "totals": (
            [report.total("not_invoiced", b) for b in report.buckets],
            [report.total("uncollected", b) for b in report.buckets],
            report.total("not_invoiced"),
            report.total("uncollected"),
        )
        if report
        else None,
        "vat_invoices": VatInvoice.objects.filter(customer__in=customers)
        .select_related("customer")
        .prefetch_related("links__invoice")[:50],
        "corrections": corrections[:100],
        "vat_form": VatInvoiceForm(initial={"issue_date": timezone.localdate()}, prefix="vat")
        if may(request.user, "vat.record")
        else None,
        "correction_form": CorrectionForm(disputes=_open_disputes(request.user), prefix="rl")
        if may(request.user, "correction.raise")
        else None,
        "confirm_form": ConfirmForm(initial={"confirmed_on": timezone.localdate()}, auto_id=False)
        if may(request.user, "correction.confirm")
        else None,
    }
    return render(request, "web/vat.html", context)


def _refused(request: HttpRequest, form: forms.Form) -> HttpResponse:
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("web:vat")


@require_POST
@page_for("vat.record")
def vat_invoice_add(request: HttpRequest) -> HttpResponse:
    form = VatInvoiceForm(request.POST, prefix="vat")
    if not form.is_valid():
        return _refused(request, form)
    data = form.cleaned_data
    customer = get_object_or_404(access_customers(user=request.user), code=data["customer"])
    try:
        links = [(customer.invoices.get(number=number), amount) for number, amount in data["links"]]
    except customer.invoices.model.DoesNotExist:
        messages.error(request, _("a receivable named is not this customer's"))
        return redirect("web:vat")
    try:
        with audit_context(actor=request.user, source=SOURCE):
            vat = vat_invoice_record(
                number=data["number"],
                kind=data["kind"],
                customer=customer,
                issue_date=data["issue_date"],
                amount=data["amount"],
                links=links,
            )
    except ApplicationError as refused:
        messages.error(request, refused.message)
        return redirect("web:vat")
    messages.success(request, _("VAT invoice %(number)s recorded.") % {"number": vat.number})
    return redirect("web:vat")


@require_POST
@page_for("correction.raise")
def correction_raise(request: HttpRequest) -> HttpResponse:
    form = CorrectionForm(request.POST, disputes=_open_disputes(request.user), prefix="rl")
    if not form.is_valid():
        return _refused(request, form)
    data = form.cleaned_data
    invoice = get_object_or_404(access_invoices(user=request.user), number=data["invoice"])
    try:
        with audit_context(actor=request.user, source=SOURCE):
            if data["dispute"]:
                dispute = get_object_or_404(_open_disputes(request.user), pk=data["dispute"], invoice=invoice)
                correction = dispute_correct(
                    dispute=dispute,
                    form_number=data["form_number"],
                    reason=data["reason"],
                    raised_by=request.user,
                    amount=data["amount"],
                    note=data["note"],
                )
            elif data["amount"] is None:
                messages.error(request, _("give the amount of the correction"))
                return redirect("web:vat")
            else:
                correction = red_letter_raise(
                    invoice=invoice,
                    form_number=data["form_number"],
                    amount=data["amount"],
                    reason=data["reason"],
                    raised_by=request.user,
                    note=data["note"],
                )
    except ApplicationError as refused:
        messages.error(request, refused.message)
        return redirect("web:vat")
    messages.success(
        request,
        _("Red-letter correction %(form)s raised; it waits for the other side's confirmation.")
        % {"form": correction.form_number},
    )
    return redirect("web:vat")


@require_POST
@page_for("correction.confirm")
def correction_confirm(request: HttpRequest, form_number: str) -> HttpResponse:
    visible = RedLetterCorrection.objects.filter(customer__in=access_customers(user=request.user))
    correction = get_object_or_404(visible, form_number=form_number)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return _refused(request, form)
    try:
        with audit_context(actor=request.user, source=SOURCE):
            red_letter_confirm(
                correction=correction,
                confirmed_on=form.cleaned_data["confirmed_on"],
                confirmed_by=request.user,
                red_vat_invoice_number=form.cleaned_data["red_vat_invoice_number"],
            )
    except ApplicationError as refused:
        messages.error(request, refused.message)
        return redirect("web:vat")
    messages.success(
        request, _("Red-letter correction %(form)s confirmed and applied.") % {"form": form_number}
    )
    return redirect("web:vat")
