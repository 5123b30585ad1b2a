"""The approvals pages, through the Django test client."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client

from huikuan.approvals.models import ApprovalStep, Notification
from huikuan.approvals.services import approval_request_submit
from huikuan.ledger.models import Customer
from tests.approvals.conftest import TEST_KIND

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser_as(people):
    def client_for(username: str, language: str = "en") -> Client:
        client = Client()
        client.force_login(people[username])
        client.cookies["huikuan_language"] = language
        return client

    return client_for


@pytest.fixture
def pending(people, customer, effects):
    return approval_request_submit(
        kind=TEST_KIND,
        requested_by=people["sales_zhang"],
        summary="raise HZ001's limit to 900,000",
        customer=customer,
        amount=Decimal("900000.00"),
        payload={"new_limit": "900000.00"},
    )


def test_the_navigation_counts_what_awaits_me(browser_as, pending):
    html = browser_as("cm_sun").get("/").content.decode()
    link = re.search(r'<a href="/approvals/" id="nav-approvals"[^>]*>(.*?)</a>', html, re.S).group(1)
    assert '<span class="badge">1</span>' in link
    html = browser_as("cfo_wu").get("/").content.decode()
    assert "badge" not in re.search(r'id="nav-approvals"[^>]*>(.*?)</a>', html, re.S).group(1)


def test_the_inbox_mine_and_all_tabs(browser_as, pending):
    assert pending.number in browser_as("cm_sun").get("/approvals/").content.decode()
    assert pending.number not in browser_as("cfo_wu").get("/approvals/").content.decode()
    assert pending.number in browser_as("sales_zhang").get("/approvals/?show=mine").content.decode()
    assert pending.number not in browser_as("sales_zhang").get("/approvals/").content.decode()
    fragment = browser_as("auditor_he").get("/approvals/?show=all", HTTP_HX_REQUEST="true").content.decode()
    assert pending.number in fragment and "<html" not in fragment
    assert pending.number not in browser_as("sales_li").get("/approvals/?show=all").content.decode()


def test_an_approver_approves_from_the_request_page(browser_as, pending, people):
    browser = browser_as("cm_sun")
    Notification.objects.get(user=people["cm_sun"], request=pending)
    page = browser.get(f"/approvals/{pending.number}/").content.decode()
    assert 'id="decide"' in page and "raise HZ001" in page
    assert not Notification.objects.filter(user=people["cm_sun"], read_at__isnull=True).exists()
    response = browser.post(f"/approvals/{pending.number}/decide/", {"decision": "approve"})
    assert response.status_code == 302
    assert Customer.objects.get(code="HZ001").credit_limit == Decimal("900000.00")
    page = browser.get(f"/approvals/{pending.number}/").content.decode()
    assert 'id="decide"' not in page and "cm_sun" in page


def test_the_page_explains_a_refusal_and_offers_reconsideration_after_a_rejection(browser_as, pending):
    refused = browser_as("cm_sun").post(f"/approvals/{pending.number}/decide/", {"decision": "reject"})
    assert refused.status_code == 409 and "comment" in refused.content.decode()
    assert (
        'id="decide"' not in browser_as("sales_zhang").get(f"/approvals/{pending.number}/").content.decode()
    )
    browser_as("cm_sun").post(f"/approvals/{pending.number}/decide/", {"decision": "reject", "comment": "no"})
    page = browser_as("sm_liu").get(f"/approvals/{pending.number}/").content.decode()
    assert 'id="reconsider"' in page
    browser_as("sm_liu").post(
        f"/approvals/{pending.number}/decide/", {"decision": "reconsider", "comment": "guarantee"}
    )
    assert 'id="decide"' in browser_as("cm_sun").get(f"/approvals/{pending.number}/").content.decode()


def test_a_request_out_of_scope_is_not_found(browser_as, pending):
    assert browser_as("sales_li").get(f"/approvals/{pending.number}/").status_code == 404
    assert (
        browser_as("sales_li")
        .post(f"/approvals/{pending.number}/decide/", {"decision": "approve"})
        .status_code
        == 404
    )


def test_a_credit_manager_edits_a_chain_and_others_may_only_read_it(browser_as, people):
    assert "5,000,000.00" in browser_as("auditor_he").get("/approvals/chains/").content.decode()
    assert browser_as("auditor_he").get("/approvals/chains/write_off/").status_code == 403
    browser = browser_as("cm_sun")
    form = browser.get("/approvals/chains/write_off/")
    assert form.status_code == 200
    data = {
        "form-TOTAL_FORMS": "3",
        "form-INITIAL_FORMS": "2",
        "form-0-name": "credit manager",
        "form-0-roles": ["credit_manager"],
        "form-1-name": "CFO",
        "form-1-roles": ["cfo"],
        "form-1-min_amount": "100000.00",
        "form-2-name": "",
    }
    assert browser.post("/approvals/chains/write_off/", data).status_code == 302
    assert ApprovalStep.objects.get(kind="write_off", position=2).min_amount == Decimal("100000.00")
    data["form-1-DELETE"] = "on"
    assert browser.post("/approvals/chains/write_off/", data).status_code == 302
    assert list(ApprovalStep.objects.filter(kind="write_off").values_list("name", flat=True)) == [
        "credit manager"
    ]


def test_the_pages_speak_chinese(browser_as, pending):
    html = browser_as("cm_sun", "zh-hans").get("/approvals/").content.decode()
    assert "待我审批" in html and "审批" in html


def test_a_refusal_is_explained_in_chinese(browser_as, pending):
    refused = browser_as("cm_sun", "zh-hans").post(
        f"/approvals/{pending.number}/decide/", {"decision": "reject"}
    )
    assert "驳回或申请复议必须填写意见" in refused.content.decode()
