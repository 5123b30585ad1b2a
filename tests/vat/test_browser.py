"""A credit manager, in Chinese, links a fully digital e-invoice to two receivables, raises a
red-letter correction and confirms it: the aging changes only after the confirmation."""

from __future__ import annotations

import pytest

from huikuan.accounts.services import user_create
from huikuan.ledger.models import RedLetterCorrection
from huikuan.vat.models import VatInvoiceLink
from tests.browser import chromium, pytestmark, shot, signed_in_tabs  # noqa: F401 - the shared browser fixture and marks

AS_OF = "2026-03-20"


@pytest.fixture
def manager(chromium, live_server, ledger):  # noqa: F811 - the fixture imported above
    user_create(username="cm_sun", role="credit_manager", password="Huikuan-test-pw-1")
    with signed_in_tabs(chromium, live_server.url) as log_in:
        yield log_in("cm_sun")


def _aging_row(page, base: str) -> str:
    page.goto(f"{base}/aging/?as_of={AS_OF}&by=customer&basis=due")
    return page.locator("#aging tbody tr", has_text="HY01").inner_text()


def test_a_credit_manager_links_vat_invoices_and_the_aging_changes_only_once_confirmed(manager, live_server):
    base = live_server.url
    page = manager
    page.goto(f"{base}/vat/?as_of={AS_OF}&basis=due")
    assert page.locator("h1").inner_text() == "增值税发票与红冲"
    page.fill("#id_vat-number", "26442000000000000001")
    page.select_option("#id_vat-kind", "digital_special")
    page.fill("#id_vat-customer", "HY01")
    page.fill("#id_vat-issue_date", "2026-02-01")
    page.fill("#id_vat-amount", "10000.00")
    page.fill("#id_vat-links", "YS-A=6000.00；YS-B=4000.00")
    with page.expect_navigation():
        page.click("#vat-invoice-form button[type=submit]")
    assert "发票 26442000000000000001 已登记" in page.content()
    assert VatInvoiceLink.objects.count() == 2
    page.goto(f"{base}/vat/?as_of={AS_OF}&basis=due")
    not_invoiced = page.locator("#invoicing-report tr.not-invoiced[data-customer=HY01]").inner_text()
    # A 10000 − 6000, B 6000 − 4000, C 4000 not invoiced at all.
    assert not_invoiced.split("\t")[1:] == [
        "应收未开票",
        "4,000.00",
        "2,000.00",
        "4,000.00",
        *["0.00"] * 4,
        "10,000.00",
    ]
    shot(page, "vat-invoicing-zh")

    page.fill("#id_rl-invoice", "YS-A")
    page.fill("#id_rl-form_number", "4403000000000001")
    page.fill("#id_rl-amount", "2000.00")
    page.select_option("#id_rl-reason", "return")
    with page.expect_navigation():
        page.click("#correction-form button[type=submit]")
    assert "等待对方确认" in page.content()
    row = page.locator("#corrections tr[data-form='4403000000000001']")
    assert row.locator("td.state").inner_text() == "待确认"
    assert "-2,000.00" in row.inner_text()
    shot(page, "vat-red-letter-pending-zh")
    assert "20,000.00" in _aging_row(page, base)  # pending: the aging is unchanged

    page.goto(f"{base}/vat/")
    row = page.locator("#corrections tr[data-form='4403000000000001']")
    row.locator("input[name=confirmed_on]").fill("2026-03-11")
    with page.expect_navigation():
        row.locator("button[type=submit]").click()
    assert "已确认并入账" in page.content()
    assert (
        page.locator("#corrections tr[data-form='4403000000000001'] td.state")
        .inner_text()
        .startswith("已确认")
    )
    assert RedLetterCorrection.objects.get().state == "confirmed"
    shot(page, "vat-red-letter-confirmed-zh")
    assert "18,000.00" in _aging_row(page, base)
    shot(page, "vat-aging-after-confirmation-zh")
