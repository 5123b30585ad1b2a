"""Receipts from customers abroad as their banks write them: legal forms of other countries,
letters with marks the bank drops, names cut at 35 characters, invoices numbered within their
year and paid by their running number, ranges written in words; and a Chinese name written
with 市 after its place or as the place and the short name."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from huikuan.cash.matching import AUTO, BankLine, CustomerRef, MatchIndex, OpenInvoice
from huikuan.cash.matching.references import memo_numbers, sequence_body

D = Decimal
CUSTOMERS = [
    CustomerRef("K01", "Nordic Marine Supply AB", "", "", "EUR"),
    CustomerRef("K02", "Şahin Yapı Malzemeleri A.Ş.", "", "", "USD"),
    CustomerRef("K03", "Kowalski Narzędzia Sp. z o.o.", "", "", "EUR"),
    CustomerRef("K04", "Saigon Industrial Components Joint Stock Company", "", "", "USD"),
    CustomerRef("K05", "PT Sinar Jaya Teknik", "", "", "USD"),
    CustomerRef("K06", "Brightline Industrial Supplies Ltd", "", "", "USD"),
    CustomerRef("C01", "广州宏达五金制品有限公司", "宏达五金", "", "CNY"),
    CustomerRef("C02", "杭州恒通机电设备有限公司", "恒通机电", "", "CNY"),
    CustomerRef("C03", "宁波甬兴进出口有限公司", "", "Ningbo Yongxing Import and Export Co., Ltd.", "USD"),
    CustomerRef("K07", "Atlantic Tool Distributors Inc", "", "", "USD"),
]


def invoice(number, customer, amount, currency, day=1):
    return OpenInvoice(number, customer, D(amount), currency, date(2026, 10, day), date(2026, 11, day), "")


LEDGER = [
    invoice("INV-2026-0101", "K01", "4415.25", "EUR"),
    invoice("INV-2026-0102", "K01", "9870.00", "EUR", 2),
    invoice("INV-2026-0138", "K02", "12345.60", "USD"),
    invoice("INV-2026-0172", "K02", "7789.00", "USD", 2),
    invoice("INV-2026-0140", "K03", "6954.30", "EUR"),
    invoice("INV-2026-0175", "K03", "3870.00", "EUR", 2),
    invoice("INV-2026-0146", "K04", "19880.00", "USD"),
    invoice("INV-2026-0183", "K04", "24156.90", "USD", 2),
    invoice("INV-2026-0179", "K05", "6230.40", "USD"),
    invoice("INV-2026-0181", "K05", "3311.10", "USD", 2),
    invoice("INV-2026-0155", "K06", "7930.00", "USD"),
    invoice("INV-2026-0156", "K06", "3215.60", "USD"),
    invoice("INV-2026-0157", "K06", "2480.00", "USD"),
    invoice("INV-2026-0187", "K06", "16005.35", "USD", 2),
    invoice("YS26-0481", "C01", "9871.20", "CNY"),
    invoice("YS26-0460", "C02", "120000.00", "CNY"),
    invoice("YS26-0475", "C02", "240000.00", "CNY", 2),
    invoice("INV-2026-0167", "C03", "33450.00", "USD"),
    invoice("INV-2026-0159", "K07", "16480.00", "USD"),
    invoice("INV-2026-0186", "K07", "7395.65", "USD", 2),
]


def match(amount, payer, memo="", currency="USD"):
    index = MatchIndex(CUSTOMERS, LEDGER)
    return index.match(BankLine("B1", date(2026, 11, 30), D(amount), currency, "credit", payer, "", memo))


def allocations(proposal):
    return {a.invoice_number: str(a.amount) for a in proposal.allocations}


@pytest.mark.parametrize(
    ("payer", "amount", "currency", "customer", "number"),
    [
        ("NORDIC MARINE SUPPLY", "4415.25", "EUR", "K01", "INV-2026-0101"),  # AB left off
        ("NORDIC MARINE SUPPLY AKTIEBOLAG", "9870.00", "EUR", "K01", "INV-2026-0102"),  # written out
        ("SAHIN YAPI MALZEMELERI AS", "7789.00", "USD", "K02", "INV-2026-0172"),  # Ş, ı without marks
        ("KOWALSKI NARZEDZIA", "3870.00", "EUR", "K03", "INV-2026-0175"),  # Sp. z o.o. left off
        ("SAIGON INDUSTRIAL COMPONENTS JSC", "24156.90", "USD", "K04", "INV-2026-0183"),
        ("SINAR JAYA TEKNIK PT", "6230.40", "USD", "K05", "INV-2026-0179"),  # PT after the name
        ("BRIGHTLINE INDUSTRIAL SUPPLIES LIMI", "16005.35", "USD", "K06", "INV-2026-0187"),  # cut at 35
        ("SAIGON INDUSTRIAL COMPONENTS JOINT", "24156.90", "USD", "K04", "INV-2026-0183"),  # cut at 35
        ("广州市宏达五金制品有限公司", "9871.20", "CNY", "C01", "YS26-0481"),  # 市 after the place
        ("杭州恒通机电", "120000.00", "CNY", "C02", "YS26-0460"),  # its place and short name
        ("NINGBO YONGXING IMP. & EXP. CO., LTD.", "33450.00", "USD", "C03", "INV-2026-0167"),
    ],
)
def test_a_foreign_or_place_written_name_of_one_customer_applies_an_amount_of_one_invoice(
    payer, amount, currency, customer, number
):
    proposal = match(amount, payer, currency=currency)
    assert (proposal.status, proposal.customer_code) == (AUTO, customer)
    assert allocations(proposal) == {number: amount}


@pytest.mark.parametrize(
    ("payer", "amount", "currency"),
    [
        ("NORDIC MARINE SERVICES AS", "4415.25", "EUR"),  # another company: a legal form is no name
        ("BRIGHTLINE IND LIMI", "16005.35", "USD"),  # short: not a name the bank cut at its length
        ("北京恒通机电", "120000.00", "CNY"),  # the short name with another place: another company
        ("广州宏达五金贸易有限公司", "9871.20", "CNY"),  # another company of the same place
    ],
)
def test_a_name_that_only_resembles_is_not_applied_on_its_own(payer, amount, currency):
    assert match(amount, payer, currency=currency).status != AUTO


def test_invoices_numbered_within_their_year_are_named_by_their_running_number():
    assert [sequence_body(n) for n in ("INV-2026-0153", "FV/2024/00012", "INV-0012345", "YS26-0451")] == [
        "153",
        "12",
        "",
        "",
    ]
    proposal = match("10824.30", "KOWALSKI NARZEDZIA SP Z O O", "FV 0140/2026 0175/2026", "EUR")
    assert proposal.status == AUTO
    assert allocations(proposal) == {"INV-2026-0140": "6954.30", "INV-2026-0175": "3870.00"}
    partial = match("10000.00", "SAIGON INDUSTRIAL COMPONENTS JSC", "PART PAYMENT INV 146")
    assert (partial.status, allocations(partial)) == (AUTO, {"INV-2026-0146": "10000.00"})


def test_a_running_number_alone_from_an_unknown_payer_counts_only_when_the_amount_bears_it_out():
    # Nobody is known by the name: the running number points at no customer of its own.
    assert match("5000.00", "UNKNOWN TRADING LLC", "INV 179").status != AUTO
    # A name similar to one customer's and the running number of another customer's invoice.
    assert match("5000.00", "SINAR JAYA TEKNIKA", "INV 138").status != AUTO


@pytest.mark.parametrize(
    ("memo", "expected"),
    [
        ("PAYMENT OF INVOICES 155 TO 157", {"155", "156", "157"}),
        ("INV 12 THRU 14", {"12", "13", "14"}),
        ("EREF+NOTPROVIDED SVWZ+RE 151 U. 188", {"151", "188"}),
        ("FT 150 E 176", {"150", "176"}),
        ("PAYMENT TO 45 SUPPLIERS", {"45"}),  # TO after no number is no range
    ],
)
def test_ranges_and_lists_written_in_words(memo, expected):
    numbers = memo_numbers(memo)
    assert {number.body for number in numbers} == expected
    if len(expected) > 1:  # the prefix before the first number goes on, the word is none
        assert len({number.prefix for number in numbers}) == 1


def test_a_range_of_running_numbers_in_words_pays_the_invoices_of_the_range():
    proposal = match("13625.60", "BRIGHTLINE INDUSTRIAL SUPPLIES LIMI", "PAYMENT OF INVOICES 155 TO 157")
    assert proposal.status == AUTO
    assert allocations(proposal) == {
        "INV-2026-0155": "7930.00",
        "INV-2026-0156": "3215.60",
        "INV-2026-0157": "2480.00",
    }


def test_a_parent_paying_for_a_customer_named_in_the_memo_pays_that_customers_invoice():
    proposal = match(
        "7395.65", "ATLANTIC HOLDINGS GROUP INC", "PAYMENT FOR ATLANTIC TOOL DISTRIBUTORS INV 186"
    )
    assert (proposal.status, proposal.customer_code) == (AUTO, "K07")
    assert allocations(proposal) == {"INV-2026-0186": "7395.65"}
    assert "on_behalf" in [r.code for r in proposal.reasons]
    # For someone else, a part payment waits for a person; "payment for" goods names nobody.
    assert (
        match("5000.00", "ATLANTIC HOLDINGS GROUP INC", "PAYMENT FOR ATLANTIC TOOL DISTRIBUTORS").status
        != AUTO
    )
    assert match("16480.00", "ATLANTIC HOLDINGS GROUP INC", "PAYMENT FOR GOODS").status != AUTO


def test_a_name_whose_last_word_the_bank_shortened_and_a_distinctive_amount_identify_the_payer():
    proposal = match("7789.00", "SAHIN YAPI MALZ. A.S.")
    assert (proposal.status, proposal.customer_code) == (AUTO, "K02")
    assert allocations(proposal) == {"INV-2026-0172": "7789.00"}
    # The shortened name alone (an amount of no invoice) is a candidate, never applied.
    assert match("7000.00", "SAHIN YAPI MALZ. A.S.").status != AUTO
    # One word (a group's name without its legal forms) is no shortened name of a customer.
    assert match("16480.00", "ATLANTIC HOLDINGS GROUP INC").customer_code is None


@pytest.mark.parametrize(
    ("payer", "name"),
    [
        ("F.LLI ROSSI S.P.A.", "Fratelli Rossi S.p.A."),  # Italian F.LLI for Fratelli
        ("FLLI ROSSI SPA", "Fratelli Rossi S.p.A."),
        ("HNOS GARCIA SL", "Hermanos García S.L."),  # Spanish HNOS. for Hermanos
        ("KOWALSKI BROS LTD", "Kowalski Brothers Ltd"),
        ("EASTERN INT'L TRADING CO", "Eastern International Trading Co."),  # INT'L
    ],
)
def test_words_payers_banks_shorten_in_a_name_are_read_in_full(payer, name):
    customers = [CustomerRef("E01", name, "", "", "EUR"), *CUSTOMERS]
    ledger = [invoice("INV-2026-0301", "E01", "5120.45", "EUR"), *LEDGER]
    proposal = MatchIndex(customers, ledger).match(
        BankLine("B1", date(2026, 11, 5), D("5120.45"), "EUR", "credit", payer, "", "")
    )
    assert (proposal.status, proposal.customer_code) == (AUTO, "E01")
    assert "name_exact" in [r.code for r in proposal.reasons]
