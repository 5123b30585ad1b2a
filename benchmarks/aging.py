"""Benchmark: import a 1,000,000-invoice ledger and age it, against bare inserts and DuckDB.

    .venv/bin/python benchmarks/aging.py                      # 1M invoices, SQLite and PostgreSQL
    .venv/bin/python benchmarks/aging.py --invoices 100000 --databases sqlite

The demo generator writes the canonical files (customers, invoices, about a million payments,
allocations, credit notes). For each database, a fresh process migrates an empty database,
imports the files through the same code path as ``huikuan import`` (timed), inserts the very
same invoice rows with a bare ``executemany`` (SQLite) or ``COPY`` (PostgreSQL) into an
identical empty table (timed, the reference for import speed), and runs the as-of aging
through the same code path as ``huikuan aging`` for several dates (timed, best of 3). DuckDB
then computes the same aging over the same data (exported from that database; timed, best of
3) and the two reports must agree to the cent. Last, the same aging as whole processes, each
run alternately ``--runs`` times: ``huikuan aging --as-of D --json`` against
``python benchmarks/aging_duckdb.py aging.duckdb --as-of D`` over a DuckDB file of the same
rows (start-up, query and JSON output each; min and median of the wall time and of the CPU
time, user + system, which a busy machine disturbs less; with the load average). Figures are
printed, and written as JSON with ``--json-out``.

    .venv/bin/python benchmarks/aging.py --databases sqlite --work /tmp/bench1m   # keep the files
    .venv/bin/python benchmarks/aging.py --databases sqlite --work /tmp/bench1m   # again: reuse them

With ``--work`` the generated files, each database and the DuckDB file are kept; a second run
reuses them and only times the agings again (in-process and whole-process).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/huikuan_bench"


def aging_dates(as_of: date) -> list[date]:
    return [as_of, as_of - timedelta(days=91), as_of - timedelta(days=365), as_of - timedelta(days=547)]


def best_of(runs: int, work) -> tuple[float, object, float]:
    """The least wall seconds of ``runs`` runs, the last result, and the least CPU seconds
    (of every thread of this process: DuckDB runs a query on several)."""
    best, result, best_cpu = float("inf"), None, float("inf")
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = work()
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - started_cpu)
    return best, result, best_cpu


# --------------------------------------------------------------------------- child process


def child(data: Path, out: Path, as_of: date, aging_only: bool = False) -> None:
    """Runs with DATABASE_URL set: import, bare insert, aging, export for DuckDB."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huikuan.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from huikuan.ledger.imports import ledger_import
    from huikuan.reporting.selectors import aging_report

    if aging_only:
        # --work again: the database is imported; time the agings again beside DuckDB's.
        figures = json.loads(out.read_text())
        time_agings(figures, as_of, aging_report)
        out.write_text(json.dumps(figures))
        return
    call_command("migrate", verbosity=0)
    figures: dict = {"database": connection.vendor, "import": {}, "aging": {}}

    def timed_import(kind: str, name: str) -> None:
        started = time.perf_counter()
        result = ledger_import(kind=kind, path=data / name, imported_by="benchmark")
        figures["import"][kind] = {"rows": result.rows, "seconds": time.perf_counter() - started}
        print(
            f"  import {kind}: {result.rows:,} rows in {figures['import'][kind]['seconds']:.1f} s", flush=True
        )

    timed_import("customers", "customers.csv")
    timed_import("invoices", "invoices.csv")
    figures["bare_insert"] = bare_insert(connection, transaction)
    print(f"  bare {figures['bare_insert']['method']}: {figures['bare_insert']['seconds']:.1f} s", flush=True)
    timed_import("payments", "payments.csv")
    timed_import("allocations", "allocations.csv")
    timed_import("credit-notes", "credit_notes.csv")
    with connection.cursor() as cursor:
        # What autovacuum does after a large load: statistics, and on PostgreSQL the
        # visibility map that lets index-only scans skip the table.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    time_agings(figures, as_of, aging_report)
    export_for_duckdb(connection, out.parent)
    out.write_text(json.dumps(figures))


def time_agings(figures: dict, as_of: date, aging_report) -> None:
    for day in aging_dates(as_of):
        seconds, report, cpu = best_of(3, lambda day=day: aging_report(as_of=day, group_by="customer"))
        figures["aging"][day.isoformat()] = {
            "seconds": seconds,
            "cpu_seconds": cpu,
            "report": report.as_dict(),
        }
        print(f"  aging {day}: {seconds:.3f} s (CPU {cpu:.3f} s)", flush=True)


def bare_insert(connection, transaction) -> dict:
    """The same invoice rows, as stored, into an empty table with the same columns and indexes."""
    from huikuan.ledger.models import Invoice

    fields = [f for f in Invoice._meta.concrete_fields if f.column != "id"]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM ledger_invoice ORDER BY id")
        rows = cursor.fetchall()
        if connection.vendor == "postgresql":
            cursor.execute("DROP TABLE IF EXISTS bench_bare_invoice")
            cursor.execute("CREATE TABLE bench_bare_invoice (LIKE ledger_invoice INCLUDING ALL)")
        else:
            cursor.execute("DROP TABLE IF EXISTS bench_bare_invoice")
            cursor.execute("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'ledger_invoice'")
            ddl = [(kind, name, sql) for kind, name, sql in cursor.fetchall() if sql]
            for kind, name, sql in sorted(ddl, key=lambda item: item[0] != "table"):
                sql = sql.replace('"ledger_invoice"', '"bench_bare_invoice"')
                if kind == "index":
                    sql = sql.replace(f'"{name}"', f'"bare_{name}"')
                cursor.execute(sql)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY bench_bare_invoice ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            method = "COPY"
        else:
            parameter_marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO bench_bare_invoice ({columns}) VALUES ({parameter_marks})", rows)
            method = "executemany"
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_bare_invoice")
    return {"method": method, "rows": len(rows), "seconds": seconds}


EXPORTS = {
    "invoices": "SELECT i.id, c.code, i.invoice_date, i.due_date, i.amount, i.fx_rate "
    "FROM ledger_invoice i JOIN ledger_customer c ON c.id = i.customer_id",
    "applications": "SELECT invoice_id, allocation_date, amount FROM ledger_allocation "
    "UNION ALL SELECT invoice_id, note_date, amount FROM ledger_creditnote WHERE invoice_id IS NOT NULL "
    "UNION ALL SELECT invoice_id, writeoff_date, amount FROM ledger_writeoff",
    "payments": "SELECT p.id, c.code, p.payment_date, p.amount, p.fx_rate "
    "FROM ledger_payment p LEFT JOIN ledger_customer c ON c.id = p.customer_id",
    "allocations": "SELECT payment_id, allocation_date, amount FROM ledger_allocation",
    "account_credits": "SELECT c.code, n.note_date, n.amount, n.fx_rate FROM ledger_creditnote n "
    "JOIN ledger_customer c ON c.id = n.customer_id WHERE n.invoice_id IS NULL",
}


def export_for_duckdb(connection, directory: Path) -> None:
    with connection.cursor() as cursor:
        for name, sql in EXPORTS.items():
            cursor.execute(sql)
            with (directory / f"{name}.csv").open("w", newline="") as handle:
                writer = csv.writer(handle)
                while batch := cursor.fetchmany(100_000):
                    writer.writerows(batch)


# --------------------------------------------------------------------------- DuckDB reference


def duckdb_aging(directory: Path, days: list[date]) -> dict:
    """The same aging in-process over a DuckDB file of the exported rows (built once)."""
    import duckdb
    from aging_duckdb import aging, build

    path = directory / "aging.duckdb"
    if not path.exists():
        build(path, directory)
    db = duckdb.connect(str(path), read_only=True)
    results = {}
    for day in days:
        seconds, (open_rows, account_rows), cpu = best_of(3, lambda day=day: aging(db, day))
        results[day.isoformat()] = {
            "seconds": seconds,
            "cpu_seconds": cpu,
            "open": open_rows,
            "account": account_rows,
        }
    db.close()
    return results


def whole_process(run_dir: Path, env: dict, as_of: date, runs: int) -> dict:
    """``huikuan aging --as-of D --json`` and ``python aging_duckdb.py FILE --as-of D``, each as a
    whole process (start-up, query, JSON out), run alternately ``runs`` times: min and median of
    the wall time and of the CPU time (user + system, every thread; steadier on a busy machine)."""
    script = Path(sys.executable).with_name("huikuan")
    huikuan = [str(script)] if script.exists() else [sys.executable, "-m", "huikuan.cli.main"]
    commands = {
        "huikuan": [*huikuan, "aging", "--as-of", as_of.isoformat(), "--json"],
        # The same command through Django's management command (--verbosity keeps it off the
        # quick way of huikuan.cli.quick): what the quick way saves.
        "huikuan_django": [*huikuan, "aging", "--as-of", as_of.isoformat(), "--json", "--verbosity", "1"],
        "duckdb": [
            sys.executable,
            str(Path(__file__).with_name("aging_duckdb.py")),
            str(run_dir / "aging.duckdb"),
            "--as-of",
            as_of.isoformat(),
        ],
    }
    env = {**env, "PYTHONPATH": os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    # Bytecode caches written by a first run of each (as an installed package has them).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for command in commands.values():
        subprocess.run(command, env=env, capture_output=True, check=True)
    seconds: dict[str, list[float]] = {name: [] for name in commands}
    cpu_seconds: dict[str, list[float]] = {name: [] for name in commands}
    outputs: dict[str, str] = {}
    load_before = os.getloadavg()[0]
    for _ in range(runs):
        for name, command in commands.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
            seconds[name].append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu_seconds[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            outputs[name] = done.stdout
    load_after = os.getloadavg()[0]
    ok = agrees(json.loads(outputs["huikuan"]), json.loads(outputs["duckdb"]))
    figures = {
        name: {
            "min": min(times),
            "median": statistics.median(times),
            "runs": times,
            "cpu_min": min(cpu_seconds[name]),
            "cpu_median": statistics.median(cpu_seconds[name]),
            "cpu_runs": cpu_seconds[name],
        }
        for name, times in seconds.items()
    }
    ratio = figures["huikuan"]["min"] / figures["duckdb"]["min"]
    cpu_ratio = figures["huikuan"]["cpu_min"] / figures["duckdb"]["cpu_min"]
    ours, theirs, slow = figures["huikuan"], figures["duckdb"], figures["huikuan_django"]
    lines = [
        f"whole process, as of {as_of} ({runs} runs each, load average {load_before:.1f}-{load_after:.1f}): "
        f"huikuan aging --json min {ours['min']:.2f} s, median {ours['median']:.2f} s "
        f"(CPU min {ours['cpu_min']:.2f} s, median {ours['cpu_median']:.2f} s); "
        f"DuckDB script min {theirs['min']:.2f} s, median {theirs['median']:.2f} s "
        f"(CPU min {theirs['cpu_min']:.2f} s, median {theirs['cpu_median']:.2f} s); "
        f"ratio {ratio:.2f}x (target <= 1), CPU {cpu_ratio:.2f}x; same figures: {'yes' if ok else 'NO'}",
        f"whole process through Django's command (--verbosity 1): min {slow['min']:.2f} s, "
        f"median {slow['median']:.2f} s "
        f"(CPU min {slow['cpu_min']:.2f} s, median {slow['cpu_median']:.2f} s); "
        f"same output: {'yes' if outputs['huikuan_django'] == outputs['huikuan'] else 'NO'}",
    ]
    for line in lines:
        print(f"  {line}", flush=True)
    return {
        "lines": lines,
        "figures": figures,
        "ratio": ratio,
        "cpu_ratio": cpu_ratio,
        "agrees": ok,
        "load_average": [load_before, load_after],
        "commands": commands,
    }


def agrees(report: dict, reference: dict) -> bool:
    """Huikuan's JSON report equals DuckDB's rows, cent for cent."""
    cents = lambda text: int(Decimal(text).scaleb(2))  # noqa: E731
    ours_open = {
        (row["key"], bucket): cents(amount)
        for row in report["rows"]
        for bucket, amount in row["buckets"].items()
        if cents(amount)
    }
    theirs_open = {(code, bucket): int(amount) for code, bucket, amount in reference["open"] if int(amount)}
    # DuckDB's reference does not tell advance receipts (预收) from other money on account.
    ours_account = {
        row["key"]: cents(row["unapplied"]) + cents(row["advance"])
        for row in report["rows"]
        if cents(row["unapplied"]) + cents(row["advance"])
    }
    theirs_account = {code: int(amount) for code, amount in reference["account"] if code and int(amount)}
    unidentified = sum(int(amount) for code, amount in reference["account"] if not code)
    return (
        ours_open == theirs_open
        and ours_account == theirs_account
        and cents(report["unidentified"]) == unidentified
    )


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES))
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 25))
    parser.add_argument("--json-out", type=Path)
    parser.add_argument(
        "--work",
        type=Path,
        help="keep the files, databases and DuckDB file here; run again to reuse them "
        "(only the timings run again)",
    )
    parser.add_argument(
        "--runs", type=int, default=7, help="whole-process runs of each command (min and median)"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--aging-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.data, args.out, args.as_of, args.aging_only)
        return

    work = args.work or Path(tempfile.mkdtemp(prefix="huikuan-bench-"))
    data = work / "files"
    if (data / "invoices.csv").exists():
        print(f"Reusing the files in {data}", flush=True)
    else:
        generate(data, args)
    summary = {"invoices": args.invoices, "as_of": args.as_of.isoformat(), "databases": {}}
    for database in args.databases.split(","):
        print(f"\n== {database} ==", flush=True)
        run_dir = work / database
        # The benchmark's files are above the default import limits (docs/import-limits.md).
        env = {
            **os.environ,
            "HUIKUAN_HOME": str(run_dir),
            "DATABASE_URL": "",
            "HUIKUAN_IMPORT_MAX_FILE_MB": "4096",
            "HUIKUAN_IMPORT_MAX_ROWS": "100000000",
        }
        if database == "postgresql":
            env["DATABASE_URL"] = args.postgres_url
        out = run_dir / "figures.json"
        if out.exists():
            # --work again: the files, the database and the DuckDB file are kept; only time again.
            print(f"  reusing the database in {run_dir}", flush=True)
            run_child(data, out, args.as_of, env, "--aging-only")
        else:
            run_dir.mkdir(parents=True, exist_ok=True)
            if database == "postgresql":
                reset_postgres(args.postgres_url)
            run_child(data, out, args.as_of, env)
        figures = json.loads(out.read_text())
        reference = duckdb_aging(run_dir, aging_dates(args.as_of))
        result = report_figures(database, figures, reference)
        result["whole_process"] = whole_process(run_dir, env, args.as_of, args.runs)
        summary["databases"][database] = result
    if args.json_out:
        args.json_out.write_text(json.dumps(summary, indent=2))
    print("\nSummary")
    for database, lines in summary["databases"].items():
        for line in lines["lines"] + lines["whole_process"]["lines"]:
            print(f"  {database:<10} {line}")


def run_child(data: Path, out: Path, as_of: date, env: dict, *flags: str) -> None:
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            "--data",
            str(data),
            "--out",
            str(out),
            "--as-of",
            as_of.isoformat(),
            *flags,
        ],
        check=True,
        env=env,
    )


def generate(data: Path, args: argparse.Namespace) -> None:
    data.mkdir(parents=True, exist_ok=True)
    print(
        f"Generating {args.invoices:,} invoices (seed {args.seed}, as of {args.as_of}) in {data}", flush=True
    )
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, sys; from datetime import date; from pathlib import Path;"
            "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'huikuan.config.settings');"
            "import django; django.setup();"
            "from huikuan.ledger.demo import demo_files;"
            "demo_files(Path(sys.argv[1]), seed=int(sys.argv[2]), invoices=int(sys.argv[3]),"
            " as_of=date.fromisoformat(sys.argv[4]))",
            str(data),
            str(args.seed),
            str(args.invoices),
            args.as_of.isoformat(),
        ],
        check=True,
        env={**os.environ, "HUIKUAN_HOME": str(data.parent / "gen"), "DATABASE_URL": ""},
    )
    print(f"  generated in {time.perf_counter() - started:.1f} s", flush=True)


def report_figures(database: str, figures: dict, reference: dict) -> dict:
    invoices = figures["import"]["invoices"]
    bare = figures["bare_insert"]
    speed_share = bare["seconds"] / invoices["seconds"]
    lines = [
        f"import {invoices['rows']:,} invoices: {invoices['seconds']:.1f} s "
        f"({invoices['rows'] / invoices['seconds']:,.0f} rows/s); bare {bare['method']}: "
        f"{bare['seconds']:.1f} s; import speed = {speed_share:.2f} of bare (target >= 0.20)",
    ]
    for kind in ("payments", "allocations", "credit-notes"):
        item = figures["import"][kind]
        lines.append(f"import {item['rows']:,} {kind}: {item['seconds']:.1f} s")
    agings = {}
    for day, item in figures["aging"].items():
        ref = reference[day]
        ok = agrees(item["report"], ref)
        ratio = item["seconds"] / ref["seconds"]
        cpu = item.get("cpu_seconds", float("nan"))
        agings[day] = {
            "seconds": item["seconds"],
            "cpu_seconds": cpu,
            "duckdb_seconds": ref["seconds"],
            "duckdb_cpu_seconds": ref["cpu_seconds"],
            "ratio": ratio,
            "agrees": ok,
        }
        lines.append(
            f"aging as of {day} in-process: {item['seconds'] * 1000:.0f} ms (CPU {cpu * 1000:.0f} ms); "
            f"DuckDB {ref['seconds'] * 1000:.0f} ms (CPU {ref['cpu_seconds'] * 1000:.0f} ms); "
            f"ratio {ratio:.2f}x (target <= 3); same figures: {'yes' if ok else 'NO'}"
        )
    for line in lines:
        print(f"  {line}")
    return {
        "lines": lines,
        "import_speed_share": speed_share,
        "aging": agings,
        "figures": {"import": figures["import"], "bare_insert": bare},
    }


def reset_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
