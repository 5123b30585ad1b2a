"""Posting receipts: many payments at once, each with its allocations and write-offs.

    posted = receipts_post(receipts=[Receipt(reference=…, customer_id=…, …), …])

The same rules as posting one payment through ``payment_allocate`` and ``invoice_write_off``,
checked for every receipt before anything is written: the amounts positive cents, each
invoice the customer's and in the payment's currency, never beyond the invoice's open balance
nor the payment's rest (the receipts of a batch count against each other, in order), a pair
allocated once, a write-off with a reason, a reference never used before. A receipt that
breaks a rule is refused alone (``Posted.refused``); the others are written together in the
caller's transaction: the invoices are locked first (in primary-key order, as the single
services lock them), the rows inserted by the bulk writer the import of payments uses
(``huikuan.ledger.payment_rows``), the cached figures recomputed from the records, and the
audit trail given the entries saving each record on its own would have written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from huikuan.core.audit import audit_saved_in_bulk
from huikuan.core.errors import ApplicationError, NotFound, RuleViolation
from huikuan.ledger.bulk import select_rows
from huikuan.ledger.events import customers_money_received
from huikuan.ledger.models import Allocation, Invoice, Payment, PaymentMethod, WriteOff
from huikuan.ledger.payment_rows import (
    allocations_insert,
    caches_refresh,
    payment_ids_and_dates,
    payments_insert,
)
from huikuan.ledger.services import _check_amount, _check_applicable

# Numbers per locking query: well under every database's limit of parameters.
LOCK_CHUNK = 5_000


@dataclass(frozen=True)
class ReceiptPart:
    """Part of a receipt applied to one invoice."""

    invoice_number: str
    amount: Decimal


@dataclass(frozen=True)
class ReceiptWriteOff:
    """What an invoice the receipt pays falls short by, written off for a reason."""

    invoice_number: str
    amount: Decimal
    reason: str
    approved_by: str = ""


@dataclass(frozen=True)
class Receipt:
    """One payment to post: what is not allocated stays on account of the customer."""

    reference: str
    customer_id: int
    payment_date: date
    amount: Decimal
    currency: str
    fx_rate: Decimal = Decimal(1)
    method: str = PaymentMethod.BANK_TRANSFER
    payer_name: str = ""
    memo: str = ""
    allocations: tuple[ReceiptPart, ...] = ()
    write_offs: tuple[ReceiptWriteOff, ...] = ()


@dataclass
class Posted:
    """A receipt as posted (its payment, allocations and write-offs saved), or refused."""

    receipt: Receipt
    payment: Payment | None = None
    allocations: list[Allocation] = field(default_factory=list)
    write_offs: list[WriteOff] = field(default_factory=list)
    refused: ApplicationError | None = None


def _locked_invoices(numbers: set[str]) -> dict[str, Invoice]:
    """The invoices by number, locked in primary-key order and read after the lock."""
    ids = sorted(pk for _number, pk in select_rows(Invoice, ["number", "id"], where="number", values=numbers))
    invoices: dict[str, Invoice] = {}
    for start in range(0, len(ids), LOCK_CHUNK):
        for invoice in (
            Invoice.objects.select_for_update().filter(pk__in=ids[start : start + LOCK_CHUNK]).order_by("pk")
        ):
            invoices[invoice.number] = invoice
    return invoices


def _invoice(invoices: dict[str, Invoice], number: str) -> Invoice:
    invoice = invoices.get(number)
    if invoice is None:
        raise NotFound(f"no invoice {number!r}")
    return invoice


def _check(receipt: Receipt, invoices: dict[str, Invoice], taken: set[str]) -> None:
    """Refuse the receipt as the single services would; on success the invoices' applied
    amounts (in memory) include it, so that the next receipt of the batch counts against it."""
    _check_amount(receipt.amount, "payment")
    reference = receipt.reference
    if reference in taken:
        raise RuleViolation(f"a payment {reference} already exists")
    applied: list[tuple[Invoice, Decimal]] = []
    try:
        unallocated = receipt.amount
        allocated_to: set[int] = set()
        for part in receipt.allocations:
            invoice = _invoice(invoices, part.invoice_number)
            if receipt.currency != invoice.currency:
                raise RuleViolation(
                    f"payment {reference} is in {receipt.currency}, "
                    f"invoice {invoice.number} in {invoice.currency}"
                )
            if receipt.customer_id != invoice.customer_id:
                raise RuleViolation(
                    f"payment {reference} belongs to another customer than invoice {invoice.number}"
                )
            _check_applicable(invoice, part.amount, "allocation")
            if part.amount > unallocated:
                raise RuleViolation(
                    f"allocation of {part.amount} {receipt.currency} exceeds the unallocated "
                    f"{unallocated} {receipt.currency} of payment {reference}"
                )
            if invoice.pk in allocated_to:
                raise RuleViolation(f"payment {reference} is already allocated to invoice {invoice.number}")
            allocated_to.add(invoice.pk)
            unallocated -= part.amount
            invoice.applied_amount += part.amount
            applied.append((invoice, part.amount))
        for part in receipt.write_offs:
            invoice = _invoice(invoices, part.invoice_number)
            if not part.reason.strip():
                raise RuleViolation("a write-off needs a reason")
            _check_applicable(invoice, part.amount, "write-off")
            invoice.applied_amount += part.amount
            applied.append((invoice, part.amount))
    except ApplicationError:
        for invoice, amount in applied:
            invoice.applied_amount -= amount
        raise


@transaction.atomic
def receipts_post(*, receipts: Sequence[Receipt]) -> list[Posted]:
    """Post ``receipts`` (in order): one :class:`Posted` each, refused or saved."""
    invoices = _locked_invoices(
        {part.invoice_number for r in receipts for part in (*r.allocations, *r.write_offs)}
    )
    taken = {
        ref
        for (ref,) in select_rows(
            Payment, ["reference"], where="reference", values=[r.reference for r in receipts]
        )
    }
    results: list[Posted] = []
    for receipt in receipts:
        try:
            _check(receipt, invoices, taken)
        except ApplicationError as refused:
            results.append(Posted(receipt, refused=refused))
            continue
        taken.add(receipt.reference)
        results.append(Posted(receipt))
    saved = [posted for posted in results if posted.refused is None]
    _write(saved, invoices)
    # Money received may free a blocked order (credit re-checks it), as a single payment does.
    by_day: dict[date, set[int]] = {}
    for posted in saved:
        by_day.setdefault(posted.receipt.payment_date, set()).add(posted.receipt.customer_id)
    for day, customer_ids in sorted(by_day.items()):
        customers_money_received(customer_ids=customer_ids, on=day, reason="payment")
    return results


def _write(posted: list[Posted], invoices: dict[str, Invoice]) -> None:
    if not posted:
        return
    now = timezone.now()
    created_at = connection.ops.adapt_datetimefield_value(now)
    payments_insert(
        [
            (
                r.reference,
                r.customer_id,
                r.payment_date,
                r.amount,
                r.currency,
                r.fx_rate,
                r.method,
                r.payer_name,
                r.memo,
                Decimal(0),  # as created; allocated below, and the cache refreshed from them
            )
            for r in (p.receipt for p in posted)
        ],
        batch_id=None,
        created_at=created_at,
    )
    ids = {ref: pk for ref, pk, _on in payment_ids_and_dates([p.receipt.reference for p in posted])}
    for item in posted:
        r = item.receipt
        item.payment = Payment(
            pk=ids[r.reference],
            reference=r.reference,
            customer_id=r.customer_id,
            payment_date=r.payment_date,
            amount=r.amount,
            currency=r.currency,
            fx_rate=r.fx_rate,
            method=r.method,
            payer_name=r.payer_name,
            memo=r.memo,
            created_at=now,
        )
    allocations_insert(
        [
            (item.payment.pk, invoices[part.invoice_number].pk, part.amount, item.receipt.payment_date)
            for item in posted
            for part in item.receipt.allocations
        ],
        batch_id=None,
        created_at=created_at,
    )
    allocation_ids = {
        (payment_id, invoice_id): pk
        for pk, payment_id, invoice_id in select_rows(
            Allocation, ["id", "payment_id", "invoice_id"], where="payment_id", values=ids.values()
        )
    }
    write_offs = []
    for item in posted:
        r, payment = item.receipt, item.payment
        for part in r.allocations:
            invoice_id = invoices[part.invoice_number].pk
            item.allocations.append(
                Allocation(
                    pk=allocation_ids[(payment.pk, invoice_id)],
                    payment_id=payment.pk,
                    invoice_id=invoice_id,
                    amount=part.amount,
                    allocation_date=r.payment_date,
                    created_at=now,
                )
            )
        for part in r.write_offs:
            write_off = WriteOff(
                invoice_id=invoices[part.invoice_number].pk,
                writeoff_date=r.payment_date,
                amount=part.amount,
                reason=part.reason,
                approved_by=part.approved_by,
            )
            item.write_offs.append(write_off)
            write_offs.append(write_off)
    WriteOff.objects.bulk_create(write_offs)  # few: the ids come back (RETURNING)
    caches_refresh(
        {
            invoices[part.invoice_number].pk
            for item in posted
            for part in (*item.receipt.allocations, *item.receipt.write_offs)
        },
        [item.payment.pk for item in posted],
    )
    audit_saved_in_bulk(
        [
            (None, record, None)
            for item in posted
            for record in (item.payment, *item.allocations, *item.write_offs)
        ]
    )
