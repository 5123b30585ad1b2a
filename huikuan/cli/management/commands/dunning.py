"""huikuan dunning run [--date YYYY-MM-DD] [--dry-run] [--json]"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from huikuan.cli.output import iso_date, table, to_json
from huikuan.collections.run import dunning_run
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError


class Command(BaseCommand):
    # No system checks: they would import the URLconf, the API and every view (slow start-up).
    requires_system_checks: list[str] = []
    help = "The collections ladder: run the daily dunning run."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True)
        run = verbs.add_parser("run", help="take today's dunning steps (idempotent per date)")
        run.add_argument(
            "--date", help="YYYY-MM-DD business date (default: today in the company's time zone)"
        )
        run.add_argument("--dry-run", action="store_true", help="show what would be done; change nothing")
        run.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        day = iso_date(options["date"]) if options.get("date") else timezone.localdate()
        try:
            with audit_context(source="cli"):
                result = dunning_run(date=day, dry_run=options["dry_run"])
        except ApplicationError as error:
            raise CommandError(error.message) from None
        if options["json"]:
            self.stdout.write(to_json(result.as_dict()))
            return
        what = "would take" if result.dry_run else "took"
        self.stdout.write(
            f"Dunning run {result.date}: {what} {result.invoices_stepped} step(s) on "
            f"{result.invoices_considered} open invoice(s); {result.invoices_paused} paused; "
            f"{len(result.actions)} action(s)"
        )
        if result.already_ran:
            self.stdout.write(
                f"Already ran for {result.date}: the steps taken then are not taken again; "
                f"only steps not yet taken are listed."
            )
        if result.actions:
            rows = [
                [a.customer_code, a.step, a.channel, a.assigned_to, ", ".join(a.invoice_numbers)]
                for a in result.actions
            ]
            self.stdout.write(
                table(["customer", "step", "channel", "assigned to", "invoices"], rows, numeric_from=9)
            )
