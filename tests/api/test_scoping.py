"""SPEC §1: collectors and salespeople see only their customers, a customer user only
their own; a record out of scope is 404, as if it did not exist — in the aging too."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from tests.api.conftest import keys


def test_a_collector_lists_only_the_invoices_of_their_customers(api_as):
    wang = api_as("collector_wang")
    assert keys(wang.get("/api/customers/"), "code") == ["HZ001", "SZ002"]
    assert keys(wang.get("/api/invoices/"), "number") == ["YS-0301", "YS-0302", "YS-0303"]
    assert keys(wang.get("/api/payments/"), "reference") == ["HK-001"]
    assert keys(wang.get("/api/allocations/"), "invoice") == ["YS-0301"]
    assert keys(wang.get("/api/credit-notes/"), "number") == ["CN-002"]


def test_another_collectors_records_are_not_found_by_key(api_as):
    wang = api_as("collector_wang")
    assert wang.get("/api/customers/CD003/").status_code == 404
    assert wang.get("/api/invoices/YS-0304/").status_code == 404
    assert wang.get("/api/payments/HK-002/").status_code == 404
    assert wang.get("/api/credit-notes/CN-001/").status_code == 404
    assert wang.get("/api/invoices/YS-0301/").status_code == 200
    # Filtering by another collector's customer finds nothing either.
    assert keys(wang.get("/api/invoices/", {"customer": "CD003"}), "number") == []


def test_unmatched_cash_is_seen_by_unscoped_roles_only(api_as):
    assert api_as("collector_zhao").get("/api/payments/HK-003/").status_code == 404
    assert api_as("auditor").get("/api/payments/HK-003/").status_code == 200


def test_a_salesperson_sees_the_customers_they_sell_to(api_as):
    zhang = api_as("sales_zhang")
    assert keys(zhang.get("/api/customers/"), "code") == ["CD003", "HZ001"]
    assert zhang.get("/api/invoices/YS-0303/").status_code == 404


def test_a_customer_user_sees_their_own_customer_only(api_as):
    contact = api_as("customer_contact")
    assert keys(contact.get("/api/customers/"), "code") == ["SZ002"]
    assert keys(contact.get("/api/invoices/"), "number") == ["YS-0303"]
    assert contact.get("/api/invoices/YS-0301/").status_code == 404
    # The portal role reads its invoices, payments and credit notes, not allocations.
    assert contact.get("/api/allocations/").status_code == 403


def test_the_auditor_reads_everything(api_as):
    auditor = api_as("auditor")
    assert keys(auditor.get("/api/customers/"), "code") == ["CD003", "HZ001", "SG005", "SZ002"]
    assert len(keys(auditor.get("/api/invoices/"), "number")) == 6


def test_a_user_without_a_role_reads_nothing(api_as):
    outsider = api_as("outsider")
    for url in ("/api/customers/", "/api/invoices/", "/api/payments/", "/api/aging/?as_of=2024-06-30"):
        assert outsider.get(url).status_code == 403, url


def _cli_aging(*args: str) -> dict:
    out = __import__("io").StringIO()
    call_command("aging", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize(
    "query",
    [
        {"as_of": "2024-06-30"},
        {"as_of": "2024-04-15"},
        {"as_of": "2024-06-30", "by": "salesperson"},
        {"as_of": "2024-06-30", "by": "currency", "basis": "invoice"},
    ],
)
def test_the_aging_endpoint_answers_exactly_what_the_command_prints(api_as, query):
    response = api_as("auditor").get("/api/aging/", query)
    assert response.status_code == 200, response.content
    args = ["--as-of", query["as_of"]]
    if "by" in query:
        args += ["--by", query["by"]]
    if "basis" in query:
        args += ["--basis", query["basis"]]
    assert response.json() == _cli_aging(*args)


def test_a_collectors_aging_holds_only_their_customers(api_as):
    whole = _cli_aging("--as-of", "2024-06-30")
    assert [row["key"] for row in whole["rows"]] == ["CD003", "HZ001", "SG005", "SZ002"]
    assert whole["unidentified"] == "3000.00"
    mine = api_as("collector_wang").get("/api/aging/", {"as_of": "2024-06-30"}).json()
    assert [row["key"] for row in mine["rows"]] == ["HZ001", "SZ002"]
    assert mine["rows"] == [row for row in whole["rows"] if row["key"] in {"HZ001", "SZ002"}]
    # 湖畔机电: 60 000 + 50 000 open; 20 000 of HK-001 and a 500 credit note on account;
    # 南山电子: 80 000 open.
    assert mine["total"]["balance"] == "190000.00"
    assert mine["total"]["unapplied"] == "20500.00"
    assert mine["unidentified"] == "0.00"
    contact = api_as("customer_contact").get("/api/aging/", {"as_of": "2024-06-30"}).json()
    assert [row["key"] for row in contact["rows"]] == ["SZ002"]


def test_aging_query_errors_name_the_parameter(api_as):
    auditor = api_as("auditor")
    assert "as_of" in auditor.get("/api/aging/").json()
    assert "by" in auditor.get("/api/aging/", {"as_of": "2024-06-30", "by": "planet"}).json()
    assert "as_of" in auditor.get("/api/aging/", {"as_of": "June"}).json()
