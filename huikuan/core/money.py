"""Money as a value: a ``Decimal`` amount with an ISO 4217 currency.

Amounts are stored as whole minor units (cents) so that sums are exact on every
database, SQLite included, whose own decimal type is a binary float.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
PERCENT_PLACES = Decimal("0.01")  # percentages to two decimals: 12.35 %
RATE_PLACES = 6
HUNDRED = Decimal(100)


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies were combined."""


def to_decimal(value: str | int | Decimal) -> Decimal:
    """Read a decimal from a string or an int; floats are refused outright."""
    if isinstance(value, float):
        raise TypeError("money is never a float; pass a string or a Decimal")
    try:
        return Decimal(value)
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"not a decimal number: {value!r}") from exc


def ungrouped(text: str, *, thousands: str = ",", decimal: str = ".") -> str:
    """A number's text with its thousands separators taken out and ``.`` as its decimal point:
    ``1,234,567.50`` → ``1234567.50`` (``1.234,50`` with ``thousands="."``, ``decimal=","``).

    A thousands separator counts only where one goes: after one to three digits, then before
    every group of three up to the decimal point. ``12,34.5`` or ``1,2345`` raise ``ValueError``
    with the reason, never read as some other number. A text without the separator is returned
    with its decimal point made ``.``, whatever else it holds (the caller reads the number).
    """
    if thousands and thousands != decimal and thousands in text:
        grouped = rf"[+-]?\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+(?:{re.escape(decimal)}\d+)?"
        if not re.fullmatch(grouped, text):
            # Imported here: the aging command's fast path reads money without starting Django.
            from django.utils.translation import gettext

            raise ValueError(
                gettext(
                    "not a number: the thousands separators (%(separator)s) are in the wrong places;"
                    " they must split the whole part into groups of three digits, as in 1,234,567.89"
                )
                % {"separator": thousands}
            )
        text = text.replace(thousands, "")
    return text.replace(decimal, ".") if decimal and decimal != "." else text


def quantize_cents(amount: Decimal) -> Decimal:
    """The one rounding of money: to the cent, half away from zero."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def money_floor(amount: Decimal, unit: Decimal = CENT) -> Decimal:
    """``amount`` rounded down to ``unit`` (a cent, or e.g. 100 for round figures): a share or
    part that must never exceed the whole it is taken from."""
    return amount.quantize(unit, rounding=ROUND_DOWN) if unit == CENT else (amount // unit) * unit


def is_whole_cents(amount: Decimal) -> bool:
    """Whether ``amount`` is a whole number of cents (an amount a person may enter or pay)."""
    return amount == amount.quantize(CENT, rounding=ROUND_HALF_UP)


def quantize_ratio(value: Decimal, places: Decimal) -> Decimal:
    """A ratio, percentage or score (not money) to ``places`` (e.g. ``Decimal("0.0001")``),
    rounded by the same rule as money: half away from zero."""
    return value.quantize(places, rounding=ROUND_HALF_UP)


def functional_amount(amount: Decimal, fx_rate: Decimal) -> Decimal:
    """One item's amount in the functional currency: converted at its own rate and rounded
    to the cent once; totals are sums of these (as the aging's SQL sums them)."""
    return quantize_cents(amount * fx_rate)


def amount_text(amount: Decimal | str, currency: str = "") -> str:
    """``Decimal("1234567.5"), "CNY"`` → ``1,234,567.50 CNY``: what people read."""
    text = f"{quantize_cents(Decimal(amount)):,.2f}"
    return f"{text} {currency}" if currency else text


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            object.__setattr__(self, "amount", to_decimal(self.amount))
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise ValueError(f"not an ISO 4217 currency code: {self.currency!r}")

    def _same_currency(self, other: Money) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatch(f"cannot combine {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    def converted(self, rate: Decimal, currency: str) -> Money:
        """This amount at ``rate`` units of ``currency`` per unit, rounded to the cent."""
        return Money(quantize_cents(self.amount * rate), currency)


def to_minor_units(amount: Decimal, places: int = 2) -> int:
    """``Decimal("12.34")`` → ``1234``; refuses sub-unit remainders."""
    scaled = amount.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} has more than {places} decimal places")
    return int(scaled)


def from_minor_units(value: int, places: int = 2) -> Decimal:
    return Decimal(int(value)).scaleb(-places)


def percentages_summing_to_100(parts: list[Decimal], total: Decimal) -> list[Decimal]:
    """Each part's share of ``total`` in %, 2 decimals, by largest remainder.

    The shares of parts that add up to ``total`` add up to exactly 100.00.
    """
    if total == 0:
        return [Decimal("0.00") for _ in parts]
    raw = [part * HUNDRED / total for part in parts]
    floors = [share.quantize(CENT, rounding="ROUND_FLOOR") for share in raw]
    missing_cents = int(((sum(raw) - sum(floors)) / CENT).to_integral_value(ROUND_HALF_UP))
    by_remainder = sorted(range(len(parts)), key=lambda i: raw[i] - floors[i], reverse=True)
    for index in by_remainder[: max(missing_cents, 0)]:
        floors[index] += CENT
    return floors
