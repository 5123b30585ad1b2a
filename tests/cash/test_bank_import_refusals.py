"""Bad bank files are refused whole, saying where; unsafe XML is never expanded; Chinese
exports in GBK, GB18030 and UTF-16, split money columns and thousands separators read right."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from huikuan.cash.imports import bank_statement_import
from huikuan.cash.models import BankLine, BankStatement
from huikuan.cash.profiles import profile_save
from huikuan.core.errors import ApplicationError, InputRejected

BANK = Path(__file__).resolve().parent.parent / "fixtures" / "bank"


def refused(path: Path, **options) -> InputRejected:
    with pytest.raises(InputRejected) as caught:
        bank_statement_import(path=path, **options)
    assert BankLine.objects.count() == 0 and BankStatement.objects.count() == 0
    return caught.value


def test_a_camt_entry_with_a_bad_amount_is_refused_naming_its_xml_path(db, tmp_path):
    text = (BANK / "camt053v08_genkgo.xml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.xml"
    bad.write_text(text.replace('Ccy="EUR">8.85<', 'Ccy="EUR">8,85<', 1), encoding="utf-8")
    error = refused(bad).errors[0]
    assert error.column == "/Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/Amt"
    assert error.value == "8,85" and error.line > 0


def test_a_camt_file_cut_short_is_refused_with_its_line(db, tmp_path):
    cut = tmp_path / "cut.xml"
    cut.write_bytes((BANK / "camt054v04_genkgo.xml").read_bytes()[:3000])
    rejected = refused(cut)
    assert "not well-formed XML" in rejected.message and rejected.errors[0].line > 0


@pytest.mark.parametrize(
    "declaration",
    [
        '<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    ],
    ids=["external-entity", "entity-expansion"],
)
def test_xml_with_entities_is_refused_before_parsing(db, tmp_path, declaration):
    text = (BANK / "camt053v08_genkgo.xml").read_text(encoding="utf-8")
    head, rest = text.split("?>", 1)
    hostile = tmp_path / "xxe.xml"
    hostile.write_text(head + "?>" + declaration + rest.replace("NAME NAME", "&xxe;&b;"), encoding="utf-8")
    assert "DTD or entity" in refused(hostile).message


def test_an_mt940_line_with_a_bad_amount_is_refused_with_its_line(db, tmp_path):
    text = (BANK / "mt940_wolph_mbank.sta").read_bytes().decode("iso-8859-2")
    bad = tmp_path / "bad.sta"
    bad.write_text(text.replace("CN0,01NTRF", "CNabcNTRF", 1), encoding="utf-8")
    rejected = refused(bad)
    assert rejected.errors[0].line >= 1, rejected.message


def test_a_bai2_record_with_a_bad_amount_is_refused_with_its_line(db, tmp_path):
    bad = tmp_path / "bad.bai2"
    text = (BANK / "bai2_moj_citi_example.bai2").read_text()
    bad.write_text(text.replace("16,191,001,", "16,191,0x1,"))
    rejected = refused(bad)
    assert rejected.errors[0].line == 4, rejected.errors


def test_a_broken_ofx_file_is_refused(db, tmp_path):
    bad = tmp_path / "bad.ofx"
    text = (BANK / "ofx_v1sgml_ofxparse_checking.ofx").read_bytes()
    bad.write_bytes(text.replace(b"<TRNAMT>-34.51", b"<TRNAMT>-34,5x1", 1))
    error = refused(bad).errors[0]
    # The transaction (its place and FITID), the field, its line in the file and the value.
    assert error.column == "STMTTRN[2] FITID=0000487 TRNAMT" and error.value == "-34,5x1"
    assert error.line == text[: text.index(b"<TRNAMT>-34.51")].count(b"\n") + 1
    assert error.reason == "not a number"


CANONICAL = "reference,date,amount,direction,payer_name,payer_account,memo,currency\n"


def test_a_csv_with_bad_rows_lists_each_with_line_and_column_and_imports_nothing(db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        CANONICAL
        + "R1,2024-01-02,100.00,credit,甲,1,,CNY\n"
        + "R2,2024-13-02,100.00,credit,乙,2,,CNY\n"
        + "R3,2024-01-04,12.345,credit,丙,3,,CNY\n"
        + "R4,2024-01-05,10.00,sideways,丁,4,,CNY\n",
        encoding="utf-8",
    )
    errors = refused(bad).errors
    assert [(e.line, e.column) for e in errors] == [(3, "date"), (4, "amount"), (5, "direction")]
    assert "neither credit nor debit" in errors[2].reason
    assert errors[2].value == "sideways"


def test_a_file_no_profile_fits_asks_for_one(db, tmp_path):
    odd = tmp_path / "odd.csv"
    odd.write_text("foo,bar\n1,2\n", encoding="utf-8")
    assert "--profile" in refused(odd).message


ICBC_LIKE = (
    "明细查询文件下载\n\n卡号: 6222 0000 1111,\n\n"
    "交易日期,摘要,记账金额(收入),记账金额(支出),记账币种,对方户名,对方账户\n"
    '2024-01-02 09:30:00\t,货款 YS-0301\t,"1,234,567.89\t",\t,人民币\t,杭州甲公司\t,6222001\t\n'
    "2024-01-03\t,手续费\t,\t,12.50\t,人民币\t,\t,\t\n"
    '人民币合计,,"1,234,567.89",12.50,,,\n'
)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-8-sig"])
def test_icbc_style_exports_in_every_chinese_encoding(db, tmp_path, encoding):
    export = tmp_path / f"icbc-{encoding}.csv"
    export.write_bytes(ICBC_LIKE.encode(encoding))
    result = bank_statement_import(path=export)
    assert (result.profile, result.lines_new, result.credits, result.debits) == ("icbc", 2, 1, 1)
    money_in = BankLine.objects.get(direction="credit")
    assert money_in.amount == Decimal("1234567.89")  # thousands separators, the tab padding gone
    assert (money_in.payer_name, money_in.memo, money_in.currency) == ("杭州甲公司", "货款 YS-0301", "CNY")
    assert str(money_in.booking_date) == "2024-01-02"  # the time part dropped
    assert money_in.account_number == "622200001111"
    assert BankLine.objects.get(direction="debit").amount == Decimal("12.50")


def test_a_saved_profile_reads_a_semicolon_export_with_decimal_commas(db, tmp_path):
    profile_save(
        data={
            "name": "my-bank",
            "encoding": "gb18030",
            "delimiter": ";",
            "columns": {
                "date": "记账日",
                "amount": "金额",
                "direction": "借贷",
                "payer_name": "对方",
                "memo": ["用途"],
            },
            "amount_layout": "direction",
            "thousands_separator": ".",
            "decimal_separator": ",",
            "date_format": "%Y年%m月%d日",
            "currency": "CNY",
        }
    )
    export = tmp_path / "mine.csv"
    export.write_bytes("记账日;金额;借贷;对方;用途\n2024年1月2日;1.234,50;贷;甲公司;货款\n".encode("gb18030"))
    result = bank_statement_import(path=export, profile_name="my-bank", account="X1")
    assert result.profile == "my-bank" and result.credits == 1
    line = BankLine.objects.get()
    assert (line.amount, line.direction, str(line.booking_date)) == (
        Decimal("1234.50"),
        "credit",
        "2024-01-02",
    )
    assert BankStatement.objects.get().profile.name == "my-bank"


def test_a_profile_without_a_date_column_is_refused(db):
    with pytest.raises(ApplicationError, match="date"):
        profile_save(data={"name": "half", "columns": {"amount": "金额"}})
    with pytest.raises(ApplicationError, match="built-in"):
        profile_save(data={"name": "icbc", "columns": {"date": "d", "amount": "a"}})
