"""Benchmark: CPU per management report — its data, the web page's SVG charts, its PDF.

    HUIKUAN_HOME=<a data folder with the demo> .venv/bin/python benchmarks/reports.py [--date 2026-03-31]

On the database of ``HUIKUAN_HOME`` (load it with ``huikuan demo --as-of 2026-03-31``), for each
report as of ``--date`` (the latest invoice date by default): the CPU time
(``time.process_time``) of ``report_build``, of drawing its charts as SVG (what the page does in
the request) and of ``report_pdf_bytes`` (what the queued task does). The first chart of the
process also imports matplotlib and loads the font (about 0.6 s), counted in the first row.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--date", type=date.fromisoformat)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huikuan.config.settings")
    import django

    django.setup()
    from django.utils import translation

    from huikuan.collections.models import DunningAction
    from huikuan.finance.reports.build import report_build, report_document, report_pdf_bytes
    from huikuan.finance.reports.charts import chart_data_uri
    from huikuan.ledger.models import Customer, Invoice

    day = (
        args.date or Invoice.objects.order_by("-invoice_date").values_list("invoice_date", flat=True).first()
    )
    legal = DunningAction.objects.filter(case_to_legal=True).values_list("customer_id", flat=True).first()
    customer = Customer.objects.filter(pk=legal).first() or Customer.objects.order_by("code").first()
    print(f"as of {day}; special report of {customer.code}")
    print("report    data   page charts   PDF     (CPU seconds)")
    for kind in ("daily", "weekly", "monthly", "special", "annual"):
        start = time.process_time()
        data = report_build(kind=kind, day=day, customer=customer if kind == "special" else None)
        built = time.process_time()
        with translation.override("zh-hans"):
            document = report_document(data)
            charts = [chart_data_uri(c) for s in document.sections for c in s.charts if not c.empty]
        drawn = time.process_time()
        report_pdf_bytes(data, language="zh-hans")
        done = time.process_time()
        print(f"{kind:8s} {built - start:6.2f} {drawn - built:7.2f} ({len(charts)}) {done - drawn:7.2f}")


if __name__ == "__main__":
    main()
