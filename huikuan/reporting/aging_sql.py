"""Aging as of a date, computed in the database (SPEC §4): the SQL, and the report from its rows.

An invoice is read only if it was open at the end of the as-of day: issued on or before it
and closed after it, or not yet. The ``open_span`` index finds exactly those (with a window
of dates per span class, see ``huikuan.ledger.balances.open_span``) without reading the
rest of the ledger. An open invoice with nothing applied by the day owes its amount; only
the others have their allocations, credit notes and write-offs dated up to the day summed.

Amounts are minor units here, converted to the functional currency at each item's own rate
and rounded to the cent per item, half up, in integer arithmetic, so the figures are exact
and the same on SQLite and PostgreSQL.

No Django here: the queries run through any DB-API cursor, given as ``fetch(sql, params)``
(parameters in the ``%(name)s`` style) and ``adapt_date`` (a date as the driver takes it).
``huikuan.reporting.selectors.aging_report`` runs them through Django's connection, and
``huikuan aging --json`` through the same database's driver, without starting Django
(``huikuan.cli.quick``): one aging, two ways in.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date
from typing import Any

from huikuan.core.dates import days_before
from huikuan.core.money import from_minor_units
from huikuan.ledger.balances import STILL_OPEN, span_window_days
from huikuan.reporting.aging import GROUPINGS, AgingReport, assemble, bucket_earliest_dates

Fetch = Callable[[str, dict], list[tuple]]
AdaptDate = Callable[[date], Any]

# Group keys over a row ``b`` (an open item) joined to its customer ``c``.
_GROUP_KEY = {
    "customer": "b.customer_id",
    "salesperson": "COALESCE(NULLIF(b.salesperson, ''), c.salesperson)",
    "department": "COALESCE(NULLIF(b.department, ''), c.department)",
    "class": "c.credit_class",
    "currency": "b.currency",
}
_ACCOUNT_KEY = {
    "customer": "b.customer_id",
    "salesperson": "c.salesperson",
    "department": "c.department",
    "class": "c.credit_class",
    "currency": "b.currency",
}
# Minor units times a rate in millionths, rounded half up to functional minor units.
_FUNCTIONAL = "CASE WHEN b.fx_rate = 1000000 THEN {amount} ELSE ({amount} * b.fx_rate + 500000) / 1000000 END"


def _applied_sum(table: str, date_column: str) -> str:
    # PostgreSQL's SUM of a bigint is a numeric, whose division is not integral: cast back.
    return (
        f"COALESCE((SELECT CAST(SUM(r.amount) AS BIGINT) FROM {table} r "
        f"WHERE r.invoice_id = i.id AND r.{date_column} <= %(as_of)s), 0)"
    )


# An invoice with nothing applied by the day owes its amount; the others owe the amount
# less what was applied by then. The two kinds are read by separate queries so that the
# first, nearly all open invoices, is a plain index-only scan the database can parallelise.
_UNTOUCHED = "(i.first_applied_on IS NULL OR i.first_applied_on > %(as_of)s)"
_TOUCHED = "i.first_applied_on <= %(as_of)s"
_BALANCE_LEFT = (
    "i.amount - "
    + _applied_sum("ledger_allocation", "allocation_date")
    + " - "
    + _applied_sum("ledger_creditnote", "note_date")
    + " - "
    + _applied_sum("ledger_writeoff", "writeoff_date")
)
_PAYMENT_REST = (
    "p.amount - COALESCE((SELECT CAST(SUM(a.amount) AS BIGINT) FROM ledger_allocation a "
    "WHERE a.payment_id = p.id AND a.allocation_date <= %(as_of)s), 0)"
)

# A payment recorded as an advance receipt (预收): its rest is ``advance``, not ``unapplied``.
_ADVANCE = (
    "CASE WHEN EXISTS (SELECT 1 FROM ledger_advancereceipt r WHERE r.payment_id = p.id) THEN 1 ELSE 0 END"
)
# The account rows' split: on account (0), not matched to a customer, an advance receipt.
UNMATCHED = 1
ADVANCE = 2


def _open_on_day(
    alias: str, dated: str, largest_span: int, params: dict, as_of: date, adapt_date: AdaptDate
) -> list[str]:
    """WHERE clauses that together select the items open at the end of the as-of day."""
    clauses = [f"{alias}.open_span = {STILL_OPEN} AND {alias}.{dated} <= %(as_of)s"]
    for span in range(1, largest_span + 1):
        params[f"window_{span}"] = adapt_date(days_before(as_of, span_window_days(span)))
        clauses.append(
            f"{alias}.open_span = {span} AND {alias}.{dated} > %(window_{span})s "
            f"AND {alias}.{dated} <= %(as_of)s AND {alias}.closed_on > %(as_of)s"
        )
    return clauses


def _largest_closed_span(fetch: Fetch, table: str) -> int:
    [(largest,)] = fetch(f"SELECT MAX(open_span) FROM {table} WHERE open_span < {STILL_OPEN}", {})
    return largest or 0


def _bucket_case(as_of: date, basis: str, params: dict, adapt_date: AdaptDate) -> str:
    """The bucket's position in the list, as SQL: small integers group faster than text."""
    column = "b.due_date" if basis == "due" else "b.invoice_date"
    parts = []
    for index, (_, earliest) in enumerate(bucket_earliest_dates(as_of, basis)):
        if earliest is None:
            parts.append(f"ELSE {index}")
        else:
            params[f"bucket_{index}"] = adapt_date(earliest)
            parts.append(f"WHEN {column} >= %(bucket_{index})s THEN {index}")
    return "CASE " + " ".join(parts) + " END"


def _grouped(items_sql: str, key: str, value: str, group_by: str, *, split: str) -> str:
    """Sum ``value`` of the items by key and by ``split`` (a small integer: bucket, …).

    Rows (code, name, key, split, amount); by customer, the code and name are joined after
    grouping, to a few thousand groups rather than to every item.
    """
    join = "" if group_by == "customer" else "LEFT JOIN ledger_customer c ON c.id = b.customer_id"
    # Integers back, not PostgreSQL numerics: cheaper to send and to read.
    grouped = (
        f"SELECT t.group_key, t.part, CAST(SUM(t.amount) AS BIGINT) AS amount FROM ("
        f"SELECT {key} AS group_key, {split} AS part, {value} AS amount "
        f"FROM ({items_sql}) b {join} WHERE b.balance <> 0) t GROUP BY t.group_key, t.part"
    )
    if group_by == "customer":
        return (
            f"SELECT c.code, c.name, g.* FROM ({grouped}) g LEFT JOIN ledger_customer c ON c.id = g.group_key"
        )
    return f"SELECT g.group_key, g.group_key, g.* FROM ({grouped}) g"


def _only_customers(column: str, customer_ids: Collection[int] | None) -> str:
    """An extra WHERE condition keeping the items of these customers; none for all."""
    if customer_ids is None:
        return ""
    if not customer_ids:
        return " AND 1 = 0"
    # Integers, checked as such: inlined, so the database plans one query for any scope.
    return f" AND {column} IN ({', '.join(str(int(pk)) for pk in sorted(customer_ids))})"


def aging_rows(
    fetch: Fetch,
    adapt_date: AdaptDate,
    *,
    as_of: date,
    group_by: str = "customer",
    basis: str = "due",
    customer_ids: Collection[int] | None = None,
) -> tuple[list[tuple], list[tuple]]:
    """The aging's rows as of the end of ``as_of``: (open rows, account rows), each
    (code, name, group key, bucket index or account split, functional minor units); an
    account row's split is 0 (on account), ``UNMATCHED`` or ``ADVANCE`` (an advance receipt).

    With ``customer_ids``, only those customers' invoices, payments and credit notes are
    aged (a collector's or salesperson's scope); unmatched payments then belong to nobody
    in it. None ages the whole ledger.
    """
    if group_by not in GROUPINGS:
        raise ValueError(f"group_by must be one of {', '.join(GROUPINGS)}, not {group_by!r}")
    params: dict = {"as_of": adapt_date(as_of)}
    bucket = _bucket_case(as_of, basis, params, adapt_date)
    invoice_columns = "i.id, i.customer_id, i.due_date, i.invoice_date, i.fx_rate"
    if group_by != "customer":
        invoice_columns += ", i.currency, i.salesperson, i.department"
    open_on_day = _open_on_day(
        "i", "invoice_date", _largest_closed_span(fetch, "ledger_invoice"), params, as_of, adapt_date
    )
    invoice_queries = [
        " UNION ALL ".join(
            f"SELECT {invoice_columns}, {balance} AS balance FROM ledger_invoice i "
            f"WHERE {where} AND {which}{_only_customers('i.customer_id', customer_ids)}"
            for where in open_on_day
        )
        for balance, which in (("i.amount", _UNTOUCHED), (_BALANCE_LEFT, _TOUCHED))
    ]
    payments_open = _open_on_day(
        "p", "payment_date", _largest_closed_span(fetch, "ledger_payment"), params, as_of, adapt_date
    )
    account_sql = " UNION ALL ".join(
        [
            f"SELECT p.customer_id, p.currency, p.fx_rate, {_PAYMENT_REST} AS balance, {_ADVANCE} AS advance "
            f"FROM ledger_payment p WHERE {where}{_only_customers('p.customer_id', customer_ids)}"
            for where in payments_open
        ]
        + [
            "SELECT n.customer_id, n.currency, n.fx_rate, n.amount AS balance, 0 AS advance "
            "FROM ledger_creditnote n "
            "WHERE n.invoice_id IS NULL AND n.note_date <= %(as_of)s"
            + _only_customers("n.customer_id", customer_ids)
        ]
    )
    functional = _FUNCTIONAL.format(amount="b.balance")
    open_rows: list[tuple] = []
    for sql in invoice_queries:
        open_rows.extend(
            fetch(_grouped(sql, _GROUP_KEY[group_by], functional, group_by, split=bucket), params)
        )
    # Cash of payments not yet matched to a customer is kept apart, whatever the grouping, and
    # so are advance receipts (预收).
    account_sql = _grouped(
        account_sql,
        _ACCOUNT_KEY[group_by],
        functional,
        group_by,
        split=(
            f"CASE WHEN b.customer_id IS NULL THEN {UNMATCHED} WHEN b.advance = 1 THEN {ADVANCE} ELSE 0 END"
        ),
    )
    return open_rows, fetch(account_sql, params)


def report_from_rows(
    open_rows: list[tuple],
    account_rows: list[tuple],
    *,
    as_of: date,
    group_by: str,
    basis: str,
    currency: str,
) -> AgingReport:
    """The report of the rows of ``aging_rows``."""
    bucket_names = [name for name, _ in bucket_earliest_dates(as_of, basis)]
    names: dict[str, str] = {}
    open_items = []
    for code, name, _, bucket_index, amount in open_rows:
        names[code or ""] = name or ""
        open_items.append((code or "", bucket_names[bucket_index], int(amount)))
    unapplied: dict[str, int] = {}
    advance: dict[str, int] = {}
    unidentified = 0
    for code, name, _, split, amount in account_rows:
        if split == UNMATCHED:
            unidentified += int(amount)
            continue
        names[code or ""] = name or ""
        held = advance if split == ADVANCE else unapplied
        held[code or ""] = held.get(code or "", 0) + int(amount)
    return assemble(
        as_of=as_of,
        basis=basis,
        group_by=group_by,
        currency=currency,
        open_items=open_items,
        unapplied=unapplied,
        advance=advance,
        names_by_key=names,
        unidentified=from_minor_units(unidentified),
    )
