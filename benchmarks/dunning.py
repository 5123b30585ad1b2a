"""Benchmark: the daily dunning run over 100,000 customers and 1,000,000 open invoices.

    .venv/bin/python benchmarks/dunning.py                          # SQLite (and PostgreSQL)
    .venv/bin/python benchmarks/dunning.py --customers 10000 --invoices 100000 --databases sqlite

For each database a fresh process migrates an empty database and inserts the ledger in
bulk: customers of every class, open invoices whose due dates spread from 10 days ahead to
200 days past the run date (every rung of the ladder). Then it times, through the same code
path as ``huikuan dunning run``:

1. the first daily run (decision + claims + actions + penalties: nearly every invoice takes
   a step, as on the day a company starts with Huikuan);
2. the same day again (nothing new: the (invoice, step) claims);
3. the next day (the usual daily increment);

and, separately, the stage after the run's commit: the credit holds of the legal step
(placed one customer at a time through credit, with its audit trail) and the delivery stage
on a sample of the email actions: each email rendered from its template with the statement
PDF attached, queued in the outbox and sent through Django's in-memory mail backend (what
Huikuan costs, not the mail server). The machine's load is printed with the figures, and
every time is also given as the process's CPU time. ``--json-out`` writes them as JSON.

``--celery-concurrency N`` (default 2; 0 skips it) also
times a usual day's delivery as production does it: the next day's email, letter and SMS
actions queued in chunks (``deliveries_enqueue``) and done by a real Celery worker
(``celery worker --concurrency 2``, broker ``--broker``: the local Redis) that sends every
email over SMTP to an aiosmtpd sink on loopback, from the queueing until the last task ends:

    .venv/bin/python benchmarks/dunning.py --customers 10000 --invoices 100000 --databases sqlite
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/huikuan_bench_dunning"
CLASSES = ["A"] * 20 + ["B"] * 40 + ["C"] * 25 + ["D"] * 15


def generate(customers: int, invoices: int, as_of: date, seed: int) -> dict:
    """Insert the ledger straight into the tables (no import checks: this is not what is timed)."""
    from django.db import transaction
    from django.utils import timezone

    from huikuan.ledger.balances import STILL_OPEN
    from huikuan.ledger.bulk import bulk_insert_rows
    from huikuan.ledger.models import Customer, Invoice

    rng = random.Random(seed)
    now = timezone.now()
    collectors = [f"collector{n:02d}" for n in range(50)]
    salespeople = [f"sales{n:03d}" for n in range(200)]
    started = time.perf_counter()
    with transaction.atomic():
        bulk_insert_rows(
            Customer,
            [
                "code",
                "name",
                "credit_class",
                "salesperson",
                "collector",
                "department",
                "email",
                "industry_position",
                "phone",
                "address",
                "short_name",
                "english_name",
                "status",
                "currency",
                "language",
                "created_at",
            ],
            [
                (
                    f"C{n:06d}",
                    f"客户{n:06d}",
                    rng.choice(CLASSES),
                    rng.choice(salespeople),
                    rng.choice(collectors),
                    f"部门{n % 12:02d}",
                    f"c{n:06d}@example.cn",
                )
                for n in range(customers)
            ],
            constants=("", "", "", "", "", "active", "CNY", "zh-hans", now),
        )
        ids = list(Customer.objects.order_by("id").values_list("id", flat=True))
        rows = []
        for n in range(invoices):
            due = as_of + timedelta(days=rng.randint(-200, 10))
            amount = f"{rng.randint(10_000, 5_000_000) / 100:.2f}"
            rows.append((f"YS{n:08d}", ids[n % len(ids)], due - timedelta(days=35), due, due, amount))
        from decimal import Decimal

        rows = [(*row[:5], Decimal(row[5])) for row in rows]
        bulk_insert_rows(
            Invoice,
            [
                "number",
                "customer",
                "invoice_date",
                "due_date",
                "original_due_date",
                "amount",
                "currency",
                "fx_rate",
                "order_number",
                "contract_number",
                "vat_invoice_number",
                "salesperson",
                "department",
                "description",
                "disputed",
                "applied_amount",
                "open_span",
                "created_at",
            ],
            rows,
            constants=("CNY", 1_000_000, "", "", "", "", "", "", False, 0, STILL_OPEN, now),
        )
    return {"customers": customers, "invoices": invoices, "seconds": time.perf_counter() - started}


def group_cpu_seconds(pgid: int) -> float:
    """CPU time (user + system) used so far by the live processes of a process group (Linux)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # pgrp; utime and stime are fields 14 and 15 of the stat line
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def celery_delivery(day: date, concurrency: int) -> dict:
    """The day's open actions, queued in chunks and delivered by a Celery worker over SMTP."""
    from aiosmtpd.controller import Controller
    from django.conf import settings

    from huikuan.collections.delivery import DELIVERED, deliveries_enqueue
    from huikuan.collections.models import DunningAction
    from huikuan.core.tasks import tasks_pending

    class Sink:
        received = 0

        async def handle_DATA(self, server, session, envelope) -> str:
            Sink.received += 1
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp = Controller(Sink(), hostname="127.0.0.1", port=port)
    smtp.start()
    env = {
        **os.environ,
        "HUIKUAN_SCHEDULER": "celery",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "DEFAULT_FROM_EMAIL": "ar@huikuan.example",
        # As in production (a server's environment file): debug off, so no query is logged.
        "HUIKUAN_DEBUG": "0",
    }
    worker = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "huikuan.config.celery",
            "worker",
            f"--concurrency={concurrency}",
            "-Q",
            settings.CELERY_TASK_DEFAULT_QUEUE,
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        time.sleep(5)  # the worker's start-up is not what is timed
        actions = DunningAction.objects.filter(action_date=day, status="open", channel__in=DELIVERED).count()
        settings.HUIKUAN_SCHEDULER = "celery"  # this process queues; the worker delivers
        started, cpu = time.perf_counter(), group_cpu_seconds(worker.pid)
        tasks = deliveries_enqueue(run_date=day)
        while tasks_pending(func="huikuan.collections.delivery.delivery_chunk_send", run_date=day):
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        # The worker processes' CPU time for the delivery (not the SMTP sink's, in this process).
        cpu = group_cpu_seconds(worker.pid) - cpu
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
        smtp.stop()
    # Left open: actions refused (no email address), kept for the email_retry job.
    left = DunningAction.objects.filter(action_date=day, status="open", channel__in=DELIVERED).count()
    return {
        "date": day.isoformat(),
        "actions": actions,
        "tasks": tasks,
        "emails_received": Sink.received,
        "left_open": left,
        "seconds": seconds,
        "worker_cpu_seconds": cpu,
        "concurrency": concurrency,
    }


def child(
    out: Path, customers: int, invoices: int, as_of: date, seed: int, sample: int, concurrency: int
) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huikuan.config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    import huikuan.collections.delivery as delivery
    import huikuan.collections.run as run_module
    from huikuan.collections.models import DunningAction, DunningClaim
    from huikuan.collections.run import dunning_run, holds_place

    call_command("migrate", verbosity=0)
    figures: dict = {"database": connection.vendor, "runs": {}}
    figures["generate"] = generate(customers, invoices, as_of, seed)
    print(f"  ledger inserted in {figures['generate']['seconds']:.1f} s", flush=True)
    connection.close()

    # Holds and deliveries are their own stage after the run's commit, timed below.
    after_run = run_module.after_run
    run_module.after_run = lambda **_: None
    for label, day in (
        ("first run", as_of),
        ("same day again", as_of),
        ("next day", as_of + timedelta(days=1)),
    ):
        started, cpu = time.perf_counter(), time.process_time()
        result = dunning_run(date=day)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        figures["runs"][label] = {
            "date": day.isoformat(),
            "seconds": seconds,
            "cpu_seconds": cpu,
            "invoices_considered": result.invoices_considered,
            "invoices_stepped": result.invoices_stepped,
            "actions": len(result.actions),
        }
        print(
            f"  {label} ({day}): {seconds:.1f} s (CPU {cpu:.1f} s); "
            f"{result.invoices_considered:,} open invoices, "
            f"{result.invoices_stepped:,} steps, {len(result.actions):,} actions",
            flush=True,
        )
    run_module.after_run = after_run
    started, cpu = time.perf_counter(), time.process_time()
    placed = holds_place()
    figures["holds"] = {
        "placed": placed,
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
    }
    print(
        f"  credit holds placed after the runs: {placed:,} in {figures['holds']['seconds']:.1f} s "
        f"(CPU {figures['holds']['cpu_seconds']:.1f} s)",
        flush=True,
    )
    figures["claims"] = DunningClaim.objects.count()
    figures["actions"] = DunningAction.objects.count()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ids = list(
        DunningAction.objects.filter(channel="email", status="open")
        .order_by("id")
        .values_list("id", flat=True)[:sample]
    )
    started = time.perf_counter()
    counts = delivery.deliveries_send(actions=DunningAction.objects.filter(id__in=ids))
    seconds = time.perf_counter() - started
    figures["deliveries"] = {"emails": len(ids), "seconds": seconds, "counts": counts}
    print(f"  deliveries: {len(ids):,} emails in {seconds:.1f} s ({len(ids) / seconds:,.0f}/s)", flush=True)
    if concurrency:
        figures["celery_delivery"] = d = celery_delivery(as_of + timedelta(days=1), concurrency)
        print(
            f"  the next day's delivery on Celery (--concurrency {concurrency}, SMTP on loopback): "
            f"{d['actions']:,} actions, {d['emails_received']:,} emails in {d['seconds']:.1f} s "
            f"({d['emails_received'] / d['seconds']:,.1f} emails/s; {d['left_open']} left open); "
            f"workers' CPU {d['worker_cpu_seconds']:.1f} s = "
            f"{1000 * d['worker_cpu_seconds'] / d['actions']:.1f} ms per action",
            flush=True,
        )
    out.write_text(json.dumps(figures, indent=2))


def reset_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES))
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 25))
    parser.add_argument("--delivery-sample", type=int, default=300)
    parser.add_argument("--celery-concurrency", type=int, default=2, help="0: no Celery delivery")
    parser.add_argument("--json-out", type=Path)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(
            args.out,
            args.customers,
            args.invoices,
            args.as_of,
            args.seed,
            args.delivery_sample,
            args.celery_concurrency,
        )
        return
    work = Path(tempfile.mkdtemp(prefix="huikuan-bench-dunning-"))
    print(f"load average before: {os.getloadavg()} on {os.cpu_count()} CPUs", flush=True)
    summary: dict = {"customers": args.customers, "invoices": args.invoices, "databases": {}}
    for database in args.databases.split(","):
        print(
            f"\n== {database}: {args.customers:,} customers, {args.invoices:,} open invoices ==", flush=True
        )
        run_dir = work / database
        run_dir.mkdir()
        env = {
            **os.environ,
            "HUIKUAN_HOME": str(run_dir),
            "DATABASE_URL": "",
            "CELERY_TASK_DEFAULT_QUEUE": f"huikuan-bench-{os.getpid()}-{database}",
        }
        if database == "postgresql":
            reset_postgres(args.postgres_url)
            env["DATABASE_URL"] = args.postgres_url
        out = run_dir / "figures.json"
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                "--out",
                str(out),
                "--customers",
                str(args.customers),
                "--invoices",
                str(args.invoices),
                "--as-of",
                args.as_of.isoformat(),
                "--seed",
                str(args.seed),
                "--delivery-sample",
                str(args.delivery_sample),
                "--celery-concurrency",
                str(args.celery_concurrency),
            ],
            check=True,
            env=env,
        )
        summary["databases"][database] = json.loads(out.read_text())
    summary["load_average_after"] = os.getloadavg()
    print(f"load average after: {summary['load_average_after']}")
    if args.json_out:
        args.json_out.write_text(json.dumps(summary, indent=2))
    print("\nSummary")
    for database, figures in summary["databases"].items():
        for label, run in figures["runs"].items():
            print(
                f"  {database:<10} {label:<15} {run['seconds']:6.1f} s (CPU {run['cpu_seconds']:5.1f} s)  "
                f"({run['invoices_stepped']:,} steps)"
            )
        h = figures["holds"]
        print(
            f"  {database:<10} holds placed    {h['seconds']:6.1f} s (CPU {h['cpu_seconds']:5.1f} s)  "
            f"({h['placed']:,})"
        )
        d = figures["deliveries"]
        print(
            f"  {database:<10} deliveries      {d['emails'] / d['seconds']:6.1f} emails/s "
            f"(sample {d['emails']:,})"
        )
        if "celery_delivery" in figures:
            c = figures["celery_delivery"]
            print(
                f"  {database:<10} next day on Celery {c['emails_received'] / c['seconds']:6.1f} emails/s "
                f"({c['emails_received']:,} emails, {c['actions']:,} actions in {c['seconds']:.1f} s; "
                f"workers' CPU {c['worker_cpu_seconds']:.1f} s)"
            )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
