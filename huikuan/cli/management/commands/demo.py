"""huikuan demo [--seed N] [--scale N] [--as-of YYYY-MM-DD] [--json] [--if-empty] [--users]

Fills an empty database with the demo company (issues 2 and 9): its receivables ledger, the
demo users of every approval step and a year of credit and collections work; refuses a
database that already holds customers or invoices. Passwords are printed once, when the
users are created.
"""

from __future__ import annotations

import argparse

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from huikuan.cli.output import iso_date, to_json
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError
from huikuan.demo import demo_company_load, demo_users_ensure
from huikuan.ledger.demo import DEFAULT_INVOICES
from huikuan.ledger.models import Customer, Invoice


def positive_count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a whole number of invoices above 0: {text!r}")
    return int(text)


class Command(BaseCommand):
    # No system checks: they would import the URLconf, the API and every view (slow start-up).
    requires_system_checks: list[str] = []
    help = (
        "Fill an EMPTY database with the demo company: its ledger, users for every approval step, "
        "a year of evaluations, orders, promises and disputes."
    )

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
        parser.add_argument(
            "--users",
            action="store_true",
            help="list the demo users (they are created with the demo; on a loaded database the "
            "missing ones are created), with a password for each one created now",
        )

    def handle(self, *args, **options):
        as_of = iso_date(options["as_of"]) if options["as_of"] else timezone.localdate()
        summary: dict = {}
        users: list[dict] = []
        if options["if_empty"] and (Customer.objects.exists() or Invoice.objects.exists()):
            if not options["json"]:
                self.stdout.write("The database already holds a ledger; no demo data loaded.")
            if options["users"]:
                with audit_context(source="demo"):
                    users = demo_users_ensure()
        else:
            try:
                with audit_context(source="demo"):
                    summary, users = demo_company_load(
                        seed=options["seed"], invoices=options["scale"], as_of=as_of
                    )
            except ApplicationError as refused:
                raise CommandError(f"Refused: {refused.message}") from refused
        if options["json"]:
            self.stdout.write(
                to_json({"as_of": as_of.isoformat(), "seed": options["seed"], **summary, "users": users})
            )
            return
        if summary:
            self.stdout.write(f"Loaded the demo company as of {as_of} (seed {options['seed']}):")
            for kind, count in summary.items():
                self.stdout.write(f"  {kind.replace('_', ' ')}: {count:,}")
        if users:
            self.stdout.write("Demo users (a password is shown once, when the user is created):")
        for user in users:
            password = user["password"] or "(unchanged; set when it was created)"
            self.stdout.write(f"  user {user['username']:<18} role {user['role']:<15} password {password}")
