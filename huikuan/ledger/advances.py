"""Advance receipts (预收) and their offset against invoices (预收冲应收).

    advance_receipt_record(*, payment, order_number, recorded_on, recorded_by, source) -> AdvanceReceipt
    advance_offset(*, receipt, invoice, amount, on, offset_by) -> AdvanceOffset    # by a user
    advances_offset_issued(*, invoices, offset_by) -> list[AdvanceOffset]         # automatic
    customer_advances(*, customer) -> list[AdvanceLine]

A payment recorded as an advance receipt keeps its money apart from ordinary money on account:
the aging shows it as ``advance`` beside ``unapplied``, and a class D order ships only against
it. An advance receipt for an order is offset automatically against that order's invoices when
they are issued (the invoice's ``order_number``), oldest first; any other offset is a user's.
Every offset is an allocation of the payment to the invoice, kept with an ``AdvanceOffset``
saying whether it was automatic and who did it (both in the audit trail).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from huikuan.core.errors import RuleViolation
from huikuan.core.limits import check, validate_plain_text
from huikuan.ledger.balances import STILL_OPEN
from huikuan.ledger.events import customers_money_received
from huikuan.ledger.models import AdvanceOffset, AdvanceReceipt, AdvanceSource, Invoice, Payment
from huikuan.ledger.services import payment_allocate

ZERO = Decimal("0.00")


@transaction.atomic
def advance_receipt_record(
    *,
    payment: Payment,
    recorded_on: date,
    order_number: str = "",
    recorded_by: str = "",
    source: str = AdvanceSource.WEB,
) -> AdvanceReceipt:
    """Record ``payment`` (its money on account) as an advance receipt, for the customer or for
    one order. With an order whose invoices are already issued, it is offset against them."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    order_number = check(validate_plain_text, (order_number or "").strip())
    if len(order_number) > 64:
        raise RuleViolation(_("an order number is at most 64 characters"))
    if payment.customer_id is None:
        raise RuleViolation(
            _("payment %(reference)s has no customer yet: match it to a customer first")
            % {"reference": payment.reference}
        )
    if AdvanceReceipt.objects.filter(payment=payment).exists():
        raise RuleViolation(
            _("payment %(reference)s is already an advance receipt") % {"reference": payment.reference}
        )
    if payment.unallocated_amount <= 0:
        raise RuleViolation(
            _("payment %(reference)s is fully allocated: nothing is left to hold in advance")
            % {"reference": payment.reference}
        )
    receipt = AdvanceReceipt.objects.create(
        payment=payment,
        customer_id=payment.customer_id,
        order_number=order_number,
        recorded_on=recorded_on,
        recorded_by=recorded_by,
        source=source,
    )
    if order_number:
        advances_offset_issued(
            invoices=Invoice.objects.filter(customer_id=payment.customer_id, order_number=order_number),
            offset_by=recorded_by,
        )
    # Money held in advance may let a class D order (现款现货) pass: its blocked orders are
    # checked again after the commit, as for a payment received.
    customers_money_received(customer_ids=[payment.customer_id], on=recorded_on, reason="advance")
    return receipt


def _offset(
    receipt: AdvanceReceipt, invoice: Invoice, amount: Decimal, on: date, *, automatic: bool, by: str
) -> AdvanceOffset:
    allocation = payment_allocate(payment=receipt.payment, invoice=invoice, amount=amount, allocation_date=on)
    return AdvanceOffset.objects.create(
        receipt=receipt, allocation=allocation, automatic=automatic, offset_by=by
    )


@transaction.atomic
def advance_offset(
    *,
    receipt: AdvanceReceipt,
    invoice: Invoice,
    amount: Decimal | None = None,
    on: date | None = None,
    offset_by: str = "",
) -> AdvanceOffset:
    """A user's offset of an advance receipt against one of the customer's invoices: ``amount``
    (default: as much as both have open), on ``on`` (default: the later of the two dates)."""
    receipt = AdvanceReceipt.objects.select_related("payment").get(pk=receipt.pk)
    payment = receipt.payment
    invoice = Invoice.objects.get(pk=invoice.pk)
    if invoice.customer_id != receipt.customer_id:
        raise RuleViolation(
            _("invoice %(number)s is not the customer of advance receipt %(reference)s")
            % {"number": invoice.number, "reference": payment.reference}
        )
    if invoice.currency != payment.currency:
        raise RuleViolation(
            _("invoice %(number)s is in %(invoice)s, advance receipt %(reference)s in %(payment)s")
            % {
                "number": invoice.number,
                "invoice": invoice.currency,
                "reference": payment.reference,
                "payment": payment.currency,
            }
        )
    most = min(payment.unallocated_amount, invoice.open_amount)
    if amount is None:
        amount = most
    if most <= 0:
        raise RuleViolation(
            _(
                "nothing to offset: advance receipt %(reference)s has %(left)s left, "
                "invoice %(number)s %(open)s open"
            )
            % {
                "reference": payment.reference,
                "left": payment.unallocated_amount,
                "number": invoice.number,
                "open": invoice.open_amount,
            }
        )
    if amount <= 0 or amount > most:
        raise RuleViolation(
            _("an offset is more than 0 and at most %(most)s (what both have open)") % {"most": most}
        )
    day = on or max(payment.payment_date, invoice.invoice_date)
    return _offset(receipt, invoice, amount, day, automatic=False, by=offset_by)


@transaction.atomic
def advances_offset_issued(*, invoices: QuerySet[Invoice], offset_by: str = "") -> list[AdvanceOffset]:
    """Offset the open advance receipts of each invoice's order against it (预收冲应收), oldest
    receipt first, as far as both go: called when invoices are issued (the service, the import)
    and when an advance receipt for an order is recorded. Invoices without an order number, or
    whose order has no advance receipt, are left alone."""
    open_receipts = list(
        AdvanceReceipt.objects.filter(payment__open_span=STILL_OPEN)
        .exclude(order_number="")
        .select_related("payment")
        .order_by("payment__payment_date", "id")
    )
    if not open_receipts:
        return []
    keys = {(r.customer_id, r.order_number) for r in open_receipts}
    # Only the invoices of the orders that have an open advance receipt are read.
    issued = [
        invoice
        for invoice in invoices.filter(
            open_span=STILL_OPEN, order_number__in=sorted({order for _, order in keys})
        ).order_by("invoice_date", "number")
        if (invoice.customer_id, invoice.order_number) in keys
    ]
    offsets = []
    for invoice in issued:
        for receipt in open_receipts:
            if (receipt.customer_id, receipt.order_number) != (invoice.customer_id, invoice.order_number):
                continue
            receipt.payment.refresh_from_db(fields=["allocated_amount"])
            invoice.refresh_from_db(fields=["applied_amount"])
            if receipt.payment.currency != invoice.currency:
                continue
            amount = min(receipt.payment.unallocated_amount, invoice.open_amount)
            if amount <= 0:
                continue
            day = max(receipt.payment.payment_date, invoice.invoice_date)
            offsets.append(_offset(receipt, invoice, amount, day, automatic=True, by=offset_by))
    return offsets


@dataclass(frozen=True)
class AdvanceLine:
    """An advance receipt as the customer page, the API and the CLI show it."""

    receipt: AdvanceReceipt
    offset: Decimal
    left: Decimal

    def as_dict(self) -> dict:
        receipt, payment = self.receipt, self.receipt.payment
        return {
            "reference": payment.reference,
            "customer": receipt.customer.code,
            "order_number": receipt.order_number,
            "payment_date": payment.payment_date.isoformat(),
            "amount": f"{payment.amount:.2f}",
            "currency": payment.currency,
            "offset": f"{self.offset:.2f}",
            "left": f"{self.left:.2f}",
            "recorded_on": receipt.recorded_on.isoformat(),
            "recorded_by": receipt.recorded_by,
            "source": receipt.source,
            "offsets": [
                {
                    "invoice": o.allocation.invoice.number,
                    "amount": f"{o.allocation.amount:.2f}",
                    "date": o.allocation.allocation_date.isoformat(),
                    "automatic": o.automatic,
                    "by": o.offset_by,
                }
                for o in receipt.offsets.all()
            ],
        }


def customer_advances(*, customer_ids: Iterable[int] | None = None) -> list[AdvanceLine]:
    """The advance receipts (of these customers, or all), newest first, each with what was
    offset and what is left."""
    receipts = AdvanceReceipt.objects.select_related("payment", "customer").prefetch_related(
        "offsets__allocation__invoice"
    )
    if customer_ids is not None:
        receipts = receipts.filter(customer_id__in=list(customer_ids))
    return [
        AdvanceLine(receipt=r, offset=r.payment.allocated_amount, left=r.payment.unallocated_amount)
        for r in receipts.order_by("-payment__payment_date", "-id")
    ]
