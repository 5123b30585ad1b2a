"""Reads for letters and email: a customer's open items as of a date, the outbox."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects

from huikuan.core.money import functional_amount
from huikuan.core.policy import policy_value
from huikuan.correspondence.models import EmailAttachment, EmailStatus, OutboundEmail
from huikuan.ledger.models import Allocation, CreditNote, Customer, Invoice, WriteOff


def customer_open_items(*, customer: Customer, as_of: date) -> list[dict]:
    """The customer's invoices with a balance at the end of ``as_of``, oldest due first.

    Each is a dict of the letters' context contract: number, invoice_date, due_date,
    amount, open_amount, currency, days_overdue (0 while not yet due), fx_rate.
    """
    invoices = list(
        Invoice.objects.filter(customer=customer, invoice_date__lte=as_of)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=as_of))
        .order_by("due_date", "number")
    )
    # Only an invoice with something applied by then (its cached first application) needs
    # its records read: most open invoices have none, and then this is one query.
    applied_by_then = [
        invoice
        for invoice in invoices
        if invoice.first_applied_on is not None and invoice.first_applied_on <= as_of
    ]
    prefetch_related_objects(
        applied_by_then,
        Prefetch("allocations", queryset=Allocation.objects.filter(allocation_date__lte=as_of)),
        Prefetch("credit_notes", queryset=CreditNote.objects.filter(note_date__lte=as_of)),
        Prefetch("write_offs", queryset=WriteOff.objects.filter(writeoff_date__lte=as_of)),
    )
    with_records = {invoice.pk for invoice in applied_by_then}
    items = []
    for invoice in invoices:
        if invoice.pk not in with_records:
            applied = Decimal(0)
        else:
            applied = sum(
                (
                    record.amount
                    for records in (
                        invoice.allocations.all(),
                        invoice.credit_notes.all(),
                        invoice.write_offs.all(),
                    )
                    for record in records
                ),
                Decimal(0),
            )
        open_amount = invoice.amount - applied
        if open_amount <= 0:
            continue
        items.append(
            {
                "number": invoice.number,
                "invoice_date": invoice.invoice_date,
                "due_date": invoice.due_date,
                "amount": invoice.amount,
                "open_amount": open_amount,
                "currency": invoice.currency,
                "days_overdue": max((as_of - invoice.due_date).days, 0),
                "fx_rate": invoice.fx_rate,
            }
        )
    return items


def open_items_total(items: list[dict]) -> tuple[Decimal, str]:
    """The total of ``items``: in their currency when they share one, else in the functional currency."""
    currencies = {item["currency"] for item in items}
    if len(currencies) == 1:
        return sum((item["open_amount"] for item in items), Decimal(0)), currencies.pop()
    functional = policy_value("FUNCTIONAL_CURRENCY")
    total = sum(
        (functional_amount(item["open_amount"], item.get("fx_rate", Decimal(1))) for item in items),
        Decimal(0),
    )
    return total, functional


def outbound_emails(*, status: str = "") -> QuerySet[OutboundEmail]:
    emails = OutboundEmail.objects.select_related("customer").order_by("-created_at", "-id")
    if status:
        emails = emails.filter(status=status)
    return emails


def emails_due_for_retry(*, now) -> QuerySet[OutboundEmail]:
    return OutboundEmail.objects.filter(
        status__in=[EmailStatus.QUEUED, EmailStatus.RETRYING], next_attempt_at__lte=now
    ).order_by("next_attempt_at", "id")


def email_find(*, idempotency_key: str) -> OutboundEmail | None:
    """The outbox row recorded under ``idempotency_key``, if any."""
    return OutboundEmail.objects.filter(idempotency_key=idempotency_key).first()


def outbox_list(*, status: str = "", created_on: date | None = None) -> QuerySet[OutboundEmail]:
    """The outbox, newest first: every email queued, being sent, sent, retrying or failed,
    with its attachments' names (``attachment_names``), optionally of one status and day."""
    emails = OutboundEmail.objects.select_related("customer").prefetch_related(
        Prefetch("attachments", queryset=EmailAttachment.objects.only("id", "email_id", "filename"))
    )
    if status:
        emails = emails.filter(status=status)
    if created_on is not None:
        emails = emails.filter(created_at__date=created_on)
    return emails.order_by("-created_at", "-id")


def emails_by_key(*, idempotency_keys: list[str]) -> dict[str, OutboundEmail]:
    """The outbox rows recorded under these keys (one query), by key."""
    return {
        email.idempotency_key: email
        for email in OutboundEmail.objects.filter(idempotency_key__in=idempotency_keys)
    }
