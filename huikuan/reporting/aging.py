"""Aging buckets and the aging report's shape (SPEC §4). Pure; no ORM."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from json.encoder import encode_basestring  # what json.dumps(…, ensure_ascii=False) writes a string with

from huikuan.core.dates import days_before
from huikuan.core.money import from_minor_units, percentages_summing_to_100

BASES = ("due", "invoice")
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


def cents_text(cents: int) -> str:
    """Minor units as the report writes amounts: ``-1234`` → ``"-12.34"`` (what ``f"{amount:.2f}"``
    writes for the same ``Decimal``, without making one; most amounts of a report are 0)."""
    if not cents:
        return "0.00"
    if cents >= 100:
        digits = str(cents)
        return f"{digits[:-2]}.{digits[-2:]}"
    whole, part = divmod(-cents if cents < 0 else cents, 100)
    return f"-{whole}.{part:02d}" if cents < 0 else f"{whole}.{part:02d}"


@dataclass
class AgingRow:
    """One group's amounts, in functional minor units (cents): by bucket, and unapplied."""

    key: str
    name: str
    cents: dict[str, int]
    unapplied_cents: int = 0
    # Advance receipts (预收) not yet offset: kept apart from money on account.
    advance_cents: int = 0

    @property
    def buckets(self) -> dict[str, Decimal]:
        return {name: from_minor_units(cents) for name, cents in self.cents.items()}

    @property
    def balance(self) -> Decimal:
        return from_minor_units(sum(self.cents.values()))

    @property
    def unapplied(self) -> Decimal:
        return from_minor_units(self.unapplied_cents)

    @property
    def advance(self) -> Decimal:
        return from_minor_units(self.advance_cents)


@dataclass
class AgingReport:
    as_of: date
    basis: str
    group_by: str
    currency: str
    rows: list[AgingRow]
    unidentified: Decimal = Decimal(0)
    names: list[str] = field(default_factory=list)

    def _total_cents(self) -> dict[str, int]:
        columns = zip(*(row.cents.values() for row in self.rows), strict=True) if self.rows else ()
        return dict(
            zip(self.names, [sum(column) for column in columns] or [0] * len(self.names), strict=True)
        )

    def total_buckets(self) -> dict[str, Decimal]:
        return {name: from_minor_units(cents) for name, cents in self._total_cents().items()}

    def as_dict(self, *, rows: bool = True) -> dict:
        """The report as JSON data, amounts as text with two decimals; ``rows=False`` leaves
        the rows out (an empty list), for ``row_json_texts``."""
        totals = self._total_cents()
        balance = sum(totals.values())
        shares = percentages_summing_to_100(
            [from_minor_units(totals[n]) for n in self.names], from_minor_units(balance)
        )
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
                    "balance": cents_text(sum(row.cents.values())),
                    "buckets": {name: cents_text(cents) for name, cents in row.cents.items()},
                    "unapplied": cents_text(row.unapplied_cents),
                    "advance": cents_text(row.advance_cents),
                }
                for row in (self.rows if rows else ())
            ],
            "total": {
                "balance": cents_text(balance),
                "buckets": {n: cents_text(totals[n]) for n in self.names},
                "unapplied": cents_text(sum(r.unapplied_cents for r in self.rows)),
                "advance": cents_text(sum(r.advance_cents for r in self.rows)),
            },
            "share": {n: f"{s:.2f}" for n, s in zip(self.names, shares, strict=True)},
            "unidentified": f"{self.unidentified:.2f}",
        }

    def row_json_texts(self) -> list[str]:
        """Each row of ``as_dict()["rows"]`` as the JSON text ``json.dumps(row,
        ensure_ascii=False)`` writes, written straight from the minor units (several times
        faster for a ledger of 10,000 customers; tests compare the two)."""
        text = encode_basestring
        # A %-format line per report; a bucket name's own "%" (there is none) would be doubled.
        buckets = ", ".join(text(name).replace("%", "%%") + ': "%s"' for name in self.names)
        line = (
            '{"key": %s, "name": %s, "balance": "%s", "buckets": {'
            + buckets
            + '}, "unapplied": "%s", "advance": "%s"}'
        )
        return [
            line
            % (
                text(row.key),
                text(row.name),
                cents_text(sum(row.cents.values())),
                *[cents_text(cents) if cents else "0.00" for cents in row.cents.values()],
                cents_text(row.unapplied_cents) if row.unapplied_cents else "0.00",
                cents_text(row.advance_cents) if row.advance_cents else "0.00",
            )
            for row in self.rows
        ]


def assemble(
    *,
    as_of: date,
    basis: str,
    group_by: str,
    currency: str,
    open_items: Iterable[tuple[str, str, int]],
    unapplied: Mapping[str, int],
    names_by_key: Mapping[str, str],
    unidentified: Decimal = Decimal(0),
    advance: Mapping[str, int] | None = None,
) -> AgingReport:
    """Build the report from (group key, bucket, functional minor units) triples and the
    minor units unapplied, and held as advance receipts, by group key."""
    names = bucket_names(basis)
    rows: dict[str, AgingRow] = {}
    for key, bucket, cents in open_items:
        row = rows.get(key)
        if row is None:
            row = rows[key] = AgingRow(key, names_by_key.get(key, key), dict.fromkeys(names, 0))
        row.cents[bucket] += cents
    for key, cents in unapplied.items():
        if cents:
            row = rows.get(key)
            if row is None:
                row = rows[key] = AgingRow(key, names_by_key.get(key, key), dict.fromkeys(names, 0))
            row.unapplied_cents += cents
    for key, cents in (advance or {}).items():
        if cents:
            row = rows.get(key)
            if row is None:
                row = rows[key] = AgingRow(key, names_by_key.get(key, key), dict.fromkeys(names, 0))
            row.advance_cents += cents
    ordered = [rows[key] for key in sorted(rows)]
    return AgingReport(as_of, basis, group_by, currency, ordered, unidentified, names)
