"""Invoices (filterable; the aging's drill-down lands here) and payments."""

from __future__ import annotations

from django.db.models import Sum
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from huikuan.accounts.access import access_invoices, access_payments
from huikuan.collections.agencies import agency_of_invoices
from huikuan.ledger.filters import InvoiceFilter as LedgerInvoiceFilter
from huikuan.reporting.receivables import invoices_open_on
from huikuan.web.forms import InvoiceFilter, PaymentFilter
from huikuan.web.views.common import page_of, staff_page, template_for


@staff_page
def invoice_list(request):
    form = InvoiceFilter(request.GET or None)
    invoices = access_invoices(user=request.user)
    drill_down = None
    narrowed = False
    if form.is_valid():
        data = form.cleaned_data
        # The ledger's one filter set (the API's too): one meaning of each parameter.
        params = {
            "customer": data["customer"],
            "open": {"open": "true", "settled": "false"}.get(data["status"], ""),
            "invoice_date_from": data["date_from"].isoformat() if data["date_from"] else "",
            "invoice_date_to": data["date_to"].isoformat() if data["date_to"] else "",
            "overdue_days": "" if data["overdue_days"] is None else str(data["overdue_days"]),
        }
        invoices = LedgerInvoiceFilter(params, queryset=invoices).qs
        narrowed = data["status"] == "open" or data["overdue_days"] is not None
        if data["as_of"]:
            basis = data["basis"] or "due"
            invoices = invoices_open_on(
                invoices=invoices, as_of=data["as_of"], basis=basis, bucket=data["bucket"]
            )
            drill_down = {"as_of": data["as_of"], "basis": basis, "bucket": data["bucket"]}
            narrowed = True
    elif form.is_bound:
        invoices = invoices.none()
    # Open invoices, oldest due first; the whole ledger newest first, straight off the
    # primary key, so that a page of a million invoices does not sort them all.
    invoices = invoices.order_by("due_date", "number") if narrowed else invoices.order_by("-id")
    page = page_of(request, invoices)
    # Invoices handed to a collection agency say so (they are out of the dunning ladder).
    with_agency = agency_of_invoices(invoice_ids=[invoice.pk for invoice in page])
    for invoice in page:
        invoice.with_agency = with_agency.get(invoice.pk, "")
    context = {
        "form": form,
        "page": page,
        "drill_down": drill_down,
        "as_of": timezone.localdate(),
    }
    return render(request, template_for(request, "web/invoices.html", "web/_invoices_table.html"), context)


@staff_page
def invoice_detail(request, number: str):
    invoice = get_object_or_404(access_invoices(user=request.user), number=number)
    context = {
        "invoice": invoice,
        "allocations": invoice.allocations.select_related("payment").order_by("allocation_date", "pk"),
        "credit_notes": invoice.credit_notes.order_by("note_date", "number"),
        "write_offs": invoice.write_offs.order_by("writeoff_date", "pk"),
        "written_off": invoice.write_offs.aggregate(total=Sum("amount"))["total"],
        "extensions": invoice.term_extensions.all(),
        "with_agency": agency_of_invoices(invoice_ids=[invoice.pk]).get(invoice.pk, ""),
        "legal_cases": invoice.legal_cases.order_by("-opened_on"),
        "days_overdue": max((timezone.localdate() - invoice.due_date).days, 0)
        if not invoice.closed_on
        else 0,
    }
    return render(request, "web/invoice.html", context)


@staff_page
def payment_list(request):
    form = PaymentFilter(request.GET or None)
    payments = access_payments(user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["customer"]:
            payments = payments.filter(customer__code=data["customer"])
        if data["date_from"]:
            payments = payments.filter(payment_date__gte=data["date_from"])
        if data["date_to"]:
            payments = payments.filter(payment_date__lte=data["date_to"])
    # Newest first by payment date (the payment_date_id index), not by reference or import order.
    payments = payments.order_by("-payment_date", "-id")
    context = {"form": form, "page": page_of(request, payments)}
    return render(request, template_for(request, "web/payments.html", "web/_payments_table.html"), context)
