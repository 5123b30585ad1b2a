"""The collector's worklist and the collections figures per collector and team."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from huikuan.collections.models import ActionStatus, DunningAction, PromiseStatus, PromiseToPay
from huikuan.collections.performance import (
    collections_performance,
    overdue_clearance,
    overdue_reason_breakdown,
)
from huikuan.collections.run import dunning_run
from huikuan.collections.selectors import worklist_for
from huikuan.collections.services import activity_log, overdue_reason_set, promises_evaluate, task_complete
from huikuan.core.errors import RuleViolation
from tests.collections.conftest import MARCH_1


def day(n: int) -> date:
    return MARCH_1 + timedelta(days=n)


@pytest.fixture
def worklist_ledger(make_customer, make_invoice):
    # Same collector; the riskier balances should come first.
    big_recent = make_customer("W1")  # 10,000 overdue 2 days, class B: 0.30 × 10,000 = 3,000
    make_invoice(big_recent, "W1-1", day(-2), "10000.00")
    make_invoice(big_recent, "W1-2", day(20), "500.00")  # not yet due: shown, not weighted
    old_small = make_customer("W2", "D")  # 4,000 overdue 20 days, class D: 0.60 × 4,000 = 2,400
    make_invoice(old_small, "W2-1", day(-20), "4000.00")
    same_weight = make_customer("W3")  # 10,000 overdue 2 days as well: tie, fewer days → after
    make_invoice(same_weight, "W3-1", day(-1), "10000.00")
    other = make_customer("W4", collector="wang.fang")
    make_invoice(other, "W4-1", day(-2), "99999.00")
    dunning_run(date=day(0))
    activity_log(customer=big_recent, kind="call", outcome="no_answer", occurred_on=day(-1), user="zhang.wei")
    return big_recent


def test_the_worklist_puts_the_riskiest_overdue_amount_first(worklist_ledger, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        items = worklist_for(user="zhang.wei", date=day(0))
        codes = [item.customer.code for item in items]
        first = items[0]
        open_numbers = [invoice.number for invoice in first.open_invoices]
        contacts = [activity.outcome for activity in first.last_contacts]
    assert codes == ["W1", "W3", "W2"]
    assert [item.risk_weighted_amount for item in items] == [
        Decimal("3000.00"),
        Decimal("3000.00"),
        Decimal("2400.00"),
    ]
    assert (first.overdue_balance, first.days_overdue, first.segment) == (Decimal("10000.00"), 2, "normal")
    assert open_numbers == ["W1-1", "W1-2"]
    assert contacts == ["no_answer"]


def test_the_worklist_is_the_same_few_queries_for_many_tasks(
    worklist_ledger, make_customer, make_invoice, django_assert_max_num_queries
):
    for n in range(20):
        make_invoice(make_customer(f"M{n:02d}"), f"M{n:02d}-1", day(-1))
    dunning_run(date=day(1))
    with django_assert_max_num_queries(12):
        items = worklist_for(user="zhang.wei", date=day(1))
        assert sum(len(item.open_invoices) + len(item.last_contacts) for item in items) > 20
    assert len(items) == 23


def test_logging_a_call_with_a_promise_completes_the_task_in_one_step(worklist_ledger):
    task = worklist_for(user="zhang.wei", date=day(0))[0].task
    activity = task_complete(
        task=task,
        user="zhang.wei",
        outcome="promised",
        note="CFO promises half by the 10th",
        promise={"promised_date": day(10), "amount": Decimal("5000.00")},
    )
    task.refresh_from_db()
    assert (task.status, task.outcome, task.completed_by) == (ActionStatus.DONE, "promised", "zhang.wei")
    promise = PromiseToPay.objects.get(activity=activity)
    assert [i.number for i in promise.invoices.all()] == ["W1-1"]
    assert [item.customer.code for item in worklist_for(user="zhang.wei", date=day(0))] == ["W3", "W2"]
    with pytest.raises(RuleViolation, match="already done"):
        task_complete(task=task, user="zhang.wei", outcome="reached")


def test_the_next_run_pauses_the_promised_invoice(worklist_ledger):
    task = worklist_for(user="zhang.wei", date=day(0))[0].task
    task_complete(
        task=task,
        user="zhang.wei",
        outcome="promised",
        promise={"promised_date": day(40), "amount": Decimal("10000.00")},
    )
    result = dunning_run(date=day(30))
    stepped = {number for action in result.actions for number in action.invoice_numbers}
    assert "W1-1" not in stepped  # promised
    assert {"W1-2", "W2-1", "W3-1", "W4-1"} <= stepped  # the rest goes on


@pytest.fixture
def performance_ledger(make_customer, make_invoice, pay):
    east = make_customer("X")
    east_invoice = make_invoice(east, "X-1", day(-10), "1000.00")
    south = make_customer("Y", collector="wang.fang", department="华南销售部")
    south_invoice = make_invoice(south, "Y-1", day(-40), "2000.00")
    dunning_run(date=day(0))
    call = DunningAction.objects.get(customer=east, channel="phone")
    task_complete(
        task=call,
        user="zhang.wei",
        outcome="promised",
        promise={"promised_date": day(5), "amount": Decimal("600.00")},
    )
    from huikuan.collections.services import promise_make

    promise_make(
        customer=south, promised_date=day(2), amount=Decimal("100.00"), made_on=day(0), made_by="wang.fang"
    )
    pay(east, day(3), "600.00", east_invoice)
    pay(south, day(20), "500.00", south_invoice)  # beyond 14 days after its action
    promises_evaluate(as_of=day(6))
    overdue_reason_set(customer=east, code="habitual", noted_on=day(1), noted_by="zhang.wei")
    return east, south


def test_collections_figures_per_collector(performance_ledger):
    rows = {row.group: row.as_dict() for row in collections_performance(start=day(0), end=day(30))}
    assert rows["zhang.wei"] == {
        "group": "zhang.wei",
        "actions_done": 1,
        "collected_after_action": "600.00",
        "promises_kept": 1,
        "promises_broken": 0,
        "promises_kept_percent": "100.00",
    }
    assert rows["wang.fang"]["collected_after_action"] == "0"
    assert rows["wang.fang"]["promises_kept_percent"] == "0.00"
    assert PromiseToPay.objects.get(customer__code="Y").status == PromiseStatus.BROKEN


def test_overdue_clearance_and_reasons_per_team(performance_ledger):
    by_team = {row.group: row.as_dict() for row in overdue_clearance(start=day(0), as_of=day(30), by="team")}
    assert by_team["华东销售部"] == {
        "group": "华东销售部",
        "overdue_at_start": "1000.00",
        "collected_since": "600.00",
        "clearance_percent": "60.00",
    }
    assert by_team["华南销售部"]["clearance_percent"] == "25.00"
    [total] = overdue_clearance(start=day(0), as_of=day(30))
    assert total.clearance_percent == Decimal("36.67")
    reasons = {
        (row.group, row.reason): row.as_dict() for row in overdue_reason_breakdown(as_of=day(30), by="team")
    }
    assert reasons[("华东销售部", "habitual")]["overdue_balance"] == "400.00"
    assert reasons[("华南销售部", "")]["customers"] == 1
