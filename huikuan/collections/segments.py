"""Risk segments for collections (SPEC §5.3, seed 000) and a heuristic late-payment probability. Pure.

premium (优质): class A and nothing more than 30 days overdue.
high_risk (高风险): class D, or anything more than 60 days overdue, or a promise to pay
broken within the last 90 days.
normal (正常): everyone else.
The day limits are settings (``COLLECTIONS_PREMIUM_MAX_DAYS_OVERDUE``,
``COLLECTIONS_HIGH_RISK_DAYS_OVERDUE``, ``COLLECTIONS_BROKEN_PROMISE_LOOKBACK_DAYS``).

Until the risk model of SPEC §10 exists, the worklist weighs overdue balances by
:func:`late_payment_probability`, a documented heuristic from the segment and the days
overdue (settings ``COLLECTIONS_LATE_PROBABILITY_BY_SEGMENT`` and
``COLLECTIONS_LATE_PROBABILITY_PER_30_DAYS``), capped at 0.99.
"""

from __future__ import annotations

from decimal import Decimal

PREMIUM = "premium"
NORMAL = "normal"
HIGH_RISK = "high_risk"
SEGMENTS = (PREMIUM, NORMAL, HIGH_RISK)

PROBABILITY_CAP = Decimal("0.99")


def risk_segment(
    *,
    credit_class: str,
    max_days_overdue: int,
    broken_promise_recently: bool,
    premium_max_days_overdue: int = 30,
    high_risk_days_overdue: int = 60,
) -> str:
    """The customer's collections segment from its class and payment behaviour."""
    if credit_class == "D" or max_days_overdue > high_risk_days_overdue or broken_promise_recently:
        return HIGH_RISK
    if credit_class == "A" and max_days_overdue <= premium_max_days_overdue:
        return PREMIUM
    return NORMAL


def late_payment_probability(
    *, segment: str, days_overdue: int, base_by_segment: dict[str, Decimal], per_30_days: Decimal
) -> Decimal:
    """Heuristic probability that the overdue balance stays unpaid: the segment's base
    rate, plus ``per_30_days`` for every full 30 days overdue, capped at 0.99."""
    base = base_by_segment.get(segment, base_by_segment.get(NORMAL, Decimal("0.3")))
    months = max(days_overdue, 0) // 30
    return min(base + per_30_days * months, PROBABILITY_CAP)
