"""Benchmark: CPU per statement and per letter PDF (ReportLab, the CJK font embedded).

    .venv/bin/python benchmarks/documents.py [--invoices 8] [--repeat 20]

In a fresh process on an empty SQLite database in a temporary folder: a customer with
``--invoices`` open invoices, then the CPU time (``time.process_time``) of
- the first statement of the process (cold: imports the renderer, registers the font),
- a statement drawn again (warm, the statement cache bypassed: a new day each time),
- a statement served from the cache (the same customer and day again),
- a dunning letter (催款函, warm).
Each warm figure is the median of ``--repeat`` runs; each includes reading the open items and
rendering the template, as the delivery does. Target: under 50 ms of CPU per PDF.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cpu_ms(work) -> tuple[float, bytes]:
    started = time.process_time()
    result = work()
    return (time.process_time() - started) * 1000, result


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--invoices", type=int, default=8, help="open invoices on the statement")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    os.environ["HUIKUAN_HOME"] = tempfile.mkdtemp(prefix="huikuan-documents-")
    os.environ["DATABASE_URL"] = ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huikuan.config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from huikuan.correspondence.services import letterhead_update
    from huikuan.ledger.services import customer_create, invoice_issue

    letterhead_update(
        updated_by="benchmark",
        company_name_zh="上海回款实业有限公司",
        company_name_en="Shanghai Huikuan Industrial Co., Ltd.",
        address="上海市浦东新区世纪大道1号",
        phone="021-5555 0000",
        bank_name="中国工商银行上海浦东支行",
        bank_account="1001 2345 6789 0000 123",
        signature="应收账款部 王经理",
    )
    customer = customer_create(
        code="HZ001",
        name="杭州湖畔机电有限公司",
        email="finance@hupan.example",
        address="杭州市西湖区文三路100号",
    )
    as_of = date(2024, 6, 30)
    for n in range(args.invoices):
        invoice_issue(
            number=f"YS-{n:04d}",
            customer=customer,
            invoice_date=as_of - timedelta(days=120 - n),
            due_date=as_of - timedelta(days=60 - n),
            amount=Decimal("12345.67") + n,
        )

    from huikuan.correspondence.documents import pdf_render, statement_pdf
    from huikuan.correspondence.selectors import customer_open_items, open_items_total

    cold, first = cpu_ms(lambda: statement_pdf(customer=customer, as_of=as_of))
    days = iter(range(1, 10_000))
    warm = [
        cpu_ms(lambda: statement_pdf(customer=customer, as_of=as_of + timedelta(days=next(days))))[0]
        for _ in range(args.repeat)
    ]
    cached = [cpu_ms(lambda: statement_pdf(customer=customer, as_of=as_of))[0] for _ in range(args.repeat)]

    def letter() -> bytes:
        items = [
            item for item in customer_open_items(customer=customer, as_of=as_of) if item["days_overdue"] > 0
        ]
        total, currency = open_items_total(items)
        context = {
            "customer": customer,
            "invoices": items,
            "total_open": total,
            "currency": currency,
            "as_of": as_of,
        }
        return pdf_render(template_code="letter_dunning", language="zh-hans", context=context)

    letters = [cpu_ms(letter) for _ in range(args.repeat)]
    print(f"{'CPU ms':>8}  document ({args.invoices} invoices, median of {args.repeat})")
    print(f"{cold:>8.1f}  statement, cold (first in the process: imports, font registration)")
    print(f"{statistics.median(warm):>8.1f}  statement, warm (drawn; {len(first):,} bytes)")
    print(f"{statistics.median(cached):>8.1f}  statement, cached (same customer and day)")
    letter_ms, letter_size = statistics.median(ms for ms, _ in letters), len(letters[-1][1])
    print(f"{letter_ms:>8.1f}  letter 催款函, warm ({letter_size:,} bytes)")


if __name__ == "__main__":
    main()
