"""Reads of the ledger in bulk, for the callers that need much of it at once (the matcher's index)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from django.db import connection

from huikuan.core.numbers import number_body
from huikuan.ledger.bulk import KEY_CHUNK
from huikuan.ledger.models import Invoice


def _columns(*names: str) -> list[str]:
    quote = connection.ops.quote_name
    return [quote(Invoice._meta.get_field(name).column) for name in names]


def _in(column: str, values: list, not_blank: bool = False) -> tuple[str, list]:
    """``column IN values`` (PostgreSQL: one array parameter). ``not_blank``: the condition of
    a partial index on the column (``invoice_order_key``, ``invoice_contract_key``) repeated,
    so that SQLite uses it."""
    if connection.vendor == "postgresql":
        sql = f"{column} = ANY(%s)"
        values = [values]
    else:
        sql = f"{column} IN ({', '.join(['%s'] * len(values))})"
    return (f"({sql} AND NOT ({column} = ''))" if not_blank else sql), values


OpenRow = tuple[str, int, int, str, date, date, str, str, str, str, str]


def open_invoices_by_keys(
    *,
    numbers: Collection[str],
    orders: Collection[str],
    customer_ids: Collection[int],
    contracts: Collection[str] = (),
) -> list[OpenRow]:
    """The open invoices whose number key is among ``numbers``, whose order key is among
    ``orders``, whose contract key is among ``contracts`` or whose customer is among
    ``customer_ids`` (``Invoice.number_key``, indexed), oldest first then by number (as a scan
    of the whole ledger would give them): (number, customer id, open amount in minor units,
    currency, invoice date, due date, order number, number key, order key, contract number,
    contract key). An invoice whose keys were never computed (written by raw SQL) is keyed
    here."""
    (
        number,
        customer,
        amount,
        applied,
        currency,
        invoiced,
        due,
        order,
        number_key,
        order_key,
        contract,
        contract_key,
    ) = _columns(
        "number",
        "customer",
        "amount",
        "applied_amount",
        "currency",
        "invoice_date",
        "due_date",
        "order_number",
        "number_key",
        "order_key",
        "contract_number",
        "contract_key",
    )
    select = (
        f"SELECT {number}, {customer}, {amount} - {applied}, {currency}, {invoiced}, {due}, {order}, "
        f"{number_key}, {order_key}, {contract}, {contract_key} "
        f"FROM {connection.ops.quote_name(Invoice._meta.db_table)} WHERE {amount} > {applied} AND "
    )
    wanted = [
        (number_key, list(numbers)),
        (order_key, list(orders)),
        (customer, list(customer_ids)),
        (contract_key, list(contracts)),
    ]
    partial = {order_key, contract_key}
    rows: dict[str, tuple] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one query, in the database's order of numbers
            parts = [_in(column, values, column in partial) for column, values in wanted if values]
            if parts:
                cursor.execute(
                    select + "(" + " OR ".join(sql for sql, _ in parts) + f") ORDER BY {invoiced}, {number}",
                    [p for _, params in parts for p in params],
                )
                rows.update((row[0], row) for row in cursor.fetchall())
        else:
            for column, values in wanted:
                for start in range(0, len(values), KEY_CHUNK):
                    sql, params = _in(column, values[start : start + KEY_CHUNK], column in partial)
                    cursor.execute(select + sql, params)
                    rows.update((row[0], row) for row in cursor.fetchall())
        cursor.execute(select + f"{number_key} = ''")
        unkeyed = cursor.fetchall()
    if unkeyed:
        want = [set(values) for _column, values in wanted]
        for row in unkeyed:
            keyed = (*row[:7], number_body(row[0]), number_body(row[6]), row[9], number_body(row[9]))
            if (
                keyed[7] in want[0]
                or (keyed[8] and keyed[8] in want[1])
                or row[1] in want[2]
                or (keyed[10] and keyed[10] in want[3])
            ):
                rows[row[0]] = keyed
    found = list(rows.values())
    if found and isinstance(found[0][4], str):  # SQLite keeps dates as text (and orders numbers bytewise)
        to_date = date.fromisoformat
        found = [(*row[:4], to_date(row[4]), to_date(row[5]), *row[6:]) for row in found]
    if unkeyed or connection.vendor != "postgresql":
        found.sort(key=lambda row: (row[4], row[0]))
    return found


def open_amount_counts(
    minor_amounts: Collection[int], *, owners_up_to: int
) -> dict[int, tuple[int, list[int]]]:
    """For each amount (in minor units) that open invoices carry: how many do, and the ids of
    their customers when at most ``owners_up_to`` do (an indexed read: ``invoice_open_amount``)."""
    customer, amount, applied = _columns("customer", "amount", "applied_amount")
    table = connection.ops.quote_name(Invoice._meta.db_table)
    values = list(minor_amounts)
    counts: dict[int, tuple[int, list[int]]] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(values), KEY_CHUNK):
            sql, params = _in(f"{amount} - {applied}", values[start : start + KEY_CHUNK])
            cursor.execute(
                f"SELECT {amount} - {applied}, COUNT(*) FROM {table} WHERE {amount} > {applied} AND {sql} "
                f"GROUP BY {amount} - {applied}",
                params,
            )
            for open_minor, count in cursor.fetchall():
                counts[open_minor] = (count, [])
        few = [value for value, (count, _owners) in counts.items() if count <= owners_up_to]
        for start in range(0, len(few), KEY_CHUNK):
            sql, params = _in(f"{amount} - {applied}", few[start : start + KEY_CHUNK])
            cursor.execute(
                f"SELECT {amount} - {applied}, {customer} FROM {table} WHERE {amount} > {applied} AND {sql}",
                params,
            )
            for open_minor, customer_id in cursor.fetchall():
                counts[open_minor][1].append(customer_id)
    return counts
