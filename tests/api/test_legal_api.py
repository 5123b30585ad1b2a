"""Legal cases and agencies through the API and the CLI: the same services as the pages."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from huikuan.accounts.services import user_create, user_token
from huikuan.collections.models import LegalCase
from huikuan.finance.models import WriteOffProposal
from huikuan.ledger.models import Invoice
from tests.api.conftest import ledger_load


@pytest.fixture
def manager(db, tmp_path):
    ledger_load(tmp_path)
    user_create(username="fa.wu", role="credit_manager", password="Huikuan-test-pw-1")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {user_token(username='fa.wu')}")
    return client


def _open_invoice(code: str) -> Invoice:
    return Invoice.objects.filter(customer__code=code, closed_on__isnull=True).order_by("number").first()


def test_a_case_opened_worked_and_closed_with_nothing_through_the_api(manager):
    invoice = _open_invoice("HZ001")
    opened = manager.post(
        "/api/legal/cases/",
        {"customer": "HZ001", "invoices": [invoice.number], "opened_on": "2024-06-01"},
        format="json",
    )
    assert opened.status_code == 201, opened.content
    number = opened.json()["number"]
    filed = manager.post(
        f"/api/legal/cases/{number}/events/",
        {"kind": "filed", "occurred_on": "2024-06-05", "court": "杭州市中级人民法院"},
        format="json",
    )
    assert filed.json()["status"] == "filed"
    hearing = manager.post(
        f"/api/legal/cases/{number}/events/", {"kind": "hearing", "occurred_on": "2024-07-01"}, format="json"
    )
    assert [e["kind"] for e in hearing.json()["events"]] == ["opened", "filed", "hearing"]
    refused = manager.post(
        f"/api/legal/cases/{number}/events/",
        {"kind": "enforcement", "occurred_on": "2024-07-02"},
        format="json",
    )
    assert refused.status_code in (400, 409, 422), refused.content
    closed = manager.post(f"/api/legal/cases/{number}/close/", {"closed_on": "2024-08-01"}, format="json")
    assert closed.json()["outcome"] == "nothing"
    assert WriteOffProposal.objects.filter(number=closed.json()["write_off_proposal"]).exists()
    assert manager.get(f"/api/legal/cases/{number}/").json()["status"] == "closed"


def test_an_agency_recovery_through_the_api_is_gross_and_net(manager):
    invoice = _open_invoice("HZ001")
    assert (
        manager.post(
            "/api/legal/agencies/",
            {"name": "信达", "kind": "collection_agency", "commission_percent": "10"},
            format="json",
        ).status_code
        == 201
    )
    assigned = manager.post(
        "/api/legal/assignments/",
        {"agency": "信达", "customer": "HZ001", "invoices": [invoice.number], "assigned_on": "2024-06-01"},
        format="json",
    )
    assert assigned.status_code == 201, assigned.content
    recovered = manager.post(
        f"/api/legal/assignments/{assigned.json()['id']}/recoveries/",
        {"gross": "100.00", "received_on": "2024-06-10"},
        format="json",
    )
    assert recovered.status_code == 201, recovered.content
    assert (recovered.json()["gross"], recovered.json()["commission"], recovered.json()["net"]) == (
        "100.00",
        "10.00",
        "90.00",
    )


def test_the_cli_opens_records_and_shows_a_case(manager, huikuan):
    invoice = _open_invoice("HZ001")
    opened = huikuan(
        "legal",
        "open",
        "--customer",
        "HZ001",
        "--invoices",
        invoice.number,
        "--user",
        "fa.wu",
        "--date",
        "2024-06-01",
        "--json",
    )
    assert opened.code == 0, opened.stderr
    number = opened.json()["number"]
    huikuan(
        "legal",
        "record",
        number,
        "--kind",
        "note",
        "--date",
        "2024-06-02",
        "--text",
        "律师函已发",
        "--user",
        "fa.wu",
    )
    shown = huikuan("legal", "case", number, "--json").json()
    assert [e["kind"] for e in shown["events"]] == ["opened", "note"]
    assert LegalCase.objects.get(number=number).customer.code == "HZ001"
    user_create(username="aud", role="auditor", password="Huikuan-test-pw-1")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="may not"):
        huikuan("legal", "close", number, "--date", "2024-06-03", "--user", "aud")
