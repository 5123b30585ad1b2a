"""The credit API, as the credit manager, a salesperson, a collector and an auditor use it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from huikuan.approvals.models import ApprovalRequest
from huikuan.approvals.services import approval_decide
from huikuan.credit.services import credit_evaluate, customer_hold_place

D = Decimal


@pytest.fixture
def as_user(people):
    def client(name: str) -> APIClient:
        api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        api.force_authenticate(people[name])
        return api

    return client


def test_credit_check_answers_with_every_reason(march, as_user):
    response = as_user("cm_sun").post(
        "/api/credit/check/",
        {"customer": "NB002", "amount": "50000.00", "as_of": "2026-04-30"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    # NB002: limit 100,000, 59,800 open: 109,800 is over by 9,800.
    assert body["result"] == "blocked"
    assert [r["code"] for r in body["reasons"]] == ["over_limit"]
    assert body["reasons"][0]["figures"]["excess"] == "9800.00"


def test_an_order_that_passes_gets_its_shipment_approval_number(customers, as_user):
    response = as_user("sales_zhang").post(
        "/api/credit/orders/",
        {"order_number": "SO-1", "customer": "HZ001", "order_date": "2026-04-01", "amount": "1000.00"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["check_status"] == "passed"
    assert response.json()["shipment_approval_number"] == "SA-2026-000001"
    detail = as_user("auditor_he").get("/api/credit/orders/SO-1/")
    assert detail.status_code == 200 and detail.json()["customer"] == "HZ001"


def test_a_blocked_order_is_released_through_approval(customers, as_user, people):
    created = as_user("cm_sun").post(
        "/api/credit/orders/",
        {"order_number": "SO-2", "customer": "NB002", "order_date": "2026-04-01", "amount": "150000.00"},
        format="json",
    )
    assert created.json()["check_status"] == "blocked"
    assert created.json()["shipment_approval_number"] == ""
    release = as_user("cm_sun").post(
        "/api/credit/orders/SO-2/release/", {"reason": "key account"}, format="json"
    )
    assert release.status_code == 201, release.content
    request = ApprovalRequest.objects.get(number=release.json()["approval_number"])
    approval_decide(request=request, actor=people["cm_zhou"], decision="approve")
    after = as_user("cm_sun").get("/api/credit/orders/SO-2/").json()
    assert after["check_status"] == "released" and after["shipment_approval_number"].startswith("SA-2026-")


def test_a_class_c_extension_is_refused_with_409(march, as_user):
    response = as_user("cm_sun").post(
        "/api/credit/term-extensions/", {"invoice": "N-0310", "days": 10, "reason": "slow"}, format="json"
    )
    assert response.status_code == 409
    assert "class C" in response.json()["detail"]


def test_a_class_b_extension_is_filed_for_approval(march, as_user):
    response = as_user("sales_zhang").post(
        "/api/credit/term-extensions/", {"invoice": "H-0305", "days": 15, "reason": "project"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "pending"
    assert response.json()["approval_number"].startswith("AP-")


def test_a_limit_application_goes_to_the_chain(customers, as_user):
    response = as_user("sales_zhang").post(
        "/api/credit/limit-applications/", {"customer": "HZ001", "amount": "2000000.00"}, format="json"
    )
    assert response.status_code == 201, response.content
    request = ApprovalRequest.objects.get(number=response.json()["approval_number"])
    # 2,000,000 ≥ 1,000,000: the CFO is in the chain; < 5,000,000: the president is not.
    assert [step.name for step in request.steps.order_by("position")] == [
        "sales manager",
        "credit analyst",
        "credit manager",
        "CFO",
    ]


def test_holds_are_placed_and_lifted_by_approval(customers, as_user, people):
    placed = as_user("cm_sun").post(
        "/api/credit/holds/",
        {"customer": "HZ001", "reason": "cheque bounced", "placed_on": "2026-04-01"},
        format="json",
    )
    assert placed.status_code == 201, placed.content
    hold_id = placed.json()["id"]
    lift = as_user("sales_zhang").post(
        f"/api/credit/holds/{hold_id}/lift/", {"reason": "paid"}, format="json"
    )
    assert lift.status_code == 201, lift.content
    approval_decide(
        request=ApprovalRequest.objects.get(number=lift.json()["approval_number"]),
        actor=people["cm_sun"],
        decision="approve",
    )
    holds = as_user("cm_sun").get("/api/credit/holds/?customer=HZ001").json()["results"]
    assert holds[0]["active"] is False and holds[0]["lift_approval_number"] == lift.json()["approval_number"]


def test_a_statement_is_entered_and_scored(customers, as_user):
    response = as_user("analyst_qian").post(
        "/api/credit/statements/",
        {
            "customer": "HZ001",
            "statement_date": "2025-12-31",
            "kind": "private_manufacturer",
            "working_capital": "100",
            "retained_earnings": "100",
            "ebit": "100",
            "book_equity": "500",
            "total_liabilities": "1000",
            "sales": "1000",
            "total_assets": "1000",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["altman"]["score"] == "1.68"
    assert response.json()["altman"]["zone"] == "grey"
    summary = as_user("cm_sun").get("/api/credit/customers/HZ001/?as_of=2026-04-30").json()
    assert summary["altman"]["model"] == "Z′"


def test_the_customer_summary_and_class_history(march, as_user):
    credit_evaluate(period="2026-03")
    customer_hold_place(customer=march["HZ001"], reason="late", source="manual", on=date(2026, 4, 1))
    summary = as_user("cm_sun").get("/api/credit/customers/HZ001/?as_of=2026-04-30")
    assert summary.status_code == 200
    body = summary.json()
    # Open on 30 April: 40,000 + 20,000 + 30,000 + 10,000 = 100,000 (the 45,000 received is on account).
    assert (body["credit_limit"], body["exposure"], body["available"]) == (
        "500000.00",
        "100000.00",
        "400000.00",
    )
    assert body["latest_evaluation"]["proposed_class"] == "D"
    assert body["holds"][0]["reason"] == "late"
    assert D(body["overdue_fee"]) > 0
    history = as_user("cm_sun").get("/api/credit/customers/HZ001/class-history/").json()
    assert history["evaluations"][0]["period"] == "2026-03"
    evaluations = as_user("cm_sun").get("/api/credit/evaluations/?period=2026-03").json()
    assert evaluations["count"] == 4


def test_fees_over_the_api(march, as_user):
    body = as_user("cm_sun").get("/api/credit/fees/?as_of=2026-04-30&customer=HZ001").json()
    invoices = {i["invoice_number"]: i for i in body["customers"][0]["invoices"]}
    # H-0101: 40,000 open, 79 days past 10 Feb: 40,000 × 4.35% × 79 / 365 = 376.60
    assert invoices["H-0101"]["days_overdue"] == 79 and invoices["H-0101"]["fee"] == "376.60"


def test_a_collector_sees_only_their_customers(march, as_user):
    collector = as_user("collector_wang")
    assert collector.get("/api/credit/customers/HZ001/").status_code == 200
    assert collector.get("/api/credit/customers/NB002/").status_code == 404
    check = collector.post("/api/credit/check/", {"customer": "NB002", "amount": "1"}, format="json")
    assert check.status_code == 404


def test_an_auditor_reads_but_does_not_write(customers, as_user):
    auditor = as_user("auditor_he")
    assert auditor.get("/api/credit/orders/").status_code == 200
    response = auditor.post(
        "/api/credit/orders/",
        {"order_number": "SO-3", "customer": "HZ001", "order_date": "2026-04-01", "amount": "1.00"},
        format="json",
    )
    assert response.status_code == 403


def test_no_credentials_no_credit(db):
    assert APIClient().get("/api/credit/orders/").status_code == 401


def test_the_credit_endpoints_are_in_the_schema(db):
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for endpoint in ("/api/credit/check/", "/api/credit/orders/", "/api/credit/customers/{customer_code}/"):
        assert endpoint in schema


def test_refusals_speak_chinese_by_default(march, people):
    api = APIClient()
    api.force_authenticate(people["cm_sun"])
    response = api.post(
        "/api/credit/term-extensions/", {"invoice": "N-0310", "days": 10, "reason": "slow"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["detail"].startswith("C 类客户不得延期")


# ---------------------------------------------------------------- terms and late interest


def test_longer_terms_are_asked_for_through_the_api_and_granted_by_approval(march, as_user, people):
    response = as_user("sales_zhang").post(
        "/api/credit/customer-terms/",
        {"customer": "HZ001", "days": 15, "reason": "战略客户", "valid_until": "2026-12-31"},
        format="json",
    )
    assert response.status_code == 201, response.content
    request = ApprovalRequest.objects.get(number=response.json()["approval_number"])
    assert request.kind == "customer_terms"
    approval_decide(request=request, actor=people["dh_ma"], decision="approve")
    [grant] = march["HZ001"].term_grants.all()
    assert (grant.days, grant.valid_until) == (15, date(2026, 12, 31))
    refused = as_user("auditor_he").post(
        "/api/credit/customer-terms/", {"customer": "HZ001", "days": 15, "reason": "x"}, format="json"
    )
    assert refused.status_code == 403


def test_late_interest_through_the_api_rate_refused_below_the_lpr_and_charged(march, as_user):
    api = as_user("cm_sun")
    figures = api.get("/api/credit/interest/", {"as_of": "2026-04-30", "customer": "HZ001"}).json()
    # H-0101: 10,000 paid 10 days late + 40,000 open 79 days; H-0120: 20,000 open 46 days, at 0.05 %.
    assert figures["total"] == "2090.00"
    assert figures["customers"][0]["rate"] == {"basis": "statutory", "daily_rate": "0.0005"}
    low = api.post(
        "/api/credit/interest/rates/",
        {"customer": "HZ001", "annual_rate": "0.025", "effective_from": "2026-01-05"},
        format="json",
    )
    assert low.status_code == 409 and "below the one-year LPR" in low.json()["detail"]
    assert api.get("/api/credit/lpr/").json()["rows"][-1] == {
        "effective_from": "2025-05-20",
        "rate": "0.030000",
    }
    charged = api.post(
        "/api/credit/interest/charge/", {"customer": "HZ001", "as_of": "2026-04-30"}, format="json"
    )
    assert charged.status_code == 201 and charged.json()["kind"] == "late_interest"
    assert charged.json()["amount"] == "2090.00"
    again = api.post(
        "/api/credit/interest/charge/", {"customer": "HZ001", "as_of": "2026-04-30"}, format="json"
    )
    assert again.json() == {"charged": False, "customer_code": "HZ001"}
