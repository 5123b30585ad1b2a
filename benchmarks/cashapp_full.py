"""Benchmark: cash application the whole way, as a company runs it — a bank statement file of
10,000 lines imported into a database holding 1,000,000 open invoices of 100,000 customers,
then every line matched and the automatic ones posted to the ledger.

    .venv/bin/python benchmarks/cashapp_full.py                       # SQLite, 10k lines, 1M invoices
    .venv/bin/python benchmarks/cashapp_full.py --lines 2000 --invoices 100000
    .venv/bin/python benchmarks/cashapp_full.py --database-url postgres://postgres@127.0.0.1:5432/huikuan_bench
    .venv/bin/python benchmarks/cashapp_full.py --save /tmp/cash1m      # keep the prepared ledger, statement
    .venv/bin/python benchmarks/cashapp_full.py --prepared /tmp/cash1m  # time them again, not generated

The ledger and the statement come from the generator of ``benchmarks/cashapp_data.py`` (payer
habits, reference formats, name variants, fees, part payments, combinations, overpayments,
non-customer receipts and amounts that fit two invoices; ``--variation heldout`` draws the
statement from the mix the matcher was not tuned on). The ledger is inserted in bulk (not
timed); what is timed is ``huikuan bank import`` of the canonical bank CSV and
``huikuan cash match --apply`` — the same services, in this process — and the figures are
scored against the generator's truth: the share of customer receipts applied automatically,
the share of automatic lines that are right, and the non-customer receipts applied (must be 0).
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import pickle
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, help="default: invoices / 10")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--variation", choices=("base", "heldout"), default="base")
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temporary folder")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--save", type=Path, help="SQLite: keep the prepared database and statement in this folder"
    )
    parser.add_argument(
        "--answers",
        type=Path,
        help="write what `huikuan cash match --json` reports for the lines to this file",
    )
    parser.add_argument(
        "--prepared", type=Path, help="SQLite: start from a folder --save wrote (not generated)"
    )
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="huikuan-cashapp-")
    os.environ["HUIKUAN_HOME"] = home
    os.environ["HUIKUAN_DEBUG"] = "0"
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huikuan.config.settings")
    import django

    django.setup()
    from cashapp import TARGETS, evaluate
    from cashapp_data import generate_bank_lines, generate_ledger
    from django.core.management import call_command

    from huikuan.ledger.models import Invoice

    if args.database_url:
        call_command("flush", interactive=False, verbosity=0)
    customers = args.customers or max(10, args.invoices // 10)
    seed = args.seed + (1000 if args.variation == "heldout" else 0)
    started = time.perf_counter()
    statement = Path(home) / "statement.csv"
    if args.prepared:  # the database (migrated to the code's schema below), the statement, the truth
        for name in ("huikuan.sqlite3", "statement.csv", "rows.pickle"):
            shutil.copy(args.prepared / name, Path(home) / name)
        call_command("migrate", verbosity=0)
        with (Path(home) / "rows.pickle").open("rb") as handle:
            rows = pickle.load(handle)
        invoice_count = Invoice.objects.count()
    else:
        call_command("migrate", verbosity=0)
        ledger = generate_ledger(customers=customers, invoices=args.invoices, seed=args.seed)
        rows = generate_bank_lines(ledger, lines=args.lines, seed=seed, variation=args.variation)
        insert(ledger)
        invoice_count = len(ledger["invoices"])
        del ledger
        write_statement(statement, rows)
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            django.db.connection.close()
            shutil.copy(Path(home) / "huikuan.sqlite3", args.save / "huikuan.sqlite3")
            shutil.copy(statement, args.save / "statement.csv")
            with (args.save / "rows.pickle").open("wb") as handle:
                pickle.dump(rows, handle)
    prepared = time.perf_counter() - started
    print(f"  ledger inserted and statement written in {prepared:.0f} s (not timed)", file=sys.stderr)

    from huikuan.cash.imports import bank_statement_import
    from huikuan.cash.match import lines_in_scope, lines_match

    phases: list[str] = []  # the matcher's own log of its phases: index, match, post

    class Phases(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            phases.append(record.getMessage())

    match_log = logging.getLogger("huikuan.cash.match")
    match_log.addHandler(Phases())
    match_log.setLevel(logging.INFO)
    t0, c0 = time.perf_counter(), time.process_time()
    imported = bank_statement_import(path=statement, profile_name="canonical", account="BENCH-0001")
    t1, c1 = time.perf_counter(), time.process_time()
    results = lines_match(lines=lines_in_scope(), apply=True)
    t2, c2 = time.perf_counter(), time.process_time()
    by_ref = {result.line.bank_ref: result.proposal for result in results}
    if args.answers:
        ordered = sorted(results, key=lambda result: result.line.bank_ref)
        args.answers.write_text(
            json.dumps({"lines": [result.as_dict() for result in ordered]}, ensure_ascii=False, indent=0),
            encoding="utf-8",
        )
    figures = evaluate(rows, [by_ref[row["bank_ref"]] for row in rows])
    figures.pop("wrong_examples", None)
    report = {
        "database": django.db.connection.vendor,
        "lines": args.lines,
        "invoices": invoice_count,
        "customers": customers,
        "variation": args.variation,
        "seed": seed,
        "lines_imported": imported.lines_new,
        "posted": sum(1 for result in results if result.posted),
        "import_seconds": round(t1 - t0, 2),
        "match_and_apply_seconds": round(t2 - t1, 2),
        "total_seconds": round(t2 - t0, 2),
        "cpu_seconds": round(c2 - c0, 2),
        "import_cpu_seconds": round(c1 - c0, 2),
        "match_and_apply_cpu_seconds": round(c2 - c1, 2),
        "phases": phases,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "targets": TARGETS,
        **figures,
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
        return
    print(
        f"{report['database']}: {args.lines:,} bank lines against {report['invoices']:,} open invoices "
        f"of {customers:,} customers ({args.variation} mix, seed {seed})\n"
        f"  import {report['import_seconds']} s, match and post {report['match_and_apply_seconds']} s: "
        f"{report['total_seconds']} s in all (CPU {report['cpu_seconds']} s; load {report['load_average']})\n"
        f"  import CPU {report['import_cpu_seconds']} s; {'; '.join(phases)}\n"
        f"  customer receipts applied automatically: {figures['straight_through']:.2%} "
        f"(target {TARGETS['straight_through']:.0%})\n"
        f"  automatic lines right: {figures['auto_precision']:.3%} ({figures['auto_wrong']} wrong of "
        f"{figures['auto_lines']:,}; target {TARGETS['auto_precision']:.1%})\n"
        f"  non-customer receipts applied: {figures['non_customer_applied']} (target 0)\n"
        f"  invoice-level hit rate: {figures['invoice_hit_rate']:.2%}; "
        f"posted {report['posted']:,} payments; statuses {figures['statuses']}"
    )


def insert(ledger: dict) -> None:
    """The generated ledger into the database, in bulk (open invoices, learned accounts)."""
    from huikuan.cash.models import AliasKind, PayerAlias
    from huikuan.ledger.models import Customer, Invoice

    Customer.objects.bulk_create(
        (
            Customer(
                code=c["customer_code"],
                name=c["name"],
                short_name=c["short_name"],
                english_name=c["english_name"],
                currency=c["currency"],
            )
            for c in ledger["customers"]
        ),
        batch_size=5000,
    )
    ids = dict(Customer.objects.values_list("code", "pk"))
    batch: list = []
    for row in ledger["invoices"]:
        batch.append(
            Invoice(
                number=row["invoice_number"],
                customer_id=ids[row["customer_code"]],
                invoice_date=row["invoice_date"],
                due_date=row["due_date"],
                original_due_date=row["due_date"],
                amount=row["amount"],
                currency=row["currency"],
                order_number=row["order_number"],
                contract_number=row.get("contract_number", ""),
            )
        )
        if len(batch) == 20_000:
            Invoice.objects.bulk_create(batch)
            batch = []
    Invoice.objects.bulk_create(batch)
    PayerAlias.objects.bulk_create(
        (
            PayerAlias(kind=AliasKind.ACCOUNT, value=account, customer_id=ids[code])
            for account, code in ledger["aliases"]["by_account"].items()
        ),
        batch_size=5000,
    )


def write_statement(path: Path, rows: list[dict]) -> None:
    """The lines as the canonical bank CSV (see docs/bank-import.md)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["reference", "date", "amount", "direction", "payer_name", "payer_account", "memo", "currency"]
        )
        for row in rows:
            writer.writerow(
                [
                    row["bank_ref"],
                    row["booking_date"].isoformat(),
                    f"{Decimal(row['amount']):.2f}",
                    row["direction"],
                    row["payer_name"],
                    row["payer_account"],
                    row["memo"],
                    row["currency"],
                ]
            )


if __name__ == "__main__":
    main()
