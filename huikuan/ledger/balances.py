"""How applied records close an invoice. Pure; no ORM."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal


def closing_date(amount: Decimal, applications: Iterable[tuple[date, Decimal]]) -> date | None:
    """The first date on which the applications dated up to it cover ``amount``.

    ``applications`` are (date, amount) pairs of allocations, credit notes and write-offs,
    in any order. An invoice counts as open on every day before this date, which is what
    lets aging as of a date read only the invoices open on it. None while still open.
    """
    applied = Decimal(0)
    for applied_on, applied_amount in sorted(applications, key=lambda pair: pair[0]):
        applied += applied_amount
        if applied >= amount:
            return applied_on
    return None


def open_span(invoice_date: date, closed_on: date | None) -> int | None:
    """The power-of-two class of how many days an invoice stayed open; None while open.

    Class k (k ≥ 1) holds invoices open for 2**(k-1) to 2**k - 1 days; class 0 those closed
    on or before their invoice date. An invoice of class k open at the end of day D was
    issued within the 2**k days up to D, so aging scans, for each class, only that window
    of invoice dates: at most about twice the invoices actually open (interval stabbing by
    length class).
    """
    if closed_on is None:
        return None
    return max((closed_on - invoice_date).days, 0).bit_length()


def span_window_days(span: int) -> int:
    """How far back from an as-of date an invoice of this span class can have been issued."""
    return 2**span
