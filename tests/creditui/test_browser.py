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


def test_a_rechecked_order_passes_and_a_penalty_downgrade_is_approved(page_as, live_server, march, people):
    """Issue 14: lifting a hold lets the blocked order pass by itself (the salesperson is told),
    and a collections penalty's downgrade reaches the credit manager's inbox as a class change."""
    from huikuan.approvals.models import Notification
    from huikuan.collections.services import penalty_apply
    from huikuan.credit.flows import hold_lift_request
    from huikuan.credit.services import order_create

    NB = march["NB002"]
    Customer.objects.filter(pk=NB.pk).update(salesperson="sales_zhang")
    hold = customer_hold_place(customer=NB, reason="支票退票", source="manual", on=date(2026, 4, 1))
    NB.refresh_from_db()
    order = order_create(number="SO-0402N", customer=NB, order_date=date(2026, 4, 2), amount=Decimal("1000"))
    assert order.check_status == "blocked"
    lift = hold_lift_request(hold=hold, requested_by=people["sales_zhang"], reason="已补足货款")
    manager = page_as("cm_sun")
    _approve(manager, live_server, lift.number)
    manager.goto(f"{live_server.url}/credit/orders/SO-0402N/")
    assert manager.locator("#check-status").inner_text() == "通过"
    assert re.fullmatch(r"SA-2026-\d{6}", manager.locator("#shipment-approval").inner_text())
    assert Notification.objects.filter(user__username="sales_zhang", message__contains="SO-0402N").exists()

    penalty = penalty_apply(
        customer=march["HZ001"],
        kind="class_downgrade",
        decided_on=date(2026, 4, 2),
        decided_by=people["collector_wang"],
        reason="多次违约",
        proposed_class="C",
    )
    request = ApprovalRequest.objects.get(kind="class_change", subject_ref=f"penalty:{penalty.pk}")
    with manager.expect_navigation():
        manager.click("#nav-approvals")
    with manager.expect_navigation():
        manager.click(f"a:text-is('{request.number}')")
    shot(manager, "credit-penalty-downgrade-zh")
    with manager.expect_navigation():
        manager.click("#decide button[value=approve]")
    manager.goto(f"{live_server.url}/credit/customers/HZ001/")
    assert manager.locator("#credit-class").inner_text() == "C"
