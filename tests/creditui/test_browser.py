"""A credit manager's month in a real browser (Debian's Chromium, Playwright, live server).

cm_sun evaluates March, approves the class change the analyst proposed in the inbox, releases a blocked
order, lifts a hold, enters a financial statement and changes the fee rate; dh_ma approves a
salesperson's term extension. Screenshots land in test-artifacts/ (copied to docs/screenshots
for the README by hand).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from huikuan.approvals.models import ApprovalRequest, Status
from huikuan.approvals.services import approval_chains_install
from huikuan.credit.models import CreditHold, Order, TermExtensionRequest
from huikuan.credit.services import customer_hold_place
from huikuan.ledger.models import Customer, Invoice
from tests.browser import chromium, pytestmark, shot, signed_in_tabs  # noqa: F401 - the shared browser fixture and marks


@pytest.fixture
def page_as(chromium, live_server, people):  # noqa: F811 - the fixture imported above
    # A live server's test empties the tables afterwards, the seeded approval chains too.
    approval_chains_install()
    with signed_in_tabs(chromium, live_server.url) as log_in:
        yield log_in


def _approve(page, live_server, number: str) -> None:
    page.goto(f"{live_server.url}/approvals/{number}/")
    with page.expect_navigation():
        page.click("#decide button[value=approve]")
    assert ApprovalRequest.objects.get(number=number).status == Status.APPROVED


def test_evaluate_the_month_and_approve_the_class_change_in_the_inbox(page_as, live_server, march):
    page = page_as("cm_sun")
    with page.expect_navigation():
        page.click("#nav-credit")
    page.fill("#id_period", "2026-03")
    with page.expect_navigation():
        page.click("#evaluate button[type=submit]")
    assert "2026-03" in page.locator("#messages").inner_text()
    # The analyst files the proposals: whoever files a request does not decide it.
    analyst = page_as("analyst_qian")
    analyst.goto(f"{live_server.url}/credit/")
    with analyst.expect_navigation():
        analyst.click("#propose button[type=submit]")
    page.reload()
    shot(page, "credit-dashboard-zh")
    request = ApprovalRequest.objects.filter(kind="class_change", status=Status.PENDING).first()
    assert request is not None
    with page.expect_navigation():
        page.click("#nav-approvals")
    with page.expect_navigation():
        page.click(f"a:text-is('{request.number}')")
    with page.expect_navigation():
        page.click("#decide button[value=approve]")
    customer = Customer.objects.get(pk=request.customer_id)
    assert customer.credit_class == request.payload["to_class"]
    page.goto(f"{live_server.url}/credit/customers/{customer.code}/")
    assert page.locator("#credit-class").inner_text() == request.payload["to_class"]


def test_a_department_head_approves_a_salespersons_term_extension(page_as, live_server, march):
    seller = page_as("sales_zhang")
    seller.goto(f"{live_server.url}/credit/customers/HZ001/")
    seller.click("#extension-action summary")
    seller.select_option("#id_extension-invoice", "H-0305")
    seller.fill("#id_extension-days", "15")
    seller.fill("#id_extension-reason", "项目延期")
    with seller.expect_navigation():
        seller.click("#extension-action button[type=submit]")
    seller.locator("#messages").wait_for()
    number = TermExtensionRequest.objects.get(invoice__number="H-0305").approval_number
    assert number in seller.locator("#extensions").inner_text()
    _approve(page_as("dh_ma"), live_server, number)
    assert Invoice.objects.get(number="H-0305").due_date == date(2026, 5, 24)


def test_a_blocked_order_is_released_and_gets_its_shipment_approval(page_as, live_server, march):
    seller = page_as("sales_zhang")
    seller.goto(f"{live_server.url}/credit/customers/HZ001/")
    seller.click("#order-action summary")
    seller.fill("#id_order-number", "SO-0402")
    seller.fill("#id_order-amount", "450000.00")
    with seller.expect_navigation():
        seller.click("#order-action button[type=submit]")
    assert seller.locator("#reasons li").count() == 2  # over the limit, and overdue beyond 30 days
    with seller.expect_navigation():
        seller.click("#release button[type=submit]")
    number = seller.locator("#release-approval").inner_text()
    manager = page_as("cm_sun")
    _approve(manager, live_server, number)
    manager.goto(f"{live_server.url}/credit/orders/SO-0402/")
    assert re.fullmatch(r"SA-2026-\d{6}", manager.locator("#shipment-approval").inner_text())
    assert Order.objects.get(number="SO-0402").check_status == "released"


def test_lift_a_hold_enter_a_statement_and_change_the_fee_rate(page_as, live_server, march, people):
    customer_hold_place(customer=march["NB002"], reason="支票退票", source="manual", on=date(2026, 4, 1))
    analyst = page_as("analyst_qian")
    analyst.goto(f"{live_server.url}/credit/customers/NB002/")
    analyst.fill("form.lift input[name=lift-reason]", "已付清")
    with analyst.expect_navigation():
        analyst.click("form.lift button[type=submit]")
    hold = CreditHold.objects.get(customer__code="NB002")
    manager = page_as("cm_sun")
    _approve(manager, live_server, hold.lift_approval_number)
    hold.refresh_from_db()
    assert hold.lifted_on is not None

    manager.goto(f"{live_server.url}/credit/customers/HZ001/")
    manager.click("#statement-action summary")
    manager.fill("#id_statement-statement_date", "2025-12-31")
    manager.select_option("#id_statement-kind", "private_manufacturer")
    for field, value in (
        ("working_capital", "200000"),
        ("retained_earnings", "150000"),
        ("ebit", "120000"),
        ("book_equity", "400000"),
        ("total_liabilities", "600000"),
        ("sales", "1500000"),
        ("total_assets", "1000000"),
    ):
        manager.fill(f"#id_statement-{field}", value)
    with manager.expect_navigation():
        manager.click("#statement-action button[type=submit]")
    # Z′ = 0.717·0.2 + 0.847·0.15 + 3.107·0.12 + 0.420·(400/600) + 0.998·1.5
    assert manager.locator("#z-score").inner_text() == "2.42"
    fee_before = Decimal(manager.locator("#overdue-fee").inner_text().replace(",", ""))

    manager.goto(f"{live_server.url}/credit/settings/")
    manager.fill("input[name='v:OVERDUE_FEE_ANNUAL_RATE']", "0.087")
    with manager.expect_navigation():
        manager.click("#setting-OVERDUE_FEE_ANNUAL_RATE button[type=submit]:not([name])")
    manager.goto(f"{live_server.url}/credit/customers/HZ001/")
    fee_after = Decimal(manager.locator("#overdue-fee").inner_text().replace(",", ""))
    assert fee_after == pytest.approx(fee_before * 2, abs=Decimal("0.02"))
    shot(manager, "credit-customer-zh")
