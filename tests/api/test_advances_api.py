"""Advance receipts (预收), AR/AP offsets and rounding tails through the API: recorded and offset,
the aging's ``advance`` beside ``unapplied``, and the lists; a customer user sees none of it."""

from __future__ import annotations

from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db


def hz001(client, as_of: str = "2024-06-30") -> dict:
    report = client.get(f"/api/aging/?as_of={as_of}").json()
    return next(row for row in report["rows"] if row["key"] == "HZ001")


def test_a_payment_on_account_becomes_an_advance_receipt_and_is_offset(api_as):
    manager = api_as("credit_manager")
    before = hz001(manager)
    assert (before["unapplied"], before["advance"]) == ("20500.00", "0.00")  # HK-001's rest + CN-002

    recorded = manager.post("/api/advance-receipts/", {"payment_ref": "HK-001"}, format="json")
    assert recorded.status_code == 201, recorded.content
    assert (recorded.json()["left"], recorded.json()["source"]) == ("20000.00", "api")
    after = hz001(manager)
    assert (after["balance"], after["unapplied"], after["advance"]) == (
        before["balance"],
        "500.00",
        "20000.00",
    )
    assert manager.post("/api/advance-receipts/", {"payment_ref": "HK-001"}, format="json").status_code == 409

    offset = manager.post(
        "/api/advance-receipts/HK-001/offset/",
        {"invoice_number": "YS-0302", "amount": "5000.00", "date": "2024-06-01"},
        format="json",
    )
    assert offset.status_code == 201, offset.content
    assert offset.json() == {
        "reference": "HK-001",
        "invoice": "YS-0302",
        "amount": "5000.00",
        "date": "2024-06-01",
        "automatic": False,
    }
    final = hz001(manager)
    assert final["advance"] == "15000.00"
    assert Decimal(final["balance"]) == Decimal(before["balance"]) - Decimal("5000.00")
    assert hz001(manager, "2024-05-31")["advance"] == "20000.00"  # as of before the offset
    [line] = manager.get("/api/advance-receipts/?customer=HZ001").json()
    assert line["offsets"][0]["invoice"] == "YS-0302"
    assert manager.get("/api/ar-ap-offsets/").json() == {"candidates": [], "offsets": []}
    assert manager.get("/api/rounding-tails/").status_code == 200
    no_payable = manager.post(
        "/api/ar-ap-offsets/", {"customer_code": "HZ001", "supplier_code": "NONE"}, format="json"
    )
    assert no_payable.status_code == 404
    # The customer's own user reads no staff list.
    contact = api_as("customer_contact")
    assert contact.get("/api/advance-receipts/").status_code == 403
