"""An order's price approval (seed 002 §价格政策): its level, the ``price_approval`` request
filed when the price is above the sales manager's power, and the reason it blocks shipment
while that request is not approved. The approval's callbacks are in ``credit.orders``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from huikuan.approvals.models import ApprovalRequest, Status
from huikuan.approvals.services import approval_request_submit
from huikuan.core.errors import RuleViolation
from huikuan.core.policy import policy_value
from huikuan.credit.models import Order, PriceLevel
from huikuan.credit.pricing import APPROVAL_STEP, needs_approval, price_level
from huikuan.ledger.models import Customer

PRICE_APPROVAL = "price_approval"
SYSTEM_USERNAME = "huikuan-system"
PRICE_FIELDS = ("price", "break_even_price", "target_profit")


def system_user() -> Any:
    """The account that files requests raised by scheduled jobs; it can never sign in."""
    user, created = get_user_model().objects.get_or_create(username=SYSTEM_USERNAME)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def order_price_level(
    *, customer: Customer, price: Decimal | None, break_even: Decimal | None, target_profit: Decimal | None
) -> str:
    """The level of an order's price under the settings in force; no level without all three
    figures. A negative figure is refused."""
    if price is None and break_even is None and target_profit is None:
        return PriceLevel.NONE
    if price is None or break_even is None or target_profit is None:
        raise RuleViolation(_("give the price, the break-even price and the target profit together"))
    if min(price, break_even, target_profit) < 0:
        raise RuleViolation(_("a price, break-even price or target profit is never negative"))
    return price_level(
        price=price,
        break_even=break_even,
        target_profit=target_profit,
        credit_class=customer.credit_class,
        target_share=policy_value("PRICE_APPROVAL_TARGET_SHARE"),
        rule_for_ab=policy_value("PRICE_APPROVAL_FOR_AB"),
    )


def price_approval_request(*, order: Order, requested_by: Any = None) -> ApprovalRequest:
    """File the ``price_approval`` request of an order whose price is above the sales manager's
    power, at the chain's step of its level; the order keeps the request's number."""
    if requested_by is None:
        names = [order.created_by] if order.created_by else []
        requested_by = get_user_model().objects.filter(username__in=names, is_active=True).first()
    request = approval_request_submit(
        kind=PRICE_APPROVAL,
        requested_by=requested_by or system_user(),
        summary=_(
            "price of order %(number)s of %(code)s: %(price)s, break-even %(break_even)s, "
            "target profit %(target)s (%(level)s)"
        )
        % {
            "number": order.number,
            "code": order.customer.code,
            "price": order.price,
            "break_even": order.break_even_price,
            "target": order.target_profit,
            "level": order.get_price_level_display(),
        },
        customer=order.customer,
        amount=order.amount,
        currency=order.currency,
        fx_rate=order.fx_rate,
        payload={"order_number": order.number, "level": order.price_level},
        subject_ref=f"order:{order.number}",
        step=APPROVAL_STEP[order.price_level],
    )
    order.price_approval_number = request.number
    order.save(update_fields=["price_approval_number"])
    return request


def price_reason(order: Order) -> dict | None:
    """The reason an order may not ship yet for its price, as a check reason, or None: its
    price approval is pending (filed now if it was not), or was rejected."""
    if not needs_approval(order.price_level) or order.price_approved_by:
        return None
    status = None
    if order.price_approval_number:
        status = (
            ApprovalRequest.objects.filter(number=order.price_approval_number)
            .values_list("status", flat=True)
            .first()
        )
    if status is None:
        price_approval_request(order=order)
        status = Status.PENDING
    figures = {"approval": order.price_approval_number, "level": order.price_level}
    if status == Status.REJECTED:
        message = f"the price approval {order.price_approval_number} was rejected"
        return {"code": "price_rejected", "message": message, "figures": figures}
    message = f"the price approval {order.price_approval_number} is pending"
    return {"code": "price_pending", "message": message, "figures": figures}
