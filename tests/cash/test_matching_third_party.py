"""Receipts whose memo says whose money it is: a third party paying for a customer (代…付),
and a customer's name on a line whose memo says it is interest or a tax refund."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from huikuan.cash.matching import AUTO, IGNORED, REVIEW, BankLine, CustomerRef, MatchIndex, OpenInvoice

D = Decimal
HUADONG = CustomerRef("C01", "上海华东机械有限公司", "华东机械", "Shanghai Huadong Machinery Co., Ltd.")
JIAHE = CustomerRef("C08", "上海嘉和(中国)有限公司", "嘉和中国", "", "CNY")
JINLING = CustomerRef("C15", "南京金陵医药股份有限公司", "金陵医药", "", "CNY")
JINLING_SZ = CustomerRef("C16", "南京金陵医药股份有限公司苏州分公司", "金陵医药苏州", "", "CNY")
GANGTONG = CustomerRef("C18", "宁波港通国际货运代理有限公司", "港通货代", "", "CNY")
BANK = CustomerRef("C40", "中国银行股份有限公司上海市分行", "", "", "CNY")


def invoice(number, customer, amount, day=1):
    return OpenInvoice(number, customer, D(amount), "CNY", date(2026, 10, day), date(2026, 11, day))


LEDGER = [
    invoice("INV-0013001", "C01", "3300.00"),
    invoice("INV-0013002", "C01", "7412.35", 2),
    invoice("INV-0013003", "C08", "3300.00"),
    invoice("INV-0013004", "C08", "5123.40", 2),
    invoice("INV-0013007", "C15", "8765.40"),
    invoice("INV-0013008", "C16", "4444.44"),
    invoice("INV-0013009", "C18", "2680.00"),
    invoice("INV-0013010", "C40", "6543.21"),
]


def match(amount, payer, memo):
    index = MatchIndex([HUADONG, JIAHE, JINLING, JINLING_SZ, GANGTONG, BANK], LEDGER)
    return index.match(BankLine("B1", date(2026, 12, 1), D(amount), "CNY", "credit", payer, "6222", memo))


@pytest.mark.parametrize(
    "memo",
    [
        "代上海华东机械有限公司付货款",
        "代华东机械付款",
        "代付：上海华东机械有限公司 10月货款",
        "受上海华东机械有限公司委托付款",
        "PAYMENT ON BEHALF OF SHANGHAI HUADONG MACHINERY CO., LTD.",
    ],
)
def test_a_payment_made_for_another_customer_is_never_applied_to_the_payer(memo):
    """The payer is a customer and has an open invoice of the amount, but the memo says the
    money is another customer's: applying it to the payer would be wrong."""
    proposal = match("3300.00", "上海嘉和（中国）有限公司", memo)
    assert not (proposal.status == AUTO and proposal.customer_code == "C08")
    assert proposal.customer_code == "C01"
    assert "on_behalf" in [r.code for r in proposal.reasons]
    # The name the line is matched on is the memo's, and the reasons say so.
    codes = [r.code for r in proposal.reasons]
    assert any(code.startswith("memo_name_") for code in codes)
    assert not any(code.startswith("name_") for code in codes)


def test_the_customer_paid_for_is_matched_on_its_own_invoices():
    proposal = match("7412.35", "上海嘉和（中国）有限公司", "代上海华东机械有限公司付货款")
    assert (proposal.status, proposal.customer_code) == (AUTO, "C01")
    assert [(a.invoice_number, a.amount) for a in proposal.allocations] == [("INV-0013002", D("7412.35"))]


def test_a_branch_paid_for_by_its_head_office_is_the_branch():
    proposal = match("4444.44", "南京金陵医药股份有限公司", "代南京金陵医药股份有限公司苏州分公司付款")
    assert (proposal.status, proposal.customer_code) == (AUTO, "C16")


@pytest.mark.parametrize(
    ("payer", "memo", "customer"),
    [
        # 代理 is part of a name, 代发/代收 are a bank's services: nobody else is named.
        ("宁波港通国际货运代理有限公司", "货款", "C18"),
        ("宁波港通国际货运代理有限公司", "国际货运代理费", "C18"),
        ("上海华东机械有限公司", "网银代收 货款", "C01"),
        # The memo names the payer itself.
        ("上海华东机械有限公司", "代上海华东机械有限公司付款", "C01"),
        # 代 followed by a name that is no customer's: the payer stays the candidate.
        ("上海华东机械有限公司", "时代广场店货款", "C01"),
    ],
)
def test_words_with_dai_that_name_nobody_else_change_nothing(payer, memo, customer):
    amount = {"C18": "2680.00", "C01": "7412.35"}[customer]
    proposal = match(amount, payer, memo)
    assert (proposal.status, proposal.customer_code) == (AUTO, customer)


@pytest.mark.parametrize("memo", ["结息", "存款利息", "出口退税", "理赔款"])
def test_a_customer_name_on_interest_or_a_tax_refund_is_not_applied_automatically(memo):
    """A bank that is also a customer pays interest; the amount happens to be an invoice's."""
    proposal = match("6543.21", "中国银行股份有限公司上海市分行", memo)
    assert proposal.status in (REVIEW, IGNORED)


def test_a_reference_in_the_memo_still_applies_a_customers_payment_with_such_a_word():
    proposal = match("6543.21", "中国银行股份有限公司上海市分行", "INV-0013010 含保险费")
    assert (proposal.status, proposal.customer_code) == (AUTO, "C40")


NUMBERED = [  # an ERP that numbers its invoices with digits only
    invoice("1000302", "C08", "1130.00"),
    invoice("1000303", "C08", "2260.00", 2),
]


def match_numbered(amount, payer, memo):
    index = MatchIndex([HUADONG, JIAHE], NUMBERED)
    return index.match(BankLine("B1", date(2026, 12, 1), D(amount), "CNY", "credit", payer, "6222", memo))


def test_a_bare_number_from_an_unknown_payer_applies_only_the_amount_it_names():
    """王五 writes 1000302 and pays 1,200.00 for an invoice of 1,130.00: a number without prefix
    or word, from nobody known, that the amount does not bear out, is a person's decision."""
    over = match_numbered("1200.00", "王五", "1000302")
    assert over.status == REVIEW and "reference_unconfirmed" in [r.code for r in over.reasons]
    assert match_numbered("600.00", "王五", "1000302").status == REVIEW
    exact = match_numbered("1130.00", "王五", "1000302")
    assert (exact.status, exact.customer_code) == (AUTO, "C08")


@pytest.mark.parametrize(
    ("payer", "memo"), [("王五", "发票号1000302"), ("上海嘉和（中国）有限公司", "1000302")]
)
def test_a_number_after_its_word_or_from_the_customer_still_applies_a_part_payment(payer, memo):
    proposal = match_numbered("600.00", payer, memo)
    assert (proposal.status, proposal.customer_code) == (AUTO, "C08")
    assert [(a.invoice_number, a.amount) for a in proposal.allocations] == [("1000302", D("600.00"))]


def test_a_bare_number_and_a_name_like_the_customers_apply_a_part_payment():
    """The payer's name mistyped (桦东 for 华东): a number without prefix that is one of that
    customer's invoices bears the name out, and the name the number."""
    ledger = [invoice_of("1000302", "C01", "1130.00"), invoice_of("1000303", "C08", "2260.00")]
    index = MatchIndex([HUADONG, JIAHE], ledger)

    def paid(memo):
        payer = "上海桦东机械有限公司"
        return index.match(BankLine("B1", date(2026, 12, 1), D("600.00"), "CNY", "credit", payer, "", memo))

    proposal = paid("1000302")
    assert (proposal.status, proposal.customer_code) == (AUTO, "C01")
    assert [(a.invoice_number, a.amount) for a in proposal.allocations] == [("1000302", D("600.00"))]
    # The number of a customer the name does not resemble stays a person's decision.
    assert paid("1000303").status == REVIEW


def invoice_of(number, customer, amount):
    return OpenInvoice(number, customer, D(amount), "CNY", date(2026, 10, 1), None)


def test_a_number_written_with_its_prefix_names_no_other_customers_number_of_those_digits():
    """SO-0012172 is an order of 嘉和; INV-0012172 an invoice of 华东机械, of the same amount.
    The payer wrote the order's prefix: the invoice is not a candidate."""
    ledger = [
        OpenInvoice("INV-0022400", "C08", D("1200.00"), "CNY", date(2026, 10, 1), None, "SO-0012172"),
        OpenInvoice("INV-0012172", "C01", D("1200.00"), "CNY", date(2026, 10, 1), None, "SO-0099999"),
    ]
    index = MatchIndex([HUADONG, JIAHE], ledger)
    line = BankLine(
        "B1", date(2026, 12, 1), D("1200.00"), "CNY", "credit", "北京辉嘉环保设备有限公司", "", "SO-0012172"
    )
    proposal = index.match(line)
    assert (proposal.status, proposal.customer_code) == (AUTO, "C08")
    assert [c.customer_code for c in proposal.candidates] == ["C08"]


def test_a_part_payment_made_for_another_customer_waits_for_a_person():
    """嘉和 pays its own invoice's amount, 5,123.40, for 华东机械's INV-0013002 (7,412.35): whose
    money it is, and for what, a person says."""
    proposal = match("5123.40", "上海嘉和（中国）有限公司", "代华东机械付货款 INV-0013002")
    assert proposal.status == REVIEW
    assert "on_behalf_amount" in [r.code for r in proposal.reasons]
