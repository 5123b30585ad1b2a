"""Decisions through approvals, end to end: class changes, term extensions, order releases,
credit-limit applications, holds and the quarterly review."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from huikuan.approvals.models import ApprovalRequest
from huikuan.approvals.services import approval_decide
from huikuan.core.errors import RuleViolation
from huikuan.core.policy import policy_set
from huikuan.credit.flows import (
    credit_limit_apply,
    credit_review,
    evaluations_propose,
    hold_lift_request,
    order_release_request,
    term_extension_request,
)
from huikuan.credit.models import CheckStatus, ClassChange, CreditHold, TermExtensionRequest
from huikuan.credit.services import credit_evaluate, customer_hold_place, order_create
from huikuan.ledger.models import Customer, Invoice
from tests.credit.conftest import invoice, make_customer

D = Decimal


def approve(request, *people):
    for person in people:
        request = approval_decide(request=request, actor=person, decision="approve")
    return request


# ---------------------------------------------------------------- class changes


def test_a_proposed_class_is_applied_when_the_credit_manager_approves(march, people):
    run = credit_evaluate(period="2026-03")
    proposals = evaluations_propose(evaluations=run.evaluations, requested_by=people["analyst_qian"])
    hz = next(p for p in proposals if p.customer_code == "HZ001")
    assert (hz.from_class, hz.to_class) == ("B", "D")
    request = ApprovalRequest.objects.get(number=hz.approval_number)
    assert request.kind == "class_change" and request.status == "pending"
    assert Customer.objects.get(code="HZ001").credit_class == "B"  # not before approval

    with pytest.raises(RuleViolation):
        approve(request, people["dh_ma"])  # not a credit manager
    approve(request, people["cm_sun"])

    assert Customer.objects.get(code="HZ001").credit_class == "D"
    change = ClassChange.objects.get(customer__code="HZ001")
    assert (change.from_class, change.to_class, change.approval_number) == ("B", "D", request.number)
    assert change.changed_by == people["cm_sun"]
    assert change.evaluation.period == "2026-03"


def test_proposing_twice_files_nothing_new(march, people):
    run = credit_evaluate(period="2026-03")
    first = evaluations_propose(evaluations=run.evaluations, requested_by=people["analyst_qian"])
    again = evaluations_propose(evaluations=credit_evaluate(period="2026-03").evaluations)
    assert first and again == []
    assert ApprovalRequest.objects.filter(kind="class_change").count() == len(first)


def test_with_auto_apply_the_class_changes_at_once(march, huikuan):
    policy_set(key="CREDIT_CLASS_AUTO_APPLY", value=True)
    result = huikuan("credit", "evaluate", "--period", "2026-03", "--apply")
    assert result.code == 0, result.stderr
    assert Customer.objects.get(code="HZ001").credit_class == "D"
    assert ClassChange.objects.get(customer__code="HZ001").source == "auto"
    assert not ApprovalRequest.objects.filter(kind="class_change").exists()


def test_evaluate_apply_files_requests_from_the_cli(march, huikuan, people):
    result = huikuan("credit", "evaluate", "--period", "2026-03", "--apply", "--requested-by", "analyst_qian")
    assert result.code == 0, result.stderr
    assert "sent for approval as AP-" in result.stdout
    assert ApprovalRequest.objects.filter(kind="class_change", requested_by=people["analyst_qian"]).exists()


# ---------------------------------------------------------------- term extensions


@pytest.fixture
def due_invoices(customers):
    return {
        "A": invoice(
            "S-1", customers["SG005"], "2026-03-01", "1000.00", "2026-05-05", currency="USD", fx_rate=D("7.1")
        ),
        "B": invoice("H-1", customers["HZ001"], "2026-03-01", "5000.00", "2026-05-05"),
        "C": invoice("N-1", customers["NB002"], "2026-03-01", "5000.00", "2026-04-05"),
    }


def test_a_class_b_extension_is_granted_when_the_department_head_approves(due_invoices, people):
    extension = term_extension_request(
        invoice=due_invoices["B"], days=20, reason="project delayed", requested_by=people["sales_zhang"]
    )
    request = ApprovalRequest.objects.get(number=extension.approval_number)
    approve(request, people["dh_ma"])
    extension.refresh_from_db()
    assert extension.status == "approved"
    assert Invoice.objects.get(number="H-1").due_date == date(2026, 5, 25)
    assert extension.extension.approved_by == "dh_ma"


def test_a_class_c_extension_is_refused_at_once_with_the_reason(due_invoices, people):
    with pytest.raises(RuleViolation, match="class C customers get no term extension"):
        term_extension_request(
            invoice=due_invoices["C"], days=10, reason="x", requested_by=people["sales_zhang"]
        )
    assert not TermExtensionRequest.objects.exists()
    assert not ApprovalRequest.objects.exists()


def test_extensions_add_at_most_30_days_in_all(due_invoices, people):
    first = term_extension_request(
        invoice=due_invoices["A"], days=20, reason="a", requested_by=people["sales_zhang"]
    )
    approve(ApprovalRequest.objects.get(number=first.approval_number), people["cfo_wu"])
    with pytest.raises(RuleViolation, match="at most 30 days"):
        term_extension_request(
            invoice=Invoice.objects.get(number="S-1"), days=11, reason="b", requested_by=people["sales_zhang"]
        )


def test_a_rejected_extension_changes_nothing(due_invoices, people):
    extension = term_extension_request(
        invoice=due_invoices["B"], days=5, reason="a", requested_by=people["sales_zhang"]
    )
    approval_decide(
        request=ApprovalRequest.objects.get(number=extension.approval_number),
        actor=people["dh_ma"],
        decision="reject",
        comment="no",
    )
    extension.refresh_from_db()
    assert extension.status == "rejected"
    assert Invoice.objects.get(number="H-1").due_date == date(2026, 5, 5)


# ---------------------------------------------------------------- order release


@pytest.fixture
def blocked_order(customers):
    return order_create(
        number="SO-77", customer=customers["NB002"], order_date=date(2026, 4, 1), amount=D("150000.00")
    )


def test_a_blocked_order_released_on_approval_gets_its_shipment_approval(blocked_order, people):
    assert blocked_order.check_status == CheckStatus.BLOCKED
    request = order_release_request(
        order=blocked_order, requested_by=people["sales_zhang"], reason="key account"
    )
    with pytest.raises(RuleViolation, match="already waiting"):
        order_release_request(order=blocked_order, requested_by=people["sales_zhang"])
    approve(request, people["cm_sun"])
    blocked_order.refresh_from_db()
    assert blocked_order.check_status == CheckStatus.RELEASED
    assert blocked_order.shipment_approval_number.startswith("SA-")
    assert blocked_order.release_approval_number == request.number


def test_a_rejected_release_leaves_the_order_blocked(blocked_order, people):
    request = order_release_request(order=blocked_order, requested_by=people["sales_zhang"])
    approval_decide(request=request, actor=people["cm_sun"], decision="reject", comment="too much")
    blocked_order.refresh_from_db()
    assert blocked_order.check_status == CheckStatus.BLOCKED
    assert blocked_order.shipment_approval_number == ""


def test_a_passed_order_cannot_be_sent_for_release(customers, people):
    order = order_create(
        number="SO-1", customer=customers["HZ001"], order_date=date(2026, 4, 1), amount=D("1")
    )
    with pytest.raises(RuleViolation, match="not blocked"):
        order_release_request(order=order, requested_by=people["sales_zhang"])


# ---------------------------------------------------------------- credit limits


def test_a_limit_under_the_cfo_threshold_needs_three_approvals(customers, people):
    application = credit_limit_apply(
        customer=customers["HZ001"], amount=D("800000.00"), requested_by=people["sales_zhang"]
    )
    request = ApprovalRequest.objects.get(number=application.approval_number)
    approve(request, people["sm_liu"], people["analyst_qian"])
    assert Customer.objects.get(code="HZ001").credit_limit == D("500000.00")
    approve(request, people["cm_sun"])
    application.refresh_from_db()
    assert application.status == "approved"
    assert application.previous_limit == D("500000.00")
    assert Customer.objects.get(code="HZ001").credit_limit == D("800000.00")


def test_a_limit_from_one_million_also_needs_the_cfo(customers, people):
    application = credit_limit_apply(
        customer=customers["HZ001"], amount=D("1000000.00"), requested_by=people["sales_zhang"]
    )
    request = ApprovalRequest.objects.get(number=application.approval_number)
    request = approve(request, people["sm_liu"], people["analyst_qian"], people["cm_sun"])
    assert request.status == "pending"
    assert Customer.objects.get(code="HZ001").credit_limit == D("500000.00")
    approve(request, people["cfo_wu"])
    assert Customer.objects.get(code="HZ001").credit_limit == D("1000000.00")


def test_the_limit_change_is_in_the_audit_trail(customers, people):
    from auditlog.models import LogEntry

    application = credit_limit_apply(
        customer=customers["HZ001"], amount=D("600000.00"), requested_by=people["sales_zhang"]
    )
    approve(
        ApprovalRequest.objects.get(number=application.approval_number),
        people["sm_liu"],
        people["analyst_qian"],
        people["cm_sun"],
    )
    entries = LogEntry.objects.get_for_object(Customer.objects.get(code="HZ001"))
    assert any("credit_limit" in (entry.changes_dict or {}) for entry in entries)


# ---------------------------------------------------------------- holds and review


def test_a_hold_is_lifted_only_by_approval(customers, people):
    hold = customer_hold_place(
        customer=customers["HZ001"], reason="lawsuit", source="legal", on=date(2026, 4, 1)
    )
    assert (
        customer_hold_place(customer=customers["HZ001"], reason="again", source="legal", on=date(2026, 4, 2))
        == hold
    )
    request = hold_lift_request(hold=hold, requested_by=people["sales_zhang"], reason="settled")
    assert Customer.objects.get(code="HZ001").status == "credit_hold"
    approve(request, people["cm_sun"])
    hold.refresh_from_db()
    assert hold.lifted_on is not None and hold.lift_approval_number == request.number
    assert Customer.objects.get(code="HZ001").status == "active"


def test_the_quarterly_review_holds_90_days_overdue_and_proposes_downgrades(march, people, huikuan):
    # On 30 June, H-0101 (due 10 Feb) is 140 days overdue; H-0120 (due 15 March) 107.
    result = huikuan("credit", "review", "--as-of", "2026-06-30", "--json")
    assert result.code == 0, result.stderr
    data = result.json()
    assert data["period"] == "2026-06"
    assert [h["customer_code"] for h in data["holds"]] == ["HZ001"]
    assert CreditHold.objects.get(customer__code="HZ001").source == "review"
    # HZ001 paid nothing due in June... nothing was due: payment kept; still the review
    # proposes downgrades only where payment behaviour worsened.
    for downgrade in data["downgrades"]:
        assert downgrade["to_class"] > downgrade["from_class"]
    again = huikuan("credit", "review", "--as-of", "2026-06-30", "--json").json()
    assert again["holds"] == [] and again["downgrades"] == []
    assert CreditHold.objects.count() == 1


def test_the_review_proposes_a_downgrade_when_payment_falls_below_the_class(db, people):
    customer = make_customer("TZ1", credit_class="A", industry_position="top5")
    invoice("T-1", customer, "2026-08-01", "1000.00", "2026-09-10", gross_margin=D("0.30"))
    result = credit_review(as_of=date(2026, 9, 30), requested_by=people["analyst_qian"])
    assert result.period == "2026-09"
    assert [(d.customer_code, d.from_class, d.to_class) for d in result.downgrades] == [("TZ1", "A", "D")]
    assert ApprovalRequest.objects.get(kind="class_change").payload["source"] == "review"
