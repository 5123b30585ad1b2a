"""Aging as of a date, computed in the database (SPEC §4).

An invoice is read only if it was open at the end of the as-of day: issued on or before
it and not yet closed (``closed_on`` after it, or never). Each such invoice's balance is
its amount less the allocations, credit notes and write-offs dated on or before the day;
the database groups the balances by key and bucket. Amounts are in minor units here and
converted to the functional currency at each item's own rate, rounded to the cent per
item, half up.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection

from huikuan.core.fields import from_minor_units
from huikuan.ledger.balances import span_window_days
from huikuan.ledger.models import Customer
from huikuan.reporting.aging import GROUPINGS, AgingReport, assemble, bucket_earliest_dates

_INVOICE_KEY = {
    "customer": "b.customer_id",
    "salesperson": "COALESCE(NULLIF(b.salesperson, ''), c.salesperson)",
    "department": "COALESCE(NULLIF(b.department, ''), c.department)",
    "class": "c.credit_class",
    "currency": "b.currency",
}
_ACCOUNT_KEY = {
    "customer": "x.customer_id",
    "salesperson": "c.salesperson",
    "department": "c.department",
    "class": "c.credit_class",
    "currency": "x.currency",
}
# Minor units times a rate in millionths, rounded half up to minor units of the functional
# currency; integer arithmetic, so exact on SQLite and PostgreSQL. (PostgreSQL's SUM of a
# bigint is a numeric, whose division is not integral: sums are cast back to BIGINT.)
_FUNCTIONAL = "CASE WHEN {rate} = 1000000 THEN {amount} ELSE ({amount} * {rate} + 500000) / 1000000 END"

_OPEN_COLUMNS = (
    "i.id, i.customer_id, i.amount, i.fx_rate, i.due_date, i.invoice_date, i.currency, "
    "i.salesperson, i.department, i.first_applied_on"
)
# The invoices open at the end of the as-of day: those never closed, and for each span
# class only those issued within the class's window before the day (balances.open_span).
_OPEN_NEVER_CLOSED = f"""
    SELECT {_OPEN_COLUMNS} FROM ledger_invoice i
    WHERE i.closed_on IS NULL AND i.invoice_date <= %(as_of)s"""
_OPEN_OF_SPAN = f"""
    SELECT {_OPEN_COLUMNS} FROM ledger_invoice i
    WHERE i.open_span = {{span}} AND i.invoice_date > %(window_{{span}})s
      AND i.invoice_date <= %(as_of)s AND i.closed_on > %(as_of)s"""

_OPEN_BALANCES = """
WITH open_invoices AS ({open_invoices}
),
applied AS (
    -- Only invoices with something applied by the day need their records summed.
    SELECT r.invoice_id, CAST(SUM(r.amount) AS BIGINT) AS amount FROM (
        SELECT a.invoice_id, a.amount FROM ledger_allocation a
        WHERE a.allocation_date <= %(as_of)s AND a.invoice_id IN (
            SELECT id FROM open_invoices WHERE first_applied_on <= %(as_of)s)
        UNION ALL
        SELECT n.invoice_id, n.amount FROM ledger_creditnote n
        WHERE n.note_date <= %(as_of)s AND n.invoice_id IN (
            SELECT id FROM open_invoices WHERE first_applied_on <= %(as_of)s)
        UNION ALL
        SELECT w.invoice_id, w.amount FROM ledger_writeoff w
        WHERE w.writeoff_date <= %(as_of)s AND w.invoice_id IN (
            SELECT id FROM open_invoices WHERE first_applied_on <= %(as_of)s)
    ) r
    GROUP BY r.invoice_id
),
balances AS (
    SELECT o.customer_id, o.fx_rate, o.due_date, o.invoice_date, o.currency, o.salesperson,
           o.department, o.amount - COALESCE(ap.amount, 0) AS balance
    FROM open_invoices o LEFT JOIN applied ap ON ap.invoice_id = o.id
)
SELECT {key} AS group_key, {bucket} AS bucket, SUM({functional}) AS amount
FROM balances b {join}
WHERE b.balance <> 0
GROUP BY 1, 2
"""

_UNAPPLIED = """
SELECT {key} AS group_key, SUM({functional}) AS amount FROM (
    SELECT p.customer_id, p.currency, p.fx_rate,
           p.amount - COALESCE((SELECT CAST(SUM(a.amount) AS BIGINT) FROM ledger_allocation a
                                WHERE a.payment_id = p.id AND a.allocation_date <= %(as_of)s), 0)
           AS rest
    FROM ledger_payment p
    WHERE p.payment_date <= %(as_of)s AND (p.closed_on IS NULL OR p.closed_on > %(as_of)s)
    UNION ALL
    SELECT n.customer_id, n.currency, n.fx_rate, n.amount AS rest
    FROM ledger_creditnote n
    WHERE n.invoice_id IS NULL AND n.note_date <= %(as_of)s
) x {join}
WHERE x.rest <> 0
GROUP BY 1
"""


def _bucket_case(as_of: date, basis: str, params: dict) -> str:
    column = "b.due_date" if basis == "due" else "b.invoice_date"
    parts = []
    for index, (name, earliest) in enumerate(bucket_earliest_dates(as_of, basis)):
        if earliest is None:
            parts.append(f"ELSE '{name}'")
        else:
            params[f"bucket_{index}"] = connection.ops.adapt_datefield_value(earliest)
            parts.append(f"WHEN {column} >= %(bucket_{index})s THEN '{name}'")
    return "CASE " + " ".join(parts) + " END"


def _open_invoices_sql(as_of: date, params: dict) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT MAX(open_span) FROM ledger_invoice")
        (largest_span,) = cursor.fetchone()
    parts = [_OPEN_NEVER_CLOSED]
    for span in range(1, (largest_span or 0) + 1):
        earliest = as_of - timedelta(days=span_window_days(span))
        params[f"window_{span}"] = connection.ops.adapt_datefield_value(earliest)
        parts.append(_OPEN_OF_SPAN.format(span=span))
    return "\n    UNION ALL".join(parts)


def _customers_by_id(ids: set[int]) -> dict[int, tuple[str, str]]:
    found: dict[int, tuple[str, str]] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), 5_000):
        for pk, code, name in Customer.objects.filter(pk__in=ordered[start : start + 5_000]).values_list(
            "pk", "code", "name"
        ):
            found[pk] = (code, name)
    return found


def aging_report(*, as_of: date, group_by: str = "customer", basis: str = "due") -> AgingReport:
    """The aging of receivables at the end of ``as_of``, grouped and bucketed."""
    if group_by not in GROUPINGS:
        raise ValueError(f"group_by must be one of {', '.join(GROUPINGS)}, not {group_by!r}")
    params: dict = {"as_of": connection.ops.adapt_datefield_value(as_of)}
    bucket = _bucket_case(as_of, basis, params)
    by_customer = group_by == "customer"
    open_sql = _OPEN_BALANCES.format(
        open_invoices=_open_invoices_sql(as_of, params),
        key=_INVOICE_KEY[group_by],
        bucket=bucket,
        functional=_FUNCTIONAL.format(rate="b.fx_rate", amount="b.balance"),
        join="" if by_customer else "JOIN ledger_customer c ON c.id = b.customer_id",
    )
    unapplied_sql = _UNAPPLIED.format(
        key=_ACCOUNT_KEY[group_by],
        functional=_FUNCTIONAL.format(rate="x.fx_rate", amount="x.rest"),
        join="" if by_customer else "LEFT JOIN ledger_customer c ON c.id = x.customer_id",
    )
    with connection.cursor() as cursor:
        cursor.execute(open_sql, params)
        open_rows = cursor.fetchall()
        cursor.execute(unapplied_sql, {"as_of": params["as_of"]})
        account_rows = cursor.fetchall()
    names: dict[str, str] = {}
    if by_customer:
        # Grouped by customer id in SQL; codes and names are looked up once per customer.
        customers = _customers_by_id({k for k, _, _ in open_rows} | {k for k, _ in account_rows if k})
        names = dict(customers.values())
        open_rows = [(customers[key][0], bucket_name, amount) for key, bucket_name, amount in open_rows]
        account_rows = [(customers[key][0] if key else None, amount) for key, amount in account_rows]
    open_items = [(key or "", name, from_minor_units(amount)) for key, name, amount in open_rows]
    unapplied: dict[str, Decimal] = {}
    unidentified = Decimal(0)
    for key, amount in account_rows:
        # A payment not yet matched to a customer has no group; it is reported apart.
        if key is None and group_by != "currency":
            unidentified += from_minor_units(amount)
        else:
            unapplied[key or ""] = unapplied.get(key or "", Decimal(0)) + from_minor_units(amount)
    return assemble(
        as_of=as_of,
        basis=basis,
        group_by=group_by,
        currency=settings.HUIKUAN["FUNCTIONAL_CURRENCY"],
        open_items=open_items,
        unapplied=unapplied,
        names_by_key=names,
        unidentified=unidentified,
    )
