"""Writing through the API: customers and invoices validated by the model and audited,
allocations through the ledger's service (409 when a rule refuses), Idempotency-Key
replays, and 403 for roles that only read."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry

from huikuan.api.models import IdempotencyKey
from huikuan.ledger.models import Allocation, Customer, Invoice, Payment

NEW_CUSTOMER = {
    "code": "NJ006",
    "name": "南京紫金仪器有限公司",
    "credit_class": "B",
    "collector": "collector_wang",
}
NEW_INVOICE = {"number": "YS-0601", "customer": "HZ001", "invoice_date": "2024-06-01", "amount": "12345.67"}


def test_the_credit_manager_creates_a_customer_in_the_audit_trail(api_as, personas):
    response = api_as("credit_manager").post("/api/customers/", NEW_CUSTOMER, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["code"] == "NJ006"
    customer = Customer.objects.get(code="NJ006")
    entry = LogEntry.objects.get_for_object(customer).get()
    assert entry.actor == personas["credit_manager"]
    assert entry.additional_data == {"source": "api"}


def test_an_invoice_without_due_date_falls_due_by_the_customers_terms(api_as):
    response = api_as("credit_manager").post("/api/invoices/", NEW_INVOICE, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    # 湖畔机电 has a 60-day term, counted from 5 days after the invoice date.
    assert (body["due_date"], body["amount"], body["open_amount"], body["currency"]) == (
        "2024-08-05",
        "12345.67",
        "12345.67",
        "CNY",
    )
    assert Invoice.objects.get(number="YS-0601").salesperson == "sales_zhang"


def test_validation_errors_name_the_field(api_as):
    manager = api_as("credit_manager")
    response = manager.post(
        "/api/customers/", {**NEW_CUSTOMER, "code": "HZ001", "credit_class": "Z"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"credit_class"}
    duplicate = manager.post("/api/customers/", {**NEW_CUSTOMER, "code": "HZ001"}, format="json")
    assert duplicate.status_code == 400
    assert "code" in duplicate.json()
    bad_invoice = manager.post(
        "/api/invoices/", {**NEW_INVOICE, "amount": "1.234", "invoice_date": "tomorrow"}, format="json"
    )
    assert bad_invoice.status_code == 400
    assert set(bad_invoice.json()) == {"amount", "invoice_date"}
    assert manager.post(
        "/api/invoices/", {**NEW_INVOICE, "customer": "NOPE"}, format="json"
    ).json().keys() == {"customer"}


def test_a_rule_violation_is_a_409_with_its_message(api_as):
    response = api_as("credit_manager").post(
        "/api/invoices/", {**NEW_INVOICE, "customer": "SG005", "currency": "USD"}, format="json"
    )
    assert response.status_code == 409
    assert "exchange rate" in response.json()["detail"]


@pytest.mark.parametrize("url, body", [("/api/customers/", NEW_CUSTOMER), ("/api/invoices/", NEW_INVOICE)])
def test_read_only_roles_get_403_on_writes(api_as, url, body):
    for persona in ("auditor", "customer_contact", "outsider"):
        assert api_as(persona).post(url, body, format="json").status_code == 403, persona
    allocation = {"payment": "HK-001", "invoice": "YS-0302", "amount": "1.00"}
    assert api_as("auditor").post("/api/allocations/", allocation, format="json").status_code == 403
    assert not Customer.objects.filter(code="NJ006").exists()
    assert not Invoice.objects.filter(number="YS-0601").exists()
    assert Allocation.objects.count() == 1


def test_a_collector_allocates_cash_only_within_their_scope(api_as):
    wang = api_as("collector_wang")
    mine = wang.post(
        "/api/allocations/", {"payment": "HK-001", "invoice": "YS-0302", "amount": "15000.00"}, format="json"
    )
    assert mine.status_code == 201, mine.content
    assert mine.json()["customer"] == "HZ001"
    theirs = wang.post(
        "/api/allocations/", {"payment": "HK-002", "invoice": "YS-0304", "amount": "100.00"}, format="json"
    )
    assert theirs.status_code == 400
    assert set(theirs.json()) == {"payment", "invoice"}
    # Collectors do not issue invoices at all.
    assert wang.post("/api/invoices/", NEW_INVOICE, format="json").status_code == 403


def test_a_salesperson_creates_customers_and_invoices_only_for_themselves(api_as):
    zhang = api_as("sales_zhang")
    assert zhang.post("/api/customers/", NEW_CUSTOMER, format="json").status_code == 403
    own = zhang.post("/api/customers/", {**NEW_CUSTOMER, "salesperson": "sales_zhang"}, format="json")
    assert own.status_code == 201, own.content
    assert (
        zhang.post("/api/invoices/", {**NEW_INVOICE, "customer": "NJ006"}, format="json").status_code == 201
    )
    foreign = zhang.post(
        "/api/invoices/", {**NEW_INVOICE, "number": "YS-0602", "customer": "SZ002"}, format="json"
    )
    assert foreign.status_code == 400
    assert "customer" in foreign.json()


def test_an_allocation_over_the_open_balance_is_409_and_writes_nothing(api_as):
    before = (Allocation.objects.count(), LogEntry.objects.count())
    response = api_as("credit_manager").post(
        "/api/allocations/", {"payment": "HK-001", "invoice": "YS-0301", "amount": "60000.01"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "allocation of 60000.01 CNY exceeds the open balance 60000.00 CNY of invoice YS-0301"
    )
    assert (Allocation.objects.count(), LogEntry.objects.count()) == before
    assert Payment.objects.get(reference="HK-001").allocated_amount == 40000
    assert Invoice.objects.get(number="YS-0301").applied_amount == 40000


def test_an_idempotency_key_replays_the_first_response_without_a_second_write(api_as):
    manager = api_as("credit_manager")
    allocation = {"payment": "HK-001", "invoice": "YS-0302", "amount": "5000.00"}
    headers = {"HTTP_IDEMPOTENCY_KEY": "erp-run-42"}
    first = manager.post("/api/allocations/", allocation, format="json", **headers)
    again = manager.post("/api/allocations/", allocation, format="json", **headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Allocation.objects.filter(invoice__number="YS-0302").count() == 1
    assert Invoice.objects.get(number="YS-0302").applied_amount == 5000
    # The same key for another body is refused; without a key the rule refuses the pair.
    other = manager.post("/api/allocations/", {**allocation, "amount": "1.00"}, format="json", **headers)
    assert other.status_code == 422
    assert manager.post("/api/allocations/", allocation, format="json").status_code == 409
    assert IdempotencyKey.objects.count() == 1


def test_an_idempotent_invoice_is_created_once(api_as):
    manager = api_as("credit_manager")
    for _ in range(3):
        response = manager.post("/api/invoices/", NEW_INVOICE, format="json", HTTP_IDEMPOTENCY_KEY="inv-0601")
        assert response.status_code == 201
    assert Invoice.objects.filter(number="YS-0601").count() == 1


def test_keys_are_per_user(api_as):
    body = {"payment": "HK-001", "invoice": "YS-0302", "amount": "10.00"}
    assert (
        api_as("credit_manager")
        .post("/api/allocations/", body, format="json", HTTP_IDEMPOTENCY_KEY="k")
        .status_code
        == 201
    )
    # collector_wang's own "k" is a new request: the pair is already allocated.
    assert (
        api_as("collector_wang")
        .post("/api/allocations/", body, format="json", HTTP_IDEMPOTENCY_KEY="k")
        .status_code
        == 409
    )


def test_a_customer_term_beyond_its_class_is_refused_naming_the_field(api_as, personas):
    manager = api_as("credit_manager")
    body = {**NEW_CUSTOMER, "code": "NJ120", "credit_class": "C", "term_days": 120}
    response = manager.post("/api/customers/", body, format="json")
    assert response.status_code == 400, response.content
    [message] = response.json()["term_days"]
    assert "120" in message and "C" in message and "30" in message
    ok = manager.post("/api/customers/", {**body, "term_days": 30}, format="json")
    assert ok.status_code == 201, ok.content
