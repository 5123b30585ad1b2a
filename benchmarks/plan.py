"""Benchmark: the clearance plan over the ledger of benchmarks/aging.py — the baseline snapshot
(``huikuan plan create``), the progress as of a date, and the weekly trend.

    .venv/bin/python benchmarks/plan.py --work /tmp/bench1m                   # a ledger aging.py built
    .venv/bin/python benchmarks/plan.py --work /tmp/plan100k --invoices 100000   # builds one first

As ``benchmarks/kpi.py``: the ledger is copied (SQLite's online backup) into a scratch
directory and the copy migrated, never written in place; the timings run in a fresh process.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from kpi import copy_database  # noqa: E402 - benchmarks/kpi.py, after the path


def child(as_of: date, weeks: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huikuan.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from huikuan.finance.models import PlanBaselineItem
    from huikuan.finance.plan_progress import plan_progress
    from huikuan.finance.plans import clearance_plan_create
    from huikuan.ledger.models import Invoice

    call_command("migrate", verbosity=0)
    baseline = as_of - timedelta(weeks=weeks)
    print(f"  ledger: {Invoice.objects.count():,} invoices; baseline {baseline}, as of {as_of}", flush=True)
    started = time.perf_counter()
    plan = clearance_plan_create(baseline_date=baseline, created_by="bench", today=as_of)
    elapsed = time.perf_counter() - started
    items = PlanBaselineItem.objects.filter(plan=plan).count()
    print(
        f"  plan create (baseline snapshot): {elapsed:.2f} s; {items:,} overdue invoices, "
        f"{plan.baseline_overdue:,.2f} {plan.currency}",
        flush=True,
    )
    runs = (
        ("company", False, False, ""),
        ("department", False, False, ""),
        ("department", True, False, ", the page: trend of the clearance rate"),
        ("company", True, True, ", trend of every target"),
    )
    for group_by, trend, kpi_trend, what in runs:
        started = time.perf_counter()
        progress = plan_progress(plan=plan, as_of=as_of, group_by=group_by, trend=trend, kpi_trend=kpi_trend)
        elapsed = time.perf_counter() - started
        total = progress.as_dict()["total"]
        points = len(progress.trend.week_ends) if progress.trend else 0
        print(
            f"  progress by {group_by}{what}{f' ({points} weeks)' if trend else ''}: {elapsed:.2f} s; "
            f"clearance {total['clearance_rate']}%, collection rate {total['collection_rate']}%",
            flush=True,
        )


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
    parser.add_argument("--weeks", type=int, default=13, help="the baseline this many weeks before")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.as_of, args.weeks)
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
    scratch = args.scratch or Path(tempfile.mkdtemp(prefix="huikuan-plan-"))
    copy_database(ledger, scratch / "huikuan.sqlite3")
    env = {**os.environ, "HUIKUAN_HOME": str(scratch), "DATABASE_URL": "", "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, __file__, "--child", "--work", str(args.work), "--as-of", args.as_of.isoformat(),
         "--weeks", str(args.weeks)],
        check=True,
        env=env,
    )  # fmt: skip


if __name__ == "__main__":
    main()
