"""The VAT invoices page: the same few queries however many VAT invoices and corrections it
lists; a collector sees it without the forms, a customer's user not at all."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from huikuan.accounts.services import user_create
from huikuan.ledger.corrections import red_letter_raise
from huikuan.ledger.services import invoice_issue
from huikuan.vat.services import vat_invoice_record
from tests.vat.conftest import RAISED

pytestmark = pytest.mark.django_db


def _add(ledger, start: int, count: int) -> None:
    customer = ledger["A"].customer
    for n in range(start, start + count):
        invoice = invoice_issue(
            number=f"YS-N{n}", customer=customer, invoice_date=date(2026, 3, 1),
            due_date=date(2026, 3, 31), amount=Decimal("100.00"), currency="CNY",
        )  # fmt: skip
        vat_invoice_record(
            number=f"{n:08d}", kind="ordinary", customer=customer, issue_date=date(2026, 3, 2),
            amount=Decimal("60.00"), links=[(invoice, Decimal("60.00"))],
        )  # fmt: skip
        red_letter_raise(
            invoice=invoice, form_number=f"F-{n}", amount=Decimal("10.00"), reason="allowance",
            raised_by="li", raised_at=RAISED + timedelta(minutes=n),
        )  # fmt: skip


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/vat/?as_of=2026-03-20&basis=due")
    assert response.status_code == 200
    return len(captured)


def test_the_page_costs_the_same_queries_for_three_or_thirty_records(ledger):
    client = Client()
    client.force_login(user_create(username="cm", role="credit_manager", password="Huikuan-test-pw-1").user)
    _add(ledger, 1, 3)
    few = _queries(client)
    _add(ledger, 10, 27)
    assert _queries(client) == few


def test_a_collector_reads_without_forms_and_a_customer_user_is_refused(ledger):
    collector = Client()
    collector.force_login(
        user_create(username="zhang.wei", role="collector", password="Huikuan-test-pw-1").user
    )
    page = collector.get("/vat/").content.decode()
    assert 'id="invoicing-report"' in page and 'id="vat-invoice-form"' not in page
    assert 'id="correction-form"' not in page
    customer = Client()
    customer.force_login(
        user_create(username="hy", role="customer", password="Huikuan-test-pw-1", customer_code="HY01").user
    )
    assert customer.get("/vat/").status_code == 403


def test_the_report_shows_fifty_customers_a_page_with_the_whole_reports_totals(db):
    from huikuan.ledger.services import customer_create

    for n in range(55):
        customer = customer_create(code=f"P{n:03d}", name=f"客户{n:03d}有限公司")
        invoice_issue(
            number=f"PG-{n:03d}", customer=customer, invoice_date=date(2024, 5, 1),
            due_date=date(2024, 5, 31), amount=Decimal("100.00"), currency="CNY",
        )  # fmt: skip
    client = Client()
    client.force_login(user_create(username="cm", role="credit_manager", password="Huikuan-test-pw-1").user)
    first = client.get("/vat/", {"as_of": "2024-06-30", "basis": "due"}).content.decode()
    assert first.count('class="not-invoiced"') == 50 and 'id="report-pages"' in first
    assert 'id="total-not-invoiced">5,500.00<' in first
    second = client.get("/vat/", {"as_of": "2024-06-30", "basis": "due", "page": 2}).content.decode()
    assert second.count('class="not-invoiced"') == 5 and "P054" in second and "P000" not in second
