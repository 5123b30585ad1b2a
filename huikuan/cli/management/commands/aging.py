"""huikuan aging --as-of YYYY-MM-DD [--by …] [--basis due|invoice] [--json | --csv F | --xlsx F]
[--language zh-hans|en]"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import translation

from huikuan.cli.output import aging_json, iso_date, table
from huikuan.reporting.aging import BASES, GROUPINGS
from huikuan.reporting.exports import aging_table, aging_to_csv, aging_to_xlsx
from huikuan.reporting.selectors import aging_report


class Command(BaseCommand):
    # No system checks: they would import the URLconf, the API and every view (slow start-up).
    requires_system_checks: list[str] = []
    help = "Aging of receivables as of a date."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, help="YYYY-MM-DD: balances at the end of this day")
        parser.add_argument("--by", choices=GROUPINGS, default="customer")
        parser.add_argument(
            "--basis",
            choices=BASES,
            default="due",
            help="due: days past due; invoice: years since the invoice date",
        )
        output = parser.add_mutually_exclusive_group()
        output.add_argument("--json", action="store_true")
        output.add_argument("--csv", type=Path, metavar="FILE")
        output.add_argument("--xlsx", type=Path, metavar="FILE")
        parser.add_argument(
            "--language",
            choices=("zh-hans", "en"),
            help="CSV/XLSX headers and row labels in words of this language "
            "(default: the JSON's keys, e.g. key, name, balance, total, share %%)",
        )

    def handle(self, *args, **options):
        report = aging_report(
            as_of=iso_date(options["as_of"]), group_by=options["by"], basis=options["basis"]
        )
        if options["json"]:
            self.stdout.write(aging_json(report))
        elif options["csv"] or options["xlsx"]:
            write, path = (
                (aging_to_csv, options["csv"]) if options["csv"] else (aging_to_xlsx, options["xlsx"])
            )
            language = options["language"]
            with translation.override(language):
                write(report, path, labels="words" if language else "keys")
            self.stdout.write(f"Wrote {path}")
        else:
            header, rows = aging_table(report)
            numeric_from = 2
            if report.group_by != "customer":
                # A department, salesperson, class or currency is its own name: show it once.
                header, rows = header[:1] + header[2:], [row[:1] + row[2:] for row in rows]
                numeric_from = 1
            self.stdout.write(
                f"Aging as of {report.as_of} by {report.group_by} ({report.basis} basis, {report.currency})"
            )
            self.stdout.write(table(header, rows, numeric_from=numeric_from))
            if report.unidentified:
                self.stdout.write(f"Payments not yet matched to a customer: {report.unidentified:.2f}")
