"""Orders and shipment approvals (SPEC §5.3): the credit check of an order, its release, and
the re-check of blocked orders when their reason may have gone (seed 002: 客户努力后具备发货条件).

A payment, a credit note (through the ledger's money listener), a higher limit or a lifted
hold queues :func:`orders_recheck` for the customer; a blocked order that now passes gets its
shipment approval number, and its salesperson is told by an in-app notification.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huikuan.approvals.models import ApprovalRequest, Notification
from huikuan.approvals.registry import register_kind
from huikuan.core.errors import RuleViolation
from huikuan.core.models import QueuedTask, TaskStatus
from huikuan.core.money import is_whole_cents, quantize_cents
from huikuan.core.policy import policy_value
from huikuan.core.tasks import tasks_enqueue
from huikuan.credit.charges import fee_charge_mode, fee_charge_record
from huikuan.credit.models import CheckStatus, FeeChargeMode, NumberSequence, Order, OrderStatus
from huikuan.credit.price_approvals import PRICE_APPROVAL, order_price_level, price_reason
from huikuan.credit.selectors import credit_check
from huikuan.ledger.models import Customer

# Customers per queued re-check task (a bank file may pay thousands of customers).
RECHECK_CHUNK = 200
RECHECKED = (CheckStatus.BLOCKED, CheckStatus.UNCHECKED)
RECHECK_TASK = "huikuan.credit.orders.orders_recheck_task"


def _next_number(series: str) -> int:
    sequence, _created = NumberSequence.objects.get_or_create(name=series)
    sequence = NumberSequence.objects.select_for_update().get(pk=sequence.pk)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def shipment_approval_number(*, on: date) -> str:
    """The next shipment approval number (发货批准单) of the year: SA-2026-000001."""
    return f"SA-{on.year}-{_next_number(f'SA-{on.year}'):06d}"


@transaction.atomic
def order_create(
    *,
    number: str,
    customer: Customer,
    order_date: date,
    amount: Decimal,
    currency: str = "",
    fx_rate: Decimal | None = None,
    created_by: str = "",
    price: Decimal | None = None,
    break_even_price: Decimal | None = None,
    target_profit: Decimal | None = None,
) -> Order:
    """Record an order and run the credit check on its date (SPEC §5.3).

    With its price, break-even price and target profit, the order's price level is kept; a
    price above the sales manager's power files a price approval, and the order does not get
    its shipment approval number until that is approved.

    A passed order gets its shipment approval number; a blocked one keeps every reason and
    may be sent for release (``flows.order_release_request``), or passes by itself later
    (:func:`orders_recheck`).
    """
    functional = policy_value("FUNCTIONAL_CURRENCY")
    if amount <= 0 or not is_whole_cents(amount):
        raise RuleViolation(f"an order amount is positive with at most 2 decimal places, got {amount}")
    if Order.objects.filter(number=number).exists():
        raise RuleViolation(f"order {number} already exists")
    currency = currency or customer.currency or functional
    if currency == functional:
        if fx_rate not in (None, Decimal(1)):
            raise RuleViolation(f"the exchange rate of the functional currency {currency} is 1")
        fx_rate = Decimal(1)
    elif fx_rate is None or fx_rate <= 0:
        raise RuleViolation(f"{currency} is not the functional currency {functional}; give its exchange rate")
    charge, fee = None, Decimal("0.00")
    if fee_charge_mode() == "order_surcharge":
        # Seed 002: price = base price + overdue fee; the fee not yet charged goes on this order.
        charge = fee_charge_record(
            customer=customer, as_of=order_date, mode=FeeChargeMode.ORDER_SURCHARGE, charged_by=created_by
        )
        fee = quantize_cents(charge.amount / fx_rate) if charge else fee
    order = Order(
        number=number,
        customer=customer,
        order_date=order_date,
        amount=amount + fee,
        currency=currency,
        fx_rate=fx_rate,
        created_by=created_by,
        fee_amount=fee,
        fee_charge=charge,
        price=price,
        break_even_price=break_even_price,
        target_profit=target_profit,
        price_level=order_price_level(
            customer=customer, price=price, break_even=break_even_price, target_profit=target_profit
        ),
    )
    order.full_clean()
    order.save()
    return order_check(order=order, as_of=order_date)


@transaction.atomic
def order_check(*, order: Order, as_of: date) -> Order:
    """Check an open order against the customer's credit; a pass issues its shipment approval.

    The customer is locked first: two orders of a class D customer checked at once cannot
    both rely on the same money on account. What a pass relied on is kept on the order.
    """
    if order.status not in (OrderStatus.OPEN,):
        raise RuleViolation(f"order {order.number} is {order.status}; only open orders are checked")
    if order.shipment_approval_number:
        raise RuleViolation(
            f"order {order.number} already has shipment approval {order.shipment_approval_number}"
        )
    customer = Customer.objects.select_for_update().get(pk=order.customer_id)
    amount = quantize_cents(order.amount * order.fx_rate)
    result = credit_check(customer=customer, amount=amount, as_of=as_of, exclude_order_id=order.pk)
    order.check_reasons = [reason.as_dict() for reason in result.reasons]
    if (pricing := price_reason(order)) is not None:
        order.check_reasons.append(pricing)
    passed = not order.check_reasons
    order.checked_on = as_of
    order.covered_by = result.covered_by if passed else []
    order.covered_amount = sum((Decimal(part["amount"]) for part in order.covered_by), Decimal("0.00"))
    if passed:
        order.check_status = CheckStatus.PASSED
        order.shipment_approval_number = shipment_approval_number(on=as_of)
    else:
        order.check_status = CheckStatus.BLOCKED
    order.save(
        update_fields=[
            "check_reasons",
            "checked_on",
            "check_status",
            "shipment_approval_number",
            "covered_by",
            "covered_amount",
        ]
    )
    return order


@transaction.atomic
def order_release(*, order: Order, approval_number: str, on: date) -> Order:
    """Release a blocked order by approval: it gets its shipment approval number."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.check_status != CheckStatus.BLOCKED:
        raise RuleViolation(f"order {order.number} is not blocked ({order.check_status})")
    if any(reason["code"].startswith("price_") for reason in order.check_reasons):
        raise RuleViolation(
            _("order %(number)s waits for its price approval %(approval)s")
            % {"number": order.number, "approval": order.price_approval_number}
        )
    order.check_status = CheckStatus.RELEASED
    order.release_approval_number = approval_number
    order.shipment_approval_number = shipment_approval_number(on=on)
    order.save(update_fields=["check_status", "release_approval_number", "shipment_approval_number"])
    return order


# ---------------------------------------------------------------- re-checks


def _tell_salesperson(order: Order) -> None:
    """The customer's salesperson (and whoever entered the order) learn that it passed."""
    names = {order.customer.salesperson, order.created_by} - {""}
    users = get_user_model().objects.filter(username__in=names, is_active=True).order_by("pk")
    message = _(
        "Order %(number)s of %(code)s now passes the credit check: shipment approval %(approval)s"
    ) % {
        "number": order.number,
        "code": order.customer.code,
        "approval": order.shipment_approval_number,
    }
    Notification.objects.bulk_create(Notification(user=user, message=message[:500]) for user in users)


@transaction.atomic
def orders_recheck(*, customer_ids: list[int], on: date) -> list[Order]:
    """Check every blocked (or never checked) open order of these customers again, oldest first,
    each on ``on`` or its own date if later. The orders that now pass: each has its shipment
    approval number and its salesperson a notification. The others keep their new reasons."""
    passed = []
    orders = (
        Order.objects.filter(
            customer_id__in=customer_ids, status=OrderStatus.OPEN, check_status__in=RECHECKED
        )
        .filter(shipment_approval_number="")
        .select_related("customer")
        .order_by("customer_id", "order_date", "id")
    )
    for order in orders:
        order = order_check(order=order, as_of=max(on, order.order_date))
        if order.check_status == CheckStatus.PASSED:
            _tell_salesperson(order)
            passed.append(order)
    return passed


def orders_recheck_task(*, customer_ids: list[int], on: str) -> None:
    """The queued form of :func:`orders_recheck` (JSON arguments)."""
    orders_recheck(customer_ids=customer_ids, on=date.fromisoformat(on))


def orders_recheck_enqueue(*, customer_ids: list[int], on: date, reason: str = "") -> int:
    """Queue a re-check for those of these customers that have blocked orders (one query, then
    a task per chunk of customers, run after the caller's commit). The ledger calls it on money
    received (``huikuan.ledger.events``); credit on a higher limit, a lifted hold, a class
    change. How many customers were queued."""
    waiting: set[int] = set()
    wanted = sorted(set(customer_ids))
    for start in range(0, len(wanted), 900):
        waiting |= set(
            Order.objects.filter(
                customer_id__in=wanted[start : start + 900],
                status=OrderStatus.OPEN,
                check_status__in=RECHECKED,
            ).values_list("customer_id", flat=True)
        )
    if not waiting:
        return 0
    ids = sorted(waiting)
    chunks = [
        {"customer_ids": ids[at : at + RECHECK_CHUNK], "on": on.isoformat()}
        for at in range(0, len(ids), RECHECK_CHUNK)
    ]
    # A receipt split over several invoices tells of each allocation: one re-check is enough.
    queued = QueuedTask.objects.filter(func=RECHECK_TASK, status=TaskStatus.QUEUED)
    chunks = [kwargs for kwargs in chunks if not queued.filter(kwargs=kwargs).exists()]
    if chunks:
        tasks_enqueue(func=RECHECK_TASK, kwargs_list=chunks)
    return len(ids)


# ---------------------------------------------------------------- price approvals


def _price_approved(request: ApprovalRequest, actor) -> None:
    """The order keeps who approved its price, and is checked again: with nothing else in the
    way it gets its shipment approval number now."""
    order = Order.objects.select_related("customer").get(number=request.payload["order_number"])
    order.price_approved_by = getattr(actor, "username", "")
    order.save(update_fields=["price_approved_by"])
    if order.status == OrderStatus.OPEN and not order.shipment_approval_number:
        order = order_check(order=order, as_of=max(timezone.localdate(), order.order_date))
        if order.shipment_approval_number:
            _tell_salesperson(order)


def _price_rejected(request: ApprovalRequest, actor) -> None:
    """The order stays blocked; its reason now says the price was rejected."""
    order = Order.objects.get(number=request.payload["order_number"])
    if order.status == OrderStatus.OPEN and not order.shipment_approval_number:
        order_check(order=order, as_of=max(timezone.localdate(), order.order_date))


def register_price_kind() -> None:
    register_kind(
        PRICE_APPROVAL,
        label=gettext_lazy("price approval"),
        on_approved=_price_approved,
        on_rejected=_price_rejected,
    )
