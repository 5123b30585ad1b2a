"""Edge values (issue 10 item 5): one set of range rules (huikuan.core.limits) refused alike
by the API, the import, the web and the command line, and stated in the OpenAPI schema."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import CommandError

from huikuan.approvals.services import SUMMARY_LENGTH, approval_chains_install, approval_request_submit
from huikuan.ledger.models import Customer, Invoice

from .test_writing import NEW_CUSTOMER, NEW_INVOICE


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        # Once a 500 OverflowError: the due date counted past the calendar's end.
        ("/api/invoices/", {**NEW_INVOICE, "invoice_date": "9999-12-31"}, "invoice_date"),
        ("/api/invoices/", {**NEW_INVOICE, "invoice_date": "0001-01-01"}, "invoice_date"),
        ("/api/invoices/", {**NEW_INVOICE, "gross_margin": "1000"}, "gross_margin"),
        ("/api/invoices/", {**NEW_INVOICE, "gross_margin": "-1.00"}, "gross_margin"),
        (
            "/api/credit/orders/",
            {"order_number": "SO-1", "customer": "HZ001", "order_date": "0001-01-01", "amount": "10"},
            "order_date",
        ),
        ("/api/credit/check/", {"customer": "HZ001", "amount": "10", "as_of": "0001-01-01"}, "as_of"),
        ("/api/customers/", {**NEW_CUSTOMER, "term_days": 9223372036854775807}, "term_days"),
        ("/api/customers/", {**NEW_CUSTOMER, "term_days": 3651}, "term_days"),
        ("/api/customers/", {**NEW_CUSTOMER, "name": "南京\x00紫金"}, "name"),
        ("/api/customers/", {**NEW_CUSTOMER, "name": "南京\x1b[31m紫金"}, "name"),
        ("/api/collections/customers/HZ001/promises/", {"promised_date": "9999-12-31", "amount": "1"}, None),
        ("/api/collections/customers/HZ001/activities/", {"kind": "call", "occurred_on": "0001-01-01"}, None),
    ],
)
def test_values_beyond_the_ranges_are_refused_naming_the_field(api_as, url, body, field):
    response = api_as("credit_manager").post(url, body, format="json")
    assert response.status_code == 400, response.content
    if field:
        assert field in response.json(), response.json()


def test_values_at_the_edges_of_the_ranges_are_accepted(api_as):
    manager = api_as("credit_manager")
    # Without a class: a class's customer may not exceed its class's term (issue 14).
    customer = manager.post(
        "/api/customers/", {**NEW_CUSTOMER, "credit_class": "", "term_days": 3650}, format="json"
    )
    assert customer.status_code == 201, customer.content
    invoice = {**NEW_INVOICE, "customer": "NJ006", "invoice_date": "2199-12-31", "gross_margin": "1"}
    response = manager.post("/api/invoices/", invoice, format="json")
    # The due date lands past the last business date: stored, not a 500.
    assert response.status_code == 201, response.content
    assert Invoice.objects.get(number="YS-0601").due_date.year == 2210


def test_the_schema_states_the_ranges(api_as):
    schema = api_as("credit_manager").get("/api/schema/?format=json").json()
    customer = schema["components"]["schemas"]["CustomerRequest"]["properties"]
    assert (customer["term_days"]["minimum"], customer["term_days"]["maximum"]) == (0, 3650)
    assert "pattern" in customer["name"]
    invoice = schema["components"]["schemas"]["InvoiceRequest"]["properties"]
    assert "1900-01-01" in invoice["invoice_date"]["description"]
    assert "from -0.9999 to 1" in invoice["gross_margin"]["description"]
    approval = schema["components"]["schemas"]["ApprovalRequest"]["properties"]
    assert approval["summary"]["maxLength"] == SUMMARY_LENGTH


def test_an_approval_summary_fits_the_length_its_schema_declares(api_as, personas):
    approval_chains_install()
    name = "很长的客户名称" * 80  # a customer's name: the summary quoting it would pass 500
    approval_request_submit(
        kind="credit_limit",
        requested_by=personas["sales_zhang"],
        summary=f"raise the limit of {name} to 600000.00",
        customer=Customer.objects.get(code="HZ001"),
        amount=Decimal("600000"),
        payload={"new_limit": "600000"},
    )
    results = api_as("credit_manager").get("/api/approvals/").json()["results"]
    assert results
    assert all(len(result["summary"]) <= SUMMARY_LENGTH for result in results)


def test_the_import_refuses_the_same_values(huikuan, db, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text(
        "customer_code,name,term_days\nA1,甲公司,9223372036854775807\nA2,乙\x01公司,30\n", encoding="utf-8"
    )
    result = huikuan("import", "customers", str(path))
    assert result.code != 0
    assert "more than 3650 days" in result.stderr
    assert "line 3, column 'name'" in result.stderr  # a control character (the message is translated)
    invoices = tmp_path / "invoices.csv"
    invoices.write_text(
        "invoice_number,customer_code,invoice_date,amount,gross_margin\nI1,A1,9999-12-31,10,-1.00\n",
        encoding="utf-8",
    )
    result = huikuan("import", "invoices", str(invoices))
    assert result.code != 0
    assert "1900-01-01" in result.stderr and "2199-12-31" in result.stderr
    assert "must not be below -0.9999" in result.stderr


def test_the_command_line_refuses_a_date_outside_the_range(huikuan, db):
    with pytest.raises(CommandError, match=r"1900-01-01.*2199-12-31"):
        huikuan("aging", "--as-of", "0001-01-01")
