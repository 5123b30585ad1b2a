"""Issue 9 item 9: the aging exported from the Chinese page reads as the page does: Chinese
headers, amounts as numbers with thousands separators, widths, a frozen header row, and the
same lines (groups, total, share and the cash not matched to a customer)."""

from __future__ import annotations

import csv
import io
import re
import unicodedata

from openpyxl import load_workbook

from tests.web.test_pages import cells


def test_the_excel_aging_from_the_chinese_page_reads_as_the_page(web_as):
    browser = web_as("credit_manager", "zh-hans")
    query = "/aging/?as_of=2024-06-30&by=customer&basis=due"
    html = browser.get(query).content.decode()
    shown = cells(html, "aging")

    response = browser.get(query + "&export=xlsx")

    assert 'filename="aging-2024-06-30-customer-due.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows())
    header = [c.value for c in rows[0]]
    assert header == shown[0] and header[:3] == ["编码", "名称", "余额"]
    assert all(c.font.b for c in rows[0])
    assert sheet.freeze_panes == "A2"
    # Every amount is a number shown with thousands separators, as on the page.
    for row, shown_row in zip(rows[1:-3], shown[1:-2], strict=True):
        assert [c.value for c in row[:2]] == shown_row[:2]
        for cell, text in zip(row[2:], shown_row[2:], strict=True):
            assert isinstance(cell.value, int | float) and cell.number_format == "#,##0.00"
            assert f"{cell.value:,.2f}" == text
    total, share, unidentified = rows[-3:]
    assert total[0].value == "合计" and f"{total[2].value:,.2f}" == shown[-2][2]
    assert share[0].value == "占比 %" and share[3].number_format == "0.00"
    page_unidentified = re.search(r"未认领款项（未匹配客户）: ([\d,.]+)", html).group(1)
    assert unidentified[0].value == "未认领款项（未匹配客户）"
    assert f"{unidentified[2].value:,.2f}" == page_unidentified
    # Columns are wide enough for what they hold (Chinese characters count double).
    widths = {letter: dimension.width for letter, dimension in sheet.column_dimensions.items()}

    def shown_width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    assert widths["B"] >= max(shown_width(str(row[1].value or "")) for row in rows[:-3])
    assert all(widths[letter] >= 8 for letter in "ABCDEFGHIJK")


def test_the_csv_aging_from_the_chinese_page_has_chinese_headers(web_as):
    browser = web_as("credit_manager", "zh-hans")
    content = browser.get("/aging/?as_of=2024-06-30&by=department&basis=due&export=csv").content
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    # A department is its own name: one column, named after the grouping.
    assert rows[0][:2] == ["部门", "余额"] and rows[0][-2:] == ["未核销款", "预收款"]
    assert all(row[0].endswith("部") and row[1][0].isdigit() for row in rows[1:-3])
    assert [row[0] for row in rows[-3:]] == ["合计", "占比 %", "未认领款项（未匹配客户）"]


def test_the_collections_reports_export_in_chinese(web_as):
    browser = web_as("credit_manager", "zh-hans")
    response = browser.get("/collections/reports/", {"end": "2024-06-30", "format": "xlsx"})
    sheets = load_workbook(io.BytesIO(response.content)).worksheets
    assert [c.value for c in next(sheets[0].iter_rows())][:2] == ["催收专员", "已完成行动"]
    assert len(sheets) == 3


def test_the_aging_page_by_department_names_each_department_once(web_as):
    browser = web_as("credit_manager", "zh-hans")
    shown = cells(browser.get("/aging/?as_of=2024-06-30&by=department&basis=due").content.decode(), "aging")
    assert shown[0][:2] == ["部门", "余额"]
    assert all(not row[1][0].isalpha() for row in shown[1:]), "the second column is the balance"
