"""Benchmark: one KPI run (``huikuan kpi``) over the 1,000,000-invoice ledger of benchmarks/aging.py.

    .venv/bin/python benchmarks/kpi.py --work /tmp/bench1m          # a ledger aging.py built there
    .venv/bin/python benchmarks/kpi.py --work /tmp/mybench --invoices 100000   # builds one first

The ledger is the one ``benchmarks/aging.py --databases sqlite --work DIR`` generates and
imports (the same generator and import path); without one in ``--work`` that script is run
first. The benchmark never writes to that ledger: it copies the database (SQLite's online
backup) into a scratch directory, migrates the copy (the apps added since), and times in a
fresh process ``kpi_report`` — the code path of ``huikuan kpi`` and ``GET /api/kpi/`` — for a
quarter ending on the as-of date, by company and by department (best of ``--runs``), then
one whole ``huikuan kpi --json`` process.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child(as_of: date, runs: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huikuan.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from huikuan.finance.selectors import kpi_report
    from huikuan.ledger.models import Invoice

    call_command("migrate", verbosity=0)
    first = as_of - timedelta(days=89)
    print(f"  ledger: {Invoice.objects.count():,} invoices; period {first} … {as_of}", flush=True)
    for group_by in ("company", "department", "class", "currency"):
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            report = kpi_report(first_day=first, last_day=as_of, group_by=group_by)
            times.append(time.perf_counter() - started)
        total = report.as_dict()["total"]
        figures = f"DSO {total['dso']}, CEI {total['cei']}, collection rate {total['collection_rate']}"
        print(
            f"  kpi by {group_by}: best {min(times):.2f} s, worst {max(times):.2f} s of {runs} "
            f"(target < 5 s); {figures}",
            flush=True,
        )


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API: the source is only read."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.unlink()
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--work", type=Path, required=True, help="where aging.py keeps (or will keep) the ledger"
    )
    parser.add_argument(
        "--scratch", type=Path, help="where the copy goes (default: a new temporary directory)"
    )
    parser.add_argument("--invoices", type=int, default=1_000_000, help="when the ledger must be built first")
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 25))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.as_of, args.runs)
        return
    ledger = args.work / "sqlite" / "huikuan.sqlite3"
    if not (args.work / "sqlite" / "figures.json").exists():
        print(f"No imported ledger in {args.work}: building one with benchmarks/aging.py", flush=True)
        subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "aging.py"), "--databases", "sqlite",
             "--work", str(args.work), "--invoices", str(args.invoices), "--as-of", args.as_of.isoformat(),
             "--runs", "1"],
            check=True,
        )  # fmt: skip
    scratch = args.scratch or Path(tempfile.mkdtemp(prefix="huikuan-kpi-"))
    started = time.perf_counter()
    copy_database(ledger, scratch / "huikuan.sqlite3")
    print(f"Copied {ledger} to {scratch} in {time.perf_counter() - started:.1f} s", flush=True)
    env = {**os.environ, "HUIKUAN_HOME": str(scratch), "DATABASE_URL": "", "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, __file__, "--child", "--work", str(args.work), "--as-of", args.as_of.isoformat(),
         "--runs", str(args.runs)],
        check=True,
        env=env,
    )  # fmt: skip
    first = args.as_of - timedelta(days=89)
    command = [
        sys.executable,
        "-m",
        "huikuan",
        "kpi",
        "--from",
        first.isoformat(),
        "--to",
        args.as_of.isoformat(),
    ]
    started = time.perf_counter()
    result = subprocess.run([*command, "--json"], check=True, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    rows = len(json.loads(result.stdout)["rows"])
    print(f"  whole process: huikuan kpi --json {elapsed:.2f} s ({rows} row)", flush=True)


if __name__ == "__main__":
    main()
