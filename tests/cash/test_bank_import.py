"""Importing the public sample statements of every format: lines, amounts, directions,
references and payers as the bank stated them; again, nothing new; overlapping, only the new."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from huikuan.cash.imports import bank_statement_import
from huikuan.cash.models import BankLine, BankStatement, LineStatus

BANK = Path(__file__).resolve().parent.parent / "fixtures" / "bank"

# file → (format, statements, lines, credits, debits, {currency: (money in, money out)})
SAMPLES = {
    "camt053v08_genkgo.xml": ("camt053", 1, 1, 1, 0, {"EUR": ("8.85", "0.00")}),
    # One 200,000 SEK debit whose three parts say CHF credits of 9.50 in all: the parts do not add up
    # to the entry, so the entry is what moved the account (see test_a_batch_whose_parts_…).
    "camt054v04_genkgo.xml": ("camt054", 1, 1, 0, 1, {"SEK": ("0.00", "200000.00")}),
    "mt940_wolph_abnamro.sta": ("mt940", 2, 10, 0, 10, {"EUR": ("0.00", "345.93")}),
    "mt940_wolph_betterplace_sepa_snippet.sta": ("mt940", 2, 11, 8, 3, {"EUR": ("1430745.72", "3574069.11")}),
    "mt940_wolph_mbank.sta": ("mt940", 1, 3, 3, 0, {"PLN": ("0.03", "0.00")}),
    "mt940_wolph_sberbank.sta": ("mt940", 1, 3, 0, 3, {"HUF": ("0.00", "9437.00")}),
    "bai2_moj_citi_example.bai2": ("bai2", 1, 1, 1, 0, {"GBP": ("0.01", "0.00")}),
    "bai2_moj_nwb_example.bai2": ("bai2", 1, 5, 1, 4, {"GBP": ("0.89", "27.65")}),
    "ofx_v1sgml_ofxparse_checking.ofx": ("ofx", 1, 3, 1, 2, {"USD": ("0.01", "59.51")}),
    "cn_cmb_debit_deb.csv": ("csv", 1, 5, 1, 4, {"CNY": ("1234.00", "2013.14")}),
    "cn_icbc_debit_v2_deb.csv": ("csv", 1, 11, 5, 6, {"CNY": ("2841.74", "4241.08")}),
    "cn_ccb_jiaoyimingxi_deb.xls": ("csv", 1, 6, 0, 6, {"CNY": ("0.00", "703.26")}),
}

# file → one line the bank stated: (bank_ref, direction, amount, currency, payer_name, payer_account)
A_LINE = {
    "camt053v08_genkgo.xml": (
        "AAAASESS-FP-CN_98765/01", "credit", "8.85", "EUR", "NAME NAME", "NL56AGDH9619008421"
    ),
    "camt054v04_genkgo.xml": ("ACSR160617103200001", "debit", "200000", "SEK", None, None),
    "mt940_wolph_betterplace_sepa_snippet.sta": (
        "0724710333343453", "credit", "50990.05", "EUR", "KARL KAUFMANN", "DE14508800500194785000"
    ),
    "mt940_wolph_mbank.sta": (
        "MB170119012058", "credit", "0.01", "PLN", "JAN NOWAK", "56114010810000267002001001"
    ),
    "mt940_wolph_sberbank.sta": ("G200000137791678", "debit", "2402.00", "HUF", None, None),
    "bai2_moj_citi_example.bai2": ("1234567890", "credit", "0.01", "GBP", "DOE JO", "11111111"),
    "ofx_v1sgml_ofxparse_checking.ofx": ("0000486", "credit", "0.01", "USD", None, None),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_sample_statement_imports_as_the_bank_stated_it(db, name):
    fmt, statements, lines, credits, debits, totals = SAMPLES[name]
    result = bank_statement_import(path=BANK / name, imported_by="treasurer")
    assert (result.format, result.statements, result.lines_read, result.lines_new) == (
        fmt,
        statements,
        lines,
        lines,
    )
    assert (result.credits, result.debits) == (credits, debits)
    assert result.as_dict()["totals"] == {
        cur: {"credit": cin, "debit": cout} for cur, (cin, cout) in totals.items()
    }
    assert BankLine.objects.count() == lines
    assert set(BankStatement.objects.values_list("imported_by", flat=True)) == {"treasurer"}
    # Money out is kept, never to be applied; money in waits for the matcher.
    assert BankLine.objects.filter(direction="debit").exclude(status=LineStatus.IGNORED).count() == 0
    assert BankLine.objects.filter(direction="credit", status=LineStatus.NEW).count() == credits
    if name in A_LINE:
        ref, direction, amount, currency, payer, account = A_LINE[name]
        line = BankLine.objects.get(bank_ref=ref)
        assert (line.direction, line.amount, line.currency) == (direction, Decimal(amount), currency)
        if payer is not None:
            assert (line.payer_name, line.payer_account) == (payer, account)


def test_the_chinese_exports_keep_payer_memo_and_account(db):
    bank_statement_import(path=BANK / "cn_icbc_debit_v2_deb.csv")
    li_si = BankLine.objects.get(payer_name="李四")
    assert (li_si.direction, li_si.amount, li_si.currency, str(li_si.booking_date)) == (
        "credit", Decimal("1234.56"), "CNY", "2023-04-22"
    )  # fmt: skip
    assert li_si.memo == "他行汇入"
    assert li_si.account_number == "1234****9876"  # from the preamble's 卡号

    bank_statement_import(path=BANK / "cn_cmb_debit_deb.csv")
    fund = BankLine.objects.get(payer_account="1111111111")
    assert fund.payer_name == "北京住房公积金管理中心"  # CMB writes name and account in one cell
    assert fund.amount == Decimal("1234.00") and fund.direction == "credit"

    bank_statement_import(path=BANK / "cn_ccb_jiaoyimingxi_deb.xls")
    ccb = BankStatement.objects.get(format="csv", profile__isnull=True, account_number="xxxxx*********xxxx")
    assert ccb.lines.count() == 6  # the footer 以上数据仅供参考 is not a line


def test_importing_the_same_file_again_creates_nothing(db):
    for name in SAMPLES:
        bank_statement_import(path=BANK / name)
    lines, statements = BankLine.objects.count(), BankStatement.objects.count()
    for name in SAMPLES:
        again = bank_statement_import(path=BANK / name)
        assert (again.lines_new, again.duplicates, again.statements_created) == (0, again.lines_read, 0), name
    assert (BankLine.objects.count(), BankStatement.objects.count()) == (lines, statements)


CANONICAL = "reference,date,amount,direction,payer_name,payer_account,memo,currency\n"


def test_an_overlapping_statement_adds_only_its_new_lines(db, tmp_path):
    january = tmp_path / "jan.csv"
    january.write_text(
        CANONICAL
        + "B-1,2024-01-02,1000.00,credit,杭州甲公司,6222001,YS-0301,CNY\n"
        + ",2024-01-03,50.00,debit,电费,,,CNY\n"
        + "B-2,2024-01-04,2000.00,credit,深圳乙公司,6222002,YS-0302,CNY\n",
        encoding="utf-8",
    )
    overlap = tmp_path / "jan-feb.csv"
    overlap.write_text(
        CANONICAL
        + "B-2,2024-01-04,2000.00,credit,深圳乙公司,6222002,YS-0302,CNY\n"
        + ",2024-01-03,50.00,debit,电费,,,CNY\n"
        + "B-3,2024-02-01,3000.00,credit,杭州甲公司,6222001,YS-0303,CNY\n",
        encoding="utf-8",
    )
    first = bank_statement_import(path=january, account="95588-001")
    second = bank_statement_import(path=overlap, account="95588-001")
    assert (first.lines_new, second.lines_new, second.duplicates) == (3, 1, 2)
    assert sorted(BankLine.objects.values_list("bank_ref", flat=True)) == ["", "B-1", "B-2", "B-3"]
    # Another account's identical line is another line (in that account's own file).
    other_account = tmp_path / "jan-feb-002.csv"
    other_account.write_text(overlap.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    other = bank_statement_import(path=other_account, account="95588-002")
    assert other.lines_new == 3


def test_an_account_number_written_with_spaces_is_the_same_account(db, tmp_path):
    statement = tmp_path / "jan.csv"
    statement.write_text(CANONICAL + "B-1,2024-01-02,1000.00,credit,杭州甲公司,6222001,YS-0301,CNY\n")
    assert bank_statement_import(path=statement, account="6222 0200 0123 4567").lines_new == 1
    again = bank_statement_import(path=statement, account="6222020001234567 ")
    assert (again.lines_new, again.duplicates) == (0, 1)
    assert set(BankStatement.objects.values_list("account_number", flat=True)) == {"6222020001234567"}


def test_an_iban_written_in_small_letters_and_groups_is_the_same_account(db, tmp_path):
    mbank = (BANK / "mt940_wolph_mbank.sta").read_bytes().decode("iso-8859-2")
    small = tmp_path / "small.sta"
    small.write_text(
        mbank.replace(":25:PL29114010810000267002001002", ":25:pl29 1140 1081 0000 2670 0200 1002")
    )
    capitals = tmp_path / "capitals.sta"
    capitals.write_text(mbank)
    assert bank_statement_import(path=small).lines_new == 3
    again = bank_statement_import(path=capitals)
    assert (again.lines_new, again.duplicates) == (0, 3)
    typed = bank_statement_import(
        path=BANK / "mt940_wolph_mbank.sta", account="pl29 1140 1081 0000 2670 0200 1002"
    )
    assert (typed.lines_new, typed.duplicates) == (0, 3)
    assert set(BankLine.objects.values_list("account_number", flat=True)) == {"PL29114010810000267002001002"}
    assert set(BankStatement.objects.values_list("account_number", flat=True)) == {
        "PL29114010810000267002001002"
    }


def test_a_payers_iban_is_kept_in_capitals_and_a_masked_card_number_as_written(db, tmp_path):
    camt = (BANK / "camt053v08_genkgo.xml").read_text(encoding="utf-8")
    statement = tmp_path / "camt.xml"
    statement.write_text(
        camt.replace("<IBAN>NL56AGDH9619008421</IBAN>", "<IBAN>nl56 agdh 9619 0084 21</IBAN>")
    )
    bank_statement_import(path=statement)
    assert BankLine.objects.get().payer_account == "NL56AGDH9619008421"
    export = tmp_path / "cards.csv"
    export.write_text(CANONICAL + "B-1,2024-01-02,10.00,credit,甲,6222****1234,,CNY\n", encoding="utf-8")
    bank_statement_import(path=export, account="6222 **** 9876")
    assert BankLine.objects.get(bank_ref="B-1").payer_account == "6222****1234"
    assert BankLine.objects.get(bank_ref="B-1").account_number == "6222****9876"


def test_two_identical_lines_in_one_statement_are_both_kept(db, tmp_path):
    twice = tmp_path / "twice.csv"
    row = ",2024-03-01,99.00,credit,王五,6222,货款,CNY\n"
    twice.write_text(CANONICAL + row + row, encoding="utf-8")
    assert bank_statement_import(path=twice, account="A").lines_new == 2
    assert bank_statement_import(path=twice, account="A").lines_new == 0
    thrice = tmp_path / "thrice.csv"
    thrice.write_text(CANONICAL + row * 3, encoding="utf-8")
    assert bank_statement_import(path=thrice, account="A").lines_new == 1


def test_a_dry_run_writes_nothing(db):
    result = bank_statement_import(path=BANK / "cn_icbc_debit_v2_deb.csv", dry_run=True)
    assert result.lines_new == 11 and BankLine.objects.count() == 0


def test_the_import_is_in_the_audit_trail(db):
    from auditlog.models import LogEntry

    bank_statement_import(path=BANK / "camt053v08_genkgo.xml", imported_by="treasurer")
    line = BankLine.objects.get()
    entry = LogEntry.objects.get(content_type__model="bankline", object_id=line.pk)
    assert entry.action == LogEntry.Action.CREATE and entry.changes["amount"] == [None, "8.85"]
    assert LogEntry.objects.filter(content_type__model="bankstatement").count() == 1


BLANK_TAGS_OFX = (
    "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\nCHARSET:1252\n"
    "COMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
    "<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>0</TRNUID><STMTRS><CURDEF></CURDEF>"
    "<BANKACCTFROM><BANKID>BANK</BANKID><BRANCHID></BRANCHID><ACCTID>600123</ACCTID></BANKACCTFROM>"
    "<BANKTRANLIST><DTSTART>20240501</DTSTART><DTEND>20240531</DTEND>"
    "<STMTTRN><TRNTYPE>Credit</TRNTYPE><DTPOSTED>20240507</DTPOSTED><TRNAMT>1250.40</TRNAMT>"
    "<FITID></FITID><NAME></NAME><CHECKNUM></CHECKNUM><MEMO>INV-2024-0042</MEMO>"
    "<CURRENCY><CURRATE>1.0000</CURRATE><CURSYM>AUD</CURSYM></CURRENCY></STMTTRN>"
    "</BANKTRANLIST><LEDGERBAL><BALAMT></BALAMT><DTASOF></DTASOF></LEDGERBAL>"
    "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>"
)


def test_an_ofx_file_with_blank_fields_imports_and_again_creates_nothing(db, tmp_path):
    # Some banks write every field they leave blank as an empty element, the FITID included.
    path = tmp_path / "blank.ofx"
    path.write_text(BLANK_TAGS_OFX, encoding="ascii")
    first = bank_statement_import(path=path)
    line = BankLine.objects.get()
    seen = (line.bank_ref, line.amount, line.currency, line.memo)
    assert seen == ("", Decimal("1250.40"), "AUD", "INV-2024-0042")
    assert first.lines_new == 1 and bank_statement_import(path=path).duplicates == 1


def _mt940(tmp_path, body: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "statement.sta"
    path.write_bytes(body.replace("\n", "\r\n").encode(encoding))
    return path


MT940_HEAD = ":20:STMT1\n:25:CN/6222000011112222\n:28C:00042/001\n:60F:C240430CNY100000,00\n"


def test_mt940_reversals_keep_the_direction_the_money_moved(db, tmp_path):
    # RD: a debit reversed, money back in (a credit); RC: a receipt taken back (a debit).
    body = (
        MT940_HEAD + ":61:2405020502RD100,00NTRFNONREF//R1\n:86:CHARGE REFUNDED\n"
        ":61:2405030503RC2500,00NTRFNONREF//R2\n:86:RETURNED RECEIPT\n:62F:C240503CNY97600,00\n-\n"
    )
    bank_statement_import(path=_mt940(tmp_path, body))
    directions = dict(BankLine.objects.values_list("bank_ref", "direction"))
    assert directions == {"R1": "credit", "R2": "debit"}


def test_mt940_swift_structured_details_give_payer_account_and_remittance(db, tmp_path):
    body = (
        MT940_HEAD
        + ":61:2405010501C12500,50NTRFHT2024-018//B1\n"
        + ":86:/ORDP/SHENZHEN YIDA TRADING CO LTD/REMI/INV-2024-0042 INV-2024-0043\n"
        + ":61:2405010501C800,00NTRFNONREF//B2\n"
        + ":86:/EREF/E2E-77/CNTP/NL08INGB0000000555/INGBNL2A/Van Dijk BV/Utrecht/"
        + "/REMI/USTD//Factuur 2024-118/\n"
        + ":61:2405010501C300,00NTRFNONREF//B3\n"
        + ":86:/ORDP//NAME/Jansen Techniek/ADDR/Breda//IBAN/NL91RABO0300065264/REMI/USTD//F-9001/\n"
        + ":62F:C240501CNY113600,50\n-\n"
    )
    bank_statement_import(path=_mt940(tmp_path, body))
    lines = {
        line.bank_ref: (line.payer_name, line.payer_account, line.memo) for line in BankLine.objects.all()
    }
    assert lines["B1"] == ("SHENZHEN YIDA TRADING CO LTD", "", "INV-2024-0042 INV-2024-0043")
    assert lines["B2"] == ("Van Dijk BV", "NL08INGB0000000555", "Factuur 2024-118 E2E-77")
    assert lines["B3"] == ("Jansen Techniek", "NL91RABO0300065264", "F-9001")


def test_a_chinese_banks_mt940_in_gbk_keeps_its_chinese(db, tmp_path):
    body = (
        MT940_HEAD
        + ":61:2405010501C5000,00NTRFNONREF//G1\n:86:/ORDP/深圳市益达贸易有限公司/REMI/货款 YS-0301\n-\n"
    )
    bank_statement_import(path=_mt940(tmp_path, body, encoding="gbk"))
    line = BankLine.objects.get()
    assert (line.payer_name, line.memo) == ("深圳市益达贸易有限公司", "货款 YS-0301")


BAI2_ACH_AND_WIRES = """01,BANKUS,CUSTCO,240501,0600,1,,,2/
02,CUSTCO,BANKUS,1,240430,2400,USD,2/
03,0001234567,USD,010,500000,,,015,520000,,/
16,195,1250050,0,BR240501A,CR778,/
88,BO: ACME WIDGETS INC OBI: INV 10042 10043
16,165,80000,0,BR240501D,,ORIG CO NAME:GLOBEX CORP ORIG ID:1234567890 CO ENTRY DESCR:PAYMENT/
16,475,35000,0,BR240501B,,CHECK PAID/
49,2385050,6/
98,2385050,1,8/
99,2385050,1,10/
"""


def test_bai2_payers_written_as_by_order_names_and_ach_originators(db, tmp_path):
    path = tmp_path / "wires.bai2"
    path.write_text(BAI2_ACH_AND_WIRES, encoding="ascii")
    bank_statement_import(path=path)
    lines = {line.bank_ref: line for line in BankLine.objects.all()}
    assert (lines["BR240501A"].payer_name, lines["BR240501A"].payer_account) == ("ACME WIDGETS INC", "")
    # The customer reference (CR778) is read with the text: it may be the payer's invoice number.
    assert lines["BR240501A"].memo == "BO: ACME WIDGETS INC OBI: INV 10042 10043 CR778"
    assert lines["BR240501D"].payer_name == "GLOBEX CORP" and lines["BR240501D"].direction == "credit"
    assert (lines["BR240501B"].payer_name, lines["BR240501B"].direction) == ("", "debit")


def test_agricultural_bank_and_bank_of_communications_exports_in_gbk(db, tmp_path):
    abc = tmp_path / "abc.csv"
    abc.write_bytes(
        (
            "中国农业银行账户明细\n账号：6228480000000001\n"
            "交易时间,收入金额,支出金额,本次余额,对方户名,对方账号,交易用途,交易渠道\n"
            '2024-05-01 10:23:11,"12,500.50",,112500.50,深圳市益达贸易有限公司,'
            "6222000011119999,货款 YS-0301,网银\n"
            "2024-05-02 09:00:00,,25.00,112475.50,,,手续费,柜面\n"
        ).encode("gbk")
    )
    bocom = tmp_path / "bocom.csv"
    bocom.write_bytes(
        (
            "交易日期,交易时间,借贷标志,发生额,余额,对方户名,对方账号,摘要,附言\n"
            "20240501,102311,贷,8000.00,108000.00,杭州甲公司,6222001,转账,YS-0302\n"
            "20240502,090000,借,30.00,107970.00,,,手续费,\n"
        ).encode("gbk")
    )
    assert bank_statement_import(path=abc).profile == "abc"
    assert bank_statement_import(path=bocom).profile == "bocom"
    credits = {
        line.payer_name: (line.amount, line.payer_account, line.memo, line.booking_date.isoformat())
        for line in BankLine.objects.filter(direction="credit")
    }
    assert credits == {
        "深圳市益达贸易有限公司": (Decimal("12500.50"), "6222000011119999", "货款 YS-0301", "2024-05-01"),
        "杭州甲公司": (Decimal("8000.00"), "6222001", "转账 YS-0302", "2024-05-01"),
    }
    assert BankLine.objects.filter(direction="debit").count() == 2


CAMT_DATE_TIMES_AND_ULTIMATE_DEBTOR = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04">
 <BkToCstmrStmt>
  <GrpHdr><MsgId>M1</MsgId><CreDtTm>2024-05-02T06:10:29</CreDtTm></GrpHdr>
  <Stmt>
   <Id>S1</Id><CreDtTm>2024-05-02T06:10:29</CreDtTm>
   <Acct><Id><Othr><Id>6222000011112222</Id></Othr></Id><Ccy>CNY</Ccy></Acct>
   <Ntry>
    <Amt Ccy="CNY">5000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
    <BookgDt><DtTm>2024-05-01T10:11:12.000+08:00</DtTm></BookgDt>
    <ValDt><DtTm>2024-05-01T10:11:12+08:00</DtTm></ValDt>
    <AcctSvcrRef>AS-1</AcctSvcrRef>
    <NtryDtls>
     <TxDtls><Refs><EndToEndId>E1</EndToEndId></Refs><Amt Ccy="CNY">3000.00</Amt>
      <RltdPties><Dbtr><Nm>深圳市益达贸易有限公司</Nm></Dbtr><DbtrAcct><Id><Othr><Id>6222000011119999</Id></Othr></Id></DbtrAcct></RltdPties>
      <RmtInf><Strd><CdtrRefInf><Ref>YS-0301</Ref></CdtrRefInf></Strd></RmtInf></TxDtls>
     <TxDtls><Refs><EndToEndId>E2</EndToEndId></Refs><Amt Ccy="CNY">2000.00</Amt>
      <RltdPties><UltmtDbtr><Nm>杭州甲公司</Nm></UltmtDbtr></RltdPties>
      <RmtInf><Ustrd>货款</Ustrd><Ustrd>YS-0302</Ustrd></RmtInf></TxDtls>
    </NtryDtls>
   </Ntry>
  </Stmt>
 </BkToCstmrStmt>
</Document>
"""


def test_camt_booking_times_batched_transactions_and_an_ultimate_debtor(db, tmp_path):
    # Booking and value dates given as DtTm only; one entry batching two transactions, the
    # second naming only its ultimate debtor; a structured creditor reference.
    path = tmp_path / "camt.xml"
    path.write_text(CAMT_DATE_TIMES_AND_ULTIMATE_DEBTOR, encoding="utf-8")
    assert bank_statement_import(path=path).lines_new == 2
    lines = [
        (line.bank_ref, line.amount, line.payer_name, line.memo, line.booking_date.isoformat())
        for line in BankLine.objects.order_by("bank_ref")
    ]
    assert lines == [
        ("AS-1#1", Decimal("3000.00"), "深圳市益达贸易有限公司", "YS-0301", "2024-05-01"),
        ("AS-1#2", Decimal("2000.00"), "杭州甲公司", "货款 YS-0302", "2024-05-01"),
    ]
