"""One call per customer and day: the worklist shows a customer once with every step due,
logging the call completes them all, and the same promise is not recorded twice."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from huikuan.collections.models import ActionStatus, Channel, DunningAction, PromiseToPay
from huikuan.collections.run import dunning_run
from huikuan.collections.selectors import promise_duplicate, worklist_for
from huikuan.collections.services import promise_make, task_complete
from tests.collections.conftest import MARCH_1


def day(n: int) -> date:
    return MARCH_1 + timedelta(days=n)


@pytest.fixture
def two_steps_due(make_customer, make_invoice):
    """W5 owes an invoice a day overdue (step +1) and one a month overdue (step +30)."""
    customer = make_customer("W5")
    make_invoice(customer, "W5-1", day(-1), "1000.00")
    make_invoice(customer, "W5-2", day(-30), "2000.00")
    dunning_run(date=day(0))
    calls = DunningAction.objects.filter(customer=customer, channel=Channel.PHONE, status=ActionStatus.OPEN)
    assert calls.count() == 2, "the ladder should give W5 two call steps today"
    return customer


def test_a_customer_with_two_steps_due_is_one_item_with_both(two_steps_due):
    items = worklist_for(user="zhang.wei", date=day(0))
    assert [item.customer.code for item in items] == ["W5"]
    (item,) = items
    assert len(item.tasks) == 2 and item.task == item.tasks[0]
    assert len(item.step_codes) == 2
    assert set(item.invoice_numbers) == {"W5-1", "W5-2"}


def test_one_call_completes_every_step_due_for_the_customer(two_steps_due):
    (item,) = worklist_for(user="zhang.wei", date=day(0))
    activity = task_complete(
        task=item.task,
        user="zhang.wei",
        outcome="promised",
        promise={"promised_date": day(10), "amount": Decimal("3000.00")},
    )
    calls = DunningAction.objects.filter(customer=two_steps_due, channel=Channel.PHONE)
    assert {call.status for call in calls} == {ActionStatus.DONE}
    promise = PromiseToPay.objects.get(activity=activity)
    assert sorted(invoice.number for invoice in promise.invoices.all()) == ["W5-1", "W5-2"]
    assert worklist_for(user="zhang.wei", date=day(0)) == []


def test_the_same_promise_recorded_twice_is_kept_once(make_customer):
    customer = make_customer("W6")
    first = promise_make(
        customer=customer,
        promised_date=day(10),
        amount=Decimal("500.00"),
        made_on=day(0),
        made_by="zhang.wei",
    )
    assert promise_duplicate(customer=customer, amount=Decimal("500.00"), promised_date=day(10)) == first
    again = promise_make(
        customer=customer, promised_date=day(10), amount=Decimal("500.00"), made_on=day(1), made_by="li.na"
    )
    assert again == first and PromiseToPay.objects.filter(customer=customer).count() == 1
    other = promise_make(
        customer=customer, promised_date=day(11), amount=Decimal("500.00"), made_on=day(1), made_by="li.na"
    )
    assert other != first and PromiseToPay.objects.filter(customer=customer).count() == 2
