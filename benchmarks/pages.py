"""Benchmark: the web pages and API lists on a ledger of a million invoices.

    .venv/bin/python benchmarks/pages.py                         # loads the demo at 1,000,000 invoices
    .venv/bin/python benchmarks/pages.py --home /path/to/huikuan  # reuse a loaded HUIKUAN_HOME

Each page is requested twice in-process as a credit manager (Django's test client); the
second time and its number of queries are printed. No page may do work proportional to the
ledger to show one page of it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--home", type=Path, help="an existing HUIKUAN_HOME with a loaded ledger")
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--as-of", default="2026-11-25")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="huikuan-pages-"))
    os.environ["HUIKUAN_HOME"] = str(home)
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huikuan.config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from huikuan.accounts.services import user_create
    from huikuan.ledger.models import Customer

    call_command("migrate", verbosity=0)
    if not Customer.objects.exists():
        started = time.perf_counter()
        call_command("demo", "--scale", str(args.invoices), "--as-of", args.as_of)
        print(f"loaded the demo in {time.perf_counter() - started:.0f} s")
    if not get_user_model().objects.filter(username="bench.manager").exists():
        user_create(username="bench.manager", role="credit_manager")
    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username="bench.manager"))
    client.cookies["huikuan_language"] = "en"
    code = Customer.objects.order_by("code").values_list("code", flat=True).first()
    pages = [
        "/",
        "/customers/",
        "/customers/?sort=-overdue",
        f"/customers/{code}/",
        "/invoices/",
        "/invoices/?status=open&overdue_days=30",
        "/payments/",
        f"/aging/?as_of={args.as_of}&by=customer&basis=due",
        f"/aging/?as_of={args.as_of}&by=department&basis=due",
        "/api/invoices/?page_size=50",
        "/api/payments/?page_size=50",
        f"/api/aging/?as_of={args.as_of}",
    ]
    print(f"{'status':>6} {'ms':>7} {'queries':>7}  page")
    for url in pages:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        print(f"{response.status_code:>6} {elapsed * 1000:>7.0f} {len(queries.captured_queries):>7}  {url}")


if __name__ == "__main__":
    main()
