"""The clearance plan's figures in bulk SQL: the baseline snapshot (one INSERT … SELECT), the
baseline's items, and what was applied to them since the baseline (one query per kind of
record, each joined from the plan's items through the records' invoice-and-date indexes).

Amounts are minor units, as the aging and the KPI figures read them: an invoice's balance
is its own currency's; the functional amount is converted at the invoice's own rate and
rounded to the cent, half up, in integer arithmetic (``huikuan.credit.figures``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection

from huikuan.core.money import from_minor_units
from huikuan.credit.figures import balance_sql, functional_sql, open_on_or_after

# The kinds of record that reduce a baseline invoice since the baseline.
CLEARED, WRITTEN_OFF = 0, 1
_RECORDS = (
    ("ledger_allocation", "allocation_date", CLEARED),
    ("ledger_creditnote", "note_date", CLEARED),
    ("ledger_writeoff", "writeoff_date", WRITTEN_OFF),
)


def _day(value: date) -> object:
    return connection.ops.adapt_datefield_value(value)


def _date(value: object) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value  # SQLite gives text


def baseline_snapshot(*, plan_id: int, baseline: date) -> tuple[int, Decimal]:
    """Write the plan's baseline: every invoice open at the end of ``baseline`` and due before
    it (overdue that day, as the aging counts it), with its balance then and its customer's
    department, salesperson and collector, in one statement. (Items written, functional total.)

    The invoices open at the end of the day are found through the ``open_span`` index (those
    open at the start of the next day, issued by the baseline), not by reading the ledger."""
    params: dict = {"plan": plan_id, "as_of": _day(baseline)}
    columns = f"i.id AS invoice_id, i.customer_id, i.fx_rate, {balance_sql('as_of')} AS own_balance"
    open_then = open_on_or_after(
        baseline + timedelta(days=1),
        params,
        columns,
        where="i.invoice_date <= %(as_of)s AND i.due_date < %(as_of)s",
    )
    sql = (
        "INSERT INTO finance_planbaselineitem "
        "(plan_id, invoice_id, customer_id, department, salesperson, collector, own_balance, balance) "
        "SELECT %(plan)s, t.invoice_id, t.customer_id, c.department, c.salesperson, c.collector, "
        f"t.own_balance, {functional_sql('t', 't.own_balance')} "
        f"FROM ({open_then}) t JOIN ledger_customer c ON c.id = t.customer_id WHERE t.own_balance > 0"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.execute(
            "SELECT COUNT(*), COALESCE(CAST(SUM(balance) AS BIGINT), 0) FROM finance_planbaselineitem "
            "WHERE plan_id = %s",
            [plan_id],
        )
        count, total = cursor.fetchone()
    return int(count), from_minor_units(int(total))


@dataclass(frozen=True)
class BaselineItem:
    """One baseline invoice: who it belonged to, its balance then (minor units) and its rate."""

    invoice_id: int
    department: str
    salesperson: str
    collector: str
    own_balance: int
    balance: int
    fx_rate: Decimal


def baseline_items(*, plan_id: int) -> list[BaselineItem]:
    sql = (
        "SELECT b.invoice_id, b.department, b.salesperson, b.collector, b.own_balance, b.balance, i.fx_rate "
        "FROM finance_planbaselineitem b JOIN ledger_invoice i ON i.id = b.invoice_id WHERE b.plan_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [plan_id])
        rows = cursor.fetchall()
    return [
        BaselineItem(pk, dept or "", sales or "", coll or "", int(own), int(bal), from_minor_units(rate, 6))
        for pk, dept, sales, coll, own, bal, rate in rows
    ]


def baseline_events(*, plan_id: int, baseline: date, last_day: date) -> list[tuple[int, date, int, int]]:
    """What reduced the baseline invoices after the baseline, up to ``last_day``: (invoice id,
    date, amount in the invoice's minor units, CLEARED or WRITTEN_OFF), in date order.
    Allocations and credit notes clear a debt; a write-off is a loss."""
    params = {"plan": plan_id, "base": _day(baseline), "last": _day(last_day)}
    events = []
    with connection.cursor() as cursor:
        for table, column, kind in _RECORDS:
            cursor.execute(
                f"SELECT b.invoice_id, r.{column}, r.amount FROM finance_planbaselineitem b "
                f"JOIN {table} r ON r.invoice_id = b.invoice_id "
                f"WHERE b.plan_id = %(plan)s AND r.{column} > %(base)s AND r.{column} <= %(last)s",
                params,
            )
            events.extend((pk, _date(day), int(amount), kind) for pk, day, amount in cursor.fetchall())
    events.sort(key=lambda event: (event[1], event[3]))
    return events
