"""Posting many receipts at once gives the ledger and the audit trail exactly what posting
them one at a time through ``payment_allocate`` and ``invoice_write_off`` gives; a receipt
that breaks a rule is refused alone, with the message the single services give."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.db import transaction

from huikuan.core.audit import audit_context
from huikuan.core.errors import NotFound
from huikuan.ledger.models import Allocation, Customer, Invoice, Payment, WriteOff
from huikuan.ledger.receipts import Receipt, ReceiptPart, ReceiptWriteOff, receipts_post
from huikuan.ledger.services import invoice_write_off, payment_allocate

pytestmark = pytest.mark.django_db

DAY = date(2024, 4, 30)


def receipt(reference: str, code: str, amount: str, parts=(), write_offs=(), currency="CNY") -> Receipt:
    return Receipt(
        reference=reference,
        customer_id=Customer.objects.get(code=code).pk,
        payment_date=DAY,
        amount=Decimal(amount),
        currency=currency,
        payer_name=f"付款人 {code}",
        memo=f"货款 {reference}",
        allocations=tuple(ReceiptPart(number, Decimal(value)) for number, value in parts),
        write_offs=tuple(
            ReceiptWriteOff(number, Decimal(value), reason, approved_by="matcher")
            for number, value, reason in write_offs
        ),
    )


def one_at_a_time(receipts: list[Receipt]) -> None:
    """The single services, as cash application posted a receipt before."""
    for r in receipts:
        with transaction.atomic():
            payment = Payment.objects.create(
                reference=r.reference,
                customer_id=r.customer_id,
                payment_date=r.payment_date,
                amount=r.amount,
                currency=r.currency,
                fx_rate=r.fx_rate,
                method=r.method,
                payer_name=r.payer_name,
                memo=r.memo,
            )
            for part in r.allocations:
                payment_allocate(
                    payment=payment,
                    invoice=Invoice.objects.get(number=part.invoice_number),
                    amount=part.amount,
                    allocation_date=r.payment_date,
                )
            for part in r.write_offs:
                invoice_write_off(
                    invoice=Invoice.objects.get(number=part.invoice_number),
                    amount=part.amount,
                    writeoff_date=r.payment_date,
                    reason=part.reason,
                    approved_by=part.approved_by,
                )


def ledger_and_audit() -> dict:
    """The ledger's rows and their audit entries, with database ids replaced by the records'
    own keys (references, numbers) and creation times left out."""
    payments = dict(Payment.objects.values_list("pk", "reference"))
    invoices = dict(Invoice.objects.values_list("pk", "number"))
    keys = {
        "payment": payments,
        "invoice": invoices,
        "customer": dict(Customer.objects.values_list("pk", "code")),
    }

    def entry(log: LogEntry) -> tuple:
        changes = {
            field: [keys[field].get(int(new)) if field in keys and new not in (None, "None") else new]
            for field, (_old, new) in log.changes.items()
            if field not in ("id", "created_at")
        }
        representation = log.object_repr
        if found := re.fullmatch(r"(\d+) → (\d+): (.*)", representation):
            representation = f"{payments[int(found[1])]} → {invoices[int(found[2])]}: {found[3]}"
        if found := re.fullmatch(r"(\d+): (.*)", representation):
            representation = f"{invoices[int(found[1])]}: {found[2]}"
        return (
            log.content_type.model,
            log.action,
            representation,
            sorted(changes.items()),
            log.actor_email,
            log.additional_data,
        )

    return {
        "invoices": list(
            Invoice.objects.order_by("number").values_list(
                "number", "applied_amount", "closed_on", "first_applied_on", "open_span"
            )
        ),
        "payments": list(
            Payment.objects.order_by("reference").values_list(
                "reference",
                "customer__code",
                "payment_date",
                "amount",
                "currency",
                "fx_rate",
                "method",
                "payer_name",
                "memo",
                "allocated_amount",
                "closed_on",
                "open_span",
                "import_batch",
            )
        ),
        "allocations": sorted(
            Allocation.objects.values_list(
                "payment__reference", "invoice__number", "amount", "allocation_date", "import_batch"
            )
        ),
        "write_offs": sorted(
            WriteOff.objects.values_list(
                "invoice__number", "amount", "writeoff_date", "reason", "approved_by"
            )
        ),
        "audit": sorted(
            (
                entry(log)
                for log in LogEntry.objects.filter(
                    content_type__model__in=("payment", "allocation", "writeoff")
                ).select_related("content_type")
            ),
            key=repr,
        ),
    }


class _Undo(Exception):
    pass


def test_a_batch_posts_the_rows_and_audit_entries_that_one_at_a_time_posts(invoices):
    receipts = [
        # Pays one invoice in full, and the next part of another; the rest stays on account.
        receipt(
            "BANK-1", "HZ001", "120000.00", [("YS-2024-0301", "100000.00"), ("YS-2024-0302", "15000.00")]
        ),
        # The same invoice again, in the same batch: counted after the first receipt.
        receipt("BANK-2", "HZ001", "35000.00", [("YS-2024-0302", "35000.00")]),
        # A short-pay written off with its reason.
        receipt(
            "BANK-3",
            "CD003",
            "29985.00",
            [("YS-2024-0304", "29985.00")],
            [("YS-2024-0304", "15.00", "银行手续费")],
        ),
        # All on account.
        receipt("BANK-4", "SZ002", "500.00"),
    ]
    with audit_context(source="cli"):
        try:
            with transaction.atomic():
                one_at_a_time(receipts)
                expected = ledger_and_audit()
                raise _Undo
        except _Undo:
            pass
        assert not Payment.objects.filter(reference__startswith="BANK-").exists()
        posted = receipts_post(receipts=receipts)
    assert [item.refused for item in posted] == [None] * 4
    assert ledger_and_audit() == expected
    assert expected["payments"][0][9] == Decimal("115000.00")  # BANK-1 allocated, 5,000 on account
    assert Invoice.objects.get(number="YS-2024-0302").open_amount == Decimal("0.00")
    assert [len(item.allocations) for item in posted] == [2, 1, 1, 0]
    assert posted[2].write_offs[0].pk == WriteOff.objects.get().pk


def test_a_receipt_that_breaks_a_rule_is_refused_alone(invoices):
    Payment.objects.create(
        reference="HK-9",
        customer=Customer.objects.get(code="HZ001"),
        payment_date=DAY,
        amount=1,
        currency="CNY",
    )
    posted = receipts_post(
        receipts=[
            receipt("BANK-1", "HZ001", "50000.00", [("YS-2024-0302", "50000.00")]),
            # The invoice was paid in full by the receipt before it in the batch.
            receipt("BANK-2", "HZ001", "10.00", [("YS-2024-0302", "10.00")]),
            receipt("BANK-3", "HZ001", "10.00", [("YS-2024-0303", "10.00")]),  # 南山电子's invoice
            receipt("BANK-4", "HZ001", "10.00", [("YS-2024-0301", "10.01")]),  # more than received
            receipt("BANK-5", "HZ001", "10.00", [("YS-2024-0301", "5.00"), ("YS-2024-0301", "5.00")]),
            receipt("BANK-6", "SG005", "10.00", [("YS-2024-0305", "10.00")]),  # CNY against USD
            receipt("BANK-7", "HZ001", "10.00", [("YS-2024-0301", "10.00")], [("YS-2024-0301", "1.00", " ")]),
            receipt("BANK-8", "HZ001", "10.00", [("NOPE", "10.00")]),
            receipt("HK-9", "HZ001", "10.00"),
            receipt("BANK-1", "HZ001", "10.00"),  # a reference used earlier in the batch
            receipt("BANK-10", "HZ001", "10.00", [("YS-2024-0301", "10.00")]),
        ]
    )
    messages = [str(item.refused) if item.refused else None for item in posted]
    assert messages[0] is None and messages[-1] is None
    assert "exceeds the open balance 0.00 CNY of invoice YS-2024-0302" in messages[1]
    assert "belongs to another customer than invoice YS-2024-0303" in messages[2]
    assert "exceeds the unallocated 10.00 CNY of payment BANK-4" in messages[3]
    assert "already allocated to invoice YS-2024-0301" in messages[4]
    assert "is in CNY, invoice YS-2024-0305 in USD" in messages[5]
    assert "needs a reason" in messages[6]
    assert isinstance(posted[7].refused, NotFound) and "NOPE" in messages[7]
    assert "a payment HK-9 already exists" in messages[8]
    assert "a payment BANK-1 already exists" in messages[9]
    assert sorted(
        Payment.objects.filter(reference__startswith="BANK-").values_list("reference", flat=True)
    ) == [
        "BANK-1",
        "BANK-10",
    ]
    assert Invoice.objects.get(number="YS-2024-0301").open_amount == Decimal("99990.00")
    assert not WriteOff.objects.exists()
