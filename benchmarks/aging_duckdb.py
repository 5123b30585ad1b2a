"""The DuckDB reference of ``benchmarks/aging.py``: the as-of aging by customer over a DuckDB
file holding the same rows as Huikuan's database, printed as JSON.

    python benchmarks/aging_duckdb.py aging.duckdb --as-of 2026-11-25

``benchmarks/aging.py`` builds the file (``build``) from the rows it exports from Huikuan's
database, times this script as a whole process beside ``huikuan aging --as-of D --json``, and
times ``aging`` in-process; both reports must agree to the cent.
"""

from __future__ import annotations

import argparse
import json
from datetime import date, timedelta
from pathlib import Path

import duckdb

DUE_BUCKETS = [("current", 0), ("1-30", 30), ("31-60", 60), ("61-90", 90), ("91-180", 180), ("181-360", 360)]
SCHEMAS = {
    "invoices": "id BIGINT, code VARCHAR, invoice_date DATE, due_date DATE, amount BIGINT, fx_rate BIGINT",
    "applications": "invoice_id BIGINT, applied_on DATE, amount BIGINT",
    "payments": "id BIGINT, code VARCHAR, payment_date DATE, amount BIGINT, fx_rate BIGINT",
    "allocations": "payment_id BIGINT, allocated_on DATE, amount BIGINT",
    "account_credits": "code VARCHAR, note_date DATE, amount BIGINT, fx_rate BIGINT",
}
_FUNCTIONAL = "CASE WHEN fx_rate = 1000000 THEN {a} ELSE ({a} * fx_rate + 500000) // 1000000 END"


def build(path: Path, csv_directory: Path) -> None:
    """A DuckDB file of the CSV exports (``NAME.csv`` for each table of ``SCHEMAS``)."""
    db = duckdb.connect(str(path))
    for name, columns in SCHEMAS.items():
        spec = ", ".join(f"'{c.split()[0]}': '{c.split()[1]}'" for c in columns.split(", "))
        db.execute(
            f"CREATE TABLE {name} AS SELECT * FROM read_csv('{csv_directory / (name + '.csv')}', "
            f"header = false, columns = {{{spec}}})"
        )
    db.close()


def aging(db: duckdb.DuckDBPyConnection, day: date) -> tuple[list, list]:
    """(open rows: code, bucket, cents; account rows: code, cents) as of the end of ``day``."""
    cases = " ".join(
        f"WHEN due_date >= DATE '{day - timedelta(days=largest)}' THEN '{name}'"
        for name, largest in DUE_BUCKETS
    )
    open_sql = f"""
        WITH applied AS (
            SELECT invoice_id, SUM(amount) AS amount FROM applications
            WHERE applied_on <= DATE '{day}' GROUP BY invoice_id
        )
        SELECT i.code, CASE {cases} ELSE '361+' END AS bucket,
               SUM({_FUNCTIONAL.format(a="(i.amount - COALESCE(a.amount, 0))")}) AS amount
        FROM invoices i LEFT JOIN applied a ON a.invoice_id = i.id
        WHERE i.invoice_date <= DATE '{day}' AND i.amount - COALESCE(a.amount, 0) <> 0
        GROUP BY ALL
    """
    account_sql = f"""
        WITH allocated AS (
            SELECT payment_id, SUM(amount) AS amount FROM allocations
            WHERE allocated_on <= DATE '{day}' GROUP BY payment_id
        )
        SELECT code, SUM({_FUNCTIONAL.format(a="rest")}) FROM (
            SELECT p.code, p.fx_rate, p.amount - COALESCE(a.amount, 0) AS rest
            FROM payments p LEFT JOIN allocated a ON a.payment_id = p.id
            WHERE p.payment_date <= DATE '{day}'
            UNION ALL
            SELECT code, fx_rate, amount FROM account_credits WHERE note_date <= DATE '{day}'
        ) WHERE rest <> 0 GROUP BY ALL
    """
    return db.execute(open_sql).fetchall(), db.execute(account_sql).fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("file", type=Path)
    parser.add_argument("--as-of", type=date.fromisoformat, required=True)
    args = parser.parse_args()
    db = duckdb.connect(str(args.file), read_only=True)
    open_rows, account_rows = aging(db, args.as_of)
    print(json.dumps({"open": open_rows, "account": account_rows}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
