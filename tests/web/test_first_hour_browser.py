"""The first hour in Chinese, in Chromium: the aging regrouped and submitted (its date input
keeps an ISO value), and the pages issue 9 changed, each photographed into test-artifacts/."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from huikuan.approvals.services import approval_chains_install
from huikuan.collections.run import dunning_run
from huikuan.credit.flows import order_release_request
from huikuan.credit.services import order_create
from huikuan.ledger.models import Customer
from tests.browser import chromium, pytestmark, shot  # noqa: F401 - shared fixtures and marks
from tests.web.test_browser import page_as  # noqa: F401 - the fixture


def test_the_aging_is_regrouped_in_chinese_and_keeps_its_date(page_as, live_server):  # noqa: F811 - the fixture imported above
    page = page_as("credit_manager")
    page.goto(f"{live_server.url}/aging/?as_of=2024-06-30&by=customer&basis=due")
    assert page.locator("#id_as_of").input_value() == "2024-06-30"
    page.select_option("#id_by", "department")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert "by=department" in page.url and "as_of=2024-06-30" in page.url
    assert page.locator("#as-of").inner_text() == "截至 2024-06-30"
    assert page.locator("#aging tbody tr").count() >= 3  # the groups, total and share
    assert page.locator("#id_as_of").input_value() == "2024-06-30"
    shot(page, "first-hour-aging-by-department-zh")


def test_the_pages_changed_for_the_first_hour_in_chinese(page_as, live_server, personas):  # noqa: F811
    approval_chains_install()  # a live server's database is flushed between tests: seed them again
    dunning_run(date=date(2024, 6, 10))
    order = order_create(
        number="SO-9001",
        customer=Customer.objects.get(code="HZ001"),
        order_date=date(2024, 6, 30),
        amount=Decimal("900000.00"),
        created_by="sales_zhang",
    )
    approval = order_release_request(order=order, requested_by=personas["sales_zhang"], reason="重点项目")

    manager = page_as("credit_manager")
    manager.goto(f"{live_server.url}/approvals/{approval.number}/")
    reasons = manager.locator("#reasons li").all_inner_texts()
    assert reasons and all(re.search(r"\d{1,3}(,\d{3})*\.\d{2} CNY", text) for text in reasons[:1])
    approve, reject = manager.locator("button.approve"), manager.locator("button.reject")
    assert approve.evaluate("b => getComputedStyle(b).backgroundColor") != reject.evaluate(
        "b => getComputedStyle(b).backgroundColor"
    )
    shot(manager, "first-hour-approval-zh")
    manager.goto(f"{live_server.url}/approvals/?show=mine")
    manager.goto(f"{live_server.url}/approvals/?show=inbox")
    tab = manager.locator("nav.tabs a.active")
    assert tab.evaluate("a => getComputedStyle(a).color") != "rgb(255, 255, 255)"
    shot(manager, "first-hour-approvals-inbox-zh")
    logout = manager.locator("header button.secondary")
    assert logout.evaluate("b => getComputedStyle(b).borderStyle") == "solid"
    manager.goto(f"{live_server.url}/credit/settings/")
    shot(manager, "first-hour-settings-zh")
    manager.goto(f"{live_server.url}/customers/HZ001/")
    shot(manager, "first-hour-customer-zh")
    manager.goto(f"{live_server.url}/payments/")
    shot(manager, "first-hour-payments-zh")
    manager.goto(f"{live_server.url}/collections/customers/HZ001/")
    cell = manager.locator("#timeline td.date").first
    one_line = (  # the line boxes of the cell's text: one when the date does not wrap
        "td => { const r = document.createRange(); r.selectNodeContents(td); "
        "return r.getClientRects().length; }"
    )
    assert cell.evaluate(one_line) == 1
    shot(manager, "first-hour-timeline-zh")

    collector = page_as("collector_wang")
    assert collector.locator("#nav-import").count() == 0
    collector.goto(f"{live_server.url}/worklist/?date=2024-06-10")
    assert collector.locator("form.call label").first.is_visible()
    collector.locator("button.details").first.click()
    collector.locator(".task-details").first.wait_for()
    shot(collector, "first-hour-worklist-zh")
