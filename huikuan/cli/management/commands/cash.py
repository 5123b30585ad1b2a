"""huikuan cash match [--apply] [--statement ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from huikuan.cash.match import lines_in_scope, lines_match
from huikuan.cli.output import cli_language, iso_date, table, to_json
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError


class Command(BaseCommand):
    # No system checks: they would import the URLconf, the API and every view (slow start-up).
    requires_system_checks: list[str] = []
    help = "Cash application: match the bank lines nobody has decided yet to customers and invoices."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True)
        match = verbs.add_parser(
            "match", help="propose a customer and invoices for every undecided bank line"
        )
        match.add_argument(
            "--apply",
            action="store_true",
            help="store the proposals (the review queue) and post the automatic ones; "
            "without it nothing is written",
        )
        match.add_argument("--statement", type=int, help="only the lines of this imported statement (id)")
        match.add_argument("--from", dest="since", help="YYYY-MM-DD: lines booked on or after this day")
        match.add_argument("--to", dest="until", help="YYYY-MM-DD: lines booked on or before this day")
        match.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        lines = lines_in_scope(
            statement_id=options["statement"],
            since=iso_date(options["since"]) if options["since"] else None,
            until=iso_date(options["until"]) if options["until"] else None,
        )
        try:
            with audit_context(source="cli"), translation.override(cli_language()):
                results = lines_match(lines=lines, apply=options["apply"])
                entries = [result.as_dict() for result in results]
        except ApplicationError as error:
            raise CommandError(error.message) from None
        if options["json"]:
            self.stdout.write(to_json({"lines": entries}))
            return
        counts: dict[str, int] = {}
        for entry in entries:
            counts[entry["status"]] = counts.get(entry["status"], 0) + 1
        posted = sum(1 for result in results if result.posted)
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "no lines"
        what = f"; {posted} posted" if options["apply"] else " (dry run: nothing written; --apply posts)"
        self.stdout.write(f"Bank lines matched: {summary}{what}")
        rows = [
            [
                entry["bank_ref"],
                entry["status"],
                entry["customer_code"] or "",
                entry["confidence"],
                ", ".join(f"{a['invoice_number']} {a['amount']}" for a in entry["allocations"]),
            ]
            for entry in entries
        ]
        if rows:
            self.stdout.write(
                table(["bank ref", "status", "customer", "confidence", "allocations"], rows, numeric_from=3)
            )
