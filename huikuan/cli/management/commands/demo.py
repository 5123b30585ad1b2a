"""huikuan demo [--seed N] [--scale N] [--as-of YYYY-MM-DD] [--json] [--if-empty]

Fills an empty database with the demo receivables ledger of issue 2; refuses a database
that already holds customers or invoices.
"""

from __future__ import annotations

import argparse

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from huikuan.cli.output import iso_date, to_json
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError
from huikuan.ledger.demo import DEFAULT_INVOICES, demo_load
from huikuan.ledger.models import Customer, Invoice


def positive_count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a whole number of invoices above 0: {text!r}")
    return int(text)


class Command(BaseCommand):
    help = "Fill an EMPTY database with a believable demo receivables ledger (customers to write-offs)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="the same seed gives the same ledger")
        parser.add_argument(
            "--scale",
            type=positive_count,
            metavar="N",
            help=f"exactly N invoices (default: two years, {DEFAULT_INVOICES:,} invoices)",
        )
        parser.add_argument("--as-of", help="YYYY-MM-DD: the ledger's last day (default: today)")
        parser.add_argument("--json", action="store_true", help="machine-readable summary on stdout")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="on a database that already holds a ledger, say so and succeed instead of refusing",
        )

    def handle(self, *args, **options):
        as_of = iso_date(options["as_of"]) if options["as_of"] else timezone.localdate()
        if options["if_empty"] and (Customer.objects.exists() or Invoice.objects.exists()):
            self.stdout.write("The database already holds a ledger; no demo data loaded.")
            return
        try:
            with audit_context(source="demo"):
                summary = demo_load(seed=options["seed"], invoices=options["scale"], as_of=as_of)
        except ApplicationError as refused:
            raise CommandError(f"Refused: {refused.message}") from refused
        if options["json"]:
            self.stdout.write(to_json({"as_of": as_of.isoformat(), "seed": options["seed"], **summary}))
            return
        self.stdout.write(f"Loaded the demo ledger as of {as_of} (seed {options['seed']}):")
        for kind, count in summary.items():
            self.stdout.write(f"  {kind.replace('_', ' ')}: {count:,}")
