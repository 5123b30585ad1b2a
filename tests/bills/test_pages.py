"""The bills register and a bill's page: what they show, in a number of queries that does not
grow with the bills listed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from huikuan.bills.models import Bill
from huikuan.bills.rules import BillKind
from huikuan.bills.services import BillIn, bill_receive
from huikuan.ledger.models import Customer


def _bills(count: int, start: int = 0) -> None:
    customer = Customer.objects.get(code="HZ001")
    for index in range(start, start + count):
        bill_receive(
            bill=BillIn(
                customer=customer,
                number=f"5310580000012024050100000{index:05d}",
                kind=BillKind.COMMERCIAL if index % 2 else BillKind.BANK,
                drawer="杭州湖畔机电有限公司",
                acceptor="招商银行" if index % 2 == 0 else "杭州湖畔机电有限公司",
                issue_date=date(2024, 5, 1),
                maturity_date=date(2024, 6, 1 + index),
                received_on=date(2024, 5, 2),
                amount=Decimal("1000.00"),
            )
        )


def _queries(client, url: str) -> int:
    client.get(url)  # caches (content types, permissions) outside the count
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_register_reads_in_the_same_queries_for_2_bills_or_8(personas, client):
    client.force_login(personas["credit_manager"])
    _bills(2)
    few = _queries(client, "/bills/?status=")
    _bills(6, start=2)
    assert _queries(client, "/bills/?status=") == few
    page = client.get("/bills/?status=&order=acceptor").content.decode()
    register = page[page.index('id="bills"') :]
    assert register.index("<td>招商银行</td>") < register.index(
        "<td>杭州湖畔机电有限公司</td>"
    )  # by code point


def test_a_collector_sees_only_his_customers_bills(personas, client):
    _bills(1)
    client.force_login(personas["collector_zhao"])  # works 锦江贸易 and Lion City, not HZ001
    assert "5310580000012024050100000" not in client.get("/bills/?status=").content.decode()
    bill = Bill.objects.get()
    assert client.get(f"/bills/{bill.pk}/").status_code == 404
    client.force_login(personas["collector_wang"])
    assert "5310580000012024050100000" in client.get("/bills/?status=").content.decode()
    page = client.get(f"/bills/{bill.pk}/").content.decode()
    assert "背书转让" not in page, "a collector reads the bill but records no move"
