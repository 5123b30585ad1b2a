"""The matcher's rules where two signals together say who paid though neither does alone, one
test each, and each with the cases where it must not apply money."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from huikuan.cash.matching import (
    AUTO,
    IGNORED,
    REVIEW,
    UNMATCHED,
    Aliases,
    BankLine,
    CustomerRef,
    MatchIndex,
    OpenInvoice,
)

D = Decimal
HUADONG = CustomerRef("C001", "上海华东机械有限公司", "华东机械", "", "CNY")
HUANAN = CustomerRef("C002", "上海华南机械有限公司", "", "", "CNY")  # one character from 华东
JINGMI = CustomerRef("C003", "苏州恒泰精密仪器制造有限公司", "", "", "CNY")
BAOZHANG = CustomerRef("C004", "中国平安财产保障服务有限公司", "", "", "CNY")


def invoice(number, customer, amount, day=1):
    return OpenInvoice(number, customer, D(amount), "CNY", date(2024, 1, day), date(2024, 2, day))


LEDGER = [
    invoice("INV-101", "C001", "4321.57"),
    invoice("INV-102", "C001", "880.00", 2),
    invoice("INV-201", "C002", "1999.99"),
    invoice("INV-301", "C003", "6543.21"),
    invoice("INV-401", "C004", "7777.77"),
]
CUSTOMERS = [HUADONG, HUANAN, JINGMI, BAOZHANG]


def match(amount, payer, *, memo="", account="", ledger=LEDGER, customers=CUSTOMERS, aliases=None):
    index = MatchIndex(customers, ledger, aliases)
    return index.match(BankLine("B1", date(2024, 3, 1), D(amount), "CNY", "credit", payer, account, memo))


def codes(proposal):
    return [r.code for r in proposal.reasons]


# --- a similar name and a distinctive amount ------------------------------------------------
def test_a_mistyped_name_and_an_amount_only_that_customer_has_open_apply_the_receipt():
    proposal = match("4321.57", "上海桦东机械有限公司")  # 华东 (its trade name) mistyped
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")
    assert [(a.invoice_number, a.amount) for a in proposal.allocations] == [("INV-101", D("4321.57"))]
    assert "name_similar_amount" in codes(proposal)


def test_a_name_the_bank_cut_short_and_an_amount_only_that_customer_has_open_apply_the_receipt():
    proposal = match("6543.21", "苏州恒泰精密仪器制")
    assert (proposal.status, proposal.customer_code) == (AUTO, "C003")
    assert "name_similar_amount" in codes(proposal)


def test_a_similar_name_alone_applies_nothing():
    # A part payment: the amount singles out no invoice.
    assert match("2000.00", "上海桦东机械有限公司").status in (REVIEW, UNMATCHED)
    # A round amount fits anyone's invoice by chance.
    proposal = match("880.00", "上海桦东机械有限公司")
    assert proposal.status == REVIEW and proposal.candidates[0].customer_code == "C001"


def test_an_amount_many_open_invoices_carry_is_no_evidence_of_who_paid():
    others = [CustomerRef(f"C9{n}", f"重庆{w}有限公司", "", "", "CNY") for n, w in enumerate("甲乙丙丁")]
    ledger = [*LEDGER, *(invoice(f"INV-9{n}", f"C9{n}", "4321.57") for n in range(4))]
    proposal = match("4321.57", "上海桦东机械有限公司", ledger=ledger, customers=[*CUSTOMERS, *others])
    assert proposal.status == REVIEW


def test_two_similar_customers_with_the_amount_open_are_a_person_decision():
    ledger = [*LEDGER, invoice("INV-202", "C002", "4321.57", 2)]
    proposal = match("4321.57", "上海华西机械有限公司", ledger=ledger)  # 华东? 华南?
    assert proposal.status == REVIEW
    assert {c.customer_code for c in proposal.candidates} >= {"C001", "C002"}


def test_a_company_of_the_customers_name_in_another_place_is_not_settled_by_the_amount():
    proposal = match("4321.57", "北京华东机械有限公司")  # another company, whatever it pays
    assert proposal.status != AUTO


def test_an_insurer_whose_name_resembles_a_customer_is_not_a_customer_receipt():
    proposal = match("7777.77", "中国平安财产保险股份有限公司", memo="理赔款")
    assert proposal.status == IGNORED and proposal.allocations == ()


def test_a_learned_account_of_another_customer_outranks_a_similar_name_and_the_amount():
    aliases = Aliases(by_account={"6222000011112222": "C002"})
    proposal = match("4321.57", "上海桦东机械有限公司", account="6222000011112222", aliases=aliases)
    assert proposal.status == REVIEW


# --- names ------------------------------------------------------------------------------------
def test_a_foreign_legal_form_is_no_part_of_the_name():
    jiahe = CustomerRef("C005", "深圳嘉禾贸易有限公司", "", "Jiahe Trading Co., Ltd.", "CNY")
    ledger = [*LEDGER, invoice("INV-501", "C005", "3141.59")]
    proposal = match("3141.59", "JIAHE TRADING PTE. LTD.", ledger=ledger, customers=[*CUSTOMERS, jiahe])
    assert (proposal.status, proposal.customer_code) == (AUTO, "C005")
    assert "name_exact" in codes(proposal)


def test_a_legal_form_mistyped_by_one_character_is_read_as_meant():
    proposal = match("4321.57", "上海华东机械有眼责任公司")  # 有限责任公司 mistyped
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")
    assert "name_exact" in codes(proposal)
    # Only the legal form is mended: a different name stays a different name.
    assert "name_exact" not in codes(match("4321.57", "上海华南机戒有眼责任公司"))


def test_a_mistyped_name_and_the_sum_of_one_order_of_that_customer_apply_the_receipt():
    # 1,234.56 + 2,345.67: all the open invoices of order SO-9, as payers pay a delivery.
    ledger = [
        *LEDGER,
        _order("INV-501", "C001", "1234.56", "SO-9"),
        _order("INV-502", "C001", "2345.67", "SO-9", 2),
        _order("INV-503", "C001", "999.99", "SO-10", 3),
    ]
    proposal = match("3580.23", "上海桦东机械有限公司", ledger=ledger)
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")
    assert {a.invoice_number for a in proposal.allocations} == {"INV-501", "INV-502"}
    assert "name_similar_sum" in codes(proposal)
    # A sum in whole tens is anyone's; a similar name with it waits for a person.
    round_ledger = [
        *ledger[:-3],
        _order("INV-501", "C001", "1200.00", "SO-9"),
        _order("INV-502", "C001", "2300.00", "SO-9", 2),
    ]
    assert match("3500.00", "上海桦东机械有限公司", ledger=round_ledger).status == REVIEW
    # A combination found among all subsets settles it only while the customer's sums are too
    # few for a coincidence: two invoices of two orders among four open, yes …
    scattered = [
        *LEDGER,
        _order("INV-504", "C001", "1234.56", "SO-11"),
        _order("INV-505", "C001", "2345.67", "SO-12", 2),
    ]
    proposal = match("3580.23", "上海桦东机械有限公司", ledger=scattered)
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")
    assert {a.invoice_number for a in proposal.allocations} == {"INV-504", "INV-505"}
    # … the same two among forty more, whose sums lie thick around the amount, no.
    crowded = [
        *scattered,
        *(
            _order(f"INV-6{k:02d}", "C001", f"{300 + 97 * k}.{k * 37 % 100:02d}", f"SO-{20 + k}")
            for k in range(40)
        ),
    ]
    proposal = match("3580.23", "上海桦东机械有限公司", ledger=crowded)
    assert (proposal.status, proposal.customer_code) == (REVIEW, "C001")
    assert {a.invoice_number for a in proposal.allocations} == {"INV-504", "INV-505"}


def test_a_mistyped_name_and_an_invoice_less_a_bank_charge_apply_the_receipt():
    # 4,321.57 less a 15.00 charge: the receipt's cents are the invoice's, which only C001 has.
    proposal = match("4306.57", "上海桦东机械有限公司")
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")
    assert [(a.invoice_number, a.amount) for a in proposal.allocations] == [("INV-101", D("4306.57"))]
    assert {"name_similar_amount", "difference_bank_charge"} <= set(codes(proposal))
    # An invoice in whole tens less a charge is anyone's amount: a person decides.
    round_ledger = [*LEDGER, invoice("INV-103", "C001", "5000.00", 3)]
    assert match("4985.50", "上海桦东机械有限公司", ledger=round_ledger).status != AUTO
    # Nor does a short-pay of another size (31.44), or a charge no price list names (6.00).
    assert match("4290.13", "上海桦东机械有限公司").status != AUTO
    assert match("4315.57", "上海桦东机械有限公司").status != AUTO
    # A customer with many invoices for the amount's size meets a stranger's receipt less some
    # charge too often: the same receipt waits for a person.
    busy = [*LEDGER, *(invoice(f"INV-8{k:02d}", "C001", f"{2000 + 173 * k}.{k:02d}", 3) for k in range(60))]
    assert match("4306.57", "上海桦东机械有限公司", ledger=busy).status != AUTO


# --- a name mistyped in a common word ---------------------------------------------------------
@pytest.mark.parametrize(
    "payer",
    [
        "上海华东机戒有限公司",  # its trade, 机械, mistyped into no word
        "上湖华东机械有限公司",  # its place, 上海, mistyped into no word
        "上海华东机戒有限公司杭州分公司",
    ],
)
def test_a_name_with_its_place_or_trade_mistyped_into_no_word_names_the_customer(payer):
    # A round amount, which a similar name alone would leave to a person: no company is
    # registered with a place or a trade that is no word, so the payer is the customer.
    proposal = match("880.00", payer)
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")
    assert [(a.invoice_number, a.amount) for a in proposal.allocations] == [("INV-102", D("880.00"))]
    assert "name_typo" in codes(proposal)


def test_a_mistyped_name_weighs_as_a_short_name_so_a_short_pay_within_the_tolerance_is_applied():
    # 4,321.57 open, 4,310.12 paid: short by 11.45, no bank charge's size.
    proposal = match("4310.12", "上海华东机戒有限公司")
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")
    assert [(a.invoice_number, a.amount) for a in proposal.allocations] == [("INV-101", D("4310.12"))]
    assert {"name_typo", "amount_within_tolerance"} <= set(codes(proposal))


@pytest.mark.parametrize(
    "payer",
    [
        "上海桦东机械有限公司",  # its trade name mistyped: as likely another company's
        "上海华东机床有限公司",  # another trade (机床 is a word): another company
    ],
)
def test_a_name_that_differs_in_its_trade_name_or_in_a_real_word_is_only_similar(payer):
    proposal = match("880.00", payer)
    assert proposal.status == REVIEW and proposal.candidates[0].customer_code == "C001"
    assert "name_typo" not in codes(proposal) and "name_fuzzy" in codes(proposal)


def test_a_mistyped_word_that_two_customers_names_are_one_character_from_names_neither():
    # 上海华东机戒 is one character from 上海华东机械 and from 上海华东机诫 (both customers).
    twin = CustomerRef("C005", "上海华东机诫有限公司", "", "", "CNY")
    ledger = [*LEDGER, invoice("INV-501", "C005", "880.00")]
    proposal = match("880.00", "上海华东机戒有限公司", ledger=ledger, customers=[*CUSTOMERS, twin])
    assert proposal.status != AUTO
    assert "name_typo" not in codes(proposal)


def test_a_mistyped_name_still_waits_for_a_person_when_the_amount_fits_nothing():
    proposal = match("2000.00", "上海华东机戒有限公司")
    assert proposal.status in (REVIEW, UNMATCHED)


# --- a number of two customers in the memo --------------------------------------------------
def _order(number, customer, amount, order, day=1):
    return OpenInvoice(number, customer, D(amount), "CNY", date(2024, 1, day), date(2024, 2, day), order)


NUMBERS = [
    _order("INV-0012345", "C001", "1200.00", "SO-0000777"),
    _order("INV-0000999", "C002", "1200.00", "SO-0012345"),  # another customer's order 0012345
]


def test_a_bare_number_of_two_customers_is_settled_by_the_payers_exact_name():
    proposal = match("1200.00", "上海华东机械有限公司", memo="0012345", ledger=NUMBERS)
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")
    assert [a.invoice_number for a in proposal.allocations] == ["INV-0012345"]


def test_a_bare_number_of_two_customers_is_settled_by_a_name_like_one_of_them():
    # 0012345 is 华东机械's invoice and 华南机械's order. A name like 华东机械's pays part of it:
    # the name resembles the one and nothing but the number speaks for the other.
    proposal = match("700.00", "上海华东机电有限公司", memo="0012345", ledger=NUMBERS)
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")
    assert [(a.invoice_number, a.amount) for a in proposal.allocations] == [("INV-0012345", D("700.00"))]
    # Nobody known pays part of it: which of the two is a person's decision.
    assert match("700.00", "张伟", memo="0012345", ledger=NUMBERS).status != AUTO


def test_a_number_written_with_its_prefix_is_not_overruled_by_the_payer_name():
    # The memo names the other customer's order SO-0012345 explicitly: a third party paying?
    proposal = match("1200.00", "上海华东机械有限公司", memo="SO-0012345", ledger=NUMBERS)
    assert proposal.status == REVIEW


def test_another_customer_paying_an_invoice_the_memo_names_to_the_cent_applies_it():
    """上海华南机械 (C002, by its exact name) pays 华东机械's invoice INV-0012345, named in the
    memo, to the cent: one company paying for another. Its own open invoice (1,999.99) is not
    what it pays."""
    ledger = [NUMBERS[0], invoice("INV-201", "C002", "1999.99")]
    proposal = match("1200.00", "上海华南机械有限公司", memo="INV-0012345", ledger=ledger)
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")
    assert [a.invoice_number for a in proposal.allocations] == ["INV-0012345"]
    # A part of it: who pays what for whom is a person's decision.
    assert match("600.00", "上海华南机械有限公司", memo="INV-0012345", ledger=ledger).status == REVIEW


def test_a_bare_number_of_two_customers_with_no_payer_known_waits_for_a_person():
    proposal = match("1200.00", "张伟", memo="0012345", ledger=NUMBERS)
    assert proposal.status == REVIEW


def test_a_bare_number_of_two_customers_is_settled_by_an_amount_paying_one_of_them_to_the_cent():
    """0427240 is 华东机械's invoice (11,615.77) and 长城电子's order (an invoice of 11,641.06):
    a receipt of 11,615.77 pays the invoice to the cent, while the order would be paid 25.29
    short. Someone nobody knows pays: the amount says which number was meant."""
    ledger = [
        _order("INV-0427240", "C001", "11615.77", "SO-0000901"),
        _order("INV-0789270", "C002", "11641.06", "SO-0427240"),
    ]
    proposal = match("11615.77", "厦门合美食品有限责任公司", memo="付3月货款 0427240", ledger=ledger)
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")
    assert [(a.invoice_number, a.amount) for a in proposal.allocations] == [("INV-0427240", D("11615.77"))]
    # A round sum pays many invoices to the cent by chance: still a person's decision.
    round_ledger = [
        _order("INV-0427240", "C001", "11600.00", "SO-0000901"),
        _order("INV-0789270", "C002", "11625.00", "SO-0427240"),
    ]
    assert match("11600.00", "厦门合美食品有限责任公司", memo="0427240", ledger=round_ledger).status == REVIEW
    # So when the payer's name is the other customer's: it may be paying its own order short.
    named = match("11615.77", "上海华南机械有限公司", memo="0427240", ledger=ledger)
    assert named.status == REVIEW


def test_a_mistyped_name_and_a_bare_number_of_that_customers_invoice_apply_the_part_payment():
    # Neither the mistyped name nor "12345" (the number without its zeros) says it alone; the
    # two agree on one invoice, which a stranger's number and name meet about once in a million.
    ledger = [_order("INV-0054321", "C003", "9000.00", "SO-0000778"), *NUMBERS]
    alike = match("4000.00", "苏州恒秦精密仪器制造有限公司", memo="54321 付款", ledger=ledger)
    assert (alike.status, alike.customer_code) == (AUTO, "C003")
    assert [(a.invoice_number, a.amount) for a in alike.allocations] == [("INV-0054321", D("4000.00"))]
    assert {"name_fuzzy", "reference_invoice", "partial_payment"} <= set(codes(alike))
    proposal = match("500.00", "上海桦东机械有限公司", memo="12345 付款", ledger=NUMBERS)
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")
    assert [(a.invoice_number, a.amount) for a in proposal.allocations] == [("INV-0012345", D("500.00"))]
    # The same digits behind another prefix (the payer's contract HT12345) are its own series'
    # number, which many memos carry: shown to a person, not applied.
    contract = match("500.00", "上海桦东机械有限公司", memo="材料款 HT12345", ledger=NUMBERS)
    assert contract.status == REVIEW and contract.customer_code == "C001"
    # A payer nobody knows writing the same number is still nobody's.
    assert match("500.00", "张伟", memo="12345 付款", ledger=NUMBERS).status == UNMATCHED
    assert match("4000.00", "张伟", memo="54321 付款", ledger=ledger).status != AUTO


# --- how crowded the sums near an amount are ------------------------------------------------
def test_a_unique_combination_among_many_invoices_is_sure_when_few_sums_come_near_it():
    from huikuan.cash.matching.model import MatchSettings
    from huikuan.cash.matching.subsets import cents_of, certainty_of_chance, exact_combination_chance

    settings = MatchSettings()

    def exact_combination_certainty(amount, pool, eligible, settings):
        return certainty_of_chance(exact_combination_chance(amount, pool, settings), len(pool), eligible)

    sparse = [D("12345.67"), D("32654.70"), *(D(33600 + 450 * n) + D("0.31") for n in range(22))]
    assert exact_combination_certainty(D("45000.37"), [cents_of(a) for a in sparse], 24, settings) >= 0.92
    crowded = [D(100 + 17 * n) + D("0.13") for n in range(24)]
    assert exact_combination_certainty(D("1234.56"), [cents_of(a) for a in crowded], 24, settings) <= 0.85
    # A pool that left eligible invoices out cannot prove the combination unique.
    assert exact_combination_certainty(D("45000.37"), [cents_of(a) for a in sparse], 30, settings) <= 0.85


def test_only_sums_of_as_many_invoices_compete_with_the_combination_found():
    from huikuan.cash.matching.model import MatchSettings
    from huikuan.cash.matching.subsets import cents_of, exact_combination_chance

    # Twenty small invoices whose sums of three and four crowd around 4,999.63; of two large
    # ones alone it is the sum of two.
    amounts = [D("2100.37"), D("2899.26"), *(D(900 + 61 * n) + D("0.11") * n for n in range(20))]
    cents, settings = [cents_of(a) for a in amounts], MatchSettings()
    assert exact_combination_chance(D("4999.63"), cents, settings) > 0.01
    assert exact_combination_chance(D("4999.63"), cents, settings, size=2) < 0.001
    assert exact_combination_chance(D("4999.63"), cents, settings, size=4) > 0.01
    ledger = [invoice(f"INV-9{k:02d}", "C001", str(a), 1 + k % 20) for k, a in enumerate(amounts)]
    proposal = match("4999.63", "上海华东机械有限公司", ledger=ledger)
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")
    assert {a.invoice_number for a in proposal.allocations} == {"INV-900", "INV-901"}


def test_a_unique_combination_among_many_open_invoices_is_applied():
    invoices = [
        invoice("INV-701", "C003", "12345.67"),
        invoice("INV-702", "C003", "32654.70", 2),
        *(invoice(f"INV-7{10 + n}", "C003", str(D(33600 + 450 * n) + D("0.31")), 3) for n in range(22)),
    ]
    proposal = match("45000.37", "苏州恒泰精密仪器制造有限公司", ledger=[*LEDGER[:-2], *invoices])
    assert proposal.status == AUTO
    assert {a.invoice_number for a in proposal.allocations} == {"INV-701", "INV-702"}


def test_a_short_name_that_is_also_other_places_companies_name_is_settled_by_the_amount():
    beijing = CustomerRef("C006", "北京华东机械有限公司", "", "", "CNY")  # 华东机械 without its place
    ledger = [*LEDGER, invoice("INV-601", "C006", "555.55")]
    customers = [*CUSTOMERS, beijing]
    proposal = match("4321.57", "华东机械", ledger=ledger, customers=customers)  # C001's short name
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")
    assert "name_shared_amount" in codes(proposal)
    # The other company has the amount open: the short name alone does not decide.
    proposal = match("555.55", "华东机械", ledger=ledger, customers=customers)
    assert proposal.status != AUTO


def test_a_shared_name_and_one_invoice_less_a_bank_charge_settle_who_paid():
    beijing = CustomerRef("C006", "北京华东机械有限公司", "", "", "CNY")
    ledger = [*LEDGER, invoice("INV-601", "C006", "555.55")]
    customers = [*CUSTOMERS, beijing]
    proposal = match("4311.57", "华东机械", ledger=ledger, customers=customers)  # 4,321.57 less 10.00
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")
    assert [(a.invoice_number, a.amount) for a in proposal.allocations] == [("INV-101", D("4311.57"))]
    assert "name_shared_amount" in codes(proposal)
    # Less a sum no bank charges (13.00): the name alone does not say which of the two paid.
    assert match("4308.57", "华东机械", ledger=ledger, customers=customers).status != AUTO


def test_a_shared_name_and_an_invoice_less_a_charge_beyond_the_tolerance_settle_who_paid():
    """50.00 kept of 1,234.56 is more than the tolerance (2 %, 24.69): the invoice is paid in
    part, and the charge's cents single out 上海华东机械 among the companies named 华东机械."""
    beijing = CustomerRef("C006", "北京华东机械有限公司", "", "", "CNY")
    ledger = [*LEDGER, invoice("INV-103", "C001", "1234.56", 3), invoice("INV-601", "C006", "7555.55")]
    proposal = match("1184.56", "华东机械", ledger=ledger, customers=[*CUSTOMERS, beijing])
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")
    assert [(a.invoice_number, a.amount) for a in proposal.allocations] == [("INV-103", D("1184.56"))]
    assert {"name_shared_amount", "amount_less_bank_charge"} <= set(codes(proposal))


def test_a_shared_name_and_a_round_invoice_less_a_bank_charge_settle_who_paid():
    """5,000.00 is an amount many invoices carry; among the companies named 华东机械, only
    上海华东机械 has it open, so 4,985.00 (15.00 kept by the banks) is its."""
    beijing = CustomerRef("C006", "北京华东机械有限公司", "", "", "CNY")
    ledger = [*LEDGER, invoice("INV-103", "C001", "5000.00", 3), invoice("INV-601", "C006", "7555.55")]
    ledger += [invoice(f"INV-9{n:02}", "C004", "5000.00", n + 1) for n in range(5)]  # not distinctive
    customers = [*CUSTOMERS, beijing]
    proposal = match("4985.00", "华东机械", ledger=ledger, customers=customers)
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")
    assert [(a.invoice_number, a.amount) for a in proposal.allocations] == [("INV-103", D("4985.00"))]
    # The other company has two invoices of 5,000.00 open: as near, and as likely its payment.
    twice = [*ledger, invoice("INV-602", "C006", "5000.00", 2), invoice("INV-603", "C006", "5000.00", 3)]
    assert match("4985.00", "华东机械", ledger=twice, customers=customers).status != AUTO


def test_a_name_many_customers_share_is_settled_by_what_one_of_them_pays_as_a_habit():
    places = ["北京", "广州", "天津", "重庆"]
    others = [CustomerRef(f"C5{n}", f"{p}华东机械有限公司", "", "", "CNY") for n, p in enumerate(places)]
    ledger = [*LEDGER, *(invoice(f"INV-5{n}", f"C5{n}", "3000.00") for n in range(4))]
    # Everything 华东机械 (C001) has open, to the cent: 4,321.57 and 880.00.
    proposal = match("5201.57", "华东机械", ledger=ledger, customers=[*CUSTOMERS, *others])
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")
    assert {a.invoice_number for a in proposal.allocations} == {"INV-101", "INV-102"}
    # A sum in whole tens is anyone's.
    assert match("6000.00", "华东机械", ledger=ledger, customers=[*CUSTOMERS, *others]).status != AUTO


def test_a_shared_name_and_a_number_of_one_of_them_in_the_memo_apply_a_part_payment():
    """The short name is two customers'; the number (written bare) is an invoice of one."""
    beijing = CustomerRef("C006", "北京华东机械有限公司", "", "", "CNY")
    ledger = [*LEDGER, invoice("INV-0043210", "C001", "4321.57"), invoice("INV-601", "C006", "555.55")]
    proposal = match("2000.00", "华东机械", memo="0043210", ledger=ledger, customers=[*CUSTOMERS, beijing])
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")
    assert [(a.invoice_number, a.amount) for a in proposal.allocations] == [("INV-0043210", D("2000.00"))]


def test_the_customer_with_the_amount_open_is_compared_even_when_many_names_are_as_alike():
    # Seven companies one character from the payer's name: the name search keeps the first few;
    # the one with the amount open is found from the amount and compared with the name.
    alike = [
        CustomerRef(f"C1{n}", f"上海华东机{c}有限公司", "", "", "CNY") for n, c in enumerate("床具电泵件器材")
    ]
    mine = CustomerRef("C999", "上海华东机械有限公司", "", "", "CNY")
    ledger = [
        invoice("INV-999", "C999", "2718.28"),
        *(invoice(f"INV-1{n}", f"C1{n}", "100.01") for n in range(7)),
    ]
    index = MatchIndex([*alike, mine], ledger)
    line = BankLine("B1", date(2024, 3, 1), D("2718.28"), "CNY", "credit", "上海桦东机械有限公司", "", "")
    proposal = index.match(line)
    assert (proposal.status, proposal.customer_code) == (AUTO, "C999")
    # A stranger whose name resembles none of the customers with the amount open: nothing.
    line = BankLine("B2", date(2024, 3, 1), D("2718.28"), "CNY", "credit", "广州远达物流有限公司", "", "")
    assert index.match(line).status != AUTO


# --- dates and periods are no references ------------------------------------------------------
def test_the_year_and_month_of_a_period_are_not_read_as_numbers_of_another_customer():
    from huikuan.cash.matching.references import memo_numbers

    for memo in (
        "2024年7月货款",
        "7月份服务费",
        "3月5日付款",
        "2024年度返利",
        "2024-07 货款",
        "2024.9 货款",
        "2024-07-15",
        "APR 2024 FEE",
        # Instalments, batches and quarters counted are no numbers either.
        "第3期货款",
        "支付第 12 期租金",
        "第二批货款",
        "2024年第3季度服务费",
        "分12期付款",
        "Q3 FEE",
    ):
        assert memo_numbers(memo) == [], memo
    # … nor the continuation of a list after a contract number.
    assert ("HT", "2") not in {(n.prefix, n.digits) for n in memo_numbers("合同HT-2024-018 第2期")}
    # A number beside a period is still read; a year with a slash may be an invoice's year.
    assert [n.digits for n in memo_numbers("2024年7月 发票12345")] == ["12345"]
    assert "202400012" in [n.digits for n in memo_numbers("INV/2024/00012")]
    # Another customer's order SO-0002024 with an open invoice of the amount: "2024年7月货款"
    # says nothing of it, and the payer's own customer stays the only candidate.
    ledger = [*LEDGER, _order("INV-0000777", "C002", "4321.57", "SO-0002024")]
    proposal = match("4321.57", "上海华东机械有限公司", memo="2024年7月货款", ledger=ledger)
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")
    assert all(c.customer_code == "C001" for c in proposal.candidates)


def test_a_number_padded_to_another_width_after_another_prefix_is_not_one_of_ours():
    # 材料款 HT2024-0088: the payer's contract (合同, HT), numbered in its own series. INV-0000088
    # is another customer's invoice of the same round amount; the payer's exact name is C001's.
    ledger = [
        invoice("INV-0000088", "C002", "880.00"),
        invoice("INV-0000089", "C002", "1200.00"),
        *LEDGER,
    ]
    proposal = match("880.00", "上海华东机械有限公司", memo="材料款 HT2024-0088", ledger=ledger)
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")
    assert [(a.invoice_number, a.amount) for a in proposal.allocations] == [("INV-102", D("880.00"))]
    # Written with our prefix, or with all its digits, it names C002's invoice, which the
    # payer's exact name (C001's) contradicts: a person decides, shown C002's invoice first.
    for memo in ("材料款 INV-0088", "材料款 HT0000088"):
        named = match("880.00", "上海华东机械有限公司", memo=memo, ledger=ledger)
        assert (named.status, named.customer_code) == (REVIEW, "C002")
        assert "identity_conflict" in codes(named)


def test_a_number_written_with_our_prefix_settles_one_of_another_customers_written_without():
    # A person pays; the memo names INV-0938402 (C001) in full, and "2024" of the payer's
    # contract HT2024-0088 is C002's INV-0002024. Both invoices are 40,000.00.
    ledger = [
        invoice("INV-0938402", "C001", "40000.00"),
        invoice("INV-0002024", "C002", "40000.00"),
        *LEDGER,
    ]
    proposal = match("40000.00", "朱军娜", memo="INV_0938402 材料款 HT2024-0088", ledger=ledger)
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")
    assert [(a.invoice_number, a.amount) for a in proposal.allocations] == [("INV-0938402", D("40000.00"))]
    # Both written with our prefix: which one it pays is a person's decision.
    both = match("40000.00", "朱军娜", memo="INV-0938402 INV-0002024", ledger=ledger)
    assert both.status != AUTO


def test_a_part_payment_of_a_named_invoice_from_another_customers_name_is_that_invoices():
    # The payer's exact name is 上海华南机械's (C002), whose one open invoice the amount fits in
    # no way; the memo names C001's INV-101 with our prefix, and 2,100.35 is a part of it: a
    # company paying for another (a group's). C001's invoice is paid in part.
    proposal = match("2100.35", "上海华南机械有限公司", memo="INV-101 付款")
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")
    assert [(a.invoice_number, a.amount) for a in proposal.allocations] == [("INV-101", D("2100.35"))]
    # When the amount is an open invoice of the payer's own, the name and the memo disagree.
    own = [*LEDGER, invoice("INV-202", "C002", "2100.35", 2)]
    split = match("2100.35", "上海华南机械有限公司", memo="INV-101 付款", ledger=own)
    assert split.status == REVIEW and "identity_conflict" in codes(split)
