"""The ledger's write services refuse what a finance user must never see happen, and the
cached figures on invoices and payments always equal the records they summarise."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Sum

from huikuan.core.errors import RuleViolation
from huikuan.ledger.models import Allocation, CreditNote, Invoice, Payment, WriteOff
from huikuan.ledger.services import (
    credit_note_issue,
    invoice_write_off,
    invoices_refresh_closure,
    payment_allocate,
    payments_refresh_allocated,
)

APRIL_RECEIPTS = """\
payment_ref,customer_code,payment_date,amount,currency,exchange_rate,payer_name
HK-20240410-01,HZ001,2024-04-10,150000.00,CNY,,杭州湖畔机电有限公司
HK-20240412-02,HZ001,2024-04-12,1000.00,USD,7.1,HUPAN M&E (HK) LTD
HK-20240418-03,SZ002,2024-04-18,10000.00,CNY,,深圳南山电子有限公司
"""


@pytest.fixture
def receipts(invoices, huikuan, write_file) -> dict[str, Payment]:
    assert huikuan("import", "payments", write_file("huikuan.csv", APRIL_RECEIPTS)).code == 0
    return {p.reference: p for p in Payment.objects.all()}


@pytest.fixture
def snapshot():
    def take() -> tuple:
        return (
            sorted(Invoice.objects.values_list("number", "applied_amount", "closed_on")),
            sorted(Payment.objects.values_list("reference", "customer", "allocated_amount", "closed_on")),
            Allocation.objects.count(),
            CreditNote.objects.count(),
            WriteOff.objects.count(),
        )

    return take


def _invoice(number: str) -> Invoice:
    return Invoice.objects.get(number=number)


@pytest.mark.parametrize(
    ("reference", "number", "amount", "message"),
    [
        pytest.param(
            "HK-20240410-01",
            "YS-2024-0302",
            "50000.01",
            "exceeds the open balance 50000.00 CNY of invoice YS-2024-0302",
            id="beyond-the-invoice-open-balance",
        ),
        pytest.param(
            "HK-20240418-03",
            "YS-2024-0303",
            "10000.01",
            "exceeds the unallocated 10000.00 CNY of payment HK-20240418-03",
            id="beyond-the-payment-rest",
        ),
        pytest.param(
            "HK-20240412-02",
            "YS-2024-0301",
            "100.00",
            "payment HK-20240412-02 is in USD, invoice YS-2024-0301 in CNY",
            id="across-currencies",
        ),
        pytest.param(
            "HK-20240418-03",
            "YS-2024-0301",
            "100.00",
            "belongs to another customer than invoice YS-2024-0301",
            id="to-another-customers-invoice",
        ),
        pytest.param("HK-20240410-01", "YS-2024-0301", "0", "must be positive", id="zero"),
        pytest.param("HK-20240410-01", "YS-2024-0301", "-5.00", "must be positive", id="negative"),
    ],
)
def test_payment_allocate_refuses(receipts, snapshot, reference, number, amount, message):
    before = snapshot()

    with pytest.raises(RuleViolation, match=re.escape(message)):
        payment_allocate(payment=receipts[reference], invoice=_invoice(number), amount=Decimal(amount))

    assert snapshot() == before


def test_payment_allocate_refuses_what_an_earlier_allocation_already_took(receipts, snapshot):
    payment_allocate(
        payment=receipts["HK-20240418-03"], invoice=_invoice("YS-2024-0303"), amount=Decimal(6000)
    )
    before = snapshot()

    with pytest.raises(RuleViolation, match=re.escape("exceeds the unallocated 4000.00 CNY")):
        payment_allocate(
            payment=receipts["HK-20240418-03"], invoice=_invoice("YS-2024-0303"), amount=Decimal("4000.01")
        )
    with pytest.raises(RuleViolation, match="already allocated to invoice YS-2024-0303"):
        payment_allocate(
            payment=receipts["HK-20240418-03"], invoice=_invoice("YS-2024-0303"), amount=Decimal(1)
        )

    assert snapshot() == before


def test_write_off_refuses_more_than_is_open(receipts, snapshot):
    before = snapshot()

    with pytest.raises(
        RuleViolation, match=re.escape("write-off of 30000.01 CNY exceeds the open balance 30000.00 CNY")
    ):
        invoice_write_off(
            invoice=_invoice("YS-2024-0304"),
            amount=Decimal("30000.01"),
            writeoff_date=date(2024, 12, 31),
            reason="客户已注销",
        )

    assert snapshot() == before


@pytest.mark.parametrize("reason", ["", "   "])
def test_write_off_refuses_without_a_reason(receipts, snapshot, reason):
    before = snapshot()

    with pytest.raises(RuleViolation, match="needs a reason"):
        invoice_write_off(
            invoice=_invoice("YS-2024-0304"),
            amount=Decimal(100),
            writeoff_date=date(2024, 12, 31),
            reason=reason,
        )

    assert snapshot() == before


def test_credit_note_refuses_more_than_is_open(receipts, snapshot, customers):
    before = snapshot()

    with pytest.raises(
        RuleViolation, match=re.escape("credit note of 30000.01 CNY exceeds the open balance 30000.00 CNY")
    ):
        credit_note_issue(
            number="CD-CN-900",
            customer=customers["CD003"],
            invoice=_invoice("YS-2024-0304"),
            note_date=date(2024, 4, 1),
            amount=Decimal("30000.01"),
            currency="CNY",
            reason="整单退货",
        )

    assert snapshot() == before
    assert not CreditNote.objects.filter(number="CD-CN-900").exists()


def test_credit_note_refuses_another_customers_invoice_and_another_currency(receipts, snapshot, customers):
    before = snapshot()

    with pytest.raises(RuleViolation, match="is not customer SZ002's"):
        credit_note_issue(
            number="SZ-CN-1",
            customer=customers["SZ002"],
            invoice=_invoice("YS-2024-0304"),
            note_date=date(2024, 4, 1),
            amount=Decimal(100),
            currency="CNY",
        )
    with pytest.raises(RuleViolation, match="in USD cannot reduce invoice YS-2024-0304 in CNY"):
        credit_note_issue(
            number="CD-CN-2",
            customer=customers["CD003"],
            invoice=_invoice("YS-2024-0304"),
            note_date=date(2024, 4, 1),
            amount=Decimal(100),
            currency="USD",
        )

    assert snapshot() == before


def test_cached_balances_equal_the_records_after_imports_and_services_mixed(
    receipts, customers, huikuan, write_file
):
    hupan_cny = receipts["HK-20240410-01"]
    # 0301 (100 000): a credit note on 1 April, then 60 000 of the payment on 1 May closes it.
    credit_note_issue(
        number="HZ-CN-001",
        customer=customers["HZ001"],
        invoice=_invoice("YS-2024-0301"),
        note_date=date(2024, 4, 1),
        amount=Decimal(40000),
        currency="CNY",
        reason="价格调整",
    )
    payment_allocate(
        payment=hupan_cny,
        invoice=_invoice("YS-2024-0301"),
        amount=Decimal(60000),
        allocation_date=date(2024, 5, 1),
    )
    # 0302 (50 000): 20 000 allocated by the ERP's file, a 5 000 credit note, the rest written off.
    allocations = write_file(
        "hexiao.csv",
        "payment_ref,invoice_number,amount,allocation_date\nHK-20240410-01,YS-2024-0302,20000,2024-04-12\n",
    )
    assert huikuan("import", "allocations", allocations).code == 0
    credit_note_issue(
        number="HZ-CN-002",
        customer=customers["HZ001"],
        invoice=_invoice("YS-2024-0302"),
        note_date=date(2024, 4, 15),
        amount=Decimal(5000),
        currency="CNY",
    )
    invoice_write_off(
        invoice=_invoice("YS-2024-0302"),
        amount=Decimal(25000),
        writeoff_date=date(2024, 6, 30),
        reason="客户破产清算",
        approved_by="财务总监 吴敏",
    )
    # 南山电子's whole receipt goes to 0303, recorded a week after it arrived.
    payment_allocate(
        payment=receipts["HK-20240418-03"],
        invoice=_invoice("YS-2024-0303"),
        amount=Decimal(10000),
        allocation_date=date(2024, 4, 25),
    )

    expected_invoices = {
        "YS-2024-0301": (Decimal(100000), date(2024, 5, 1)),
        "YS-2024-0302": (Decimal(50000), date(2024, 6, 30)),
        "YS-2024-0303": (Decimal(10000), None),
        "YS-2024-0304": (Decimal(0), None),
        "YS-2024-0305": (Decimal(0), None),
    }
    for invoice in Invoice.objects.all():
        recorded = sum(
            (
                model.objects.filter(invoice=invoice).aggregate(total=Sum("amount"))["total"] or Decimal(0)
                for model in (Allocation, CreditNote, WriteOff)
            ),
            Decimal(0),
        )
        assert invoice.applied_amount == recorded, invoice.number
        assert (invoice.applied_amount, invoice.closed_on) == expected_invoices[invoice.number]
    assert _invoice("YS-2024-0303").open_amount == Decimal(70000)

    expected_payments = {
        "HK-20240410-01": (Decimal(80000), None),
        "HK-20240412-02": (Decimal(0), None),
        "HK-20240418-03": (Decimal(10000), date(2024, 4, 25)),
    }
    for payment in Payment.objects.all():
        recorded = Allocation.objects.filter(payment=payment).aggregate(total=Sum("amount"))["total"]
        assert payment.allocated_amount == (recorded or Decimal(0)), payment.reference
        assert (payment.allocated_amount, payment.closed_on) == expected_payments[payment.reference]
    assert Payment.objects.get(reference="HK-20240410-01").unallocated_amount == Decimal(70000)

    # Recomputing every cache from the records finds nothing to correct.
    assert invoices_refresh_closure(invoice_ids=Invoice.objects.values_list("pk", flat=True)) == 0
    assert payments_refresh_allocated(payment_ids=Payment.objects.values_list("pk", flat=True)) == 0


def test_a_recovery_on_a_written_off_debt_is_recorded_but_never_beyond_the_write_off(db):
    from huikuan.ledger.models import Customer, Invoice
    from huikuan.ledger.services import invoice_write_off, write_off_record_recovery

    customer = Customer.objects.create(code="LOST01", name="衰落贸易有限公司")
    invoice = Invoice.objects.create(
        number="INV-LOST-1",
        customer=customer,
        invoice_date=date(2023, 1, 10),
        due_date=date(2023, 2, 14),
        original_due_date=date(2023, 2, 14),
        amount=Decimal("8000.00"),
        currency="CNY",
    )
    write_off = invoice_write_off(
        invoice=invoice, amount=Decimal("8000.00"), writeoff_date=date(2024, 6, 30), reason="破产清算"
    )

    write_off_record_recovery(write_off=write_off, amount=Decimal("3000.00"), recovery_date=date(2025, 3, 1))
    with pytest.raises(RuleViolation, match=r"more than the 8000\.00 written off"):
        write_off_record_recovery(
            write_off=write_off, amount=Decimal("5000.01"), recovery_date=date(2025, 4, 1)
        )
    with pytest.raises(RuleViolation, match="cannot precede the write-off"):
        write_off_record_recovery(
            write_off=write_off, amount=Decimal("10.00"), recovery_date=date(2024, 1, 1)
        )

    assert [r.amount for r in write_off.recoveries.all()] == [Decimal("3000.00")]
    invoice.refresh_from_db()
    assert invoice.open_amount == Decimal("0.00")  # a recovery does not reopen the invoice
