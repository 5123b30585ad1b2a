"""Issue 9 item 8: the import page tells what each file holds (columns, required or not,
formats, Chinese headers, an example), offers a CSV and an XLSX template per kind, and lets
the roles that may add payments import them."""

from __future__ import annotations

import csv
import io
import re
import zipfile

from openpyxl import load_workbook

from huikuan.ledger.imports import KINDS
from huikuan.ledger.models import Payment
from tests.web.test_pages import cells, upload


def test_the_chinese_import_page_lists_each_kind_with_its_columns_and_templates(web_as):
    html = web_as("credit_manager", "zh-hans").get("/import/").content.decode()

    assert "导入文件及其列" in html and "docs/imports.md" in html
    for kind in KINDS:
        assert f'id="help-{kind}"' in html, kind
        assert f'href="/import/templates/{kind}.csv"' in html
        assert f'href="/import/templates/{kind}.xlsx"' in html
    section = re.search(r'id="help-invoices".*?</details>', html, re.S).group(0)
    rows = cells(section.replace('<table class="list import-columns">', '<table id="x">'), "x")
    assert rows[0] == ["列", "必填", "格式", "中文表头", "示例"]
    amount = next(row for row in rows if row[0] == "amount")
    assert amount[1] == "是" and amount[2].startswith("数字，最多 2 位小数") and "价税合计" in amount[3]
    due = next(row for row in rows if row[0] == "due_date")
    assert due[1] == "" and due[2] == "日期 YYYY-MM-DD"


def test_the_english_page_speaks_english(web_as):
    html = web_as("credit_manager", "en").get("/import/").content.decode()
    assert "The files and their columns" in html and "text, at most 64 characters" in html


def test_each_template_downloads_as_csv_and_xlsx_with_the_canonical_header(web_as):
    browser = web_as("credit_manager", "zh-hans")
    for kind, (columns, _plan) in KINDS.items():
        names = [column.name for column in columns]
        response = browser.get(f"/import/templates/{kind}.csv")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        assert f"huikuan-{kind}-template.csv" in response["Content-Disposition"]
        header, example = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert header == names and any(example)
        workbook = browser.get(f"/import/templates/{kind}.xlsx").content
        sheet = load_workbook(io.BytesIO(workbook)).active
        assert [cell.value for cell in next(sheet.iter_rows())] == names
        assert sheet.freeze_panes == "A2"
        with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
            assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    assert browser.get("/import/templates/nothing.csv").status_code == 404
    assert browser.get("/import/templates/invoices.pdf").status_code == 404


def test_templates_are_for_those_who_may_import_them(web_as):
    assert web_as("auditor").get("/import/templates/invoices.csv").status_code == 403
    assert web_as("collector_wang").get("/import/templates/payments.xlsx").status_code == 403


def test_the_credit_manager_imports_payments_from_the_page(web_as):
    browser = web_as("credit_manager", "zh-hans")
    html = browser.get("/import/").content.decode()
    assert '<option value="payments">' in html and 'id="help-payments"' in html

    receipts = "payment_ref,customer_code,payment_date,amount\nSK-WEB-1,HZ001,2024-07-02,1000.00\n"
    response = browser.post("/import/", {"kind": "payments", "file": upload(receipts, "receipts.csv")})

    assert response.status_code == 200, response.content.decode()[:2000]
    assert Payment.objects.filter(reference="SK-WEB-1").exists()
