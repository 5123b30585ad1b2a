"""Holds placed in bulk (the dunning run's legal step) follow the same rules as one by one."""

from datetime import date

import pytest
from auditlog.models import LogEntry

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
