"""Seed 002's credit policies in a real browser, in Chinese: a credit manager asks for longer
terms for a class C customer and the department head approves them; the credit manager keeps
the benchmark margins by department (an HTMX editor) and charges the late-payment interest."""

from __future__ import annotations

import pytest

from huikuan.approvals.models import ApprovalRequest, Status
from huikuan.approvals.services import approval_chains_install
from huikuan.credit.benchmarks import benchmarks_by_department
from huikuan.credit.interest_rates import lpr_seed
from huikuan.credit.models import FeeCharge
from huikuan.ledger.models import CustomerTermGrant
from tests.browser import chromium, pytestmark, shot, signed_in_tabs  # noqa: F401 - the shared browser fixture and marks


@pytest.fixture
def page_as(chromium, live_server, people):  # noqa: F811 - the fixture imported above
    # A live server's test empties the tables afterwards, the seeded chains and LPR rows too.
    approval_chains_install()
    lpr_seed()
    with signed_in_tabs(chromium, live_server.url) as log_in:
        yield log_in


def test_a_department_head_approves_longer_terms_for_a_class_c_customer(page_as, live_server, march):
    manager = page_as("cm_sun")
    manager.goto(f"{live_server.url}/credit/customers/NB002/")
    assert "C 级：30 天，加已批准延长 0 天：账期最长 30 天" in manager.locator("#terms-ceiling").inner_text()
    manager.click("#terms-action summary")
    manager.fill("#id_terms-days", "30")
    manager.fill("#id_terms-reason", "战略客户，项目回款周期长")
    with manager.expect_navigation():
        manager.click("#terms-action button[type=submit]")
    assert "已申请延长账期" in manager.locator("#messages").inner_text()
    request = ApprovalRequest.objects.get(kind="customer_terms", status=Status.PENDING)
    head = page_as("dh_ma")
    with head.expect_navigation():
        head.click("#nav-approvals")
    with head.expect_navigation():
        head.click(f"a:text-is('{request.number}')")
    assert "客户账期延长" in head.content()
    with head.expect_navigation():
        head.click("#decide button[value=approve]")
    grant = CustomerTermGrant.objects.get(customer__code="NB002")
    assert (grant.days, grant.approved_by, grant.approval_number) == (30, "dh_ma", request.number)
    manager.reload()
    assert "账期最长 60 天" in manager.locator("#terms-ceiling").inner_text()
    assert request.number in manager.locator("#term-grants").inner_text()
    shot(manager, "credit-terms-extension-zh")


def test_the_credit_manager_keeps_benchmarks_by_department_and_charges_late_interest(
    page_as, live_server, march
):
    page = page_as("cm_sun")
    page.goto(f"{live_server.url}/credit/settings/")
    page.locator("#benchmarks").scroll_into_view_if_needed()
    assert "暂无" in page.locator("#benchmark-rows").inner_text()
    page.fill("#benchmark-form input[name=department]", "华东销售部")
    page.fill("#benchmark-form input[name=margin]", "0.25")
    page.click("#benchmark-form button[type=submit]")  # HTMX: the editor is replaced in place
    page.locator("#benchmark-rows td:text-is('华东销售部')").wait_for()
    assert "25.00%" in page.locator("#benchmark-rows").inner_text()
    assert str(benchmarks_by_department()["华东销售部"]) == "0.25"
    page.fill("#benchmark-form input[name=department]", "海外部")
    page.fill("#benchmark-form input[name=margin]", "25")
    page.click("#benchmark-form button[type=submit]")
    page.locator("#benchmark-error").wait_for()
    assert "利润率基准值为大于 0" in page.locator("#benchmark-error").inner_text()
    shot(page, "credit-benchmarks-zh")
    page.click("#benchmark-rows button:text-is('删除')")
    page.locator("#benchmark-rows td:text-is('暂无：各部门均按公司基准值计算。')").wait_for()
    assert benchmarks_by_department() == {}
    # The one-year LPR table, seeded with the published rates.
    assert "3.00%" in page.locator("#lpr-rows").inner_text()
    page.goto(f"{live_server.url}/credit/customers/HZ001/")
    assert "按每日万分之五" in page.locator("#interest-basis").inner_text()
    with page.expect_navigation():
        page.click("#charge-interest")
    assert "已收取逾期利息" in page.locator("#messages").inner_text()
    charge = FeeCharge.objects.get(kind="late_interest")
    assert charge.debit_note.number in page.locator("#messages").inner_text()
    shot(page, "credit-late-interest-zh")
