"""Two processes allocating to one invoice at the same moment never over-apply it.

``payment_allocate`` locks the payment and the invoice rows before it reads the open
balance. Here two separate OS processes, released together by a signal file, each try
to allocate 70.00 of a 100.00 invoice from their own payment: one must win, the other
must be refused with the over-allocation message, and the invoice must show 70.00.
Real row locks need PostgreSQL; SQLite serialises whole transactions instead.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from huikuan.ledger.models import Allocation, Customer, Invoice, Payment

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks between processes need PostgreSQL (set DATABASE_URL=postgres://...)",
    ),
]

WORKER = Path(__file__).with_name("allocation_worker.py")
PROJECT_ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 5
READY_TIMEOUT_SECONDS = 60
INVOICE_DAY = date(2024, 3, 1)


def worker_database_url() -> str:
    """The URL of the test database this test writes to, for the worker processes."""
    settings = connection.settings_dict
    credentials = quote(settings["USER"] or "", safe="")
    if settings["PASSWORD"]:
        credentials += ":" + quote(settings["PASSWORD"], safe="")
    host = settings["HOST"] or "localhost"
    port = settings["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{settings['NAME']}"


def start_worker(payment: Payment, invoice: Invoice, signal_dir: Path, name: str) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "DJANGO_SETTINGS_MODULE": "huikuan.config.settings",
    }
    return subprocess.Popen(
        [sys.executable, str(WORKER), str(payment.pk), str(invoice.pk), "70.00", str(signal_dir), name],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def release_together(workers: dict[str, subprocess.Popen], signal_dir: Path) -> dict[str, dict]:
    """Wait until every worker is connected and ready, then let them all go at once."""
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while not all((signal_dir / f"ready-{name}").exists() for name in workers):
        for name, worker in workers.items():
            if worker.poll() is not None:
                pytest.fail(f"worker {name} exited early: {worker.communicate()[1]}")
        if time.monotonic() > deadline:
            pytest.fail("the workers did not get ready in time")
        time.sleep(0.01)
    (signal_dir / "go").touch()
    results = {}
    for name, worker in workers.items():
        stdout, stderr = worker.communicate(timeout=READY_TIMEOUT_SECONDS)
        assert worker.returncode == 0, stderr
        results[name] = json.loads(stdout.strip().splitlines()[-1])
    return results


@pytest.mark.django_db(transaction=True)
def test_two_processes_allocating_at_once_apply_the_invoice_only_once(tmp_path):
    customer = Customer.objects.create(code="RACE", name="Race Condition Ltd.")
    for round_number in range(ROUNDS):
        invoice = Invoice.objects.create(
            number=f"INV-RACE-{round_number}",
            customer=customer,
            invoice_date=INVOICE_DAY,
            due_date=INVOICE_DAY,
            original_due_date=INVOICE_DAY,
            amount=Decimal("100.00"),
            currency="CNY",
        )
        payments = {
            name: Payment.objects.create(
                reference=f"PAY-RACE-{round_number}-{name}",
                customer=customer,
                payment_date=INVOICE_DAY,
                amount=Decimal("70.00"),
                currency="CNY",
            )
            for name in ("north", "south")
        }
        signal_dir = tmp_path / f"round-{round_number}"
        signal_dir.mkdir()
        workers = {
            name: start_worker(payment, invoice, signal_dir, name) for name, payment in payments.items()
        }
        try:
            results = release_together(workers, signal_dir)
        finally:
            for worker in workers.values():
                if worker.poll() is None:
                    worker.kill()
                    worker.wait()

        winners = [name for name, result in results.items() if result["allocated"]]
        assert len(winners) == 1, results
        (loser,) = set(results) - set(winners)
        assert results[loser]["message"] == (
            f"allocation of 70.00 CNY exceeds the open balance 30.00 CNY of invoice INV-RACE-{round_number}"
        )
        invoice.refresh_from_db()
        assert (invoice.applied_amount, invoice.closed_on) == (Decimal("70.00"), None)
        allocation = Allocation.objects.get(invoice=invoice)
        assert (allocation.payment_id, allocation.amount) == (payments[winners[0]].pk, Decimal("70.00"))
        for name, payment in payments.items():
            payment.refresh_from_db()
            assert payment.allocated_amount == (Decimal("70.00") if name in winners else Decimal(0))
