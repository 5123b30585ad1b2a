"""Risk segments for collections (SPEC §5.3, seed 000) and a heuristic late-payment probability. Pure.

The segment comes from the class and the payment history, never from what is still open:
the ladder escalates on the days overdue, and a segment that rose with them would change
the ladder under the same debt (a class B invoice first met at +90 got the lawyer's letter
of the accelerated ladder instead of the legal demand).

premium (优质): class A, no promise broken recently and no invoice paid more than
``premium_max_days_paid_late`` days late within the payment history.
high_risk (高风险): class D, or a promise to pay broken recently, or an invoice paid more
than ``high_risk_days_paid_late`` days late within the payment history.
normal (正常): everyone else.
The settings: ``COLLECTIONS_PREMIUM_MAX_DAYS_PAID_LATE``, ``COLLECTIONS_HIGH_RISK_DAYS_PAID_LATE``,
``COLLECTIONS_PAYMENT_HISTORY_DAYS`` (the history) and ``COLLECTIONS_BROKEN_PROMISE_LOOKBACK_DAYS``.

When the risk model (``huikuan.risk``) has scored a customer with enough history of its own, its
segment comes from the model's P(late) of a usual new invoice, what is overdue now left out
(``RISK_SEGMENT_THRESHOLDS``); class D and a promise broken recently still make it high-risk.
The rest keep the class heuristic above.

Without the model's scores, the worklist weighs overdue balances by :func:`late_payment_probability`, a
documented heuristic from the segment and the days overdue (settings
``COLLECTIONS_LATE_PROBABILITY_BY_SEGMENT`` and ``COLLECTIONS_LATE_PROBABILITY_PER_30_DAYS``;
beyond the segments' day limits a customer is weighed as the next segment up), capped at
0.99: the ranking of the day's calls, not the ladder.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

PREMIUM = "premium"
NORMAL = "normal"
HIGH_RISK = "high_risk"
SEGMENTS = (PREMIUM, NORMAL, HIGH_RISK)

PROBABILITY_CAP = Decimal("0.99")


def risk_segment(
    *,
    credit_class: str,
    broken_promise_recently: bool,
    max_days_paid_late: int = 0,
    premium_max_days_paid_late: int = 30,
    high_risk_days_paid_late: int = 60,
) -> str:
    """The customer's collections segment from its class and payment history:
    ``max_days_paid_late`` is the most days late of the invoices it paid within the history."""
    if credit_class == "D" or broken_promise_recently or max_days_paid_late > high_risk_days_paid_late:
        return HIGH_RISK
    if credit_class == "A" and max_days_paid_late <= premium_max_days_paid_late:
        return PREMIUM
    return NORMAL


def late_payment_probability(
    *,
    segment: str,
    days_overdue: int,
    base_by_segment: dict[str, Decimal],
    per_30_days: Decimal,
    premium_max_days: int = 30,
    high_risk_days: int = 60,
) -> Decimal:
    """Heuristic probability that the overdue balance stays unpaid: the segment's base
    rate, plus ``per_30_days`` for every full 30 days overdue, capped at 0.99. The ranking
    (never the segment, never the ladder) also weighs what is overdue now: a premium
    customer more than ``premium_max_days`` overdue is weighed at the normal base rate, and
    anyone more than ``high_risk_days`` overdue at the high-risk one."""
    if days_overdue > high_risk_days:
        segment = HIGH_RISK
    elif segment == PREMIUM and days_overdue > premium_max_days:
        segment = NORMAL
    base = base_by_segment.get(segment, base_by_segment.get(NORMAL, Decimal("0.3")))
    months = max(days_overdue, 0) // 30
    return min(base + per_30_days * months, PROBABILITY_CAP)


@dataclass(frozen=True)
class PaymentHistory:
    """What the segments of some customers are decided from, as of a day (read once by
    ``selectors.payment_history``): who broke a promise recently, and the most days late of
    the invoices each paid within the history (customers who paid nothing late are absent)."""

    broken_recently: Collection[int]
    days_paid_late: Mapping[int, int]
    premium_max_days_paid_late: int = 30
    high_risk_days_paid_late: int = 60
    model_segments: Mapping[int, str] = field(default_factory=dict)  # from the risk model's scores

    def from_model(self, customer_id: int) -> bool:
        return bool(self.model_segments.get(customer_id))

    def segment(self, customer_id: int, credit_class: str) -> str:
        """The customer's segment: the risk model's when it scored the customer, else
        :func:`risk_segment` with its history; class D or a broken promise: high-risk."""
        model = self.model_segments.get(customer_id)
        if model:
            if credit_class == "D" or customer_id in self.broken_recently:
                return HIGH_RISK
            return model
        return risk_segment(
            credit_class=credit_class or "",
            broken_promise_recently=customer_id in self.broken_recently,
            max_days_paid_late=self.days_paid_late.get(customer_id, 0),
            premium_max_days_paid_late=self.premium_max_days_paid_late,
            high_risk_days_paid_late=self.high_risk_days_paid_late,
        )
