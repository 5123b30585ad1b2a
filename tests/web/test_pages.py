"""The web pages, read by the distributor's people (tests/api/conftest.py) in both languages."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from huikuan.ledger.balances import STILL_OPEN
from huikuan.ledger.models import Invoice
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/customers/",
    "/customers/HZ001/",
    "/invoices/",
    "/invoices/YS-0301/",
    "/payments/",
    "/aging/?as_of=2024-06-30&by=customer&basis=due",
    "/import/",
]


def cells(html: str, table_id: str) -> list[list[str]]:
    """The text of each row's cells of one table, tags stripped."""
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        for row in rows
    ]


def test_the_login_page_refuses_a_post_without_its_csrf_token(personas):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post("/login/", {"username": "auditor", "password": PASSWORD}).status_code == 403
    page = browser.get("/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    logged_in = browser.post(
        "/login/", {"username": "auditor", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert logged_in.status_code == 302
    assert browser.get("/").status_code == 200


def test_a_visitor_who_has_not_logged_in_is_sent_to_the_login_page(ledger):
    response = Client().get("/customers/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/customers/")


def test_a_user_without_a_role_may_not_open_the_pages(web_as):
    assert web_as("outsider").get("/").status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_every_page_renders_for_the_credit_manager_in_chinese_and_in_english(web_as, url):
    chinese = web_as("credit_manager", "zh-hans").get(url)
    english = web_as("credit_manager", "en").get(url)
    assert chinese.status_code == english.status_code == 200
    assert "总览" in chinese.content.decode() and "退出" in chinese.content.decode()
    assert "Dashboard" in english.content.decode() and "Log out" in english.content.decode()


def test_the_dashboard_shows_totals_in_the_chosen_language(web_as):
    chinese = web_as("credit_manager", "zh-hans").get("/").content.decode()
    english = web_as("credit_manager", "en").get("/").content.decode()
    assert "应收账款总额" in chinese and "逾期金额前 10 名客户" in chinese
    assert "Total receivables" in english and "Top 10 overdue customers" in english
    assert "<svg" in english


def test_the_language_switch_stores_the_choice_for_the_next_pages(web_as):
    browser = web_as("credit_manager", "zh-hans")
    switched = browser.post("/i18n/setlang/", {"language": "en", "next": "/customers/"})
    assert switched.status_code == 302 and switched["Location"] == "/customers/"
    assert "Search code or name" in browser.get("/customers/").content.decode()


@pytest.mark.parametrize(
    ("url", "most"),
    # /invoices/: one more, the agencies the page's invoices are with.
    [("/customers/", 9), ("/customers/?sort=-overdue&q=有限", 9), ("/invoices/", 10), ("/payments/", 9)],
)
def test_list_pages_cost_a_fixed_number_of_queries(web_as, django_assert_max_num_queries, url, most):
    browser = web_as("credit_manager")
    with django_assert_max_num_queries(most):
        assert browser.get(url).status_code == 200


def test_the_customer_list_sorts_by_balances_computed_in_the_database_and_searches(web_as):
    html = web_as("credit_manager", "en").get("/customers/?sort=-open_balance").content.decode()
    rows = cells(html, "customers")[1:]
    assert [row[0] for row in rows] == ["HZ001", "SZ002", "SG005", "CD003"]
    assert rows[0][4:] == ["110,000.00", "110,000.00"]  # 150000 − 40000 allocated, all past due
    assert rows[2][4] == "71,000.00"  # USD 10000 at 7.1
    searched = web_as("credit_manager", "en").get("/customers/?q=锦江").content.decode()
    assert "CD003" in searched and "HZ001" not in searched


def test_a_collector_opening_another_collectors_customer_or_invoice_by_url_gets_404(web_as):
    wang = web_as("collector_wang")
    assert wang.get("/customers/HZ001/").status_code == 200
    assert wang.get("/customers/CD003/").status_code == 404
    assert wang.get("/invoices/YS-0304/").status_code == 404
    listed = wang.get("/invoices/").content.decode()
    assert "YS-0301" in listed and "YS-0304" not in listed
    assert "CD003" not in wang.get("/customers/").content.decode()
    assert "CD003" not in wang.get("/aging/?as_of=2024-06-30&by=customer&basis=due").content.decode()


def test_the_customer_page_shows_the_ledger_with_its_running_balance_and_the_history(
    web_as, huikuan, tmp_path
):
    changed = tmp_path / "customers.csv"
    changed.write_text(
        "customer_code,name,credit_limit\nHZ001,杭州湖畔机电有限公司,650000.00\n", encoding="utf-8"
    )
    assert huikuan("import", "customers", str(changed)).code == 0
    html = web_as("credit_manager", "en").get("/customers/HZ001/").content.decode()
    ledger = cells(html, "ledger")
    assert [row[2] for row in ledger[1:]] == ["YS-0301", "YS-0302", "CN-002", "HK-001"]
    assert ledger[-1][-1] == "89,500.00"  # 150000 − 500 credit note − 60000 paid
    history = cells(html, "history")
    assert history[1][3] == "changed" and "credit limit: 500000.00 → 650000.00" in history[1][4]
    # In Chinese, the field as the credit team calls it, not its name in the code.
    html = web_as("credit_manager", "zh-hans").get("/customers/HZ001/").content.decode()
    assert "信用额度: 500000.00 → 650000.00" in cells(html, "history")[1][4]


def test_each_aging_drill_down_link_lists_exactly_the_invoices_of_its_cell(web_as):
    browser = web_as("credit_manager", "en")
    html = browser.get("/aging/?as_of=2024-06-30&by=customer&basis=due").content.decode()
    links = re.findall(r'<a href="([^"]+)" class="drill">([^<]+)</a>', html)
    assert links, "the aging page has drill-down links"
    for href, amount in links:
        listed = browser.get(href.replace("&amp;", "&")).content.decode()
        balances = re.findall(r'<td class="num functional">([^<]+)</td>', listed)
        assert sum(Decimal(b.replace(",", "")) for b in balances) == Decimal(amount.replace(",", "")), href


def test_the_drill_down_uses_balances_as_they_stood_on_the_day(web_as):
    # YS-0301 (100000) was paid 40000 on 2024-04-20: on 2024-04-19 it owed everything.
    browser = web_as("credit_manager", "en")
    before = browser.get(
        "/invoices/?customer=HZ001&as_of=2024-04-19&basis=due&bucket=current"
    ).content.decode()
    after = browser.get("/invoices/?customer=HZ001&as_of=2024-06-30&basis=due&bucket=31-60").content.decode()
    assert '100,000.00</td><td class="num functional">100,000.00' in before
    assert '60,000.00</td><td class="num functional">60,000.00' in after


def test_the_aging_export_holds_exactly_what_the_page_shows(web_as):
    browser = web_as("credit_manager", "en")
    query = "/aging/?as_of=2024-06-30&by=customer&basis=due"
    html = browser.get(query).content.decode()
    shown = cells(html, "aging")
    exported = list(csv.reader(io.StringIO(browser.get(query + "&export=csv").content.decode("utf-8-sig"))))
    # The page's table, then the cash not matched to a customer shown below it.
    unidentified = re.search(r"Unidentified cash \(not matched to a customer\): ([\d,.]+)", html).group(1)
    label = "Unidentified cash (not matched to a customer)"
    assert exported[-1][:3] == [label, "", unidentified.replace(",", "")]
    exported = exported[:-1]
    assert exported[0] == shown[0]
    shown_numbers = [[cell.replace(",", "") for cell in row[2:]] for row in shown[1:]]
    assert shown_numbers == [row[2:] for row in exported[1:]]
    assert [row[0] for row in shown[1:]] == [row[0] for row in exported[1:]]
    workbook = browser.get(query + "&export=xlsx")
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert [c.value for c in next(sheet.iter_rows())] == exported[0]
    assert sheet.max_row == len(exported) + 1


BAD_INVOICES = """\
invoice_number,customer_code,invoice_date,due_date,amount,currency
YS-9001,HZ001,2024-07-01,2024-08-01,1000.00,CNY
YS-9002,HZ001,2024-13-01,2024-08-01,1000.00,CNY
YS-9003,NOPE,2024-07-01,2024-08-01,12,34.5,CNY
YS-9004,HZ001,2024-07-01,2024-08-01,-5,CNY
"""


def upload(text: str, name: str) -> io.BytesIO:
    handle = io.BytesIO(text.encode("utf-8"))
    handle.name = name
    return handle


def test_the_import_page_lists_every_bad_row_and_imports_nothing(web_as):
    before = Invoice.objects.count()
    response = web_as("credit_manager", "en").post(
        "/import/", {"kind": "invoices", "file": upload(BAD_INVOICES, "bad.csv")}
    )
    assert response.status_code == 422
    errors = cells(response.content.decode(), "import-errors")[1:]
    assert {int(row[0]) for row in errors} == {3, 4, 5}
    assert Invoice.objects.count() == before


def test_the_import_page_imports_a_good_file_and_shows_the_counts(web_as):
    good = BAD_INVOICES.splitlines()[0] + "\nYS-9001,HZ001,2024-07-01,2024-08-01,1000.00,CNY\n"
    response = web_as("credit_manager", "zh-hans").post(
        "/import/", {"kind": "invoices", "file": upload(good, "good.csv")}
    )
    assert response.status_code == 200
    assert "新建 1" in response.content.decode()
    assert Invoice.objects.filter(number="YS-9001").exists()


def test_only_unscoped_roles_with_add_permission_may_import(web_as):
    assert web_as("auditor").get("/import/").status_code == 403
    assert web_as("collector_wang").get("/import/").status_code == 403
    assert web_as("credit_manager").get("/import/").status_code == 200


def test_every_page_carries_a_progress_bar_for_slow_requests_and_the_import_shows_it(web_as):
    chinese = web_as("credit_manager", "zh-hans").get("/import/").content.decode()
    assert 'hx-indicator="#busy"' in chinese
    assert 'role="progressbar" aria-label="处理中…"' in chinese
    # The upload is an ordinary form post: it lights the bar itself (web/huikuan.js).
    assert 'data-busy="busy"' in chinese  # web/huikuan.js: no inline script under the CSP


def test_more_overdue_days_than_the_calendar_holds_lists_nothing_instead_of_failing(web_as):
    response = web_as("credit_manager", "en").get("/invoices/", {"overdue_days": "99999999"})
    assert response.status_code == 200
    assert "YS-0301" not in response.content.decode()


def test_overdue_days_means_more_than_n_days_on_the_web_and_in_the_api_alike(web_as):
    invoice = Invoice.objects.filter(open_span=STILL_OPEN).order_by("due_date").first()
    days = (timezone.localdate() - invoice.due_date).days
    client = web_as("credit_manager", "en")
    for n, listed in ((days, False), (days - 1, True)):
        page = client.get("/invoices/", {"overdue_days": n, "customer": invoice.customer.code})
        assert (invoice.number in page.content.decode()) is listed, n
        api = client.get("/api/invoices/", {"overdue_days": n, "customer": invoice.customer.code})
        assert (invoice.number in [row["number"] for row in api.json()["results"]]) is listed, n


def test_the_invoice_page_says_how_the_invoice_reached_the_customer(web_as):
    Invoice.objects.filter(number="YS-0301").update(billing="electronic")
    page = web_as("credit_manager").get("/invoices/YS-0301/").content.decode()
    assert "<dt>送达方式</dt>" in page and 'id="invoice-billing">电子<' in page
    english = web_as("credit_manager", "en").get("/invoices/YS-0301/").content.decode()
    assert 'id="invoice-billing">electronic<' in english
    assert 'id="invoice-billing">—<' in web_as("credit_manager").get("/invoices/YS-0302/").content.decode()
