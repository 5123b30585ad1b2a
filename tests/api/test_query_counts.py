"""Every list of the API, the worklist and the timeline cost the same number of queries with 2
rows as with 12 (the ledger lists: tests/api/test_reading.py). The count is taken on a small
ledger after a first request has warmed the caches, rows are added, and the same request (its
page large enough for every row) must need no query more, while showing the rows added."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from huikuan.collections.run import dunning_run
from huikuan.credit.flows import credit_limit_apply, term_extension_request
from huikuan.credit.services import (
    credit_evaluate,
    customer_hold_place,
    financial_statement_record,
    order_create,
)
from huikuan.finance.write_offs import write_off_propose
from huikuan.ledger.models import Customer, Invoice
from huikuan.statements.services import statement_create
from tests.web.test_query_counts import (
    DAY,
    FEW,
    MORE,
    add_customers,
    add_policies,
    add_timeline_records,
    add_warnings,
    add_worklist_tasks,
    queries_of,
)

pytestmark = pytest.mark.django_db


def rows_of(data: object) -> int:
    """The rows of a list answer: a page's results, a bare list, or every list of an object."""
    if isinstance(data, list):
        return len(data)
    if "results" in data:
        return len(data["results"])
    return sum(len(value) for value in data.values() if isinstance(value, list))


def assert_flat(client, url: str, grow: Callable[[int, int], object], assert_max) -> None:
    """The list's queries with FEW rows bound its queries with MORE rows, which it shows."""
    grow(0, FEW)
    client.get(url)  # content types, permissions and the like cached outside the count
    few = queries_of(client, url)
    before = rows_of(client.get(url).json())
    grow(FEW, MORE - FEW)
    with assert_max(few):
        response = client.get(url)
    assert response.status_code == 200, response.content
    assert rows_of(response.json()) >= before + MORE - FEW


def _manager():
    return get_user_model().objects.get(username="credit_manager")


def add_limit_applications(start: int, count: int) -> None:
    for customer in add_customers(start, count):
        credit_limit_apply(customer=customer, amount=Decimal("900000.00"), requested_by=_manager())


def add_orders(start: int, count: int) -> None:
    for customer in add_customers(start, count):
        order_create(
            number=f"QO-{customer.code}",
            customer=customer,
            order_date=DAY,
            amount=Decimal("100.00"),
            created_by="sales_zhang",
        )


def add_holds(start: int, count: int) -> None:
    for customer in add_customers(start, count):
        customer_hold_place(customer=customer, reason="legal", source="legal", on=DAY)


def add_term_extensions(start: int, count: int) -> None:
    for customer in add_customers(start, count):
        term_extension_request(
            invoice=Invoice.objects.get(customer=customer),
            days=10,
            reason="项目验收推迟",
            requested_by=_manager(),
            requested_on=date(2024, 3, 20),
        )


def add_evaluations(start: int, count: int) -> None:
    add_customers(start, count)
    credit_evaluate(period="2024-05")


def add_financial_statements(start: int, count: int) -> None:
    for customer in add_customers(start, count):
        financial_statement_record(
            customer=customer,
            statement_date=date(2023, 12, 31),
            kind="private_manufacturer",
            working_capital=Decimal("100000"),
            retained_earnings=Decimal("50000"),
            ebit=Decimal("30000"),
            book_equity=Decimal("200000"),
            total_liabilities=Decimal("150000"),
            sales=Decimal("900000"),
            total_assets=Decimal("350000"),
            entered_by="credit_manager",
        )


def add_write_offs(start: int, count: int) -> None:
    for customer in add_customers(start, count):
        write_off_propose(
            requested_by=_manager(), reason="破产清算", invoice=Invoice.objects.get(customer=customer)
        )


def add_statements(start: int, count: int) -> None:
    """``count`` more monthly statements of 湖畔机电 (HZ001), from January 2024 on."""
    customer = Customer.objects.get(code="HZ001")
    for month in range(start + 1, start + count + 1):
        year = 2024 + (month - 1) // 12
        month = (month - 1) % 12 + 1
        statement_create(
            customer=customer,
            kind="account",
            start=date(year, month, 1),
            end=date(year, month, calendar.monthrange(year, month)[1]),
            created_by="test",
        )


@pytest.mark.parametrize(
    ("url", "grow"),
    [
        ("/api/warnings/?page_size=500", add_warnings),
        ("/api/approvals/?page_size=500", add_limit_applications),
        ("/api/credit/limit-applications/?page_size=500", add_limit_applications),
        ("/api/credit/orders/?page_size=500", add_orders),
        ("/api/credit/holds/?page_size=500", add_holds),
        ("/api/credit/term-extensions/?page_size=500", add_term_extensions),
        ("/api/credit/evaluations/?page_size=500", add_evaluations),
        ("/api/credit/statements/?page_size=500", add_financial_statements),
        ("/api/write-offs/", add_write_offs),
        ("/api/dunning/policies/", add_policies),
        ("/api/statements/customers/HZ001/", add_statements),
    ],
)
def test_the_lists_do_not_grow_a_query_a_row(api_as, django_assert_max_num_queries, url, grow):
    assert_flat(api_as("credit_manager"), url, grow, django_assert_max_num_queries)


def test_the_worklist_does_not_grow_a_query_a_customer(api_as, django_assert_max_num_queries):
    url = f"/api/worklist/?date={DAY.isoformat()}"
    assert_flat(api_as("collector_wang"), url, add_worklist_tasks, django_assert_max_num_queries)


def test_the_timeline_does_not_grow_a_query_a_record(api_as, django_assert_max_num_queries):
    dunning_run(date=DAY)
    url = "/api/collections/customers/HZ001/"
    assert_flat(api_as("collector_wang"), url, add_timeline_records, django_assert_max_num_queries)
