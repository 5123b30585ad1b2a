"""A customer answers two statements in a real browser (Debian's Chromium, Playwright, live
server), without signing in: 湖畔机电 confirms its March statement, then reports on its April
statement that invoice YS-0402 is 1,000 too high, which opens a dispute of 1,000."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from huikuan.collections.models import Dispute
from huikuan.statements.models import AccountStatement
from huikuan.statements.services import statement_create, statement_send
from tests.browser import chromium, pytestmark, shot  # noqa: F401 - the shared browser fixture and marks


def _link(customer, start: date, end: date) -> str:
    statement = statement_create(customer=customer, kind="account", start=start, end=end, created_by="test")
    body = statement_send(statement=statement).body
    return body[body.index("http") :].split()[0]


@pytest.fixture
def tab(chromium):  # noqa: F811 - the fixture imported above
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    yield context.new_page()
    context.close()


def test_a_customer_confirms_one_statement_and_disputes_a_line_of_another(tab, live_server, spring, settings):
    settings.HUIKUAN_PUBLIC_URL = live_server.url
    march = _link(spring["hupan"], date(2024, 3, 1), date(2024, 3, 31))
    april = _link(spring["hupan"], date(2024, 4, 1), date(2024, 4, 30))

    tab.goto(march)
    assert "YS-0301" in tab.locator("#answer-lines").inner_text()
    tab.check("#answer-confirm")
    tab.fill("#answered_by", "王会计")
    with tab.expect_navigation():
        tab.click("#answer-submit")
    assert "谢谢" in tab.locator("#answer-done").inner_text()
    assert AccountStatement.objects.get(reference="DZ-HZ001-202403").status == "confirmed"

    tab.goto(april)
    row = tab.locator("#answer-lines tr", has_text="YS-0402")
    row.locator("input[name^=amount_]").fill("22456.78")
    row.locator("input[name^=comment_]").fill("单价应为 22456.78")
    tab.check("#answer-differ")
    tab.fill("#answered_by", "王会计")
    shot(tab, "statement-answer-zh")
    with tab.expect_navigation():
        tab.click("#answer-submit")
    assert "差异" in tab.locator("#answer-done").inner_text()
    dispute = Dispute.objects.get()
    assert (dispute.invoice.number, dispute.amount) == ("YS-0402", Decimal("1000.00"))
    assert AccountStatement.objects.get(reference="DZ-HZ001-202404").status == "disputed"

    # The link is single use: opening it again says so, without an error page.
    tab.goto(april)
    assert "已经答复" in tab.locator("#link-message").inner_text()
