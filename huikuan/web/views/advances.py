"""Advance receipts (预收), the AR/AP offset (应收冲应付) and rounding tails (尾差) on the web:
the customer page's section with its forms, and the rounding tails page. Thin: the services are
``huikuan.ledger.advances`` and ``huikuan.finance.offsets``; decisions are the approvals'."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huikuan.accounts.access import access_customers
from huikuan.accounts.permissions import may
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError
from huikuan.core.policy import policy_value
from huikuan.finance.models import ArApOffset, TailWriteOff
from huikuan.finance.offsets import offset_candidates, offset_propose, tails_open, tails_propose
from huikuan.ledger.advances import advance_offset, advance_receipt_record, customer_advances
from huikuan.ledger.balances import STILL_OPEN
from huikuan.ledger.models import AdvanceReceipt, AdvanceSource, Payment
from huikuan.web.views.common import page_for

SOURCE = "web:advance"


def advance_section(request: HttpRequest, customer) -> dict:
    """The advance receipts and AR/AP part of the customer's page (staff only)."""
    if not may(request.user, "staff.read"):
        return {}
    recorder = may(request.user, "advance.record")
    return {
        "advance_section": True,
        "advances": customer_advances(customer_ids=[customer.pk]),
        "may_record_advance": recorder,
        "on_account_payments": list(
            Payment.objects.filter(customer=customer, open_span=STILL_OPEN, advance_receipt__isnull=True)
            .order_by("payment_date", "reference")
            .only("reference", "amount", "allocated_amount", "currency", "payment_date")[:50]
        )
        if recorder
        else [],
        "offset_invoices": list(
            customer.invoices.filter(open_span=STILL_OPEN).order_by("invoice_date", "number")[:50]
        )
        if recorder
        else [],
        "payables": offset_candidates(customer_ids=[customer.pk]),
        "ar_ap_offsets": ArApOffset.objects.filter(customer=customer).select_related("payable")[:20],
        "may_propose_offset": may(request.user, "offset.propose"),
    }


def _customer(request: HttpRequest, code: str):
    return get_object_or_404(access_customers(user=request.user), code=code)


def _done(request: HttpRequest, code: str, action) -> HttpResponse:
    try:
        with audit_context(actor=request.user, source=SOURCE):
            text = action()
    except ApplicationError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, text)
    return redirect(f"/customers/{code}/#advances")


@require_POST
@page_for("advance.record")
def advance_record(request: HttpRequest, code: str) -> HttpResponse:
    customer = _customer(request, code)

    def act() -> str:
        reference = request.POST.get("payment", "").strip()
        payment = Payment.objects.filter(customer=customer, reference=reference).first()
        if payment is None:
            raise ApplicationError(_("Choose one of the customer's payments on account"))
        advance_receipt_record(
            payment=payment,
            recorded_on=timezone.localdate(),
            order_number=request.POST.get("order_number", "")[:64],
            recorded_by=request.user.get_username(),
            source=AdvanceSource.WEB,
        )
        return _("Payment %(reference)s is recorded as an advance receipt.") % {"reference": reference}

    return _done(request, customer.code, act)


@require_POST
@page_for("advance.record")
def advance_offset_view(request: HttpRequest, code: str) -> HttpResponse:
    customer = _customer(request, code)

    def act() -> str:
        receipt = AdvanceReceipt.objects.filter(
            customer=customer, payment__reference=request.POST.get("receipt", "").strip()
        ).first()
        invoice = customer.invoices.filter(number=request.POST.get("invoice", "").strip()).first()
        if receipt is None or invoice is None:
            raise ApplicationError(_("Choose an advance receipt and an invoice of the customer"))
        raw = request.POST.get("amount", "").strip()
        try:
            amount = Decimal(raw) if raw else None
        except InvalidOperation:
            raise ApplicationError(_("The amount is not a number")) from None
        offset = advance_offset(
            receipt=receipt, invoice=invoice, amount=amount, offset_by=request.user.get_username()
        )
        return _("%(amount)s of advance receipt %(reference)s offset against invoice %(number)s.") % {
            "amount": offset.allocation.amount,
            "reference": receipt.payment.reference,
            "number": invoice.number,
        }

    return _done(request, customer.code, act)


@require_POST
@page_for("offset.propose")
def offset_propose_view(request: HttpRequest, code: str) -> HttpResponse:
    customer = _customer(request, code)

    def act() -> str:
        payable = customer.payables.filter(supplier_code=request.POST.get("supplier", "").strip()).first()
        if payable is None:
            raise ApplicationError(_("Import the payable balance of this supplier first"))
        offset = offset_propose(payable=payable, requested_by=request.user)
        return _("Offset %(number)s of %(amount)s proposed; it awaits approval %(approval)s.") % {
            "number": offset.number,
            "amount": offset.amount,
            "approval": offset.approval_number,
        }

    return _done(request, customer.code, act)


@page_for("staff.read")
def tails_page(request: HttpRequest) -> HttpResponse:
    visible = set(access_customers(user=request.user).values_list("pk", flat=True))
    tails = [invoice for invoice in tails_open() if invoice.customer_id in visible]
    context = {
        "under": policy_value("TAIL_WRITE_OFF_UNDER"),
        "currency": policy_value("FUNCTIONAL_CURRENCY"),
        "tails": tails,
        "proposals": TailWriteOff.objects.all()[:20],
        "may_propose": may(request.user, "offset.propose"),
    }
    return render(request, "web/advances/tails.html", context)


@require_POST
@page_for("offset.propose")
def tails_propose_view(request: HttpRequest) -> HttpResponse:
    try:
        with audit_context(actor=request.user, source=SOURCE):
            proposal = tails_propose(requested_by=request.user)
    except ApplicationError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("%(number)s: %(count)s rounding tails proposed; they await approval %(approval)s.")
            % {"number": proposal.number, "count": len(proposal.lines), "approval": proposal.approval_number},
        )
    return redirect("web:rounding-tails")
