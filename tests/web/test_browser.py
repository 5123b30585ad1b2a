"""The web application in a real browser: Debian's Chromium driven by Playwright.

Each test logs in through the login form of a live server and clicks through as a person
would. Screenshots of both languages land in test-artifacts/ (not committed).
"""

from __future__ import annotations

import re

import pytest

from huikuan.ledger.models import Invoice
from tests.browser import (  # noqa: F401 - the shared browser fixture, marks and helpers
    chromium,
    pytestmark,
    shot,
    signed_in_tabs,
)

BAD_INVOICES = """\
invoice_number,customer_code,invoice_date,due_date,amount,currency
YS-9101,HZ001,2024-07-01,2024-08-01,5000.00,CNY
YS-9102,HZ001,2024-07-32,2024-08-01,5000.00,CNY
YS-9103,NOPE,2024-07-01,2024-08-01,abc,CNY
"""


@pytest.fixture
def page_as(chromium, live_server, personas):  # noqa: F811 - the fixture imported above
    """A fresh browser tab logged in through the login form: ``page_as("credit_manager")``."""
    with signed_in_tabs(chromium, live_server.url, viewport={"width": 1280, "height": 860}) as log_in:
        yield log_in


def test_log_in_see_the_dashboard_in_chinese_then_switch_to_english(page_as):
    page = page_as("credit_manager")
    assert page.locator("h1").first.inner_text().startswith("总览")
    assert page.locator("#total-ar").inner_text() == "297,000.50"  # every open invoice balance of the ledger
    assert page.locator("svg.chart rect").count() == 7
    shot(page, "dashboard-zh")
    with page.expect_navigation():
        page.select_option("#language", "en")
    page.locator("h1", has_text="Dashboard").wait_for()
    assert "Total receivables" in page.content()
    shot(page, "dashboard-en")


def test_drill_down_from_an_aging_bucket_to_its_invoices(page_as, live_server):
    page = page_as("credit_manager")
    page.goto(f"{live_server.url}/aging/?as_of=2024-06-30&by=customer&basis=due")
    shot(page, "aging-zh")
    row = page.locator("#aging tbody tr", has_text="HZ001")
    cell = row.locator("a.drill")
    amount = cell.inner_text()
    cell.click()
    page.wait_for_url(re.compile(r".*/invoices/\?.*bucket=31-60.*"))
    numbers = page.locator("#invoices tbody td:first-child").all_inner_texts()
    assert numbers == ["YS-0301", "YS-0302"]
    assert amount == "110,000.00"
    shot(page, "aging-drill-down-zh")


def test_importing_a_file_with_bad_rows_shows_every_error(page_as, live_server, tmp_path):
    page = page_as("credit_manager")
    with page.expect_navigation():
        page.select_option("#language", "en")
    page.goto(f"{live_server.url}/import/")
    bad = tmp_path / "invoices.csv"
    bad.write_text(BAD_INVOICES, encoding="utf-8")
    page.select_option("#id_kind", "invoices")
    page.set_input_files("#id_file", str(bad))
    page.click("main form button[type=submit]")
    page.locator("#import-errors").wait_for()
    lines = page.locator("#import-errors tbody td:first-child").all_inner_texts()
    assert "Nothing was imported" in page.content()
    assert sorted(set(lines)) == ["3", "4"]
    assert not Invoice.objects.filter(number="YS-9101").exists()
    shot(page, "import-errors-en")


def test_a_collector_cannot_open_another_collectors_customer_by_url(page_as, live_server):
    page = page_as("collector_wang")
    mine = page.goto(f"{live_server.url}/customers/HZ001/")
    assert mine.status == 200
    theirs = page.goto(f"{live_server.url}/customers/CD003/")
    assert theirs.status == 404
    page.goto(f"{live_server.url}/customers/")
    assert page.locator("#customers tbody tr").count() == 2
