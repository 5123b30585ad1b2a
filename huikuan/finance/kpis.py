"""Receivables KPIs from a period's figures. Pure: numbers in, numbers out; no ORM.

Every formula is written once here; the figures come from ``huikuan.finance.figures``
(grouped SQL) and the independent test recomputes them from the ledger's rows. Values are
kept unrounded until :func:`kpi_values`, which rounds each once through the money module's
rule (half away from zero): days to 0.1, percentages to 0.01, turnover to 0.01.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal

from huikuan.core.money import HUNDRED, quantize_ratio
from huikuan.credit.scoring import collection_completion_rate

ZERO = Decimal(0)
DAY_PLACES = Decimal("0.1")
PERCENT_PLACES = Decimal("0.01")
TURNOVER_PLACES = Decimal("0.01")

# The KPIs in the order of the JSON rows, and how each is rounded.
KPI_PLACES: dict[str, Decimal] = {
    "dso": DAY_PLACES,
    "dso_countback": DAY_PLACES,
    "bpdso": DAY_PLACES,
    "add": DAY_PLACES,
    "add_paid": DAY_PLACES,
    "cei": PERCENT_PLACES,
    "current_pct": PERCENT_PLACES,
    "turnover": TURNOVER_PLACES,
    "collection_rate": PERCENT_PLACES,
    "collection_cycle": DAY_PLACES,
    "overdue_ratio": PERCENT_PLACES,
    "bad_debt_ratio": PERCENT_PLACES,
}
KPI_NAMES = tuple(KPI_PLACES)


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """One division, last: exact to 28 digits, so rounding the result once is exact too."""
    return None if denominator == 0 else numerator / denominator


def dso(ending_ar: Decimal, credit_sales: Decimal, days: int) -> Decimal | None:
    """Days sales outstanding, standard method: ending AR / credit sales × days in the period."""
    return _ratio(ending_ar * days, credit_sales)


def dso_countback(ending_ar: Decimal, months: Sequence[tuple[Decimal, int]]) -> Decimal | None:
    """DSO by the countback method: walk back month by month from the period's end, taking
    each month's credit sales off the ending AR; a month used up whole counts all its days,
    the month where the AR runs out counts the remaining AR's share of its sales × its days.

    ``months`` is (credit sales, days) from the latest month back. A month without sales is
    counted whole. When the months run out before the AR does, the result is every month's
    days (the look-back is a setting). None when there are no months.
    """
    if not months:
        return None
    left, days = ending_ar, ZERO
    for sales, month_days in months:
        if left <= 0:
            break
        if sales > left:
            return days + left * month_days / sales
        left -= sales
        days += month_days
    return days


def bpdso(ending_current_ar: Decimal, credit_sales: Decimal, days: int) -> Decimal | None:
    """Best possible DSO: ending current (not yet due) AR / credit sales × days."""
    return dso(ending_current_ar, credit_sales, days)


def average_days_delinquent(
    ending_ar: Decimal, ending_current_ar: Decimal, credit_sales: Decimal, days: int
) -> Decimal | None:
    """ADD = DSO − best possible DSO (= ending overdue AR / credit sales × days), unrounded."""
    return dso(ending_ar - ending_current_ar, credit_sales, days)


def cei(
    opening_ar: Decimal, credit_sales: Decimal, ending_ar: Decimal, ending_current_ar: Decimal
) -> Decimal | None:
    """Collection effectiveness index, %: (opening AR + credit sales − ending AR) /
    (opening AR + credit sales − ending current AR) × 100."""
    return _ratio(
        (opening_ar + credit_sales - ending_ar) * HUNDRED, opening_ar + credit_sales - ending_current_ar
    )


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    return _ratio(part * HUNDRED, whole)


def turnover(credit_sales: Decimal, opening_ar: Decimal, ending_ar: Decimal) -> Decimal | None:
    """AR turnover: credit sales / the average of opening and ending AR."""
    return _ratio(credit_sales * 2, opening_ar + ending_ar)


@dataclass
class KpiFigures:
    """What a group's KPIs are computed from, in the functional currency.

    ``paid`` is what was paid (allocated to invoices) in the period; ``paid_days_late`` and
    ``paid_days_from_invoice`` are Σ paid amount × days from the invoice's due date
    (negative when early) and from its invoice date to the payment's allocation date.
    """

    days: int = 0
    opening_ar: Decimal = ZERO
    ending_ar: Decimal = ZERO
    ending_current_ar: Decimal = ZERO
    credit_sales: Decimal = ZERO
    # (credit sales, days) of each month from the latest back, for the countback DSO.
    months: list[Decimal] = field(default_factory=list)
    month_days: list[int] = field(default_factory=list)
    paid: Decimal = ZERO
    paid_days_late: Decimal = ZERO
    paid_days_from_invoice: Decimal = ZERO
    receipts: Decimal = ZERO
    overdue_at_start: Decimal = ZERO
    falling_due: Decimal = ZERO
    written_off: Decimal = ZERO

    def is_empty(self) -> bool:
        """Nothing in the period nor at its ends (earlier months' sales aside): no row for this group."""
        skip = ("days", "month_days", "months")
        return not any(getattr(self, item.name) for item in fields(self) if item.name not in skip)

    def add(self, other: KpiFigures) -> None:
        """Add another group's figures to these (for totals and roll-ups)."""
        for item in fields(self):
            if item.name in ("days", "month_days"):
                continue
            if item.name == "months":
                mine, theirs = _padded(self.months, other.months), _padded(other.months, self.months)
                self.months = [a + b for a, b in zip(mine, theirs, strict=True)]
                continue
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))


def _padded(values: list[Decimal], other: list[Decimal]) -> list[Decimal]:
    return values + [ZERO] * (len(other) - len(values))


def kpis(f: KpiFigures) -> dict[str, Decimal | None]:
    """Every KPI of one group, unrounded; None where its denominator is zero."""
    months = list(zip(_padded(f.months, f.month_days), f.month_days, strict=True))
    rate = collection_completion_rate(
        receipts=f.receipts, overdue_at_start=f.overdue_at_start, falling_due=f.falling_due
    )
    overdue = f.ending_ar - f.ending_current_ar
    return {
        "dso": dso(f.ending_ar, f.credit_sales, f.days),
        "dso_countback": dso_countback(f.ending_ar, months),
        "bpdso": bpdso(f.ending_current_ar, f.credit_sales, f.days),
        "add": average_days_delinquent(f.ending_ar, f.ending_current_ar, f.credit_sales, f.days),
        "add_paid": _ratio(f.paid_days_late, f.paid),
        "cei": cei(f.opening_ar, f.credit_sales, f.ending_ar, f.ending_current_ar),
        "current_pct": percent(f.ending_current_ar, f.ending_ar),
        "turnover": turnover(f.credit_sales, f.opening_ar, f.ending_ar),
        "collection_rate": None if rate is None else rate * HUNDRED,
        "collection_cycle": _ratio(f.paid_days_from_invoice, f.paid),
        "overdue_ratio": percent(overdue, f.ending_ar),
        "bad_debt_ratio": percent(f.written_off, f.credit_sales),
    }


def rounded(value: Decimal | None, name: str) -> str | None:
    """A KPI as the JSON gives it: a decimal string rounded once (never "-0.0"), or None."""
    if value is None:
        return None
    result = quantize_ratio(value, KPI_PLACES[name])
    return str(abs(result) if result == 0 else result)


def kpi_values(f: KpiFigures) -> dict[str, str | None]:
    """The KPIs as the JSON gives them: decimal strings rounded once, or None."""
    return {name: rounded(value, name) for name, value in kpis(f).items()}
