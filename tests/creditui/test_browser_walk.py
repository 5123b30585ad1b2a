"""Issue 14's new credit steps walked in a real browser, in Chinese (Debian's Chromium,
Playwright, live server, zh-CN): a price below break-even goes to the business-unit head and
the order keeps who approved it; the overdue capital-occupation fee is charged as a ZJF- debit
note; a limit application above the Z-score ceiling needs the next approval step; a class D
order waits for an advance receipt (现款现货) and passes once one is recorded."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from huikuan.approvals.models import ApprovalRequest, Status
from huikuan.approvals.services import approval_chains_install
from huikuan.core.policy import policy_set
from huikuan.credit.models import CheckStatus, CreditLimitApplication, FeeCharge, Order
from huikuan.credit.services import financial_statement_record
from huikuan.ledger.models import Invoice
from tests.browser import chromium, pytestmark, shot, signed_in_tabs  # noqa: F401 - the shared browser fixture and marks
from tests.credit.conftest import make_customer, payment

D = Decimal


@pytest.fixture
def page_as(chromium, live_server, people):  # noqa: F811 - the fixture imported above
    # A live server's test empties the tables afterwards, the seeded approval chains too.
    approval_chains_install()
    with signed_in_tabs(chromium, live_server.url) as log_in:
        yield log_in


def _open_and_approve(page, number: str) -> None:
    """From the approvals inbox: open the request and approve it."""
    with page.expect_navigation():
        page.click("#nav-approvals")
    with page.expect_navigation():
        page.click(f"a:text-is('{number}')")
    with page.expect_navigation():
        page.click("#decide button[value=approve]")
    assert ApprovalRequest.objects.get(number=number).status == Status.APPROVED


def _create_order(page, live_server, code: str, **fields: str) -> None:
    page.goto(f"{live_server.url}/credit/customers/{code}/")
    page.click("#order-action summary")
    for field, value in fields.items():
        page.fill(f"#id_order-{field}", value)
    with page.expect_navigation():
        page.click("#order-action button[type=submit]")


def test_a_price_below_break_even_is_approved_by_the_business_unit_head(page_as, live_server, people):
    make_customer(
        "PR-C", name="嘉善精机", credit_class="C", credit_limit=D("1000000.00"), salesperson="sales_zhang"
    )
    seller = page_as("sales_zhang")
    _create_order(
        seller,
        live_server,
        "PR-C",
        number="SO-PW1",
        order_date="2026-04-02",
        amount="1000.00",
        price="99.99",
        break_even_price="100.00",
        target_profit="50.00",
    )
    assert "/credit/orders/SO-PW1/" in seller.url
    assert "价格审批" in seller.locator("#price h2").inner_text()
    assert seller.locator("#price-level").inner_text() == "事业部负责人"
    assert seller.locator("#shipment-approval").inner_text() == "—"
    number = seller.locator("#price-approval").inner_text()
    assert "AP-" in number and "待审批" in seller.locator("#price").inner_text()
    assert "价格须经事业部负责人审批" in seller.locator("#reasons").inner_text()
    assert seller.locator("#release").count() == 0  # no release past the price
    shot(seller, "walk-price-pending-zh")

    # The chain's second step: below break-even, only the president decides.
    president = page_as("president_zheng")
    _open_and_approve(president, number)
    president.goto(f"{live_server.url}/credit/orders/SO-PW1/")
    assert president.locator("#price-approved-by").inner_text() == "president_zheng"
    assert "(已批准), 审批人 president_zheng" in president.locator("#price").inner_text()
    assert president.locator("#check-status").inner_text() == "通过"
    assert re.fullmatch(r"SA-2026-\d{6}", president.locator("#shipment-approval").inner_text())
    shot(president, "walk-price-approved-zh")
    order = Order.objects.get(number="SO-PW1")
    assert (order.price_level, order.price_approved_by) == ("business_unit_head", "president_zheng")


def test_the_overdue_fee_is_charged_as_a_debit_note(page_as, live_server, march):
    policy_set(key="CREDIT_FEE_CHARGE", value="debit_note")
    manager = page_as("cm_sun")
    manager.goto(f"{live_server.url}/credit/customers/HZ001/")
    assert manager.locator("#charge-action summary").inner_text() == "收取超期资金占用费"
    manager.click("#charge-action summary")
    with manager.expect_navigation():
        manager.click("#charge-fee")
    assert "已收取超期资金占用费" in manager.locator("#messages").inner_text()
    charge = FeeCharge.objects.get()
    note = charge.debit_note.number
    assert note.startswith("ZJF-") and charge.charged_by == "cm_sun"
    assert "已收取的超期资金占用费" in manager.content()
    row = manager.locator("#fee-charges tbody tr").first.inner_text()
    assert note in row and "2026-04-02" in row
    assert f"{charge.amount:,.2f}" in row
    shot(manager, "walk-overdue-fee-charged-zh")
    # The fee is a receivable of its own: the invoice list shows the debit note.
    manager.goto(f"{live_server.url}/invoices/?q={note}")
    assert note in manager.locator("main").inner_text()
    assert Invoice.objects.filter(number=note, customer__code="HZ001").exists()
    shot(manager, "walk-overdue-fee-invoices-zh")


def test_a_limit_above_the_z_score_ceiling_needs_the_next_step(page_as, live_server, march):
    # Z′ (private manufacturer) = 1.59: the grey zone, a ceiling of 10% of the 4,000,000 net worth.
    financial_statement_record(
        customer=march["HZ001"],
        statement_date=date(2025, 12, 31),
        kind="private_manufacturer",
        working_capital=D("1000000"),
        retained_earnings=D("1000000"),
        ebit=D("500000"),
        book_equity=D("4000000"),
        total_liabilities=D("6000000"),
        sales=D("10000000"),
        total_assets=D("10000000"),
        currency="CNY",
    )
    manager = page_as("cm_sun")
    manager.goto(f"{live_server.url}/credit/customers/HZ001/")
    manager.click("#limit-action summary")
    ceiling = manager.locator("#limit-ceiling").inner_text()
    assert "灰色区" in ceiling and "400,000.00" in ceiling and "1.59" in ceiling
    manager.fill("#id_limit-amount", "600000.00")
    manager.fill("#id_limit-reason", "新项目需要")
    shot(manager, "walk-limit-ceiling-zh")
    with manager.expect_navigation():
        manager.click("#limit-action button[type=submit]")
    application = CreditLimitApplication.objects.get(customer__code="HZ001")
    request = ApprovalRequest.objects.get(number=application.approval_number)
    assert request.payload["above_ceiling"] is True
    manager.goto(f"{live_server.url}/approvals/{request.number}/")
    about = manager.locator("main").inner_text()
    assert "高于 Z 值建议上限 400000.00" in about
    assert "灰色区。建议额度上限：400,000.00 CNY" in about
    assert "Ceiling" not in about and "True" not in about
    steps = manager.locator("#steps tbody tr")
    last_roles = steps.nth(steps.count() - 1).inner_text()
    assert "财务总监" in last_roles or "首席财务官" in last_roles, last_roles
    shot(manager, "walk-limit-above-ceiling-zh")


def test_a_class_d_order_passes_once_an_advance_receipt_is_recorded(page_as, live_server, people):
    cash = make_customer("XJ001", name="现款客户", credit_class="D", salesperson="sales_zhang")
    payment("YS-D1", cash, "2026-04-01", "8000.00")
    manager = page_as("cm_sun")
    _create_order(manager, live_server, "XJ001", number="SO-D1", order_date="2026-04-02", amount="8000.00")
    assert "/credit/orders/SO-D1/" in manager.url
    assert manager.locator("#check-status").inner_text() == "拦截"
    assert "预收" in manager.locator("#reasons").inner_text()
    shot(manager, "walk-class-d-blocked-zh")

    manager.goto(f"{live_server.url}/customers/XJ001/")
    assert "预收款" in manager.locator("#advances h2").inner_text()
    manager.select_option("#advance-record-form select[name=payment]", "YS-D1")
    manager.fill("#advance-record-form input[name=order_number]", "SO-D1")
    with manager.expect_navigation():
        manager.click("#advance-record-form button[type=submit]")
    assert "SO-D1" in manager.locator("#advance-receipts tbody tr").first.inner_text()

    manager.goto(f"{live_server.url}/credit/orders/SO-D1/")
    assert manager.locator("#check-status").inner_text() == "通过"
    assert re.fullmatch(r"SA-2026-\d{6}", manager.locator("#shipment-approval").inner_text())
    assert "YS-D1" in manager.locator("#covered-by").inner_text()
    assert "现款现货" in manager.locator("#covered-by").inner_text()
    shot(manager, "walk-class-d-passes-zh")
    assert Order.objects.get(number="SO-D1").check_status == CheckStatus.PASSED
