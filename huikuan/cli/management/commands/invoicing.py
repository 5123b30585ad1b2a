"""huikuan invoicing --as-of YYYY-MM-DD [--basis due|invoice] [--customer CODE] [--json]

What is receivable but not yet invoiced (应收未开票) and what is invoiced but not yet collected,
by customer and aging bucket."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from huikuan.cli.output import iso_date, table, to_json
from huikuan.ledger.models import Invoice
from huikuan.reporting.aging import BASES
from huikuan.reporting.invoicing import invoicing_report


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "Receivables not yet invoiced (应收未开票) and invoiced but not collected, by customer and bucket."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, help="YYYY-MM-DD")
        parser.add_argument("--basis", choices=BASES, default="due")
        parser.add_argument("--customer", default="", help="one customer's code")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        as_of = iso_date(options["as_of"])
        invoices = Invoice.objects.all()
        if options["customer"]:
            invoices = invoices.filter(customer__code=options["customer"])
            if not invoices.exists():
                raise CommandError(f"no receivable of customer {options['customer']!r}")
        data = invoicing_report(invoices=invoices, as_of=as_of, basis=options["basis"]).as_dict()
        if options["json"]:
            self.stdout.write(to_json(data))
            return
        self.stdout.write(f"Not invoiced / invoiced not collected as of {data['as_of']} ({data['currency']})")
        buckets = data["buckets"]
        rows = []
        for row in data["rows"]:
            rows.append(
                [row["customer"], "not invoiced", *row["not_invoiced"].values(), row["not_invoiced_total"]]
            )
            rows.append(
                [
                    "",
                    "not collected",
                    *row["invoiced_not_collected"].values(),
                    row["invoiced_not_collected_total"],
                ]
            )
        self.stdout.write(table(["customer", "", *buckets, "total"], rows, numeric_from=2))
        totals = data["totals"]
        self.stdout.write(
            f"total not invoiced {totals['not_invoiced']}, "
            f"invoiced not collected {totals['invoiced_not_collected']}"
        )
