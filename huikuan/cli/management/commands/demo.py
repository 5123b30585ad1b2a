"""huikuan demo [--seed N] [--scale N] [--as-of YYYY-MM-DD] [--json] [--if-empty]

Fills an empty database with the demo receivables ledger of issue 2; refuses a database
that already holds customers or invoices.
"""

from __future__ import annotations

import argparse

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.utils import timezone

from huikuan.accounts.roles import AUDITOR, COLLECTOR, CREDIT_MANAGER
from huikuan.accounts.services import user_create
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
        parser.add_argument(
            "--users",
            action="store_true",
            help="also create demo users (credit manager, a collector, an auditor) if missing, "
            "and print their passwords once",
        )

    def handle(self, *args, **options):
        as_of = iso_date(options["as_of"]) if options["as_of"] else timezone.localdate()
        summary: dict = {}
        if options["if_empty"] and (Customer.objects.exists() or Invoice.objects.exists()):
            if not options["json"]:
                self.stdout.write("The database already holds a ledger; no demo data loaded.")
        else:
            try:
                with audit_context(source="demo"):
                    summary = demo_load(seed=options["seed"], invoices=options["scale"], as_of=as_of)
            except ApplicationError as refused:
                raise CommandError(f"Refused: {refused.message}") from refused
        users = self._demo_users() if options["users"] else []
        if options["json"]:
            self.stdout.write(
                to_json({"as_of": as_of.isoformat(), "seed": options["seed"], **summary, "users": users})
            )
            return
        if summary:
            self.stdout.write(f"Loaded the demo ledger as of {as_of} (seed {options['seed']}):")
            for kind, count in summary.items():
                self.stdout.write(f"  {kind.replace('_', ' ')}: {count:,}")
        for user in users:
            password = user["password"] or "(unchanged; set when it was created)"
            self.stdout.write(f"  user {user['username']:<14} role {user['role']:<15} password {password}")

    def _demo_users(self) -> list[dict]:
        """A credit manager, the collector with the most customers, and an auditor."""
        collector = (
            Customer.objects.exclude(collector="")
            .values("collector")
            .annotate(customers=Count("id"))
            .order_by("-customers", "collector")
            .values_list("collector", flat=True)
            .first()
        )
        wanted = [("demo.manager", CREDIT_MANAGER), ("demo.auditor", AUDITOR)]
        if collector:
            wanted.insert(1, (collector, COLLECTOR))
        users = []
        for username, role in wanted:
            if get_user_model().objects.filter(username=username).exists():
                users.append({"username": username, "role": role, "password": None})
                continue
            with audit_context(source="demo"):
                created = user_create(username=username, role=role)
            users.append({"username": username, "role": role, "password": created.password})
        return users
