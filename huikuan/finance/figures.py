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

from huikuan.core.fields import from_minor_units
from huikuan.credit.figures import functional_sql

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


def sales(
    *, first_day: date, last_day: date, month_starts: list[date], by: str
) -> dict[object, tuple[Decimal, list[Decimal]]]:
    """Per key: (credit sales dated in the period, credit sales of each countback month).

    ``month_starts`` are the first days of the countback months from the latest back; the
    latest month ends on ``last_day``. Credit sales are the invoices dated in the span.
    """
    params = {"first": _day(first_day), "last": _day(last_day)}
    cases = []
    for index, start in enumerate(month_starts):
        params[f"m{index}"] = _day(start)
        cases.append(f"WHEN i.invoice_date >= %(m{index})s THEN {index}")
    month = "CASE " + " ".join(cases) + " ELSE -1 END" if cases else "-1"
    params["start"] = _day(min([first_day, *month_starts]))
    amount = functional_sql("i", "i.amount")
    key = KEYS[by]
    sql = (
        f"SELECT {key}, {month}, "
        f"CAST(SUM(CASE WHEN i.invoice_date >= %(first)s THEN {amount} ELSE 0 END) AS BIGINT), "
        f"CAST(SUM({amount}) AS BIGINT) FROM ledger_invoice i "
        f"WHERE i.invoice_date >= %(start)s AND i.invoice_date <= %(last)s GROUP BY {key}, {month}"
    )
    result: dict[object, tuple[Decimal, list[Decimal]]] = {}
    for group, index, in_period, in_month in _fetch(sql, params):
        period_sales, months = result.setdefault(group, (Decimal(0), [Decimal(0)] * len(month_starts)))
        if index >= 0:
            months[index] += from_minor_units(in_month)
        result[group] = (period_sales + from_minor_units(in_period), months)
    return result


def paid(*, first_day: date, last_day: date, by: str) -> dict[object, tuple[Decimal, Decimal, Decimal]]:
    """Per key: (paid in the period, Σ paid × days past due, Σ paid × days since invoicing).

    Paid is what payments applied to invoices with an allocation dated in the period, in the
    functional currency at the invoice's rate; days run to the allocation date.
    """
    amount = functional_sql("i", "a.amount")
    late = days_between_sql("a.allocation_date", "i.due_date")
    since = days_between_sql("a.allocation_date", "i.invoice_date")
    sql = (
        "SELECT t.group_key, CAST(SUM(t.amount) AS BIGINT), CAST(SUM(t.amount * t.late) AS BIGINT), "
        f"CAST(SUM(t.amount * t.since) AS BIGINT) FROM (SELECT {KEYS[by]} AS group_key, "
        f"{amount} AS amount, {late} AS late, {since} AS since "
        "FROM ledger_allocation a JOIN ledger_invoice i ON i.id = a.invoice_id "
        "WHERE a.allocation_date >= %(first)s AND a.allocation_date <= %(last)s) t GROUP BY t.group_key"
    )
    rows = _fetch(sql, {"first": _day(first_day), "last": _day(last_day)})
    return {
        group: (from_minor_units(total), from_minor_units(late_sum), from_minor_units(since_sum))
        for group, total, late_sum, since_sum in rows
    }


def written_off(*, first_day: date, last_day: date, by: str) -> dict[object, Decimal]:
    """Per key: bad debt written off in the period, in the functional currency at the invoice's rate."""
    key = KEYS[by]
    sql = (
        f"SELECT {key}, CAST(SUM({functional_sql('i', 'w.amount')}) AS BIGINT) FROM ledger_writeoff w "
        "JOIN ledger_invoice i ON i.id = w.invoice_id "
        f"WHERE w.writeoff_date >= %(first)s AND w.writeoff_date <= %(last)s GROUP BY {key}"
    )
    rows = _fetch(sql, {"first": _day(first_day), "last": _day(last_day)})
    return {group: from_minor_units(amount) for group, amount in rows}
