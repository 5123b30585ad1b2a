"""Real Chinese (and Hong Kong) bank exports, and the dialects of corporate online banking:
the profile that fits, and each line as the bank stated it (amount, direction, payer, memo,
reference, dates). Public samples are in tests/fixtures/bank (README.md says where from)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from huikuan.cash.imports import bank_statement_import
from huikuan.cash.models import BankLine, BankStatement
from huikuan.core.errors import InputRejected

BANK = Path(__file__).resolve().parent.parent / "fixtures" / "bank"

# file → (profile, lines, credits, debits, {currency: (money in, money out)})
SAMPLES = {
    "cn_boc_debit_deb.csv": ("boc", 17, 4, 13, {"CNY": ("9821.00", "9394.30")}),
    "cn_boc_credit_deb.csv": ("boc", 14, 6, 8, {"CNY": ("989.84", "1228.09"), "USD": ("0.00", "3.72")}),
    "cn_bocom_debit_deb.csv": ("bocom", 6, 3, 3, {"CNY": ("11.25", "114.00")}),
    "cn_abc_debit_deb.csv": ("abc", 4, 2, 2, {"CNY": ("10000.01", "12355.89")}),
    "cn_cgb_credit_deb.csv": ("cgb_credit", 4, 2, 2, {"CNY": ("1227.88", "403.32")}),
    "cn_cmb_credit_deb.csv": ("cmb_credit", 6, 4, 2, {"CNY": ("380.80", "8056.78")}),
    "hk_hsbc_debit_deb.csv": (
        "hsbc_hk", 10, 4, 6, {"HKD": ("13005.45", "3526.50"), "CNY": ("12500.00", "0.00")}
    ),
    "hk_hsbc_credit_deb.csv": (
        "hsbc_hk", 11, 2, 9, {"CNY": ("3291.16", "1558.89"), "HKD": ("0.00", "27.90")}
    ),
}  # fmt: skip


def totals_of(lines) -> dict[str, tuple[str, str]]:
    sums: dict[str, list[Decimal]] = {}
    for line in lines:
        money = sums.setdefault(line.currency, [Decimal("0.00"), Decimal("0.00")])
        money[0 if line.direction == "credit" else 1] += line.amount
    return {currency: (f"{a:.2f}", f"{b:.2f}") for currency, (a, b) in sums.items()}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_each_public_export_is_read_by_its_banks_profile(db, name):
    profile, lines, credits, debits, totals = SAMPLES[name]
    result = bank_statement_import(path=BANK / name, imported_by="treasurer")
    assert (result.profile, result.lines_read, result.credits, result.debits) == (
        profile,
        lines,
        credits,
        debits,
    )
    assert totals_of(BankLine.objects.all()) == totals


def test_bocom_says_the_direction_in_a_column_of_its_own(db):
    """借 Dr / 贷 Cr beside an unsigned 交易金额: read as money out and money in."""
    bank_statement_import(path=BANK / "cn_bocom_debit_deb.csv")
    line = BankLine.objects.get(booking_date=date(2024, 2, 2))
    assert (line.direction, line.amount, line.payer_name, line.payer_account, line.memo) == (
        "debit",
        Decimal("3.21"),
        "哈哈",
        "6666666666666666",
        "信用卡转账还款",
    )
    assert BankLine.objects.get(booking_date=date(2025, 1, 1)).direction == "credit"


def test_abc_reference_memo_and_placeholder_payer(db):
    bank_statement_import(path=BANK / "cn_abc_debit_deb.csv")
    wage = BankLine.objects.get(booking_date=date(2024, 1, 1))
    assert (wage.direction, wage.amount, wage.bank_ref, wage.payer_name, wage.memo) == (
        "credit",
        Decimal("10000.00"),
        "369396693",
        "哈哈",
        "转存 转账",
    )
    interest = BankLine.objects.get(booking_date=date(2024, 1, 4))
    assert (interest.amount, interest.payer_name, interest.memo) == (Decimal("0.01"), "", "结息 个人活期结息")


def test_a_card_statement_shows_spending_as_money_out(db):
    """Booked on the day the bank booked it (入账日期), made on its 交易日期: both kept."""
    bank_statement_import(path=BANK / "cn_cgb_credit_deb.csv")
    spent = BankLine.objects.get(memo="（消费）示例商户A")
    refund = BankLine.objects.get(booking_date=date(2025, 1, 4))
    assert (spent.direction, spent.amount, spent.booking_date, spent.transaction_date) == (
        "debit",
        Decimal("15.90"),
        date(2025, 1, 6),
        date(2025, 1, 5),
    )
    assert (refund.direction, refund.amount, refund.memo) == ("credit", Decimal("97.20"), "（退款）示例商户B")


def test_card_statements_are_booked_on_the_banks_day_and_keep_the_day_of_the_purchase(db):
    """中国银行 and 香港汇丰 cards: booked on 银行记账日 / Post date, made on 交易日 / Transaction date."""
    bank_statement_import(path=BANK / "cn_boc_credit_deb.csv")
    usd = BankLine.objects.get(currency="USD")
    assert (usd.booking_date, usd.transaction_date, usd.amount, usd.direction) == (
        date(2024, 12, 24),
        date(2024, 12, 22),
        Decimal("3.72"),
        "debit",
    )
    result = bank_statement_import(path=BANK / "hk_hsbc_credit_deb.csv")
    metro = BankLine.objects.get(memo__startswith="APPLEPAY SHENZHEN METRO")
    assert (metro.booking_date, metro.transaction_date, metro.amount, metro.currency, metro.direction) == (
        date(2025, 3, 24),
        date(2025, 3, 22),
        Decimal("1.01"),
        "CNY",
        "debit",
    )
    # the card is billed in renminbi: its statement is, not in the profile's Hong Kong dollars
    assert BankStatement.objects.get(pk=result.statement_ids[0]).currency == "CNY"


def test_card_lines_imported_dated_by_their_purchase_are_not_imported_again(db, tmp_path):
    """An earlier version dated a card's lines by 交易日: the same lines, now dated by 记账日, in a
    later statement overlapping that one are known again."""
    path = tmp_path / "cgb.csv"
    path.write_bytes((BANK / "cn_cgb_credit_deb.csv").read_bytes())
    bank_statement_import(path=path)
    for line in BankLine.objects.all():  # as the earlier version stored them
        line.booking_date = line.transaction_date
        line.save()
    from huikuan.cash.imports import dedupe_keys
    from huikuan.cash.parsers import parse_statement_file
    from huikuan.cash.profiles import BUILTIN

    parsed, _profile = parse_statement_file(path, path.read_bytes(), profiles=list(BUILTIN.values()))
    lines = parsed.statements[0].lines
    earlier = dedupe_keys([replace(line, booking_date=line.transaction_date) for line in lines])
    for line, key in zip(BankLine.objects.order_by("pk"), earlier, strict=True):
        line.dedupe_key = key
        line.save()
    later = tmp_path / "cgb-later.csv"
    later.write_bytes(
        path.read_bytes() + "2025/01/07,2025/01/08,（消费）示例商户C,1.00,人民币,1.00,人民币\n".encode()
    )
    result = bank_statement_import(path=later)
    assert (result.lines_new, result.duplicates) == (1, 4)


def test_hsbc_hong_kong_dates_are_day_first(db):
    bank_statement_import(path=BANK / "hk_hsbc_debit_deb.csv")
    salary = BankLine.objects.get(memo="SALARY PAYMENT ABC COMPANY LTD")
    assert (salary.booking_date, salary.amount, salary.currency, salary.direction) == (
        date(2025, 3, 12),
        Decimal("12500.00"),
        "HKD",
        "credit",
    )


CORPORATE = (
    "对公账户交易明细查询\n"
    "账号：,3202 0012 3456 789\n"
    "户名：,杭州示例贸易有限公司\n"
    "币种：人民币\n"
    "交易日期,交易时间,借方发生额（元）,贷方发生额（元）,余额,对方户名,对方账号,对方开户行,摘要,用途,交易流水号\n"
    '2024年01月02日,10:11:12,,"￥12,500.50",112500.50,深圳市益达贸易有限公司,6222 0000 1111 9999,'
    "招商银行深圳分行,转账,货款 YS-0301,HQ2024010200001\n"
    "20240103,09:00:00,25.00,--,112475.50,--,--,--,手续费,--,HQ2024010300002\n"
    "2024/1/5 16:00,,,"
    '"３,０００.００",115475.50,杭州甲公司,3202001234567890,工商银行,汇入,YS-0302,HQ2024010500003\n'
    "合计,,25.00,15500.50,,,,,,,\n"
    "以上数据仅供参考，具体以账户的实际交易为准\n"
)


def test_a_corporate_export_in_gbk_with_preamble_symbols_and_footer(db, tmp_path):
    path = tmp_path / "交易明细.csv"
    path.write_bytes(CORPORATE.encode("gbk"))
    result = bank_statement_import(path=path)
    assert (result.lines_read, result.credits, result.debits) == (3, 2, 1)
    assert BankStatement.objects.get().account_number == "320200123456789"
    first = BankLine.objects.get(bank_ref="HQ2024010200001")
    assert (
        first.booking_date,
        first.direction,
        first.amount,
        first.currency,
        first.payer_name,
        first.payer_account,
        first.memo,
    ) == (
        date(2024, 1, 2),
        "credit",
        Decimal("12500.50"),
        "CNY",
        "深圳市益达贸易有限公司",
        "6222000011119999",
        "转账 货款 YS-0301",
    )
    fee = BankLine.objects.get(bank_ref="HQ2024010300002")
    assert (fee.booking_date, fee.direction, fee.amount, fee.payer_name, fee.payer_account, fee.memo) == (
        date(2024, 1, 3),
        "debit",
        Decimal("25.00"),
        "",
        "",
        "手续费",
    )
    third = BankLine.objects.get(bank_ref="HQ2024010500003")
    assert (third.booking_date, third.amount, third.payer_name) == (
        date(2024, 1, 5),
        Decimal("3000.00"),
        "杭州甲公司",
    )


def test_a_direction_column_the_profile_does_not_name_is_still_read(db, tmp_path):
    """A signed-amount export with its amounts unsigned and a 收/支 column: never all money in."""
    path = tmp_path / "flow.csv"
    path.write_text(
        "记账日期,交易金额,收支,对手信息,交易摘要\n"
        "2024-03-01,800.00,收,上海乙公司 31000012345678,货款\n"
        "2024-03-02,120.00,支,国网电力有限公司 99999999999999,电费\n"
        "2024-03-03,5.00,D,,手续费\n",
        encoding="utf-8",
    )
    result = bank_statement_import(path=path)
    assert result.profile == "cmb"
    lines = {line.memo: (line.direction, line.amount, line.payer_name) for line in BankLine.objects.all()}
    assert lines == {
        "货款": ("credit", Decimal("800.00"), "上海乙公司"),
        "电费": ("debit", Decimal("120.00"), "国网电力有限公司"),
        "手续费": ("debit", Decimal("5.00"), ""),
    }


def test_an_unknown_direction_word_is_refused_with_its_line(db, tmp_path):
    path = tmp_path / "flow.csv"
    path.write_text("交易日期,借贷标志,发生额,摘要\n2024-03-01,贷,10.00,a\n2024-03-02,冲正,5.00,b\n", "utf-8")
    with pytest.raises(InputRejected) as refused:
        bank_statement_import(path=path)
    assert [(error.line, error.value) for error in refused.value.errors] == [(3, "冲正")]
    assert not BankLine.objects.exists()


def test_industrial_bank_workbook_currency_from_the_preamble_and_a_closing_note(db, tmp_path):
    book = Workbook()
    sheet = book.active
    rows = (
        "兴业银行交易明细", "", "账户户名,示例用户", "账户账号,622909000011112222",
        "卡内账户,002 活期储蓄存款 港币 现汇", "",
        "交易时间,记账日,支出,收入,账户余额,摘要,对方户名,对方银行,对方账号,用途,交易渠道,备注",
        "2024-01-01 09:30:00,2024-01-01,,20.00,20.00,转账,示例公司,示例银行,12345678901,货款,手机银行,",
        "2024-01-02 10:00:00,2024-01-02,-5.00,,25.00,当日冲账,示例公司,示例银行,12345678901,冲正,手机银行,",
        "2024-01-03 11:00:00,2024-01-03,15.00,,10.00,转账转出,乙方,乙银行,98765432100,,手机银行,房租",
        "说明,交易明细涉及您的个人隐私，请妥善处理，内容仅供个人参考。",
    )  # fmt: skip
    for row in rows:
        sheet.append(row.split(",") if row else [])
    path = tmp_path / "cib.xlsx"
    book.save(path)
    result = bank_statement_import(path=path)
    assert (result.profile, result.lines_read) == ("cib", 3)
    assert BankStatement.objects.get().account_number == "622909000011112222"
    lines = [
        (line.booking_date, line.direction, line.amount, line.currency, line.payer_account, line.memo)
        for line in BankLine.objects.order_by("booking_date")
    ]
    assert lines == [
        (date(2024, 1, 1), "credit", Decimal("20.00"), "HKD", "12345678901", "转账 货款"),
        (date(2024, 1, 2), "credit", Decimal("5.00"), "HKD", "12345678901", "当日冲账 冲正"),
        (date(2024, 1, 3), "debit", Decimal("15.00"), "HKD", "98765432100", "转账转出 房租"),
    ]


def test_spdb_deposit_and_withdrawal_columns_with_date_and_time_in_one_cell(db, tmp_path):
    path = tmp_path / "spdb.csv"
    path.write_bytes(
        (
            "上海浦东发展银行 账户交易明细\n"
            "交易序号,交易日期,交易摘要,存入金额,取出金额,余额,对方户名,对方账号\n"
            "1,2025/12/03  14:06:51,跨行转入,1500.00,,1500.00,丙公司,6217000000001\n"
            "2,2025/12/04  08:00:00,消费,,99.90,1400.10,某商户,\n"
        ).encode("gb18030")
    )
    result = bank_statement_import(path=path)
    assert result.profile == "spdb"
    lines = [
        (line.bank_ref, line.booking_date, line.direction, line.amount, line.payer_name)
        for line in BankLine.objects.order_by("booking_date")
    ]
    assert lines == [
        ("1", date(2025, 12, 3), "credit", Decimal("1500.00"), "丙公司"),
        ("2", date(2025, 12, 4), "debit", Decimal("99.90"), "某商户"),
    ]


def test_an_amount_with_a_trailing_minus_is_money_out(db, tmp_path):
    path = tmp_path / "boc.csv"
    path.write_text('交易日期,交易金额,对方户名,摘要\n2024-02-01,"1,200.00-",丁公司,退款\n', "utf-8")
    bank_statement_import(path=path)
    line = BankLine.objects.get()
    assert (line.direction, line.amount, line.payer_name) == ("debit", Decimal("1200.00"), "丁公司")


HTML_XLS = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"></head><body>
<table><tr><td colspan="6">中国民生银行 账户交易明细</td></tr>
<tr><td>账号：</td><td>6226 0000 1234 5678</td></tr>
<tr><th>交易日期</th><th>收入金额</th><th>支出金额</th><th>对方户名</th><th>对方账号</th><th>摘要</th></tr>
<tr><td>2024-06-01</td><td>8,800.00</td><td></td><td>戊公司</td><td>6214000000000001</td>
<td>货款 YS-0601</td></tr>
<tr><td>2024-06-02</td><td></td><td>12.00</td><td></td><td></td><td>短信费</td></tr>
<tr><td>合计</td><td>8,800.00</td><td>12.00</td><td></td><td></td><td></td></tr>
</table><script>alert(1)</script></body></html>"""


def test_an_xls_that_is_an_html_table_is_read_as_one(db, tmp_path):
    path = tmp_path / "明细.xls"
    path.write_bytes(HTML_XLS.encode("gbk"))
    result = bank_statement_import(path=path)
    assert (result.lines_read, result.credits, result.debits) == (2, 1, 1)
    assert BankStatement.objects.get().account_number == "6226000012345678"
    credit = BankLine.objects.get(direction="credit")
    assert (credit.booking_date, credit.amount, credit.payer_name, credit.payer_account, credit.memo) == (
        date(2024, 6, 1),
        Decimal("8800.00"),
        "戊公司",
        "6214000000000001",
        "货款 YS-0601",
    )


@pytest.mark.parametrize(("suffix", "encoding"), [(".xls", "utf-16"), (".csv", "gb18030"), (".txt", "utf-8")])
def test_tab_separated_exports_whatever_their_name(db, tmp_path, suffix, encoding):
    path = tmp_path / f"export{suffix}"
    path.write_bytes(
        "交易日期\t贷方发生额\t借方发生额\t对方户名\t用途\n2024-07-01\t1,000.00\t\t己公司\t预付款\n".encode(
            encoding
        )
    )
    bank_statement_import(path=path)
    line = BankLine.objects.get()
    assert (line.direction, line.amount, line.payer_name, line.memo) == (
        "credit",
        Decimal("1000.00"),
        "己公司",
        "预付款",
    )


def test_a_bank_without_its_own_profile_is_read_by_the_common_chinese_headers(db, tmp_path):
    path = tmp_path / "对账单.csv"
    path.write_bytes(
        (
            "业务日期,摘要,结算号,借方发生额,贷方发生额,余额\n"
            "2026-01-06,收到货款 INV-0106,JS0001,0.00,1000.00,101000.00\n"
            "2026-01-20,支付手续费,,15.00,0.00,100985.00\n"
        ).encode("gbk")
    )
    result = bank_statement_import(path=path)
    assert result.profile == "cn_generic"
    lines = [
        (line.bank_ref, line.direction, line.amount, line.memo)
        for line in BankLine.objects.order_by("booking_date")
    ]
    assert lines == [
        ("JS0001", "credit", Decimal("1000.00"), "收到货款 INV-0106"),
        ("", "debit", Decimal("15.00"), "支付手续费"),
    ]


def test_a_memo_under_a_header_the_bank_profile_does_not_name_is_kept(db, tmp_path):
    path = tmp_path / "icbc.csv"
    path.write_text(
        "交易日期,借方发生额,贷方发生额,余额,汇款附言,对方单位\n"
        "2026-05-10,,80000.00,180000.00,货款 HT-2026-05,庚公司\n",
        "utf-8",
    )
    bank_statement_import(path=path)
    line = BankLine.objects.get()
    assert (line.memo, line.payer_name, line.amount, line.direction) == (
        "货款 HT-2026-05",
        "庚公司",
        Decimal("80000.00"),
        "credit",
    )


def test_ccb_csv_download_with_the_other_party_in_one_cell(db, tmp_path):
    path = tmp_path / "ccb.csv"
    path.write_text(
        "中国建设银行 交易明细\n"
        "卡号/账号:6217000000009999,起始日期:20240101,结束日期:20240131\n"
        "序号,摘要,币别,钞汇,交易日期,交易金额,账户余额,交易地点/附言,对方账号与户名\n"
        "1,转账存入,人民币元,钞,20240105,2000.00,2000.00,货款 YS-0105,6222000011112222/辛公司\n"
        "2,消费,人民币元,钞,20240106,-35.50,1964.50,某超市,\n"
        "3,跨行转出,人民币元,钞,20240107,-100.00,1864.50,,壬 6228480000000001\n",
        "utf-8",
    )
    result = bank_statement_import(path=path)
    assert result.profile == "ccb"
    assert BankStatement.objects.get().account_number == "6217000000009999"
    lines = [
        (
            line.booking_date,
            line.direction,
            line.amount,
            line.currency,
            line.payer_name,
            line.payer_account,
            line.memo,
        )
        for line in BankLine.objects.order_by("booking_date")
    ]
    assert lines == [
        (
            date(2024, 1, 5),
            "credit",
            Decimal("2000.00"),
            "CNY",
            "辛公司",
            "6222000011112222",
            "转账存入 货款 YS-0105",
        ),
        (date(2024, 1, 6), "debit", Decimal("35.50"), "CNY", "", "", "消费 某超市"),
        (date(2024, 1, 7), "debit", Decimal("100.00"), "CNY", "壬", "6228480000000001", "跨行转出"),
    ]


def test_pages_subtotals_and_repeated_headers_do_not_end_the_table(db, tmp_path):
    book = Workbook()
    sheet = book.active
    header = ["交易日期", "摘要", "收入金额", "支出金额", "对方户名"]
    for row in (
        header,
        [45292, "货款", 100, None, "癸公司"],  # a day number the spreadsheet shows as 2024-01-01
        ["本页小计", None, 100, 0, None],
        header,
        ["2024-01-03", "退款", None, 40.5, "癸公司"],
        ["合计", None, 100, 40.5, None],
        ["2024-01-09", "页脚之后", 1, None, None],
    ):
        sheet.append(row)
    path = tmp_path / "pages.xlsx"
    book.save(path)
    bank_statement_import(path=path)
    lines = [
        (line.booking_date, line.direction, line.amount) for line in BankLine.objects.order_by("booking_date")
    ]
    assert lines == [
        (date(2024, 1, 1), "credit", Decimal("100.00")),
        (date(2024, 1, 3), "debit", Decimal("40.50")),
    ]


def test_dates_run_into_their_times_and_numeric_currency_codes(db, tmp_path):
    path = tmp_path / "corporate.csv"
    path.write_text(
        "交易时间,币种,借方发生额,贷方发生额,对方单位,用途\n"
        "2024-01-02-10.11.12.000000,156,,500.00,子公司,预收 YS-1\n"
        "20240103101112,840,20.00,,丑公司,服务费\n",
        "utf-8",
    )
    bank_statement_import(path=path)
    lines = [
        (line.booking_date, line.currency, line.direction)
        for line in BankLine.objects.order_by("booking_date")
    ]
    assert lines == [(date(2024, 1, 2), "CNY", "credit"), (date(2024, 1, 3), "USD", "debit")]


def test_amounts_without_sign_or_direction_are_refused_saying_what_is_missing(db, tmp_path):
    """A card statement listing purchases and refunds alike as 'CNY 12.00'."""
    path = tmp_path / "card.csv"
    path.write_text(
        "信用卡账单\n交易日期,记账日期,交易说明,入账币种/金额\n2025-01-10,2025-01-10,退货 商户,CNY 12.00\n",
        "utf-8",
    )
    with pytest.raises(InputRejected) as refused:
        bank_statement_import(path=path)
    assert refused.value.errors[0].line == 2
    assert "no amounts a profile can read" in refused.value.errors[0].reason
    assert not BankLine.objects.exists()


def test_an_app_export_with_a_money_in_or_out_column(db, tmp_path):
    path = tmp_path / "app.csv"
    path.write_text(
        "账单日期,交易金额,支出/收入,账户余额,交易方式,备注\n"
        "2024-02-01,300.00,收入,1300.00,转账,寅公司 货款\n"
        "2024-02-02,20.00,支出,1280.00,快捷支付,午餐\n",
        "utf-8",
    )
    bank_statement_import(path=path)
    lines = {line.memo: (line.direction, line.amount) for line in BankLine.objects.all()}
    assert lines == {"寅公司 货款": ("credit", Decimal("300.00")), "午餐": ("debit", Decimal("20.00"))}


# --- card statements whose dates have no year ------------------------------------------------------


def test_a_card_statement_without_years_is_dated_by_the_month_its_title_names(db):
    """招商银行信用卡对账单（… 2024年01月）: 12/29 is of 2023, 01/05 of 2024; booked on its 记账日,
    made on its 交易日, which a repayment has not."""
    bank_statement_import(path=BANK / "cn_cmb_credit_deb.csv")
    lines = [
        (str(line.booking_date), str(line.transaction_date), line.direction, line.amount)
        for line in BankLine.objects.order_by("booking_date", "pk")
    ]
    assert lines[0] == ("2023-12-29", "None", "credit", Decimal("1.23"))  # a repayment
    assert lines[-1] == ("2024-01-07", "2024-01-05", "debit", Decimal("8000.00"))  # money spent
    assert [line[0] for line in lines] == [
        "2023-12-29", "2023-12-30", "2024-01-01", "2024-01-03", "2024-01-04", "2024-01-07",
    ]  # fmt: skip
    assert {line.value_date for line in BankLine.objects.all()} == {None}


CARD_HEADER = "交易日,记账日,交易摘要,人民币金额\n"


@pytest.mark.parametrize(
    "stated",
    [
        "账单周期,2024/11/30-2025/01/01\n",
        "账单周期：2024年11月30日 至 2025年01月01日\n",
        "记账日期,2024-11-30,至,2025-01-01,到期还款日,2025-01-20\n",
        "账单日,2025/01/01,到期还款日,2025/01/20\n",
    ],
    ids=["period-in-next-cell", "period-after-colon", "range-over-cells", "statement-date"],
)
def test_dates_without_a_year_take_it_from_the_stated_period_or_statement_date(db, tmp_path, stated):
    path = tmp_path / "card.csv"
    rows = "11-28,12-01,商户 甲,100.00\n12-30,01-01,还款,-50.00\n"
    path.write_text("招商银行信用卡\n" + stated + CARD_HEADER + rows, encoding="utf-8")
    assert bank_statement_import(path=path).profile == "cmb_credit"
    assert [
        (str(line.booking_date), str(line.transaction_date), line.direction)
        for line in BankLine.objects.order_by("pk")
    ] == [
        ("2024-12-01", "2024-11-28", "debit"),
        ("2025-01-01", "2024-12-30", "credit"),
    ]


def test_a_date_without_a_year_outside_the_stated_period_is_refused_with_the_period(db, tmp_path):
    path = tmp_path / "card.csv"
    path.write_text(
        "账单周期,2024/11/30-2024/12/29\n"
        + CARD_HEADER
        + "12/01,12/02,商户 甲,100.00\n06/15,06/16,商户 乙,9.00\n",
        encoding="utf-8",
    )
    with pytest.raises(InputRejected) as refused:
        bank_statement_import(path=path)
    (error,) = refused.value.errors
    assert (error.line, error.column, error.value) == (4, "记账日", "06/16")
    assert "no year" in error.reason and "2024-11-30 to 2024-12-29" in error.reason
    assert not BankLine.objects.exists()


def test_dates_without_a_year_and_no_stated_period_are_still_refused(db, tmp_path):
    path = tmp_path / "card.csv"
    path.write_text("招商银行信用卡\n" + CARD_HEADER + "12/01,12/02,商户 甲,100.00\n", encoding="utf-8")
    with pytest.raises(InputRejected) as refused:
        bank_statement_import(path=path)
    (error,) = refused.value.errors
    assert (error.line, error.column, error.value) == (3, "记账日", "12/02")
    assert "not a date in a form the profile knows" in error.reason
