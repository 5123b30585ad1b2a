"""Payments and allocations written in bulk: the one writer the import of payments
(``huikuan.ledger.imports.payments``) and the posting of receipts (``huikuan.ledger.receipts``)
share. Rows are validated by their caller; the database's constraints still check every one,
and the cached figures are recomputed from the records by the services' refresh functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from huikuan.ledger.balances import STILL_OPEN
from huikuan.ledger.bulk import bulk_insert_rows, select_rows
from huikuan.ledger.fields import PAYMENT_FIELDS
from huikuan.ledger.models import Allocation, Payment


def payments_insert(payments: Sequence[tuple], *, batch_id: int | None, created_at: Any) -> None:
    """Insert payments given as (reference, customer_id, payment_date, amount, currency,
    fx_rate, method, payer_name, memo, allocated): closed on their own date when allocated in
    full, else open on account."""
    bulk_insert_rows(
        Payment,
        [*PAYMENT_FIELDS, "closed_on", "open_span", "import_batch", "created_at"],
        [
            (
                ref,
                customer_id,
                on.isoformat(),
                int(amount.scaleb(2)),
                currency,
                int(rate.scaleb(6)),
                method,
                payer,
                memo,
                int(allocated.scaleb(2)),
                on.isoformat() if allocated == amount else None,
                # Allocated in full on its own date: never open on account at a day's end.
                0 if allocated == amount else STILL_OPEN,
                batch_id,
                created_at,
            )
            for ref, customer_id, on, amount, currency, rate, method, payer, memo, allocated in payments
        ],
        prepared=True,
    )


def allocations_insert(
    allocations: Iterable[tuple[int, int, Decimal, date]], *, batch_id: int | None, created_at: Any
) -> None:
    """``allocations``: (payment_id, invoice_id, amount, allocation_date)."""
    bulk_insert_rows(
        Allocation,
        ["payment", "invoice", "amount", "allocation_date", "import_batch", "created_at"],
        [
            (payment_id, invoice_id, int(amount.scaleb(2)), on.isoformat(), batch_id, created_at)
            for payment_id, invoice_id, amount, on in allocations
        ],
        prepared=True,
    )


def payment_ids_and_dates(references: Iterable[str]) -> list[tuple[str, int, date]]:
    """(reference, id, payment_date) of the payments with these references."""
    return select_rows(Payment, ["reference", "id", "payment_date"], where="reference", values=references)


def caches_refresh(invoice_ids: Iterable[int], payment_ids: Iterable[int]) -> None:
    """Recompute the cached figures of these payments and invoices from their records."""
    from huikuan.ledger.services import invoices_refresh_closure, payments_refresh_allocated

    payments_refresh_allocated(payment_ids=payment_ids)
    invoices_refresh_closure(invoice_ids=invoice_ids)
