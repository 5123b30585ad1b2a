"""An accountant clears the cash-application queue in a real browser with the keyboard only:
Enter accepts the best candidate, n sets a line aside, / finds a customer for an unmatched
receipt, k goes back and u undoes. Focus moves to the next open line after each decision."""

from __future__ import annotations

from decimal import Decimal

import pytest

from huikuan.cash.models import LineStatus
from huikuan.ledger.models import Invoice, Payment
from tests.browser import chromium, pytestmark, shot  # noqa: F401 - fixtures and marks shared
from tests.cash.conftest import proposal
from tests.web.test_browser import page_as  # noqa: F401 - the fixture

expect = pytest.importorskip("playwright.sync_api").expect


def test_an_accountant_clears_the_queue_with_the_keyboard(page_as, live_server, bank_line):  # noqa: F811
    first = bank_line("60000.00", proposal("review", "HZ001", [("YS-0301", "60000.00")], confidence="0.85"))
    second = bank_line(
        "8000.50", proposal("review", "CD003", [("YS-0401", "8000.50")]), payer_name="锦江贸易"
    )
    interest = bank_line("12.34", proposal("unmatched"), payer_name="银行结息")
    unknown = bank_line("3000.00", proposal("unmatched"), payer_name="成都锦江")

    page = page_as("credit_manager")
    page.goto(f"{live_server.url}/cash/")
    current = page.locator("tbody.line.current")
    assert current.get_attribute("id") == f"line-{first.pk}"
    assert page.locator("#count-queue").inner_text() == "4"

    page.keyboard.press("Enter")  # accept the best candidate of the first line
    page.locator(f"#line-{first.pk}.decided").wait_for()
    page.locator(f"#line-{second.pk}.current").wait_for()
    page.keyboard.press("a")
    page.locator(f"#line-{second.pk}.decided").wait_for()
    page.locator(f"#line-{interest.pk}.current").wait_for()
    page.keyboard.press("n")
    page.locator(f"#line-{interest.pk}.decided").wait_for()
    page.locator(f"#line-{unknown.pk}.current").wait_for()

    page.keyboard.press("/")
    page.keyboard.type("CD003")
    page.keyboard.press("Enter")  # the form's first button: apply, all on account without invoices
    page.locator(f"#line-{unknown.pk}.decided").wait_for()
    expect(page.locator("#count-queue")).to_have_text("0")
    shot(page, "cash-workbench-cleared")

    # Back to the second line, undo, and accept again.
    for _ in range(2):
        page.keyboard.press("k")
    page.locator(f"#line-{second.pk}.current").wait_for()
    page.keyboard.press("u")
    page.locator(f"#line-{second.pk}:not(.decided)").wait_for()
    assert Invoice.objects.get(number="YS-0401").open_amount == Decimal("8000.50")
    page.locator(f"#line-{second.pk}.current").wait_for()
    page.keyboard.press("Enter")
    page.locator(f"#line-{second.pk}.decided").wait_for()

    assert Invoice.objects.get(number="YS-0301").open_amount == Decimal("0.00")
    assert Invoice.objects.get(number="YS-0401").open_amount == Decimal("0.00")
    assert Payment.objects.get(reference=f"BANK-{unknown.pk}").customer.code == "CD003"
    interest.refresh_from_db()
    assert interest.status == LineStatus.NOT_CUSTOMER
    expect(page.locator("#count-queue")).to_have_text("0")


def test_the_counts_end_at_the_last_decision_when_a_refresh_is_slow(page_as, live_server, bank_line):  # noqa: F811
    """Two quick decisions: the figures fetched after the first come back only after the second.
    They must not be the figures the page ends with."""
    first = bank_line("60000.00", proposal("review", "HZ001", [("YS-0301", "60000.00")]))
    second = bank_line(
        "8000.50", proposal("review", "CD003", [("YS-0401", "8000.50")]), payer_name="锦江贸易"
    )
    page = page_as("credit_manager")
    page.goto(f"{live_server.url}/cash/")
    assert page.locator("#count-queue").inner_text() == "2"

    held = []

    def hold_the_first_refresh(route):
        if held:
            route.continue_()
        else:  # fetched now, so it holds the figures after the first decision, answered later
            held.append((route, route.fetch()))

    page.route("**/cash/counts/**", hold_the_first_refresh)
    page.keyboard.press("Enter")
    page.locator(f"#line-{first.pk}.decided").wait_for()
    page.locator(f"#line-{second.pk}.current").wait_for()
    page.keyboard.press("a")
    page.locator(f"#line-{second.pk}.decided").wait_for()
    page.wait_for_timeout(200)  # time for the second refresh to be asked for
    route, answer = held[0]
    try:
        route.fulfill(response=answer)
    except Exception:  # the page may have given up on it already; that is the point
        pass
    expect(page.locator("#count-queue")).to_have_text("0")
    page.wait_for_timeout(300)
    expect(page.locator("#count-queue")).to_have_text("0")
    expect(page.locator("#count-decided")).to_have_text("2")
