"""How much a receipt pays of one customer's open invoices: the ways the amount fits.

A fit says which invoices get what, what stays on account, the short-paid difference, how
sure the allocation is once the customer is known (``certainty``) and how much the fit by
itself points at this customer (``corroboration``: a receipt equal to one of a customer's
open invoices to the cent is itself evidence of who paid). Combinations are exact sums over
integer cents, found meet-in-the-middle among a bounded pool of the oldest open invoices;
at most two solutions are counted, since a second one already makes the fit a tie.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from huikuan.cash.matching.model import (
    ZERO,
    Allocation,
    MatchSettings,
    OpenInvoice,
    Reason,
    reason,
)

CENTS = Decimal(100)


@dataclass(frozen=True, slots=True)
class Fit:
    kind: str
    allocations: tuple[Allocation, ...]
    on_account: Decimal
    difference: Decimal
    certainty: float
    corroboration: float
    ties: int = 1
    reasons: tuple[Reason, ...] = ()

    @property
    def exact_or_tolerance(self) -> bool:
        return self.kind.startswith(("exact", "tolerance"))


def _cents(amount: Decimal) -> int:
    return int(amount * CENTS)


def _age_key(invoice: OpenInvoice) -> tuple:
    return (invoice.due_date or invoice.invoice_date, invoice.invoice_date, invoice.number)


def _fifo(amount: Decimal, invoices: Sequence[OpenInvoice]) -> tuple[tuple[Allocation, ...], Decimal]:
    """Oldest first, each invoice at most its open amount; returns the allocations and the rest."""
    allocations, rest = [], amount
    for invoice in sorted(invoices, key=_age_key):
        if rest <= 0:
            break
        part = min(rest, invoice.open_amount)
        allocations.append(Allocation(invoice.number, part))
        rest -= part
    return tuple(allocations), rest


def _paid(
    amount: Decimal,
    invoices: Sequence[OpenInvoice],
    kind: str,
    certainty: float,
    corroboration: float,
    settings: MatchSettings,
    ties: int = 1,
    reasons: tuple[Reason, ...] = (),
) -> Fit:
    """``amount`` paid against ``invoices`` (their sum, or less within the tolerance)."""
    allocations, rest = _fifo(amount, invoices)
    total = sum((invoice.open_amount for invoice in invoices), ZERO)
    difference = total - amount if total > amount else ZERO
    return Fit(kind, allocations, max(rest, ZERO), difference, certainty, corroboration, ties, reasons)


def subset_solutions(
    amounts: Sequence[int], low: int, high: int, max_size: int, limit: int = 2
) -> list[tuple[int, ...]]:
    """Index tuples of subsets (2 to ``max_size`` items) whose sum lies in ``[low, high]``:
    those with the sum closest to ``low``, at most ``limit`` of them."""
    half = len(amounts) // 2

    def enumerate_half(offset: int, items: Sequence[int]) -> list[tuple[int, int]]:
        sums = [(0, 0)]
        for i, value in enumerate(items):
            bit = 1 << (offset + i)
            sums += [(total + value, mask | bit) for total, mask in sums]
        return sums

    left = enumerate_half(0, amounts[:half])
    right = sorted(enumerate_half(half, amounts[half:]))
    right_sums = [total for total, _mask in right]
    found: list[tuple[int, int]] = []
    for total, mask in left:
        start = bisect_left(right_sums, low - total)
        stop = bisect_right(right_sums, high - total)
        for position in range(start, stop):
            combined = mask | right[position][1]
            if 2 <= combined.bit_count() <= max_size:
                found.append((total + right_sums[position] - low, combined))
                if len(found) > 64:
                    break
    found.sort()
    if not found:
        return []
    best_gap = found[0][0]
    chosen = [mask for gap, mask in found if gap == best_gap][:limit] or [found[0][1]]
    return [tuple(i for i in range(len(amounts)) if mask >> i & 1) for mask in chosen]


def fit_referenced(amount: Decimal, referenced: Sequence[OpenInvoice], settings: MatchSettings) -> Fit:
    """The receipt against the invoices its memo names."""
    total = sum((invoice.open_amount for invoice in referenced), ZERO)
    count = len(referenced)
    if amount == total:
        return _paid(
            amount,
            referenced,
            "exact_reference",
            1.0,
            0.9,
            settings,
            reasons=(reason("amount_exact_reference", count=count),),
        )
    if amount < total and total - amount <= settings.tolerance_for(total):
        return _paid(
            amount,
            referenced,
            "tolerance_reference",
            0.97,
            0.8,
            settings,
            reasons=(reason("amount_within_tolerance", difference=total - amount),),
        )
    if amount > total:
        allocations = tuple(
            Allocation(invoice.number, invoice.open_amount) for invoice in sorted(referenced, key=_age_key)
        )
        return Fit(
            "over_reference",
            allocations,
            amount - total,
            ZERO,
            0.95,
            0.5,
            reasons=(reason("overpayment", on_account=amount - total),),
        )
    if count > 1:
        solutions = subset_solutions(
            [_cents(i.open_amount) for i in referenced],
            _cents(amount),
            _cents(amount),
            settings.combination_max_invoices,
        )
        if len(solutions) == 1:
            chosen = [referenced[i] for i in solutions[0]]
            return _paid(
                amount,
                chosen,
                "exact_combination_reference",
                0.95,
                0.8,
                settings,
                reasons=(reason("amount_combination", count=len(chosen)),),
            )
        allocations, _rest = _fifo(amount, referenced)
        return Fit(
            "partial_references",
            allocations,
            ZERO,
            ZERO,
            0.6,
            0.4,
            reasons=(reason("partial_payment_several", count=count),),
        )
    invoice = referenced[0]
    return Fit(
        "partial_reference",
        (Allocation(invoice.number, amount),),
        ZERO,
        ZERO,
        0.96,
        0.5,
        reasons=(reason("partial_payment", invoice=invoice.number, remaining=invoice.open_amount - amount),),
    )


def fit_open_items(amount: Decimal, invoices: Sequence[OpenInvoice], settings: MatchSettings) -> list[Fit]:
    """The receipt against all of a customer's open invoices (none named): best fits first;
    more than one fit of the same kind is a tie."""
    if not invoices:
        return [Fit("no_open_items", (), amount, ZERO, 0.45, 0.0, reasons=(reason("no_open_invoices"),))]
    singles = [invoice for invoice in invoices if invoice.open_amount == amount]
    if singles:
        singles.sort(key=_age_key)
        return [
            Fit(
                "exact_single",
                (Allocation(i.number, amount),),
                ZERO,
                ZERO,
                0.97 / len(singles),
                0.8,
                len(singles),
                (reason("amount_equals_invoice", invoice=i.number),)
                + ((reason("amount_tie", count=len(singles)),) if len(singles) > 1 else ()),
            )
            for i in singles
        ]
    tolerance_cap = settings.tolerance_for(amount * 2)  # an upper bound for the search window
    pool = sorted((i for i in invoices if i.open_amount <= amount + tolerance_cap), key=_age_key)
    pool = pool[: settings.combination_pool]
    cents = [_cents(i.open_amount) for i in pool]
    target = _cents(amount)
    exact = subset_solutions(cents, target, target, settings.combination_max_invoices)
    if exact:
        return [
            _paid(
                amount,
                [pool[i] for i in solution],
                "exact_combination",
                0.95 / len(exact),
                0.8,
                settings,
                len(exact),
                (reason("amount_combination", count=len(solution)),)
                + ((reason("amount_tie", count=len(exact)),) if len(exact) > 1 else ()),
            )
            for solution in exact
        ]
    total = sum((i.open_amount for i in invoices), ZERO)
    if amount == total:
        return [
            _paid(
                amount,
                invoices,
                "exact_all",
                0.95,
                0.8,
                settings,
                reasons=(reason("amount_all_open", count=len(invoices)),),
            )
        ]
    near = sorted(
        (i for i in pool if ZERO < i.open_amount - amount <= settings.tolerance_for(i.open_amount)),
        key=lambda i: (i.open_amount - amount, _age_key(i)),
    )
    if near:
        best_gap = near[0].open_amount - amount
        tied = [i for i in near if i.open_amount - amount == best_gap]
        return [
            _paid(
                amount,
                [i],
                "tolerance_single",
                0.93 / len(tied),
                0.6,
                settings,
                len(tied),
                (reason("amount_within_tolerance", difference=best_gap),)
                + ((reason("amount_tie", count=len(tied)),) if len(tied) > 1 else ()),
            )
            for i in tied
        ]
    window = subset_solutions(
        cents, target, target + _cents(settings.tolerance_for(amount)), settings.combination_max_invoices
    )
    if window:
        fits = []
        for solution in window:
            chosen = [pool[i] for i in solution]
            gap = sum((i.open_amount for i in chosen), ZERO) - amount
            fits.append(
                _paid(
                    amount,
                    chosen,
                    "tolerance_combination",
                    0.9 / len(window),
                    0.5,
                    settings,
                    len(window),
                    (
                        reason("amount_combination", count=len(chosen)),
                        reason("amount_within_tolerance", difference=gap),
                    ),
                )
            )
        return fits
    if amount > total:
        allocations = tuple(Allocation(i.number, i.open_amount) for i in sorted(invoices, key=_age_key))
        return [
            Fit(
                "over_all",
                allocations,
                amount - total,
                ZERO,
                0.6,
                0.0,
                reasons=(reason("overpayment", on_account=amount - total),),
            )
        ]
    allocations, rest = _fifo(amount, invoices)
    return [Fit("no_fit", allocations, rest, ZERO, 0.45, 0.0, reasons=(reason("amount_no_fit"),))]
