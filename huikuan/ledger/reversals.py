"""Taking back what was posted by mistake: an allocation, a write-off, a receipt.

A reversal removes the record and refreshes the cached figures it fed from the records that
remain (``invoices_refresh_closure``, ``payments_refresh_allocated``). Nothing disappears
silently: the audit trail keeps the removed record, every field of it, who removed it and
the reason given (in the entry's ``additional_data``).
"""

from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from huikuan.core.errors import RuleViolation
from huikuan.ledger.models import AdvanceOffset, AdvanceReceipt, Allocation, Invoice, Payment, WriteOff
from huikuan.ledger.services import invoices_refresh_closure, payments_refresh_allocated


def _require_reason(reason: str) -> None:
    if not reason.strip():
        raise RuleViolation("a reversal needs a reason")


def _note_reason(model: type, pk: int, reason: str) -> None:
    """Add the reason to the audit entry that recorded the removal of ``model`` ``pk``."""
    entry = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_pk=str(pk),
            action=LogEntry.Action.DELETE,
        )
        .order_by("-pk")
        .first()
    )
    if entry is not None:
        entry.additional_data = {**(entry.additional_data or {}), "reason": reason}
        entry.save(update_fields=["additional_data"])


@transaction.atomic
def allocation_reverse(*, allocation: Allocation, reason: str) -> None:
    """Take back an allocation: the invoice reopens by its amount and the payment has it
    on account again. The payment and the invoice are locked in the allocation's order."""
    _require_reason(reason)
    Payment.objects.select_for_update().get(pk=allocation.payment_id)
    Invoice.objects.select_for_update().get(pk=allocation.invoice_id)
    allocation = Allocation.objects.get(pk=allocation.pk)
    pk, payment_id, invoice_id = allocation.pk, allocation.payment_id, allocation.invoice_id
    # An advance receipt's offset (预收冲应收) goes with its allocation (both kept in the audit trail).
    for offset in AdvanceOffset.objects.filter(allocation=allocation):
        offset.delete()
    allocation.delete()
    _note_reason(Allocation, pk, reason)
    payments_refresh_allocated(payment_ids=[payment_id])
    invoices_refresh_closure(invoice_ids=[invoice_id])


@transaction.atomic
def write_off_reverse(*, write_off: WriteOff, reason: str) -> None:
    """Take back a write-off that nothing was recovered on; the invoice reopens by its amount."""
    _require_reason(reason)
    Invoice.objects.select_for_update().get(pk=write_off.invoice_id)
    write_off = WriteOff.objects.select_for_update().get(pk=write_off.pk)
    if write_off.recoveries.exists():
        raise RuleViolation(f"money was recovered on write-off {write_off.pk}: it cannot be taken back")
    pk, invoice_id = write_off.pk, write_off.invoice_id
    write_off.delete()
    _note_reason(WriteOff, pk, reason)
    invoices_refresh_closure(invoice_ids=[invoice_id])


@transaction.atomic
def payment_reverse(*, payment: Payment, reason: str) -> None:
    """Take back a receipt entered by mistake, its allocations first."""
    _require_reason(reason)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    for allocation in payment.allocations.order_by("invoice_id"):
        allocation_reverse(allocation=allocation, reason=reason)
    if payment.recovery_set.exists():
        raise RuleViolation(f"payment {payment.reference} records a recovery: take that back first")
    pk = payment.pk
    for receipt in AdvanceReceipt.objects.filter(payment=payment):
        receipt.delete()
    payment.delete()
    _note_reason(Payment, pk, reason)
