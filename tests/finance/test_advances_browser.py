"""Advance receipts, the AR/AP offset and rounding tails in a real browser, in Chinese (Debian's
Chromium, Playwright, live server): a credit manager records a payment as an advance receipt for
an order, sees it offset when the order's invoice is imported, imports the payable of a customer
that is also a supplier and proposes the offset, which a second credit manager approves; then
rounding tails are written off with one approval."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from huikuan.accounts.services import user_create
from huikuan.approvals.services import approval_chains_install
from huikuan.finance.models import ArApOffset, OffsetStatus, TailWriteOff
from huikuan.ledger.models import AdvanceOffset, Invoice, Payment
from huikuan.ledger.services import customer_create, invoice_issue
from tests.browser import chromium, pytestmark, shot, signed_in_tabs  # noqa: F401 - the shared browser fixture and marks

D = Decimal


@pytest.fixture
def page_as(chromium, live_server, db):  # noqa: F811 - the fixture imported above
    approval_chains_install()  # a live server's test empties the tables, the seeded chains too
    for username in ("cm_sun", "cm_zhou"):
        user_create(username=username, role="credit_manager", password="Huikuan-test-pw-1")
    with signed_in_tabs(chromium, live_server.url) as log_in:
        yield log_in


@pytest.fixture
def counterparty(db):
    today = timezone.localdate()
    customer = customer_create(
        code="GY01", name="供需两用机械有限公司", credit_class="B", credit_limit=D("100000")
    )
    for number, days, amount in (("I-1", 90, "3000.00"), ("I-2", 60, "5000.00")):
        invoice_issue(
            number=number, customer=customer, invoice_date=today - timedelta(days=days), amount=D(amount)
        )
    tail = invoice_issue(
        number="T-1", customer=customer, invoice_date=today - timedelta(days=20), amount=D("100.00")
    )
    cash = Payment.objects.create(
        reference="BANK-T1",
        customer=customer,
        payment_date=today - timedelta(days=10),
        amount=D("99.60"),
        currency="CNY",
    )
    from huikuan.ledger.services import payment_allocate

    payment_allocate(payment=cash, invoice=tail, amount=D("99.60"))
    Payment.objects.create(
        reference="YS-0001",
        customer=customer,
        payment_date=today - timedelta(days=5),
        amount=D("10000.00"),
        currency="CNY",
        memo="预付货款 SO-88",
    )
    return customer


def _import(page, live_server, tmp_path, kind: str, text: str) -> None:
    page.goto(f"{live_server.url}/import/")
    path = tmp_path / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    page.select_option("#id_kind", kind)
    page.set_input_files("#id_file", str(path))
    page.click("main form button[type=submit]")
    page.locator("#import-result").wait_for()


def _approve_in_the_inbox(page, live_server, number: str) -> None:
    page.goto(f"{live_server.url}/approvals/")
    with page.expect_navigation():
        page.click(f"a:text-is('{number}')")
    with page.expect_navigation():
        page.click("#decide button[value=approve]")


def test_a_credit_manager_records_an_advance_offsets_ar_against_ap_and_writes_off_tails(
    page_as, live_server, counterparty, tmp_path
):
    today = timezone.localdate()
    manager = page_as("cm_sun")
    customer_page = f"{live_server.url}/customers/GY01/"

    # 1. The payment on account becomes an advance receipt for order SO-88.
    manager.goto(customer_page)
    assert "预收款" in manager.locator("#advances h2").inner_text()
    manager.select_option("#advance-record-form select[name=payment]", "YS-0001")
    manager.fill("#advance-record-form input[name=order_number]", "SO-88")
    with manager.expect_navigation():
        manager.click("#advance-record-form button[type=submit]")
    row = manager.locator("#advance-receipts tbody tr").first
    assert "SO-88" in row.inner_text() and row.locator(".advance-left").inner_text() == "10,000.00"
    manager.goto(f"{live_server.url}/aging/")
    header = manager.locator("#aging thead").inner_text()
    assert "预收款" in header and "未核销款" in header
    shot(manager, "advance-aging-zh")

    # 2. The ERP's invoice of the order arrives: the advance pays it on issue (预收冲应收).
    _import(
        manager,
        live_server,
        tmp_path,
        "invoices",
        "invoice_number,customer_code,invoice_date,amount,order_number\n"
        f"INV-88,GY01,{today - timedelta(days=1)},6000.00,SO-88\n",
    )
    assert Invoice.objects.get(number="INV-88").open_amount == 0
    assert AdvanceOffset.objects.get().automatic
    manager.goto(customer_page)
    row = manager.locator("#advance-receipts tbody tr").first
    assert row.locator(".advance-left").inner_text() == "4,000.00"
    assert "INV-88" in row.inner_text() and "开单时自动" in row.inner_text()
    shot(manager, "advance-offset-on-invoicing-zh")

    # 3. The payable to the same company as a supplier: offset 7,000 of its receivables.
    _import(
        manager,
        live_server,
        tmp_path,
        "payables",
        f"customer_code,supplier_code,payable_amount,currency,as_of_date\nGY01,GYS-01,7000.00,CNY,{today}\n",
    )
    manager.goto(customer_page)
    assert "7,000.00" in manager.locator("#payables tbody tr").first.inner_text()
    with manager.expect_navigation():
        manager.click("#payables button.propose-offset")
    offset = ArApOffset.objects.get()
    assert offset.amount == D("7000.00") and offset.status == OffsetStatus.PENDING
    shot(manager, "ar-ap-offset-proposed-zh")
    second = page_as("cm_zhou")
    _approve_in_the_inbox(second, live_server, offset.approval_number)
    offset.refresh_from_db()
    assert offset.status == OffsetStatus.POSTED
    assert {i.number: i.open_amount for i in Invoice.objects.filter(number__in=["I-1", "I-2"])} == {
        "I-1": D("0.00"),
        "I-2": D("1000.00"),
    }
    second.goto(customer_page)
    assert second.locator("#ar-ap-offsets .offset-status").first.inner_text() == "已批准并入账"
    shot(second, "ar-ap-offset-posted-zh")

    # 4. The 0.40 left of T-1 is a rounding tail: one approval writes it off.
    manager.goto(f"{live_server.url}/rounding-tails/")
    assert manager.locator("#tails tbody tr").count() == 1 and "T-1" in manager.locator("#tails").inner_text()
    with manager.expect_navigation():
        manager.click("#tails-form button[type=submit]")
    proposal = TailWriteOff.objects.get()
    _approve_in_the_inbox(second, live_server, proposal.approval_number)
    proposal.refresh_from_db()
    assert proposal.status == OffsetStatus.POSTED and Invoice.objects.get(number="T-1").open_amount == 0
    manager.goto(f"{live_server.url}/rounding-tails/")
    assert manager.locator("#tail-proposals .tails-status").first.inner_text() == "已批准并入账"
    assert "没有尾差" in manager.locator("#tails").inner_text()
    shot(manager, "rounding-tails-zh")
