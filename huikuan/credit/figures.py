"""Credit figures aggregated in SQL over the whole ledger: one query per figure, grouped by
customer, never a query per customer (the monthly evaluation runs over 10,000 customers).

Amounts are minor units in SQL, converted to the functional currency at each item's own
rate and rounded to the cent per item, half up, in integer arithmetic (as aging does).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection

from huikuan.core.money import from_minor_units
from huikuan.ledger.balances import STILL_OPEN, span_window_days

# Minor units × a rate in millionths, rounded half up to functional minor units.
_FUNCTIONAL = "(CASE WHEN {t}.fx_rate = 1000000 THEN {x} ELSE ({x} * {t}.fx_rate + 500000) / 1000000 END)"


def _applied_by(day_param: str) -> str:
    """What was applied to invoice ``i`` (allocations, credit notes, write-offs) by the end of a day."""
    parts = [
        f"COALESCE((SELECT CAST(SUM(r.amount) AS BIGINT) FROM {table} r "
        f"WHERE r.invoice_id = i.id AND r.{column} <= %({day_param})s), 0)"
        for table, column in (
            ("ledger_allocation", "allocation_date"),
            ("ledger_creditnote", "note_date"),
            ("ledger_writeoff", "writeoff_date"),
        )
    ]
    return " + ".join(parts)


def balance_sql(day_param: str) -> str:
    """Invoice ``i``'s balance at the end of a day, in its own currency's minor units."""
    return (
        f"(CASE WHEN i.first_applied_on IS NULL OR i.first_applied_on > %({day_param})s THEN i.amount "
        f"ELSE i.amount - ({_applied_by(day_param)}) END)"
    )


def functional_sql(table: str, amount_sql: str) -> str:
    return _FUNCTIONAL.format(t=table, x=amount_sql)


def open_at_sql(day_param: str) -> str:
    """Invoice ``i`` was open at the end of the day."""
    return f"i.invoice_date <= %({day_param})s AND (i.closed_on IS NULL OR i.closed_on > %({day_param})s)"


def _day(value: date) -> object:
    return connection.ops.adapt_datefield_value(value)


def _only(column: str, customer_ids: Collection[int] | None) -> str:
    if customer_ids is None:
        return ""
    if not customer_ids:
        return " AND 1 = 0"
    return f" AND {column} IN ({', '.join(str(int(pk)) for pk in sorted(customer_ids))})"


def _fetch(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def revenue_by_customer(*, first_day: date, last_day: date) -> dict[int, tuple[Decimal, Decimal, Decimal]]:
    """Per customer: (revenue, revenue of invoices with a gross margin, Σ revenue × margin).

    Revenue is the invoices dated in the period, in the functional currency.
    """
    cny = functional_sql("i", "i.amount")
    sql = (
        f"SELECT i.customer_id, CAST(SUM({cny}) AS BIGINT), "
        f"CAST(SUM(CASE WHEN i.gross_margin IS NULL THEN 0 ELSE {cny} END) AS BIGINT), "
        f"CAST(SUM(CASE WHEN i.gross_margin IS NULL THEN 0 ELSE {cny} * i.gross_margin END) AS BIGINT) "
        "FROM ledger_invoice i WHERE i.invoice_date >= %(first)s AND i.invoice_date <= %(last)s "
        "GROUP BY i.customer_id"
    )
    rows = _fetch(sql, {"first": _day(first_day), "last": _day(last_day)})
    # Σ revenue × margin: cents × margin in 1/10,000ths.
    return {
        customer_id: (from_minor_units(revenue), from_minor_units(with_margin), from_minor_units(weighted, 6))
        for customer_id, revenue, with_margin, weighted in rows
    }


# What the collection-rate figures can be grouped by: the customer, or the item's currency.
_KEYS = {"customer": "{t}.customer_id", "currency": "{t}.currency"}


def receipts_by_customer(*, first_day: date, last_day: date, by: str = "customer") -> dict:
    """Payments received in the period, per customer (or per currency with ``by="currency"``),
    in the functional currency. Payments not yet matched to a customer are not counted."""
    key = _KEYS[by].format(t="p")
    # On SQLite, through the index that holds every column summed here (an index-only scan).
    source = "ledger_payment p"
    if connection.vendor == "sqlite" and by == "customer":
        spans = ", ".join(str(span) for span in range(STILL_OPEN + 1))
        source = f"ledger_payment p INDEXED BY payment_open_span WHERE p.open_span IN ({spans}) AND"
    else:
        source += " WHERE"
    sql = (
        f"SELECT {key}, CAST(SUM({functional_sql('p', 'p.amount')}) AS BIGINT) FROM {source} "
        "p.customer_id IS NOT NULL AND p.payment_date >= %(first)s AND p.payment_date <= %(last)s "
        f"GROUP BY {key}"
    )
    rows = _fetch(sql, {"first": _day(first_day), "last": _day(last_day)})
    return {customer_id: from_minor_units(amount) for customer_id, amount in rows}


def largest_closed_span() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT MAX(open_span) FROM ledger_invoice WHERE open_span < %s", [STILL_OPEN])
        (largest,) = cursor.fetchone()
    return largest or 0


def open_on_or_after(first_day: date, params: dict, columns: str, where: str = "") -> str:
    """``columns`` of the invoices ``i`` still open at the start of ``first_day`` or issued
    since (closed on or after it, or not closed), as a UNION ALL of index range scans.

    An invoice of span class k (``huikuan.ledger.balances.open_span``) closed on or after
    the day was issued less than 2**k days before it: one range of invoice dates per class
    on the ``open_span`` index, instead of a scan of the whole ledger.
    """
    params["open_on_or_after"] = connection.ops.adapt_datefield_value(first_day)
    where = f" AND {where}" if where else ""
    branches = [f"SELECT {columns} FROM ledger_invoice i WHERE i.open_span = {STILL_OPEN}{where}"]
    for span in range(0, largest_closed_span() + 1):
        params[f"issued_after_{span}"] = connection.ops.adapt_datefield_value(
            first_day - timedelta(days=span_window_days(span))
        )
        branches.append(
            f"SELECT {columns} FROM ledger_invoice i WHERE i.open_span = {span} "
            f"AND i.invoice_date > %(issued_after_{span})s AND i.closed_on >= %(open_on_or_after)s{where}"
        )
    return " UNION ALL ".join(branches)


def collectible_by_customer(
    *, first_day: date, last_day: date, by: str = "customer"
) -> dict[int | str, tuple[Decimal, Decimal]]:
    """Per customer (or per currency with ``by="currency"``): (overdue balance at the period's
    start, balance falling due in the period).

    Both are balances at the start of the first day (the end of the day before): an invoice
    due before the first day is overdue then; one due within the period falls due in it.
    """
    params = {"first": _day(first_day), "last": _day(last_day), "eve": _day(first_day - timedelta(days=1))}
    key = _KEYS[by].format(t="i")
    balance = functional_sql("i", balance_sql("eve"))
    columns = f"{key} AS group_key, i.due_date, {balance} AS balance"
    touched = open_on_or_after(
        first_day, params, columns, where="i.due_date <= %(last)s AND i.invoice_date <= %(last)s"
    )
    sql = (
        "SELECT t.group_key, "
        "CAST(SUM(CASE WHEN t.due_date < %(first)s THEN t.balance ELSE 0 END) AS BIGINT), "
        "CAST(SUM(CASE WHEN t.due_date >= %(first)s THEN t.balance ELSE 0 END) AS BIGINT) "
        f"FROM ({touched}) t GROUP BY t.group_key"
    )
    return {
        customer_id: (from_minor_units(overdue), from_minor_units(due))
        for customer_id, overdue, due in _fetch(sql, params)
    }


def open_receivables_by_customer(
    *, as_of: date, customer_ids: Collection[int] | None = None
) -> dict[int, Decimal]:
    """Open invoice balances at the end of ``as_of``, per customer, in the functional currency."""
    sql = (
        f"SELECT i.customer_id, CAST(SUM({functional_sql('i', balance_sql('as_of'))}) AS BIGINT) "
        f"FROM ledger_invoice i WHERE {open_at_sql('as_of')}{_only('i.customer_id', customer_ids)} "
        "GROUP BY i.customer_id"
    )
    rows = _fetch(sql, {"as_of": _day(as_of)})
    return {customer_id: from_minor_units(amount) for customer_id, amount in rows if amount}


def overdue_beyond_by_customer(
    *, as_of: date, days: int, customer_ids: Collection[int] | None = None
) -> dict[int, tuple[Decimal, date]]:
    """Per customer: (balance overdue more than ``days`` days at the end of ``as_of``, oldest due date)."""
    balance = functional_sql("i", balance_sql("as_of"))
    sql = (
        f"SELECT i.customer_id, CAST(SUM({balance}) AS BIGINT), MIN(i.due_date) FROM ledger_invoice i "
        f"WHERE i.due_date < %(before)s AND {open_at_sql('as_of')}{_only('i.customer_id', customer_ids)} "
        "GROUP BY i.customer_id"
    )
    params = {"as_of": _day(as_of), "before": _day(as_of - timedelta(days=days))}
    result = {}
    for customer_id, amount, oldest in _fetch(sql, params):
        if amount:
            oldest_day = date.fromisoformat(oldest) if isinstance(oldest, str) else oldest
            result[customer_id] = (from_minor_units(amount), oldest_day)
    return result


def open_orders_by_customer(
    *, as_of: date, customer_ids: Collection[int] | None = None, exclude_order_id: int | None = None
) -> dict[int, Decimal]:
    """Orders not yet invoiced nor cancelled, dated up to ``as_of``, per customer (functional currency).

    A blocked order is not counted: it has not been accepted, and counting it would block the
    customer's next order for an order that may never ship. Released ones count again. A
    class D order covered by money received in advance is not counted either: it is paid.
    """
    exclude = "" if exclude_order_id is None else f" AND o.id <> {int(exclude_order_id)}"
    sql = (
        f"SELECT o.customer_id, CAST(SUM({functional_sql('o', 'o.amount')}) AS BIGINT) FROM credit_order o "
        "WHERE o.status IN ('open', 'shipped') AND o.check_status <> 'blocked' AND o.covered_amount = 0 "
        "AND o.order_date <= %(as_of)s"
        f"{_only('o.customer_id', customer_ids)}{exclude} GROUP BY o.customer_id"
    )
    rows = _fetch(sql, {"as_of": _day(as_of)})
    return {customer_id: from_minor_units(amount) for customer_id, amount in rows if amount}


def overdue_invoices(
    *, as_of: date, customer_ids: Collection[int] | None = None
) -> list[tuple[int, str, date, str, Decimal, Decimal]]:
    """Invoices past due and open at the end of ``as_of``: (customer id, number, due date,
    currency, balance in its currency, balance in the functional currency)."""
    balance = balance_sql("as_of")
    sql = (
        f"SELECT i.customer_id, i.number, i.due_date, i.currency, {balance}, {functional_sql('i', balance)} "
        f"FROM ledger_invoice i WHERE i.due_date < %(as_of)s AND {open_at_sql('as_of')}"
        f"{_only('i.customer_id', customer_ids)} ORDER BY i.customer_id, i.due_date, i.number"
    )
    rows = _fetch(sql, {"as_of": _day(as_of)})
    return [
        (
            customer_id,
            number,
            date.fromisoformat(due) if isinstance(due, str) else due,
            currency,
            from_minor_units(own),
            from_minor_units(functional),
        )
        for customer_id, number, due, currency, own, functional in rows
        if own
    ]


def open_invoices_due_between(
    *, as_of: date, first_due: date, last_due: date, customer_ids: Collection[int] | None = None
) -> list[tuple[int, int, str, date, Decimal]]:
    """Invoices open at the end of ``as_of`` whose due date is from ``first_due`` to ``last_due``:
    (customer id, invoice id, number, due date, balance in the functional currency)."""
    balance = functional_sql("i", balance_sql("as_of"))
    sql = (
        f"SELECT i.customer_id, i.id, i.number, i.due_date, {balance} FROM ledger_invoice i "
        f"WHERE i.due_date >= %(first)s AND i.due_date <= %(last)s AND {open_at_sql('as_of')}"
        f"{_only('i.customer_id', customer_ids)} ORDER BY i.customer_id, i.due_date, i.number"
    )
    rows = _fetch(sql, {"as_of": _day(as_of), "first": _day(first_due), "last": _day(last_due)})
    return [
        (
            customer_id,
            invoice_id,
            number,
            date.fromisoformat(due) if isinstance(due, str) else due,
            from_minor_units(amount),
        )
        for customer_id, invoice_id, number, due, amount in rows
        if amount
    ]
