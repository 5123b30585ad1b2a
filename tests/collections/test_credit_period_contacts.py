"""The contacts of the credit period (seed 002: 发货后5天询问收货, 收货和发票确认): steps counted
from the shipment or the invoice date, the salesperson's call tasks."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from huikuan.collections.models import DunningAction, DunningStep
from huikuan.collections.run import dunning_run
from huikuan.collections.selectors import worklist_for
from huikuan.collections.services import dunning_step_update
from huikuan.core.errors import RuleViolation
from huikuan.ledger.services import invoice_issue
from tests.collections.conftest import MARCH_1, steps_taken


def day(n: int) -> date:
    return MARCH_1 + timedelta(days=n)


def issue(customer, number: str, invoiced: int, shipped: int | None = None, term: int = 60):
    return invoice_issue(
        number=number,
        customer=customer,
        invoice_date=day(invoiced),
        due_date=day(invoiced + term),
        shipment_date=None if shipped is None else day(shipped),
        amount=Decimal("1000.00"),
        currency="CNY",
    )


def test_the_delivery_call_counts_from_the_shipment_date(make_customer):
    customer = make_customer("SH")
    issue(customer, "SH-1", invoiced=0, shipped=-3)  # shipped 3 days before the invoice
    for n in range(0, 12):
        dunning_run(date=day(n))
    assert sorted(s for s in steps_taken() if s[0] == "SH-1") == [
        ("SH-1", "delivery_check", day(2)),  # shipment + 5
        ("SH-1", "goods_invoice_check", day(10)),  # invoice + 10
    ]


def test_without_a_shipment_date_the_delivery_call_counts_from_the_invoice_date(make_customer):
    customer = make_customer("NS")
    issue(customer, "NS-1", invoiced=0)
    dunning_run(date=day(4))
    assert not steps_taken()
    dunning_run(date=day(5))
    assert steps_taken() == {("NS-1", "delivery_check", day(5))}


def test_the_contacts_are_call_tasks_on_the_salespersons_worklist_not_emails(make_customer):
    customer = make_customer("WL", salesperson="li.na", collector="zhang.wei")
    issue(customer, "WL-1", invoiced=-5)
    dunning_run(date=day(0))
    [action] = DunningAction.objects.filter(customer=customer)
    assert (action.step_code, action.channel, action.assigned_to) == ("delivery_check", "phone", "li.na")
    [item] = worklist_for(user="li.na", date=day(0))
    assert item.customer == customer and item.step_codes == ["delivery_check"]
    assert worklist_for(user="zhang.wei", date=day(0)) == []


def test_an_invoice_first_met_after_its_reminder_skips_the_contacts(make_customer):
    customer = make_customer("SK")
    issue(customer, "SK-1", invoiced=-58, term=60)  # due in 2 days: the reminder (−5) reached
    dunning_run(date=day(0))
    assert steps_taken() == {("SK-1", "pre_due", day(0))}


def test_a_step_may_be_moved_to_another_anchor_but_not_out_of_order_on_it(make_customer):
    step = DunningStep.objects.get(policy__code="standard", code="goods_invoice_check")
    dunning_step_update(step=step, anchor="shipment", day_offset=8)
    step.refresh_from_db()
    assert (step.anchor, step.day_offset) == ("shipment", 8)
    with pytest.raises(RuleViolation, match="out of order"):
        dunning_step_update(step=step, day_offset=4)  # before the delivery call (shipment +5)
    with pytest.raises(RuleViolation, match="anchor"):
        dunning_step_update(step=step, anchor="order")


def test_the_seeded_policies_have_the_contacts_of_the_credit_period(db):
    for policy in ("standard", "accelerated", "premium"):
        steps = {
            s.code: (s.anchor, s.day_offset, s.channels, s.owner_role)
            for s in DunningStep.objects.filter(policy__code=policy)
        }
        assert steps["delivery_check"] == ("shipment", 5, ["phone"], "salesperson")
        assert steps["goods_invoice_check"] == ("invoice", 10, ["phone"], "salesperson")
        assert steps["legal"][:2] == ("due", 90)
        assert steps["lawyer"][:2] == ("due", 120)
