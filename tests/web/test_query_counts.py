"""Every list page, the worklist and the timeline cost the same number of queries with 2 rows
as with 12: the count is measured on a small ledger, rows are added, and the page must not
need a single query more (an N+1 would add one a row)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huikuan.collections.models import (
    ActivityKind,
    Channel,
    DunningAction,
    DunningPolicy,
    DunningStep,
    PaymentPlan,
    PlanStatus,
)
from huikuan.collections.run import dunning_run
from huikuan.collections.services import activity_log, dispute_open, plan_create, promise_make
from huikuan.correspondence.models import DocumentTemplate, OutboundEmail
from huikuan.credit.flows import credit_limit_apply
from huikuan.credit.services import order_create
from huikuan.finance.models import EarlyWarning, WarningGrade, WarningRule
from huikuan.ledger.models import Customer, Invoice, Payment
from huikuan.ledger.services import customer_create, invoice_issue, payment_allocate

pytestmark = pytest.mark.django_db

FEW, MORE = 2, 12
DAY = date(2024, 6, 10)


def add_customers(start: int, count: int) -> list[Customer]:
    """``count`` more customers of collector_wang, each with an overdue invoice half paid."""
    customers = []
    for i in range(start, start + count):
        customer = customer_create(
            code=f"QC{i:03d}",
            name=f"查询客户{i:03d}",
            credit_class="B",
            collector="collector_wang",
            salesperson="sales_zhang",
            department="华东销售部",
            email=f"qc{i:03d}@example.cn",
        )
        invoice = invoice_issue(
            number=f"QI-{i:03d}",
            customer=customer,
            invoice_date=date(2024, 3, 1),
            due_date=date(2024, 4, 1),
            amount=Decimal("1000.00"),
            currency="CNY",
        )
        payment = Payment.objects.create(
            reference=f"QP-{i:03d}",
            customer=customer,
            payment_date=date(2024, 4, 15),
            amount=Decimal("500.00"),
            currency="CNY",
        )
        payment_allocate(payment=payment, invoice=invoice, amount=Decimal("500.00"))
        customers.append(customer)
    return customers


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def assert_flat(client, url: Callable[[], str] | str, grow: Callable[[int, int], object], assert_max) -> None:
    """The page's queries with FEW rows bound the page's queries with MORE rows."""
    grow(0, FEW)
    link = url if isinstance(url, str) else url()
    few = queries_of(client, link)
    grow(FEW, MORE - FEW)
    link = url if isinstance(url, str) else url()
    with assert_max(few):
        assert client.get(link).status_code == 200


@pytest.mark.parametrize("url", ["/customers/", "/invoices/", "/invoices/?status=open", "/payments/"])
def test_the_ledger_lists_do_not_grow_a_query_a_row(web_as, django_assert_max_num_queries, url):
    assert_flat(web_as("credit_manager"), url, add_customers, django_assert_max_num_queries)


def test_the_orders_list_does_not_grow_a_query_a_row(web_as, django_assert_max_num_queries):
    def grow(start: int, count: int) -> None:
        for customer in add_customers(start, count):
            order_create(
                number=f"QO-{customer.code}",
                customer=customer,
                order_date=DAY,
                amount=Decimal("100.00"),
                created_by="sales_zhang",
            )

    assert_flat(web_as("credit_manager"), "/credit/orders/", grow, django_assert_max_num_queries)


@pytest.mark.parametrize("show", ["inbox", "mine", "all"])
def test_the_approvals_list_does_not_grow_a_query_a_row(
    web_as, personas, django_assert_max_num_queries, show
):
    def grow(start: int, count: int) -> None:
        for customer in add_customers(start, count):
            credit_limit_apply(
                customer=customer, amount=Decimal("900000.00"), requested_by=personas["credit_manager"]
            )

    url = f"/approvals/?show={show}"
    assert_flat(web_as("credit_manager"), url, grow, django_assert_max_num_queries)


def test_the_outbox_does_not_grow_a_query_a_row(web_as, personas, django_assert_max_num_queries):
    def grow(start: int, count: int) -> None:
        for customer in add_customers(start, count):
            OutboundEmail.objects.create(
                idempotency_key=f"query-count-{customer.code}",
                to=[customer.email],
                subject=f"对账单 {customer.code}",
                body="…",
                purpose="statement",
                customer=customer,
            )

    assert_flat(web_as("credit_manager"), "/correspondence/outbox/", grow, django_assert_max_num_queries)


def test_the_runs_page_and_its_actions_do_not_grow_a_query_a_row(
    web_as, personas, django_assert_max_num_queries
):
    days = iter([DAY, DAY + timedelta(days=7)])
    ran: list[date] = []

    def grow(start: int, count: int) -> None:
        add_customers(start, count)
        ran.append(next(days))
        dunning_run(date=ran[-1])

    url = lambda: f"/collections/runs/?date={ran[-1].isoformat()}"  # noqa: E731 - the day of the last run
    assert_flat(web_as("credit_manager"), url, grow, django_assert_max_num_queries)


def add_worklist_tasks(start: int, count: int) -> None:
    """``count`` more customers of collector_wang, each with a note, a promise and a call task."""
    for customer in add_customers(start, count):
        activity_log(
            customer=customer, kind=ActivityKind.NOTE, occurred_on=date(2024, 5, 1), user="collector_wang"
        )
        promise_make(
            customer=customer,
            promised_date=date(2024, 7, 1),
            amount=Decimal("100.00"),
            made_on=date(2024, 5, 1),
            made_by="collector_wang",
        )
        # The call task a run would have left (the ladder reaches the phone on a later run).
        DunningAction.objects.create(
            customer=customer,
            action_date=DAY,
            policy_code="standard",
            step_code="second",
            channel=Channel.PHONE,
            assigned_to="collector_wang",
            invoice_numbers=f"QI-{customer.code[2:]}",
            token=0,
        )


def test_the_worklist_does_not_grow_a_query_a_customer(web_as, personas, django_assert_max_num_queries):
    client = web_as("collector_wang")
    url = f"/worklist/?date={DAY.isoformat()}"
    assert_flat(client, url, add_worklist_tasks, django_assert_max_num_queries)
    assert len(client.get(url).context["items"]) == MORE


def add_timeline_records(start: int, count: int) -> None:
    """``count`` more calls, promises, broken plans and disputes on 湖畔机电 (HZ001)."""
    customer = Customer.objects.get(code="HZ001")
    invoice = Invoice.objects.get(number="YS-0302")
    for i in range(start, start + count):
        day = date(2024, 5, 1) + timedelta(days=i)
        activity_log(customer=customer, kind=ActivityKind.CALL, occurred_on=day, user="collector_wang")
        promise_make(
            customer=customer,
            promised_date=day + timedelta(days=30),
            amount=Decimal("10.00"),
            made_on=day,
            made_by="collector_wang",
        )
        plan_create(
            customer=customer,
            starts_on=day,
            instalments=[
                (day + timedelta(days=30), Decimal("10.00")),
                (day + timedelta(days=60), Decimal("10.00")),
            ],
            created_by="collector_wang",
        )
        PaymentPlan.objects.filter(customer=customer).update(status=PlanStatus.BROKEN)
        dispute_open(
            invoice=invoice,
            amount=Decimal("10.00"),
            reason_code="price",
            owner="collector_wang",
            opened_on=day,
            opened_by="collector_wang",
        )


def test_the_timeline_does_not_grow_a_query_a_record(web_as, personas, django_assert_max_num_queries):
    dunning_run(date=DAY)
    client = web_as("collector_wang")
    assert_flat(client, "/collections/customers/HZ001/", add_timeline_records, django_assert_max_num_queries)


def test_the_collections_reports_do_not_grow_a_query_a_customer(
    web_as, personas, django_assert_max_num_queries
):
    def grow(start: int, count: int) -> None:
        for customer in add_customers(start, count):
            activity_log(
                customer=customer, kind=ActivityKind.CALL, occurred_on=date(2024, 6, 1), user="collector_wang"
            )

    url = "/collections/reports/?start=2024-05-01&end=2024-06-30"
    assert_flat(web_as("credit_manager"), url, grow, django_assert_max_num_queries)


def add_warnings(start: int, count: int) -> None:
    """``count`` more customers, each with an open warning about its overdue invoice."""
    for customer in add_customers(start, count):
        EarlyWarning.objects.create(
            rule=WarningRule.NEWLY_OVERDUE,
            grade=WarningGrade.WARNING,
            customer=customer,
            invoice=Invoice.objects.get(customer=customer),
            subject_key=f"QI-{customer.code[2:]}",
            raised_on=DAY,
            routed_to="collector",
        )


def add_policies(start: int, count: int) -> None:
    """``count`` more dunning policies of two steps each."""
    for i in range(start, start + count):
        policy = DunningPolicy.objects.create(code=f"query-{i}", name=f"查询策略{i}", priority=200 + i)
        for sequence, (code, offset) in enumerate([("remind", -3), ("call", 10)], start=1):
            DunningStep.objects.create(
                policy=policy,
                code=code,
                name_zh=code,
                name_en=code,
                sequence=sequence,
                day_offset=offset,
                channels=["email"],
                owner_role="collector",
            )


def add_templates(start: int, count: int) -> None:
    """``count`` more email templates, each in both languages."""
    for i in range(start, start + count):
        for language in ("zh-hans", "en"):
            DocumentTemplate.objects.create(
                code=f"query_{i}",
                language=language,
                kind="email",
                name=f"查询模板{i}",
                subject="对账",
                body="…",
            )


@pytest.mark.parametrize(
    ("url", "grow", "last_row"),
    [
        ("/warnings/", add_warnings, "QC011"),
        ("/collections/policies/", add_policies, "query-11"),
        ("/correspondence/templates/", add_templates, "query_11"),
    ],
)
def test_the_settings_and_warning_lists_do_not_grow_a_query_a_row(
    web_as, django_assert_max_num_queries, url, grow, last_row
):
    client = web_as("credit_manager")
    assert_flat(client, url, grow, django_assert_max_num_queries)
    assert last_row in client.get(url).content.decode()
