"""The matching engine's rules, one test each: who paid, what it pays, how much, what status."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from huikuan.cash.matching import (
    AUTO,
    IGNORED,
    REVIEW,
    UNMATCHED,
    WRITE_OFF,
    Aliases,
    BankLine,
    CustomerRef,
    MatchIndex,
    MatchSettings,
    OpenInvoice,
    OwnParty,
)

D = Decimal
HUADONG = CustomerRef("C001", "上海华东机械有限公司", "华东机械", "East China Machinery Co., Ltd.", "CNY")
CHANGCHENG = CustomerRef("C002", "北京长城电子科技股份有限公司", "", "", "CNY")
ACME = CustomerRef("C003", "深圳嘉禾贸易有限公司", "", "Jiahe Trading Co., Ltd.", "USD")


def invoice(number, customer, amount, *, day=1, order="", currency="CNY"):
    return OpenInvoice(number, customer, D(amount), currency, date(2024, 1, day), date(2024, 2, day), order)


LEDGER = [
    invoice("INV-0000101", "C001", "1000.00", day=1, order="SO-0000501"),
    invoice("INV-0000102", "C001", "2500.00", day=2, order="SO-0000501"),
    invoice("INV-0000103", "C001", "4321.50", day=3, order="SO-0000502"),
    invoice("INV-0000104", "C001", "780.25", day=4),
    invoice("INV-0000201", "C002", "777.00", day=1),
    invoice("INV-0000202", "C002", "5000.00", day=2),
    invoice("INV-0000203", "C002", "5000.00", day=3),
    invoice("INV-0000301", "C003", "900.00", day=1, currency="USD"),
]


def match(
    amount,
    *,
    payer="",
    account="",
    memo="",
    currency="CNY",
    direction="credit",
    ledger=LEDGER,
    aliases=None,
    settings=None,
):
    index = MatchIndex([HUADONG, CHANGCHENG, ACME], ledger, aliases, settings)
    return index.match(BankLine("B1", date(2024, 3, 1), D(amount), currency, direction, payer, account, memo))


def allocations(proposal):
    return {a.invoice_number: a.amount for a in proposal.allocations}


# --- who paid -------------------------------------------------------------------------------
def test_a_debit_is_always_ignored():
    proposal = match("1000.00", payer="上海华东机械有限公司", memo="INV-0000101", direction="debit")
    assert proposal.status == IGNORED and proposal.allocations == ()


def test_the_payers_learned_account_outranks_the_payer_name():
    aliases = Aliases(by_account={"6222 0000 1111": "C002"})
    proposal = match("777.00", payer="上海华东机械有限公司", account="622200001111", aliases=aliases)
    assert proposal.customer_code == "C002"
    assert proposal.status == AUTO
    assert "account_alias" in [r.code for r in proposal.reasons]


def test_a_learned_payer_name_identifies_the_customer():
    aliases = Aliases(by_name={"华东老王": "C001"})
    proposal = match("780.25", payer="华东老王", aliases=aliases)
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")


def test_an_invoice_number_in_the_memo_identifies_a_third_party_payment():
    proposal = match("4321.50", payer="王伟", memo="代付 INV-0000103")
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")
    assert allocations(proposal) == {"INV-0000103": D("4321.50")}


def test_a_customer_code_in_the_memo_identifies_the_customer():
    proposal = match("780.25", payer="王伟", memo="客户C001 货款")
    assert proposal.customer_code == "C001"
    assert allocations(proposal) == {"INV-0000104": D("780.25")}


@pytest.mark.parametrize(
    "payer",
    [
        "上海华东机械有限公司",  # full
        "华东机械",  # short
        "上海华东机械",  # without legal form
        "上海华东机械有限公司江苏分公司",  # branch
        "上海华东机械(中国)有限公司",  # bracketed
        "SHANGHAI HUADONG JIXIE YOUXIAN GONGSI",  # pinyin
        "EAST CHINA MACHINERY CO LTD",  # English, case and punctuation
        "east china machinery co., ltd.",
        "上海华东机城有限公司",  # a typo
    ],
)
def test_payer_name_forms_identify_the_customer(payer):
    proposal = match("780.25", payer=payer, memo="货款")
    assert proposal.customer_code == "C001"
    assert allocations(proposal) == {"INV-0000104": D("780.25")}


@pytest.mark.parametrize(
    ("payer", "memo", "status"),
    [
        ("中国工商银行股份有限公司上海分行", "结息", IGNORED),
        ("国家税务总局上海市税务局", "出口退税", IGNORED),
        ("中国平安财产保险股份有限公司", "理赔款 报案号0000101", IGNORED),
        ("中国银行股份有限公司深圳分行", "季度付息", IGNORED),
        ("中国建设银行股份有限公司", "流动资金贷款发放", IGNORED),
        ("招商银行股份有限公司", "理财产品到期赎回", IGNORED),
        ("张伟", "还款", UNMATCHED),
        ("上海华南建材有限公司", "货款", UNMATCHED),
    ],
)
def test_a_payer_that_is_no_customer_is_never_applied(payer, memo, status):
    proposal = match("1000.00", payer=payer, memo=memo)
    assert proposal.status == status
    assert proposal.allocations == ()


OWN = OwnParty(
    accounts=["6222 0000 1111 2222"], names=["上海回款实业有限公司", "Huikuan Industrial Co., Ltd."]
)


@pytest.mark.parametrize(
    ("payer", "account", "reason_code"),
    [
        ("上海回款实业有限公司", "", "own_name"),
        ("上海回款实业有限公司北京分公司", "", "own_name"),
        ("HUIKUAN INDUSTRIAL CO LTD", "", "own_name"),
        ("", "6222000011112222", "own_account"),
        # The company's own account outranks a name: the money moved between its accounts.
        ("上海华东机械有限公司", "6222000011112222", "own_account"),
    ],
)
def test_a_transfer_from_the_companys_own_account_or_name_is_no_customer_receipt(payer, account, reason_code):
    index = MatchIndex([HUADONG, CHANGCHENG, ACME], LEDGER, own=OWN)
    proposal = index.match(
        BankLine(
            "B1", date(2024, 3, 1), D("1000.00"), "CNY", "credit", payer, account, "资金归集 INV-0000101"
        )
    )
    assert proposal.status == IGNORED
    assert proposal.allocations == ()
    assert [r.code for r in proposal.reasons] == [reason_code]


def test_a_customer_named_like_the_company_is_still_a_customer():
    index = MatchIndex([HUADONG], LEDGER, own=OwnParty(names=["上海华东机械有限公司"]))
    proposal = index.match(
        BankLine("B1", date(2024, 3, 1), D("1000.00"), "CNY", "credit", "上海华东机械有限公司", "", "")
    )
    assert proposal.status == AUTO
    assert allocations(proposal) == {"INV-0000101": D("1000.00")}


# --- what it pays ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "memo",
    [
        "INV-0000103",
        "inv0000103",
        "INV 103",
        "inv_103",
        "Inv#103",
        "0000103",
        "发票103",
        "发票号：0000103",
        "NO.0000103",
        "ＩＮＶ－０００００１０３",
    ],
)
def test_invoice_numbers_are_found_however_they_are_written(memo):
    proposal = match("4321.50", payer="某某", memo=f"货款 {memo}")
    assert allocations(proposal) == {"INV-0000103": D("4321.50")}
    assert proposal.status == AUTO


@pytest.mark.parametrize(
    "memo",
    ["INV-101/102", "INV-0000101~0000102", "发票101、102", "发票号：101,102", "INV101-02", "SO-0000501"],
)
def test_lists_ranges_and_order_numbers_name_several_invoices(memo):
    proposal = match("3500.00", payer="上海华东机械有限公司", memo=memo)
    assert allocations(proposal) == {"INV-0000101": D("1000.00"), "INV-0000102": D("2500.00")}
    assert proposal.status == AUTO


def test_a_range_whose_short_end_passes_a_hundred_reads_on():
    ledger = [
        invoice("INV-0000198", "C001", "100.00"),
        invoice("INV-0000199", "C001", "200.00", day=2),
        invoice("INV-0000200", "C001", "300.00", day=3),
    ]
    proposal = match("600.00", payer="上海华东机械有限公司", memo="INV0000198-00", ledger=ledger)
    assert set(allocations(proposal)) == {"INV-0000198", "INV-0000199", "INV-0000200"}


def test_the_customers_own_invoice_number_without_prefix_counts_when_the_payer_is_known():
    # 101 alone is no proof; the payer's exact name says who paid, so it is that invoice.
    proposal = match("1200.00", payer="上海华东机械有限公司", memo="0101 货款")
    assert allocations(proposal) == {"INV-0000101": D("1000.00")}
    assert proposal.on_account == D("200.00")


# --- how much -------------------------------------------------------------------------------
def test_an_amount_equal_to_one_open_invoice_settles_it():
    proposal = match("4321.50", payer="上海华东机械有限公司")
    assert (proposal.status, allocations(proposal)) == (AUTO, {"INV-0000103": D("4321.50")})


def test_an_amount_equal_to_a_unique_combination_settles_it():
    proposal = match("5101.75", payer="上海华东机械有限公司")  # 4321.50 + 780.25
    assert proposal.status == AUTO
    assert allocations(proposal) == {"INV-0000103": D("4321.50"), "INV-0000104": D("780.25")}


def test_a_combination_that_is_not_unique_waits_for_review():
    ledger = [
        invoice("A-1", "C001", "150.00"),
        invoice("A-2", "C001", "100.00", day=2),
        invoice("A-3", "C001", "150.00", day=3),
        invoice("A-4", "C001", "200.00", day=4),
    ]
    proposal = match("300.00", payer="上海华东机械有限公司", ledger=ledger)  # 100+200 or 150+150
    assert proposal.status == REVIEW
    assert len(proposal.candidates) >= 2


def test_the_oldest_invoices_in_order_are_preferred_to_other_combinations():
    ledger = [
        invoice("A-1", "C001", "100.00"),
        invoice("A-2", "C001", "200.00", day=2),
        invoice("A-3", "C001", "150.00", day=3),
        invoice("A-4", "C001", "150.00", day=4),
    ]
    proposal = match("300.00", payer="上海华东机械有限公司", ledger=ledger)  # the two oldest, or 150+150
    assert proposal.status == AUTO
    assert allocations(proposal) == {"A-1": D("100.00"), "A-2": D("200.00")}


def test_the_open_invoices_of_one_order_are_a_combination_payers_make():
    ledger = [
        invoice("A-1", "C001", "310.00", day=1),
        invoice("A-2", "C001", "120.00", day=2, order="SO-9"),
        invoice("A-3", "C001", "480.00", day=3),
        invoice("A-4", "C001", "95.50", day=4, order="SO-9"),
    ]
    proposal = match("215.50", payer="上海华东机械有限公司", ledger=ledger)
    assert proposal.status == AUTO
    assert allocations(proposal) == {"A-2": D("120.00"), "A-4": D("95.50")}


def test_a_bank_fee_within_tolerance_allocates_what_was_paid_and_reports_the_difference():
    proposal = match("4306.50", payer="上海华东机械有限公司", memo="INV-0000103")
    assert proposal.status == AUTO
    assert allocations(proposal) == {"INV-0000103": D("4306.50")}
    assert (proposal.difference, proposal.difference_treatment) == (D("15.00"), "leave_open")


def test_the_difference_is_written_off_when_the_settings_say_so():
    settings = MatchSettings(difference_treatment=WRITE_OFF)
    proposal = match("4306.50", payer="上海华东机械有限公司", memo="INV-0000103", settings=settings)
    assert (proposal.difference, proposal.difference_treatment) == (D("15.00"), WRITE_OFF)


def test_a_short_pay_beyond_the_tolerance_is_no_tolerance_match():
    settings = MatchSettings(tolerance_abs=D("10.00"), tolerance_rel=D("0"))
    proposal = match("4306.50", payer="上海华东机械有限公司", settings=settings)
    assert proposal.status != AUTO


def test_a_part_payment_of_an_invoice_named_explicitly_is_applied_to_it():
    proposal = match("2000.00", payer="上海华东机械有限公司", memo="INV-0000103")
    assert proposal.status == AUTO
    assert allocations(proposal) == {"INV-0000103": D("2000.00")}


def test_a_part_payment_without_reference_waits_for_review():
    proposal = match("2000.00", payer="上海华东机械有限公司")
    assert proposal.status == REVIEW


def test_an_overpayment_allocates_the_invoices_and_keeps_the_rest_on_account():
    proposal = match("1500.00", payer="上海华东机械有限公司", memo="INV-0000101")
    assert allocations(proposal) == {"INV-0000101": D("1000.00")}
    assert proposal.on_account == D("500.00")
    assert proposal.status == AUTO


def test_a_memo_naming_one_invoice_and_paying_it_and_the_next_pays_both():
    """'付INV-0000103等2张发票': 4,321.50 + 780.25. The rest is the customer's other open invoice to
    the cent, not money on account."""
    proposal = match("5101.75", payer="上海华东机械有限公司", memo="付INV-0000103等2张发票")
    assert proposal.status == AUTO and proposal.on_account == D("0")
    assert allocations(proposal) == {"INV-0000103": D("4321.50"), "INV-0000104": D("780.25")}
    # Without the count, a rest of cents that one other invoice carries says the same.
    proposal = match("5101.75", payer="上海华东机械有限公司", memo="INV-0000103")
    assert proposal.status == AUTO and allocations(proposal) == {
        "INV-0000103": D("4321.50"),
        "INV-0000104": D("780.25"),
    }


def test_a_round_sum_more_than_the_named_invoice_is_on_account_unless_the_memo_counts_another():
    """4,321.50 named and 2,500.00 more: a round sum paid ahead (on account), although invoice 102
    is 2,500.00 too; '等两张' (two invoices) says it is 102."""
    proposal = match("6821.50", payer="上海华东机械有限公司", memo="INV-0000103")
    assert proposal.status == AUTO and proposal.on_account == D("2500.00")
    assert allocations(proposal) == {"INV-0000103": D("4321.50")}
    proposal = match("6821.50", payer="上海华东机械有限公司", memo="付INV-0000103等两张发票")
    assert proposal.status == AUTO and proposal.on_account == D("0")
    assert allocations(proposal) == {"INV-0000103": D("4321.50"), "INV-0000102": D("2500.00")}


def test_a_memo_saying_more_invoices_than_it_names_and_a_rest_nothing_makes_up_waits():
    proposal = match("5000.00", payer="上海华东机械有限公司", memo="付INV-0000103等2张发票")
    assert proposal.status == REVIEW


def test_an_amount_fitting_two_invoices_equally_is_never_automatic():
    proposal = match("5000.00", payer="北京长城电子科技股份有限公司")
    assert proposal.status == REVIEW
    numbers = {a.invoice_number for c in proposal.candidates for a in c.allocations}
    assert numbers == {"INV-0000202", "INV-0000203"}


def test_currencies_must_agree():
    proposal = match("900.00", payer="深圳嘉禾贸易有限公司", currency="CNY")
    assert proposal.status != AUTO and proposal.allocations == ()


# --- confidence and reasons -----------------------------------------------------------------
def test_the_threshold_decides_between_automatic_and_review():
    line = {"amount": "780.25", "payer": "上海华东机械有限公司"}
    assert match(**line).status == AUTO
    strict = MatchSettings(auto_threshold=D("0.99"))
    proposal = match(**line, settings=strict)
    assert proposal.status == REVIEW and proposal.confidence < D("0.99")


def test_reasons_have_stable_codes_and_chinese_sentences():
    from django.utils import translation

    proposal = match("4321.50", payer="上海华东机械有限公司", memo="INV-0000103")
    data = proposal.as_dict()
    assert [r["code"] for r in data["reasons"]][:2] == ["name_exact", "reference_invoice"]
    with translation.override("zh-hans"):
        text = proposal.reasons[1].text()
    assert "INV-0000103" in text and "发票" in text


def test_a_short_name_two_customers_share_is_settled_by_an_amount_only_one_of_them_has_open():
    twin = CustomerRef("C009", "北京华东机械有限公司", "华东机械", "", "CNY")
    ledger = [*LEDGER, invoice("INV-0000901", "C009", "2222.22")]
    index = MatchIndex([HUADONG, CHANGCHENG, ACME, twin], ledger)
    line = BankLine("B1", date(2024, 3, 1), D("4321.50"), "CNY", "credit", "华东机械", "", "")
    proposal = index.match(line)
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")
    assert "name_shared_amount" in [r.code for r in proposal.reasons]


def test_a_shared_name_and_a_round_invoice_of_only_one_of_them_settle_who_paid():
    # 2,500.00 is an open invoice of 上海华东机械's and of no other company named 华东机械. That
    # 北京华东机械 pays a part of its larger invoice of just that sum is far rarer than that
    # 上海华东机械 pays its invoice: the one whose invoice it is paid.
    twin = CustomerRef("C009", "北京华东机械有限公司", "华东机械", "", "CNY")
    line = BankLine("B2", date(2024, 3, 1), D("2500.00"), "CNY", "credit", "华东机械", "", "")
    ledger = [*LEDGER, invoice("INV-0000901", "C009", "2222.22"), invoice("INV-0000902", "C009", "8000.00")]
    proposal = MatchIndex([HUADONG, CHANGCHENG, ACME, twin], ledger).match(line)
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")
    assert allocations(proposal) == {"INV-0000102": D("2500.00")}
    assert "name_shared_amount" in [r.code for r in proposal.reasons]
    # When the other has an invoice of 2,500.00 open too, a person decides.
    both = [*ledger, invoice("INV-0000903", "C009", "2500.00")]
    assert MatchIndex([HUADONG, CHANGCHENG, ACME, twin], both).match(line).status == REVIEW


def test_a_shared_name_and_a_short_pay_settle_who_paid_unless_a_part_of_another_lands_as_near():
    # 4,284.35 is 37.15 short of 上海华东机械's 4,321.50 (no bank charge's size): as likely a part
    # payment of another's invoice when part payments of the other's larger invoices would
    # often land that near (within the tolerance, 86.43, of 4,321.50).
    twin = CustomerRef("C009", "北京华东机械有限公司", "华东机械", "", "CNY")
    line = BankLine("B3", date(2024, 3, 1), D("4284.35"), "CNY", "credit", "华东机械", "", "")
    small = [*LEDGER, invoice("INV-0000901", "C009", "2222.22")]
    proposal = MatchIndex([HUADONG, CHANGCHENG, ACME, twin], small).match(line)
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")
    assert allocations(proposal) == {"INV-0000103": D("4284.35")}
    # One larger invoice of 8,000.00: a part of it lands there about once in 93.
    large = [*small, invoice("INV-0000902", "C009", "8000.00")]
    proposal = MatchIndex([HUADONG, CHANGCHENG, ACME, twin], large).match(line)
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")
    # Six invoices of 5,000.00: about once in ten, so a person decides.
    many = [*small, *(invoice(f"INV-00009{n}", "C009", "5000.00", day=n + 1) for n in range(10, 16))]
    assert MatchIndex([HUADONG, CHANGCHENG, ACME, twin], many).match(line).status == REVIEW


def test_an_unknown_company_of_a_customers_name_in_another_place_is_never_applied():
    proposal = match("4321.50", payer="北京华东机械有限公司")  # the customer is 上海华东机械
    assert proposal.status != AUTO


def test_a_number_written_in_groups_is_read_whole():
    ledger = [*LEDGER, invoice("INV-0336765", "C002", "4500.00"), invoice("INV-0006765", "C001", "1234.00")]
    proposal = match("4500.00", payer="北京长城电子科技股份有限公司", memo="INV 033 6765", ledger=ledger)
    assert (proposal.status, allocations(proposal)) == (AUTO, {"INV-0336765": D("4500.00")})


def test_a_name_in_pinyin_with_its_legal_form_identifies_the_customer():
    proposal = match("4321.50", payer="SHANG HAI HUA DONG JI XIE YOU XIAN GONG SI")
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")


def test_a_name_in_pinyin_applies_a_short_payment_as_an_english_name_does():
    # 4,321.50 short by 37.15 (not a bank charge's size): within the tolerance of one invoice.
    for payer in ("SHANG HAI HUA DONG JI XIE YOU XIAN GONG SI", "East China Machinery Co., Ltd."):
        proposal = match("4284.35", payer=payer)
        assert (proposal.status, allocations(proposal)) == (AUTO, {"INV-0000103": D("4284.35")}), payer


def test_a_name_the_bank_cut_inside_its_legal_form_identifies_the_customer():
    proposal = match("4321.50", payer="上海华东机械有限")
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")


def test_a_pinyin_name_read_in_context_finds_a_name_with_a_heteronym():
    chongqing = CustomerRef("C010", "重庆长和电子有限公司", "", "", "CNY")
    index = MatchIndex([HUADONG, chongqing], [*LEDGER, invoice("INV-0001001", "C010", "6543.21")])
    line = BankLine(
        "B1", date(2024, 3, 1), D("6543.21"), "CNY", "credit", "CHONG QING CHANG HE DIAN ZI", "", ""
    )
    assert (index.match(line).status, index.match(line).customer_code) == (AUTO, "C010")


def test_a_branch_is_matched_to_its_company_by_the_legal_form_when_two_share_the_core():
    plain = CustomerRef("C011", "上海华东机械股份有限公司", "", "", "CNY")
    index = MatchIndex([HUADONG, plain], [*LEDGER, invoice("INV-0001101", "C011", "4321.50")])
    payer = "上海华东机械股份有限公司广州分公司"
    proposal = index.match(BankLine("B1", date(2024, 3, 1), D("4321.50"), "CNY", "credit", payer, "", ""))
    assert (proposal.status, proposal.customer_code) == (AUTO, "C011")


def test_a_typo_that_makes_another_places_name_still_offers_the_right_customer():
    other = CustomerRef("C012", "北京华东机城有限公司", "", "", "CNY")  # 华东机城 in another place
    index = MatchIndex([HUADONG, other], LEDGER)
    payer = "上海华东机城有限公司"  # 上海华东机械 with a typo
    # A round amount: the name is only similar, so a person decides.
    proposal = index.match(BankLine("B1", date(2024, 3, 1), D("2500.00"), "CNY", "credit", payer, "", ""))
    assert proposal.status == REVIEW
    assert "C001" in [c.customer_code for c in proposal.candidates]
    # An amount to the cent that only 上海华东机械 has open, and 北京华东机城 (another company)
    # has not: the similar name and the amount together say who paid.
    proposal = index.match(BankLine("B2", date(2024, 3, 1), D("4321.50"), "CNY", "credit", payer, "", ""))
    assert (proposal.status, proposal.customer_code) == (AUTO, "C001")


@pytest.mark.parametrize(
    "memo",
    [
        "INV/2024/00012",
        "inv/2024/00012",
        "Invoice INV/2024/00012",
        "INV2024/00012",
        "付款 INV/2024/00012 谢谢",
    ],
)
def test_an_invoice_number_written_with_slashes_after_its_year_is_read_whole(memo):
    # As some ERPs number invoices: the same running number in two years, another customer's.
    ledger = [
        invoice("INV/2024/00012", "C001", "1000.00"),
        invoice("INV/2024/00013", "C001", "2000.00"),
        invoice("INV/2023/00012", "C002", "1000.00"),
    ]
    proposal = match("1000.00", payer="UNKNOWN TRADING LTD", memo=memo, ledger=ledger)
    assert proposal.status == AUTO and proposal.customer_code == "C001"
    assert allocations(proposal) == {"INV/2024/00012": D("1000.00")}


def test_a_list_after_a_number_with_slashes_keeps_its_year():
    ledger = [
        invoice("INV/2024/0007", "C001", "1000.00"),
        invoice("INV/2024/0008", "C001", "2000.00"),
        invoice("INV/2023/0008", "C002", "2000.00"),
    ]
    proposal = match("3000.00", payer="UNKNOWN TRADING LTD", memo="INV/2024/0007、0008", ledger=ledger)
    assert proposal.status == AUTO
    assert allocations(proposal) == {"INV/2024/0007": D("1000.00"), "INV/2024/0008": D("2000.00")}


def test_a_number_written_with_the_order_prefix_names_the_order_not_an_invoice_of_those_digits():
    # Another customer's invoice happens to carry the order's digits and the same amount.
    ledger = [
        OpenInvoice(
            "INV-0012172", "C001", D("1200.00"), "CNY", date(2024, 1, 1), date(2024, 2, 1), "SO-0007000"
        ),
        OpenInvoice(
            "INV-0022400", "C002", D("1200.00"), "CNY", date(2024, 1, 1), date(2024, 2, 1), "SO-0012172"
        ),
    ]
    proposal = match("1200.00", payer="北京辉嘉环保设备有限公司", memo="网银转账 SO-0012172", ledger=ledger)
    assert proposal.status == AUTO and proposal.customer_code == "C002"
    assert allocations(proposal) == {"INV-0022400": D("1200.00")}
    # Without a prefix the digits name both: a person decides.
    proposal = match("1200.00", payer="北京辉嘉环保设备有限公司", memo="0012172", ledger=ledger)
    assert proposal.status != AUTO


# 27 old invoices of about 500.00: more than the pool of oldest invoices combinations are
# searched in, and too small for six of them to make up a receipt of thousands.
OLDER_SMALL_INVOICES = [
    OpenInvoice(
        f"INV-00001{k:02d}", "C001", D(f"5{k:02d}.17"), "CNY", date(2023, 1, 1), date(2023, 2, k + 1), ""
    )
    for k in range(27)
]


def test_a_round_rest_that_another_open_invoice_carries_is_no_overpayment():
    # Many older small invoices: the pair is beyond the pool the combinations are searched in.
    ledger = [
        *OLDER_SMALL_INVOICES,
        invoice("INV-0000301", "C001", "16801.39", day=1),
        invoice("INV-0000302", "C001", "2000.00", day=2),
    ]
    # 16,801.39 + 2,000.00: invoice 301 overpaid by a round sum, or 301 and 302 together.
    proposal = match("18801.39", payer="上海华东机械有限公司", ledger=ledger)
    assert not (proposal.status == AUTO and proposal.on_account == D("2000.00"))


def test_a_round_rest_that_several_other_open_invoices_make_up_is_no_overpayment():
    # Many older small invoices: the fees are beyond the pool the combinations are searched in.
    ledger = [
        *OLDER_SMALL_INVOICES,
        invoice("INV-0000301", "C001", "29681.24", day=1),
        *(invoice(f"INV-000040{k}", "C001", "4500.00", day=k + 2) for k in range(4)),
    ]
    # 29,681.24 + 13,500.00: invoice 301 overpaid by a round sum, or 301 and three fees of 4,500.
    proposal = match("43181.24", payer="上海华东机械有限公司", ledger=ledger)
    assert proposal.status != AUTO


def test_a_german_bank_spelling_out_the_umlauts_names_the_customer_exactly():
    muller = CustomerRef("C9", "Müller Automation GmbH", "", "", "EUR")
    ledger = [OpenInvoice("90001234", "C9", D("1234.56"), "EUR", date(2025, 11, 1), date(2025, 12, 1), "")]
    index = MatchIndex([muller], ledger)
    for payer in ("MUELLER AUTOMATION GMBH", "MULLER AUTOMATION GMBH"):
        line = BankLine("B1", date(2025, 11, 20), D("1234.56"), "EUR", "credit", payer, "", "Rechnung")
        proposal = index.match(line)
        assert proposal.status == AUTO and proposal.customer_code == "C9"
        assert "name_exact" in [r.code for r in proposal.reasons]


@pytest.mark.parametrize("memo", ["ERSTATTUNG RG 2025-118", "REFUND OF OVERPAID FREIGHT", "运费退款"])
def test_a_refund_from_a_company_named_like_a_customer_is_not_applied_on_the_name_alone(memo):
    """A supplier or carrier refunds what the company paid it: its name may be a customer's."""
    proposal = match("780.25", payer="华东机械", memo=memo)
    assert proposal.status != AUTO
    proposal = match("780.25", payer="华东机械", memo="货款")
    assert proposal.status == AUTO


def test_a_tie_the_memos_month_cannot_settle_offers_that_months_invoices_first():
    """Three fees of 5,000.00, two of November: still a tie, but November's come first, so that
    accepting the best candidate does not pay October's."""
    ledger = [
        OpenInvoice("FEE-10", "C001", D("5000.00"), "CNY", date(2025, 10, 3), date(2025, 11, 3), ""),
        OpenInvoice("FEE-11A", "C001", D("5000.00"), "CNY", date(2025, 11, 3), date(2025, 12, 3), ""),
        OpenInvoice("FEE-11B", "C001", D("5000.00"), "CNY", date(2025, 11, 4), date(2025, 12, 4), ""),
    ]
    proposal = match("5000.00", payer="上海华东机械有限公司", memo="11月云服务费", ledger=ledger)
    assert proposal.status == REVIEW
    offered = [c.allocations[0].invoice_number for c in proposal.candidates[:2]]
    assert offered == ["FEE-11A", "FEE-11B"]
