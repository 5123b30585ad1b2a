"""Reads of the ledger in bulk, for the callers that need all of it at once (the matcher's index)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db import connection

from huikuan.ledger.models import Invoice

FETCH = 50_000


def open_invoices_scan() -> Iterator[tuple[str, int, int, str, date, date, str]]:
    """Every open invoice, oldest first (invoice date, then number), as (number, customer id,
    open amount in minor units, currency, invoice date, due date, order number): one query,
    no model objects; the caller turns the minor units into money if it needs them."""
    quote = connection.ops.quote_name
    number, customer, amount, applied, currency, invoiced, due, order = (
        quote(Invoice._meta.get_field(name).column)
        for name in (
            "number",
            "customer",
            "amount",
            "applied_amount",
            "currency",
            "invoice_date",
            "due_date",
            "order_number",
        )
    )
    to_date = date.fromisoformat
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {number}, {customer}, {amount} - {applied}, {currency}, {invoiced}, {due}, {order} "
            f"FROM {quote(Invoice._meta.db_table)} WHERE {amount} > {applied} ORDER BY {invoiced}, {number}"
        )
        while rows := cursor.fetchmany(FETCH):
            if rows and isinstance(rows[0][4], str):  # SQLite keeps dates as text
                for row in rows:
                    yield row[0], row[1], row[2], row[3], to_date(row[4]), to_date(row[5]), row[6]
            else:
                yield from rows
