"""Statutory late-payment interest (保障中小企业款项支付条例, in force 2025-06-01). Pure; no ORM.

A customer pays interest on what it pays late at its contract's rate, which may not be below the
one-year loan prime rate (LPR) on the day it was agreed, or, without one, at 0.05 % a day
(万分之五). Interest runs from the day after the due date (not before the regulation's first
day) to the day each part is paid, and for the part still open to the as-of date; a contract's
annual rate counts a day as 1/365 of a year. Each invoice's interest is rounded once to the cent,
half up.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from huikuan.core.money import quantize_cents

DAYS_IN_YEAR = Decimal(365)
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Rate:
    """The rate interest runs at: a contract's annual rate, or the statutory daily rate."""

    annual: Decimal | None = None
    daily: Decimal | None = None

    @property
    def contractual(self) -> bool:
        return self.annual is not None

    def on(self, amount: Decimal, days: int) -> Decimal:
        """Unrounded interest on ``amount`` for ``days`` days."""
        if self.annual is not None:
            return amount * self.annual * days / DAYS_IN_YEAR
        return amount * (self.daily or Decimal(0)) * days

    @property
    def annual_equivalent(self) -> Decimal:
        return self.annual if self.annual is not None else (self.daily or Decimal(0)) * DAYS_IN_YEAR


def lpr_on(table: Iterable[tuple[date, Decimal]], on: date) -> Decimal | None:
    """The one-year LPR in force on ``on``: the row with the latest date on or before it."""
    in_force = [(start, rate) for start, rate in table if start <= on]
    return max(in_force)[1] if in_force else None


def below_lpr(*, annual_rate: Decimal, lpr: Decimal | None) -> bool:
    """Whether a contract rate is below the LPR it is checked against (none published: not below)."""
    return lpr is not None and annual_rate < lpr


@dataclass(frozen=True)
class Part:
    """An amount of an invoice and the days it carries interest: after ``start`` up to ``end``."""

    amount: Decimal
    start: date
    end: date
    paid: bool

    @property
    def days(self) -> int:
        return max((self.end - self.start).days, 0)


def interest_start(*, due_date: date, in_force_from: date, charged_to: date | None = None) -> date:
    """The day after which interest counts: the due date, but not before the regulation's first
    day (counted from ``in_force_from``) nor before the day already charged up to."""
    start = max(due_date, in_force_from - timedelta(days=1))
    return max(start, charged_to) if charged_to else start


def interest_parts(
    *, start: date, reductions: Sequence[tuple[date, Decimal]], undisputed_open: Decimal, as_of: date
) -> list[Part]:
    """The parts of an invoice that carry interest after ``start``: each amount paid (or otherwise
    settled) after it, up to the day it was paid, and the undisputed part still open, up to
    ``as_of``. Amounts settled on or before ``start`` carry none."""
    parts = [
        Part(amount, start, day, paid=True)
        for day, amount in sorted(reductions)
        if start < day <= as_of and amount > 0
    ]
    if undisputed_open > 0 and as_of > start:
        parts.append(Part(undisputed_open, start, as_of, paid=False))
    return parts


def invoice_interest(parts: Iterable[Part], rate: Rate) -> Decimal:
    """An invoice's interest: the sum over its parts, rounded once to the cent, half up."""
    total = sum((rate.on(part.amount, part.days) for part in parts), Decimal(0))
    return quantize_cents(total) if total > 0 else ZERO
