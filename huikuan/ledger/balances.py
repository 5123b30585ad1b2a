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
