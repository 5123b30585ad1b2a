"""The collector's tools: promises, payment plans, disputes, reasons, penalties, the timeline."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from huikuan.collections.models import PlanStatus, PromiseStatus
from huikuan.collections.selectors import customer_timeline
from huikuan.collections.services import (
    activity_log,
    dispute_open,
    dispute_resolve,
    overdue_reason_set,
    penalty_apply,
    plan_create,
    plans_evaluate,
    promise_make,
    promises_evaluate,
)
from huikuan.core.errors import RuleViolation
from tests.collections.conftest import MARCH_1


def day(n: int) -> date:
    return MARCH_1 + timedelta(days=n)


@pytest.fixture
def customer(make_customer, make_invoice):
    customer = make_customer("K001")
    make_invoice(customer, "K-1", day(-10), "3000.00")
    return customer


def test_a_promise_is_kept_when_payments_since_it_reach_the_amount_by_its_date(customer, pay):
    promise = promise_make(
        customer=customer,
        promised_date=day(10),
        amount=Decimal("2000.00"),
        made_on=day(0),
        made_by="zhang.wei",
    )
    pay(customer, day(-1), "5000.00")  # before the promise: does not count
    pay(customer, day(3), "1500.00")
    assert promises_evaluate(as_of=day(5)) == {"kept": 0, "broken": 0}
    promise.refresh_from_db()
    assert (promise.status, promise.paid_amount) == (PromiseStatus.OPEN, Decimal("1500.00"))
    pay(customer, day(8), "500.00")
    assert promises_evaluate(as_of=day(9)) == {"kept": 1, "broken": 0}
    promise.refresh_from_db()
    assert (promise.status, promise.resolved_on) == (PromiseStatus.KEPT, day(8))
    assert promises_evaluate(as_of=day(20)) == {"kept": 0, "broken": 0}


def test_a_promise_is_broken_the_day_after_its_date_passes_short(customer, pay):
    promise = promise_make(
        customer=customer,
        promised_date=day(10),
        amount=Decimal("2000.00"),
        made_on=day(0),
        made_by="zhang.wei",
    )
    pay(customer, day(4), "1999.99")
    pay(customer, day(11), "10.00")  # too late
    assert promises_evaluate(as_of=day(10)) == {"kept": 0, "broken": 0}
    assert promises_evaluate(as_of=day(11)) == {"kept": 0, "broken": 1}
    promise.refresh_from_db()
    assert (promise.status, promise.resolved_on, promise.paid_amount) == (
        PromiseStatus.BROKEN,
        day(11),
        Decimal("1999.99"),
    )


def test_a_promise_refuses_a_past_date_and_other_customers_invoices(customer, make_customer, make_invoice):
    with pytest.raises(RuleViolation, match="before"):
        promise_make(customer=customer, promised_date=day(-1), amount=Decimal(1), made_on=day(0), made_by="x")
    other = make_invoice(make_customer("K002"), "K2-1", day(1))
    with pytest.raises(RuleViolation, match="not customer K001"):
        promise_make(
            customer=customer,
            promised_date=day(3),
            amount=Decimal(1),
            made_on=day(0),
            made_by="x",
            invoices=[other],
        )


def plan_of(customer):
    return plan_create(
        customer=customer,
        starts_on=day(0),
        instalments=[
            (day(10), Decimal("1000.00")),
            (day(20), Decimal("1000.00")),
            (day(30), Decimal("1000.00")),
        ],
        created_by="zhang.wei",
    )


def test_a_plan_stays_active_while_instalments_remain_and_completes_when_all_are_paid(customer, pay):
    plan = plan_of(customer)
    pay(customer, day(9), "1000.00")
    pay(customer, day(15), "1500.00")
    assert plans_evaluate(as_of=day(25)) == {"completed": 0, "broken": 0}
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    assert [i.paid_on for i in plan.instalments.all()] == [day(9), day(15), None]
    pay(customer, day(29), "500.00")
    assert plans_evaluate(as_of=day(29)) == {"completed": 1, "broken": 0}
    plan.refresh_from_db()
    assert (plan.status, plan.resolved_on) == (PlanStatus.COMPLETED, day(29))


def test_a_missed_instalment_breaks_the_plan(customer, pay):
    plan = plan_of(customer)
    pay(customer, day(9), "1000.00")
    pay(customer, day(19), "999.00")
    assert plans_evaluate(as_of=day(20)) == {"completed": 0, "broken": 0}  # still its due day
    assert plans_evaluate(as_of=day(21)) == {"completed": 0, "broken": 1}
    plan.refresh_from_db()
    assert (plan.status, plan.resolved_on) == (PlanStatus.BROKEN, day(21))


def test_one_active_plan_per_customer(customer):
    plan_of(customer)
    with pytest.raises(RuleViolation, match="already has an active payment plan"):
        plan_of(customer)


def test_disputes_never_exceed_the_open_balance_and_resolving_needs_a_resolution(customer):
    from huikuan.ledger.models import Invoice

    invoice = Invoice.objects.get(number="K-1")
    dispute = dispute_open(
        invoice=invoice,
        amount=Decimal("2000.00"),
        reason_code="quality",
        owner="zhang.wei",
        opened_on=day(0),
        opened_by="zhang.wei",
    )
    with pytest.raises(RuleViolation, match="more than the open"):
        dispute_open(
            invoice=invoice,
            amount=Decimal("1000.01"),
            reason_code="price",
            owner="zhang.wei",
            opened_on=day(0),
            opened_by="zhang.wei",
        )
    with pytest.raises(RuleViolation, match="resolved"):
        dispute_resolve(dispute=dispute, resolution=" ", root_cause="", resolved_on=day(1))
    dispute_resolve(
        dispute=dispute, resolution="replaced the goods", root_cause="supplier batch", resolved_on=day(2)
    )
    with pytest.raises(RuleViolation, match="already resolved"):
        dispute_resolve(dispute=dispute, resolution="again", root_cause="", resolved_on=day(3))
    # Released: the whole balance may be disputed again.
    dispute_open(
        invoice=invoice,
        amount=Decimal("3000.00"),
        reason_code="price",
        owner="zhang.wei",
        opened_on=day(4),
        opened_by="zhang.wei",
    )


def test_reason_codes_and_penalties_are_checked(customer):
    with pytest.raises(RuleViolation, match="unknown overdue reason"):
        overdue_reason_set(customer=customer, code="lazy", noted_on=day(0), noted_by="zhang.wei")
    with pytest.raises(RuleViolation, match=r"no downgrade|不是降级"):  # credit's message, translated
        penalty_apply(
            customer=customer,
            kind="class_downgrade",
            decided_on=day(0),
            decided_by="zhang.wei",
            reason="late again",
            proposed_class="A",
        )
    penalty = penalty_apply(
        customer=customer,
        kind="class_downgrade",
        decided_on=day(0),
        decided_by="zhang.wei",
        reason="late again",
        proposed_class="C",
    )
    assert penalty.proposed_class == "C"
    penalty_apply(
        customer=customer, kind="credit_hold", decided_on=day(1), decided_by="zhang.wei", reason="90 days"
    )
    customer.refresh_from_db()
    assert customer.status == "credit_hold"
    assert customer.credit_holds.get().source == "collections"


def test_the_timeline_merges_everything_newest_first(customer, pay):
    from huikuan.collections.run import dunning_run
    from huikuan.core.audit import audit_context
    from huikuan.ledger.models import Invoice

    activity_log(customer=customer, kind="visit", occurred_on=day(1), user="zhang.wei", note="met the CFO")
    promise_make(
        customer=customer, promised_date=day(9), amount=Decimal("100.00"), made_on=day(2), made_by="zhang.wei"
    )
    dispute_open(
        invoice=Invoice.objects.get(number="K-1"),
        amount=Decimal("100.00"),
        reason_code="price",
        owner="zhang.wei",
        opened_on=day(3),
        opened_by="zhang.wei",
    )
    overdue_reason_set(customer=customer, code="habitual", noted_on=day(4), noted_by="zhang.wei")
    penalty_apply(
        customer=customer, kind="credit_hold", decided_on=day(5), decided_by="zhang.wei", reason="90 days"
    )
    plan_create(
        customer=customer, starts_on=day(6), instalments=[(day(40), Decimal("10.00"))], created_by="zhang.wei"
    )
    with audit_context(source="test"):
        customer.status = "credit_hold"
        customer.save()
    dunning_run(date=day(0))  # before the plan: the first collection of K-1 (+10 days)
    timeline = customer_timeline(customer=customer)
    status = [entry for entry in timeline if entry.kind == "status"]
    assert [entry.summary for entry in status] == ["状态 正常 → 信用冻结"]  # zh-Hans by default
    kinds = [entry.kind for entry in timeline if entry.kind != "status"]
    assert kinds == [
        "plan",
        "penalty",
        "overdue_reason",
        "dispute",
        "promise",
        "activity",
        "dunning",
        "dunning",
    ]
    dates = [entry.on for entry in timeline]
    assert dates == sorted(dates, reverse=True)


def test_collections_speaks_chinese_by_default(db):
    from django.utils import translation

    from huikuan.collections.models import DunningPolicy, PromiseStatus

    with translation.override("zh-hans"):
        assert str(DunningPolicy._meta.verbose_name) == "催收策略"
        assert str(PromiseStatus.BROKEN.label) == "已违约"
    with translation.override("en"):
        assert str(PromiseStatus.BROKEN.label) == "broken"
