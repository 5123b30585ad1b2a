"""Price approval powers (seed 002 §价格政策): who may agree an order's price. Pure; no ORM.

A price at or above break-even plus a share (PRICE_APPROVAL_TARGET_SHARE, 80 %) of the target
profit is within the sales manager's power; above break-even, below that line, the department
head's; below break-even the business unit head's (the ``president`` role). For class C and D
customers the rule is strict; for A and B, PRICE_APPROVAL_FOR_AB = "relaxed" leaves every price
from break-even up to the sales manager.
"""

from __future__ import annotations

from decimal import Decimal

SALES_MANAGER_LEVEL = "sales_manager"
DEPARTMENT_HEAD_LEVEL = "department_head"
BUSINESS_UNIT_LEVEL = "business_unit_head"
# The levels that need a price approval, each with the step of the price_approval chain it asks.
APPROVAL_STEP = {DEPARTMENT_HEAD_LEVEL: 1, BUSINESS_UNIT_LEVEL: 2}
RELAXED = "relaxed"
RELAXED_CLASSES = ("A", "B")


def price_level(
    *,
    price: Decimal,
    break_even: Decimal,
    target_profit: Decimal,
    credit_class: str,
    target_share: Decimal,
    rule_for_ab: str = "strict",
) -> str:
    """Whose power ``price`` is in: exactly at break-even + share × target profit is still the
    sales manager's; exactly at break-even the department head's; a cent below, the business
    unit head's."""
    if price < break_even:
        return BUSINESS_UNIT_LEVEL
    if rule_for_ab == RELAXED and credit_class in RELAXED_CLASSES:
        return SALES_MANAGER_LEVEL
    if price >= break_even + target_share * target_profit:
        return SALES_MANAGER_LEVEL
    return DEPARTMENT_HEAD_LEVEL


def needs_approval(level: str) -> bool:
    return level in APPROVAL_STEP


def waits_for_price(order) -> bool:
    """Whether ``order`` waits for its price approval: no release can ship it before that."""
    return bool(order.price_approval_number) and not order.price_approved_by
