"""Issue 9's "done means": the Quickstart's demo walked in Chinese, in Chromium.

The demo company is loaded as ``huikuan demo`` loads it (the same generator, the default
size, as of today) into the live server's database; then, each in their own browser:

1. the credit manager goes from the dashboard to a customer and on to its overdue invoices;
2. regroups the aging by department and downloads it as Excel, which opens with Chinese headers;
3. the second credit manager releases a blocked order that the first one sent for release;
4. the busiest collector logs a call on the worklist, one row per customer;
5. the credit manager imports a bad file and reads every error in Chinese.

Every page on the way shows no English word other than codes, names and units. Screenshots
go to test-artifacts/, or with ``HUIKUAN_SCREENSHOTS=docs/screenshots`` to the README's
folder (``walk-01-dashboard-zh.png`` …).
"""

from __future__ import annotations

import getpass
import os
import re
from datetime import timedelta
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.utils import timezone
from openpyxl import load_workbook

from huikuan.accounts.services import roles_install
from huikuan.approvals.models import ApprovalRequest, Status
from huikuan.approvals.services import approval_chains_install
from huikuan.collections.models import Activity
from huikuan.collections.services import policies_install
from huikuan.credit.models import CheckStatus, Order
from huikuan.demo import demo_company_load
from huikuan.demo.users import demo_users_wanted
from huikuan.ledger.models import Invoice
from tests.browser import ARTIFACTS, CHROMIUM, pytestmark, signed_in_tabs  # noqa: F401 - pytestmark marks this module
from tests.test_chinese_pages import ALLOWED, WORD, data_words, english_words, import_vocabulary

ROOT = Path(__file__).resolve().parents[2]
# One screen of the walk: the README shows these, so a long page is cut to its first 1,600 px.
VIEWPORT = {"width": 1280, "height": 900}
CLIP = {"x": 0, "y": 0, "width": 1280, "height": 1600}
BAD_INVOICES = """\
invoice_number,customer_code,invoice_date,due_date,amount,currency
YS-DEMO-1,C00001,2026-02-30,2026-03-30,5000.00,CNY
YS-DEMO-2,NOPE,2026-02-01,2026-03-01,"12,34.5",CNY
YS-DEMO-3,C00001,2026-02-01,2026-03-01,800.00,US
"""


def screenshots() -> Path:
    folder = Path(os.environ.get("HUIKUAN_SCREENSHOTS") or ARTIFACTS)
    folder = folder if folder.is_absolute() else ROOT / folder
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def snap(page, name: str) -> None:
    height = page.evaluate("document.documentElement.scrollHeight")
    clip = dict(CLIP, height=min(CLIP["height"], height))
    page.screenshot(path=str(screenshots() / f"{name}.png"), full_page=True, clip=clip)


@pytest.fixture(scope="module")
def chromium_zh():
    """Chromium as a Chinese user has it: its own language Chinese too, so that a date field
    reads 2026/12/01 rather than 12/01/2026."""
    sync_api = pytest.importorskip("playwright.sync_api")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--lang=zh-CN"],
            env={**os.environ, "LANG": "zh_CN.UTF-8", "LANGUAGE": "zh_CN"},
        )
        yield browser
        browser.close()


@pytest.fixture
def demo(live_server):
    """The demo company as of today, as the Quickstart loads it, and the demo users' passwords."""
    # A live server's database is flushed between tests: put back what the migrations seed.
    roles_install()
    approval_chains_install()
    policies_install()
    import_module("huikuan.correspondence.migrations.0002_default_templates").seed(django_apps, None)
    summary, users = demo_company_load(as_of=timezone.localdate())
    return summary, {user["username"]: user["password"] for user in users}


@pytest.fixture
def browser_as(chromium_zh, live_server, demo):
    """A browser in Chinese, signed in through the login form: ``browser_as("demo.manager")``."""
    with signed_in_tabs(chromium_zh, live_server.url, demo[1], VIEWPORT, accept_downloads=True) as sign_in:
        yield sign_in


class ChinesePages:
    """Collects, page by page, the English words a Chinese page should not show."""

    def __init__(self) -> None:
        # The operating-system user who ran the demo's load is named in the audit trails.
        self.allowed = ALLOWED | data_words() | import_vocabulary() | {getpass.getuser()}
        self.found: dict[str, list[str]] = {}

    def check(self, page, where: str, *names: str) -> None:
        """``names``: what the user typed or uploaded (a file's name), shown back as it is."""
        words = english_words(page.content(), self.allowed | set(WORD.findall(" ".join(names))))
        if words:
            self.found[where] = sorted(words)


def test_the_quickstarts_demo_walked_in_chinese(browser_as, live_server, demo, tmp_path):
    url = live_server.url
    today = timezone.localdate()
    pages = ChinesePages()

    # 1. Dashboard → the most overdue customer → its overdue invoices.
    manager = browser_as("demo.manager")
    assert manager.locator("h1").first.inner_text().startswith("总览")
    assert manager.locator("#overdue-ar").inner_text() not in ("", "0.00")
    pages.check(manager, "dashboard")
    snap(manager, "walk-01-dashboard-zh")
    top = manager.locator("table a[href^='/customers/']").first
    code = top.get_attribute("href").strip("/").split("/")[-1]
    top.click()
    manager.wait_for_url(f"{url}/customers/{code}/")
    pages.check(manager, "customer")
    snap(manager, "walk-02-customer-zh")
    manager.click("#overdue-link")
    manager.wait_for_url(re.compile(r".*/invoices/\?.*overdue_days=0.*"))
    rows = manager.locator("#invoices tbody tr")
    assert rows.count() >= 1
    overdue = set(
        Invoice.objects.filter(customer__code=code, closed_on__isnull=True, due_date__lt=today).values_list(
            "number", flat=True
        )
    )
    shown = rows.locator("td:first-child").all_inner_texts()
    assert set(shown) <= overdue and len(shown) == min(len(overdue), 50), (
        "its overdue invoices, and only those"
    )
    assert rows.locator("td.overdue").count() == rows.count(), "every invoice listed is overdue"
    pages.check(manager, "overdue invoices")
    snap(manager, "walk-03-overdue-invoices-zh")

    # 2. The aging regrouped by department, then exported to Excel.
    manager.goto(f"{url}/aging/")
    assert manager.locator("#id_as_of").input_value() == today.isoformat()
    manager.select_option("#id_by", "department")
    with manager.expect_navigation():
        manager.click("form.filters button[type=submit]")
    assert "by=department" in manager.url
    departments = manager.locator("#aging tbody tr").all_inner_texts()
    assert any("销售部" in row for row in departments)
    pages.check(manager, "aging by department")
    snap(manager, "walk-04-aging-by-department-zh")
    with manager.expect_download() as download:
        manager.click("#export-xlsx")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".xlsx"
    sheet = load_workbook(saved).active
    headers = [cell.value for cell in sheet[1]]
    assert "部门" in " ".join(str(header) for header in headers), headers
    assert not [header for header in headers if header and re.search("[A-Za-z]{3,}", str(header))], headers
    assert [str(header) for header in headers[:2]] == ["部门", "余额"]
    assert any("销售部" in str(row[0].value) for row in sheet.iter_rows(min_row=2))

    # 3. An order blocked by the credit check: demo.manager sent it for release, and may not
    #    decide it; demo.manager2 releases it.
    request = (
        ApprovalRequest.objects.filter(
            kind="order_release", status=Status.PENDING, requested_by__username="demo.manager"
        )
        .order_by("number")
        .first()
    )
    assert request is not None, "the demo has a release waiting for the second credit manager"
    order_number = request.payload["order_number"]
    manager.goto(f"{url}/approvals/{request.number}/")
    assert manager.locator("#decide").count() == 0, "nobody decides their own request"
    second = browser_as("demo.manager2")
    second.goto(f"{url}/approvals/?show=inbox")
    pages.check(second, "approvals inbox")
    second.click(f"#approvals a[href='/approvals/{request.number}/']")
    second.wait_for_url(f"{url}/approvals/{request.number}/")
    assert second.locator("#reasons li").count() >= 1
    pages.check(second, "approval request")
    snap(second, "walk-05-order-release-zh")
    second.fill("#comment", "客户已承诺本周回款，同意放行")
    with second.expect_navigation():
        second.click("button.approve")
    assert second.locator("#status").inner_text() == "已批准"
    order = Order.objects.get(number=order_number)
    assert order.check_status == CheckStatus.RELEASED and order.shipment_approval_number
    second.goto(f"{url}/credit/orders/{order_number}/")
    assert order.shipment_approval_number in second.locator("main").inner_text()
    pages.check(second, "released order")  # its shipment approval number is data
    snap(second, "walk-06-order-released-zh")

    # 4. The busiest collector's worklist: one row per customer; a call logged.
    collector = next(username for username, role in demo_users_wanted() if role == "collector")
    desk = browser_as(collector)
    desk.goto(f"{url}/worklist/")
    tasks = desk.locator("#worklist tbody.task")
    customers = [tasks.nth(n).get_attribute("data-customer") for n in range(tasks.count())]
    assert len(customers) >= 2
    assert len(customers) == len(set(customers)), "each customer once"
    first = tasks.first
    first.locator("button.details").click()
    desk.locator(".task-details").first.wait_for()
    pages.check(desk, "worklist")
    snap(desk, "walk-07-worklist-zh")
    called = customers[0]
    first.locator("select[name=outcome]").select_option("promised")
    first.locator("input[name=promised_date]").fill((today + timedelta(days=7)).isoformat())
    first.locator("input[name=amount]").fill("20000")
    first.locator("input[name=note]").fill("财务经理承诺下周付款")
    first.locator("form.call button[type=submit]").click()
    desk.locator("#worklist tbody.done p.success").wait_for()
    assert Activity.objects.filter(customer__code=called, note="财务经理承诺下周付款").exists()
    pages.check(desk, "worklist after the call")
    desk.goto(f"{url}/collections/customers/{called}/")
    timeline = desk.locator("#timeline").inner_text()
    assert "财务经理承诺下周付款" in timeline and "20,000.00 CNY" in timeline
    pages.check(desk, "collections timeline")
    snap(desk, "walk-08-timeline-zh")

    # 5. A bad import: nothing imported, every error in Chinese.
    manager.goto(f"{url}/import/")
    bad = tmp_path / "invoices-from-erp.csv"
    bad.write_text(BAD_INVOICES, encoding="utf-8")
    manager.select_option("#id_kind", "invoices")
    manager.set_input_files("#id_file", str(bad))
    manager.click("main form button[type=submit]")
    manager.locator("#import-errors").wait_for()
    text = manager.locator("main").inner_text()
    assert "未导入任何数据" in text
    assert "不是 ISO 4217 币种代码" in text
    assert not Invoice.objects.filter(number__startswith="YS-DEMO").exists()
    pages.check(manager, "import errors", bad.name)
    snap(manager, "walk-09-import-errors-zh")

    assert not pages.found, f"English words on Chinese pages: {pages.found}"
