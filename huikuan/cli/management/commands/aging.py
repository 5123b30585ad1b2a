"""huikuan aging --as-of YYYY-MM-DD [--by …] [--basis due|invoice] [--json | --csv F | --xlsx F]"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from huikuan.cli.output import iso_date, table, to_json
from huikuan.reporting.aging import BASES, GROUPINGS
from huikuan.reporting.exports import aging_table, aging_to_csv, aging_to_xlsx
from huikuan.reporting.selectors import aging_report


class Command(BaseCommand):
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

    def handle(self, *args, **options):
        report = aging_report(
            as_of=iso_date(options["as_of"]), group_by=options["by"], basis=options["basis"]
        )
        if options["json"]:
            self.stdout.write(to_json(report.as_dict()))
        elif options["csv"]:
            aging_to_csv(report, options["csv"])
            self.stdout.write(f"Wrote {options['csv']}")
        elif options["xlsx"]:
            aging_to_xlsx(report, options["xlsx"])
            self.stdout.write(f"Wrote {options['xlsx']}")
        else:
            header, rows = aging_table(report)
            self.stdout.write(
                f"Aging as of {report.as_of} by {report.group_by} ({report.basis} basis, {report.currency})"
            )
            self.stdout.write(table(header, rows, numeric_from=2))
            if report.unidentified:
                self.stdout.write(f"Payments not yet matched to a customer: {report.unidentified:.2f}")
