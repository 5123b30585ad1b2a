"""Deciding a request: segregation of duties, rejection, reconsideration, history, notifications,
and the kind's effect committed with the final approval."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core import mail

from huikuan.approvals.models import ApprovalRequest, Notification
from huikuan.approvals.selectors import access_approval_requests, approval_history, approvals_inbox
from huikuan.approvals.services import approval_decide, approval_request_submit, notification_mark_read
from huikuan.core.errors import ApplicationError, RuleViolation
from huikuan.ledger.models import Customer
from tests.approvals.conftest import TEST_KIND

pytestmark = pytest.mark.django_db


def submit(people, customer, amount: str = "800000.00", *, by: str = "sales_zhang", kind: str = TEST_KIND):
    return approval_request_submit(
        kind=kind,
        requested_by=people[by],
        summary=f"raise HZ001's limit to {amount}",
        customer=customer,
        amount=Decimal(amount),
        payload={"new_limit": amount},
        subject_ref="customer:HZ001",
    )


def decide(request, people, who: str, decision: str = "approve", comment: str = ""):
    return approval_decide(request=request, actor=people[who], decision=decision, comment=comment)


def test_numbers_are_unique_and_readable(people, customer, effects):
    first, second = submit(people, customer), submit(people, customer)
    assert re.fullmatch(r"AP-\d{6}", first.number)
    assert int(second.number[3:]) == int(first.number[3:]) + 1


def test_the_requester_decides_no_step_of_their_own_request(people, customer, effects):
    # A credit manager who asks cannot approve, not even with another role's step.
    request = submit(people, customer, "2000000.00", by="cm_sun")
    with pytest.raises(RuleViolation, match="requester"):
        decide(request, people, "cm_sun")
    request = decide(request, people, "cm_zhou")
    assert request.current_step.name == "CFO"
    assert request not in approvals_inbox(user=people["cm_sun"])


def test_the_requester_is_refused_at_every_step_even_holding_its_role(people, customer, effects):
    from huikuan.accounts.services import user_create

    cfo_and_manager = user_create(username="both", role="cfo", password="Huikuan-test-pw-1").user
    cfo_and_manager.groups.add(people["cm_sun"].groups.get())
    people["both"] = cfo_and_manager
    request = submit(people, customer, "2000000.00", by="both")
    with pytest.raises(RuleViolation, match="requester"):
        decide(request, people, "both")
    request = decide(request, people, "cm_sun")
    with pytest.raises(RuleViolation, match="requester"):
        decide(request, people, "both")


def test_a_user_decides_at_most_one_step_of_a_request(people, customer, effects):
    from huikuan.accounts.services import user_create

    manager_and_cfo = user_create(username="mc", role="credit_manager", password="Huikuan-test-pw-1").user
    manager_and_cfo.groups.add(people["cfo_wu"].groups.get())
    request = submit(people, customer, "2000000.00")
    request = decide(request, {"mc": manager_and_cfo}, "mc")
    assert request.current_step.name == "CFO"
    assert request not in approvals_inbox(user=manager_and_cfo)
    with pytest.raises(RuleViolation, match="another step"):
        decide(request, {"mc": manager_and_cfo}, "mc")
    assert decide(request, people, "cfo_wu").status == "approved"


def test_final_approval_calls_on_approved_once_and_its_effect_is_kept(people, customer, effects):
    request = decide(submit(people, customer), people, "cm_sun")
    assert request.status == "approved" and request.decided_at is not None
    assert effects.approved == [(request.number, "cm_sun")]
    assert Customer.objects.get(code="HZ001").credit_limit == Decimal("800000.00")
    with pytest.raises(RuleViolation, match="already"):
        decide(request, people, "cm_zhou")
    assert len(effects.approved) == 1


@pytest.mark.django_db(transaction=True)
def test_when_the_effect_fails_the_approval_is_not_kept_either(people, customer, effects):
    request = submit(people, customer)
    effects.fail_with = RuleViolation("the customer is closed")
    with pytest.raises(RuleViolation, match="closed"):
        decide(request, people, "cm_sun")
    request.refresh_from_db()
    assert request.status == "pending"
    assert [row.decision for row in approval_history(request=request)] == ["submit"]
    effects.fail_with = None
    decide(request, people, "cm_sun")
    assert Customer.objects.get(code="HZ001").credit_limit == Decimal("800000.00")
    assert ApprovalRequest.objects.get(pk=request.pk).status == "approved"


def test_rejecting_needs_a_comment_and_ends_the_request(people, customer, effects):
    request = submit(people, customer)
    with pytest.raises(ApplicationError, match="comment"):
        decide(request, people, "cm_sun", "reject")
    request = decide(request, people, "cm_sun", "reject", "两个月逾期未清")
    assert request.status == "rejected"
    assert effects.rejected == [(request.number, "cm_sun")] and effects.approved == []
    assert Customer.objects.get(code="HZ001").credit_limit == Decimal("500000.00")
    with pytest.raises(RuleViolation):
        decide(request, people, "cm_zhou")


def test_reconsideration_reopens_the_rejecting_step_once(people, customer, effects):
    request = submit(people, customer, "2000000.00")
    request = decide(request, people, "cm_sun")
    request = decide(request, people, "cfo_wu", "reject", "exposure too high")
    with pytest.raises(ApplicationError, match="comment"):
        decide(request, people, "sm_liu", "reconsider")
    with pytest.raises(RuleViolation, match="requester or a sales manager"):
        decide(request, people, "cm_zhou", "reconsider", "please")
    request = decide(request, people, "sm_liu", "reconsider", "customer posted a bank guarantee")
    assert request.status == "pending" and request.current_step.name == "CFO"
    assert request in approvals_inbox(user=people["cfo_wu"])
    request = decide(request, people, "cfo_wu", "reject", "still too high")
    with pytest.raises(RuleViolation, match="once"):
        decide(request, people, "sales_zhang", "reconsider", "again please")
    assert request.status == "rejected"


def test_the_requester_may_ask_for_reconsideration_and_the_request_can_then_pass(people, customer, effects):
    request = decide(submit(people, customer), people, "cm_sun", "reject", "no")
    with pytest.raises(RuleViolation, match="only a rejected"):
        decide(submit(people, customer), people, "sales_zhang", "reconsider", "why")
    request = decide(request, people, "sales_zhang", "reconsider", "new financial statements attached")
    request = decide(request, people, "cm_sun")
    assert request.status == "approved"
    assert effects.approved == [(request.number, "cm_sun")]


def test_the_history_holds_every_step_in_order(people, customer, effects):
    request = submit(people, customer, "2000000.00")
    request = decide(request, people, "cm_sun", comment="ok")
    request = decide(request, people, "cfo_wu", "reject", "too high")
    request = decide(request, people, "sm_liu", "reconsider", "guarantee")
    request = decide(request, people, "cfo_wu", comment="fine with the guarantee")
    rows = [
        (row.actor.get_username(), row.role, row.step.name if row.step else None, row.decision, row.comment)
        for row in approval_history(request=request)
    ]
    assert rows == [
        ("sales_zhang", "", None, "submit", ""),
        ("cm_sun", "credit_manager", "credit manager", "approve", "ok"),
        ("cfo_wu", "cfo", "CFO", "reject", "too high"),
        ("sm_liu", "sales_manager", "CFO", "reconsider", "guarantee"),
        ("cfo_wu", "cfo", "CFO", "approve", "fine with the guarantee"),
    ]
    logged = LogEntry.objects.get_for_model(type(approval_history(request=request).first()))
    assert logged.count() == 5


def test_the_next_approvers_are_notified_in_app_and_by_email_after_commit(
    people, customer, effects, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(people, customer, "2000000.00")
    notified = set(Notification.objects.filter(request=request).values_list("user__username", flat=True))
    assert notified == {"cm_sun", "cm_zhou"}
    assert sorted(message.to[0] for message in mail.outbox) == ["cm_sun@example.com", "cm_zhou@example.com"]
    assert request.number in mail.outbox[0].subject

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request = decide(request, people, "cm_sun")
    assert mail.outbox == []  # nothing is sent before the commit
    for callback in callbacks:
        callback()
    assert [message.to for message in mail.outbox] == [["cfo_wu@example.com"]]

    with django_capture_on_commit_callbacks(execute=True):
        decide(request, people, "cfo_wu")
    outcome = Notification.objects.filter(user=people["sales_zhang"], request=request).get()
    assert request.number in outcome.message
    assert notification_mark_read(user=people["sales_zhang"]) == 1
    assert Notification.objects.get(pk=outcome.pk).read_at is not None


def test_the_inbox_holds_what_the_user_may_decide_now(people, customer, effects):
    small, large = submit(people, customer), submit(people, customer, "3000000.00")
    assert list(approvals_inbox(user=people["cm_sun"])) == [small, large]
    assert list(approvals_inbox(user=people["cfo_wu"])) == []
    decide(large, people, "cm_sun")
    assert list(approvals_inbox(user=people["cm_sun"])) == [small]
    assert list(approvals_inbox(user=people["cm_zhou"])) == [small]  # large's credit-manager step is done
    assert list(approvals_inbox(user=people["cfo_wu"])) == [large]
    assert list(approvals_inbox(user=people["auditor_he"])) == []


def test_scoped_staff_see_only_the_requests_on_their_customers(people, customer, effects):
    on_hz001 = submit(people, customer)
    other = Customer.objects.get(code="SZ002")
    on_sz002 = approval_request_submit(
        kind=TEST_KIND,
        requested_by=people["sales_li"],
        summary="SZ002",
        customer=other,
        amount=Decimal("1.00"),
    )
    assert set(access_approval_requests(user=people["collector_wang"])) == {on_hz001}
    assert set(access_approval_requests(user=people["sales_li"])) == {on_sz002}
    assert set(access_approval_requests(user=people["auditor_he"])) == {on_hz001, on_sz002}
