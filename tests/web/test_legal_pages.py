"""Legal pages: invoices with an agency say so on the invoice list (and the aging's drill-down)
and on the invoice; a collector sees only his customers' cases; a closed case links its
write-off proposal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from huikuan.collections.agencies import agency_assign, agency_create
from huikuan.collections.legal import legal_case_open
from huikuan.finance.legal_cases import legal_case_close
from huikuan.ledger.models import Customer, Invoice


def test_invoices_with_an_agency_say_so(web_as):
    agency = agency_create(name="信达", kind="collection_agency", commission_percent=Decimal("10"), by="t")
    invoice = Invoice.objects.get(number="YS-0302")
    agency_assign(
        agency=agency, customer=invoice.customer, invoices=[invoice], assigned_on=date(2024, 6, 1), by="t"
    )
    client = web_as("credit_manager")
    listed = client.get("/invoices/").content.decode()
    assert "委托 信达" in listed
    assert 'id="with-agency">信达<' in client.get("/invoices/YS-0302/").content.decode()
    assert "委托中" in client.get("/collections/customers/HZ001/").content.decode()


def test_a_collector_sees_his_customers_cases_only_and_a_closed_case_links_its_write_off(web_as):
    hz = Customer.objects.get(code="HZ001")
    case = legal_case_open(customer=hz, invoices=hz.invoices.all(), opened_on=date(2024, 6, 1), opened_by="t")
    closed = legal_case_close(case=case, closed_on=date(2024, 7, 1), by="credit_manager")
    page = web_as("credit_manager", "en").get(f"/legal/cases/{case.number}/").content.decode()
    assert "nothing recovered" in page and closed.write_off_proposal in page
    assert web_as("collector_wang").get(f"/legal/cases/{case.number}/").status_code == 200
    assert web_as("collector_zhao").get(f"/legal/cases/{case.number}/").status_code == 404
    assert case.number not in web_as("collector_zhao").get("/legal/").content.decode()
    assert web_as("customer_contact").get("/legal/").status_code == 403
