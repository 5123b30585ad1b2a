"""A credit manager works an acceptance bill in the browser, in Chinese: she receives a
commercial bill from 湖畔机电 against its two invoices, endorses it on to a supplier, and
records it dishonoured; the register and the customer's credit exposure follow every step.

HZ001 owes YS-0301 (60,000.00 open) and YS-0302 (50,000.00): 110,000.00, no order open.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from huikuan.ledger.models import Invoice
from tests.browser import chromium, pytestmark, shot, signed_in_tabs  # noqa: F401 - fixtures and marks

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture
def page_as(chromium, live_server, personas):  # noqa: F811 - the fixture imported above
    with signed_in_tabs(chromium, live_server.url, viewport={"width": 1280, "height": 900}) as log_in:
        yield log_in


def exposure_card(page, base_url: str) -> tuple[str, str]:
    page.goto(f"{base_url}/credit/customers/HZ001/")
    bills = page.locator("#exposure-bills")
    return page.locator("#exposure").inner_text(), bills.inner_text() if bills.count() else ""


def test_a_credit_manager_receives_endorses_and_records_a_dishonoured_bill(page_as, live_server):
    today = timezone.localdate()
    page = page_as("credit_manager")
    assert exposure_card(page, live_server.url) == ("110,000.00", "")

    page.goto(f"{live_server.url}/bills/")
    expect(page.locator("h1")).to_have_text("承兑汇票")
    page.locator("#bill-receive summary").click()
    page.fill("#id_customer", "HZ001")
    page.select_option("#id_kind", "commercial")
    page.fill("#id_number", "531058000001220240430000000888")
    page.fill("#id_drawer", "杭州湖畔机电有限公司")
    page.fill("#id_acceptor", "杭州湖畔机电有限公司")
    page.fill("#id_issue_date", today.isoformat())
    # Seven months: an electronic bill may run six at most.
    page.fill("#id_maturity_date", (today + timedelta(days=213)).isoformat())
    page.fill("#id_received_on", today.isoformat())
    page.fill("#id_amount", "110000.00")
    page.fill("#id_invoices", "YS-0301;YS-0302")
    page.click("#bill-receive button[type=submit]")
    expect(page.locator("#bill-receive .errorlist")).to_contain_text("电子票据的到期日最长为出票后 6 个月")
    shot(page, "bills-refused-zh")
    page.fill("#id_maturity_date", (today + timedelta(days=20)).isoformat())
    page.click("#bill-receive button[type=submit]")
    expect(page.locator("#bill-status")).to_have_text("持有")
    expect(page.locator("#bill-invoices")).to_contain_text("YS-0302")
    assert Invoice.objects.get(number="YS-0301").open_amount == Decimal("0.00")
    bill_url = page.url
    assert exposure_card(page, live_server.url) == ("110,000.00", "110,000.00")

    page.goto(bill_url)
    page.locator("#move-endorse summary").click()
    page.fill("#move-endorse [name=endorsee]", "宁波钢材供应商")
    page.click("#move-endorse button[type=submit]")
    expect(page.locator("#bill-status")).to_have_text("已背书")
    expect(page.locator("main, body").first).to_contain_text("持票人有追索权")
    shot(page, "bill-endorsed-zh")
    # Endorsed on: still the customer's risk until honoured.
    assert exposure_card(page, live_server.url) == ("110,000.00", "110,000.00")

    page.goto(f"{live_server.url}/bills/")
    expect(page.locator("#bills-due-soon")).to_contain_text("531058000001220240430000000888")
    expect(page.locator("#bills")).to_contain_text("已背书")
    shot(page, "bills-register-zh")

    page.goto(bill_url)
    page.locator("#move-dishonour summary").click()
    page.fill("#move-dishonour [name=reason]", "承兑人账户余额不足")
    page.fill("#move-dishonour [name=costs]", "200.00")
    page.click("#move-dishonour button[type=submit]")
    expect(page.locator("#bill-status")).to_have_text("已拒付")
    expect(page.locator("#bill-facts")).to_contain_text("DH-531058000001220240430000000888")
    shot(page, "bill-dishonoured-zh")
    assert Invoice.objects.get(number="YS-0301").open_amount == Decimal("60000.00")
    # The invoices are back, with the costs; the bill no longer counts.
    assert exposure_card(page, live_server.url) == ("110,200.00", "")

    page.goto(f"{live_server.url}/bills/?status=dishonoured")
    expect(page.locator("#bills")).to_contain_text("已拒付")
