"""Payer names written in Traditional characters (Hong Kong, Taiwan, Macau, many banks'
cross-border remittances): the same company as the customer written in simplified ones."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from huikuan.cash.matching import AUTO, REVIEW, BankLine, CustomerRef, MatchIndex, OpenInvoice

D = Decimal
HUAQIANG = CustomerRef("C01", "深圳市华强电子有限公司", "华强电子", "", "CNY")
YONGFA = CustomerRef("C02", "永发贸易(香港)有限公司", "", "", "CNY")
NANYANG = CustomerRef("C03", "南洋商业银行(中国)有限公司", "", "", "CNY")
HUARUN = CustomerRef("C04", "香港華潤貿易有限公司", "", "", "CNY")  # kept as the customer writes it
QIANSHENG = CustomerRef("C05", "乾盛贸易有限公司", "", "", "CNY")  # 乾 qián, as in 乾坤
GANSHENG = CustomerRef("C06", "干盛贸易有限公司", "", "", "CNY")  # another company
CUSTOMERS = [HUAQIANG, YONGFA, NANYANG, HUARUN, QIANSHENG, GANSHENG]


def invoice(number, customer, amount, day=1):
    return OpenInvoice(number, customer, D(amount), "CNY", date(2026, 10, day), date(2026, 11, day))


LEDGER = [
    invoice("INV-0020101", "C01", "5123.47"),
    invoice("INV-0020102", "C01", "8800.00", 2),
    invoice("INV-0020201", "C02", "3376.18"),
    invoice("INV-0020301", "C03", "6543.21"),
    invoice("INV-0020401", "C04", "2468.13"),
    invoice("INV-0020501", "C05", "1357.91"),
    invoice("INV-0020601", "C06", "1357.91"),
]


def match(amount, payer, memo="", account=""):
    """A receipt from an account no earlier receipt came from."""
    index = MatchIndex(CUSTOMERS, LEDGER)
    return index.match(BankLine("B1", date(2026, 12, 1), D(amount), "CNY", "credit", payer, account, memo))


def name_reason(proposal):
    return next(r for r in proposal.reasons if r.code.endswith("name_exact"))


def test_a_full_name_in_traditional_characters_is_the_customers_exact_name():
    proposal = match("5123.47", "深圳市華強電子有限公司", "貨款")
    assert (proposal.status, proposal.customer_code) == (AUTO, "C01")
    assert [(a.invoice_number, a.amount) for a in proposal.allocations] == [("INV-0020101", D("5123.47"))]
    # The reason is the exact name, as for the name in simplified characters, and quotes the
    # name as the bank wrote it.
    assert dict(name_reason(proposal).params) == {"name": "深圳市華強電子有限公司", "form": "full"}


@pytest.mark.parametrize(
    ("payer", "form"),
    [
        ("華強電子", "short"),  # the short name
        ("深圳市華強電子", "core"),  # without the legal form
        ("深圳華強電子有限公司", "full"),  # without 市
    ],
)
def test_a_short_name_or_a_name_without_legal_form_in_traditional_characters_is_exact(payer, form):
    proposal = match("5123.47", payer)
    assert (proposal.status, proposal.customer_code) == (AUTO, "C01")
    assert dict(name_reason(proposal).params)["form"] == form


@pytest.mark.parametrize(
    ("payer", "amount", "customer"),
    [
        ("深圳市華強電子有限公司廣州分公司", "5123.47", "C01"),
        ("南洋商業銀行（中國）有限公司深圳分行", "6543.21", "C03"),
    ],
)
def test_a_branch_written_in_traditional_characters_is_its_company(payer, amount, customer):
    proposal = match(amount, payer)
    assert (proposal.status, proposal.customer_code) == (AUTO, customer)


def test_full_width_brackets_around_a_place_in_traditional_characters():
    for payer in ("永發貿易（香港）有限公司", "永發貿易(香港)有限公司", "永發貿易有限公司"):
        proposal = match("3376.18", payer)
        assert (proposal.status, proposal.customer_code) == (AUTO, "C02"), payer


def test_a_customer_kept_in_traditional_characters_is_found_by_a_payer_writing_simplified_ones():
    proposal = match("2468.13", "香港华润贸易有限公司")
    assert (proposal.status, proposal.customer_code) == (AUTO, "C04")


@pytest.mark.parametrize(
    ("payer", "amount"),
    [
        ("廣州華強電子有限公司", "5123.47"),  # a company of the customer's name in another place
        ("深圳市華強電器有限公司", "8800.00"),  # one character apart, and a round amount
    ],
)
def test_a_stranger_written_in_traditional_characters_is_shown_but_never_applied(payer, amount):
    """Read in simplified characters, the stranger's name resembles the customer's as it would
    in simplified ones: the customer is offered to a person, the receipt is not applied."""
    proposal = match(amount, payer)
    assert proposal.status == REVIEW
    assert [c.customer_code for c in proposal.candidates] == ["C01"]


def test_a_character_simplified_writing_uses_too_is_kept_as_written():
    """乾 is also a simplified character (乾坤, qián): a name in Traditional characters with 乾
    is 乾盛, never the other company 干盛, and names in simplified characters are left alone."""
    proposal = match("1357.91", "乾盛貿易有限公司")
    assert (proposal.status, proposal.customer_code) == (AUTO, "C05")
    proposal = match("1357.91", "干盛贸易有限公司")
    assert (proposal.status, proposal.customer_code) == (AUTO, "C06")


@pytest.mark.parametrize(
    "memo",
    [
        "代深圳市華強電子有限公司支付貨款",
        "受深圳市華強電子有限公司委託付款",
    ],
)
def test_a_memo_in_traditional_characters_names_the_customer_paid_for(memo):
    proposal = match("5123.47", "陳大文", memo, account="6217000011112222")
    assert (proposal.status, proposal.customer_code) == (AUTO, "C01")
    assert "on_behalf" in [r.code for r in proposal.reasons]
    assert dict(name_reason(proposal).params)["name"] == "深圳市華強電子有限公司"


@pytest.mark.parametrize("memo", ["存款結息", "理財產品到期"])
def test_a_bank_customers_name_on_interest_written_in_traditional_characters_is_not_applied(memo):
    """The bank is a customer and its name is now its exact name; the memo, read in simplified
    characters too, says interest or a wealth product: a person decides, as in simplified."""
    proposal = match("6543.21", "南洋商業銀行（中國）有限公司", memo)
    assert proposal.status == REVIEW
    assert "non_customer_memo" in [r.code for r in proposal.reasons]


def test_a_memo_in_traditional_characters_names_invoices_orders_and_contracts():
    from huikuan.cash.matching.references import CONTRACT, INVOICE, ORDER, memo_numbers

    hints = {(n.digits, n.hint) for n in memo_numbers("支付發票號碼12345、12346 訂單號778 合同編號2024")}
    assert hints == {("12345", INVOICE), ("12346", INVOICE), ("778", ORDER), ("2024", CONTRACT)}
    assert memo_numbers("支付發票號碼12345") == memo_numbers("支付发票号码12345")
