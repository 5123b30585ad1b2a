"""The audit trail of a record created holds its own fields, not the relations other records
declare to it (which django-auditlog writes as ``ledger.Allocation.None``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from huikuan.core.audit import audit_saved_in_bulk, field_label, own_changes
from huikuan.ledger.models import Customer, Invoice

pytestmark = pytest.mark.django_db


def _created(record) -> LogEntry:
    kind = ContentType.objects.get_for_model(record)
    return LogEntry.objects.get(content_type=kind, object_id=record.pk, action=LogEntry.Action.CREATE)


def _invoice(customer: Customer, number: str) -> Invoice:
    return Invoice(
        number=number,
        customer=customer,
        invoice_date=date(2026, 11, 2),
        due_date=date(2026, 12, 2),
        original_due_date=date(2026, 12, 2),
        amount=Decimal("1200.00"),
        currency="CNY",
    )


def test_a_record_saved_lists_only_its_own_fields():
    customer = Customer.objects.create(code="AUD1", name="审计测试有限公司", currency="CNY")
    invoice = _invoice(customer, "YS-AUD-1")
    invoice.save()
    for record in (customer, invoice):
        changes = _created(record).changes_dict
        assert "name" in changes or "number" in changes
        assert not [value for _before, value in changes.values() if str(value).endswith(".None")], changes
    assert "allocations" not in _created(invoice).changes_dict
    assert "invoices" not in _created(customer).changes_dict


def test_a_record_created_in_bulk_lists_only_its_own_fields():
    customer = Customer.objects.create(code="AUD2", name="批量审计有限公司", currency="CNY")
    invoice = _invoice(customer, "YS-AUD-2")
    Invoice.objects.bulk_create([invoice])
    audit_saved_in_bulk([(None, invoice, None)])
    changes = _created(invoice).changes_dict
    assert changes["number"] == ["None", "YS-AUD-2"] or changes["number"] == ("None", "YS-AUD-2")
    assert not [value for _before, value in changes.values() if str(value).endswith(".None")], changes


def test_history_shows_an_older_entry_without_the_relations_it_listed():
    customer = Customer.objects.create(code="AUD3", name="旧记录有限公司", currency="CNY")
    entry = _created(customer)
    entry.changes = {**entry.changes_dict, "invoices": ["None", "ledger.Invoice.None"]}
    entry.save()
    shown = dict(own_changes(LogEntry.objects.get(pk=entry.pk)))
    assert "invoices" not in shown and shown["name"] == ("", "旧记录有限公司")


def test_history_shows_flags_and_empty_values_in_words():
    customer = Customer.objects.create(code="AUD4", name="标记有限公司", currency="CNY")
    invoice = _invoice(customer, "YS-AUD-4")
    invoice.save()
    with translation.override("zh-hans"):
        shown = dict(own_changes(_created(invoice)))
    assert shown["disputed"] == ("", "否")  # not "None → False"
    assert all(change != ("", "") for change in shown.values())
    with translation.override("en"):
        assert dict(own_changes(_created(invoice)))["disputed"] == ("", "no")


def test_history_names_the_fields_as_people_call_them():
    customer = Customer.objects.create(code="AUD5", name="字段有限公司", currency="CNY")
    invoice = _invoice(customer, "YS-AUD-5")
    invoice.save()
    entry = _created(invoice)
    with translation.override("zh-hans"):
        assert field_label(entry, "disputed") == "有争议"
    with translation.override("en"):
        assert field_label(entry, "disputed") == "disputed"
    # A field without a name of its own (Django would spell its code name out in English), or
    # no longer there: none, and the page shows the code name as code.
    assert field_label(entry, "applied_amount") is None
    assert field_label(entry, "gone_long_ago") is None
