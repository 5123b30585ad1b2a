"""Writes to the ledger. Each service is one transaction, validates before it saves,
locks the rows whose cached totals it changes (in primary-key order), and is recorded
in the audit trail by the models' auditlog registration.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils.translation import gettext

from huikuan.core.errors import RuleViolation
from huikuan.core.money import is_whole_cents
from huikuan.core.policy import policy_value, policy_values
from huikuan.ledger.balances import closing_date, open_span
from huikuan.ledger.bulk import KEY_CHUNK, bulk_update_rows, select_rows
from huikuan.ledger.events import customers_money_received
from huikuan.ledger.models import (
    Allocation,
    CreditNote,
    Customer,
    CustomerTermGrant,
    Invoice,
    Payment,
    Recovery,
    TermExtension,
    WriteOff,
)
from huikuan.ledger.rules import (
    InvoiceRuleBroken,
    due_offset_for,
    exchange_rate_for,
    invoice_currency,
    invoice_due_date,
)
from huikuan.ledger.terms import terms_within_class

REFRESH_CHUNK = KEY_CHUNK


def terms_mode() -> str:
    """What a term beyond the class's does: "refuse" (the default) or "cap" (CREDIT_TERMS_BEYOND_CLASS)."""
    return "cap" if policy_value("CREDIT_TERMS_BEYOND_CLASS") == "cap" else "refuse"


def terms_beyond_class(*, term_days: int, credit_class: str, ceiling: int, granted_days: int = 0) -> str:
    """The one wording of a term refused (or capped) for exceeding its class's (plus what was granted)."""
    if granted_days:
        return gettext(
            "%(days)s days exceed the term of class %(cls)s plus the %(granted)s days granted "
            "(%(ceiling)s days); a longer term needs a further extension granted by approval"
        ) % {"days": term_days, "cls": credit_class, "ceiling": ceiling, "granted": granted_days}
    return gettext(
        "%(days)s days exceed the term of class %(cls)s (%(ceiling)s days); "
        "a longer term needs an extension granted by approval"
    ) % {"days": term_days, "cls": credit_class, "ceiling": ceiling}


def granted_term_days(*, customer_ids: Iterable[int], on: date) -> dict[int, int]:
    """The extension days granted to each customer and in force on ``on`` (customers without
    any are left out)."""
    wanted = list(customer_ids)
    granted: dict[int, int] = {}
    rows = CustomerTermGrant.objects.filter(granted_on__lte=on).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on)
    )
    for start in range(0, len(wanted), KEY_CHUNK):
        chunk = wanted[start : start + KEY_CHUNK]
        for customer_id, days in rows.filter(customer_id__in=chunk).values_list("customer_id", "days"):
            granted[customer_id] = granted.get(customer_id, 0) + days
    return granted


@transaction.atomic
def customer_term_grant(
    *,
    customer: Customer,
    days: int,
    reason: str,
    approved_by: str,
    granted_on: date,
    valid_until: date | None = None,
    approval_number: str = "",
) -> CustomerTermGrant:
    """Record an extension of a customer's terms by ``days`` beyond its class's (approved
    elsewhere: ``huikuan.credit.flows``); the grant is kept as a record, in the audit trail."""
    if days <= 0:
        raise RuleViolation(gettext("an extension of terms adds days; got %(days)s") % {"days": days})
    if not approved_by.strip():
        raise RuleViolation(gettext("an extension of terms needs the approver's name"))
    if valid_until is not None and valid_until < granted_on:
        raise RuleViolation(gettext("an extension of terms cannot end before it is granted"))
    return CustomerTermGrant.objects.create(
        customer=customer,
        days=days,
        reason=reason,
        approved_by=approved_by,
        approval_number=approval_number,
        granted_on=granted_on,
        valid_until=valid_until,
    )


@transaction.atomic
def customer_create(*, code: str, name: str, **fields) -> Customer:
    """Create a customer; the model's validation names every bad field. Its term may not
    exceed its class's (seed 002): refused, or capped when CREDIT_TERMS_BEYOND_CLASS is "cap"."""
    term_days = fields.get("term_days")
    kept, ceiling = terms_within_class(
        term_days=term_days,
        credit_class=fields.get("credit_class") or "",
        term_days_by_class=policy_value("TERM_DAYS_BY_CLASS"),
        mode=terms_mode(),
    )
    if ceiling is not None:
        if kept is None:
            message = terms_beyond_class(
                term_days=term_days, credit_class=fields["credit_class"], ceiling=ceiling
            )
            raise ValidationError({"term_days": [message]})
        fields["term_days"] = kept
    customer = Customer(code=code, name=name, **fields)
    customer.full_clean()
    customer.save()
    return customer


@transaction.atomic
def invoice_issue(
    *,
    number: str,
    customer: Customer,
    invoice_date: date,
    amount: Decimal,
    currency: str = "",
    due_date: date | None = None,
    fx_rate: Decimal | None = None,
    **fields,
) -> Invoice:
    """Record one invoice, as an import row would be: without a due date it falls due by
    the customer's terms (SPEC §2); outside the functional currency it needs its rate."""
    rules = policy_values()
    functional = rules["FUNCTIONAL_CURRENCY"]
    _check_amount(amount, "invoice")
    currency = invoice_currency(given=currency, customer_currency=customer.currency, functional=functional)
    try:
        fx_rate = exchange_rate_for(currency=currency, functional=functional, given=fx_rate)
        due_date = invoice_due_date(
            invoice_date=invoice_date,
            given=due_date,
            due_offset=due_offset_for(
                customer_term_days=customer.term_days, credit_class=customer.credit_class, rules=rules
            ),
        )
    except InvoiceRuleBroken as broken:
        raise RuleViolation(str(broken)) from None
    fields.setdefault("salesperson", customer.salesperson)
    fields.setdefault("department", customer.department)
    invoice = Invoice(
        number=number,
        customer=customer,
        invoice_date=invoice_date,
        due_date=due_date,
        original_due_date=due_date,
        amount=amount,
        currency=currency,
        fx_rate=fx_rate,
        **fields,
    )
    invoice.full_clean()
    invoice.save()
    if invoice.order_number:
        # The order's advance receipts are offset against it (预收冲应收).
        from huikuan.ledger.advances import advances_offset_issued

        if advances_offset_issued(invoices=Invoice.objects.filter(pk=invoice.pk)):
            invoice.refresh_from_db()
    return invoice


def _lock_invoice(invoice_id: int) -> Invoice:
    return Invoice.objects.select_for_update().get(pk=invoice_id)


def _check_amount(amount: Decimal, what: str) -> None:
    if amount <= 0:
        raise RuleViolation(f"{what} amount must be positive, got {amount}")
    if not is_whole_cents(amount):
        raise RuleViolation(f"{what} amount {amount} has more than 2 decimal places")


def _check_applicable(invoice: Invoice, amount: Decimal, what: str) -> None:
    _check_amount(amount, what)
    if amount > invoice.open_amount:
        raise RuleViolation(
            f"{what} of {amount} {invoice.currency} exceeds the open balance "
            f"{invoice.open_amount} {invoice.currency} of invoice {invoice.number}"
        )


def _apply_to_invoice(invoice: Invoice, amount: Decimal) -> None:
    """Raise the invoice's cached applied amount and recompute when it closed."""
    Invoice.objects.filter(pk=invoice.pk).update(applied_amount=F("applied_amount") + amount)
    invoices_refresh_closure(invoice_ids=[invoice.pk])
    invoice.refresh_from_db(fields=["applied_amount", "closed_on"])


@transaction.atomic
def payment_allocate(
    *,
    payment: Payment,
    invoice: Invoice,
    amount: Decimal,
    allocation_date: date | None = None,
) -> Allocation:
    """Apply ``amount`` of ``payment`` to ``invoice``.

    Never beyond the invoice's open balance nor the payment's unallocated rest, whatever
    runs at the same time: both rows are locked, in primary-key order, before reading.
    """
    # Lock in a fixed order (payments before invoices, each by pk) so that two
    # allocations touching the same rows can never deadlock.
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    invoice = _lock_invoice(invoice.pk)
    if payment.currency != invoice.currency:
        raise RuleViolation(
            f"payment {payment.reference} is in {payment.currency}, "
            f"invoice {invoice.number} in {invoice.currency}"
        )
    if payment.customer_id is not None and payment.customer_id != invoice.customer_id:
        raise RuleViolation(
            f"payment {payment.reference} belongs to another customer than invoice {invoice.number}"
        )
    _check_applicable(invoice, amount, "allocation")
    if amount > payment.unallocated_amount:
        raise RuleViolation(
            f"allocation of {amount} {payment.currency} exceeds the unallocated "
            f"{payment.unallocated_amount} {payment.currency} of payment {payment.reference}"
        )
    if Allocation.objects.filter(payment=payment, invoice=invoice).exists():
        raise RuleViolation(f"payment {payment.reference} is already allocated to invoice {invoice.number}")
    if payment.customer_id is None:
        payment.customer_id = invoice.customer_id
        payment.save(update_fields=["customer"])
    allocation = Allocation.objects.create(
        payment=payment,
        invoice=invoice,
        amount=amount,
        allocation_date=allocation_date or payment.payment_date,
    )
    Payment.objects.filter(pk=payment.pk).update(allocated_amount=F("allocated_amount") + amount)
    payments_refresh_allocated(payment_ids=[payment.pk])
    _apply_to_invoice(invoice, amount)
    customers_money_received(
        customer_ids=[invoice.customer_id], on=allocation.allocation_date, reason="allocation"
    )
    return allocation


@transaction.atomic
def credit_note_issue(
    *,
    number: str,
    customer: Customer,
    note_date: date,
    amount: Decimal,
    currency: str,
    invoice: Invoice | None = None,
    reason: str = "",
    fx_rate: Decimal = Decimal(1),
) -> CreditNote:
    """Issue a credit note; against an invoice it reduces that invoice's balance."""
    if invoice is not None:
        invoice = _lock_invoice(invoice.pk)
        if invoice.customer_id != customer.pk:
            raise RuleViolation(f"invoice {invoice.number} is not customer {customer.code}'s")
        if invoice.currency != currency:
            raise RuleViolation(
                f"credit note in {currency} cannot reduce invoice {invoice.number} in {invoice.currency}"
            )
        _check_applicable(invoice, amount, "credit note")
    else:
        _check_amount(amount, "credit note")
    note = CreditNote.objects.create(
        number=number,
        customer=customer,
        invoice=invoice,
        note_date=note_date,
        amount=amount,
        currency=currency,
        fx_rate=fx_rate,
        reason=reason,
    )
    if invoice is not None:
        _apply_to_invoice(invoice, amount)
    customers_money_received(customer_ids=[customer.pk], on=note_date, reason="credit_note")
    return note


@transaction.atomic
def invoice_write_off(
    *,
    invoice: Invoice,
    amount: Decimal,
    writeoff_date: date,
    reason: str,
    approved_by: str = "",
) -> WriteOff:
    """Write off (part of) an invoice's open balance as bad debt."""
    invoice = _lock_invoice(invoice.pk)
    if not reason.strip():
        raise RuleViolation("a write-off needs a reason")
    _check_applicable(invoice, amount, "write-off")
    write_off = WriteOff.objects.create(
        invoice=invoice,
        writeoff_date=writeoff_date,
        amount=amount,
        reason=reason,
        approved_by=approved_by,
    )
    _apply_to_invoice(invoice, amount)
    return write_off


@transaction.atomic
def write_off_record_recovery(
    *, write_off: WriteOff, amount: Decimal, recovery_date: date, payment: Payment | None = None
) -> Recovery:
    """Record money collected on a written-off debt (坏账收回).

    The invoice stays written off; the recovery is income. Never more than was written off.
    """
    write_off = WriteOff.objects.select_for_update().get(pk=write_off.pk)
    _check_amount(amount, "recovery")
    if recovery_date < write_off.writeoff_date:
        raise RuleViolation(f"a recovery cannot precede the write-off of {write_off.writeoff_date}")
    recovered = write_off.recoveries.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    if recovered + amount > write_off.amount:
        raise RuleViolation(
            f"recoveries would reach {recovered + amount}, more than the {write_off.amount} written off"
        )
    return Recovery.objects.create(
        write_off=write_off, amount=amount, recovery_date=recovery_date, payment=payment
    )


@transaction.atomic
def invoice_extend_term(
    *, invoice: Invoice, days: int, reason: str, approved_by: str, granted_on: date
) -> TermExtension:
    """Move an invoice's due date later by ``days``; the extension is kept as a record."""
    invoice = _lock_invoice(invoice.pk)
    limit = policy_value("MAX_TERM_EXTENSION_DAYS")
    if days <= 0:
        raise RuleViolation(f"an extension moves the due date later; got {days} days")
    already = (invoice.due_date - invoice.original_due_date).days
    if already + days > limit:
        raise RuleViolation(
            f"extensions may add at most {limit} days in all; invoice {invoice.number} already has "
            f"{already}, asked for {days} more"
        )
    if not approved_by.strip():
        raise RuleViolation("an extension needs the approver's name")
    extension = TermExtension.objects.create(
        invoice=invoice,
        previous_due_date=invoice.due_date,
        new_due_date=invoice.due_date + timedelta(days=days),
        reason=reason,
        approved_by=approved_by,
        granted_on=granted_on,
    )
    invoice.due_date = extension.new_due_date
    invoice.save(update_fields=["due_date"])
    return extension


def invoices_refresh_closure(*, invoice_ids: Iterable[int]) -> int:
    """Recompute the cached ``applied_amount``, ``closed_on``, ``first_applied_on`` and
    ``open_span`` of these invoices from their records.

    Returns how many invoices changed. Used after bulk imports and by the services above.
    """
    ids = sorted(set(invoice_ids))
    changed = 0
    for start in range(0, len(ids), REFRESH_CHUNK):
        chunk = ids[start : start + REFRESH_CHUNK]
        applications: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
        for model, date_field in (
            (Allocation, "allocation_date"),
            (CreditNote, "note_date"),
            (WriteOff, "writeoff_date"),
        ):
            for invoice_id, applied_on, amount in select_rows(
                model, ["invoice_id", date_field, "amount"], where="invoice_id", values=chunk
            ):
                applications[invoice_id].append((applied_on, amount))
        updates = []
        for invoice_id, invoice_date, amount, *cached in select_rows(
            Invoice,
            ["id", "invoice_date", "amount", "applied_amount", "closed_on", "first_applied_on", "open_span"],
            where="id",
            values=chunk,
        ):
            records = applications.get(invoice_id, [])
            applied = sum((a for _, a in records), Decimal(0))
            if applied > amount:
                raise RuleViolation(f"invoice id {invoice_id} would be applied beyond its amount")
            closed_on = closing_date(amount, records)
            fresh = [
                applied,
                closed_on,
                min((on for on, _ in records), default=None),
                open_span(invoice_date, closed_on),
            ]
            if fresh != cached:
                updates.append((*fresh, invoice_id))
        bulk_update_rows(Invoice, ["applied_amount", "closed_on", "first_applied_on", "open_span"], updates)
        changed += len(updates)
    return changed


def payments_refresh_allocated(*, payment_ids: Iterable[int]) -> int:
    """Recompute the cached ``allocated_amount``, ``closed_on`` and ``open_span`` of these
    payments from their allocations."""
    ids = sorted(set(payment_ids))
    changed = 0
    for start in range(0, len(ids), REFRESH_CHUNK):
        chunk = ids[start : start + REFRESH_CHUNK]
        allocations: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
        for payment_id, allocated_on, amount in select_rows(
            Allocation, ["payment_id", "allocation_date", "amount"], where="payment_id", values=chunk
        ):
            allocations[payment_id].append((allocated_on, amount))
        updates = []
        for pk, payment_date, amount, *cached in select_rows(
            Payment,
            ["id", "payment_date", "amount", "allocated_amount", "closed_on", "open_span"],
            where="id",
            values=chunk,
        ):
            records = allocations.get(pk, [])
            closed_on = closing_date(amount, records)
            fresh = [sum((a for _, a in records), Decimal(0)), closed_on, open_span(payment_date, closed_on)]
            if fresh != cached:
                updates.append((*fresh, pk))
        bulk_update_rows(Payment, ["allocated_amount", "closed_on", "open_span"], updates)
        changed += len(updates)
    return changed
