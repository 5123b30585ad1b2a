"""Advance receipts (预收): recorded from a payment marked as advance, aged apart from money on
account, offset against the order's invoices when they are issued (预收冲应收) or by a user, and
what a class D order relies on. Each step's aging, exposure and KPIs against a hand-computed
ledger."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.utils import translation

from huikuan.core.errors import InputRejected, RuleViolation
from huikuan.credit.models import CheckStatus
from huikuan.credit.selectors import credit_check
from huikuan.credit.services import order_create
from huikuan.finance.selectors import kpi_report
from huikuan.ledger.advances import advance_offset, advance_receipt_record, customer_advances
from huikuan.ledger.imports import ledger_import
from huikuan.ledger.models import AdvanceOffset, AdvanceReceipt, Customer, Invoice, Payment
from huikuan.ledger.services import customer_create, invoice_issue
from huikuan.reporting.selectors import aging_report

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def load(tmp_path, kind: str, text: str):
    path = tmp_path / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    return ledger_import(kind=kind, path=path)


def figures(code: str, as_of: date) -> dict[str, str]:
    """The customer's aging line as of the day: balance, unapplied, advance."""
    report = aging_report(as_of=as_of).as_dict()
    row = next((r for r in report["rows"] if r["key"] == code), None)
    if row is None:
        return {"balance": "0.00", "unapplied": "0.00", "advance": "0.00"}
    return {k: row[k] for k in ("balance", "unapplied", "advance")}


def exposure(customer: Customer, as_of: date) -> Decimal:
    return credit_check(customer=customer, amount=D("0.01"), as_of=as_of).open_receivables


def ending_ar(as_of: date) -> Decimal:
    return kpi_report(first_day=as_of.replace(day=1), last_day=as_of).rows[0].figures.ending_ar


@pytest.fixture
def hz(db) -> Customer:
    return customer_create(
        code="HZ9", name="杭州预收客户", credit_class="B", credit_limit=D("100000"), term_days=30
    )


def test_an_order_advance_is_offset_on_invoicing_and_a_customer_advance_by_a_user(hz, tmp_path):
    # 1. 10,000 received in advance for order SO-1 (import column "advance").
    load(
        tmp_path,
        "payments",
        "payment_ref,customer_code,payment_date,amount,advance,order_number\nADV-1,HZ9,2026-03-01,10000.00,yes,SO-1\n",
    )
    receipt = AdvanceReceipt.objects.get(payment__reference="ADV-1")
    assert (receipt.order_number, receipt.source) == ("SO-1", "import")
    assert figures("HZ9", date(2026, 3, 1)) == {"balance": "0.00", "unapplied": "0.00", "advance": "10000.00"}
    assert exposure(hz, date(2026, 3, 1)) == 0

    # 2. The order's first invoice (8,000) is imported: the advance pays it on its date.
    load(
        tmp_path,
        "invoices",
        "invoice_number,customer_code,invoice_date,due_date,amount,order_number\n"
        "INV-1,HZ9,2026-03-05,2026-04-04,8000.00,SO-1\n",
    )
    inv1 = Invoice.objects.get(number="INV-1")
    assert inv1.open_amount == 0 and inv1.closed_on == date(2026, 3, 5)
    assert figures("HZ9", date(2026, 3, 4)) == {"balance": "0.00", "unapplied": "0.00", "advance": "10000.00"}
    assert figures("HZ9", date(2026, 3, 5)) == {"balance": "0.00", "unapplied": "0.00", "advance": "2000.00"}
    [first] = AdvanceOffset.objects.all()
    assert first.automatic and first.allocation.amount == D("8000.00")

    # 3. The second invoice (5,000) through the service: 2,000 left of the advance pays part.
    inv2 = invoice_issue(
        number="INV-2", customer=hz, invoice_date=date(2026, 3, 10), amount=D("5000.00"), order_number="SO-1"
    )
    assert inv2.open_amount == D("3000.00")
    assert figures("HZ9", date(2026, 3, 10)) == {"balance": "3000.00", "unapplied": "0.00", "advance": "0.00"}
    assert exposure(hz, date(2026, 3, 10)) == D("3000.00")
    assert ending_ar(date(2026, 3, 10)) == D("3000.00")

    # 4. A customer-wide advance (no order) is not offset by itself: a user offsets it.
    money = Payment.objects.create(
        reference="ADV-2", customer=hz, payment_date=date(2026, 3, 12), amount=D("1500.00"), currency="CNY"
    )
    assert figures("HZ9", date(2026, 3, 12))["unapplied"] == "1500.00"
    customer_wide = advance_receipt_record(payment=money, recorded_on=date(2026, 3, 12), recorded_by="cm_sun")
    assert figures("HZ9", date(2026, 3, 12)) == {
        "balance": "3000.00",
        "unapplied": "0.00",
        "advance": "1500.00",
    }
    inv3 = invoice_issue(
        number="INV-3", customer=hz, invoice_date=date(2026, 3, 15), amount=D("1000.00"), order_number="SO-9"
    )
    assert inv3.open_amount == D("1000.00")
    assert figures("HZ9", date(2026, 3, 15)) == {
        "balance": "4000.00",
        "unapplied": "0.00",
        "advance": "1500.00",
    }
    assert exposure(hz, date(2026, 3, 15)) == D("4000.00")

    by_user = advance_offset(receipt=customer_wide, invoice=inv3, offset_by="cm_sun")
    assert not by_user.automatic and by_user.allocation.amount == D("1000.00")
    assert by_user.allocation.allocation_date == date(2026, 3, 15)
    assert figures("HZ9", date(2026, 3, 15)) == {
        "balance": "3000.00",
        "unapplied": "0.00",
        "advance": "500.00",
    }
    advance_offset(
        receipt=customer_wide, invoice=inv2, amount=D("500.00"), on=date(2026, 3, 20), offset_by="cm_sun"
    )
    assert figures("HZ9", date(2026, 3, 20)) == {"balance": "2500.00", "unapplied": "0.00", "advance": "0.00"}
    assert exposure(hz, date(2026, 3, 20)) == D("2500.00")
    assert ending_ar(date(2026, 3, 31)) == D("2500.00")

    lines = {line.receipt.payment.reference: line for line in customer_advances(customer_ids=[hz.pk])}
    assert (lines["ADV-1"].offset, lines["ADV-1"].left) == (D("10000.00"), D("0.00"))
    assert [o["invoice"] for o in lines["ADV-2"].as_dict()["offsets"]] == ["INV-3", "INV-2"]
    # Audited: the receipts and each offset are in the audit trail.
    assert LogEntry.objects.get_for_objects(AdvanceReceipt.objects.all()).count() == 2
    assert LogEntry.objects.get_for_objects(AdvanceOffset.objects.all()).count() == 4


def test_an_advance_for_an_order_whose_invoice_is_already_issued_is_offset_at_once(hz):
    inv = invoice_issue(
        number="INV-7", customer=hz, invoice_date=date(2026, 3, 1), amount=D("300.00"), order_number="SO-7"
    )
    money = Payment.objects.create(
        reference="ADV-7", customer=hz, payment_date=date(2026, 3, 2), amount=D("500.00"), currency="CNY"
    )
    advance_receipt_record(payment=money, recorded_on=date(2026, 3, 2), order_number="SO-7")
    inv.refresh_from_db()
    assert inv.open_amount == 0
    assert figures("HZ9", date(2026, 3, 2)) == {"balance": "0.00", "unapplied": "0.00", "advance": "200.00"}


def test_what_cannot_be_an_advance_or_an_offset_is_refused(hz):
    other = customer_create(code="SH1", name="上海客户")
    foreign = invoice_issue(number="SH-INV", customer=other, invoice_date=date(2026, 3, 1), amount=D("10"))
    unknown = Payment.objects.create(
        reference="X-1", payment_date=date(2026, 3, 1), amount=D("5"), currency="CNY"
    )
    with pytest.raises(RuleViolation, match="no customer"):
        advance_receipt_record(payment=unknown, recorded_on=date(2026, 3, 1))
    money = Payment.objects.create(
        reference="A-1", customer=hz, payment_date=date(2026, 3, 1), amount=D("5"), currency="CNY"
    )
    receipt = advance_receipt_record(payment=money, recorded_on=date(2026, 3, 1))
    with pytest.raises(RuleViolation, match="already an advance"):
        advance_receipt_record(payment=money, recorded_on=date(2026, 3, 1))
    with pytest.raises(RuleViolation, match="not the customer"):
        advance_offset(receipt=receipt, invoice=foreign)
    mine = invoice_issue(number="HZ-INV", customer=hz, invoice_date=date(2026, 3, 1), amount=D("3"))
    with pytest.raises(RuleViolation, match="at most 3"):
        advance_offset(receipt=receipt, invoice=mine, amount=D("4"))
    advance_offset(receipt=receipt, invoice=mine)
    with pytest.raises(RuleViolation, match="nothing to offset"):
        advance_offset(receipt=receipt, invoice=mine)


def test_a_payments_file_with_a_bad_advance_row_imports_nothing(hz, tmp_path):
    invoice_issue(number="INV-9", customer=hz, invoice_date=date(2026, 3, 1), amount=D("100"))
    with pytest.raises(InputRejected) as refused:
        load(
            tmp_path,
            "payments",
            "payment_ref,customer_code,payment_date,amount,invoice_number,advance,order_number\n"
            "OK-1,HZ9,2026-03-01,10.00,,yes,SO-1\n"
            "BAD-1,HZ9,2026-03-01,10.00,INV-9,yes,\n"
            "BAD-2,HZ9,2026-03-01,10.00,,no,SO-2\n"
            "BAD-3,,2026-03-01,10.00,,yes,\n"
            "BAD-4,HZ9,2026-03-01,10.00,,maybe,\n",
        )
    errors = {(e.line, e.column) for e in refused.value.errors}
    assert errors == {(3, "advance"), (4, "order_number"), (5, "customer_code"), (6, "advance")}
    assert not Payment.objects.exists() and not AdvanceReceipt.objects.exists()


def test_class_d_relies_on_the_advance_for_the_customer_or_for_that_order_only(db):
    cash = customer_create(code="XJ9", name="现款现货客户", credit_class="D")
    money = Payment.objects.create(
        reference="ADV-X", customer=cash, payment_date=date(2026, 4, 1), amount=D("5000"), currency="CNY"
    )
    assert not credit_check(customer=cash, amount=D("1000"), as_of=date(2026, 4, 2)).covered_by
    advance_receipt_record(payment=money, recorded_on=date(2026, 4, 1), order_number="SO-X")
    other = order_create(number="SO-Y", customer=cash, order_date=date(2026, 4, 2), amount=D("1000"))
    assert other.check_status == CheckStatus.BLOCKED
    mine = order_create(number="SO-X", customer=cash, order_date=date(2026, 4, 2), amount=D("5000"))
    assert mine.check_status == CheckStatus.PASSED
    assert mine.covered_by == [{"reference": "ADV-X", "amount": "5000.00"}]
    # The order's invoice takes the advance: the receivable is paid on issue.
    invoice = invoice_issue(
        number="INV-X", customer=cash, invoice_date=date(2026, 4, 5), amount=D("5000"), order_number="SO-X"
    )
    assert invoice.open_amount == 0
    assert figures("XJ9", date(2026, 4, 5)) == {"balance": "0.00", "unapplied": "0.00", "advance": "0.00"}


def test_the_command_line_records_offsets_lists_and_proposes(hz, huikuan, tmp_path):
    from huikuan.accounts.services import user_create

    user_create(username="cm_sun", role="credit_manager", password="Huikuan-test-pw-1")
    Payment.objects.create(
        reference="ADV-C", customer=hz, payment_date=date(2026, 3, 1), amount=D("900.00"), currency="CNY"
    )
    invoice_issue(number="INV-C", customer=hz, invoice_date=date(2026, 3, 2), amount=D("400.00"))
    recorded = huikuan("advance", "record", "--payment", "ADV-C", "--json")
    assert recorded.code == 0, recorded.stderr
    assert AdvanceReceipt.objects.get().source == "cli"
    offset = huikuan("advance", "offset", "ADV-C", "--invoice", "INV-C", "--json")
    assert offset.code == 0 and offset.json()["amount"] == "400.00"
    listing = huikuan("advance", "list", "--customer", "HZ9")
    assert "ADV-C" in listing.stdout and "500.00" in listing.stdout
    assert huikuan("advance", "offset", "ADV-C", "--invoice", "INV-C").code == 1  # nothing left open
    assert huikuan("advance", "tails", "--json").json() == {"tails": []}
    refused = huikuan("advance", "tails", "--propose", "--user", "cm_sun")
    assert refused.code == 1 and "under" in refused.stderr
    assert huikuan("advance", "ar-ap", "--json").json() == {"candidates": []}
