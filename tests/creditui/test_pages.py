"""The credit pages through Django's test client: what each persona sees and may do.

sales_zhang sells to HZ001 only; cm_sun is the credit manager, analyst_qian the analyst,
dh_ma a department head, auditor_he reads. Today is 2 April 2026.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huikuan.approvals.models import ApprovalRequest, Status
from huikuan.core.models import PolicySetting
from huikuan.core.policy import policy_value
from huikuan.credit.models import CheckStatus, CreditEvaluation, CreditHold, FinancialStatement, Order
from huikuan.credit.services import credit_evaluate, customer_hold_place, order_create
from huikuan.ledger.models import Customer

pytestmark = pytest.mark.django_db

STATEMENT = {
    "statement-statement_date": "2025-12-31",
    "statement-kind": "private_manufacturer",
    "statement-working_capital": "200000",
    "statement-retained_earnings": "150000",
    "statement-ebit": "120000",
    "statement-book_equity": "400000",
    "statement-total_liabilities": "600000",
    "statement-sales": "1500000",
    "statement-total_assets": "1000000",
}


def test_the_credit_page_shows_limit_exposure_available_and_the_fee(web_as, march):
    page = web_as("cm_sun").get("/credit/customers/HZ001/")
    assert page.status_code == 200
    summary = page.context["summary"]
    # Open on 2 April: 40,000 + 20,000 (overdue) + 30,000 + 10,000.
    assert summary.exposure == Decimal("100000.00")
    assert summary.available == Decimal("400000.00")
    assert summary.overdue_fee > 0
    text = page.content.decode()
    assert "400,000.00" in text and 'id="gauge-share">20 %' in text
    assert "Apply for a credit limit" in text


def test_a_salesperson_sees_only_their_customers(web_as, march):
    client = web_as("sales_zhang")
    assert client.get("/credit/customers/HZ001/").status_code == 200
    assert client.get("/credit/customers/NB002/").status_code == 404
    assert client.post("/credit/customers/NB002/hold/", {"hold-reason": "x"}).status_code in (403, 404)
    order_create(number="O-NB", customer=march["NB002"], order_date=date(2026, 4, 1), amount=Decimal("1000"))
    assert client.get("/credit/orders/O-NB/").status_code == 404
    assert "O-NB" not in client.get("/credit/orders/").content.decode()
    dashboard = client.get("/credit/")
    assert [row.customer.code for row in dashboard.context["board"].over_limit] == ["HZ001"]


def test_an_auditor_reads_but_cannot_post(web_as, march):
    client = web_as("auditor_he")
    page = client.get("/credit/customers/HZ001/")
    assert page.status_code == 200
    assert "Apply for a credit limit" not in page.content.decode()
    for action, data in (
        ("limit", {"limit-amount": "600000"}),
        ("hold", {"hold-reason": "looks risky"}),
        ("statement", STATEMENT),
        ("order", {"order-number": "O-1", "order-order_date": "2026-04-02", "order-amount": "10"}),
    ):
        assert client.post(f"/credit/customers/HZ001/{action}/", data).status_code == 403
    assert client.post("/credit/evaluate/", {"period": "2026-03"}).status_code == 403
    assert client.post("/credit/settings/OVERDUE_FEE_ANNUAL_RATE/", {}).status_code == 403
    assert not CreditHold.objects.exists() and not CreditEvaluation.objects.exists()


def test_a_credit_analyst_runs_the_evaluation_but_cannot_approve_the_class_change(web_as, march, people):
    analyst = web_as("analyst_qian")
    response = analyst.post("/credit/evaluate/", {"period": "2026-03"}, follow=True)
    assert "Evaluated 2026-03" in response.content.decode()
    assert CreditEvaluation.objects.filter(period="2026-03").count() == 4
    assert response.context["proposed_count"] >= 1
    analyst.post("/credit/propose/")
    request = ApprovalRequest.objects.filter(kind="class_change").first()
    assert request is not None and request.status == Status.PENDING
    refused = analyst.post(f"/approvals/{request.number}/decide/", {"decision": "approve"})
    assert refused.status_code in (404, 409)
    request.refresh_from_db()
    assert request.status == Status.PENDING
    web_as("cm_sun").post(f"/approvals/{request.number}/decide/", {"decision": "approve"})
    request.refresh_from_db()
    assert request.status == Status.APPROVED
    customer = Customer.objects.get(pk=request.customer_id)
    assert customer.credit_class == request.payload["to_class"]
    assert customer.code in web_as("cm_sun").get(f"/credit/customers/{customer.code}/").content.decode()


def test_a_salesperson_requests_a_term_extension_and_a_department_head_approves_it(web_as, march):
    response = web_as("sales_zhang").post(
        "/credit/customers/HZ001/extension/",
        {"extension-invoice": "H-0305", "extension-days": "15", "extension-reason": "project delay"},
    )
    assert response.status_code == 302
    request = ApprovalRequest.objects.get(kind="term_extension")
    web_as("dh_ma").post(f"/approvals/{request.number}/decide/", {"decision": "approve"})
    page = web_as("cm_sun").get("/credit/customers/HZ001/")
    [extension] = page.context["summary"].extension_requests
    assert extension.status == "approved"
    assert extension.invoice.due_date == date(2026, 5, 24)


def test_a_class_c_extension_is_refused_with_the_reason(web_as, march):
    response = web_as("cm_sun").post(
        "/credit/customers/NB002/extension/",
        {"extension-invoice": "N-0310", "extension-days": "10", "extension-reason": "please"},
    )
    assert response.status_code == 409
    assert "class C customers get no term extension" in response.content.decode()


def test_a_blocked_order_is_released_through_its_approval(web_as, march):
    created = web_as("sales_zhang").post(
        "/credit/customers/HZ001/order/",
        {"order-number": "SO-1", "order-order_date": "2026-04-02", "order-amount": "450000.00"},
    )
    assert created.status_code == 302 and created["Location"] == "/credit/orders/SO-1/"
    page = web_as("sales_zhang").get("/credit/orders/SO-1/")
    reasons = [reason["code"] for reason in page.context["order"].check_reasons]
    assert "over_limit" in reasons and "overdue" in reasons
    released = web_as("sales_zhang").post("/credit/orders/SO-1/release/", {"reason": "key project"})
    assert released.status_code == 302
    order = Order.objects.get(number="SO-1")
    web_as("cm_sun").post(f"/approvals/{order.release_approval_number}/decide/", {"decision": "approve"})
    page = web_as("sales_zhang").get("/credit/orders/SO-1/")
    assert page.context["order"].check_status == CheckStatus.RELEASED
    assert page.context["order"].shipment_approval_number.startswith("SA-2026-")
    listing = web_as("cm_sun").get("/credit/orders/?check=released").content.decode()
    assert "SO-1" in listing and "SA-2026-" in listing


def test_a_hold_is_placed_then_lifted_by_approval(web_as, march):
    web_as("analyst_qian").post("/credit/customers/NB002/hold/", {"hold-reason": "bounced cheque"})
    hold = CreditHold.objects.get(customer__code="NB002")
    check = web_as("cm_sun").get("/credit/customers/NB002/?check-amount=10")
    assert "the customer is on credit hold" in check.content.decode()
    lift = {"lift-hold": hold.pk, "lift-reason": "paid"}
    web_as("analyst_qian").post("/credit/customers/NB002/lift/", lift)
    hold.refresh_from_db()
    web_as("cm_sun").post(f"/approvals/{hold.lift_approval_number}/decide/", {"decision": "approve"})
    hold.refresh_from_db()
    assert hold.lifted_on == date(2026, 4, 2)
    assert Customer.objects.get(code="NB002").status == "active"


def test_a_financial_statement_gives_the_z_score_and_bad_figures_are_refused(web_as, march):
    client = web_as("analyst_qian")
    assert client.post("/credit/customers/HZ001/statement/", STATEMENT).status_code == 302
    page = client.get("/credit/customers/HZ001/")
    assert page.context["summary"].altman.model == "Z′"
    assert 'id="z-score">' in page.content.decode()
    refused = client.post("/credit/customers/HZ001/statement/", {**STATEMENT, "statement-total_assets": "0"})
    assert refused.status_code == 409
    assert "total assets must be positive" in refused.content.decode()
    assert FinancialStatement.objects.count() == 1


def test_a_limit_application_goes_to_its_chain(web_as, march):
    response = web_as("sales_zhang").post(
        "/credit/customers/HZ001/limit/", {"limit-amount": "800000", "limit-reason": "growth"}
    )
    assert response.status_code == 302
    request = ApprovalRequest.objects.get(kind="credit_limit")
    assert request.customer.code == "HZ001" and request.amount == Decimal("800000")
    invalid = web_as("sales_zhang").post("/credit/customers/HZ001/limit/", {"limit-amount": "abc"})
    assert invalid.status_code == 400


def test_the_dashboard_counts_classes_and_its_queries_do_not_grow_with_customers(web_as, march):
    client = web_as("cm_sun")
    credit_evaluate(period="2026-03")
    customer_hold_place(customer=march["WZ003"], reason="legal", source="legal", on=date(2026, 4, 1))
    with CaptureQueriesContext(connection) as few:
        page = client.get("/credit/")
    classes = {row["name"]: row for row in page.context["classes"]}
    assert classes["B"]["count"] == 1 and classes["B"]["ar"] == Decimal("100000.00")
    assert classes["C"]["count"] == 2
    assert "WZ003" in page.content.decode()
    for index in range(30):
        Customer.objects.create(code=f"X{index:03d}", name="x", credit_class="C", credit_limit=Decimal("10"))
    credit_evaluate(period="2026-03")
    with CaptureQueriesContext(connection) as many:
        client.get("/credit/")
    assert len(many) == len(few)


def test_a_credit_manager_changes_the_fee_rate_and_the_fee_follows(web_as, march):
    client = web_as("cm_sun")
    before = client.get("/credit/customers/HZ001/").context["summary"].overdue_fee
    page = client.get("/credit/settings/").content.decode()
    assert "OVERDUE_FEE_ANNUAL_RATE" in page and "CREDIT_CLASS_THRESHOLDS" in page and "0.0435" in page
    rate = {"v:OVERDUE_FEE_ANNUAL_RATE": "0.087"}
    response = client.post("/credit/settings/OVERDUE_FEE_ANNUAL_RATE/", rate)
    assert response.status_code == 302
    assert policy_value("OVERDUE_FEE_ANNUAL_RATE") == Decimal("0.087")
    after = client.get("/credit/customers/HZ001/").context["summary"].overdue_fee
    assert after > before
    client.post("/credit/settings/OVERDUE_FEE_ANNUAL_RATE/", {"reset": "1"})
    assert not PolicySetting.objects.filter(key="OVERDUE_FEE_ANNUAL_RATE").exists()


def test_nested_settings_are_edited_number_by_number_and_bad_values_are_refused(web_as, march):
    client = web_as("cm_sun")
    days = ("90", "45", "30", "0")
    posted = {f"v:TERM_DAYS_BY_CLASS:{c}": n for c, n in zip("ABCD", days, strict=True)}
    assert client.post("/credit/settings/TERM_DAYS_BY_CLASS/", posted).status_code == 302
    assert policy_value("TERM_DAYS_BY_CLASS") == {"A": 90, "B": 45, "C": 30, "D": 0}
    soon = {"v:CREDIT_BLOCK_OVERDUE_DAYS": "soon"}
    refused = client.post("/credit/settings/CREDIT_BLOCK_OVERDUE_DAYS/", soon)
    assert refused.status_code == 409
    assert policy_value("CREDIT_BLOCK_OVERDUE_DAYS") == 30
    usd = {"v:FUNCTIONAL_CURRENCY": "USD"}
    assert client.post("/credit/settings/FUNCTIONAL_CURRENCY/", usd).status_code == 302
    assert policy_value("FUNCTIONAL_CURRENCY") == "CNY"
    assert web_as("analyst_qian").post("/credit/settings/TERM_DAYS_BY_CLASS/", posted).status_code == 403


def test_pages_in_chinese(web_as, march):
    client = web_as("cm_sun", "zh-hans")
    assert "信用" in client.get("/credit/").content.decode()
    assert "业务参数" in client.get("/credit/settings/").content.decode()


def test_evaluation_notes_and_the_dunning_runs_hold_reason_read_in_chinese(web_as, march):
    from huikuan.collections.run import HOLD_REASON
    from huikuan.credit.scoring import NOTE_NO_EARLIER

    credit_evaluate(period="2026-03")
    CreditEvaluation.objects.filter(customer=march["NB002"]).update(notes=[NOTE_NO_EARLIER])
    customer_hold_place(customer=march["NB002"], reason=HOLD_REASON, source="dunning", on=date(2026, 4, 1))
    client = web_as("cm_sun", "zh-hans")
    page = client.get("/credit/customers/NB002/?check-amount=10").content.decode()
    assert "无上月得分可沿用；定级时按 0 分计" in page and NOTE_NO_EARLIER not in page
    assert "催收阶梯的法律步骤" in page and HOLD_REASON not in page  # the hold list and the check
    assert page.count("催收阶梯的法律步骤") == 2
    dashboard = client.get("/credit/").content.decode()
    assert "催收阶梯的法律步骤" in dashboard and HOLD_REASON not in dashboard
    # The stored reason stays the English text: the hold is found again by its source.
    assert CreditHold.objects.get(customer=march["NB002"]).reason == HOLD_REASON
