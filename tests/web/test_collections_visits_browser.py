"""A credit manager in a real browser, in Chinese: the delivery call of the ladder counts from
the shipment date on the policies page; a visit to a customer planned, then recorded."""

from __future__ import annotations

from huikuan.collections.models import Activity, DunningStep
from huikuan.collections.services import policies_install
from tests.web.test_browser import chromium, page_as, pytestmark  # noqa: F401 - fixtures and marks shared


def test_credit_manager_sees_the_anchor_and_plans_and_records_a_visit(page_as, live_server):  # noqa: F811
    policies_install()  # a live server's database is emptied between tests: the ladder again
    page = page_as("credit_manager")
    page.goto(f"{live_server.url}/collections/policies/")
    step = DunningStep.objects.get(policy__code="standard", code="delivery_check")
    row = page.locator(f"#step-{step.pk}")
    assert "发货日期" in row.inner_text() and "询问收货情况" in row.inner_text()

    page.goto(f"{live_server.url}/collections/customers/HZ001/")
    form = page.locator("#visit-form")
    form.locator("input[name=visit-planned_on]").fill("2024-06-12")
    form.locator("select[name=visit-purpose]").select_option("check_in")
    form.locator("input[name=visit-people]").fill("信用经理；对方财务总监")
    form.locator("button[type=submit]").click()
    page.locator("#visits >> text=对方财务总监").wait_for()
    visit = Activity.objects.get(kind="visit")
    row = page.locator(f"#visit-{visit.pk}")
    assert "定期回访" in row.inner_text()

    row.locator("summary >> text=记录拜访结果").click()
    done = row.locator("form.visit-done")
    done.locator("textarea[name=visit_done-result]").fill("客户确认下周付款")
    done.locator("button[type=submit]").click()
    page.locator("#timeline >> text=客户确认下周付款").wait_for()
    visit.refresh_from_db()
    assert visit.status == "done"
