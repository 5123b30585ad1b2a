"""The month's scorecards in a real browser (Debian's Chromium, Playwright, live server), in
Chinese: the credit manager sees each person's figures against their targets, approves the
rewards and penalties, and downloads the payroll workbook; a collector sees only his own."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from huikuan.accounts.services import user_create
from huikuan.approvals.services import approval_chains_install
from huikuan.finance.models import ScorecardRun
from huikuan.finance.scorecard_config import scorecard_defaults_install
from huikuan.finance.scorecards import scorecard_run
from tests.browser import chromium, pytestmark, shot, signed_in_tabs  # noqa: F401 - the shared browser fixture and marks
from tests.finance.scorecard_ledger import MONTH, build_may_ledger


@pytest.fixture
def page_as(chromium, live_server, transactional_db, settings):  # noqa: F811 - the fixture imported above
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    approval_chains_install()  # a live server's test empties the tables, the seeded data too
    scorecard_defaults_install()
    build_may_ledger()
    for username, role in {"cm_sun": "credit_manager", "zhao": "collector"}.items():
        user_create(username=username, role=role, password="Huikuan-test-pw-1")
    scorecard_run(month=MONTH)
    with signed_in_tabs(
        chromium, live_server.url, viewport={"width": 1400, "height": 900}, accept_downloads=True
    ) as log_in:
        yield log_in


def test_the_credit_manager_approves_the_month_and_downloads_it_for_payroll(page_as, live_server):
    manager = page_as("cm_sun")
    manager.click("#nav-scorecards")
    manager.wait_for_url(f"{live_server.url}/scorecards/")
    assert manager.locator("#scorecards tbody tr").count() == 4
    qian = manager.locator("tr[data-person=qian]")
    assert qian.locator("td[data-metric=collection_rate]").inner_text().strip() == "100.00 / 95.00"
    assert "met" in qian.locator("td[data-metric=collection_rate]").get_attribute("class")
    assert "回款率阶梯奖金" in qian.inner_text()
    shot(manager, "scorecards-month-zh")
    with manager.expect_navigation():
        manager.click("#scorecard-approve button[type=submit]")
    assert ScorecardRun.objects.get(month=MONTH).status == "approved"
    manager.goto(f"{live_server.url}/scorecards/?month={MONTH}")
    assert manager.locator("#run-status").inner_text() == "已批准"
    with manager.expect_download() as download:
        manager.click("#scorecard-xlsx")
    workbook = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    assert workbook.active.max_row == 5

    collector = page_as("zhao")
    collector.goto(f"{live_server.url}/scorecards/?month={MONTH}")
    assert collector.locator("#scorecards tbody tr").count() == 1
    assert collector.locator("tr[data-person=zhao]").count() == 1
