"""The open ledger as far as a batch of bank lines needs it, read on demand.

A million open invoices need not all be read to match ten thousand lines: the matcher looks up
the invoices whose numbers, order numbers or contract numbers a memo names, the open invoices of the customers
who may have paid, and how many open invoices of the whole ledger carry a line's amount. The
caller gives a :class:`Reader` (no ORM here) and asks for what the batch will need in a few
large reads (:meth:`PartialLedger.prefetch`); anything else the engine asks for is read when
it asks. The answers are those of the whole ledger: a customer's invoices are all its open
invoices, a number's all the open invoices with that number, in the ledger's order (oldest
first, then by number; the reader gives them in that order).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable
from decimal import Decimal
from typing import Protocol

from huikuan.cash.matching.model import DEBIT, BankLine, OpenInvoice
from huikuan.cash.matching.references import may_be_vat, memo_numbers
from huikuan.cash.matching.references import number_key as key_of
from huikuan.cash.matching.settle import DISTINCT_AMOUNT_MAX


class Reader(Protocol):
    def invoices(
        self,
        numbers: Collection[str],
        orders: Collection[str],
        customers: Collection[str],
        contracts: Collection[str],
    ) -> Iterable[tuple[OpenInvoice, str, str, str]]:
        """The open invoices whose number key is in ``numbers``, whose order key is in
        ``orders``, whose customer is in ``customers`` or whose contract key is in
        ``contracts``, each with its number key, order key and contract key, oldest first then
        by number (the order of the whole ledger's scan)."""

    def amounts(self, amounts: Collection[Decimal]) -> dict[Decimal, tuple[int, list[str]]]:
        """For each amount that open invoices carry: how many do, and (when at most
        ``DISTINCT_AMOUNT_MAX`` do) the codes of their customers."""

    # Optional: ``vat_invoices(numbers) -> dict[str, list[str]]``, for each of these VAT
    # invoice numbers that the ledger knows, the numbers of the open invoices it invoices.


class _OnDemand(dict):
    """key → positions in the ledger's list, read through the ledger on the first ``get``."""

    def __init__(self, fetch: Callable[[set], None]) -> None:
        super().__init__()
        self._fetch = fetch

    def get(self, key: Hashable, default=None):
        if not dict.__contains__(self, key):
            self._fetch({key})
        return dict.get(self, key, default)


class _Counts(dict):
    """amount → how many open invoices of the ledger carry it, read on the first ``get``."""

    def __init__(self, amounts: _Amounts) -> None:
        super().__init__()
        self._amounts = amounts

    def get(self, amount: Decimal, default=None):
        if amount not in self._amounts.fetched:
            self._amounts.prefetch({amount})
        return dict.get(self, amount, default)


class _Amounts:
    """What ``settle.AmountIndex`` answers for the whole ledger, for the amounts asked about."""

    def __init__(self, reader: Reader) -> None:
        self._reader = reader
        self.fetched: set[Decimal] = set()
        self._owners: dict[Decimal, list[str]] = {}
        self.counts = _Counts(self)

    def prefetch(self, amounts: Iterable[Decimal]) -> None:
        missing = set(amounts) - self.fetched
        if not missing:
            return
        for amount, (count, owners) in self._reader.amounts(missing).items():
            dict.__setitem__(self.counts, amount, count)
            self._owners[amount] = owners
        self.fetched |= missing

    def owners_of(self, amount: Decimal) -> list[str]:
        count = self.counts.get(amount, 0)
        if not count or count > DISTINCT_AMOUNT_MAX:
            return []
        return sorted(set(self._owners[amount]))


class PartialLedger:
    """The engine's view of the open ledger (``MatchIndex(..., ledger=…)``): the invoices
    read so far, and per number key, order key, contract key and customer the positions of
    theirs."""

    def __init__(self, reader: Reader) -> None:
        self._reader = reader
        self.invoices: list[OpenInvoice] = []
        self._position: dict[str, int] = {}
        self.by_number = _OnDemand(lambda keys: self.prefetch(numbers=keys))
        self.by_order = _OnDemand(lambda keys: self.prefetch(orders=keys))
        self.by_customer = _OnDemand(lambda keys: self.prefetch(customers=keys))
        self.by_contract = _OnDemand(lambda keys: self.prefetch(contracts=keys))
        self.amounts = _Amounts(reader)
        # VAT invoice number → the numbers of the open invoices it invoices
        self.vat_invoices = _OnDemand(lambda keys: self.prefetch_vat(keys))

    def prefetch_vat(self, numbers: Iterable[str]) -> set[str]:
        """Read which open invoices these VAT invoice numbers invoice (once each); returns the
        number keys of those invoices."""
        numbers = set(numbers)
        missing = {n for n in numbers if not dict.__contains__(self.vat_invoices, n)}
        read = getattr(self._reader, "vat_invoices", None)
        found = read(missing) if missing and read is not None else {}
        for vat in missing:
            dict.__setitem__(self.vat_invoices, vat, list(found.get(vat, ())))
        return {key_of(n)[1] for vat in numbers for n in dict.get(self.vat_invoices, vat, ())}

    def prefetch(
        self,
        *,
        numbers: Iterable[str] = (),
        orders: Iterable[str] = (),
        customers: Iterable[str] = (),
        amounts: Iterable[Decimal] = (),
        contracts: Iterable[str] = (),
    ) -> None:
        """Read in one go what is not read yet: the open invoices with these number keys,
        order keys or contract keys, the open invoices of these customers, the counts of these
        amounts."""
        self.amounts.prefetch(amounts)
        maps = (self.by_number, self.by_order, self.by_customer, self.by_contract)
        wanted = [
            {key for key in keys if not dict.__contains__(known, key)}
            for keys, known in zip((numbers, orders, customers, contracts), maps, strict=True)
        ]
        if not any(wanted):
            return
        for keys, known in zip(wanted, maps, strict=True):
            for key in keys:
                dict.__setitem__(known, key, [])
        want_numbers, want_orders, want_customers, want_contracts = wanted
        position_of, invoices = self._position, self.invoices
        for invoice, number_key, order_key, contract_key in self._reader.invoices(*wanted):
            position = position_of.get(invoice.number)
            if position is None:
                position = position_of[invoice.number] = len(invoices)
                invoices.append(invoice)
            if number_key in want_numbers:
                dict.__getitem__(self.by_number, number_key).append(position)
            if order_key and order_key in want_orders:
                dict.__getitem__(self.by_order, order_key).append(position)
            if invoice.customer_code in want_customers:
                dict.__getitem__(self.by_customer, invoice.customer_code).append(position)
            if contract_key and contract_key in want_contracts:
                dict.__getitem__(self.by_contract, contract_key).append(position)

    def prefetch_for(self, index, lines: Iterable[BankLine]) -> None:
        """Read at once what matching ``lines`` with ``index`` will ask for: the invoices and
        orders and contracts named in the memos (all their numbers: the engine decides which count) and the
        lines' amounts, then the open invoices of every customer the engine will consider for
        a line. The positions of the invoices named are then in the ledger's order, as the
        engine's reading of references needs them; anything missed is read when asked for."""
        credits = [line for line in lines if line.direction != DEBIT]
        numbers = [number for line in credits if line.memo for number in memo_numbers(line.memo)]
        bodies = {number.body for number in numbers}
        bodies |= self.prefetch_vat({number.digits for number in numbers if may_be_vat(number)})
        self.prefetch(
            numbers=bodies, orders=bodies, contracts=bodies, amounts={line.amount for line in credits}
        )
        self.prefetch(customers={code for line in credits for code in index.customers_considered(line)})

    def attach(self, index) -> None:
        """Make ``index`` (a ``MatchIndex`` built without invoices) look up this ledger."""
        index.invoices = self.invoices
        index.invoice_body = self.by_number
        index.order_body = self.by_order
        index.contract_body = self.by_contract
        index.vat_invoices = self.vat_invoices
        index.by_customer = self.by_customer
        index.amounts = self.amounts
