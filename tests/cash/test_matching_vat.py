"""A memo that names a VAT invoice (发票号码: 8 digits on paper, 20 on a digital invoice) names
the invoices (receivables) that VAT invoice invoices."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from huikuan.cash.matching import AUTO, BankLine, CustomerRef, MatchIndex, OpenInvoice
from huikuan.cash.matching.partial import PartialLedger
from tests.cash.test_matching_partial import ListReader

D = Decimal
CUSTOMERS = [
    CustomerRef("C001", "上海华东机械有限公司", "华东机械"),
    CustomerRef("C002", "北京长城电子科技股份有限公司", "长城电子"),
]
INVOICES = [
    OpenInvoice("YS-0101", "C001", D("11300.00"), "CNY", date(2024, 9, 1)),
    OpenInvoice("YS-0102", "C001", D("22600.00"), "CNY", date(2024, 9, 2)),
    OpenInvoice("YS-0201", "C002", D("11300.00"), "CNY", date(2024, 9, 3)),
]
VAT = {"04400123": ["YS-0101"], "24332000000012345678": ["YS-0101", "YS-0102"]}


def line(amount: str, memo: str, payer: str = "张三") -> BankLine:
    return BankLine("B1", date(2024, 12, 5), D(amount), "CNY", "credit", payer, "", memo)


def allocations(proposal) -> dict[str, Decimal]:
    return {a.invoice_number: a.amount for a in proposal.allocations}


def test_a_paper_vat_invoice_number_in_the_memo_names_its_invoice():
    # 11,300.00 is open on two customers' invoices: the VAT invoice says whose.
    index = MatchIndex(CUSTOMERS, INVOICES, vat_invoices=VAT)
    proposal = index.match(line("11300.00", "付发票号码04400123货款"))
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")
    assert allocations(proposal) == {"YS-0101": D("11300.00")}
    assert "reference_vat_invoice" in [r.code for r in proposal.reasons]
    # Without the VAT invoices known, the same line is no one's for sure.
    assert MatchIndex(CUSTOMERS, INVOICES).match(line("11300.00", "付发票号码04400123货款")).status != AUTO


def test_a_digital_vat_invoice_of_two_invoices_pays_both():
    index = MatchIndex(CUSTOMERS, INVOICES, vat_invoices=VAT)
    proposal = index.match(line("33900.00", "数电票 24332000000012345678"))
    assert proposal.status == AUTO
    assert allocations(proposal) == {"YS-0101": D("11300.00"), "YS-0102": D("22600.00")}


class VatReader(ListReader):
    def __init__(self, invoices, vat):
        super().__init__(invoices)
        self.vat = vat

    def vat_invoices(self, numbers):
        return {n: self.vat[n] for n in numbers if n in self.vat}


def test_the_ledger_read_in_part_finds_the_vat_invoices_as_the_whole_ledger_does():
    for memo, amount in (("付发票号码04400123货款", "11300.00"), ("数电票 24332000000012345678", "33900.00")):
        whole = MatchIndex(CUSTOMERS, INVOICES, vat_invoices=VAT).match(line(amount, memo))
        ledger = PartialLedger(VatReader(INVOICES, VAT))
        index = MatchIndex(CUSTOMERS, (), ledger=ledger)
        ledger.prefetch_for(index, [line(amount, memo)])
        assert index.match(line(amount, memo)) == whole
        # Read on demand too, without the prefetch.
        ledger = PartialLedger(VatReader(INVOICES, VAT))
        assert MatchIndex(CUSTOMERS, (), ledger=ledger).match(line(amount, memo)) == whole
