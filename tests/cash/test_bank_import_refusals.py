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


# --- never a wrong value read silently ------------------------------------------------------------

OFX_SAMPLE = (BANK / "ofx_v1sgml_ofxparse_checking.ofx").read_bytes()


def line_of(data: bytes, text: bytes) -> int:
    return data[: data.index(text)].count(b"\n") + 1


def test_an_ofx_amount_with_a_comma_out_of_place_is_refused_not_read_as_thousands(db, tmp_path):
    bad = tmp_path / "bad.ofx"
    bad.write_bytes(OFX_SAMPLE.replace(b"<TRNAMT>-34.51", b"<TRNAMT>12,34.5", 1))
    error = refused(bad).errors[0]
    assert (error.line, error.column, error.value) == (
        line_of(OFX_SAMPLE, b"<TRNAMT>-34.51"),
        "STMTTRN[2] FITID=0000487 TRNAMT",
        "12,34.5",
    )
    assert "thousands separators" in error.reason


@pytest.mark.parametrize("written", ["-1,234.51", "-1.234,51", "-1234,51"])
def test_an_ofx_amount_grouped_by_thousands_is_read_as_written(db, tmp_path, written):
    good = tmp_path / "good.ofx"
    good.write_bytes(OFX_SAMPLE.replace(b"<TRNAMT>-34.51", b"<TRNAMT>" + written.encode(), 1))
    bank_statement_import(path=good)
    assert BankLine.objects.get(bank_ref="0000487").amount == Decimal("1234.51")


def test_an_ofx_transaction_with_a_bad_date_is_named_by_its_line_and_field(db, tmp_path):
    first_date = OFX_SAMPLE[OFX_SAMPLE.index(b"<DTPOSTED>") :].split(b"\n")[0]
    bad = tmp_path / "bad.ofx"
    bad.write_bytes(OFX_SAMPLE.replace(first_date, b"<DTPOSTED>2011033x", 1))
    rejected = refused(bad)
    assert len(rejected.errors) == 1
    error = rejected.errors[0]
    assert (error.line, error.column, error.value) == (
        line_of(OFX_SAMPLE, first_date),
        "STMTTRN[1] FITID=0000486 DTPOSTED",
        "2011033x",
    )
    assert "not a valid date" in error.reason and "unconverted" not in error.reason


@pytest.mark.parametrize(
    ("tag", "written"), [("DTSTART", "2011032x"), ("DTEND", "20111399"), ("DTEND", "2013-05-25")]
)
def test_an_ofx_statement_period_with_a_bad_date_is_refused_naming_the_tag_and_value(
    db, tmp_path, tag, written
):
    field = OFX_SAMPLE[OFX_SAMPLE.index(f"<{tag}>".encode()) :].split(b"\n")[0]
    bad = tmp_path / "bad.ofx"
    bad.write_bytes(OFX_SAMPLE.replace(field, f"<{tag}>{written}".encode(), 1))
    rejected = refused(bad)
    (error,) = rejected.errors
    assert (error.line, error.column, error.value) == (
        line_of(OFX_SAMPLE, field),
        f"BANKTRANLIST {tag}",
        written,
    )
    assert "not a valid date" in error.reason and "YYYYMMDD" in error.reason


MBANK = (BANK / "mt940_wolph_mbank.sta").read_bytes().decode("iso-8859-2")


@pytest.mark.parametrize("amount", ["0,0,1", ",", "0.01"])
def test_an_mt940_amount_that_is_no_number_is_refused_at_its_own_line(db, tmp_path, amount):
    bad = tmp_path / "bad.sta"
    bad.write_text(MBANK.replace("CN0,01NTRF", f"CN{amount}NTRF", 1), encoding="utf-8")
    error = refused(bad).errors[0]
    assert (error.line, error.column, error.value) == (
        MBANK.split("\n").index(next(line for line in MBANK.split("\n") if line.startswith(":61:"))) + 1,
        ":61:",
        amount,
    )
    assert "not a number" in error.reason and "decimal" in error.reason


def test_an_mt940_balance_amount_that_is_no_number_is_refused_at_its_line(db, tmp_path):
    bad = tmp_path / "bad.sta"
    bad.write_text(MBANK.replace(":62F:C170119PLN0,43", ":62F:C170119PLN0,4,3"), encoding="utf-8")
    error = refused(bad).errors[0]
    assert (error.line, error.column, error.value) == (
        MBANK.split("\n").index(":62F:C170119PLN0,43") + 1,
        ":62F:",
        "0,4,3",
    )


def canonical(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "statement.csv"
    path.write_text(CANONICAL + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize(("written", "read"), [('"1,234.56"', "1234.56"), ('"1,234,567.00"', "1234567.00")])
def test_a_bank_csv_reads_amounts_grouped_by_thousands(db, tmp_path, written, read):
    bank_statement_import(path=canonical(tmp_path, f"R1,2024-01-02,{written},credit,甲,1,,CNY"))
    assert BankLine.objects.get().amount == Decimal(read)


@pytest.mark.parametrize("written", ['"12,34.5"', '"1,2345.00"', '"1234,56"'])
def test_a_bank_csv_amount_with_a_separator_out_of_place_is_refused(db, tmp_path, written):
    error = refused(canonical(tmp_path, f"R1,2024-01-02,{written},credit,甲,1,,CNY")).errors[0]
    assert (error.line, error.column, error.value) == (2, "amount", written.strip('"'))
    assert "thousands separators" in error.reason


def test_a_line_with_a_reference_and_no_amount_is_refused_but_a_note_line_skipped(db, tmp_path):
    rows = ("R1,2024-01-02,100.00,credit,甲,1,,CNY", "R2,2024-01-03,,credit,乙,2,,CNY", ",,,,,,备注,")
    error = refused(canonical(tmp_path, *rows)).errors[0]
    assert (error.line, error.column, error.value) == (3, "amount", "")
    assert "no amount" in error.reason
    result = bank_statement_import(path=canonical(tmp_path, rows[0], rows[2]))
    assert (result.lines_read, result.lines_new) == (1, 1)


def test_a_split_export_line_with_a_reference_and_no_money_names_the_money_column(db, tmp_path):
    export = tmp_path / "icbc.csv"
    export.write_text(
        "交易日期,流水号,记账金额(收入),记账金额(支出),记账币种,对方户名\n"
        "2024-01-02,A1,100.00,,人民币,甲\n"
        "2024-01-03,A2,,,人民币,乙\n",
        encoding="utf-8",
    )
    error = refused(export).errors[0]
    assert (error.line, error.column) == (3, "记账金额(收入)")
    assert "money in and money out" in error.reason


def test_a_minus_sign_the_direction_contradicts_is_refused_and_one_it_confirms_read(db, tmp_path):
    error = refused(canonical(tmp_path, "R1,2024-01-02,-5.00,C,甲,1,,CNY")).errors[0]
    assert (error.line, error.column, error.value) == (2, "amount", "-5.00")
    assert "contradict" in error.reason and "'C'" in error.reason
    bank_statement_import(path=canonical(tmp_path, "R1,2024-01-02,-5.00,D,甲,1,,CNY"))
    line = BankLine.objects.get()
    assert (line.amount, line.direction) == (Decimal("5.00"), "debit")


def test_a_line_with_fewer_columns_than_the_header_is_refused_as_such(db, tmp_path):
    rejected = refused(canonical(tmp_path, "R1,2024-01-02,5.00,credit,甲,1,,CNY", "R2,2024-01-02,5.00"))
    error = rejected.errors[0]
    assert (error.line, error.column, error.value) == (3, "", "R2,2024-01-02,5.00")
    assert "3 columns but the header has 8" in error.reason and "currency" not in error.reason


# --- a file imported twice ------------------------------------------------------------------------


def test_the_same_file_is_imported_once_whatever_account_it_is_given(db, tmp_path):
    statement = tmp_path / "mbank.sta"
    statement.write_text(MBANK, encoding="utf-8")
    first = bank_statement_import(path=statement, account="PL29114010810000267002001002")
    again = bank_statement_import(path=statement)
    other = bank_statement_import(path=statement, account="999")
    assert first.lines_new == 3
    assert [(r.lines_new, r.duplicates) for r in (again, other)] == [(0, 3), (0, 3)]
    assert "already imported" in again.warnings[0]
    assert (BankLine.objects.count(), BankStatement.objects.count()) == (3, 1)


def test_an_account_is_the_same_account_written_with_dashes_or_from_the_file(db, tmp_path):
    first_copy = tmp_path / "mbank.sta"
    first_copy.write_text(MBANK, encoding="utf-8")
    second_copy = tmp_path / "mbank-again.sta"
    second_copy.write_text(MBANK + "\n", encoding="utf-8")  # another file, the same lines
    assert bank_statement_import(path=first_copy).lines_new == 3
    again = bank_statement_import(path=second_copy, account="PL29 1140-1081-0000-2670-0200-1002")
    assert (again.lines_new, again.duplicates) == (0, 3)
    assert BankLine.objects.count() == 3


def ofx_corrected(
    action: str, corrected: str, fitid: str, *, first: bool = False, base: bytes = OFX_SAMPLE
) -> bytes:
    """The sample with a transaction correcting the one ``corrected`` names, last in its list
    (or ``first``, as banks listing the newest first write it)."""
    tab = b"\t" * 6
    block = (
        b"\t\t\t\t\t<STMTTRN>\n" + tab + b"<TRNTYPE>CREDIT\n" + tab + b"<DTPOSTED>20110408120000.000\n"
        + tab + b"<TRNAMT>0.02\n" + tab + b"<FITID>" + fitid.encode() + b"\n"
        + tab + b"<CORRECTFITID>" + corrected.encode() + b"\n"
        + tab + b"<CORRECTACTION>" + action.encode() + b"\n"
        + tab + b"<NAME>DIVIDEND CORRECTED\n\t\t\t\t\t</STMTTRN>\n"
    )  # fmt: skip
    if first:
        at = base.index(b"\t\t\t\t\t<STMTTRN>")
    else:
        at = base.index(b"\t\t\t\t</BANKTRANLIST>")
    return base[:at] + block + base[at:]


@pytest.mark.parametrize(
    ("action", "corrected", "first", "expected"),
    [
        ("REPLACE", "0000486", False, {"0000490": "0.02", "0000487": "34.51", "0000488": "25.00"}),
        ("REPLACE", "0000486", True, {"0000490": "0.02", "0000487": "34.51", "0000488": "25.00"}),
        ("DELETE", "0000487", True, {"0000486": "0.01", "0000488": "25.00"}),
    ],
    ids=["replace-after", "replace-listed-first", "delete"],
)
def test_an_ofx_correction_replaces_or_deletes_the_transaction_it_names_in_the_same_file(
    db, tmp_path, action, corrected, first, expected
):
    path = tmp_path / "corrected.ofx"
    path.write_bytes(ofx_corrected(action, corrected, "0000490", first=first))
    result = bank_statement_import(path=path)
    assert result.lines_new == len(expected)
    assert {line.bank_ref: str(line.amount) for line in BankLine.objects.all()} == expected


def test_a_correction_of_a_correction_in_the_same_file_leaves_only_the_last(db, tmp_path):
    twice = ofx_corrected(
        "REPLACE", "0000490", "0000491", base=ofx_corrected("REPLACE", "0000486", "0000490")
    )
    path = tmp_path / "corrected-twice.ofx"
    path.write_bytes(
        twice.replace(
            b"<TRNAMT>0.02\n\t\t\t\t\t\t<FITID>0000491", b"<TRNAMT>0.03\n\t\t\t\t\t\t<FITID>0000491"
        )
    )
    bank_statement_import(path=path)
    assert sorted(BankLine.objects.values_list("bank_ref", "amount")) == [
        ("0000487", Decimal("34.51")),
        ("0000488", Decimal("25.00")),
        ("0000491", Decimal("0.03")),
    ]


@pytest.mark.parametrize("with_the_original", [False, True], ids=["correction-alone", "statement-again"])
def test_an_ofx_correction_of_a_transaction_imported_earlier_is_refused_and_changes_nothing(
    db, tmp_path, with_the_original
):
    bank_statement_import(path=BANK / "ofx_v1sgml_ofxparse_checking.ofx")
    earlier = BankLine.objects.get(bank_ref="0000486")
    content = ofx_corrected("REPLACE", "0000486", "0000490")
    if not with_the_original:  # the bank's next download: only the correction
        start = content.index(b"\t\t\t\t\t<STMTTRN>")
        end = content.index(b"\t\t\t\t\t<STMTTRN>", content.index(b"<FITID>0000488"))
        content = content[:start] + content[end:]
    path = tmp_path / "later.ofx"
    path.write_bytes(content)
    with pytest.raises(InputRejected) as caught:
        bank_statement_import(path=path)
    (error,) = caught.value.errors
    transaction = 1 if not with_the_original else 4
    assert (error.line, error.column, error.value) == (
        line_of(content, b"<CORRECTFITID>0000486"),
        f"STMTTRN[{transaction}] FITID=0000490 CORRECTFITID",
        "0000486",
    )
    assert (
        f"already imported as bank line {earlier.pk} (2011-03-31, 0.01 USD, not matched yet)" in error.reason
    )
    assert "cash workbench" in error.reason
    assert BankLine.objects.count() == 3 and BankStatement.objects.count() == 1
    earlier.refresh_from_db()
    assert (earlier.amount, earlier.bank_ref) == (Decimal("0.01"), "0000486")


def test_an_ofx_correction_naming_a_transaction_found_nowhere_is_refused_naming_it(db, tmp_path):
    path = tmp_path / "stray.ofx"
    content = ofx_corrected("DELETE", "0000999", "0000490")
    path.write_bytes(content)
    (error,) = refused(path).errors
    assert (error.line, error.column, error.value) == (
        line_of(content, b"<CORRECTFITID>0000999"),
        "STMTTRN[4] FITID=0000490 CORRECTFITID",
        "0000999",
    )
    assert "neither in this file nor imported earlier" in error.reason


@pytest.mark.parametrize(
    ("written", "tag", "reason"),
    [
        (b"<CORRECTACTION>UPDATE", "CORRECTACTION", "either REPLACE or DELETE"),
        (b"<CORRECTFITID>\n", "CORRECTFITID", "does not name the transaction it corrects"),
    ],
)
def test_an_ofx_correction_that_says_no_action_or_no_transaction_is_refused(
    db, tmp_path, written, tag, reason
):
    content = ofx_corrected("REPLACE", "0000486", "0000490")
    content = content.replace(
        b"<CORRECTACTION>REPLACE" if tag == "CORRECTACTION" else b"<CORRECTFITID>0000486\n", written
    )
    path = tmp_path / "odd.ofx"
    path.write_bytes(content)
    (error,) = refused(path).errors
    assert (error.line, error.column) == (
        line_of(content, f"<{tag}>".encode()),
        f"STMTTRN[4] FITID=0000490 {tag}",
    )
    assert reason in error.reason
