"""Banks' own ways of writing the international formats, as their real files have them (the
public test files of WoLpH/mt940, jejik-mt940, genkgo/camt, ofxparse and bai2, reproduced here
in small): every line read with the amount, direction, payer, memo and reference a user sees,
and files that are really broken refused whole, saying where."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from huikuan.cash.imports import bank_statement_import
from huikuan.cash.models import BankLine
from huikuan.cash.parsers import detect_format, parse_statement_file
from huikuan.core.errors import InputRejected


def parse(tmp_path: Path, name: str, content: str | bytes, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    parsed, _profile = parse_statement_file(path, path.read_bytes(), fmt="auto")
    return parsed


def refusal(tmp_path: Path, name: str, content: str | bytes) -> InputRejected:
    with pytest.raises(InputRejected) as caught:
        parse(tmp_path, name, content)
    return caught.value


def lines_of(parsed) -> list:
    return [line for statement in parsed.statements for line in statement.lines]


# --- MT940 ------------------------------------------------------------------------------------

# ASN Bank: each message inside the SWIFT blocks, the other party's IBAN as the :61: reference
# (longer than SWIFT's 16 characters) and its name on the :61: second line.
ASN = """{1:F01ASNBNL21XXXX0000000000}{2:O940ASNBNL21XXXXN}{3:}{4:
:20:0000000000
:25:NL81ASNB9999999999
:28C:1/1
:60F:C200101EUR444,29
:61:2001010101C65,00NOVBNL47INGB9999999999
hr gjlm paulissen
:86:NL47INGB9999999999 hr gjlm paulissen
                                                                 
Betaling sieraden                                                
:62F:C200101EUR509,29
-}{5:}
{1:F01ASNBNL21XXXX0000000000}{2:O940ASNBNL21XXXXN}{3:}{4:
:20:0000000000
:25:NL81ASNB9999999999
:28C:2/1
:60F:C200102EUR509,29
:62F:C200102EUR509,29
-}{5:}
"""  # noqa: W291, W293 - the bank pads :86: lines with spaces


def test_mt940_in_swift_blocks_with_an_iban_as_reference_reads_each_statement(tmp_path):
    parsed = parse(tmp_path, "asn.txt", ASN)
    assert parsed.format == "mt940"
    assert [s.statement_ref for s in parsed.statements] == ["1/1", "2/1"]
    assert [(s.opening_balance, s.closing_balance) for s in parsed.statements] == [
        (Decimal("444.29"), Decimal("509.29")),
        (Decimal("509.29"), Decimal("509.29")),
    ]
    (line,) = lines_of(parsed)
    assert (line.direction, line.amount, line.booking_date) == ("credit", Decimal("65.00"), date(2020, 1, 1))
    assert (line.payer_name, line.payer_account) == ("hr gjlm paulissen", "NL47INGB9999999999")
    assert "Betaling sieraden" in line.memo
    # The payer's account is no reference: two payments from them must not look the same.
    assert line.bank_ref == ""


def test_payments_from_one_account_on_different_days_are_both_imported(db, tmp_path):
    first = tmp_path / "first.sta"
    first.write_text(ASN)
    second = tmp_path / "second.sta"
    second.write_text(ASN.replace("2001010101C", "2002010201C").replace("1/1", "31/1"))
    bank_statement_import(path=first)
    result = bank_statement_import(path=second)
    assert result.lines_new == 1
    assert sorted(BankLine.objects.values_list("booking_date", flat=True)) == [
        date(2020, 1, 1),
        date(2020, 2, 1),
    ]


# The old Rabobank format: a ':940:' first line, statements apart by a blank line only, the
# other party's account as the reference and its name after it, several :86: to one line.
RABOBANK = """:940:
:20:940A110615
:25:1291.99.348EUR
:28:00000/00
:60F:C110614EUR000000000473,17
:61:110527C000000001213,28N0440121470966      W.P. Jansen
:86:Terugboeking
:86:KOSTEN KINDEROPVANG JUNI
:62F:C110615EUR000000001686,45

:20:940A110616
:25:1291.99.348EUR
:28:00000/00
:60F:C110615EUR000000001686,45
:61:110616D000000000044,95N0600733959555      T-MOBILE NETHERLANDS BV
:86:FACTUURNUMMER 987654321
:62F:C110616EUR000000001641,50
"""


def test_rabobank_statements_apart_by_a_blank_line_keep_their_own_balances(tmp_path):
    parsed = parse(tmp_path, "rabo.sta", RABOBANK)
    assert [(s.opening_balance, s.closing_balance) for s in parsed.statements] == [
        (Decimal("473.17"), Decimal("1686.45")),
        (Decimal("1686.45"), Decimal("1641.50")),
    ]
    credit, debit = lines_of(parsed)
    assert (credit.direction, credit.amount) == ("credit", Decimal("1213.28"))
    assert (credit.payer_name, credit.payer_account) == ("W.P. Jansen", "0121470966")
    assert "Terugboeking" in credit.memo and "KOSTEN KINDEROPVANG JUNI" in credit.memo
    assert (debit.payer_name, debit.payer_account) == ("T-MOBILE NETHERLANDS BV", "0733959555")


# ING's old export: header lines before :20:, and a :86: after the closing balance that speaks
# of the whole statement; '-XXX' ends the message.
ING = """0000 01INGBNL2AXXXX00001
940 00
:20:MPBZ
:25:0001234567
:28C:000
:60F:C100722EUR0,00
:61:100723C1,00NGT NONREF
:86:0111111111 Hr S Marechal
ROSMALEN Betaling transactiedatum: 22-07-2010
:62F:C100723EUR1,00
:64:C100723EUR1,00
:86:D000000C000001D0,00C1,00
-XXX
"""


def test_a_statements_own_note_is_not_glued_to_its_last_line(tmp_path):
    (line,) = lines_of(parse(tmp_path, "ing.sta", ING))
    assert (line.payer_name, line.payer_account) == ("Hr S Marechal", "0111111111")
    assert line.memo == "0111111111 Hr S Marechal ROSMALEN Betaling transactiedatum: 22-07-2010"


HEAD = ":20:STMT\n:25:NL71RABO0123456789\n:28C:1/1\n:60F:C240102EUR100,00\n"
TAIL = ":62F:C240102EUR100,00\n-\n"


@pytest.mark.parametrize(
    ("statement_line", "details", "payer", "account", "memo", "ref"),
    [
        (  # Rabobank IBAN: the other party's IBAN on the :61: second line, /EREF/ the reference
            ":61:240102C25,00N102EREF            \nNL70ABNA0987654321\n",
            ":86:/EREF/02-01-2024 12:00 0030000987654321/ORDP//NAME/CONTRA ACCOUN\n"
            "T HOLDER/REMI//ISDT/2024-01-02\n",
            "CONTRA ACCOUNT HOLDER", "NL70ABNA0987654321", "02-01-2024 12:00 0030000987654321",
            "02-01-2024 12:00 0030000987654321",
        ),
        (  # Knab: 'REK: account/NAAM: name'
            ":61:2401020102C500,NTRFNONREF//B4G29PGDCK1QFV3E\n",
            ":86:ORDERID: 264267 MEDIA MARKT\nREK: NL84INGB0234561789/NAAM: MMS ONLINE NEDERLAND B.V.\n",
            "MMS ONLINE NEDERLAND B.V.", "NL84INGB0234561789",
            "ORDERID: 264267 MEDIA MARKT REK: NL84INGB0234561789/NAAM: MMS ONLINE NEDERLAND B.V.",
            "B4G29PGDCK1QFV3E",
        ),
        (  # Triodos: the German subfields with '>' for '?'; >10 the other party's account, >31 ours
            ":61:240102C700,00N000NONREF\n",
            ":86:000>100133967858\n>20 HUUR>21 KANTOOR - FEB 2010>310390123456>32VERHUUR BV\n",
            "VERHUUR BV", "0133967858", "HUUR KANTOOR - FEB 2010", "",
        ),
        (  # PostFinance: 'AUFTRAGGEBER: … MITTEILUNGEN: …'
            ":61:2401020102C79,7FMSC01916//NONREF\n20131209007602198765432000000012\n",
            ":86:GIRO AUS ONLINE-SIC 80532 AUFTRAGGEBER: JANE DOE\n MITTEILUNGEN: RECHNUNG 4711\n",
            "JANE DOE", "", "GIRO AUS ONLINE-SIC 80532 AUFTRAGGEBER: JANE DOE MITTEILUNGEN: RECHNUNG 4711",
            "",
        ),
        (  # Raiffeisen Luxembourg: one German subfield a line, each an item of its own
            ":61:2401020102CR1,00N229NONREF//FT22059PGV08\n",
            ":86:229\n?00BONIFICATION\n?20INVOICE 2024-17\n?21ORDER 99\n"
            "?31LU280019400644750000\n?32ABC SARL\n",
            "ABC SARL", "LU280019400644750000", "INVOICE 2024-17 ORDER 99", "FT22059PGV08",
        ),
        # The cases below: fruitl00p/php-mt940, test/Parser/Banking/Mt940/Engine/<Bank>/sample…
        (  # ABN AMRO SEPA (Abn/issue48): '/TRTP/' first; a name and a NOTPROVIDED wrapped
            ":61:1612151215C109,65N654NONREF\n",
            ":86:/TRTP/SEPA OVERBOEKING/IBAN/NL75INGB0001234567/BIC/INGBNL2A/NAME/\n"
            "HR K XXXXXXX EN/OF MW H XXXXXXX/REMI/RES.NR 00042/EREF/NOTPROV\nIDED\n",
            "HR K XXXXXXX EN/OF MW H XXXXXXX", "NL75INGB0001234567", "RES.NR 00042", "",
        ),
        (  # Knab SEPA (Knab/sample3): a Dutch account number as '/BBAN/'
            ":61:2206300630C100000,N110108318805//C2F30PGZEG63AX84\n",
            ":86:/TRTP/SEPA OVERBOEKING/BBAN/53851317/BIC/KNABNL2HXXX/NAME/NAMENAM\nE B.V./REMI/OPNAME\n",
            "NAMENAME B.V.", "53851317", "OPNAME", "C2F30PGZEG63AX84",
        ),
        (  # Rabobank (Rabo/sample3): '/ACCW/IBAN,BIC' — the account without the BIC
            ":61:130920C000000000384,75N541NONREF\nNL54INGB0006752576\n",
            ":86:/ACCW/NL54INGB0006752576,INGBNL2A/ORDP//NAME/Hr A B Huibers en/of\n"
            " Mw S L Huibers-Huveneers/REMI/1000122-P5549161\n",
            "Hr A B Huibers en/of Mw S L Huibers-Huveneers", "NL54INGB0006752576", "1000122-P5549161", "",
        ),
        (  # Penta (Penta/sample): '999TYPE:purpose:name:IBAN:more', colons in the purpose
            ":61:2009030903C11,25NONREF\n",
            ":86:999SEPA_CREDIT_TRANSFER:CCI : 0150577373,PURPOSE:DEVELOPER PROCEEDS,HOPPA:HOPPA Inc:"
            "GB29DEUT40333124517700:PRODUKTVERKAUF AWAKE\n",
            "HOPPA Inc", "GB29DEUT40333124517700",
            "CCI : 0150577373,PURPOSE:DEVELOPER PROCEEDS,HOPPA PRODUKTVERKAUF AWAKE", "",
        ),
        (  # Komercijalna Banka Skopje (Kbs/sample): one item a line, the name on the second
            ":61:2012011201CD2250,NMSCNONREF//25577226\n",
            ":86:/ORDP/300000000460495\n/IVOTEHNA DOOEL SKOPJE\n/747//747\n/Uplata po faktura 747\n",
            "IVOTEHNA DOOEL SKOPJE", "300000000460495", "Uplata po faktura 747", "25577226",
        ),
        (  # old ING (Ing/sample): an account, then a transaction code where a name would be
            ":61:100722C3,68NVZ NONREF\n",
            ":86:0111111111 EJ46GREENP100610T1456\nCLIEOP TMG GPHONGKONG AMSTERDAM\n",
            "", "0111111111", "0111111111 EJ46GREENP100610T1456 CLIEOP TMG GPHONGKONG AMSTERDAM", "",
        ),
    ],
    ids=[
        "rabobank-iban", "knab", "triodos", "postfinance", "gvc-one-a-line",
        "abnamro-trtp", "knab-bban", "rabobank-accw", "penta", "kbs-skopje", "ing-code-no-name",
    ],
)  # fmt: skip
def test_each_banks_details_give_payer_account_memo_and_reference(
    tmp_path, statement_line, details, payer, account, memo, ref
):
    (line,) = lines_of(parse(tmp_path, "bank.sta", HEAD + statement_line + details + TAIL))
    assert line.direction == "credit"
    assert (line.payer_name, line.payer_account, line.bank_ref) == (payer, account, ref)
    assert line.memo.startswith(memo)
    assert "ISDT" not in line.memo


@pytest.mark.parametrize(
    ("statement_line", "details", "payer", "account"),
    [
        (  # PostFinance (jejik-mt940 postfinance.txt): the address after the name, wrapped in a word
            ":61:1312161216C79,9FMSC01916//NONREF\n20131216007602112345678000000012\n",
            ":86:GIRO AUS ONLINE-SIC 80701 AUFTRAGGEBER: XXXXXXXXX XXX XXXXXXXXSTR\n"
            "ASSE 111 1234 XXXXXXXXXXXX 131216CH12345678 MITTEILUNGEN: 1 SONNE\nNGLAESER\n",
            "XXXXXXXXX XXX", "",
        ),
        (  # PostFinance: the name, then the street
            ":61:1312091209C149,5FMSC01916//NONREF\n20131209007602187654321000000012\n",
            ":86:GIRO AUS ONLINE-SIC 81379 AUFTRAGGEBER: JOHN DOE EXAMPLESTRASSE\n"
            " 12 1234 XXXXXXXXXX 131209CH87654321\n",
            "JOHN DOE", "",
        ),
        (  # mBank (WoLpH/mt940 tests/mBank/with_newline_in_tnr.sta): two spaces before the address;
            # an account of zeros is none
            ":61:1702010201CN45,00NTRFNONREF//MB170201323000\n911-TRANSAKCJA IPH\n",
            ":86:911 TRANSAKCJA COLLECT; ID IPH: XX000002052409; Z RACH.: \n"
            "00000000000000000000000000; OD: AAAAAA AAAAAA  UL.AAAAAAAAAAA 27 \n"
            "M.32 31-000 AAAAAA; TYT.: _FAKTURA VAT NR FVD-0000/02/2017  A \n"
            "AAAAA AAAAAA UL. AAAAAAAAAAA 220/22  ; TNR: \n179301073837502.000001\n",
            "AAAAAA AAAAAA", "",
        ),
        # Old ING (jejik-mt940 document/ing.txt): the account, the name, then a reference, a kind of
        # payment, or an iDEAL payment's reference where no name is; a code where the name would be.
        (":61:100722C3,03NOV NONREF\n", ":86:0111111111 GPSEOUL SPOEDBETALING\tMPBZS1016000047 GPSEOUL\n",
         "GPSEOUL", "0111111111"),
        (":61:100722C1,10NGT NONREF\n", ":86:0111111111 GPPeking 170000001AC\n", "GPPeking", "0111111111"),
        (":61:100722C1,11NGT TMG TANGO\n",
         ":86:0111111111 ING iDEAL KN: TMG TANGO TRANSACTIENR 0050000534527978 10062010 15:32 TMG TANGO\n",
         "", "0111111111"),
        (":61:100722C3,68NVZ NONREF\n",
         ":86:0111111111 EJ46GREENP100610T1456 CLIEOP TMG GPHONGKONG AMSTERDAM\n", "", "0111111111"),
    ],
    ids=["postfinance-wrapped", "postfinance", "mbank", "ing-kind", "ing-ref", "ing-ideal", "ing-code"],
)  # fmt: skip
def test_the_payers_name_comes_without_the_address_reference_or_kind_of_payment_after_it(
    tmp_path, statement_line, details, payer, account
):
    (line,) = lines_of(parse(tmp_path, "bank.sta", HEAD + statement_line + details + TAIL))
    assert line.direction == "credit"
    assert (line.payer_name, line.payer_account) == (payer, account)


def test_triodos_gives_the_other_partys_account_not_the_statements_own(tmp_path):
    # dovadi/mt940 test/fixtures/triodos_sepa.txt, jejik-mt940 triodos.txt: >10 is the other
    # party's account, >31 the statement's own; a SEPA payment: >10 zeros, >20 BIC, >21 IBAN.
    head = ":20:1352294232659/1\n:25:TRIODOSBANK/0666666666\n:28:1\n:60F:C121123EUR1000,00\n"
    text = (
        head
        + ":61:121123D10,00NIT NONREF\n:86:000>100555555555\n>20TENAAMSTELLING TEGENREKENIN"
        + ">21G EN ADRES>310666666666\n"
        + ":61:121123C150,00NET NONREF\n:86:000>100000000000\n>20BBBBAA2U\n>21AA99BBBB0555555555\n"
        + ">22TENAAMSTELLING TEGENREKENIN>23G FACTUUR 2012-118\n>310666666666\n"
        + ":62F:C121123EUR1140,00\n-\n"
    )
    paid, received = lines_of(parse(tmp_path, "triodos.sta", text))
    assert paid.payer_account == "0555555555"
    assert paid.memo == "TENAAMSTELLING TEGENREKENING EN ADRES"
    assert received.payer_account == "AA99BBBB0555555555"
    assert received.memo == "TENAAMSTELLING TEGENREKENING FACTUUR 2012-118"


def test_a_dos_code_page_file_keeps_its_accented_letters(tmp_path):
    text = HEAD + ":61:240102C10,00N527\nCsoportos átutalás\n:86:HUNGARY KFT. napi összevont díj\n" + TAIL
    (line,) = lines_of(parse(tmp_path, "raiffeisen.sta", text, encoding="cp852"))
    assert "összevont díj" in line.memo and "átutalás" in line.memo


def test_an_unused_forward_balance_the_bank_filled_with_anything_does_not_stop_the_import(tmp_path):
    text = HEAD + ":61:2401020102C230,00N051NONREF\n:86:166?00GUTSCHRIFT?20SVWZ+RE 4711?32EWE GMBH\n"
    (line,) = lines_of(parse(tmp_path, "olb.sta", text + ":65F:Dnullnull7414,3\n"))
    assert (line.amount, line.payer_name, line.memo) == (Decimal("230.00"), "EWE GMBH", "SVWZ+RE 4711")


def test_a_tag_wrapped_onto_the_next_line_is_still_mt940(tmp_path):
    lines = b":61:1811261126CR\n30,00N062NONREF\n:\n86:166?00GUTSCHR. UEBERWEISUNG?20SVWZ+Test\n"
    data = HEAD.encode() + lines + TAIL.encode()
    assert detect_format(lines, "snippet.sta") == "mt940"
    (line,) = lines_of(parse(tmp_path, "snippet.sta", data))
    assert (line.direction, line.amount, line.memo) == ("credit", Decimal("30.00"), "SVWZ+Test")


def test_statement_lines_without_their_account_are_refused_not_imported_without_one(tmp_path):
    """A fragment (a :61: and its :86: with no :25: or balance) has no account and no currency."""
    data = ":61:1811261126CR\n30,00N062NONREF\n:86:166?00GUTSCHR. UEBERWEISUNG?20SVWZ+Test\n"
    error = refusal(tmp_path, "fragment.sta", data)
    assert "line 1" in str(error.errors[0]) and ":25:" in str(error.errors[0])
    # Also after a whole statement: the stray line is not imported on its own.
    error = refusal(tmp_path, "stray.sta", HEAD + TAIL + data)
    assert "line 7" in str(error.errors[0]) and ":25:" in str(error.errors[0])


def test_a_balance_without_its_currency_takes_the_one_the_other_balances_state(tmp_path):
    text = (
        ":20:STMT\n:25:1222333444\n:28C:1/1\n:60F:C020315DEM0,00\n"
        ":61:020315CM20000,00S051\n:86:051?00UEBERWEISUNG\n:62F:C02031520000,00\n-\n"
    )
    (statement,) = parse(tmp_path, "no-currency.sta", text).statements
    assert (statement.currency, statement.closing_balance) == ("DEM", Decimal("20000.00"))
    error = refusal(tmp_path, "none.sta", text.replace("DEM", ""))
    assert "line 4" in str(error.errors[0]) and "currency" in str(error.errors[0])


def test_the_same_payment_on_the_next_page_of_a_statement_is_another_payment(db, tmp_path):
    """Pages of one statement (:62M: closing a page, :60M: opening the next): a payment that is
    on both pages, to the cent and with the same text, was paid twice (the balances say so)."""
    line = ":61:240102CD20000,00NTRFNONREF\n:86:166?00GUTSCHRIFT?20RE 4711?32EWE GMBH\n"
    text = (
        ":20:STMT\n:25:NL71RABO0123456789\n:28C:1/1\n:60F:C240102EUR0,00\n"
        + line * 2
        + ":62M:C240102EUR40000,00\n-\n"
        ":20:STMT\n:25:NL71RABO0123456789\n:28C:1/2\n:60M:C240102EUR40000,00\n"
        + line
        + ":62F:C240102EUR60000,00\n-\n"
    )
    (statement,) = parse(tmp_path, "pages.sta", text).statements
    assert (len(statement.lines), statement.opening_balance, statement.closing_balance) == (
        3,
        Decimal("0.00"),
        Decimal("60000.00"),
    )
    path = tmp_path / "pages.sta"
    result = bank_statement_import(path=path)
    assert (result.lines_new, result.duplicates) == (3, 0)
    assert BankLine.objects.filter(amount=Decimal("20000.00")).count() == 3


def test_a_zero_balance_written_with_more_zeros_than_swift_allows_digits_is_read(tmp_path):
    text = (
        ":20:1810118101\n:25:0067-00763/93984487\n:28C:1810118101\n"
        ":60F:C180410TRY0000000000000000,00\n:61:180410C100,00NTRFNONREF\n:86:EFT\n"
        ":62F:C180410TRY0000000000000100,00\n-\n"
    )
    (statement,) = parse(tmp_path, "try.sta", text).statements
    assert (statement.opening_balance, statement.closing_balance) == (Decimal("0"), Decimal("100.00"))


def test_slashes_in_swift_structured_remittance_text_are_kept(tmp_path):
    text = (
        HEAD
        + ":61:240102C50,00NTRFNONREF\n"
        + ":86:/EREF/NOTPROVIDED/ORDP//NAME/ACME BV/REMI/USTD//INV/2024/0042 22/07/2024/\n"
        + TAIL
    )
    (line,) = lines_of(parse(tmp_path, "remi.sta", text))
    assert line.memo == "INV/2024/0042 22/07/2024"


def test_an_account_between_slashes_with_its_currency_after_one_is_the_account(tmp_path):
    text = HEAD.replace(":25:NL71RABO0123456789", ":25://AT39364/12345678912/EUR") + TAIL
    (statement,) = parse(tmp_path, "raiffeisen.sta", text).statements
    assert statement.account == "AT39364/12345678912"


def test_a_second_account_field_in_one_statement_is_refused_with_its_line(tmp_path):
    text = HEAD + ":61:2401020102CR50,00NTRFNONREF//0724710333343453\n:25:166?00GUTSCHRIFT?20EREF+X\n" + TAIL
    error = refusal(tmp_path, "broken.sta", text).errors[0]
    assert (error.line, error.column) == (6, ":25:")


def test_a_balance_dated_on_a_day_no_calendar_has_is_refused_with_its_line(tmp_path):
    text = HEAD + ":61:2401020102CR50,00NTRFNONREF\n:86:X\n:62F:C241131EUR150,00\n-\n"
    error = refusal(tmp_path, "nov31.sta", text).errors[0]
    assert (error.line, error.column, error.value) == (7, ":62F:", "C241131EUR150,00")


def test_february_30th_is_read_as_the_months_last_day_as_german_banks_mean_it(tmp_path):
    text = HEAD.replace("240102", "160229") + ":61:1602300301DR6,00N024NONREF\n:86:805?20Pauschalen\n" + TAIL
    (line,) = lines_of(parse(tmp_path, "feb.sta", text))
    assert (line.value_date, line.booking_date) == (date(2016, 2, 29), date(2016, 3, 1))
    assert line.amount == Decimal("6.00")


def test_an_unreadable_statement_line_is_refused_naming_the_line(tmp_path):
    text = HEAD + ":61:2401020102C50,00NTRFNONREF\n:86:OK\n:61:24010X0102CXX\n:86:bad\n" + TAIL
    rejected = refusal(tmp_path, "bad61.sta", text)
    assert rejected.errors[0].line == 7 and ":61:" in rejected.errors[0].reason


def test_a_dos_end_of_file_mark_after_the_last_balance_is_no_matter(tmp_path):
    text = HEAD + ":61:2401020102C5,00NTRFNONREF//B1\r\n:86:RENT\r\n:62F:C240102EUR105,00\r\n\x1a"
    (line,) = lines_of(parse(tmp_path, "dos.sta", text))
    assert (line.amount, line.memo, line.bank_ref) == (Decimal("5.00"), "RENT", "B1")


def test_a_file_with_only_a_reference_is_no_statement(tmp_path):
    assert "no MT940 statement" in refusal(tmp_path, "empty.sta", "\n:20:TELEREPORTING\n").message


MT942 = """{1:F01BANKDEFFAXXX0000000000}{2:O9421200240102BANKDEFFAXXX00000000002401021200N}{4:
:20:INTRADAY1
:25:DE89370400440532013000
:28C:1/1
:34F:EURD0,
:34F:EURC0,
:13D:2401021200+0100
:61:2401020102CR1250,00NTRFNONREF//B1
:86:/ORDP//NAME/ACME GMBH/REMI/USTD//INV-1/
:90D:0EUR0,
:90C:1EUR1250,00
-}
"""


@pytest.mark.parametrize(
    ("content", "line"),
    [(MT942, 1), (MT942.split("{4:\n", 1)[1].replace("-}", "-"), 4)],
    ids=["swift-header-says-942", "floor-limit-and-no-opening-balance"],
)
def test_an_mt942_intraday_report_is_refused_saying_to_import_the_days_statement(tmp_path, content, line):
    for fmt in ("auto", "mt940"):
        path = tmp_path / "intraday.sta"
        path.write_text(content, encoding="utf-8")
        with pytest.raises(InputRejected) as caught:
            parse_statement_file(path, path.read_bytes(), fmt=fmt)
        assert "MT942 intraday report, not a statement" in caught.value.message
        assert "MT940 statement (or camt.053)" in caught.value.message
        assert caught.value.errors[0].line == line


# Zenith Bank (Nigeria), from fruitl00p/php-mt940 test/Parser/Banking/Mt940/Engine/Zetb/sample:
# a blank statement number and :61: lines without a transaction type code (no 'NTRF').
ZENITH = """{1:F01ZEIBNGLAXXXX0000000000}{2:I940ZEIBNGLAXXXXN}{4:
:20:202012182126594
:25:1014365930  
:28C: /1
:60F:C201218NGN6213,05
:61:2011301130CN220000,00//19239782213
:86:11302020-TRANSFER-PAYROLL// TRF TO COZ INTERNET LTD SALARY (PAYROLL)
:61:2011301130DN43000,00//19239810200
:86:1001-NOVEMBER-WAGES// TRF TO FRANK JOHN
:61:2011301130DN240,23//19245574932
:86:Acct Maint. Fee + VAT
:62F:C201130NGN182972,82
:86:ZENITH BANK PLC
-}
"""  # noqa: W291 - the bank pads :25: with spaces


def test_statement_lines_without_a_type_code_are_each_read_and_a_blank_statement_number_is_kept(tmp_path):
    (statement,) = parse(tmp_path, "zenith.sta", ZENITH).statements
    assert (statement.account, statement.statement_ref) == ("1014365930", "/1")
    assert [(line.direction, line.amount, line.bank_ref) for line in statement.lines] == [
        ("credit", Decimal("220000.00"), "19239782213"),
        ("debit", Decimal("43000.00"), "19239810200"),
        ("debit", Decimal("240.23"), "19245574932"),
    ]
    assert statement.lines[0].memo == "11302020-TRANSFER-PAYROLL// TRF TO COZ INTERNET LTD SALARY (PAYROLL)"


# Danske Bank (svenstaro/mt940-rs tests/data/mt940/full/danskebank/MT940_NO_Example.sta): the
# booking text runs on after '//', where the bank reference belongs.
DANSKE = """:20:3996-11.11.11111
:25:DABADKKK/1111.11.11111
:28C:00147/001
:60F:C100311NOK94372951,20
:61:1003230323CK5968,64NTRFOverforing med//melding
:86:Overforing med melding / INV 1234365263
:62F:C100323NOK94378919,84
"""


def test_words_after_the_double_slash_are_no_bank_reference_so_a_repeat_payment_is_kept(db, tmp_path):
    first = tmp_path / "danske-0323.sta"
    first.write_text(DANSKE)
    (line,) = lines_of(parse(tmp_path, "danske.sta", DANSKE))
    assert (line.bank_ref, line.memo) == ("", "Overforing med melding / INV 1234365263")
    second = tmp_path / "danske-0324.sta"
    second.write_text(DANSKE.replace("1003230323", "1003240324").replace("00147", "00148"))
    bank_statement_import(path=first)
    assert bank_statement_import(path=second).lines_new == 1


# Rabobank (zilverline/mt940 spec/fixtures/rabobank/dash_as_start_of_line.txt): the text wrapped
# at 65 characters leaves its last '-' alone on a line, before the closing balance; ING
# (OCA/bank-statement-import test-ing.940) a '-' of a mandate reference ('MND-EV01').
RABO_DASH = """:940:
:20:940S170606
:25:NL84RABO0121212121 EUR
:28C:17109
:60F:C170605EUR000000010000,50
:61:170606C000000001000,00N541EREF
NL55RABO0444444444
:86:/EREF/3434343434343/ORDP//NAME/Delta Lloyd/REMI/Periode 01-01-2018/3
1-01-2018 Arrap -
-
:62F:C170606EUR000000011000,50
"""
ING_DASH = """{1:F01INGBNL2ABXXX0000000000}{2:I940INGBNL2AXXXN}{4:
:20:P140220000000001
:25:NL77INGB0574908765EUR
:28C:0000
0
:60F:C140219EUR662,23
:61:1402200220D12,75NRTIEREF//00000000001010
/TRCD/01315/
:86:/RTRN/MS03//EREF/20120501P0123478//MARF/MND
-
120123//CNTP/NL32INGB0000012345/INGBNL2A/J.Janssen///REMI/USTD//CONTR
IBUTIE FEB 2014/
:62F:C140220EUR649,48
-}
"""


def test_a_line_of_a_lone_dash_inside_the_details_is_text_not_the_end_of_the_statement(tmp_path):
    (rabobank,) = parse(tmp_path, "rabo.sta", RABO_DASH).statements
    assert rabobank.closing_balance == Decimal("11000.50")
    (line,) = rabobank.lines
    assert (line.direction, line.amount, line.payer_name) == ("credit", Decimal("1000.00"), "Delta Lloyd")
    assert line.memo.startswith("Periode 01-01-2018/31-01-2018 Arrap --")
    # ING: the statement number wrapped onto a second line is one number, and the '-' line of
    # the details leaves the next field where it is.
    (ing,) = parse(tmp_path, "ing.sta", ING_DASH).statements
    assert (ing.statement_ref, ing.closing_balance) == ("00000", Decimal("649.48"))
    (line,) = ing.lines
    assert (line.direction, line.payer_name) == ("debit", "J.Janssen")
    assert line.payer_account == "NL32INGB0000012345"
    assert line.memo.startswith("CONTRIBUTIE FEB 2014")


# Banks cut the :86: text at SWIFT's 65 characters wherever the word is (SNS, OCA/bank-statement-
# import test-sns.940: '…4XZJ4Z   M' then 'CC:5411', a merchant code) and end a line with a
# space that parts two words (Van Lanschot, zilverline/mt940 van_lanschot.txt: '…2014  3 ' then
# 'MND 8888888888'; a German bank, my-flow/mt940 date.sta: '?26Ref. ' then '38A15313…').
SNS_WRAPPED = (
    ":20:0000000000\n:25:NL05SNSB0908244436\n:28C:361/1\n:60F:C171227EUR3026,96\n"
    ":61:1712271227D10,18NBEA//228ohu/972795\n:86: \n" + " " * 65 + "\n"
    "Jumbo Wijchen B.V.    >WIJCHEN  27.12.2017 13U38 KV005 4XZJ4Z   M\n"
    "CC:5411 Contactloze betaling" + " " * 37 + "\n"
    ":61:1712271227D816,75NXXX0130138568\n"
    ":86:/TRTP/SEPA Incasso/CSID/NL72BAS555444333000/NAME/BEN/MARF/BEN1234\n"
    "09999999999999999990/IBAN/NL80RABO0676767676/BIC/RABONL2U/REMI/Ke\n"
    "nmerk: 1234.4321.0000.5555 Omschrijving: 123123444 01-01-2014  3 \n"
    "MND 8888888888 Servicecontract/EREF/1234432100005555\n"
    ":61:1511091109DR10,40NMSCNONREF//POS 2775118254\n"
    ":86:005?20LASTSCHRIFT/BELAST.?21KARTENZAHLUNG?26Ref. \n38A15313A4223786/1642?32PENNY\n"
    ":62F:C171227EUR2189,63\n-\n"
)


def test_a_word_cut_at_the_full_line_is_one_word_and_a_space_ending_a_line_parts_two(tmp_path):
    card, debit, german = lines_of(parse(tmp_path, "sns.sta", SNS_WRAPPED))
    assert card.memo == (
        "Jumbo Wijchen B.V. >WIJCHEN 27.12.2017 13U38 KV005 4XZJ4Z MCC:5411 Contactloze betaling"
    )
    assert debit.memo.startswith("Kenmerk: 1234.4321.0000.5555 Omschrijving: 123123444 01-01-2014 3 MND")
    assert german.memo == "LASTSCHRIFT/BELAST. KARTENZAHLUNG Ref. 38A15313A4223786/1642"


# A break that parts two things never written as one word gives them their space, wherever the
# line ends: Knab writes a card payment's date and time ('03-12-2015 16:04 PAS: 1122',
# fruitl00p/php-mt940 test/…/Engine/Knab/sample) and wraps its lines short, here after the date;
# a Polish bank (a-fas/mt940js test/test-with-NS.mt940x) wraps its '>32' name before the street
# ('OFFICE GROUP' then 'UL. SPOKOJNA 3'). The same files cut a BIC, an amount's reference and an
# account number in two at a short line's end (Knab/sample2: '…/BIC/SXPYDEHHXX' then 'X/NAME/'):
# those are still one word.
KNAB_DATE_TIME_WRAPPED = (
    ":20:C0D28MSTE73HKBCM\n:25:NL52RABO0326203011\n:28C:108/1\n:60F:C160914EUR1000,00\n"
    ":61:1609140914D15,N106NONREF//C9I14PGZEG63AX84\n"
    ":86:/TRTP/BETAALAUTOMAAT/REMI/JUMBO WIJCHEN 14-09-2016\n12:32 PAS: 1122\n"
    ":61:1609140914C567,42N110NONREF//C0D27XM01D000031\n"
    ":86:/TRTP/OVERBOEKING/IBAN/NL51ABNA0393939393/BIC/SXPYDEHHXX\n"
    "X/NAME/STRIPE PAYMENTS UK LTD/REMI/SHOPIFY D3DJ2\n"
    ":61:1609140914DN123,00FCHGNONREF\n"
    ":86:>20usługa biurowa 2017/01>315910902053000000\n016768736>32OFFICE GROUP\nUL. SPOKOJNA 3\n"
    ":62F:C160914EUR1429,42\n-\n"
)


def test_a_date_and_time_or_a_name_and_street_wrapped_apart_keep_their_space(tmp_path):
    card, stripe, office = lines_of(parse(tmp_path, "knab.sta", KNAB_DATE_TIME_WRAPPED))
    assert (card.direction, card.amount) == ("debit", Decimal("15.00"))
    assert card.memo == "JUMBO WIJCHEN 14-09-2016 12:32 PAS: 1122"
    assert (stripe.payer_name, stripe.memo) == ("STRIPE PAYMENTS UK LTD", "SHOPIFY D3DJ2")
    assert (office.payer_name, office.payer_account) == (
        "OFFICE GROUP UL. SPOKOJNA 3",
        "5910902053000000016768736",
    )


def test_a_line_after_a_full_line_and_its_cut_word_starts_its_own_words(tmp_path):
    # fruitl00p/php-mt940 test/…/Engine/Knab/sample: a full line, its last word cut ('…TEST PURCHAS'
    # then '567890'), then the 'REK:/NAAM:' line, which was glued on ('567890REK:') and its payer
    # lost; a card payment names the terminal alone ('NAAM: POS').
    text = (
        ":20:B5L04MSAU20N3I99\n:25:0762918446\n:28C:20/3\n:60M:C151203EUR1000,21\n"
        ":61:1512031203D15,NTRF03-12-2015 15:58\n"
        ":86:61385002542767281000000000000000000 6676341986995664 TEST PURCHAS\n567890\n"
        "REK: NL52RABO0326203011/NAAM: SOME NAME\n"
        ":61:1512031203D15,NTRFNONREF\n:86:03-12-2015 16:04 PAS: 1122\nNAAM: POS\n"
        ":62M:C151203EUR970,21\n-}\n"
    )
    purchase, card = lines_of(parse(tmp_path, "knab.sta", text))
    assert (purchase.payer_name, purchase.payer_account) == ("SOME NAME", "NL52RABO0326203011")
    assert purchase.memo.startswith(
        "61385002542767281000000000000000000 6676341986995664 TEST PURCHAS567890 REK:"
    )
    assert (card.direction, card.amount, card.payer_name) == ("debit", Decimal("15"), "POS")
    assert card.memo == "03-12-2015 16:04 PAS: 1122 NAAM: POS"


# OCA/bank-statement-import's ING test files (account_bank_statement_import_mt940_nl_ing
# test-ing-old.940, account_bank_statement_import_mt940_base test-ing.940) wrap :61: lines by
# hand: the bank reference cut in two ('…EREF//00000000001' then '005'), the supplementary
# details cut after it ('/TRCD/010' then '16' then '/'; '/' then 'TRCD/00108/'). The file was
# refused; put back together, each line is MT940's statement line and its details.
ING_HAND_WRAPPED = (
    ":20:P140220000000001\n:25:NL77INGB0574908765EUR\n:28C:0000\n0\n:60F:C140219EUR662,23\n"
    ":61:1402200220C1,56NTRFEREF//00000000001\n005\n/TRCD/00100/\n"
    ":86:/EREF/EV12341REP1231456T1234//CNTP/NL32INGB0000012345/INGBNL2\n"
    "A/ING BANK NV INZAKE WEB///REMI/USTD//EV10001REP1000000T1000/\n"
    ":61:1402200220D1,14NDDTEREF//00000000001009\n/TRCD/010\n16\n/\n"
    ":86:/EREF/EV123R\nEP123412T1234//MARF/MND\n-\nEV01//CSID/NL32ZZZ9999999\n"
    "91234//CNTP/NL32INGB0000012345/INGBNL2A/ING Bank N.V. inzake WeB/\n//REMI/USTD//EV123REP123412T1234/\n"
    ":61:1402200220D119,00NTRF1070123412341234//00000000001012\n/\nTRCD/00108/\n"
    ":86:/EREF/15614016000384600//CNTP/NL32INGB0000012345/INGBNL2A/ING\n"
    "BANK NV///REMI/STRD/CUR/1070123412341234/\n"
    ":62F:C140220EUR427,85\n-\n"
)


def test_statement_lines_wrapped_by_hand_are_put_back_together(tmp_path):
    web, direct_debit, paid = lines_of(parse(tmp_path, "test-ing.940", ING_HAND_WRAPPED))
    assert (web.direction, web.amount, web.bank_ref) == ("credit", Decimal("1.56"), "00000000001005")
    assert (web.payer_name, web.payer_account) == ("ING BANK NV INZAKE WEB", "NL32INGB0000012345")
    assert web.memo.startswith("EV10001REP1000000T1000")
    assert (direct_debit.direction, direct_debit.amount, direct_debit.bank_ref) == (
        "debit",
        Decimal("1.14"),
        "00000000001009",
    )
    assert direct_debit.payer_name == "ING Bank N.V. inzake WeB"
    assert (paid.direction, paid.amount, paid.bank_ref) == ("debit", Decimal("119.00"), "00000000001012")


def test_a_statement_line_over_three_lines_that_puts_together_into_none_is_refused_naming_it(tmp_path):
    text = ING_HAND_WRAPPED.replace("/TRCD/010\n16\n/", "TRCD 010\n16 EXTRA\nWORDS")
    (error,) = refusal(tmp_path, "test-ing.940", text).errors
    assert (error.line, error.column) == (11, ":61:")  # the :61: of 1,14
    assert "runs over 4 lines" in error.reason and "no statement line" in error.reason


# BIL (Banque Internationale à Luxembourg, jejik-mt940 tests/…/Fixture/document/bil.txt): the bank
# reference fills SWIFT's 16 characters and the supplementary details follow it on the same line.
BIL = (
    ":20:BILMT940\n:25:BILLLULLXXX/LU540026121160200600\n:28C:00001/001\n:60F:C211206EUR0,\n"
    ":61:2201170117DR4,NCOMNONREF          //CIOB220117990193/IACC/D3/\n"
    ":86:808?00FORFAIT MENSUEL ENVOI DE COURRIER?20COMPTE . IBAN LU54 0026 1211 6020 0?21600\n"
    ":62F:D220118EUR4,\n"
)


def test_a_bank_reference_of_sixteen_characters_ends_where_the_supplementary_details_start(tmp_path):
    (line,) = lines_of(parse(tmp_path, "bil.txt", BIL))
    assert (line.direction, line.amount, line.bank_ref) == ("debit", Decimal("4"), "CIOB220117990193")
    assert line.memo.startswith("COMPTE . IBAN LU54 0026 1211 6020 0600")


def test_text_in_a_non_swift_field_outside_sberbanks_layout_is_kept_in_the_memo(tmp_path):
    # a-fas/mt940js test/test-with-NS.mt940x: a ':NS:' of numbered lines between the :61: and its
    # :86: (left out before); Sberbank's own layout is read as before (test_bank_import).
    text = (
        ":20:17013109020\n:25:B4E08MS9D00A0009\n:28C:17001/2\n:60M:C170124PLN2996,53\n\n"
        ":61:170131DN25,00FCHGNONREF\n\n:NS:01My Street 17\n02City and Region\n03Invoice Nr. 12345\n\n"
        ":86:>20Opłata za prowadzenie rachunku od  1-01-2017 do 31-01-2017\n>31>32\n\n"
        ":61:170131CN70,00NTRFNONREF\n:NS:01Invoice Nr. 12346\n"
        ":62F:C170131PLN3041,53\n"
    )
    fee, paid = lines_of(parse(tmp_path, "ns.mt940", text))
    assert (fee.direction, fee.amount) == ("debit", Decimal("25.00"))
    assert fee.memo == (
        "Opłata za prowadzenie rachunku od 1-01-2017 do 31-01-2017"
        " My Street 17 City and Region Invoice Nr. 12345"
    )
    assert (paid.direction, paid.amount, paid.memo) == ("credit", Decimal("70.00"), "Invoice Nr. 12346")


# BRD (Romania, OCA/bank-statement-import account_bank_statement_import_mt940_ro_brd test-brd.940):
# the German subfields with '+' before each number; a SEPA key's '+' ('EREF+…') stays text.
BRD = """:20:6450374100
:25:RO56BRDE360SV52474653600
:28:00138/1
:60F:C160517EUR3885,24
:61:1605170517D210,60NTRFOPH478
PLATA FACT 4603309
:86:000+20Plata           +30302410000+31RO89RZBR0000060003480121
+32RUSSMEDIA PRESS SRL+33/
+23PLATA FACT 4603309 EREF+20160517
:61:1605170517D2,76NCOMOPH478
25-Comision MULTIX
:86:000+20Comision
+2325-Comision MULTIX
:62F:C160517EUR3671,88
"""


def test_german_subfields_written_with_a_plus_give_payee_account_and_purpose(tmp_path):
    payment, fee = lines_of(parse(tmp_path, "brd.sta", BRD))
    assert (payment.direction, payment.amount) == ("debit", Decimal("210.60"))
    assert (payment.payer_name, payment.payer_account) == ("RUSSMEDIA PRESS SRL", "RO89RZBR0000060003480121")
    assert payment.memo == "Plata PLATA FACT 4603309 EREF+20160517"
    assert fee.memo == "Comision 25-Comision MULTIX"


# FinTS (HBCI) banks part an MT940's lines by '@@' (my-flow/mt940 test/fixtures/pending.sta).
AT_AT = (
    "@@:20:STARTUMS@@:25:72090900/9876543219@@:28C:0@@:60F:C160420EUR100,00"
    "@@:61:160421D0,02NMSCKREF+@@:86:177?00EURO-Ueberweisung?10804?20KREF+2016-04-20T20:53:12.74"
    "@@?210Z ?22SVWZ+Black TAN1:113040?31DE29200411111234567890?32Florian Joerg Breunig"
    "@@:62F:C160421EUR99,98@@-"
)


def test_an_mt940_whose_lines_are_parted_by_two_at_signs_is_read_and_an_mt942_so_written_refused(tmp_path):
    assert detect_format(AT_AT.encode(), "umsaetze.txt") == "mt940"
    (line,) = lines_of(parse(tmp_path, "umsaetze.txt", AT_AT))
    assert (line.direction, line.amount, line.booking_date) == ("debit", Decimal("0.02"), date(2016, 4, 21))
    assert (line.payer_name, line.payer_account) == ("Florian Joerg Breunig", "DE29200411111234567890")
    intraday = AT_AT.replace("@@:60F:C160420EUR100,00", "@@:34F:EUR 999999999999,99@@:13:1604202255")
    assert "MT942 intraday report" in refusal(tmp_path, "vormerk.txt", intraday).message


# --- ISO 20022 camt ------------------------------------------------------------------------------

CAMT054_UNDATED = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr><MsgId>M1</MsgId><CreDtTm>2025-03-25T21:18:34+01:00</CreDtTm></GrpHdr>
    <Ntfctn><Id>N1</Id><CreDtTm>2025-03-26T08:00:00+01:00</CreDtTm>
      <Acct><Id><IBAN>CH2801234000123456789</IBAN></Id></Acct>
      <Ntry><Amt Ccy="CHF">470.40</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <NtryDtls><TxDtls><Refs><UETR>255ae394-9965-4438-ac86-f406feada396</UETR></Refs>
          <RltdPties><Dbtr><Pty><Nm>Remote Party AG</Nm></Pty></Dbtr></RltdPties>
          <RmtInf><Ustrd>Invoice 2025-031</Ustrd><Strd><RfrdDocInf><Nb>YS-0301</Nb></RfrdDocInf>
            <RfrdDocInf><Nb>YS-0302</Nb></RfrdDocInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>
      <Ntry><Amt Ccy="CHF">47.40</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>INFO</Cd></Sts>
        <ValDt><Dt>2025-03-25</Dt></ValDt></Ntry>
    </Ntfctn>
  </BkToCstmrDbtCdtNtfctn>
</Document>
"""


def test_a_notification_entry_without_dates_is_dated_by_the_notification_and_said_so(tmp_path):
    parsed = parse(tmp_path, "camt054.xml", CAMT054_UNDATED)
    (line,) = lines_of(parsed)
    assert (line.booking_date, line.amount, line.currency, line.direction) == (
        date(2025, 3, 26),
        Decimal("470.40"),
        "CHF",
        "credit",
    )
    assert (line.payer_name, line.memo) == ("Remote Party AG", "Invoice 2025-031 YS-0301 YS-0302")
    assert line.bank_ref == "255ae394-9965-4438-ac86-f406feada396"
    assert parsed.warnings == [
        "1 entry not booked yet (pending or for information) was left out",
        "1 entry gave no booking date: dated by the day the notification was created",
    ]


def test_a_camt_document_in_an_envelope_with_prefixes_is_read(tmp_path):
    wrapped = (
        '<?xml version="1.0"?><Envelope><AppHdr><MsgDefIdr>camt.053.001.04</MsgDefIdr></AppHdr>'
        '<s:Document xmlns:s="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04"><s:BkToCstmrStmt>'
        "<s:GrpHdr><s:MsgId>1</s:MsgId></s:GrpHdr><s:Stmt><s:Id>S1</s:Id>"
        "<s:Acct><s:Id><s:IBAN>NL26VAYB8060476890</s:IBAN></s:Id></s:Acct>"
        '<s:Ntry><s:Amt Ccy="EUR">8.85</s:Amt><s:CdtDbtInd>CRDT</s:CdtDbtInd><s:Sts>BOOK</s:Sts>'
        "<s:BookgDt><s:Dt>2014-12-31</s:Dt></s:BookgDt><s:AcctSvcrRef>REF-1</s:AcctSvcrRef>"
        "<s:NtryDtls><s:TxDtls><s:RltdPties><s:Dbtr><s:Nm>NAME NAME</s:Nm></s:Dbtr></s:RltdPties>"
        "</s:TxDtls></s:NtryDtls></s:Ntry></s:Stmt></s:BkToCstmrStmt></s:Document></Envelope>"
    )
    parsed = parse(tmp_path, "wrapped.xml", wrapped)
    (line,) = lines_of(parsed)
    assert (parsed.format, line.bank_ref, line.payer_name, line.amount) == (
        "camt053",
        "REF-1",
        "NAME NAME",
        Decimal("8.85"),
    )


def test_a_camt052_intraday_report_is_refused_with_the_reason(tmp_path):
    report = (
        '<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.02">'
        "<BkToCstmrAcctRpt><GrpHdr><MsgId>1</MsgId></GrpHdr><Rpt><Id>R</Id></Rpt></BkToCstmrAcctRpt></Document>"
    )
    assert "camt.052 intraday" in refusal(tmp_path, "camt052.xml", report).message


# Wise writes each entry's number (NtryRef) and no other reference; a batch entry's parts too.
WISE_CAMT053 = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
  <GrpHdr><MsgId>W1</MsgId></GrpHdr>
  <Stmt><Id>{statement}</Id><Acct><Id><IBAN>GB33BUKB20201555555555</IBAN></Id></Acct>
    <Ntry><NtryRef>TRANSFER-1207731</NtryRef><Amt Ccy="EUR">120.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
      <Sts>BOOK</Sts><BookgDt><Dt>2025-02-03</Dt></BookgDt>
      <NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
        <RltdPties><Dbtr><Nm>Acme BV</Nm></Dbtr></RltdPties><RmtInf><Ustrd>INV-77</Ustrd></RmtInf>
      </TxDtls></NtryDtls></Ntry>
    <Ntry><NtryRef>BATCH-88</NtryRef><Amt Ccy="EUR">30.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
      <Sts>BOOK</Sts><BookgDt><Dt>2025-02-03</Dt></BookgDt><NtryDtls>
        <TxDtls><Amt Ccy="EUR">10.00</Amt><RmtInf><Ustrd>INV-78</Ustrd></RmtInf></TxDtls>
        <TxDtls><Amt Ccy="EUR">20.00</Amt><RmtInf><Ustrd>INV-79</Ustrd></RmtInf></TxDtls>
      </NtryDtls></Ntry>{more}
  </Stmt></BkToCstmrStmt></Document>
"""
WISE_LATER_ENTRY = """
    <Ntry><NtryRef>TRANSFER-1207900</NtryRef><Amt Ccy="EUR">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
      <Sts>BOOK</Sts><BookgDt><Dt>2025-02-04</Dt></BookgDt></Ntry>"""


def test_a_batch_whose_parts_do_not_add_up_to_the_entry_is_one_line_of_the_entrys_amount(tmp_path):
    """Parts of 6,000 and 5,000 in an entry of 15,000 (the bank left a part out): split, 4,000
    would be lost; so the entry is one line, with every part's text and reference."""
    batch = (
        WISE_CAMT053.format(statement="S-1", more="")
        .replace('<Amt Ccy="EUR">30.00</Amt>', '<Amt Ccy="EUR">15000.00</Amt>')
        .replace('"EUR">10.00<', '"EUR">6000.00<')
        .replace('"EUR">20.00<', '"EUR">5000.00<')
    )
    batch = batch.replace(
        "<Ustrd>INV-79</Ustrd>",
        "<Ustrd>INV-79</Ustrd></RmtInf><Refs><EndToEndId>E2E-79</EndToEndId></Refs><RmtInf>",
    )
    whole = lines_of(parse(tmp_path, "batch.xml", batch))[1]
    assert (whole.bank_ref, whole.amount, whole.direction) == ("BATCH-88", Decimal("15000.00"), "credit")
    assert all(text in whole.memo for text in ("INV-78", "INV-79", "E2E-79"))
    # Parts in another currency than the entry's, or money out inside money in, are not split either.
    for other in (
        batch.replace('"EUR">6000.00<', '"CHF">10000.00<'),
        batch.replace('"EUR">6000.00<', '"EUR">10000.00<').replace(
            '<Amt Ccy="EUR">10000.00</Amt>', '<Amt Ccy="EUR">10000.00</Amt><CdtDbtInd>DBIT</CdtDbtInd>'
        ),
    ):
        assert lines_of(parse(tmp_path, "other.xml", other))[1].amount == Decimal("15000.00")
    # Parts that add up are each a line.
    parts = batch.replace('"EUR">6000.00<', '"EUR">10000.00<')
    assert [line.amount for line in lines_of(parse(tmp_path, "parts.xml", parts))[1:]] == [
        Decimal("10000.00"),
        Decimal("5000.00"),
    ]


def test_a_returned_direct_debit_names_the_customer_whose_payment_came_back(tmp_path):
    """A reversal (RvslInd) of money in is money out whose other party is the original debtor."""
    returned = WISE_CAMT053.format(statement="S-1", more="").replace(
        "<CdtDbtInd>CRDT</CdtDbtInd>", "<CdtDbtInd>DBIT</CdtDbtInd><RvslInd>true</RvslInd>", 1
    )
    line = lines_of(parse(tmp_path, "returned.xml", returned))[0]
    assert (line.direction, line.amount, line.payer_name) == ("debit", Decimal("120.00"), "Acme BV")


def test_a_statements_entries_without_dates_are_dated_by_its_closing_balance_and_said_so(tmp_path):
    """A Lithuanian bank's one-day camt.053 gives its entries neither a booking nor a value date."""
    undated = (
        WISE_CAMT053.format(statement="S-1", more="")
        .replace("<BookgDt><Dt>2025-02-03</Dt></BookgDt>", "")
        .replace(
            "<Ntry>",
            '<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">150.00</Amt>'
            "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-03-07</Dt></Dt></Bal><Ntry>",
            1,
        )
    )
    parsed = parse(tmp_path, "lt.xml", undated)
    assert {line.booking_date for line in lines_of(parsed)} == {date(2024, 3, 7)}
    (warning,) = parsed.warnings
    assert "2 entries gave no booking date" in warning


def test_a_camt_entry_known_only_by_its_entry_number_keeps_it_and_is_not_imported_again(db, tmp_path):
    parsed = parse(tmp_path, "wise.xml", WISE_CAMT053.format(statement="S-1", more=""))
    assert [(line.bank_ref, line.amount) for line in lines_of(parsed)] == [
        ("TRANSFER-1207731", Decimal("120.00")),
        ("BATCH-88#1", Decimal("10.00")),
        ("BATCH-88#2", Decimal("20.00")),
    ]
    first, later = tmp_path / "wise-02-03.xml", tmp_path / "wise-02-04.xml"
    first.write_text(WISE_CAMT053.format(statement="S-1", more=""))
    later.write_text(WISE_CAMT053.format(statement="S-2", more=WISE_LATER_ENTRY))
    assert bank_statement_import(path=first).lines_new == 3
    result = bank_statement_import(path=later)  # overlaps the first: only the new entry is added
    assert (result.lines_new, result.duplicates) == (1, 3)
    assert BankLine.objects.filter(bank_ref="TRANSFER-1207731").count() == 1


def test_wise_entries_imported_before_their_entry_number_was_read_are_not_imported_again(db, tmp_path):
    before, later = tmp_path / "wise-02-03.xml", tmp_path / "wise-02-04.xml"
    # as an earlier import stored them: without a reference, known by date, amount, payer and memo
    before.write_text(re.sub(r"<NtryRef>[^<]*</NtryRef>", "", WISE_CAMT053.format(statement="S-1", more="")))
    assert bank_statement_import(path=before).lines_new == 3
    assert set(BankLine.objects.values_list("bank_ref", flat=True)) == {""}
    later.write_text(WISE_CAMT053.format(statement="S-2", more=WISE_LATER_ENTRY))
    result = bank_statement_import(path=later)
    assert (result.lines_new, result.duplicates) == (1, 3)
    assert BankLine.objects.count() == 4


# A returned direct debit that names the customer as the creditor, the only party it names
# (OCA/bank-statement-import account_statement_import_camt test-camt053).
CAMT_RETURN = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
  <GrpHdr><MsgId>M1</MsgId><CreDtTm>2014-01-06T16:20:26Z</CreDtTm></GrpHdr>
  <Stmt><Id>1234Test/1</Id><Acct><Id><IBAN>NL77ABNA0574908765</IBAN></Id></Acct>
    <Ntry><Amt Ccy="EUR">564.05</Amt><CdtDbtInd>DBIT</CdtDbtInd><RvslInd>true</RvslInd><Sts>BOOK</Sts>
      <BookgDt><Dt>2014-01-05</Dt></BookgDt>
      <NtryDtls><TxDtls><Refs><EndToEndId>TESTBANK/NL/20141229/01206408</EndToEndId></Refs>
        <RltdPties><Cdtr><Nm>Test Customer</Nm></Cdtr>
          <CdtrAcct><Id><IBAN>NL46ABNA0499998748</IBAN></Id></CdtrAcct></RltdPties>
        <RmtInf><Ustrd>Direct Debit S14 0410</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
    <Ntry><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
      <BookgDt><Dt>2014-01-05</Dt></BookgDt>
      <NtryDtls><TxDtls><RltdPties><Cdtr><Nm>Example company</Nm></Cdtr>
          <CdtrAcct><Id><IBAN>NL77ABNA0574908765</IBAN></Id></CdtrAcct></RltdPties>
        <RmtInf><Ustrd>INV 17</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
  </Stmt></BkToCstmrStmt></Document>
"""


def test_a_camt_entry_naming_only_the_other_role_takes_it_unless_it_is_the_account_itself(tmp_path):
    returned, credit = lines_of(parse(tmp_path, "camt053.xml", CAMT_RETURN))
    assert (returned.direction, returned.amount) == ("debit", Decimal("564.05"))
    assert (returned.payer_name, returned.payer_account) == ("Test Customer", "NL46ABNA0499998748")
    # A credit naming only the account holder as creditor: no payer, not the company itself.
    assert (credit.payer_name, credit.payer_account) == ("", "")


# A credit returned, its words in two AddtlInf pieces (ISO gives each 105 characters), as a Rust
# port of hbci4java's camt tests writes it ('Wrong account', 'Returned by bank'), and a rejection
# whose words are in the transaction's AddtlTxInf.
CAMT_RETURNED_CREDIT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
  <GrpHdr><MsgId>M1</MsgId></GrpHdr>
  <Stmt><Id>S1</Id><Acct><Id><IBAN>DE12345678901234567890</IBAN></Id></Acct>
    <Ntry><Amt Ccy="EUR">10</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
      <BookgDt><Dt>2018-07-20</Dt></BookgDt><AcctSvcrRef>ENTRY-REF</AcctSvcrRef>
      <NtryDtls><TxDtls>
        <AmtDtls><InstdAmt><Amt Ccy="USD">12.00</Amt></InstdAmt></AmtDtls>
        <RltdPties><Dbtr><Nm>Original Debtor</Nm></Dbtr>
          <DbtrAcct><Id><IBAN>DE02123456780000000000</IBAN></Id></DbtrAcct></RltdPties>
        <RtrInf><Rsn><Cd>AC01</Cd></Rsn><AddtlInf>Wrong account</AddtlInf>
          <AddtlInf>Returned by bank</AddtlInf></RtrInf>
        <RmtInf><Ustrd>Return Usage</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
    <Ntry><Amt Ccy="EUR">25.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
      <BookgDt><Dt>2018-07-20</Dt></BookgDt><AcctSvcrRef>ENTRY-REF-2</AcctSvcrRef>
      <NtryDtls><TxDtls><RmtInf><Ustrd>INV-2018-07</Ustrd></RmtInf>
        <AddtlTxInf>Status changed to REJECTED : REJECT REVERSAL</AddtlTxInf></TxDtls></NtryDtls></Ntry>
  </Stmt></BkToCstmrStmt></Document>
"""


def test_a_returned_credit_keeps_every_piece_of_the_banks_words_in_its_memo(tmp_path):
    returned, rejected = lines_of(parse(tmp_path, "returned.xml", CAMT_RETURNED_CREDIT))
    assert (returned.amount, returned.currency, returned.direction) == (Decimal("10"), "EUR", "credit")
    assert (returned.payer_name, returned.payer_account) == ("Original Debtor", "DE02123456780000000000")
    assert returned.memo == "Return Usage Wrong account Returned by bank"
    assert rejected.memo == "INV-2018-07 Status changed to REJECTED : REJECT REVERSAL"


@pytest.mark.parametrize(
    ("written", "where"),
    [
        ('<Amt Ccy="XXX">10</Amt>', "/Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/Amt"),
        (
            '<Amt Ccy="XXX">12.00</Amt>',
            "/Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/NtryDtls/TxDtls[1]/AmtDtls/InstdAmt/Amt",
        ),
    ],
)
def test_an_amount_in_no_currency_refuses_the_file_naming_where(db, tmp_path, written, where):
    """ISO 4217's XXX is "no currency": such money cannot be applied, so nothing is imported."""
    original = '<Amt Ccy="EUR">10</Amt>' if "10<" in written else '<Amt Ccy="USD">12.00</Amt>'
    content = CAMT_RETURNED_CREDIT.replace(original, written)
    refused = refusal(tmp_path, "nocurrency.xml", content)
    (error,) = refused.errors
    assert error.column == where
    assert "XXX means no currency" in error.reason
    path = tmp_path / "nocurrency2.xml"
    path.write_text(content)
    with pytest.raises(InputRejected):
        bank_statement_import(path=path)
    assert BankLine.objects.count() == 0


# A Swiss bank's camt.054 writes a whole amount without its cents (OCA/bank-statement-import
# account_statement_import_camt54 test-camt054-qrr.xml: <Amt Ccy="CHF">184</Amt>), its camt.053
# of the day '184.00': the same payment, with the same reference.
CAMT_WHOLE = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.0{kind}">
  <{message}><GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-08-03T12:13:14+02:00</CreDtTm></GrpHdr>
    <{part}><Id>N1</Id><Acct><Id><IBAN>CH2801234000123456789</IBAN></Id></Acct>
      <Ntry><Amt Ccy="CHF">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>2026-08-03</Dt></BookgDt><AcctSvcrRef>A000000000000001</AcctSvcrRef>
        <NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Test Donor One</Nm></Dbtr></RltdPties></TxDtls></NtryDtls>
      </Ntry></{part}></{message}></Document>
"""


def test_an_amount_written_without_its_cents_is_the_same_payment_as_with_them(db, tmp_path):
    notification = tmp_path / "camt054.xml"
    notification.write_text(
        CAMT_WHOLE.format(kind="54.001.04", message="BkToCstmrDbtCdtNtfctn", part="Ntfctn", amount="184")
    )
    statement = tmp_path / "camt053.xml"
    statement.write_text(
        CAMT_WHOLE.format(kind="53.001.04", message="BkToCstmrStmt", part="Stmt", amount="184.00")
    )
    assert bank_statement_import(path=notification).lines_new == 1
    assert bank_statement_import(path=statement).lines_new == 0
    assert BankLine.objects.get().amount == Decimal("184.00")


def test_a_line_keyed_by_its_amount_as_written_by_an_earlier_import_is_not_imported_again(db, tmp_path):
    from huikuan.cash.imports import dedupe_keys

    notification = tmp_path / "camt054.xml"
    notification.write_text(
        CAMT_WHOLE.format(kind="54.001.04", message="BkToCstmrDbtCdtNtfctn", part="Ntfctn", amount="184")
    )
    bank_statement_import(path=notification)
    # As an import before amounts were keyed to the cent stored it: by '184'.
    BankLine.objects.update(
        dedupe_key=dedupe_keys(lines_of(parse(tmp_path, "a.xml", notification.read_text())), as_written=True)[
            0
        ]
    )
    again = tmp_path / "camt054-again.xml"
    again.write_text(notification.read_text().replace("<Id>N1</Id>", "<Id>N2</Id>"))
    assert bank_statement_import(path=again).lines_new == 0


# --- OFX ------------------------------------------------------------------------------------------

OFX_BODY = (
    "<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1</TRNUID><STMTRS><CURDEF>USD</CURDEF>"
    "<BANKACCTFROM><BANKID>1</BANKID><ACCTID>0123</ACCTID><ACCTTYPE>CHECKING</ACCTTYPE></BANKACCTFROM>"
    "<BANKTRANLIST><DTSTART>20200101</DTSTART><DTEND>20200102</DTEND><STMTTRN><TRNTYPE>CREDIT</TRNTYPE>"
    "<DTPOSTED>20200101120000[0:GMT]</DTPOSTED><TRNAMT>1250.00</TRNAMT><FITID>2020010112341</FITID>"
    "<NAME>Müller & Söhne ¦ GmbH</NAME><MEMO>INV-2020-7</MEMO></STMTTRN></BANKTRANLIST>"
    "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>"
)
SGML_HEADER = (
    "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\nCHARSET:{charset}\n"
    "COMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
)


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        # a blank line first (Chase), the header says ASCII, the names are in Windows-1252
        ("\n" + SGML_HEADER.format(charset="1252") + OFX_BODY, "cp1252"),
        (SGML_HEADER.format(charset="NONE") + OFX_BODY, "utf-8"),
        (
            '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
            '<?OFX OFXHEADER="200" VERSION="211" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>\n'
            + OFX_BODY,
            "utf-8",
        ),
    ],
    ids=["usascii-with-1252-letters", "charset-none", "ofx2-xml"],
)
def test_an_ofx_file_keeps_the_payers_accented_name_whatever_its_header(tmp_path, content, encoding):
    (line,) = lines_of(parse(tmp_path, "bank.ofx", content, encoding=encoding))
    assert (line.payer_name, line.memo) == ("Müller & Söhne ¦ GmbH", "INV-2020-7")
    assert line.bank_ref == "2020010112341"
    assert (line.direction, line.amount, line.currency) == ("credit", Decimal("1250.00"), "USD")


# Banks write the posting time with their time zone (csingley/ofxtools tests/data/br_nubank_cc.ofx:
# '20240323000000[-3:GMT]'); east of Greenwich, a midnight posting is the day before in UTC.
@pytest.mark.parametrize(
    "posted", ["20240323000000[+8:CST]", "20240323000000.000[+1:CET]", "20240323235959[-3:GMT]"]
)
def test_an_ofx_line_is_booked_on_the_day_the_bank_wrote_whatever_its_time_zone(tmp_path, posted):
    content = SGML_HEADER.format(charset="NONE") + OFX_BODY.replace("20200101120000[0:GMT]", posted)
    content = content.replace("<TRNAMT>", "<DTUSER>" + posted + "</DTUSER><TRNAMT>")
    # The period too (OCA/bank-statement-import test_ofx_fields.ofx: '20130831165153.000[-8:PST]').
    content = content.replace("<DTEND>20200102", "<DTEND>" + posted).replace(
        "<DTSTART>20200101", "<DTSTART>" + posted
    )
    (statement,) = parse(tmp_path, "bank.ofx", content).statements
    (line,) = statement.lines
    assert (line.booking_date, line.transaction_date) == (date(2024, 3, 23), date(2024, 3, 23))
    assert (statement.period_start, statement.period_end) == (date(2024, 3, 23), date(2024, 3, 23))


# A card purchase made on the 2nd, posted on the 5th, the money available on the 6th (the three
# dates OFX gives: DTUSER, DTPOSTED, DTAVAIL; ofxparse tests/fixtures/checking.ofx writes only
# DTPOSTED); a DTUSER of 00000000 says none.
def test_an_ofx_line_is_booked_when_posted_made_when_the_user_made_it_valued_when_available(db, tmp_path):
    content = SGML_HEADER.format(charset="NONE") + OFX_BODY.replace(
        "<DTPOSTED>20200101120000[0:GMT]</DTPOSTED>",
        "<DTPOSTED>20200105120000[-5:EST]</DTPOSTED><DTUSER>20200102</DTUSER><DTAVAIL>20200106</DTAVAIL>",
    )
    (line,) = lines_of(parse(tmp_path, "card.ofx", content))
    assert (line.booking_date, line.transaction_date, line.value_date) == (
        date(2020, 1, 5),
        date(2020, 1, 2),
        date(2020, 1, 6),
    )
    path = tmp_path / "card2.ofx"
    path.write_text(content)
    bank_statement_import(path=path)
    stored = BankLine.objects.get()
    assert (stored.booking_date, stored.transaction_date, stored.value_date, stored.amount) == (
        date(2020, 1, 5),
        date(2020, 1, 2),
        date(2020, 1, 6),
        Decimal("1250.00"),
    )
    unset = content.replace("<DTUSER>20200102", "<DTUSER>00000000").replace("<DTAVAIL>20200106</DTAVAIL>", "")
    (line,) = lines_of(parse(tmp_path, "unset.ofx", unset))
    assert (line.booking_date, line.transaction_date, line.value_date) == (date(2020, 1, 5), None, None)
    bad = content.replace("<DTAVAIL>20200106", "<DTAVAIL>20201399")
    (error,) = refusal(tmp_path, "bad.ofx", bad).errors
    assert (error.column, error.value) == ("STMTTRN[1] FITID=2020010112341 DTAVAIL", "20201399")


def test_an_ofx_file_without_a_bank_statement_is_refused(tmp_path):
    content = SGML_HEADER.format(charset="1252") + "<OFX></OFX>"
    assert "no bank statement" in refusal(tmp_path, "empty.ofx", content).message


def test_an_ofx_download_the_bank_answered_with_an_error_is_refused_with_the_banks_words(tmp_path):
    content = SGML_HEADER.format(charset="1252") + (
        "<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS></SONRS></SIGNONMSGSRSV1>"
        "<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>2000<SEVERITY>ERROR"
        "<MESSAGE>General Server Error</STATUS></STMTTRNRS></BANKMSGSRSV1></OFX>"
    )
    message = refusal(tmp_path, "error.ofx", content).message
    assert "error 2000 (General Server Error)" in message
    investments = SGML_HEADER.format(charset="1252") + "<OFX><INVSTMTMSGSRSV1><INVSTMTTRNRS><INVSTMTRS>"
    assert "investment statement" in refusal(tmp_path, "brokerage.ofx", investments + "</OFX>").message


# --- BAI2 -----------------------------------------------------------------------------------------


def test_a_btrs_version_3_file_reads_as_bai2(tmp_path):
    # moov-io/bai2 test/testdata/bai3/x9-status-summary-detail.txt (from the X9.121 BTRS guide's samples)
    btrs = (
        "01,122099999,123456789,150623,0200,1,,,3/\n02,,122099999,1,150622,,,2/\n"
        "03,987654321,CAD,010,500000,,,190,70000000,4,0/\n16,399,25000,0,,,/\n"
        "49,70525000,3/\n98,70525000,1,5/\n99,70525000,1,7/\n"
    )
    (statement,) = parse(tmp_path, "btrs.txt", btrs).statements
    (line,) = statement.lines
    assert (statement.account, statement.opening_balance) == ("987654321", Decimal("5000.00"))
    assert (line.booking_date, line.direction, line.amount, line.currency) == (
        date(2015, 6, 22),
        "credit",
        Decimal("250.00"),
        "CAD",
    )


def test_a_bai2_file_that_names_no_currency_is_in_us_dollars_as_the_specification_defaults(tmp_path):
    # Group (02) and account (03) headers with the currency code left out, as many US banks send.
    bai2 = (
        "01,122099999,123456789,150623,0200,1,,,2/\n02,,122099999,1,150622,,,2/\n"
        "03,987654321,,010,500000,,/\n16,195,25000,0,BR1,,/\n"
        "49,525000,3/\n98,525000,1,5/\n99,525000,1,7/\n"
    )
    (statement,) = parse(tmp_path, "bai2.txt", bai2).statements
    (line,) = statement.lines
    assert (statement.currency, line.currency, line.amount) == ("USD", "USD", Decimal("250.00"))


def test_a_goldman_sachs_wire_gives_the_debtor_named_in_its_continuation_records(tmp_path):
    # moov-io/bai2 test/testdata/sample5-issue113.txt (Goldman Sachs): records without '/', one 88 a
    # field, an empty summary item after the account's currency
    bai2 = (
        "01,GSBI,cont001,210706,1249,1,,,2/\n02,cont001,026015079,1,230906,2000,,/\n"
        "03,107049932,USD,,,,,060,6865898,,,100,1912,1,,400,000,0,/\n"
        "16,195,3797999624,,GI2323300007089,20230821J1Q5040C000707,Incoming Wire,From: TEST AND COMPANY, "
        "Client Ref ID: 20230821J1Q5040C000707, GS ID: GI2323300007089\n"
        "88,EREF: 20230821J1Q5040C000707\n88,CRNM: SAMPLE INC\n88,DBNM: TEST AND COMPANY\n"
        "88,DACT: 000001000600427\n49,3804867434,7/\n98,3804867434,1,9/\n99,3804867434,1,11/\n"
    )
    (line,) = lines_of(parse(tmp_path, "gs.bai2", bai2))
    assert (line.direction, line.amount, line.bank_ref) == (
        "credit",
        Decimal("37979996.24"),
        "GI2323300007089",
    )
    assert (line.payer_name, line.payer_account) == ("TEST AND COMPANY", "000001000600427")


BAI2_BANK_CODES = (
    "01,BANKUS,CUSTCO,240501,0600,1,,,2/\n02,CUSTCO,BANKUS,1,240430,2400,USD,2/\n"
    "03,0001234567,USD,010,500000,,,015,520000,,/\n"
    "16,{credit},1250050,0,BR1,,WIRE FROM ACME/\n16,{debit},35000,0,BR2,,BANK FEE/\n"
    "16,890,1000,0,BR3,,NOTICE OF RETURNED ITEM/\n"
    "49,2306050,5/\n98,2306050,1,7/\n99,2306050,1,9/\n"
)


def test_bai2_type_codes_a_bank_defines_itself_read_by_the_ranges_the_specification_gives(tmp_path):
    """920–959 are a bank's own credit codes, 960–999 its debit codes (the library knows none of
    them); 890 is information, not money: it is left out and the import says so."""
    parsed = parse(tmp_path, "own.bai2", BAI2_BANK_CODES.format(credit="955", debit="975"))
    credit, debit = lines_of(parsed)
    assert (credit.direction, credit.amount, credit.where) == ("credit", Decimal("12500.50"), "line 4")
    assert (debit.direction, debit.amount) == ("debit", Decimal("350.00"))
    (warning,) = parsed.warnings
    assert "line 6" in warning and "890" in warning


def test_a_wires_debtor_account_without_a_debtor_name_is_the_payers_account(tmp_path):
    bai2 = (
        BAI2_BANK_CODES.format(credit="195", debit="495")
        .replace("WIRE FROM ACME/", "Incoming Wire,- EREF: GS0D9V DBIC: CITIUS30XXX\n88,DACT: 8348572423")
        .replace("49,2306050,5/", "49,2306050,6/")
        .replace("98,2306050,1,7/\n99,2306050,1,9/", "98,2306050,1,8/\n99,2306050,1,10/")
    )
    credit = lines_of(parse(tmp_path, "gs.bai2", bai2))[0]
    assert (credit.payer_name, credit.payer_account) == ("", "8348572423")


def test_the_bai2_specifications_own_example_of_continued_summaries_is_read(tmp_path):
    # moov-io/bai2 test/testdata/sample2.txt (the BAI2 specification's example): the 190 summary
    # item starts on the 03 record and its amount is on the 88; a lockbox line's availability
    # leaves its immediate amount out ('S,,200000,300000').
    bai2 = (
        "01,122099999,123456789,040621,0200,1,65,,2/\n02,031001234,122099999,1,040620,2359,,2/\n"
        "03,9876543210,,010,-500000,,,100,1000000,,,400,2000000,,,190/\n"
        "88,500000,,,110,1000000,,,072,500000,,,074,500000,,,040/\n88,-1500000,,/\n"
        "16,115,500000,S,,200000,300000,,,LOCK BOX NO.68751/\n"
        "49,4000000,5/\n98,4000000,1,7/\n99,4000000,1,9/\n"
    )
    (statement,) = parse(tmp_path, "spec.bai2", bai2).statements
    (line,) = statement.lines
    assert statement.opening_balance == Decimal("-5000.00")
    assert (line.direction, line.amount, line.currency, line.memo) == (
        "credit",
        Decimal("5000.00"),
        "USD",
        "LOCK BOX NO.68751",
    )


def test_bai2_text_continued_on_88_records_reads_as_the_banks_text(tmp_path):
    # moov-io/bai2 test/testdata/sample3.txt: each record of a wire's text ends with '/', the text
    # goes on in the next 88 ('… 900 METRO CENTER BLVD /' then '88,        FOSTER CITY …'); an ACH
    # credit's originator, its entry description and the payer's words one 88 each.
    bai2 = (
        "01,103100195,103100195,220919,2112,4,,,2/\n02,103100195,103100195,1,220919,2400,USD,2/\n"
        "03,11111111,,010,-4078,,,015,27595,,/\n"
        "16,195,13855,Z,,,Wire Transfer Credit          VISA INTERNATIONAL            "
        "900 METRO CENTER BLVD /\n"
        "88,        FOSTER CITY       CA 94404/\n"
        "16,195,500,0,BR9,,ORIG CO NAME:ACME CORP/\n88,ENTRY DESCR:PAYMENT/\n"
        "88,INV 2024-0042, INV 2024-0043/\n"
        "49,37872,7/\n98,37872,1,9/\n99,37872,1,11/\n"
    )
    wire, ach = lines_of(parse(tmp_path, "sample3.bai2", bai2))
    assert (wire.amount, wire.direction, wire.currency) == (Decimal("138.55"), "credit", "USD")
    assert wire.memo == "Wire Transfer Credit VISA INTERNATIONAL 900 METRO CENTER BLVD FOSTER CITY CA 94404"
    assert (ach.amount, ach.bank_ref, ach.payer_name) == (Decimal("5.00"), "BR9", "ACME CORP")
    # the bank's own comma between two invoices is kept
    assert ach.memo == "ORIG CO NAME:ACME CORP ENTRY DESCR:PAYMENT INV 2024-0042, INV 2024-0043"


def test_an_account_trailer_counting_the_wrong_number_of_records_is_refused_naming_its_line(tmp_path):
    # moov-io/bai2 test/testdata/bai3/x9-continuation-16.txt: its 49 counts 4 records for 5
    bai2 = (
        "01,122099999,123456789,150623,0200,1,,,3/\n02,,122099999,1,150622,,,2/\n"
        "03,1234567890,USD,010,0,,,100,123000000000,1,S,100000000000,20000000000,3000000000/\n"
        "16,165,123000000000,S,100000000000,20000000000,3000000000/\n88,TRACE12345678900,CUST REF 79/\n"
        "88,THIS IS THE TEXT HERE\n49,246000000000,4/\n98,246000000000,1,6/\n99,246000000000,1,8/\n"
    )
    (error,) = refusal(tmp_path, "x9.txt", bai2).errors
    assert error.line == 7 and "counts 4 records, but the account has 5" in error.reason


def test_bai2_amounts_in_yen_are_whole_yen_and_a_byte_order_mark_is_no_matter(tmp_path):
    bai2 = (
        "\ufeff01,BANK,CUST,240301,0800,1,,,2/\n02,CUST,BANK,1,240229,,JPY,2/\n"
        "03,1234567,JPY,010,500000,,,015,620000,,/\n16,195,120000,,REF77,/\n88,ORIG CO NAME:SAKURA KK\n"
        "49,1240000,4/\n98,1240000,1,6/\n99,1240000,1,8/\n"
    )
    parsed = parse(tmp_path, "jpy.bai2", bai2)
    (statement,) = parsed.statements
    (line,) = statement.lines
    assert (statement.opening_balance, statement.closing_balance) == (Decimal("500000"), Decimal("620000"))
    assert (line.amount, line.currency, line.direction, line.payer_name) == (
        Decimal("120000"),
        "JPY",
        "credit",
        "SAKURA KK",
    )


# --- files saved in UTF-16, with a byte-order mark, or with blank lines first -------------------

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "bank"
CAMT053 = (FIXTURES / "camt053v08_genkgo.xml").read_text(encoding="utf-8")
SAVED_AS = {
    "utf-16-le": lambda text: text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"),
    "utf-16-be": lambda text: (
        b"\xfe\xff" + text.replace('encoding="UTF-8"', 'encoding="UTF-16BE"').encode("utf-16-be")
    ),
    "utf-8-bom": lambda text: text.encode("utf-8-sig"),
    "blank-lines-first": lambda text: ("\r\n\r\n  " + text).encode("utf-8"),
    "bom-and-blank-lines": lambda text: ("\n\n" + text).encode("utf-16"),
}


@pytest.mark.parametrize("saved_as", sorted(SAVED_AS))
def test_a_camt053_saved_in_utf16_or_with_blank_lines_first_imports_as_the_original(db, tmp_path, saved_as):
    path = tmp_path / "statement.xml"
    path.write_bytes(SAVED_AS[saved_as](CAMT053))
    result = bank_statement_import(path=path)
    assert (result.format, result.lines_new) == ("camt053", 1)
    line = BankLine.objects.get()
    assert (line.bank_ref, line.amount, line.payer_name, line.account_number) == (
        "AAAASESS-FP-CN_98765/01",
        Decimal("8.85"),
        "NAME NAME",
        "NL26VAYB8060476890",
    )


def test_a_camt_file_with_blank_lines_first_names_the_line_of_the_file_in_a_refusal(tmp_path):
    text = "\n\n" + CAMT053.replace('Ccy="EUR">8.85<', 'Ccy="EUR">8,85<', 1)
    error = refusal(tmp_path, "bad.xml", text.encode("utf-16")).errors[0]
    assert error.column == "/Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/Amt" and error.value == "8,85"
    assert error.line == text[: text.index("8,85")].count("\n") + 1


def test_a_dtd_in_a_utf16_camt_file_is_still_refused(tmp_path):
    head, rest = CAMT053.split("?>", 1)
    hostile = head + '?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + rest
    assert "DTD or entity" in refusal(tmp_path, "xxe.xml", hostile.encode("utf-16")).message


@pytest.mark.parametrize(
    ("name", "encoding", "fmt"),
    [
        ("mt940_wolph_mbank.sta", "iso-8859-2", "mt940"),
        ("ofx_v1sgml_ofxparse_checking.ofx", "cp1252", "ofx"),
        ("bai2_moj_nwb_example.bai2", "ascii", "bai2"),
        ("camt054v04_genkgo.xml", "utf-8", "camt054"),
    ],
)
def test_mt940_ofx_bai2_and_camt054_saved_in_utf16_read_as_the_original(tmp_path, name, encoding, fmt):
    original = (FIXTURES / name).read_bytes()
    for saved in (
        original.decode(encoding).encode("utf-16"),
        b"\xfe\xff" + original.decode(encoding).encode("utf-16-be"),
    ):
        assert detect_format(saved, name) == fmt
        wide, plain = parse(tmp_path, name, saved), parse(tmp_path, name, original)
        assert [(s.account, s.closing_balance) for s in wide.statements] == [
            (s.account, s.closing_balance) for s in plain.statements
        ]
        assert lines_of(wide) == lines_of(plain) and lines_of(wide)


# --- Chinese banks' tables ----------------------------------------------------------------------


def test_icbcs_statement_with_one_signed_income_or_expense_amount_is_read(db, tmp_path):
    # 工商银行 借记卡账户历史明细清单 (the PDF statement's table): 收入/支出金额, signed.
    path = tmp_path / "icbc.csv"
    path.write_text(
        "交易日期,账号,储种,序号,币种,钞汇,摘要,地区,收入/支出金额,余额,对方户名,对方账号,渠道\n"
        "2025-09-07 08:20:50,0200006201066534327,活期,00000,人民币,钞,消费,0200,-5.00,1799.57,"
        "北京轨道交通路网管理有限公司,2088****0156,快捷支付\n"
        '2025-09-08 10:00:00,0200006201066534327,活期,00000,人民币,钞,货款,0200,"1,200.00",2999.57,'
        "某某科技有限公司,6222020200001234567,网上银行\n",
        encoding="utf-8",
    )
    result = bank_statement_import(path=path, imported_by="treasurer")
    assert (result.profile, result.credits, result.debits) == ("icbc", 1, 1)
    received = BankLine.objects.get(direction="credit")
    assert (received.amount, received.booking_date, received.payer_name) == (
        Decimal("1200.00"),
        date(2025, 9, 8),
        "某某科技有限公司",
    )
    assert BankLine.objects.get(direction="debit").amount == Decimal("5.00")


ICBC_ROWS = (
    "交易日期,账号,储种,序号,币种,钞汇,摘要,地区,收入/支出金额,余额,对方户名,对方账号,渠道\n"
    '2025-09-08 10:00:00,0200006201066534327,活期,00000,人民币,钞,货款,0200,"1,200.00",2999.57,'
    "某某科技有限公司,6222020200001234567,网上银行\n"
    "2025-09-09 10:00:00,{second},活期,00000,人民币,钞,货款,0200,300.00,3299.57,"
    "某某贸易有限公司,6222020200007654321,网上银行\n"
)


def test_icbcs_account_on_each_row_is_the_statements_account(db, tmp_path):
    """工商银行's 清单 names the statement's own account on each row (账号), not above the table:
    one account is the statement's without --account; several, a statement each."""
    path = tmp_path / "icbc.csv"
    path.write_text(ICBC_ROWS.format(second="0200006201066534327"), encoding="utf-8")
    assert bank_statement_import(path=path).lines_new == 2
    assert set(BankLine.objects.values_list("account_number", flat=True)) == {"0200006201066534327"}
    two = tmp_path / "icbc-two.csv"
    two.write_text(ICBC_ROWS.format(second="0200006201066599999"), encoding="utf-8")
    with pytest.raises(InputRejected) as refused:  # one account given for lines of two
        bank_statement_import(path=two, account="0200006201066534327")
    assert "name 2 accounts (0200006201066534327, 0200006201066599999)" in refused.value.message
    result = bank_statement_import(path=two)
    assert (result.lines_new, result.duplicates) == (1, 1)
    assert BankLine.objects.get(account_number="0200006201066599999").amount == Decimal("300.00")


def test_the_other_partys_name_and_account_in_one_column_named_for_both_give_both(db, tmp_path):
    # 民生银行 个人账户对账单: 对方户名/账号 holds 'name/account'; it was not read at all.
    path = tmp_path / "cmbc.csv"
    path.write_text(
        "中国民生银行个人账户对账单\n"
        "凭证类型,凭证号码,交易时间,摘要,交易金额,账户余额,现转标志,交易渠道,交易机构,对方户名/账号,对方行名\n"
        ",,2024/01/05 10:11:12,转账,1000.00,5000.00,转账,网上银行,0101,"
        "上海某某有限公司/6222020200001234567,中国工商银行上海分行\n",
        encoding="utf-8",
    )
    bank_statement_import(path=path, imported_by="treasurer")
    line = BankLine.objects.get()
    assert (line.payer_name, line.payer_account, line.amount) == (
        "上海某某有限公司",
        "6222020200001234567",
        Decimal("1000.00"),
    )


# --- BAI2 headers -------------------------------------------------------------------------------


def test_a_bai2_header_time_with_seconds_is_read_and_a_wrong_control_total_named_by_its_line(tmp_path):
    # ActiveArchitexture/BAI-BTRS-active-parsers, test/BAI2 BTRS Validator samples: the file
    # header's time as HHMMSS (120000) refused the file with the library's "unconverted data
    # remains: 00", and an account trailer's wrong control total was refused without a line.
    head = "01,senderID,Receiver,160605,120000,87,,,2/\n02,,ORgID,1,160506,235959,USD,2/\n"
    good = (
        head
        + "03,1234567,USD/\n16,195,150000,,REF1,,PAYMENT/\n49,150000,3/\n98,150000,1,5/\n99,150000,1,7/\n"
    )
    (line,) = lines_of(parse(tmp_path, "bai2.txt", good))
    assert (line.amount, line.direction, line.booking_date) == (
        Decimal("1500.00"),
        "credit",
        date(2016, 5, 6),
    )
    broken = head + "03,1234567,USD/\n16,890,,,,,/\n49,1,3/\n98,1,1,5/\n99,1,1,7/\n"
    (error,) = refusal(tmp_path, "bai2.txt", broken).errors
    assert error.line == 5 and "control total of 1" in error.reason


def test_details_of_subfields_without_a_transaction_code_give_payee_account_and_purpose(tmp_path):
    # a-fas/mt940js test/test2.mt940x (a Polish bank): '>20…>31…>32…' with no code before it
    # was kept whole as the memo; the statement's own account is never the other party's.
    head = ":20:17013109020\n:25:B4E08MS9D00A0009\n:28C:17001/1\n:60F:C170101PLN3503,60\n"
    text = (
        head
        + ":61:170103DN369,00FCHGNONREF\n"
        + ":86:>20Usługi księgowe - m-c grudzien 2016 rok.>31491050195310000\n0477656534>32BOOKING GROUP\n"
        + ":61:170131DN25,00FCHGNONREF\n:86:>20Opłata za prowadzenie rachunku>31B4E08MS9D00A0009>32\n"
        + ":62F:C170131PLN3109,60\n"
    )
    booking, fee = lines_of(parse(tmp_path, "pl.sta", text))
    assert (booking.payer_name, booking.payer_account, booking.memo) == (
        "BOOKING GROUP",
        "4910501953100000477656534",
        "Usługi księgowe - m-c grudzien 2016 rok.",
    )
    assert (fee.payer_account, fee.memo) == ("", "Opłata za prowadzenie rachunku")


def test_an_ofx_statement_naming_no_currency_anywhere_is_refused_not_imported_without_one(tmp_path):
    # leonardomelosantos/ofxparser.net TestData/comma_decimal_extract.ofx: no header, no CURDEF,
    # no CURRENCY; its line was imported in no currency at all.
    ofx = (
        "<OFX>\n<BANKMSGSRSV1>\n<STMTTRNRS>\n<STMTRS>\n<BANKACCTFROM>\n<BANKID>237\n<ACCTID>55555-1\n"
        "<ACCTTYPE>CHECKING\n</BANKACCTFROM>\n<BANKTRANLIST>\n<DTSTART>20250301000000\n"
        "<DTEND>20250331235959\n<STMTTRN>\n<TRNTYPE>CREDIT\n<DTPOSTED>20250310120000\n"
        "<TRNAMT>1234.56\n<FITID>BR001\n<MEMO>Pagamento Boleto\n</STMTTRN>\n</BANKTRANLIST>\n"
        "</STMTRS>\n</STMTTRNRS>\n</BANKMSGSRSV1>\n</OFX>\n"
    )
    (error,) = refusal(tmp_path, "extract.ofx", ofx).errors
    assert (error.line, error.column) == (13, "CURDEF") and "no currency" in error.reason


# A brokerage's download: the cash account's statement and the investment account's in one file
# (as ofxtools' tests/data/invstmtrs.ofx and a bank's STMTRS put together).
BANK_AND_INVESTMENTS_OFX = SGML_HEADER.format(charset="1252") + (
    "<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20240105"
    "<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1>\n"
    "<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>\n"
    "<STMTRS><CURDEF>USD<BANKACCTFROM><BANKID>121000248<ACCTID>1111<ACCTTYPE>CHECKING</BANKACCTFROM>\n"
    "<BANKTRANLIST><DTSTART>20240101<DTEND>20240105\n"
    "<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20240102<TRNAMT>100.00<FITID>B1<NAME>ACME CORP<MEMO>INV-1</STMTTRN>\n"
    "<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20240103<TRNAMT>90.00<FITID>B2<NAME>EURO GMBH<MEMO>INV-2\n"
    "<CURRENCY><CURRATE>1.10<CURSYM>EUR</CURRENCY></STMTTRN>\n"
    "<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20240104<TRNAMT>55.00<FITID>B3<NAME>CAN INC<MEMO>INV-3\n"
    "<ORIGCURRENCY><CURRATE>0.74<CURSYM>CAD</ORIGCURRENCY></STMTTRN>\n"
    "</BANKTRANLIST><LEDGERBAL><BALAMT>100.00<DTASOF>20240105</LEDGERBAL></STMTRS></STMTTRNRS>"
    "</BANKMSGSRSV1>\n"
    "<INVSTMTMSGSRSV1><INVSTMTTRNRS><TRNUID>2<STATUS><CODE>0<SEVERITY>INFO</STATUS>\n"
    "<INVSTMTRS><DTASOF>20240105<CURDEF>USD<INVACCTFROM><BROKERID>example.com<ACCTID>2222</INVACCTFROM>\n"
    "<INVTRANLIST><DTSTART>20240101<DTEND>20240105\n"
    "<BUYSTOCK><INVBUY><INVTRAN><FITID>T1<DTTRADE>20240103</INVTRAN><SECID><UNIQUEID>123456789"
    "<UNIQUEIDTYPE>CUSIP</SECID><UNITS>10<UNITPRICE>10.00<COMMISSION>1.00<TOTAL>-101.00"
    "<SUBACCTSEC>CASH<SUBACCTFUND>CASH</INVBUY><BUYTYPE>BUY</BUYSTOCK>\n"
    "</INVTRANLIST></INVSTMTRS></INVSTMTTRNRS></INVSTMTMSGSRSV1></OFX>\n"
)


def test_an_investment_accounts_statement_beside_a_bank_statement_is_left_out_and_said_so(tmp_path):
    """The file was refused with Python's own words ('InvestmentTransaction' object has no
    attribute 'amount'); now the bank statement is read and the investments left out, saying so."""
    parsed = parse(tmp_path, "download.ofx", BANK_AND_INVESTMENTS_OFX)
    (statement,) = parsed.statements
    assert statement.account == "1111"
    assert [line.bank_ref for line in statement.lines] == ["B1", "B2", "B3"]
    assert parsed.warnings == [
        "1 investment account's statement was left out: only bank and credit card statements are imported"
    ]


def test_an_ofx_transaction_in_its_own_currency_is_in_that_currency_not_the_statements(tmp_path):
    """<CURRENCY> says the amount is in the currency it names (OFX 2.2, 5.2): 90.00 EUR was
    imported as 90.00 USD. <ORIGCURRENCY> only says what the amount was converted from."""
    parsed = parse(tmp_path, "download.ofx", BANK_AND_INVESTMENTS_OFX)
    seen = [(line.bank_ref, line.amount, line.currency, line.payer_name) for line in lines_of(parsed)]
    assert seen == [
        ("B1", Decimal("100.00"), "USD", "ACME CORP"),
        ("B2", Decimal("90.00"), "EUR", "EURO GMBH"),
        ("B3", Decimal("55.00"), "USD", "CAN INC"),
    ]
    # Also when the transaction's FITID is blank, or it corrects another (REPLACE).
    blank = BANK_AND_INVESTMENTS_OFX.replace("<FITID>B2", "<FITID></FITID>")
    assert [(line.bank_ref, line.currency) for line in lines_of(parse(tmp_path, "blank.ofx", blank))][1] == (
        "",
        "EUR",
    )
    correction = "<FITID>B2R<CORRECTFITID>B3<CORRECTACTION>REPLACE"
    replaced = BANK_AND_INVESTMENTS_OFX.replace("<FITID>B2", correction)
    fixed = lines_of(parse(tmp_path, "fix.ofx", replaced))
    seen = [(line.bank_ref, line.amount, line.currency) for line in fixed]
    assert seen == [("B1", Decimal("100.00"), "USD"), ("B2R", Decimal("90.00"), "EUR")]


# A German bank's Rücklastschrift (as hbci4java's test-camt-ruecklastschrift.xml has it, here in
# a camt.053): money out with no RvslInd, the return's reasons in RtrInf, the roles of the
# original direct debit kept: the customer is the Dbtr, the statement's own holder the Cdtr.
RUECKLASTSCHRIFT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>M1</MsgId><CreDtTm>2021-03-26T13:44:56+01:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><Acct><Id><IBAN>DE02120300000000202051</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Ntry><Amt Ccy="EUR">53.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2021-03-26</Dt></BookgDt><AcctSvcrRef>NONREF</AcctSvcrRef>
<NtryDtls><TxDtls><Refs><EndToEndId>INV-2021-77</EndToEndId><MndtId>M-1234</MndtId></Refs>
<AmtDtls><InstdAmt><Amt Ccy="EUR">50.00</Amt></InstdAmt></AmtDtls><Chrgs><Amt Ccy="EUR">3.00</Amt></Chrgs>
<RltdPties><Dbtr><Nm>Sven Schuldner</Nm></Dbtr>
<DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct>
<Cdtr><Nm>Erwin Einzieher GmbH</Nm></Cdtr><CdtrAcct><Id><IBAN>DE02120300000000202051</IBAN></Id></CdtrAcct>
</RltdPties><RmtInf><Ustrd>Rechnung 2021-77</Ustrd></RmtInf>
<RtrInf><Rsn><Cd>MS03</Cd></Rsn><AddtlInf>RUECKLASTSCHRIFT Sonstige Gruende</AddtlInf></RtrInf>
</TxDtls></NtryDtls><AddtlNtryInf>LS RUECKBELASTUNG</AddtlNtryInf></Ntry>
</Stmt></BkToCstmrStmt></Document>
"""


def test_a_returned_direct_debit_without_a_reversal_mark_names_the_customer_not_the_account_holder(tmp_path):
    """The line's other party was the statement's own holder and IBAN (the Cdtr of money out)."""
    (line,) = lines_of(parse(tmp_path, "camt053.xml", RUECKLASTSCHRIFT))
    assert (line.direction, line.amount, line.bank_ref) == ("debit", Decimal("53.00"), "INV-2021-77")
    assert (line.payer_name, line.payer_account) == ("Sven Schuldner", "DE89370400440532013000")
    assert line.memo == "Rechnung 2021-77 RUECKLASTSCHRIFT Sonstige Gruende LS RUECKBELASTUNG"
    # Without its RtrInf, the Cdtr's account being the statement's own still says it is not the other party.
    unmarked = re.sub(r"<RtrInf>.*</RtrInf>", "", RUECKLASTSCHRIFT)
    (line,) = lines_of(parse(tmp_path, "unmarked.xml", unmarked))
    assert (line.payer_name, line.payer_account) == ("Sven Schuldner", "DE89370400440532013000")


def test_a_batch_whose_parts_are_instructed_in_another_currency_splits_by_the_amounts_booked(tmp_path):
    """Each part's Amt in the currency the payer sent (EUR, as the ISO business example's SEK
    entry has it), its AmtDtls/TxAmt in the account's: the parts add up by the latter (the batch
    was kept as one line)."""
    batch = (
        WISE_CAMT053.format(statement="S-1", more="")
        .replace('<Amt Ccy="EUR">30.00</Amt>', '<Amt Ccy="SEK">3300.00</Amt>')
        .replace(
            '<Amt Ccy="EUR">10.00</Amt>',
            '<Amt Ccy="EUR">100.00</Amt><AmtDtls><TxAmt><Amt Ccy="SEK">1100.00</Amt></TxAmt></AmtDtls>',
        )
        .replace(
            '<Amt Ccy="EUR">20.00</Amt>',
            '<Amt Ccy="EUR">200.00</Amt><AmtDtls><TxAmt><Amt Ccy="SEK">2200.00</Amt></TxAmt></AmtDtls>',
        )
    )
    parts = lines_of(parse(tmp_path, "batch.xml", batch))[1:]
    assert [(line.amount, line.currency, line.memo) for line in parts] == [
        (Decimal("1100.00"), "SEK", "INV-78"),
        (Decimal("2200.00"), "SEK", "INV-79"),
    ]
