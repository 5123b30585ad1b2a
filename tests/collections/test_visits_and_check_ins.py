"""Customer visits and relationship care (seed 003 上门; seed 004 定期回访、节日问候): a visit is
planned with its date, people and purpose, then recorded with its outcome; customers of a
class get a check-in reminder every so many days without a call or visit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from huikuan.collections.models import ActionStatus, Activity, DunningAction
from huikuan.collections.relationship import (
    check_ins_create,
    visit_cancel,
    visit_plan,
    visit_record,
    visits_planned,
)
from huikuan.collections.selectors import customer_timeline, worklist_for
from huikuan.collections.services import activity_log, task_complete
from huikuan.core.errors import RuleViolation
from huikuan.core.policy import policy_set
from huikuan.ledger.models import Customer
from tests.collections.conftest import MARCH_1


def day(n: int) -> date:
    return MARCH_1 + timedelta(days=n)


def test_a_visit_is_planned_then_recorded_with_its_outcome(make_customer):
    customer = make_customer("VS")
    visit = visit_plan(
        customer=customer,
        planned_on=day(3),
        people="李娜、张伟；对方财务经理王强",
        purpose="collection",
        note="核对3月对账单，商谈付款计划",
        user="li.na",
    )
    assert (visit.kind, visit.status, visit.occurred_on) == ("visit", "planned", day(3))
    assert visits_planned(customer=customer) == [visit]
    done = visit_record(
        visit=visit, occurred_on=day(4), result="对方承诺月底前付清", outcome="promised", user="li.na"
    )
    assert (done.status, done.occurred_on, done.outcome, done.result) == (
        "done",
        day(4),
        "promised",
        "对方承诺月底前付清",
    )
    assert done.people == "李娜、张伟；对方财务经理王强"  # as planned, none given
    assert visits_planned(customer=customer) == []
    summary = customer_timeline(customer=customer)[0].summary
    assert "对方承诺月底前付清" in summary and "王强" in summary


def test_a_visit_needs_its_people_and_is_recorded_or_cancelled_once(make_customer):
    customer = make_customer("VX")
    with pytest.raises(RuleViolation, match="people"):
        visit_plan(customer=customer, planned_on=day(1), people="  ", user="li.na")
    visit = visit_plan(customer=customer, planned_on=day(1), people="李娜", user="li.na")
    with pytest.raises(RuleViolation, match="what came of"):
        visit_record(visit=visit, occurred_on=day(1), result=" ", user="li.na")
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(RuleViolation, match="not taken place"):
        visit_record(visit=visit, occurred_on=tomorrow, result="ok", user="li.na")
    cancelled = visit_cancel(visit=visit, reason="客户改期", user="li.na")
    assert (cancelled.status, cancelled.result) == ("cancelled", "客户改期")
    with pytest.raises(RuleViolation, match="already cancelled"):
        visit_record(visit=visit, occurred_on=day(1), result="ok", user="li.na")
    call = activity_log(customer=customer, kind="call", occurred_on=day(0), user="li.na")
    with pytest.raises(RuleViolation, match="only a visit"):
        visit_cancel(visit=call, reason="x", user="li.na")


def test_a_planned_visit_is_not_a_last_contact_on_the_worklist(make_customer, make_invoice):
    from huikuan.collections.run import dunning_run

    customer = make_customer("WV")
    make_invoice(customer, "WV-1", day(-2))
    dunning_run(date=day(0))
    visit_plan(customer=customer, planned_on=day(-1), people="张伟", user="zhang.wei")
    activity_log(customer=customer, kind="call", outcome="no_answer", occurred_on=day(-1), user="zhang.wei")
    [item] = worklist_for(user="zhang.wei", date=day(0))
    assert [contact.kind for contact in item.last_contacts] == ["call"]


@pytest.fixture
def check_in_customers(make_customer):
    """Class B (every 60 days by default) and class A (every 90), created on day 0."""
    created = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)
    customers = {code: make_customer(code, klass) for code, klass in (("CB", "B"), ("CA", "A"))}
    Customer.objects.filter(pk__in=[c.pk for c in customers.values()]).update(created_at=created)
    return customers


def check_ins() -> set[tuple[str, date, str]]:
    return set(
        DunningAction.objects.filter(step_code="check_in").values_list(
            "customer__code", "action_date", "assigned_to"
        )
    )


def test_a_check_in_reminder_comes_when_the_last_contact_is_the_class_period_old(check_in_customers):
    assert check_ins_create(as_of=day(59)) == 0
    assert check_ins_create(as_of=day(60)) == 1  # class B: 60 days without a call or visit
    assert check_ins() == {("CB", day(60), "li.na")}  # on the salesperson's worklist
    assert check_ins_create(as_of=day(61)) == 0  # one open reminder is enough
    assert check_ins_create(as_of=day(90)) == 1  # class A: 90 days
    [item] = [i for i in worklist_for(user="li.na", date=day(90)) if i.customer.code == "CB"]
    assert item.step_codes == ["check_in"]


def test_a_call_or_visit_restarts_the_period_and_a_planned_visit_holds_the_reminder(check_in_customers):
    activity_log(customer=check_in_customers["CB"], kind="call", occurred_on=day(30), user="li.na")
    assert check_ins_create(as_of=day(89)) == 0
    visit_plan(customer=check_in_customers["CB"], planned_on=day(95), people="李娜", user="li.na")
    assert check_ins_create(as_of=day(90)) == 1  # class A only: CB has a visit planned ahead
    assert {code for code, _, _ in check_ins()} == {"CA"}


def test_logging_the_check_in_call_or_recording_a_visit_closes_the_reminder(check_in_customers):
    check_ins_create(as_of=day(90))
    reminder = DunningAction.objects.get(customer__code="CB", step_code="check_in")
    task_complete(task=reminder, user="li.na", outcome="reached", on=day(91))
    assert DunningAction.objects.get(pk=reminder.pk).status == ActionStatus.DONE
    visit = visit_plan(customer=check_in_customers["CA"], planned_on=day(91), people="李娜", user="li.na")
    visit_record(visit=visit, occurred_on=day(91), result="节日问候，关系良好", user="li.na")
    assert not DunningAction.objects.filter(step_code="check_in", status=ActionStatus.OPEN).exists()
    # The period counts from those contacts now.
    assert check_ins_create(as_of=day(91 + 59)) == 0
    assert check_ins_create(as_of=day(91 + 60)) == 1


def test_a_class_without_a_period_and_closed_customers_get_no_reminder(check_in_customers):
    policy_set(key="COLLECTIONS_CHECK_IN_DAYS_BY_CLASS", value={"A": 0, "B": 60, "C": 30, "D": 30})
    Customer.objects.filter(code="CB").update(status="closed")
    assert check_ins_create(as_of=day(400)) == 0
    assert Activity.objects.count() == 0


def test_the_daily_job_makes_the_reminders(check_in_customers):
    from huikuan.jobs.services import job_run

    assert job_run(name="check_ins", date=day(60)).result == {"reminders": 1}
