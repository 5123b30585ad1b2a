"""Holds placed in bulk (the dunning run's legal step) follow the same rules as one by one."""

from datetime import date

import pytest
from auditlog.models import LogEntry

from huikuan.core.audit import audit_context
from huikuan.credit.models import CreditHold
from huikuan.credit.services import customer_hold_place, customers_hold_place
from huikuan.ledger.models import Customer
from huikuan.ledger.services import customer_create

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 25)


def test_bulk_holds_suspend_active_customers_once_and_audit_the_status_change():
    active = [customer_create(code=f"C{n}", name=f"客户{n}") for n in range(3)]
    legal = customer_create(code="L", name="诉讼中", status="legal")
    customer_hold_place(customer=active[0], reason="already", source="dunning", on=date(2026, 11, 1))
    ids = [c.pk for c in active] + [legal.pk]

    assert customers_hold_place(customer_ids=ids, reason="legal step", source="dunning", on=DAY) == 3
    assert customers_hold_place(customer_ids=ids, reason="legal step", source="dunning", on=DAY) == 0

    statuses = dict(Customer.objects.values_list("code", "status"))
    assert statuses == {"C0": "credit_hold", "C1": "credit_hold", "C2": "credit_hold", "L": "legal"}
    assert CreditHold.objects.filter(customer__code="C0").count() == 1  # the earlier hold stands
    assert CreditHold.objects.filter(customer__code="L", source="dunning").count() == 1
    entry = LogEntry.objects.get_for_object(Customer.objects.get(code="C2")).get(
        action=LogEntry.Action.UPDATE
    )
    assert entry.changes["status"] == ["active", "credit_hold"]
    assert entry.additional_data == {"source": "dunning"}


def test_one_hold_and_many_are_one_implementation_with_the_same_audit_trail(django_user_model):
    """A hold placed alone or with others: the same hold, status change, placed_by, and
    audit entries carrying who and from where (the interface's audit context)."""
    manager = django_user_model.objects.create_user(username="cm", password="x-Very-long-pass-9")
    alone, together = customer_create(code="A1", name="单独"), customer_create(code="B1", name="批量")
    with audit_context(actor=manager, source="web"):
        hold = customer_hold_place(customer=alone, reason="逾期", source="manual", on=DAY, actor=manager)
        assert (
            customers_hold_place(
                customer_ids=[together.pk], reason="逾期", source="manual", on=DAY, actor=manager
            )
            == 1
        )
    assert customer_hold_place(customer=alone, reason="again", source="manual", on=DAY) == hold  # idempotent

    for customer in (alone, together):
        placed = CreditHold.objects.get(customer=customer)
        assert (placed.reason, placed.placed_by, placed.placed_on) == ("逾期", manager, DAY)
        assert Customer.objects.get(pk=customer.pk).status == "credit_hold"
        [created] = LogEntry.objects.get_for_object(placed).filter(action=LogEntry.Action.CREATE)
        [changed] = LogEntry.objects.get_for_object(customer).filter(action=LogEntry.Action.UPDATE)
        for entry in (created, changed):
            assert entry.actor == manager and entry.additional_data == {"source": "web"}
        assert created.changes["reason"][1] == "逾期"
        assert changed.changes["status"] == ["active", "credit_hold"]
