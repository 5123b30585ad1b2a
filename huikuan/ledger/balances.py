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


# The span class of an item still open: above every class a closed item can have.
STILL_OPEN = 64


def open_span(opened_on: date, closed_on: date | None) -> int:
    """The power-of-two class of how many days an item (invoice, payment) stayed open.

    Class k (k ≥ 1) holds items open for 2**(k-1) to 2**k - 1 days; class 0 those closed
    on or before the day they were dated; ``STILL_OPEN`` those not closed. An item of
    class k open at the end of day D was dated within the 2**k days up to D, so aging
    reads, for each class, only that window of dates: at most about twice the items
    actually open (interval stabbing by length class), whatever the date.
    """
    if closed_on is None:
        return STILL_OPEN
    return max((closed_on - opened_on).days, 0).bit_length()


def span_window_days(span: int) -> int:
    """How far back from an as-of date an invoice of this span class can have been issued."""
    return 2**span
