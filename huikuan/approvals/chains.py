"""The default approval chains (SPEC §1, §5.2, §5.3). Pure; no ORM.

Each step: a name, the roles that may decide it, and the amount (in the functional currency)
from which it applies, or None for every amount. These are only the defaults seeded by the
data migration; the chains in force are ``ApprovalStep`` rows a credit manager edits.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from huikuan.accounts.roles import (
    CFO,
    CREDIT_ANALYST,
    CREDIT_MANAGER,
    DEPARTMENT_HEAD,
    PRESIDENT,
    SALES_MANAGER,
)


@dataclass(frozen=True)
class StepDefault:
    name: str
    roles: tuple[str, ...]
    min_amount: Decimal | None = None


DEFAULT_CHAINS: dict[str, tuple[StepDefault, ...]] = {
    "credit_limit": (
        StepDefault("sales manager", (SALES_MANAGER,)),
        StepDefault("credit analyst", (CREDIT_ANALYST,)),
        StepDefault("credit manager", (CREDIT_MANAGER,)),
        StepDefault("CFO", (CFO,), Decimal("1000000")),
        StepDefault("president", (PRESIDENT,), Decimal("5000000")),
    ),
    "class_change": (StepDefault("credit manager", (CREDIT_MANAGER,)),),
    "term_extension": (StepDefault("department head or above", (DEPARTMENT_HEAD, CFO, PRESIDENT)),),
    # An extension of a customer's terms beyond its class's (seed 002), as for an invoice's.
    "customer_terms": (StepDefault("department head or above", (DEPARTMENT_HEAD, CFO, PRESIDENT)),),
    "order_release": (StepDefault("credit manager", (CREDIT_MANAGER,)),),
    "hold_lift": (StepDefault("credit manager", (CREDIT_MANAGER,)),),
    "write_off": (
        StepDefault("credit manager", (CREDIT_MANAGER,)),
        StepDefault("CFO", (CFO,)),
    ),
    # Price approval powers (seed 002 §价格政策): the price's level picks the step to ask,
    # the first above break-even, the second below it (credit.pricing.APPROVAL_STEP).
    "price_approval": (
        StepDefault("department head", (DEPARTMENT_HEAD, PRESIDENT)),
        StepDefault("business unit head", (PRESIDENT,)),
    ),
    # AR/AP offset (应收冲应付) and rounding tails (尾差), issue 15.
    "ar_ap_offset": (StepDefault("credit manager", (CREDIT_MANAGER,)),),
    "rounding_tails": (StepDefault("credit manager", (CREDIT_MANAGER,)),),
    # The month's staff scorecards, rewards and penalties (考核与奖惩), for payroll.
    "scorecard": (StepDefault("credit manager", (CREDIT_MANAGER,)),),
}


def applicable_positions(thresholds: list[Decimal | None], amount: Decimal | None) -> list[int]:
    """The indexes of the steps that apply to ``amount``: those without a threshold, and
    those whose threshold the amount reaches. A request without an amount skips every
    step that has a threshold."""
    return [
        index
        for index, threshold in enumerate(thresholds)
        if threshold is None or (amount is not None and amount >= threshold)
    ]


def escalated_positions(positions: list[int], length: int) -> list[int]:
    """``positions`` with the next step after the last of them, when the chain has one."""
    following = [index for index in range(length) if index > max(positions)]
    return sorted({*positions, *following[:1]})
