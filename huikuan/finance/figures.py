"""The KPI figures, gathered by grouped SQL: one pass over the ledger per figure family,
grouped by customer (or by the item's currency), never a query per customer.

Amounts are minor units in SQL, converted to the functional currency at each item's own
rate and rounded to the cent per item, half up, in integer arithmetic (as the aging and
the credit figures do). Balances as of a date are the aging's; the collection rate's
receipts and collectible balances are the credit score's figures.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import connection

from huikuan.core.money import from_minor_units
from huikuan.credit.figures import functional_sql, open_on_or_after
from huikuan.ledger.balances import STILL_OPEN

# Figures are grouped by the customer, or by the item's own currency.
KEYS = {"customer": "i.customer_id", "currency": "i.currency"}


def days_between_sql(later: str, earlier: str) -> str:
    """Whole days from the date ``earlier`` to the date ``later`` (negative when before), as SQL."""
    if connection.vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def _day(value: date) -> object:
    return connection.ops.adapt_datefield_value(value)


def _fetch(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _issued_between(params: dict, low: date, high: date) -> str:
    """FROM … WHERE of the invoices ``i`` dated ``low`` … ``high``: on SQLite through the
    ``open_span`` index, which holds every column these sums read (an index-only scan)."""
    params["issued_low"], params["issued_high"] = _day(low), _day(high)
    dated = "i.invoice_date >= %(issued_low)s AND i.invoice_date <= %(issued_high)s"
    if connection.vendor != "sqlite":
        return f"FROM ledger_invoice i WHERE {dated}"
    spans = ", ".join(str(span) for span in range(STILL_OPEN + 1))
    return f"FROM ledger_invoice i INDEXED BY invoice_open_span WHERE i.open_span IN ({spans}) AND {dated}"


def period_sales(*, first_day: date, last_day: date, by: str) -> dict[object, Decimal]:
    """Per key: credit sales, the invoices dated in the period, in the functional currency."""
    params: dict = {}
    key = KEYS[by]
    sql = (
        f"SELECT {key}, CAST(SUM({functional_sql('i', 'i.amount')}) AS BIGINT) "
        f"{_issued_between(params, first_day, last_day)} GROUP BY {key}"
    )
    return {group: from_minor_units(amount) for group, amount in _fetch(sql, params)}


def month_sales(*, month_starts: list[date], last_day: date, by: str) -> dict[tuple[object, int], Decimal]:
    """Per (key, month): credit sales of each month starting on ``month_starts`` (latest first),
    the latest ending on ``last_day``; months are numbered by their place in the list."""
    params: dict = {}
    cases = []
    for index, start in enumerate(month_starts):
        params[f"m{index}"] = _day(start)
        cases.append(f"WHEN i.invoice_date >= %(m{index})s THEN {index}")
    month = "CASE " + " ".join(cases) + " END"
    key = KEYS[by]
    sql = (
        f"SELECT {key}, {month}, CAST(SUM({functional_sql('i', 'i.amount')}) AS BIGINT) "
        f"{_issued_between(params, month_starts[-1], last_day)} GROUP BY {key}, {month}"
    )
    return {(group, index): from_minor_units(amount) for group, index, amount in _fetch(sql, params)}


def _applied_in_period(table: str, date_column: str, first_day: date, last_day: date, by: str, values: str):
    """Sums of ``values`` over the records of ``table`` dated in the period, per key. Only
    invoices still open at the period's start or issued since can have any (see
    ``open_on_or_after``); their records are found through the invoice's index."""
    params = {"first": _day(first_day), "last": _day(last_day)}
    # Nothing was applied to an invoice before its first application: skip those untouched by then.
    invoices = open_on_or_after(
        first_day,
        params,
        f"i.id, {KEYS[by]} AS group_key, i.due_date, i.invoice_date, i.fx_rate",
        where="i.first_applied_on <= %(last)s",
    )
    sql = (
        f"SELECT i.group_key, {values} FROM ({invoices}) i JOIN {table} a ON a.invoice_id = i.id "
        f"WHERE a.{date_column} >= %(first)s AND a.{date_column} <= %(last)s GROUP BY i.group_key"
    )
    return _fetch(sql, params)


def paid(*, first_day: date, last_day: date, by: str) -> dict[object, tuple[Decimal, Decimal, Decimal]]:
    """Per key: (paid in the period, Σ paid × days past due, Σ paid × days since invoicing).

    Paid is what payments applied to invoices with an allocation dated in the period, in the
    functional currency at the invoice's rate; days run to the allocation date.
    """
    amount = functional_sql("i", "a.amount")
    late = days_between_sql("a.allocation_date", "i.due_date")
    since = days_between_sql("a.allocation_date", "i.invoice_date")
    values = (
        f"CAST(SUM({amount}) AS BIGINT), CAST(SUM({amount} * {late}) AS BIGINT), "
        f"CAST(SUM({amount} * {since}) AS BIGINT)"
    )
    rows = _applied_in_period("ledger_allocation", "allocation_date", first_day, last_day, by, values)
    return {
        group: (from_minor_units(total), from_minor_units(late_sum), from_minor_units(since_sum))
        for group, total, late_sum, since_sum in rows
    }


def written_off(*, first_day: date, last_day: date, by: str) -> dict[object, Decimal]:
    """Per key: bad debt written off in the period, in the functional currency at the invoice's rate."""
    values = f"CAST(SUM({functional_sql('i', 'a.amount')}) AS BIGINT)"
    rows = _applied_in_period("ledger_writeoff", "writeoff_date", first_day, last_day, by, values)
    return {group: from_minor_units(amount) for group, amount in rows}
