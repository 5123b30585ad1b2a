"""The overdue capital-occupation fee (超期资金占用费, SPEC §5.2). Pure; no ORM."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from huikuan.core.money import quantize_cents

DAYS_IN_YEAR = Decimal(365)


def days_overdue(*, due_date: date, as_of: date) -> int:
    """Whole days past the due date at the end of ``as_of``; 0 while not yet due."""
    return max((as_of - due_date).days, 0)


def overdue_fee(*, balance: Decimal, annual_rate: Decimal, days: int) -> Decimal:
    """balance × annual rate × days / 365, rounded once to the cent, half up."""
    if balance <= 0 or days <= 0:
        return Decimal("0.00")
    return quantize_cents(balance * annual_rate * days / DAYS_IN_YEAR)


def total_fee(fees: Iterable[Decimal]) -> Decimal:
    """A customer's fee: the sum of its invoices' rounded fees (no second rounding)."""
    return sum(fees, Decimal("0.00"))
