"""The demo company shows a bill in each state, and the register page lists them."""

from __future__ import annotations

from huikuan.bills.models import Bill
from huikuan.bills.rules import BillStatus
from huikuan.bills.selectors import bills_exposure_by_customer
from tests.ledger.test_demo_company import AS_OF, company  # noqa: F401 - the demo, loaded once


def test_the_demo_has_a_bill_in_each_state(company, db, client):  # noqa: F811
    assert set(Bill.objects.values_list("status", flat=True)) == set(BillStatus.values)
    assert company[0]["acceptance_bills"] == 7
    dishonoured = Bill.objects.get(status=BillStatus.DISHONOURED)
    assert dishonoured.costs_invoice is not None and dishonoured.payment is None
    endorsed = Bill.objects.get(status=BillStatus.ENDORSED)
    assert bills_exposure_by_customer(as_of=AS_OF)[endorsed.customer_id] == endorsed.amount
    users = company[1]
    assert client.login(username="demo.manager", password=users["demo.manager"]["password"])
    page = client.get("/bills/?status=").content.decode()
    assert all(bill.number in page for bill in Bill.objects.all())
