"""Aging as of a date, computed in the database (SPEC §4), through Django's connection.

The queries and the report from their rows are ``huikuan.reporting.aging_sql``'s.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from django.db import connection

from huikuan.core.policy import policy_value
from huikuan.reporting.aging import AgingReport
from huikuan.reporting.aging_sql import aging_rows, report_from_rows


def aging_report(
    *,
    as_of: date,
    group_by: str = "customer",
    basis: str = "due",
    customer_ids: Collection[int] | None = None,
) -> AgingReport:
    """The aging of receivables at the end of ``as_of``, grouped and bucketed.

    With ``customer_ids``, only those customers' invoices, payments and credit notes are
    aged (a collector's or salesperson's scope); unmatched payments then belong to nobody
    in it. None ages the whole ledger.
    """
    with connection.cursor() as cursor:

        def fetch(sql: str, params: dict) -> list[tuple]:
            cursor.execute(sql, params)
            return cursor.fetchall()

        open_rows, account_rows = aging_rows(
            fetch,
            connection.ops.adapt_datefield_value,
            as_of=as_of,
            group_by=group_by,
            basis=basis,
            customer_ids=customer_ids,
        )
    return report_from_rows(
        open_rows,
        account_rows,
        as_of=as_of,
        group_by=group_by,
        basis=basis,
        currency=policy_value("FUNCTIONAL_CURRENCY"),
    )
