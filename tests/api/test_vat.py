"""VAT invoices and red-letter corrections through the API: the credit manager records a VAT
invoice over two receivables, raises a correction and confirms it; the aging moves only then.
A collector reads, within his customers, and writes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from huikuan.ledger.models import Invoice, RedLetterCorrection

pytestmark = pytest.mark.django_db
DIGITAL = "24332000000012345678"


def _aging_balance(client, code="HZ001") -> str:
    rows = client.get("/api/aging/", {"as_of": "2024-06-30"}).json()["rows"]
    return next(row["balance"] for row in rows if row["key"] == code)


def test_the_credit_manager_links_corrects_and_confirms(api_as):
    manager = api_as("credit_manager")
    created = manager.post(
        "/api/vat-invoices/",
        {
            "number": DIGITAL,
            "kind": "digital_special",
            "customer": "HZ001",
            "issue_date": "2024-03-05",
            "amount": "120000.00",
            "links": [
                {"invoice": "YS-0301", "amount": "100000.00"},
                {"invoice": "YS-0302", "amount": "20000.00"},
            ],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert [link["invoice"] for link in created.json()["links"]] == ["YS-0301", "YS-0302"]
    report = manager.get("/api/vat-invoices/report/", {"as_of": "2024-06-30"}).json()
    hz = next(row for row in report["rows"] if row["customer"] == "HZ001")
    # YS-0301: 100000 invoiced, 60000 open (40000 of HK-001 allocated); YS-0302: 50000, 20000 invoiced.
    assert (hz["not_invoiced_total"], hz["invoiced_not_collected_total"]) == ("30000.00", "80000.00")

    before = _aging_balance(manager)
    raised = manager.post(
        "/api/red-letters/",
        {"invoice": "YS-0302", "form_number": "4403000000000009", "amount": "5000.00", "reason": "allowance"},
        format="json",
    )
    assert raised.status_code == 201, raised.content
    assert (raised.json()["state"], raised.json()["amount"]) == ("pending", "-5000.00")
    assert _aging_balance(manager) == before
    confirmed = manager.post(
        "/api/red-letters/4403000000000009/confirm/", {"confirmed_on": "2024-06-10"}, format="json"
    )
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["state"] == "confirmed"
    assert Decimal(_aging_balance(manager)) == Decimal(before) - Decimal("5000.00")
    again = manager.post(
        "/api/red-letters/4403000000000009/confirm/", {"confirmed_on": "2024-06-10"}, format="json"
    )
    assert again.status_code in (400, 409)


def test_a_bad_link_is_refused_and_nothing_recorded(api_as):
    response = api_as("credit_manager").post(
        "/api/vat-invoices/",
        {
            "number": "04400123",
            "kind": "special",
            "customer": "HZ001",
            "issue_date": "2024-03-05",
            "amount": "1000.00",
            "links": [{"invoice": "YS-0302", "amount": "1000.01"}],
        },
        format="json",
    )
    assert response.status_code in (400, 409)
    assert not Invoice.objects.get(number="YS-0302").vat_links.exists()


def test_a_collector_reads_his_customers_and_writes_nothing(api_as):
    manager = api_as("credit_manager")
    manager.post(
        "/api/red-letters/",
        {"invoice": "YS-0304", "form_number": "F-CD", "amount": "100.00", "reason": "return"},
        format="json",
    )
    wang = api_as("collector_wang")  # HZ001 and SZ002, not CD003
    assert wang.get("/api/red-letters/").json() == []
    refused = wang.post(
        "/api/red-letters/",
        {"invoice": "YS-0301", "form_number": "F-X", "amount": "100.00", "reason": "return"},
        format="json",
    )
    assert refused.status_code == 403
    assert (
        wang.post("/api/red-letters/F-CD/confirm/", {"confirmed_on": "2024-06-10"}, format="json").status_code
        == 403
    )
    assert RedLetterCorrection.objects.get().state == "pending"
    report = wang.get("/api/vat-invoices/report/", {"as_of": "2024-06-30"}).json()
    assert {row["customer"] for row in report["rows"]} == {"HZ001", "SZ002"}
