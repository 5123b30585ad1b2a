"""The matcher reading only the part of the ledger a batch of lines needs
(``huikuan.cash.matching.partial``) proposes exactly what it proposes over the whole ledger."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huikuan.cash.matching import BankLine, CustomerRef, MatchIndex, OpenInvoice
from huikuan.cash.matching.partial import PartialLedger
from huikuan.cash.matching.settle import DISTINCT_AMOUNT_MAX
from huikuan.core.numbers import number_body
from tests.conftest import examples

CUSTOMERS = [
    CustomerRef("C001", "上海华东机械有限公司", "华东机械"),
    CustomerRef("C002", "北京长城电子科技股份有限公司", "长城电子"),
    CustomerRef("C003", "杭州华东机械有限公司", "华东机械"),
    CustomerRef("C004", "深圳南方贸易有限公司", english_name="Shenzhen Nanfang Trading Co., Ltd."),
]
CODES = [customer.code for customer in CUSTOMERS]
# Few amounts, so that invoices share them (ties, amounts many invoices carry).
amounts = st.sampled_from(["880.00", "1234.56", "5000.00", "777.77", "12.30", "98765.43"]).map(Decimal)
prefixes = st.sampled_from(["INV-", "YS", "inv", ""])
ledgers = st.lists(
    st.tuples(st.sampled_from(CODES), amounts, prefixes, st.integers(1, 40), st.integers(0, 6)),
    min_size=1,
    max_size=25,
)
payers = st.sampled_from(["上海华东机械有限公司", "华东机械", "长城电子", "Nanfang Trading", "张伟", ""])


class ListReader:
    """A reader over a list of open invoices (what the database reader does with SQL)."""

    def __init__(self, invoices: list[OpenInvoice]) -> None:
        self.all = invoices
        self.reads = 0

    def invoices(self, numbers, orders, customers, contracts):
        self.reads += 1
        for invoice in self.all:
            number_key, order_key = number_body(invoice.number), number_body(invoice.order_number)
            contract_key = number_body(invoice.contract_number)
            if (
                number_key in numbers
                or (order_key and order_key in orders)
                or invoice.customer_code in customers
                or (contract_key and contract_key in contracts)
            ):
                yield invoice, number_key, order_key, contract_key

    def amounts(self, wanted):
        found: dict[Decimal, tuple[int, list[str]]] = {}
        for invoice in self.all:
            if invoice.open_amount in wanted:
                count, owners = found.get(invoice.open_amount, (0, []))
                found[invoice.open_amount] = (count + 1, [*owners, invoice.customer_code])
        return {
            amount: (count, owners if count <= DISTINCT_AMOUNT_MAX else [])
            for amount, (count, owners) in found.items()
        }


def build(rows) -> list[OpenInvoice]:
    invoices = {}
    for n, (code, amount, prefix, body, day) in enumerate(rows):
        number = f"{prefix}{body:06d}" if n % 2 else f"{prefix}{body}"
        invoices.setdefault(
            number,
            OpenInvoice(
                number,
                code,
                amount,
                "CNY",
                date(2024, 1, 1 + day),
                order_number=f"SO-{(body * 7) % 50:05d}",
                contract_number=f"HT2024-{(body * 3) % 40:04d}" if n % 3 else "",
            ),
        )
    # The order of the whole ledger's scan: oldest first, then by number.
    return sorted(invoices.values(), key=lambda invoice: (invoice.invoice_date, invoice.number))


def memo_for(invoices):
    written = [i.number for i in invoices] + [i.order_number for i in invoices]
    written += [f"合同{i.contract_number}" for i in invoices if i.contract_number]
    written += [number_body(i.number) for i in invoices] + [f"发票{number_body(i.number)}" for i in invoices]
    return st.lists(st.sampled_from(written), max_size=3).map(" / ".join)


def lines_for(invoices, data) -> list[BankLine]:
    lines = []
    for n in range(data.draw(st.integers(1, 6))):
        amount = data.draw(
            st.one_of(
                amounts,
                st.sampled_from([i.open_amount for i in invoices]),
                st.lists(st.sampled_from([i.open_amount for i in invoices]), min_size=2, max_size=3).map(sum),
            )
        )
        lines.append(
            BankLine(
                f"L{n}",
                date(2024, 3, 1),
                amount,
                "CNY",
                payer_name=data.draw(payers),
                payer_account=data.draw(st.sampled_from(["", "6222000011112222"])),
                memo=data.draw(memo_for(invoices)),
            )
        )
    return lines


def whole(invoices, lines):
    index = MatchIndex(CUSTOMERS, invoices)
    return [index.match(line).as_dict() for line in lines]


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=ledgers, data=st.data())
def test_read_as_the_lines_need_it_the_proposals_are_those_of_the_whole_ledger(rows, data):
    invoices = build(rows)
    lines = lines_for(invoices, data)
    reader = ListReader(invoices)
    ledger = PartialLedger(reader)
    index = MatchIndex(CUSTOMERS, (), ledger=ledger)
    ledger.prefetch_for(index, lines)
    reads = reader.reads
    # One read of the invoices the memos name, one of the customers' open invoices: not one per
    # customer, however many lines and customers (running numbers included).
    assert reads <= 2
    assert [index.match(line).as_dict() for line in lines] == whole(invoices, lines)
    assert reader.reads == reads, "everything the lines needed was read beforehand"


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=ledgers, data=st.data())
def test_what_was_not_read_beforehand_is_read_when_asked_for(rows, data):
    """Only the numbers named are read beforehand: the customers' invoices and the amounts'
    counts are read when the engine asks for them, with the same proposals."""
    invoices = build(rows)
    lines = lines_for(invoices, data)
    ledger = PartialLedger(ListReader(invoices))
    index = MatchIndex(CUSTOMERS, (), ledger=ledger)
    bodies = {
        number_body(word) for line in lines for word in line.memo.replace("发票", "").split(" / ") if word
    }
    ledger.prefetch(numbers=bodies, orders=bodies)
    assert [index.match(line).as_dict() for line in lines] == whole(invoices, lines)


def test_an_invoice_read_twice_is_one_invoice():
    """An invoice named in a memo and one of the customer's open invoices keeps one position."""
    invoices = build([("C001", Decimal("777.77"), "INV-", 12, 0), ("C001", Decimal("12.30"), "INV-", 13, 1)])
    ledger = PartialLedger(ListReader(invoices))
    ledger.prefetch(numbers={"12"})
    ledger.prefetch(customers={"C001"})
    assert [i.number for i in ledger.invoices] == ["INV-12", "INV-000013"]
    assert ledger.by_customer.get("C001") == [0, 1]
    assert ledger.by_customer.get("C009", ()) == []
