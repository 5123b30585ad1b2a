"""Bad-debt provision matrix (CAS 22 / IFRS 9 simplified approach). Pure; no ORM.

Loss rates come from roll rates (迁徙率) over the aging's own buckets: the roll rate of a
bucket is the share of the balance that entered it and was still unpaid when it entered
the next bucket; the loss rate of a bucket is the product of the roll rates from it to the
last bucket, times the share of the last bucket's balance that is lost. Rates are kept
exact (Decimal, 28 digits) and each provision line is rounded to the cent once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from huikuan.core.money import quantize_cents
from huikuan.reporting.aging import DUE_BUCKETS

ONE = Decimal(1)
ZERO = Decimal(0)
BUCKETS = tuple(name for name, _ in DUE_BUCKETS)


def bucket_entry_days() -> list[int | None]:
    """Days past due at which a balance enters each aging bucket (None: ``current``, at issue)."""
    entries: list[int | None] = [None]
    for _, largest in DUE_BUCKETS[:-1]:
        entries.append((largest or 0) + 1)
    return entries


@dataclass(frozen=True)
class Flow:
    """Of the balances that entered a bucket (``entered``), what was still unpaid when they
    entered the next bucket (``rolled``). Measured on the same invoices."""

    entered: Decimal
    rolled: Decimal

    @property
    def roll_rate(self) -> Decimal | None:
        return None if self.entered == 0 else self.rolled / self.entered


def loss_rates(
    flows: Sequence[Flow], *, last_bucket_loss: Decimal, adjustment: Decimal = ZERO
) -> list[Decimal]:
    """The loss rate of each bucket from the flows between consecutive buckets.

    ``flows[k]`` is the flow from bucket k to k+1 (one fewer than the buckets). A bucket
    with no history rolls at 100 % (nothing shows it gets paid). The forward-looking
    ``adjustment`` scales every rate by (1 + adjustment), within 0 … 100 %.
    """
    rates = [last_bucket_loss]
    for flow in reversed(flows):
        roll = flow.roll_rate
        rates.append((ONE if roll is None else roll) * rates[-1])
    rates.reverse()
    return [min(max(rate * (ONE + adjustment), ZERO), ONE) for rate in rates]


def pooled_where_missing(flows: Sequence[Flow], pooled: Sequence[Flow]) -> tuple[list[Flow], list[bool]]:
    """A segment's flows with each one without history (nothing entered the bucket) replaced by
    the pooled flow of every segment, when that has history; and, per flow, whether it was.
    A segment too small to have reached a bucket rolls at the whole ledger's rate there, not
    at 100 %."""
    filled, used = [], []
    for own, whole in zip(flows, pooled, strict=True):
        substitute = own.roll_rate is None and whole.roll_rate is not None
        filled.append(whole if substitute else own)
        used.append(substitute)
    return filled, used


def flows_pooled(segments: Sequence[Sequence[Flow]], pairs: int) -> list[Flow]:
    """The flows of all segments together (each invoice is in one segment)."""
    return [
        Flow(sum((s[k].entered for s in segments), ZERO), sum((s[k].rolled for s in segments), ZERO))
        for k in range(pairs)
    ]


def cohort_flows(entered: Sequence[Decimal]) -> list[Flow]:
    """Flows of one cohort: ``entered[k]`` is what was unpaid on entering bucket k."""
    return [Flow(entered[k], entered[k + 1]) for k in range(len(entered) - 1)]


@dataclass(frozen=True)
class ProvisionLine:
    key: str  # a customer's code, or an invoice's number for a specific provision
    name: str
    segment: str
    bucket: str  # an aging bucket, or "specific"
    balance: Decimal
    rate: Decimal

    @property
    def provision(self) -> Decimal:
        return quantize_cents(self.balance * self.rate)


def provision_total(lines: Sequence[ProvisionLine]) -> Decimal:
    return sum((line.provision for line in lines), ZERO)


def matrix_lines(
    balances: Mapping[tuple[str, str, str], Mapping[str, Decimal]], rates: Mapping[str, Sequence[Decimal]]
) -> list[ProvisionLine]:
    """One line per customer and bucket with a balance: (code, name, segment) → bucket → balance."""
    lines = []
    for (code, name, segment), buckets in sorted(balances.items()):
        for index, bucket in enumerate(BUCKETS):
            balance = buckets.get(bucket, ZERO)
            if balance:
                lines.append(ProvisionLine(code, name, segment, bucket, balance, rates[segment][index]))
    return lines


def journal(change: Decimal, accounts: Mapping[str, str]) -> list[tuple[str, Decimal, Decimal]]:
    """The entry for a change in the allowance: (account, debit, credit) lines.

    An increase is Dr impairment loss / Cr allowance; a decrease reverses it.
    """
    if change == 0:
        return []
    loss, allowance = accounts["impairment_loss"], accounts["allowance"]
    if change > 0:
        return [(loss, change, ZERO), (allowance, ZERO, change)]
    return [(allowance, -change, ZERO), (loss, ZERO, -change)]
