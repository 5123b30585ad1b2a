"""Payers name the contract (合同号) instead of an invoice: the contract's open invoices are what
the receipt pays, as an order's are."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from huikuan.cash.matching import AUTO, BankLine, CustomerRef, MatchIndex, OpenInvoice
from huikuan.cash.matching.references import CONTRACT, memo_numbers

D = Decimal
HUADONG = CustomerRef("C001", "上海华东机械有限公司", "华东机械", "", "CNY")
CHANGCHENG = CustomerRef("C002", "北京长城电子科技股份有限公司", "", "", "CNY")


def invoice(number, customer, amount, *, day=1, contract="", order=""):
    return OpenInvoice(
        number, customer, D(amount), "CNY", date(2024, 1, day), date(2024, 2, day), order, contract
    )


LEDGER = [
    invoice("INV-0000101", "C001", "1000.00", day=1, contract="HT2024-0088"),
    invoice("INV-0000102", "C001", "2500.00", day=2, contract="HT2024-0088"),
    invoice("INV-0000103", "C001", "4321.50", day=3),
    invoice("INV-0000104", "C001", "780.25", day=4, contract="HT-2024-001"),
    invoice("INV-0000201", "C002", "3500.00", day=1),
    invoice("INV-0000202", "C002", "1000.00", day=2),
]


def match(amount, *, payer="", memo="", ledger=LEDGER):
    index = MatchIndex([HUADONG, CHANGCHENG], ledger)
    return index.match(BankLine("B1", date(2024, 3, 1), D(amount), "CNY", "credit", payer, "", memo))


def allocations(proposal):
    return {a.invoice_number: a.amount for a in proposal.allocations}


MEMOS = [
    "合同号HT2024-0088",
    "HT2024-0088",
    "合同 2024-0088",
    "合同HT2024-0088货款",
    "合同编号：HT 2024 0088",
]


@pytest.mark.parametrize("memo", MEMOS)
def test_a_receipt_of_the_contracts_invoices_together_settles_them(memo):
    # The payer's name says nothing: the contract number alone says who paid and what.
    proposal = match("3500.00", payer="某某公司", memo=memo)
    assert proposal.status == AUTO
    assert proposal.customer_code == "C001"
    assert allocations(proposal) == {"INV-0000101": D("1000.00"), "INV-0000102": D("2500.00")}


@pytest.mark.parametrize("memo", MEMOS)
def test_a_receipt_of_one_of_the_contracts_invoices_settles_that_one(memo):
    proposal = match("2500.00", payer="某某公司", memo=memo)
    assert proposal.status == AUTO
    assert allocations(proposal) == {"INV-0000102": D("2500.00")}


def test_an_instalment_of_a_contract_written_with_its_prefix_settles_its_invoice():
    proposal = match("780.25", payer="某某公司", memo="HT-2024-001 2期款")
    assert (proposal.status, allocations(proposal)) == (AUTO, {"INV-0000104": D("780.25")})


def test_the_reason_names_the_contract():
    proposal = match("3500.00", payer="某某公司", memo="合同号HT2024-0088")
    contract = [r for r in proposal.reasons if r.code == "reference_contract"]
    assert [dict(r.params)["contract"] for r in contract] == ["HT2024-0088", "HT2024-0088"]
    assert contract[0].text() == "The memo names contract HT2024-0088 (invoice INV-0000101)."
    with translation.override("zh-hans"):
        assert contract[0].text() == "摘要注明合同 HT2024-0088（发票 INV-0000101）。"


def test_a_contract_number_not_in_the_ledger_is_ignored():
    # C002 has an open invoice of the amount; the contract named is nobody's.
    proposal = match("3500.00", payer="北京长城电子科技股份有限公司", memo="合同号HT2024-9999")
    assert proposal.customer_code == "C002"
    assert allocations(proposal) == {"INV-0000201": D("3500.00")}
    assert "reference_contract" not in [r.code for r in proposal.reasons]


def test_a_contract_number_without_a_known_payer_and_not_in_the_ledger_names_nobody():
    proposal = match("3500.00", payer="某某公司", memo="合同号HT2024-9999")
    assert proposal.status != AUTO
    assert "reference_contract" not in [r.code for r in proposal.reasons]


def test_the_open_invoices_of_one_contract_are_a_combination_payers_make():
    ledger = [
        invoice("A-1", "C001", "310.00", day=1),
        invoice("A-2", "C001", "120.00", day=2, contract="HT-9"),
        invoice("A-3", "C001", "480.00", day=3),
        invoice("A-4", "C001", "95.50", day=4, contract="HT-9"),
    ]
    proposal = match("215.50", payer="上海华东机械有限公司", ledger=ledger)
    assert proposal.status == AUTO
    assert allocations(proposal) == {"A-2": D("120.00"), "A-4": D("95.50")}
    assert "amount_contract" in [r.code for r in proposal.reasons]


def test_a_contract_that_is_also_an_order_is_one_fit_not_a_tie():
    ledger = [
        invoice("A-1", "C001", "310.00", day=1),
        invoice("A-2", "C001", "120.00", day=2, contract="HT-9", order="SO-9"),
        invoice("A-3", "C001", "480.00", day=3),
        invoice("A-4", "C001", "95.50", day=4, contract="HT-9", order="SO-9"),
    ]
    proposal = match("215.50", payer="上海华东机械有限公司", ledger=ledger)
    assert proposal.status == AUTO
    assert allocations(proposal) == {"A-2": D("120.00"), "A-4": D("95.50")}


def test_a_payer_who_calls_the_order_the_contract_still_names_the_order():
    ledger = [
        invoice("A-1", "C001", "120.00", day=1, order="SO-0000501"),
        invoice("A-2", "C001", "95.50", day=2, order="SO-0000501"),
        invoice("B-1", "C002", "215.50", day=1),
    ]
    proposal = match("215.50", payer="某某公司", memo="合同号 SO-0000501", ledger=ledger)
    assert proposal.customer_code == "C001"
    assert allocations(proposal) == {"A-1": D("120.00"), "A-2": D("95.50")}


@pytest.mark.parametrize("word", ["合同号", "合同编号", "合同"])
def test_the_words_for_a_contract_say_what_the_number_is(word):
    assert [(n.digits, n.hint) for n in memo_numbers(f"{word}20240088")] == [("20240088", CONTRACT)]
