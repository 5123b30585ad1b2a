"""When the amount settles who paid: a payer name that fits several customers, or that only
resembles a customer's name, and an amount to the cent that is an open invoice of exactly one
of them.

A receipt equal to one open invoice to the cent is evidence of who paid in its own right,
independent of the payer name, but only when the amount is distinctive: a round sum or an
amount that many open invoices of the ledger carry (a monthly fee) fits anyone. Each rule
below needs both signals; neither alone applies money.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from rapidfuzz import fuzz

from huikuan.cash.matching.amounts import part_landing_chance
from huikuan.cash.matching.evidence import (
    EXACT_FITS,
    SHARED_NAME_MAX,
    SIMILAR_NAME_KINDS,
    Evidence,
    non_customer_word,
)
from huikuan.cash.matching.model import ZERO, CustomerRef, OpenInvoice
from huikuan.cash.matching.names import (
    STRONG_FORMS,
    NameHit,
    core,
    customer_forms,
    is_chinese,
    latin_pinyin_core,
    squeeze,
)

# The combinations payers make as a habit, each one of a few per customer: all the open
# invoices of one order or contract, the oldest in order, everything open.
HABITUAL_FITS = frozenset({"exact_order", "exact_contract", "exact_oldest", "exact_all"})
# An amount carried by at most this many open invoices of the whole ledger is distinctive.
DISTINCT_AMOUNT_MAX = 3
# A fit a stranger's receipt meets by coincidence at most this often (a combination of the
# customer's invoices, an invoice less one of the usual bank charges) is as rare as a
# distinctive amount: a similar name with it is settled. Some hundreds of strangers' receipts
# a month, each with a few similar customers, make such a coincidence rarer than once a year.
RARE_CHANCE = 1e-4
# The same for a name that is each sharing customer's own (a short name several use): the
# payer is almost always one of them, so a coincidence need only be rarer than among them.
SHARED_RARE_CHANCE = 1e-3
# A receipt short of one sharer's invoice by no particular sum is that sharer's short-pay
# unless a part payment of another sharer's invoice would land as near it more often than this.
SHARED_PART_CHANCE = Decimal("0.05")


class AmountIndex:
    """How many open invoices of the ledger carry each amount, and whose they are when few
    do; built on first use (one pass over the ledger)."""

    def __init__(self, invoices: Sequence[OpenInvoice]) -> None:
        self._invoices = invoices
        self._counts: dict[Decimal, int] | None = None
        self._owners: dict[Decimal, str | list[str]] = {}

    @property
    def counts(self) -> dict[Decimal, int]:
        if self._counts is None:
            counts: dict[Decimal, int] = {}
            owners = self._owners
            for invoice in self._invoices:
                amount = invoice.open_amount
                known = counts.get(amount)
                if known is None:
                    counts[amount] = 1
                    owners[amount] = invoice.customer_code
                else:
                    counts[amount] = known + 1
                    if known < DISTINCT_AMOUNT_MAX:
                        first = owners[amount]
                        codes = [first] if isinstance(first, str) else first
                        owners[amount] = [*codes, invoice.customer_code]
            self._counts = counts
        return self._counts

    def owners_of(self, amount: Decimal) -> list[str]:
        """The codes of the customers with an open invoice of ``amount``, when few invoices
        carry it (none otherwise)."""
        count = self.counts.get(amount, 0)
        if not count or count > DISTINCT_AMOUNT_MAX:
            return []
        owners = self._owners[amount]
        return [owners] if isinstance(owners, str) else sorted(set(owners))


def is_round(amount: Decimal) -> bool:
    return amount % 100 == 0


def distinctive(amount: Decimal, counts: Mapping[Decimal, int]) -> bool:
    """Not a sum in whole tens (880.00, 4,500.00: prices and fees many share), and few open
    invoices of the ledger carry it to the cent."""
    return amount % 10 != 0 and counts.get(amount, 0) <= DISTINCT_AMOUNT_MAX


def settle_shared_name(
    amount: Decimal,
    fitted: list,
    counts: Mapping[Decimal, int],
    open_amounts: Mapping[str, Sequence[Decimal]] | None = None,
    tolerance_for: Callable[[Decimal], Decimal] | None = None,
) -> None:
    """A name several customers share (a short name, or one customer's short name that is
    other places' companies' name without the place) and an amount to the cent that is an
    open invoice or combination of exactly one of them, a customer whose own name it is: that
    one paid. A round amount only as one invoice; one short of an invoice by no particular sum
    only when a part payment of the others' larger invoices (``open_amounts``: each sharing
    customer's open invoices) would rarely land as near it (within ``tolerance_for`` the
    invoice). A name shared by more than ``SHARED_NAME_MAX`` customers needs a distinctive
    amount of one invoice.

    ``fitted`` holds ``(code, evidence, fits, weak_used)`` per candidate customer."""
    sharing = [
        item
        for item in fitted
        if item[1].name is not None and item[1].name.shared_by > 1 and item[1].named_only(item[3])
    ]
    if len(sharing) < 2:
        return
    fitting = [
        item
        for item in sharing
        if (item[2][0].kind in EXACT_FITS or _charged(item[2][0])) and item[2][0].ties == 1
    ]
    within = not fitting and not is_round(amount)
    if within:
        # No exact fit: one invoice short by a fee or a short-pay of no particular size.
        fitting = [item for item in sharing if item[2][0].kind == "tolerance_single" and item[2][0].ties == 1]
    if len(fitting) != 1 or fitting[0][1].name.kind not in STRONG_FORMS:
        return
    fit = fitting[0][2][0]
    many = sharing[0][1].name.shared_by > SHARED_NAME_MAX
    if is_round(amount) or within:
        # A round sum is what anyone pays in part or in advance, yet that another pays a part
        # of just the sum one's open invoice is, to the cent, is far rarer than that the one
        # pays it: it singles that one out as one invoice, when few share the name. A sum
        # short of one invoice by no particular amount is as likely another's part payment
        # of no particular amount: only when such a part of one of the others' larger
        # invoices would rarely land as near the one's invoice.
        others = [item[0] for item in sharing if item is not fitting[0]]
        part_chance = _part_chance(amount, fit, others, open_amounts, tolerance_for) if within else ZERO
        if many or fit.kind not in ("exact_single", "tolerance_single") or part_chance > SHARED_PART_CHANCE:
            return
        single = True
    elif _charged(fit):
        # One invoice less one of the usual bank charges: rare by chance when few receipts
        # meet such a fit. When the invoice's amount is a common one (a round sum), another
        # sharer with an invoice the receipt is as near (two of them, say, so that neither is
        # the one less a charge) is as likely the payer.
        if fit.chance * len(sharing) > SHARED_RARE_CHANCE or (
            not distinctive(amount + _charge(fit), counts)
            and any(item[2][0].kind == "tolerance_single" for item in sharing if item is not fitting[0])
        ):
            return
        single = True
    else:
        # One invoice of a distinctive amount, or what the customer pays as a habit (one
        # order's invoices, the oldest in order, everything open) to cents not in whole tens.
        single = (fit.kind == "exact_single" and distinctive(amount, counts)) or (
            fit.kind in HABITUAL_FITS and amount % 10 != 0
        )
    if not many or single:
        ev = fitting[0][1]
        hit = ev.name
        ev.name = NameHit(hit.customer_code, hit.weight, hit.kind, hit.score, 1)
        ev.settled_by_amount = hit.shared_by


def _part_chance(
    amount: Decimal,
    fit,
    others: list[str],
    open_amounts: Mapping[str, Sequence[Decimal]] | None,
    tolerance_for: Callable[[Decimal], Decimal] | None,
) -> Decimal:
    """How often a part payment of one of the ``others``' open invoices lands within the
    tolerance below ``fit``'s invoice (see ``amounts.part_landing_chance``)."""
    if open_amounts is None or tolerance_for is None:
        return Decimal(1)
    window = tolerance_for(amount + fit.difference)
    return part_landing_chance(window, amount, (v for code in others for v in open_amounts.get(code, ())))


def settle_similar_name(amount: Decimal, text: str, fitted: list, counts: Mapping[Decimal, int]) -> None:
    """A payer name only similar to customers' names (a typo, a name the bank cut short) and a
    distinctive amount equal to one open invoice of exactly one of them, and to no open
    invoice or combination of any other candidate: that one paid.

    Not when anything else is known about who paid (an account, a reference, the exact name
    of some customer), nor when the payer or memo reads like a bank, the tax office or an
    insurer. Customers in other places whose name the payer's equals without its place may
    be among the candidates (they are other companies, and none has the amount open); the
    one settled is never such a one."""
    if not fitted or non_customer_word(text) is not None:
        return
    for _code, ev, _fits, weak_used in fitted:
        if not ev.named_only(weak_used) or ev.name is None:
            return
        if ev.name.kind not in SIMILAR_NAME_KINDS and ev.name.kind != "placeless":
            return
    exact = [item for item in fitted if item[2][0].kind in EXACT_FITS or _charged(item[2][0])]
    if len(exact) != 1 or exact[0][1].name.kind not in SIMILAR_NAME_KINDS:
        return
    fit = exact[0][2][0]
    # One invoice: how rare its amount is can be counted over the whole ledger, and so can the
    # invoice an amount less one of the usual bank charges is (its cents are the receipt's),
    # when the customer has few invoices for its size. A combination found among all subsets
    # only when the customer's own sums say a coincidence is most unlikely (any candidate's
    # invoices may sum to a stranger's amount by chance); the few sums payers make (all of one
    # order, the oldest in order, everything open) are as rare as one invoice's amount when
    # their cents are not round.
    if fit.ties != 1:
        return
    # A stranger's receipt is compared with every customer its name resembles: each is a chance.
    rare = fit.chance * len(fitted) <= RARE_CHANCE
    if fit.kind == "exact_single" and distinctive(amount, counts):
        exact[0][1].settled_similar = True
    elif _charged(fit) and rare and distinctive(amount + _charge(fit), counts):
        exact[0][1].settled_similar = True
    elif fit.kind in HABITUAL_FITS and amount % 10 != 0:
        exact[0][1].settled_similar = exact[0][1].settled_by_sum = True
    elif fit.kind == "exact_combination" and rare and amount % 10 != 0:
        exact[0][1].settled_similar = exact[0][1].settled_by_sum = True


def _charged(fit) -> bool:
    """One invoice paid less one of the usual bank charges (see ``amounts``: the difference
    has a charge's size and the receipt is not in whole tens), within the tolerance or beyond."""
    return fit.kind == "charged_single" or (
        fit.kind == "tolerance_single" and any(r.code == "difference_bank_charge" for r in fit.reasons)
    )


def _charge(fit) -> Decimal:
    """What the banks kept of a ``_charged`` fit's invoice (left open beyond the tolerance)."""
    if fit.kind == "charged_single":
        return next(
            Decimal(dict(r.params)["difference"]) for r in fit.reasons if r.code == "amount_less_bank_charge"
        )
    return fit.difference


def number_settled_by_payer(leader: Evidence | None, other: Evidence | None) -> bool:
    """A number in the memo written without prefix or word that is a number of two customers'
    (one's invoice, the other's order, say) is settled by who the payer is: the leader is also
    known by its learned account or name or the payer's name (exact, or only like the
    leader's: a stranger's number meets a number of a customer its name resembles about once
    in a million), the other only by that number. Not when the other's number was written with
    its prefix (then the memo names it)."""
    if leader is None or other is None:
        return False
    known = leader.account or leader.name_alias or leader.name is not None
    only_number = not (
        other.account or other.name_alias or other.name is not None or other.code_in_memo or other.explicit
    )
    return bool(known and (leader.strong or leader.weak) and only_number and (other.strong or other.weak))


def number_settled_by_amount(
    amount: Decimal, leader, other, other_evidence: Evidence | None, leader_strong: bool = False
) -> bool:
    """A number in the memo that is the leader's invoice and another customer's order or
    invoice (numbers of one range, written without their prefix), settled by the amount: it
    pays the leader's invoices it names to the cent, while the other's reading needs a part
    payment, an overpayment or a difference. A receipt meets an invoice's amount to the cent
    by chance about once in its cents; a part or a sum near an order's is met by chance far
    more often. Not when anything but the number (an account, a name) speaks for the other,
    nor when the amount is in whole tens (a round sum pays many invoices to the cent).

    A number written with the leader's prefix (or all its digits) that the amount pays to the
    cent settles it against numbers of the other's only written without (a year, another
    series' number), whatever the amount: the one names an invoice, the others only resemble
    numbers.

    ``leader`` and ``other`` are candidates (``model.Candidate``)."""
    if other_evidence is None:
        return False
    if (
        other_evidence.account
        or other_evidence.name_alias
        or other_evidence.code_in_memo
        or other_evidence.name is not None
        or other_evidence.settled_similar
    ):
        return False
    exact = any(r.code == "amount_exact_reference" for r in leader.reasons)
    if not exact or leader.difference or leader.on_account:
        return False
    if leader_strong and not other_evidence.strong:
        return True
    if amount % 10 == 0:
        return False
    paid = sum((a.amount for a in other.allocations), ZERO)
    return bool(other.difference or other.on_account or paid != amount or _parted(other))


def _parted(candidate) -> bool:
    return any(r.code in ("partial_payment", "partial_payment_several") for r in candidate.reasons)


def name_similarity(payer_name: str, customer: CustomerRef) -> int:
    """How alike (0-100) the payer name is to the customer's name in its closest form, compared
    as the name index compares them (the core of a Chinese name; a Latin name without its
    legal form, against the English name and the pinyin)."""
    main = core(payer_name)
    query = main if is_chinese(main) else latin_pinyin_core(squeeze(payer_name))
    if len(query) < 3:
        return 0
    forms = [key for kind, key in customer_forms(customer) if kind in ("core", "short", "english", "pinyin")]
    return int(max((fuzz.ratio(query, key) for key in forms), default=0))


def similar_owners(payer_name: str, owners: list[CustomerRef], cutoff: int) -> list[NameHit]:
    """The customers with an open invoice of a distinctive amount whose name the payer's
    resembles: found from the amount, so that a name the similarity search ranked below
    others (or did not reach) is still compared."""
    hits = []
    for customer in owners:
        score = name_similarity(payer_name, customer)
        if score >= cutoff:
            hits.append(NameHit(customer.code, min(0.9, (score - 50) / 50), "fuzzy", score, 1))
    return hits
