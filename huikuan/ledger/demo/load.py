"""Loading the demo ledger into an empty database."""

from __future__ import annotations

import random
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from huikuan.core.errors import RuleViolation
from huikuan.core.policy import policy_value

if TYPE_CHECKING:
    from huikuan.ledger.models import Invoice

from huikuan.ledger.demo.company import (
    CFO,
    EXTENSION_REASONS,
    IMPORT_ORDER,
    WRITE_OFF_REASONS,
    department_head,
)
from huikuan.ledger.demo.files import demo_files


def demo_load(*, seed: int = 2026, invoices: int | None = None, as_of: date) -> dict[str, int]:
    """Fill an empty database with the demo ledger; returns how many records of each kind.

    The files go through ``ledger_import``, the code path of ``huikuan import``; then the
    ledger's services write off a few lost debts and grant a few term extensions.
    """
    # Imported here so that demo_files works without a configured Django project.
    from django.db import transaction

    from huikuan.ledger.imports import ledger_import
    from huikuan.ledger.models import (
        Allocation,
        CreditNote,
        Customer,
        Invoice,
        Payment,
        TermExtension,
        WriteOff,
    )

    customers, existing_invoices = Customer.objects.count(), Invoice.objects.count()
    if customers or existing_invoices:
        raise RuleViolation(
            f"the database already holds {customers} customer(s) and {existing_invoices} invoice(s); "
            "demo data is loaded only into an empty database"
        )
    rng = random.Random(f"{seed}:demo-load")  # noqa: S311 - reproducible, not a secret
    with tempfile.TemporaryDirectory(prefix="huikuan-demo-") as directory, transaction.atomic():
        paths = demo_files(
            Path(directory),
            seed=seed,
            invoices=invoices,
            as_of=as_of,
            term_start_delay_days=policy_value("TERM_START_DELAY_DAYS"),
        )
        for kind, name in IMPORT_ORDER:
            ledger_import(kind=kind, path=paths[name], imported_by="demo")
        _write_off_lost_debts(rng, as_of)
        _grant_extensions(rng, as_of)
    return {
        "customers": Customer.objects.count(),
        "invoices": Invoice.objects.count(),
        "payments": Payment.objects.count(),
        "allocations": Allocation.objects.count(),
        "credit_notes": CreditNote.objects.count(),
        "write_offs": WriteOff.objects.count(),
        "term_extensions": TermExtension.objects.count(),
    }


def _sample_open_invoices(rng: random.Random, count: int, **filters: object) -> list[Invoice]:
    """Up to ``count`` open invoices matching ``filters``, drawn reproducibly, by number."""
    from huikuan.ledger.models import Invoice

    numbers = list(
        Invoice.objects.filter(closed_on__isnull=True, **filters)
        .order_by("number")
        .values_list("number", flat=True)
    )
    chosen = rng.sample(numbers, min(count, len(numbers)))
    return list(Invoice.objects.filter(number__in=chosen).select_related("customer").order_by("number"))


def _write_off_lost_debts(rng: random.Random, as_of: date, count: int = 6) -> None:
    """Write off old unpaid invoices of customers gone to legal or on credit hold."""
    from huikuan.ledger.services import invoice_write_off

    lost = _sample_open_invoices(
        rng, count, customer__status__in=["legal", "credit_hold"], due_date__lte=as_of - timedelta(days=300)
    )
    for invoice in lost:
        invoice_write_off(
            invoice=invoice,
            amount=invoice.open_amount,
            writeoff_date=max(invoice.due_date, as_of - timedelta(days=rng.randint(0, 60))),
            reason=WRITE_OFF_REASONS[invoice.customer.status],
            approved_by=CFO,
        )


def _grant_extensions(rng: random.Random, as_of: date, count: int = 8) -> None:
    """Extensions (延期) a department head granted good customers whose invoices fall due now."""
    from huikuan.ledger.services import invoice_extend_term

    falling_due = _sample_open_invoices(
        rng,
        count,
        disputed=False,
        customer__credit_class__in=["A", "B"],
        customer__status="active",
        due_date__range=(as_of - timedelta(days=10), as_of + timedelta(days=15)),
    )
    for invoice in falling_due:
        invoice_extend_term(
            invoice=invoice,
            days=rng.choice((15, 20, 30)),
            reason=rng.choice(EXTENSION_REASONS),
            approved_by=department_head(invoice.customer.department),
            granted_on=min(as_of, max(invoice.invoice_date, invoice.due_date - timedelta(days=3))),
        )
