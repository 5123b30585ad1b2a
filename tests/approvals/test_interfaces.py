"""The approvals through the command line and the API."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from huikuan.accounts.services import user_token
from huikuan.approvals.models import ApprovalStep
from huikuan.approvals.services import approval_request_submit
from huikuan.ledger.models import Customer
from tests.approvals.conftest import TEST_KIND

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(people, customer, effects):
    return approval_request_submit(
        kind=TEST_KIND,
        requested_by=people["sales_zhang"],
        summary="raise HZ001's limit to 2,000,000",
        customer=customer,
        amount=Decimal("2000000.00"),
        payload={"new_limit": "2000000.00"},
    )


def api_as(username: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {user_token(username=username)}")
    return client


def test_the_cli_lists_an_inbox_and_decides_to_the_end(huikuan, pending, effects):
    listed = huikuan("approvals", "list", "--user", "cm_sun", "--inbox", "--json")
    assert listed.code == 0, listed.stderr
    assert [row["number"] for row in listed.json()] == [pending.number]
    assert listed.json()[0]["current_step"]["roles"] == ["credit_manager"]
    assert huikuan("approvals", "list", "--user", "cfo_wu", "--inbox", "--json").json() == []

    approved = huikuan("approvals", "decide", pending.number, "--user", "cm_sun", "--approve", "--json")
    assert approved.code == 0, approved.stderr
    assert approved.json()["current_step"]["name"] == "CFO"
    done = huikuan("approvals", "decide", pending.number, "--user", "cfo_wu", "--approve")
    assert done.code == 0 and "approved" in done.stdout
    assert Customer.objects.get(code="HZ001").credit_limit == Decimal("2000000.00")
    assert [r["number"] for r in huikuan("approvals", "list", "--status", "approved", "--json").json()] == [
        pending.number
    ]


def test_the_cli_refuses_clearly(huikuan, pending):
    refused = huikuan("approvals", "decide", pending.number, "--user", "sales_zhang", "--approve")
    assert refused.code == 1 and "credit manager" in refused.stderr
    no_comment = huikuan("approvals", "decide", pending.number, "--user", "cm_sun", "--reject")
    assert no_comment.code == 1 and "comment" in no_comment.stderr
    unknown = huikuan("approvals", "decide", "AP-999999", "--user", "cm_sun", "--approve")
    assert unknown.code == 1 and "AP-999999" in unknown.stderr
    assert huikuan("approvals", "list", "--inbox").code == 1
    rejected = huikuan(
        "approvals", "decide", pending.number, "--user", "cm_sun", "--reject", "--comment", "不同意"
    )
    assert rejected.code == 0 and "rejected" in rejected.stdout


def test_the_api_lists_the_inbox_and_filters(pending, people):
    inbox = api_as("cm_zhou").get("/api/approvals/", {"inbox": "true"})
    assert inbox.status_code == 200, inbox.content
    assert [row["number"] for row in inbox.json()["results"]] == [pending.number]
    row = inbox.json()["results"][0]
    assert row["amount"] == "2000000.00" and row["customer"] == "HZ001"
    assert api_as("cfo_wu").get("/api/approvals/", {"inbox": "true"}).json()["results"] == []
    assert api_as("auditor_he").get("/api/approvals/", {"status": "approved"}).json()["results"] == []
    assert len(api_as("auditor_he").get("/api/approvals/", {"kind": TEST_KIND}).json()["results"]) == 1
    assert api_as("auditor_he").get("/api/approvals/", {"status": "maybe"}).status_code == 400


def test_the_api_decides_and_shows_the_history(pending, people, effects):
    approve = api_as("cm_sun").post(
        f"/api/approvals/{pending.number}/decide/", {"decision": "approve"}, format="json"
    )
    assert approve.status_code == 200, approve.content
    assert approve.json()["current_step"]["name"] == "CFO"
    refused = api_as("cm_sun").post(
        f"/api/approvals/{pending.number}/decide/", {"decision": "approve"}, format="json"
    )
    assert refused.status_code == 409 and "CFO" in refused.json()["detail"]
    reject = api_as("cfo_wu").post(
        f"/api/approvals/{pending.number}/decide/",
        {"decision": "reject", "comment": "too much"},
        format="json",
    )
    assert reject.json()["status"] == "rejected"
    detail = api_as("auditor_he").get(f"/api/approvals/{pending.number}/")
    assert [(row["actor"], row["decision"]) for row in detail.json()["history"]] == [
        ("sales_zhang", "submit"),
        ("cm_sun", "approve"),
        ("cfo_wu", "reject"),
    ]
    assert effects.rejected == [(pending.number, "cfo_wu")]


def test_the_api_hides_requests_out_of_scope_and_from_customers(pending, people, customer):
    from huikuan.accounts.services import user_create

    assert api_as("sales_li").get(f"/api/approvals/{pending.number}/").status_code == 404
    assert api_as("collector_wang").get(f"/api/approvals/{pending.number}/").status_code == 200
    user_create(username="contact", role="customer", password="Huikuan-test-pw-1", customer_code="HZ001")
    assert api_as("contact").get("/api/approvals/").status_code == 403


def test_the_api_reads_and_replaces_a_chain(people, db):
    chain = api_as("auditor_he").get("/api/approvals/chains/credit_limit/")
    assert chain.status_code == 200
    assert [step["min_amount"] for step in chain.json()["steps"]][-2:] == ["1000000.00", "5000000.00"]
    assert len(api_as("auditor_he").get("/api/approvals/chains/").json()) >= 6
    new_steps = {
        "steps": [
            {"name": "credit manager", "roles": ["credit_manager"]},
            {"name": "CFO", "roles": ["cfo"], "min_amount": "200000.00"},
        ]
    }
    assert (
        api_as("auditor_he").put("/api/approvals/chains/write_off/", new_steps, format="json").status_code
        == 403
    )
    replaced = api_as("cm_sun").put("/api/approvals/chains/write_off/", new_steps, format="json")
    assert replaced.status_code == 200, replaced.content
    assert ApprovalStep.objects.get(kind="write_off", position=2).min_amount == Decimal("200000.00")
    bad = api_as("admin_gu").put(
        "/api/approvals/chains/write_off/", {"steps": [{"name": "x", "roles": ["pope"]}]}, format="json"
    )
    assert bad.status_code == 400


def test_the_schema_documents_the_approvals(people, client):
    schema = client.get("/api/schema/")
    text = schema.content.decode()
    for route in ("/api/approvals/", "/api/approvals/{number}/decide/", "/api/approvals/chains/{kind}/"):
        assert route in text
