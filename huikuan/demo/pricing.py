"""The demo's priced orders and overdue fee charges (seed 002 §价格政策 and 超期资金占用费).

A few orders carry their price, the product's break-even price and target profit, one at each
level of the price approval powers: within the sales manager's power, the department head's
and the business unit head's. One approval is decided, one is left pending. A few customers
paying late are charged their overdue fee as a debit note, so the customer page shows the
charge with the invoices and days it was computed from.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from huikuan.approvals.models import ApprovalRequest, Status
from huikuan.approvals.services import approval_decide
from huikuan.core.errors import RuleViolation
from huikuan.credit import figures
from huikuan.credit.charges import fee_charge_mode, overdue_fee_charge
from huikuan.credit.models import FeeCharge, FeeKind
from huikuan.credit.services import order_create
from huikuan.demo.users import demo_user
from huikuan.ledger.models import Customer, CustomerStatus

# (class, price, break-even, target profit): the sales manager's, the department head's (strict
# for class C) and the business unit head's power (below break-even).
PRICED = (
    ("B", Decimal("128.00"), Decimal("100.00"), Decimal("30.00")),
    ("C", Decimal("112.00"), Decimal("100.00"), Decimal("30.00")),
    ("C", Decimal("96.50"), Decimal("100.00"), Decimal("30.00")),
    ("B", Decimal("118.00"), Decimal("100.00"), Decimal("25.00")),
)
APPROVE_PRICE = "批量订单，价格高于保本价，同意"
FEE_CUSTOMERS = 3


def priced_orders_place(*, rng: random.Random, as_of: date) -> dict[str, int]:
    """One order at each price level; the first approval that needs deciding is approved by
    whoever holds its step (the department head), the others stay pending."""
    closed = (CustomerStatus.CLOSED, CustomerStatus.LEGAL)
    active = Customer.objects.exclude(status__in=closed).order_by("code")
    counts = {"priced_orders": 0, "price_approvals_pending": 0, "price_approvals_approved": 0}
    used: set[int] = set()
    decided = False
    for index, (credit_class, price, break_even, target) in enumerate(PRICED):
        pool = [c for c in active.filter(credit_class=credit_class, currency="CNY")[:60] if c.pk not in used]
        if not pool:
            continue
        customer = rng.choice(pool)
        used.add(customer.pk)
        quantity = rng.choice((200, 500, 800, 1200))
        order_date = as_of - timedelta(days=rng.randint(0, 4))
        order = order_create(
            number=f"SP{order_date:%y%m%d}{index + 1:02d}{customer.code[-4:]}",
            customer=customer,
            order_date=order_date,
            amount=price * quantity,
            created_by=customer.salesperson,
            price=price,
            break_even_price=break_even,
            target_profit=target,
        )
        counts["priced_orders"] += 1
        request = ApprovalRequest.objects.filter(number=order.price_approval_number).first()
        if request is None:
            continue
        if not decided and _approve(request):
            decided = True
            counts["price_approvals_approved"] += 1
        else:
            counts["price_approvals_pending"] += 1
    return counts


def _approve(request: ApprovalRequest) -> bool:
    for username in ("demo.head", "demo.president"):
        request.refresh_from_db()
        if request.status != Status.PENDING:
            break
        try:
            actor = demo_user(username)
            approval_decide(request=request, actor=actor, decision="approve", comment=APPROVE_PRICE)
        except RuleViolation:
            continue
    request.refresh_from_db()
    return request.status == Status.APPROVED


def fee_charges_raise(*, as_of: date) -> dict[str, int]:
    """The overdue fee of a few of the latest payers, charged as debit notes (when the setting
    charges it so)."""
    if fee_charge_mode() != "debit_note":
        return {"fee_charges": 0}
    late = figures.overdue_beyond_by_customer(as_of=as_of, days=60)
    customers = (
        Customer.objects.filter(pk__in=list(late))
        .exclude(status__in=(CustomerStatus.CLOSED, CustomerStatus.LEGAL))
        .order_by("code")[:FEE_CUSTOMERS]
    )
    for customer in customers:
        overdue_fee_charge(customer=customer, as_of=as_of, charged_by="demo.manager")
    return {"fee_charges": FeeCharge.objects.filter(kind=FeeKind.OVERDUE_FEE).count()}
