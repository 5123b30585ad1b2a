"""How much a receipt pays of one customer's open invoices: the ways the amount fits.

A fit says which invoices get what, what stays on account, the short-paid difference, how
sure the allocation is once the customer is known (``certainty``) and how much the fit by
itself points at this customer (``corroboration``: a receipt equal to one of a customer's
open invoices to the cent is itself evidence of who paid). Combinations are exact sums over
integer cents, found meet-in-the-middle among a bounded pool of the oldest open invoices;
at most two solutions are counted, since a second one already makes the fit a tie.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from huikuan.cash.matching.model import (
    OLDEST_FIRST,
    ZERO,
    Allocation,
    MatchSettings,
    OpenInvoice,
    Reason,
    reason,
)
from huikuan.cash.matching.periods import Period, period_choice
from huikuan.cash.matching.subsets import cents_of as _cents
from huikuan.cash.matching.subsets import (
    certainty_of_chance,
    combination_certainty,
    exact_combination_chance,
    small_subsets,
    subset_solutions,
)
from huikuan.core.money import quantize_ratio

# Combinations within the tolerance are searched among fewer invoices (a range search is slower).
WINDOW_POOL = 16
# Exact combinations of up to WIDE_SIZE invoices are also searched among this many of a
# customer's oldest open invoices when they are more than the pool (see ``small_subsets``):
# enough for all of most busy customers' invoices below a receipt, so that a combination found
# is shown the only one of its size (and applied) rather than capped as one that may not be.
WIDE_POOL = 150
WIDE_SIZE = 4


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
    # How likely a receipt for anything else meets this fit by coincidence (a combination's:
    # see ``subsets.exact_combination_chance``; 1.0 when not counted).
    chance: float = 1.0

    @property
    def exact_or_tolerance(self) -> bool:
        return self.kind.startswith(("exact", "tolerance"))


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
    chance: float = 1.0,
) -> Fit:
    """``amount`` paid against ``invoices`` (their sum, or less within the tolerance)."""
    allocations, rest = _fifo(amount, invoices)
    total = sum((invoice.open_amount for invoice in invoices), ZERO)
    difference = total - amount if total > amount else ZERO
    rest = max(rest, ZERO)
    return Fit(kind, allocations, rest, difference, certainty, corroboration, ties, reasons, chance)


def _swappable(chosen: Sequence[OpenInvoice], invoices: Sequence[OpenInvoice]) -> int:
    """2 when another open invoice has the amount of one chosen (two fees of 4,500.00: which
    one was paid?), so that the fit is a tie; 1 otherwise."""
    numbers = {i.number for i in chosen}
    amounts = {i.open_amount for i in chosen}
    return 2 if any(i.open_amount in amounts and i.number not in numbers for i in invoices) else 1


def _round_doubt(certainty: float, chosen: Sequence[OpenInvoice]) -> float:
    """A combination of two invoices, one of them small and round (say 2,000.00 with
    20,941.13), competes with paying the other one and overpaying by that round sum: a person
    decides. With three or more the others are a combination themselves, and paying a
    combination and overpaying it by a round sum besides is no likelier than paying the
    small invoice that is open."""
    total = sum((i.open_amount for i in chosen), ZERO)
    if len(chosen) == 2 and any(i.open_amount % 100 == 0 and i.open_amount * 10 <= total for i in chosen):
        return min(certainty, 0.85)
    return certainty


# How sure an allocation by the oldest-first setting is: the setting decides, not the
# amount; the customer must be known for sure (a name alone never applies it, see
# ``evidence.NAME_ONLY_FITS``).
OLDEST_FIRST_CERTAINTY = 0.95


def _policy_reason(applied: bool) -> tuple[Reason, ...]:
    return (reason("oldest_first_setting"),) if applied else ()


def _tie(count: int) -> tuple[Reason, ...]:
    return (reason("amount_tie", count=count),) if count > 1 else ()


def _share(certainty: float, ties: int) -> float:
    """A tie lowers the certainty (and the line is a review whatever its confidence)."""
    return certainty if ties == 1 else certainty * 0.6


# How sure "the named invoices and the rest to the cent": the memo said how many invoices it
# pays and that many make the amount; the rest is one other invoice to the cent (not a round
# sum); a combination of others, or a count the memo says and the invoices do not (a person
# decides).
REST_STATED, REST_ONE, REST_OTHER = 0.97, 0.93, 0.8


def _named_and_rest(
    amount: Decimal,
    referenced: Sequence[OpenInvoice],
    others: Sequence[OpenInvoice],
    stated: int | None,
    settings: MatchSettings,
) -> Fit | None:
    """More than the named invoices, and the rest is exactly another open invoice of the
    customer, or a combination of them ('付XSFP000101等2张发票' paying 101 and 102): those are
    paid too, not the rest put on account. ``stated``: how many invoices the memo says it pays."""
    total = sum((invoice.open_amount for invoice in referenced), ZERO)
    rest = amount - total
    if stated is None and rest % 100 == 0:
        # A round sum more than the invoices named, and the memo does not say it pays more of
        # them: paid on account as much as another invoice of that sum (the overpayment below).
        return None
    named = {invoice.number for invoice in referenced}
    pool = sorted((i for i in others if i.number not in named and i.open_amount <= rest), key=_age_key)
    solutions = [[invoice] for invoice in pool if invoice.open_amount == rest]
    if not solutions:
        pool = pool[: settings.combination_pool]
        target = _cents(rest)
        found = subset_solutions(
            [_cents(i.open_amount) for i in pool], target, target, min(settings.combination_max_invoices, 4)
        )
        solutions = [[pool[k] for k in solution] for solution in found]
    if not solutions:
        return None
    chosen = solutions[0]
    if stated is not None and stated == len(referenced) + len(chosen):
        certainty = REST_STATED
    elif stated is None and len(chosen) == 1 and rest % 100 != 0:
        certainty = REST_ONE
    else:
        certainty = REST_OTHER
    ties = len(solutions)
    reasons = (
        reason("amount_exact_reference", count=len(referenced)),
        reason("reference_and_rest", count=len(chosen), rest=rest),
        *((reason("invoice_count_stated", count=stated),) if stated is not None else ()),
        *_tie(ties),
    )
    paid = [*referenced, *chosen]
    return _paid(amount, paid, "exact_reference_rest", _share(certainty, ties), 0.9, settings, ties, reasons)


def fit_referenced(
    amount: Decimal,
    referenced: Sequence[OpenInvoice],
    settings: MatchSettings,
    others: Sequence[OpenInvoice] = (),
    stated: int | None = None,
) -> Fit:
    """The receipt against the invoices its memo names (``others``: the customer's other open
    invoices; ``stated``: how many invoices the memo says it pays, if it says)."""
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
        more = _named_and_rest(amount, referenced, others, stated, settings)
        if more is not None:
            return more
        allocations = tuple(
            Allocation(invoice.number, invoice.open_amount) for invoice in sorted(referenced, key=_age_key)
        )
        # The memo says it pays more invoices than it names, and no other open one makes the
        # rest: a person sees what the rest is for.
        more_said = stated is not None and stated > count
        return Fit(
            "over_reference",
            allocations,
            amount - total,
            ZERO,
            REST_OTHER if more_said else 0.95,
            0.5,
            reasons=(
                reason("overpayment", on_account=amount - total),
                *((reason("invoice_count_stated", count=stated),) if more_said else ()),
            ),
        )
    if count > 1:
        # An order or a list named more than was paid: the part of them the amount fits.
        best = fit_open_items(amount, referenced, settings)[0]
        if best.kind.startswith(("exact", "tolerance", "over_single", "short_single", "charged_single")):
            return Fit(
                best.kind + "_reference",
                best.allocations,
                best.on_account,
                best.difference,
                min(0.97, best.certainty + 0.02),
                best.corroboration,
                best.ties,
                best.reasons,
            )
        allocations, _rest = _fifo(amount, referenced)
        policy = settings.unreferenced_partial == OLDEST_FIRST
        return Fit(
            "oldest_first" if policy else "partial_references",
            allocations,
            ZERO,
            ZERO,
            OLDEST_FIRST_CERTAINTY if policy else 0.6,
            0.4,
            reasons=(reason("partial_payment_several", count=count), *_policy_reason(policy)),
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


def _habitual(
    amount: Decimal, target: int, invoices: Sequence[OpenInvoice], settings: MatchSettings
) -> list[Fit]:
    """The combinations payers make most: the oldest open invoices in order (paying down the
    statement from the top), or all the open invoices of one order (one delivery) or of one
    contract (its instalments; a contract whose invoices are those of one order is one fit)."""
    running = 0
    ordered = sorted(invoices, key=_age_key)
    for count, invoice in enumerate(ordered, start=1):
        running += _cents(invoice.open_amount)
        if running == target and count >= 2:
            ties = _swappable(ordered[:count], ordered)
            return [
                _paid(
                    amount,
                    ordered[:count],
                    "exact_oldest",
                    _share(0.96, ties),
                    0.8,
                    settings,
                    ties,
                    (reason("amount_oldest", count=count), *_tie(ties)),
                )
            ]
        if running > target:
            break
    fitting: dict[frozenset[str], tuple[str, Reason, list[OpenInvoice]]] = {}
    for kind, field, code, param in _GROUPS:
        groups: dict[str, list[OpenInvoice]] = {}
        for invoice in invoices:
            if written := getattr(invoice, field):
                groups.setdefault(written, []).append(invoice)
        for written, members in sorted(groups.items()):
            if len(members) >= 2 and sum(_cents(i.open_amount) for i in members) == target:
                why = reason(code, count=len(members), **{param: written})
                fitting.setdefault(frozenset(i.number for i in members), (kind, why, members))
    n = len(fitting)
    return [
        _paid(amount, members, kind, _share(0.96, n), 0.8, settings, n, (why, *_tie(n)))
        for kind, why, members in list(fitting.values())[:2]
    ]


# The invoices payers pay together: those of one order, those of one contract (fit kind, the
# field naming the group, the reason and its parameter).
_GROUPS = (
    ("exact_order", "order_number", "amount_order", "order"),
    ("exact_contract", "contract_number", "amount_contract", "contract"),
)


# How many of the customer's other open invoices (the largest below the rest) a round rest is
# compared with as a combination.
REST_POOL = 24


def _made_up_by_others(rest: Decimal, invoice: OpenInvoice, invoices: Sequence[OpenInvoice]) -> bool:
    """Whether the customer's other open invoices add up to the round rest: one of them, several
    of one amount (three fees of 4,500.00) or a combination of up to six. The receipt then more
    likely pays them with ``invoice`` than overpays it."""
    others = [i for i in invoices if i is not invoice and i.open_amount <= rest]
    counts: dict[Decimal, int] = {}
    for other in others:
        counts[other.open_amount] = counts.get(other.open_amount, 0) + 1
    if any(value > 0 and rest % value == 0 and rest / value <= count for value, count in counts.items()):
        return True
    largest = sorted(others, key=lambda i: i.open_amount, reverse=True)[:REST_POOL]
    target = _cents(rest)
    cents = [_cents(i.open_amount) for i in largest]
    return len(cents) > 1 and bool(subset_solutions(cents, target, target, 6, limit=1))


def _over_single(amount: Decimal, invoices: Sequence[OpenInvoice]) -> list[Fit]:
    """An overpayment of one invoice by a round sum: the receipt is one open invoice plus a
    whole number of hundreds (at most as much again as the invoice), the rest on account.

    Only an invoice that is not itself a whole hundred counts, and only when it is the one
    open invoice the receipt exceeds by a round sum: its tail (the amount modulo 100.00,
    say 16,801.39 → 1.39) then reappears in the receipt (18,801.39), which a receipt for
    anything else matches by chance once in ten thousand per open invoice. A round receipt
    over a round invoice (81,000.00 over 80,000.00) could be a round part payment of
    anything, and a rest that another open invoice carries may pay that invoice too: a
    person decides."""
    tail = amount % 100
    if tail == 0:
        return []
    fitting = [
        i for i in invoices if i.open_amount % 100 == tail and i.open_amount < amount <= 2 * i.open_amount
    ]
    if len(fitting) != 1:
        return []
    invoice = fitting[0]
    rest = amount - invoice.open_amount
    if _made_up_by_others(rest, invoice, invoices):
        return []
    # The chance that another receipt's tail meets one of these open invoices' by coincidence.
    chance = len(invoices) / 10_000
    certainty = 0.95 if chance <= 0.01 else 0.9 if chance <= 0.02 else 0.8
    return [
        Fit(
            "over_single",
            (Allocation(invoice.number, invoice.open_amount),),
            rest,
            ZERO,
            certainty,
            0.5,
            reasons=(
                reason("amount_invoice_plus_round", invoice=invoice.number, on_account=rest),
                reason("overpayment", on_account=rest),
            ),
        )
    ]


# What a bank keeps of a transfer: at most this much, in steps of 0.50 (手续费 of 0.50 to 50.00).
BANK_CHARGE_MAX = Decimal("50.00")
# Receipts' amounts spread evenly over about three decades on a log scale (as invoice amounts do).
AMOUNT_SPREAD = math.log(1000)
# The charges banks' price lists name most (a transfer's fee by its size, a remittance's).
USUAL_BANK_CHARGES = frozenset(Decimal(x) for x in ("0.5", "1", "2", "5", "10", "15", "20", "25", "30", "50"))


def _charge_chance(amount: Decimal, invoices: Sequence[OpenInvoice]) -> float:
    """How often a receipt for anything else meets one of these open invoices less one of the
    usual bank charges: receipts spread evenly over about three decades on a log scale (as
    invoice amounts do), so one is a given amount to the cent about once in (its cents ×
    ln 1000), and there are as many such amounts as invoices times charges."""
    return len(invoices) * len(USUAL_BANK_CHARGES) / (_cents(amount) * AMOUNT_SPREAD)


def _bank_charge(amount: Decimal, difference: Decimal) -> bool:
    """Whether ``difference`` has a bank charge's size: 0.50 to 50.00 in steps of 0.50, on a
    receipt that is not itself in whole tens (a round receipt under a round invoice says
    nothing: any round part payment is)."""
    return ZERO < difference <= BANK_CHARGE_MAX and (difference * 2) % 1 == 0 and amount % 10 != 0


def _less_a_charge(amount: Decimal, invoices: Sequence[OpenInvoice], settings: MatchSettings) -> list[Fit]:
    """One invoice less one of the usual bank charges, beyond the tolerance (50.00 kept of a
    transfer of 2,017.15): the receipt's cents are the invoice's, which a receipt for anything
    else meets about as rarely as an invoice's amount to the cent. Not for a receipt in whole
    tens, nor when two invoices are so. The charge stays open on the invoice (it is more than
    the tolerance allows to write off). Like a deduction, not when the tolerance's share is
    zero (no shortfall is to be taken without a person)."""
    if amount % 10 == 0 or settings.tolerance_rel <= 0:
        return []
    fitting = [i for i in invoices if i.open_amount - amount in USUAL_BANK_CHARGES]
    if len(fitting) != 1:
        return []
    invoice = fitting[0]
    charge = invoice.open_amount - amount
    chance = _charge_chance(amount, invoices)
    return [
        Fit(
            "charged_single",
            (Allocation(invoice.number, amount),),
            ZERO,
            ZERO,
            certainty_of_chance(chance, len(invoices), len(invoices)),
            0.7,
            reasons=(
                reason("amount_less_bank_charge", invoice=invoice.number, difference=charge),
                reason("partial_payment", invoice=invoice.number, remaining=charge),
            ),
            chance=chance,
        )
    ]


def _short_by_charge(
    amount: Decimal,
    invoice: OpenInvoice,
    others: int,
    invoices: Sequence[OpenInvoice],
    settings: MatchSettings,
) -> Fit:
    """``invoice`` paid less a bank charge's size within the tolerance (``others``: the other
    invoices within the tolerance, short by sums no bank charges). Its chance is counted only
    for one of the usual charges (see ``settle.settle_similar_name``)."""
    charge = invoice.open_amount - amount
    chance = _charge_chance(amount, invoices) if charge in USUAL_BANK_CHARGES else 1.0
    return _paid(
        amount,
        [invoice],
        "tolerance_single",
        0.95,
        0.7,
        settings,
        1,
        (
            reason("amount_within_tolerance", difference=charge),
            reason("difference_bank_charge", difference=charge, others=others),
        ),
        chance,
    )


# How much rarer by chance one reading of a receipt must be than another for it to be the
# reading: one invoice less a usual bank charge against a combination of the same customer's
# invoices that sums to the receipt. Between the two, both are offered as a tie.
CHARGE_OVER_SUM = 100


def _charge_or_sum(
    amount: Decimal, invoices: Sequence[OpenInvoice], settings: MatchSettings, sums: list[Fit]
) -> list[Fit]:
    """A combination of a customer's invoices sums to the receipt (``sums``); one invoice less
    one of the usual bank charges may also be it. The likelier reading is the one a receipt for
    anything else meets more rarely by coincidence: a combination's chance is counted from the
    customer's own sums (``subsets.exact_combination_chance``), the charge's from the
    invoice's cents (as in ``_less_a_charge``). When one is far the rarer
    (``CHARGE_OVER_SUM``), it is the fit and the other is offered after it, as sure as its odds;
    otherwise the two are a tie and a person decides. A charge counts only as anywhere else:
    not on a receipt in whole tens, not when two invoices are so, not when the tolerance's
    share is zero."""
    if amount % 10 == 0 or settings.tolerance_rel <= 0:
        return sums
    fitting = [i for i in invoices if i.open_amount - amount in USUAL_BANK_CHARGES]
    if len(fitting) != 1:
        return sums
    invoice = fitting[0]
    chance = _charge_chance(amount, invoices)
    coincidence = min(fit.chance for fit in sums)
    if chance >= coincidence * CHARGE_OVER_SUM:
        return sums
    if invoice.open_amount - amount <= settings.tolerance_for(invoice.open_amount):
        fit = _short_by_charge(amount, invoice, 0, invoices, settings)
    else:
        fit = _less_a_charge(amount, invoices, settings)[0]
    if chance * CHARGE_OVER_SUM > coincidence:
        return [
            other
            if other.ties > 1
            else replace(
                other, certainty=_share(other.certainty, 2), ties=2, reasons=(*other.reasons, *_tie(2))
            )
            for other in (fit, sums[0])
        ]
    why = reason("charge_rather_than_sum", count=len(sums[0].allocations))
    odds = chance / (chance + coincidence)
    return [replace(fit, reasons=(*fit.reasons, why)), replace(sums[0], certainty=sums[0].certainty * odds)]


def _short_of_one(invoice: OpenInvoice, difference: Decimal) -> Reason:
    share = quantize_ratio(difference * 100 / invoice.open_amount, Decimal("0.1"))
    return reason("amount_short_of_one", invoice=invoice.number, difference=difference, share=share)


def _short_single(
    amount: Decimal,
    invoices: Sequence[OpenInvoice],
    settings: MatchSettings,
    periods: Sequence[Period] = (),
    unsearched: bool = False,
) -> list[Fit]:
    """One invoice short-paid by more than the tolerance's fixed sum but by no more than its
    share of the invoice (a deduction: a discount taken, a quantity disputed): when that is the
    only invoice the receipt is so near, it pays that invoice in part and the rest stays open
    (nothing is written off). Looked for after every exact and tolerance fit, and before a
    combination within the tolerance, which among many invoices is likelier a coincidence.

    What else lands so near the invoice is a part payment of another, larger one (a part of an
    invoice is any sum below it, about evenly) or a sum on account of everything open: the
    chance of that is the window below the invoice over each larger invoice's amount, summed,
    and over the whole open balance. A customer with many invoices larger than the receipt is a
    person's decision; invoices smaller than the receipt cannot be paid in part with it. So is
    a customer with more invoices below the receipt than combinations were looked for among
    (``unsearched``): an exact combination not found is as likely what was paid."""
    if settings.tolerance_rel <= 0:
        return []
    nearby = [i for i in invoices if ZERO < i.open_amount - amount <= i.open_amount * settings.tolerance_rel]
    if len(nearby) != 1 or amount % 100 == 0:
        return []
    invoice = nearby[0]
    # When the memo's month is the invoice's (issued in it or the month after), a coincidence
    # would have had to fall near an invoice of that month: only those compete.
    competing, month = list(invoices), ()
    if len(periods) == 1 and periods[0].covers(invoice.invoice_date):
        competing = [i for i in invoices if periods[0].covers(i.invoice_date)]
        month = (reason("period_narrows", count=len(competing), invoice=invoice.number, period=periods[0]),)
    chance = _part_payment_chance(amount, invoice, competing, settings)
    certainty = 0.93 if chance <= PART_PAYMENT_CHANCE_MAX and not unsearched else 0.7
    difference = invoice.open_amount - amount
    return [
        Fit(
            "short_single",
            (Allocation(invoice.number, amount),),
            ZERO,
            ZERO,
            certainty,
            0.5,
            reasons=(
                _short_of_one(invoice, difference),
                *month,
                reason("partial_payment", invoice=invoice.number, remaining=difference),
            ),
        )
    ]


# A deduction is applied when a part payment of another invoice lands so near by chance at
# most this often (a short-pay and a part payment are about as frequent: about 1 in 10 of
# the deductions applied at the limit would be a coincidence, far fewer below it).
PART_PAYMENT_CHANCE_MAX = Decimal("0.1")


def _part_payment_chance(
    amount: Decimal, invoice: OpenInvoice, competing: Sequence[OpenInvoice], settings: MatchSettings
) -> Decimal:
    """How likely a part payment of another of ``competing`` (or a sum on account of all of
    them) lands within the tolerance's share below ``invoice``, as ``amount`` did: the window
    over each larger invoice's amount (a part of it is about evenly any sum below it), summed,
    and over the whole open balance."""
    window = invoice.open_amount * settings.tolerance_rel
    others = (i.open_amount for i in competing if i is not invoice)
    total = sum((i.open_amount for i in competing), ZERO)
    return part_landing_chance(window, amount, others) + (window / total if total else ZERO)


def part_landing_chance(window: Decimal, amount: Decimal, open_amounts: Iterable[Decimal]) -> Decimal:
    """How often a part payment of one of these open invoices that are larger than ``amount``
    lands in a given ``window`` (a width in money) below it: a part of an invoice is about
    evenly any sum below it, so each lands there once in (its amount ÷ the window)."""
    return sum((window / value for value in open_amounts if value > amount), ZERO)


def _month_rank(invoice: OpenInvoice, periods: Sequence[Period]) -> int:
    """0 for an invoice dated in a month the memo names, 1 in the month after, else 2."""
    if any(period.holds(invoice.invoice_date) for period in periods):
        return 0
    return 1 if any(period.following(invoice.invoice_date) for period in periods) else 2


def _untie(tied: Sequence[OpenInvoice], periods: Sequence[Period]) -> OpenInvoice | None:
    """The one of several invoices that fit equally which the memo's period names (see
    ``periods.period_choice``), or ``None``."""
    if not periods or len(tied) < 2:
        return None
    chosen = period_choice(list(periods), [i.invoice_date for i in tied])
    return None if chosen is None else tied[chosen]


# How sure a fit is once the memo's month names its invoice (the only open one of the month).
MONTH_NAMED_CERTAINTY = 0.93


def _month_invoice(invoices: Sequence[OpenInvoice], periods: Sequence[Period]) -> OpenInvoice | None:
    """The one open invoice of the month the memo names (see ``periods.period_choice``), or
    ``None``."""
    if not periods:
        return None
    chosen = period_choice(list(periods), [i.invoice_date for i in invoices])
    return None if chosen is None else invoices[chosen]


def _part_of_month(amount: Decimal, invoice: OpenInvoice, period: Period, settings: MatchSettings) -> Fit:
    """Less than the one invoice of the month the memo names: a deduction from it (short by no
    more than the tolerance's share) or a part payment of it, as of an invoice the memo names
    by number; the rest stays open."""
    difference = invoice.open_amount - amount
    reasons = [reason("period_names_invoice", invoice=invoice.number, period=period)]
    kind = "partial_period"
    if difference <= invoice.open_amount * settings.tolerance_rel:
        reasons.insert(0, _short_of_one(invoice, difference))
        kind = "short_single"
    return Fit(
        kind,
        (Allocation(invoice.number, amount),),
        ZERO,
        ZERO,
        MONTH_NAMED_CERTAINTY,
        0.4,
        reasons=(*reasons, reason("partial_payment", invoice=invoice.number, remaining=difference)),
    )


# A unique exact combination of a customer's invoices that a receipt for anything else
# meets by coincidence at most this often is applied when nothing else the customer owes
# reads the amount: no single invoice lies within the tolerance's share above it (a short-pay
# or a deduction) and it is no invoice with a round sum more (an overpayment). What is left
# to be paid instead is a part of something or money on account, which a known customer pays
# unreferenced in a few receipts in a hundred: at this chance about one receipt in a hundred
# applied so, at most, is such a coincidence.
SOLE_READING_CHANCE = 0.3
SOLE_READING_CERTAINTY = 0.92


def _sole_reading(amount: Decimal, invoices: Sequence[OpenInvoice], settings: MatchSettings) -> bool:
    """No single open invoice is a short-pay, a deduction or an overpayment away from the
    receipt (see ``SOLE_READING_CHANCE``)."""
    share = settings.tolerance_rel
    if any(
        ZERO < i.open_amount - amount <= max(i.open_amount * share, settings.tolerance_for(i.open_amount))
        for i in invoices
    ):
        return False
    return not _over_single(amount, invoices)


def _found_size(solutions: Sequence[tuple[int, ...]]) -> int | None:
    """The size of the one combination found (``None`` for several: a tie anyway)."""
    return len(solutions[0]) if len(solutions) == 1 else None


def fit_open_items(
    amount: Decimal,
    invoices: Sequence[OpenInvoice],
    settings: MatchSettings,
    periods: Sequence[Period] = (),
) -> list[Fit]:
    """The receipt against all of a customer's open invoices (none named): best fits first;
    more than one fit of the same kind is a tie, unless the memo names the period (month) of
    exactly one of them (``periods``, see ``periods.memo_periods``)."""
    if not invoices:
        return [Fit("no_open_items", (), amount, ZERO, 0.45, 0.0, reasons=(reason("no_open_invoices"),))]
    singles = sorted((i for i in invoices if i.open_amount == amount), key=_age_key)
    named = _untie(singles, periods)
    if named is not None:
        return [
            Fit(
                "exact_single",
                (Allocation(named.number, amount),),
                ZERO,
                ZERO,
                0.95,
                0.8,
                reasons=(
                    reason("amount_equals_invoice", invoice=named.number),
                    reason("period_in_memo", count=len(singles), invoice=named.number, period=periods[0]),
                ),
            )
        ]
    if singles:
        n = len(singles)
        if periods:
            # Still a tie, but the invoices of the month the memo names are offered first (an
            # accountant accepting the best candidate takes the likelier one).
            singles.sort(key=lambda i: (_month_rank(i, periods), _age_key(i)))
        return [
            Fit(
                "exact_single",
                (Allocation(i.number, amount),),
                ZERO,
                ZERO,
                _share(0.97, n),
                0.8,
                n,
                (reason("amount_equals_invoice", invoice=i.number), *_tie(n)),
            )
            for i in singles[:2]
        ]
    target = _cents(amount)
    habitual = _habitual(amount, target, invoices, settings)
    if habitual:
        return habitual
    window_top = target + _cents(settings.tolerance_for(amount))
    eligible = sorted((i for i in invoices if _cents(i.open_amount) <= window_top), key=_age_key)
    pool = eligible[: settings.combination_pool]
    cents = [_cents(i.open_amount) for i in pool]
    exact = subset_solutions(cents, target, target, settings.combination_max_invoices)
    wider = len(eligible) > len(pool) and (not exact or (len(exact) == 1 and len(exact[0]) <= WIDE_SIZE))
    certainty, chance = 0.0, 0.0
    if exact:
        # (Left out of the pool, the rest is searched below for combinations of up to four.)
        searched = len(pool) if wider else len(eligible)
        chance = exact_combination_chance(amount, cents, settings, size=_found_size(exact))
        certainty = certainty_of_chance(chance, len(cents), searched)
    if wider:
        # A customer with more open invoices than the pool: combinations of up to four are
        # looked for among more of them, which also shows whether one found in the pool is
        # the only one.
        pool = eligible[:WIDE_POOL]
        cents = [_cents(i.open_amount) for i in pool]
        size = min(WIDE_SIZE, settings.combination_max_invoices)
        exact = sorted({*exact, *small_subsets(cents, target, size)})
        if exact:
            wide_chance = exact_combination_chance(amount, cents, settings, size, _found_size(exact))
            wide = certainty_of_chance(wide_chance, len(cents), len(eligible))
            certainty = min(certainty, wide) if certainty else wide
            chance = max(chance, wide_chance)
    if len(eligible) > len(pool):
        chance = 1.0  # not every combination was looked at: none is proven rare
    if exact:
        n = max(len(exact), _swappable([pool[i] for i in exact[0]], invoices))
        if n == 1 and chance <= SOLE_READING_CHANCE and _sole_reading(amount, invoices, settings):
            certainty = max(certainty, SOLE_READING_CERTAINTY)
        sums = [
            _paid(
                amount,
                [pool[i] for i in solution],
                "exact_combination",
                _share(_round_doubt(certainty, [pool[i] for i in solution]), n),
                0.8,
                settings,
                n,
                (reason("amount_combination", count=len(solution)), *_tie(n)),
                chance,
            )
            for solution in exact
        ]
        return _charge_or_sum(amount, invoices, settings, sums)
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
        (i for i in eligible if ZERO < i.open_amount - amount <= settings.tolerance_for(i.open_amount)),
        key=lambda i: (i.open_amount - amount, _age_key(i)),
    )
    # One invoice and a round sum more is rarer by chance than a combination within the
    # tolerance among many invoices (its cents must meet), so it is looked for before those.
    # It is also far likelier than another invoice short by a sum of no particular size: a
    # payer rounding up lands on one amount to the cent, a short-pay on any of thousands. A
    # shortfall of a bank charge's size is as exact: the two readings compete and a person
    # decides.
    # The one open invoice of the month the memo names, if any (the month names that invoice).
    month = _month_invoice(invoices, periods)
    over = _over_single(amount, invoices)
    if over and any(_bank_charge(amount, i.open_amount - amount) for i in near):
        return [
            replace(fit, certainty=_share(fit.certainty, 2), ties=2, reasons=(*fit.reasons, *_tie(2)))
            for fit in (*over, *fit_open_items(amount, near, settings)[:1])
        ]
    if over:
        return over
    fee_sized = [i for i in near if _bank_charge(amount, i.open_amount - amount)]
    if near and len(fee_sized) == 1:
        # One invoice short by a bank charge's size (the receipt's cents are the invoice's): a
        # receipt for anything else meets a charge of one of a customer's invoices about once
        # in a thousand, far rarer than landing somewhere within the tolerance of one.
        return [_short_by_charge(amount, fee_sized[0], len(near) - 1, invoices, settings)]
    if near:
        # Unique only when a single invoice lies within the tolerance: a closer one is no proof.
        # A customer with many open invoices has one near almost any amount by chance.
        n = len(near)
        competing, narrowed = len(eligible), ()
        if n == 1 and len(periods) == 1 and periods[0].covers(near[0].invoice_date):
            # As for a deduction (``_short_single``): only invoices of the memo's month compete.
            competing = sum(1 for i in eligible if periods[0].covers(i.invoice_date))
            narrowed = (reason("period_narrows", count=competing, invoice=near[0].number, period=periods[0]),)
        chance = competing * settings.tolerance_for(amount) / (3 * amount)
        single = 0.93 if chance <= Decimal("0.2") else 0.85 if chance <= Decimal("0.5") else 0.7
        # The memo's month picks one of them whatever their amounts: each is a fee or a
        # short-pay away from the receipt, and only one was issued in the month it names. When
        # it is the only open invoice of that month at all, the month names it as surely as
        # its number would, however many others the customer has open.
        named = month if month in near else _untie(near, periods)
        if named is not None:
            if named is month:
                single = max(single, MONTH_NAMED_CERTAINTY)
                why = reason("period_names_invoice", invoice=named.number, period=periods[0])
            else:
                why = reason("period_in_memo", count=n, invoice=named.number, period=periods[0])
            return [
                _paid(
                    amount,
                    [named],
                    "tolerance_single",
                    single,
                    0.6,
                    settings,
                    1,
                    (reason("amount_within_tolerance", difference=named.open_amount - amount), why),
                )
            ]
        return [
            _paid(
                amount,
                [i],
                "tolerance_single",
                _share(single, n),
                0.6,
                settings,
                n,
                (reason("amount_within_tolerance", difference=i.open_amount - amount), *narrowed, *_tie(n)),
            )
            for i in near[:2]
        ]
    charged = _less_a_charge(amount, invoices, settings)
    if charged:
        return charged
    if month is not None and month.open_amount > amount:
        return [_part_of_month(amount, month, periods[0], settings)]
    short = _short_single(amount, invoices, settings, periods, unsearched=len(eligible) > WIDE_POOL)
    if short:
        return short
    window = subset_solutions(cents[:WINDOW_POOL], target, window_top, settings.combination_max_invoices)
    if window:
        n = max(len(window), _swappable([pool[i] for i in window[0]], invoices))
        searched = min(len(pool), WINDOW_POOL)
        certainty = min(0.9, combination_certainty(amount, searched, len(eligible), settings)) - 0.05
        fits = []
        for solution in window:
            chosen = [pool[i] for i in solution]
            gap = sum((i.open_amount for i in chosen), ZERO) - amount
            fits.append(
                _paid(
                    amount,
                    chosen,
                    "tolerance_combination",
                    _share(certainty, n),
                    0.5,
                    settings,
                    n,
                    (
                        reason("amount_combination", count=len(chosen)),
                        reason("amount_within_tolerance", difference=gap),
                        *_tie(n),
                    ),
                )
            )
        return fits
    policy = settings.unreferenced_partial == OLDEST_FIRST
    if amount > total:
        allocations = tuple(Allocation(i.number, i.open_amount) for i in sorted(invoices, key=_age_key))
        return [
            Fit(
                "oldest_first" if policy else "over_all",
                allocations,
                amount - total,
                ZERO,
                OLDEST_FIRST_CERTAINTY if policy else 0.6,
                0.0,
                reasons=(reason("overpayment", on_account=amount - total), *_policy_reason(policy)),
            )
        ]
    allocations, rest = _fifo(amount, invoices)
    return [
        Fit(
            "oldest_first" if policy else "no_fit",
            allocations,
            rest,
            ZERO,
            OLDEST_FIRST_CERTAINTY if policy else 0.45,
            0.0,
            reasons=(reason("amount_no_fit"), *_policy_reason(policy)),
        )
    ]
