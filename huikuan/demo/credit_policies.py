"""The demo company's credit policies as seed 002 writes them (issue 14 items 1 and 5, issue 15
item 4): market development confirms the customers' industry positions, finance sets benchmark
margins by department, a class C customer is granted longer terms by approval (another waits),
a customer has a contract late-payment rate, and the statutory late interest of the most
overdue customer is charged as a debit note."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F, Sum

from huikuan.approvals.services import approval_decide
from huikuan.collections.late_interest import late_interest, late_interest_charge
from huikuan.core.policy import policy_value
from huikuan.credit.benchmarks import benchmark_margin_set
from huikuan.credit.flows import customer_terms_extension_request
from huikuan.credit.interest_rates import contract_interest_rate_set
from huikuan.credit.market import industry_position_confirm
from huikuan.demo.users import demo_user
from huikuan.ledger.models import Customer, Invoice

# Finance's benchmarks: the first departments (by revenue) get their own, the rest the company's.
BENCHMARKS = (Decimal("0.24"), Decimal("0.16"))


def market_and_benchmarks(*, as_of: date) -> dict[str, int]:
    """Before the year of evaluations: market development confirms the industry positions given
    (a customer without one stays 'insufficient data'); finance sets two departments' benchmarks."""
    market = demo_user("demo.market")
    confirmed_on = as_of - timedelta(days=400)
    known = {key for key in policy_value("CREDIT_INDUSTRY_POINTS") if key}
    count = 0
    for customer in Customer.objects.filter(industry_position__in=known).order_by("code"):
        industry_position_confirm(customer=customer, confirmed_by=market, on=confirmed_on)
        count += 1
    departments = list(
        Invoice.objects.exclude(department="")
        .values("department")
        .annotate(revenue=Sum("amount"))
        .order_by("-revenue", "department")
        .values_list("department", flat=True)[: len(BENCHMARKS)]
    )
    for department, margin in zip(departments, BENCHMARKS, strict=False):
        benchmark_margin_set(department=department, margin=margin, updated_by="demo.analyst")
    return {"industry_confirmed": count, "benchmarks": len(departments)}


def terms_and_interest(*, as_of: date) -> dict[str, int]:
    """A class C customer granted 30 more days (approved by the department head), another one
    waiting; a contract rate for a class A customer; the late interest of the customer with the
    most overdue charged as a debit note."""
    counts = {"term_grants": 0, "term_grants_pending": 0, "contract_rates": 0, "interest_charges": 0}
    manager, head = demo_user("demo.manager"), demo_user("demo.head")
    class_c = list(Customer.objects.filter(credit_class="C").order_by("code")[:2])
    if class_c:
        request = customer_terms_extension_request(
            customer=class_c[0],
            days=30,
            reason="战略客户，项目回款周期长，经部门负责人同意账期延长30天",
            requested_by=manager,
        )
        approval_decide(request=request, actor=head, decision="approve", comment="同意，半年后复核")
        counts["term_grants"] = 1
    if len(class_c) > 1:
        customer_terms_extension_request(
            customer=class_c[1],
            days=15,
            reason="旺季备货，申请账期延长15天",
            requested_by=manager,
            valid_until=as_of + timedelta(days=180),
        )
        counts["term_grants_pending"] = 1
    class_a = Customer.objects.filter(credit_class="A").order_by("code").first()
    if class_a is not None:
        contract_interest_rate_set(
            customer=class_a,
            annual_rate=Decimal("0.0365"),
            effective_from=max(date(2025, 6, 1), as_of - timedelta(days=300)),
            contract_reference=f"HT-{class_a.code}-2025",
            set_by="demo.manager",
        )
        counts["contract_rates"] = 1
    overdue = (
        Invoice.objects.filter(closed_on__isnull=True, due_date__lt=as_of - timedelta(days=60))
        .values("customer_id")
        .annotate(open=Sum(F("amount") - F("applied_amount")))
        .order_by("-open", "customer_id")
        .values_list("customer_id", flat=True)
        .first()
    )
    if overdue is not None and late_interest(as_of=as_of, customer_ids=[overdue]):
        charge = late_interest_charge(
            customer=Customer.objects.get(pk=overdue), as_of=as_of, charged_by="demo.manager"
        )
        counts["interest_charges"] = 1 if charge else 0
    return counts
