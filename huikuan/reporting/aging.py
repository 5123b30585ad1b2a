"""Aging buckets and the aging report's shape (SPEC §4). Pure; no ORM."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from huikuan.core.dates import days_before
from huikuan.core.money import percentages_summing_to_100

BASES = ("due", "invoice")
ZERO = Decimal(0)
GROUPINGS = ("customer", "salesperson", "department", "class", "currency")

# (bucket, the largest age in days it holds); the last bucket holds everything older.
DUE_BUCKETS: tuple[tuple[str, int | None], ...] = (
    ("current", 0),
    ("1-30", 30),
    ("31-60", 60),
    ("61-90", 90),
    ("91-180", 180),
    ("181-360", 360),
    ("361+", None),
)
# Days since the invoice date; a year is 365 days.
INVOICE_BUCKETS: tuple[tuple[str, int | None], ...] = (
    ("0-1y", 365),
    ("1-2y", 730),
    ("2-3y", 1095),
    ("3y+", None),
)


def buckets_for(basis: str) -> tuple[tuple[str, int | None], ...]:
    if basis not in BASES:
        raise ValueError(f"basis must be one of {', '.join(BASES)}, not {basis!r}")
    return DUE_BUCKETS if basis == "due" else INVOICE_BUCKETS


def bucket_names(basis: str) -> list[str]:
    return [name for name, _ in buckets_for(basis)]


def bucket_of(age_days: int, basis: str) -> str:
    """The bucket of an item ``age_days`` past due (or since invoicing)."""
    for name, largest in buckets_for(basis):
        if largest is None or age_days <= largest:
            return name
    raise AssertionError("the last bucket is open-ended")


def bucket_earliest_dates(as_of: date, basis: str) -> list[tuple[str, date | None]]:
    """Each bucket with the earliest reference date (due or invoice date) it holds.

    An item is in the first bucket whose earliest date is on or before its reference
    date; comparing dates, not day counts, keeps the SQL the same on every database.
    """
    return [
        (name, None if largest is None else days_before(as_of, largest))
        for name, largest in buckets_for(basis)
    ]


def _text(amount: Decimal) -> str:
    return f"{amount:.2f}"


@dataclass
class AgingRow:
    key: str
    name: str
    buckets: dict[str, Decimal]
    unapplied: Decimal = Decimal(0)

    @property
    def balance(self) -> Decimal:
        return sum(self.buckets.values(), Decimal(0))


@dataclass
class AgingReport:
    as_of: date
    basis: str
    group_by: str
    currency: str
    rows: list[AgingRow]
    unidentified: Decimal = Decimal(0)
    names: list[str] = field(default_factory=list)

    def total_buckets(self) -> dict[str, Decimal]:
        return {name: sum((row.buckets[name] for row in self.rows), Decimal(0)) for name in self.names}

    def as_dict(self) -> dict:
        totals = self.total_buckets()
        balance = sum(totals.values(), Decimal(0))
        shares = percentages_summing_to_100([totals[n] for n in self.names], balance)
        return {
            "as_of": self.as_of.isoformat(),
            "basis": self.basis,
            "group_by": self.group_by,
            "currency": self.currency,
            "buckets": list(self.names),
            "rows": [
                {
                    "key": row.key,
                    "name": row.name,
                    "balance": _text(row.balance),
                    "buckets": {n: _text(row.buckets[n]) for n in self.names},
                    "unapplied": _text(row.unapplied),
                }
                for row in self.rows
            ],
            "total": {
                "balance": _text(balance),
                "buckets": {n: _text(totals[n]) for n in self.names},
                "unapplied": _text(sum((r.unapplied for r in self.rows), Decimal(0))),
            },
            "share": {n: _text(s) for n, s in zip(self.names, shares, strict=True)},
            "unidentified": _text(self.unidentified),
        }


def assemble(
    *,
    as_of: date,
    basis: str,
    group_by: str,
    currency: str,
    open_items: Iterable[tuple[str, str, Decimal]],
    unapplied: Mapping[str, Decimal],
    names_by_key: Mapping[str, str],
    unidentified: Decimal = Decimal(0),
) -> AgingReport:
    """Build the report from (group key, bucket, functional amount) triples."""
    names = bucket_names(basis)
    rows: dict[str, AgingRow] = {}

    def row_for(key: str) -> AgingRow:
        if key not in rows:
            rows[key] = AgingRow(key, names_by_key.get(key, key), dict.fromkeys(names, ZERO))
        return rows[key]

    for key, bucket, amount in open_items:
        row_for(key).buckets[bucket] += amount
    for key, amount in unapplied.items():
        if amount:
            row_for(key).unapplied += amount
    ordered = [rows[key] for key in sorted(rows)]
    return AgingReport(as_of, basis, group_by, currency, ordered, unidentified, names)
