"""Every business setting is read through ``policy_value`` (the override stored in the database,
else the default in ``settings.HUIKUAN``): an override changes every place that uses it."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from huikuan.config.celery import _schedule_in_force
from huikuan.core.policy import policy_set
from huikuan.ledger.models import Customer, Invoice
from huikuan.ledger.services import invoice_issue
from huikuan.reporting.selectors import aging_report

HUIKUAN = Path(__file__).resolve().parents[2] / "huikuan"
# Only the policy module (and its half without Django, policy_values) reads the defaults; the
# Celery module builds beat's first schedule from the default at import time, before the
# database can be read, and corrects it at start.
READERS_OF_THE_DEFAULTS = {"core/policy.py", "core/policy_values.py", "config/celery.py"}


def test_no_module_reads_a_business_setting_around_policy_value():
    readers = {
        str(path.relative_to(HUIKUAN))
        for path in HUIKUAN.rglob("*.py")
        if "migrations" not in path.parts and re.search(r"settings\.HUIKUAN(\[|\.get\b|\))", path.read_text())
    }
    assert readers <= READERS_OF_THE_DEFAULTS


def test_an_overridden_functional_currency_is_the_agings_and_the_invoices(db):
    policy_set(key="FUNCTIONAL_CURRENCY", value="USD")
    customer = Customer.objects.create(code="US1", name="Overseas Inc.", currency="")
    invoice = invoice_issue(
        number="U-1", customer=customer, invoice_date=date(2026, 1, 5), amount=Decimal("10.00")
    )

    assert (invoice.currency, invoice.fx_rate) == ("USD", Decimal(1))
    assert aging_report(as_of=date(2026, 6, 30)).currency == "USD"


def test_an_import_takes_the_overridden_functional_currency(db, huikuan, tmp_path):
    policy_set(key="FUNCTIONAL_CURRENCY", value="USD")
    Customer.objects.create(code="US1", name="Overseas Inc.", currency="")
    path = tmp_path / "invoices.csv"
    path.write_text("invoice_number,customer_code,invoice_date,amount\nU-2,US1,2026-01-05,10.00\n")

    assert huikuan("import", "invoices", str(path)).code == 0
    assert Invoice.objects.get(number="U-2").currency == "USD"


class _Scheduler:
    def __init__(self) -> None:
        self.merged: dict = {}

    def merge_inplace(self, schedule: dict) -> None:
        self.merged.update(schedule)


class _Beat:
    scheduler = _Scheduler()


def test_celery_beat_runs_the_daily_jobs_at_the_overridden_time(db):
    policy_set(key="JOBS_DAILY_AT", value="07:45")
    beat = _Beat()

    _schedule_in_force(sender=beat)

    daily = beat.scheduler.merged["daily-dunning"]["schedule"]
    assert (daily.hour, daily.minute) == ({7}, {45})
