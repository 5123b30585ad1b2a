"""The collector's morning in a real browser: the worklist in order, a task opened, a call
with a promise to pay logged in one go, the task gone, the promise on the customer's timeline.
Screenshots land in test-artifacts/ (not committed; the README's are copied from there)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from django.utils import timezone

from huikuan.collections.run import dunning_run
from tests.browser import chromium, pytestmark  # noqa: F401 - fixtures and marks shared
from tests.web.test_browser import page_as  # noqa: F401 - the fixture

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_collector_logs_a_promise_from_the_worklist(page_as, live_server):  # noqa: F811
    dunning_run(date=date(2024, 6, 10))
    page = page_as("collector_wang")
    page.click("nav >> text=工作清单")
    page.goto(f"{live_server.url}/worklist/?date=2024-06-10")
    tasks = page.locator("tbody.task")
    assert tasks.count() == 2
    assert [tasks.nth(i).get_attribute("data-customer") for i in range(2)] == ["HZ001", "SZ002"]
    first = tasks.nth(0)
    first.locator("button.details").click()
    first.locator(".task-details").wait_for()
    assert "YS-0302" in first.locator(".task-details").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "worklist.png"), full_page=True)

    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    first.locator("select[name=outcome]").select_option("promised")
    first.locator("input[name=promised_date]").fill(due)
    first.locator("input[name=amount]").fill("50000.00")
    first.locator("button[type=submit]").click()
    page.locator("tbody.done").wait_for()
    page.reload()
    assert page.locator("tbody.task").count() == 1
    assert page.locator("tbody.task").get_attribute("data-customer") == "SZ002"

    page.goto(f"{live_server.url}/collections/customers/HZ001/")
    promises = page.locator("#promises").inner_text()
    assert due in promises and "50,000.00" in promises
    assert "承诺付款" in page.locator("#timeline").inner_text()  # the call outcome "promised"
    page.screenshot(path=str(SCREENSHOTS / "collections-timeline.png"), full_page=True)
