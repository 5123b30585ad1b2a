"""SPEC §3: the files ERPs and finance clerks really produce — CSV in UTF-8 with or without
BOM, GBK from a Chinese Windows Excel, XLSX with numeric and date cells, Chinese headers
recognised by alias or mapped by a ``--mapping`` file."""

from __future__ import annotations

import json
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook

from huikuan.ledger.models import Customer, Invoice, Payment

CHINESE_CUSTOMERS = """\
customer_code,name,salesperson,department
HZ001,杭州湖畔机电有限公司,张伟,华东销售部
GZ008,广州珠江精密仪器有限公司,黄晓明,华南销售部
"""


def _names() -> dict[str, tuple[str, str, str]]:
    return {c.code: (c.name, c.salesperson, c.department) for c in Customer.objects.all()}


EXPECTED_NAMES = {
    "HZ001": ("杭州湖畔机电有限公司", "张伟", "华东销售部"),
    "GZ008": ("广州珠江精密仪器有限公司", "黄晓明", "华南销售部"),
}


def test_utf8_csv_keeps_chinese_names(db, huikuan, write_file):
    assert huikuan("import", "customers", write_file("kehu.csv", CHINESE_CUSTOMERS)).code == 0
    assert _names() == EXPECTED_NAMES


def test_utf8_csv_with_bom_from_excel_reads_the_first_header(db, huikuan, write_file):
    path = write_file("kehu.csv", CHINESE_CUSTOMERS, encoding="utf-8-sig")
    with open(path, "rb") as handle:
        assert handle.read(3) == b"\xef\xbb\xbf"

    result = huikuan("import", "customers", path)

    assert result.code == 0, result.stderr
    assert _names() == EXPECTED_NAMES


def test_gbk_csv_from_a_chinese_windows_excel_keeps_chinese_names(db, huikuan, write_file):
    path = write_file("kehu-gbk.csv", CHINESE_CUSTOMERS, encoding="gbk")
    with open(path, "rb") as handle:
        data = handle.read()
    assert "杭州".encode("gbk") in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    result = huikuan("import", "customers", path)

    assert result.code == 0, result.stderr
    assert _names() == EXPECTED_NAMES


def test_gbk_csv_with_chinese_headers_and_values(db, huikuan, write_file):
    path = write_file(
        "kehu-gbk.csv",
        "客户编码,客户名称,信用等级,账期,业务员\nCD003,成都锦江贸易有限公司,C,30,刘洋\n",
        encoding="gbk",
    )
    assert huikuan("import", "customers", path).code == 0

    jinjiang = Customer.objects.get(code="CD003")
    assert (jinjiang.name, jinjiang.credit_class, jinjiang.term_days, jinjiang.salesperson) == (
        "成都锦江贸易有限公司",
        "C",
        30,
        "刘洋",
    )


def test_xlsx_with_numeric_codes_amounts_and_real_date_cells(db, huikuan, tmp_path):
    customers = Workbook()
    sheet = customers.active
    sheet.append(["customer_code", "name", "credit_limit", "term_days", "salesperson"])
    # The ERP's customer codes are numbers, and Excel stores them as numbers.
    sheet.append([100234, "苏州工业园区晶华电子有限公司", 300000, 45, "周杰"])
    sheet.append([100235, "无锡太湖纺织有限公司", 125000.5, 30, "周杰"])
    customers.save(tmp_path / "kehu.xlsx")

    invoices = Workbook()
    sheet = invoices.active
    sheet.append(["invoice_number", "customer_code", "invoice_date", "due_date", "amount"])
    sheet.append(["YS-2024-0601", 100234, date(2024, 6, 3), date(2024, 7, 31), 12345.67])
    sheet.append(["YS-2024-0602", 100235, datetime(2024, 6, 4), None, 88000])
    sheet.append([20240603, 100234, date(2024, 6, 5), None, 0.1])
    invoices.save(tmp_path / "yingshou.xlsx")

    assert huikuan("import", "customers", str(tmp_path / "kehu.xlsx")).code == 0
    result = huikuan("import", "invoices", str(tmp_path / "yingshou.xlsx"), "--json")

    assert result.code == 0, result.stdout
    assert result.json()["created"] == 3
    jinghua = Customer.objects.get(code="100234")
    assert (jinghua.name, jinghua.credit_limit, jinghua.term_days) == (
        "苏州工业园区晶华电子有限公司",
        Decimal("300000"),
        45,
    )
    assert Customer.objects.get(code="100235").credit_limit == Decimal("125000.50")
    first = Invoice.objects.get(number="YS-2024-0601")
    assert (first.customer.code, first.invoice_date, first.due_date) == (
        "100234",
        date(2024, 6, 3),
        date(2024, 7, 31),
    )
    assert first.amount == Decimal("12345.67")
    second = Invoice.objects.get(number="YS-2024-0602")
    assert (second.invoice_date, second.amount) == (date(2024, 6, 4), Decimal("88000"))
    # No due date: 4 June + 5 days' term-start delay + the customer's 30 days.
    assert second.due_date == date(2024, 7, 9)
    assert Invoice.objects.get(number="20240603").amount == Decimal("0.10")


def test_xlsx_reports_bad_cells_with_their_spreadsheet_line(customers, huikuan, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["invoice_number", "customer_code", "invoice_date", "amount"])
    sheet.append(["YS-2024-0701", "HZ001", date(2024, 7, 1), 1000])
    sheet.append(["YS-2024-0702", "HZ001", "2024/07/02", -5])
    workbook.save(tmp_path / "yingshou.xlsx")

    result = huikuan("import", "invoices", str(tmp_path / "yingshou.xlsx"), "--json")

    assert result.code == 1
    assert [(e["line"], e["column"], e["value"]) for e in result.json()["errors"]] == [
        (3, "invoice_date", "2024/07/02"),
        (3, "amount", "-5"),
    ]
    assert not Invoice.objects.exists()


def test_erp_export_with_its_own_chinese_headers_imports_through_a_mapping_file(
    customers, huikuan, write_file, tmp_path
):
    # A 金蝶-style receivables export: none of these headers is a built-in alias.
    export = write_file(
        "应收单列表.csv",
        """\
        单据号,往来单位编码,业务日期,收款到期日,本币价税合计,制单人,销售员
        AR-000731,HZ001,2024-05-06,2024-07-10,45200.00,财务-孙丽,张伟
        AR-000732,CD003,2024-05-07,,11300.00,财务-孙丽,刘洋
        """,
    )
    mapping = tmp_path / "kingdee.json"
    mapping.write_text(
        json.dumps(
            {
                "invoice_number": "单据号",
                "customer_code": "往来单位编码",
                "invoice_date": "业务日期",
                "due_date": "收款到期日",
                "amount": "本币价税合计",
                "salesperson": "销售员",
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )

    result = huikuan("import", "invoices", export, "--mapping", str(mapping), "--json")

    assert result.code == 0, result.stdout
    assert result.json()["created"] == 2
    mapped = Invoice.objects.get(number="AR-000731")
    assert (mapped.customer.code, mapped.invoice_date, mapped.due_date, mapped.amount) == (
        "HZ001",
        date(2024, 5, 6),
        date(2024, 7, 10),
        Decimal("45200.00"),
    )
    assert mapped.salesperson == "张伟"
    # Class C customer without a due date in the export: 7 May + 5 + 30 days.
    assert Invoice.objects.get(number="AR-000732").due_date == date(2024, 6, 11)


def test_mapping_error_is_reported_in_the_mapped_header(customers, huikuan, write_file, tmp_path):
    export = write_file(
        "应收单列表.csv", "单据号,往来单位编码,业务日期,本币价税合计\nAR-1,HZ001,2024-05-06,4520O.00\n"
    )
    mapping = tmp_path / "kingdee.json"
    mapping.write_text(
        '{"invoice_number": "单据号", "customer_code": "往来单位编码", '
        '"invoice_date": "业务日期", "amount": "本币价税合计"}',
        encoding="utf-8",
    )

    result = huikuan("import", "invoices", export, "--mapping", str(mapping), "--json")

    assert result.code == 1
    assert result.json()["errors"] == [
        {
            "line": 2,
            "column": "本币价税合计",
            "value": "4520O.00",
            "reason": "not a number (use . as the decimal point)",
        }
    ]


def test_mapping_that_names_an_unknown_column_is_refused_on_line_1(customers, huikuan, write_file, tmp_path):
    export = write_file("应收单列表.csv", "单据号,客户编码,单据日期,金额\nAR-1,HZ001,2024-05-06,100\n")
    mapping = tmp_path / "wrong.json"
    mapping.write_text('{"invoice_no": "单据号"}', encoding="utf-8")

    result = huikuan("import", "invoices", export, "--mapping", str(mapping), "--json")

    assert result.code == 1
    errors = result.json()["errors"]
    assert [(e["line"], e["column"], e["value"]) for e in errors] == [
        (1, "invoice_no", "单据号"),
        (1, "invoice_number", ""),
    ]
    assert "does not have" in errors[0]["reason"]
    assert errors[1]["reason"].startswith("required column is missing")
    assert not Invoice.objects.exists()


def test_builtin_chinese_header_aliases_need_no_mapping(db, huikuan, write_file):
    kehu = write_file(
        "客户档案.csv",
        """\
        客户编码,客户名称,信用等级,信用额度,账期,业务员,部门,币种
        HZ001,杭州湖畔机电有限公司,A,500000,60,张伟,华东销售部,CNY
        """,
    )
    yingshou = write_file(
        "应收单.csv",
        """\
        单据编号,客户编码,单据日期,到期日,价税合计,合同号,税票号,备注
        YS-2024-0301,HZ001,2024-03-01,,100000.00,HT-2024-017,04412345;04412346,一季度备件
        """,
    )
    shoukuan = write_file(
        "收款单.csv",
        """\
        收款单号,客户编码,收款日期,收款金额,结算方式,付款单位,应收单号
        SK-0415,HZ001,2024-04-15,40000,银行承兑汇票,杭州湖畔机电有限公司,YS-2024-0301
        """,
    )

    assert huikuan("import", "customers", kehu).code == 0
    assert huikuan("import", "invoices", yingshou).code == 0
    assert huikuan("import", "payments", shoukuan).code == 0

    hupan = Customer.objects.get(code="HZ001")
    assert (hupan.name, hupan.credit_class, hupan.credit_limit, hupan.term_days) == (
        "杭州湖畔机电有限公司",
        "A",
        Decimal("500000"),
        60,
    )
    invoice = Invoice.objects.get(number="YS-2024-0301")
    assert (invoice.contract_number, invoice.vat_invoice_number, invoice.description) == (
        "HT-2024-017",
        "04412345;04412346",
        "一季度备件",
    )
    assert invoice.due_date == date(2024, 5, 5)
    assert invoice.open_amount == Decimal("60000.00")
    payment = Payment.objects.get(reference="SK-0415")
    assert (payment.method, payment.payer_name) == ("bank_acceptance_bill", "杭州湖畔机电有限公司")


@pytest.mark.parametrize("header", ["发票号码", "数电票号码"])
def test_the_tax_systems_own_header_for_the_vat_invoice_number_is_read(db, huikuan, write_file, header):
    """Kingdee and Yonyou exports head the VAT invoice number 发票号码 (数电票号码 for a digital one);
    dropped, a memo quoting it would name nothing."""
    kehu = write_file("客户档案.csv", "客户编码,客户名称\nHZ001,杭州湖畔机电有限公司\n")
    yingshou = write_file(
        "应收单.csv",
        f"单据编号,客户编码,单据日期,价税合计,{header}\nXSFP000101,HZ001,2025-11-03,56800.00,04412388\n",
    )
    assert huikuan("import", "customers", kehu).code == 0
    assert huikuan("import", "invoices", yingshou).code == 0
    assert Invoice.objects.get(number="XSFP000101").vat_invoice_number == "04412388"


def test_extra_columns_are_ignored(db, huikuan, write_file):
    path = write_file("kehu.csv", "customer_code,name,备注,legacy_id\nHZ001,杭州湖畔机电有限公司,老客户,77\n")

    assert huikuan("import", "customers", path).code == 0
    assert Customer.objects.get(code="HZ001").name == "杭州湖畔机电有限公司"


def _xlsx_with_stored_values(path, header: list[str], rows: list[list], stored: dict[str, str]) -> None:
    """An XLSX whose cells hold exactly ``stored`` text in the XML, as Excel writes it."""
    workbook = Workbook()
    for row in [header, *rows]:
        workbook.active.append(row)
    workbook.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    for placeholder, value in stored.items():
        sheet = sheet.replace(f"<v>{placeholder}</v>", f"<v>{value}</v>")
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)


def test_xlsx_amount_computed_by_a_formula_imports_as_excel_shows_it(customers, huikuan, tmp_path):
    # 价税合计 = 10 000 × 1.13: Excel shows 11 300.00 but stores the double 11299.999999999998.
    path = tmp_path / "yingshou.xlsx"
    _xlsx_with_stored_values(
        path,
        ["invoice_number", "customer_code", "invoice_date", "amount"],
        [
            ["YS-2024-0801", "HZ001", date(2024, 8, 1), 777777],
            ["YS-2024-0802", "HZ001", date(2024, 8, 2), 888888],
        ],
        {"777777": "11299.999999999998", "888888": "0.30000000000000004"},
    )

    result = huikuan("import", "invoices", str(path), "--json")

    assert result.code == 0, result.stdout
    assert Invoice.objects.get(number="YS-2024-0801").amount == Decimal("11300.00")
    assert Invoice.objects.get(number="YS-2024-0802").amount == Decimal("0.30")


def test_amounts_exported_with_trailing_zeros_are_exact_to_the_cent(customers, huikuan, write_file):
    path = write_file(
        "yingshou.csv",
        """\
        invoice_number,customer_code,invoice_date,amount,exchange_rate,currency
        YS-2024-0901,HZ001,2024-09-01,45200.0000,,
        YS-2024-0902,SG005,2024-09-02,1000.500,7.12345600,USD
        """,
    )

    result = huikuan("import", "invoices", path, "--json")

    assert result.code == 0, result.stdout
    assert Invoice.objects.get(number="YS-2024-0901").amount == Decimal("45200.00")
    dollars = Invoice.objects.get(number="YS-2024-0902")
    assert (dollars.amount, dollars.fx_rate) == (Decimal("1000.50"), Decimal("7.123456"))
    again = huikuan("import", "invoices", path, "--json").json()
    assert again["unchanged"] == 2


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_mapping_file_saved_by_windows_notepad_is_read(customers, huikuan, write_file, tmp_path, encoding):
    # Notepad saves UTF-8 with a BOM, or on a Chinese Windows "ANSI", that is GBK.
    export = write_file(
        "应收单列表.csv", "单据号,往来单位编码,业务日期,本币价税合计\nAR-1,HZ001,2024-05-06,4520.00\n"
    )
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        '{"invoice_number": "单据号", "customer_code": "往来单位编码", '
        '"invoice_date": "业务日期", "amount": "本币价税合计"}',
        encoding=encoding,
    )

    result = huikuan("import", "invoices", export, "--mapping", str(mapping), "--json")

    assert result.code == 0, result.stdout
    assert Invoice.objects.get(number="AR-1").amount == Decimal("4520.00")


def test_utf16_tab_separated_unicode_text_export_from_excel(db, huikuan, tmp_path):
    # Excel's "Unicode 文本" export: UTF-16 with BOM, tab-separated.
    path = tmp_path / "kehu.txt"
    path.write_text("客户编码\t客户名称\t业务员\nHZ001\t杭州湖畔机电有限公司\t张伟\n", encoding="utf-16")

    assert huikuan("import", "customers", str(path)).code == 0
    assert Customer.objects.get(code="HZ001").name == "杭州湖畔机电有限公司"


def test_disputed_flag_and_gross_margin_are_read_in_chinese_and_english(customers, huikuan, write_file):
    path = write_file(
        "yingshou.csv",
        """\
        invoice_number,customer_code,invoice_date,amount,disputed,gross_margin
        YS-1,HZ001,2024-03-01,1000,是,0.18
        YS-2,HZ001,2024-03-01,1000,no,
        YS-3,HZ001,2024-03-01,1000,TRUE,-0.05
        """,
    )
    assert huikuan("import", "invoices", path).code == 0

    flags = dict(Invoice.objects.values_list("number", "disputed"))
    assert flags == {"YS-1": True, "YS-2": False, "YS-3": True}
    assert Invoice.objects.get(number="YS-1").gross_margin == Decimal("0.18")
    assert Invoice.objects.get(number="YS-3").gross_margin == Decimal("-0.05")
