"""huikuan redletter list [--state pending|confirmed|lapsed] [--json]
huikuan redletter confirm FORM --on YYYY-MM-DD [--red-invoice NUMBER]
huikuan redletter lapse

Red-letter corrections (红冲) and their confirmation forms (红字确认单)."""

from __future__ import annotations

import getpass

from django.core.management.base import BaseCommand, CommandError

from huikuan.cli.output import iso_date, table, to_json
from huikuan.core.audit import audit_context
from huikuan.core.errors import RuleViolation
from huikuan.ledger.corrections import correction_as_dict, red_letter_confirm, red_letter_lapse
from huikuan.ledger.models import CorrectionState, RedLetterCorrection


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "Red-letter corrections (红冲): list, confirm a form, lapse the forms past their time."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list")
        listing.add_argument("--state", choices=CorrectionState.values)
        listing.add_argument("--json", action="store_true")
        confirm = sub.add_parser("confirm")
        confirm.add_argument("form")
        confirm.add_argument("--on", required=True, help="YYYY-MM-DD: the day the other side confirmed")
        confirm.add_argument("--red-invoice", default="", help="the red-letter VAT invoice's number")
        sub.add_parser("lapse")

    def handle(self, *args, **options):
        from django.utils import timezone

        action = options["action"]
        if action == "list":
            corrections = RedLetterCorrection.objects.select_related("invoice", "customer")
            if options["state"]:
                corrections = corrections.filter(state=options["state"])
            data = [correction_as_dict(c) for c in corrections]
            if options["json"]:
                self.stdout.write(to_json(data))
                return
            header = ["form", "customer", "invoice", "amount", "state", "lapses at"]
            rows = [
                [d["form_number"], d["customer"], d["invoice"], d["amount"], d["state"], d["lapses_at"]]
                for d in data
            ]
            self.stdout.write(table(header, rows, numeric_from=3))
            return
        with audit_context(source="cli"):
            if action == "lapse":
                self.stdout.write(f"lapsed {red_letter_lapse(now=timezone.now())}")
                return
            correction = RedLetterCorrection.objects.filter(form_number=options["form"]).first()
            if correction is None:
                raise CommandError(f"no red-letter form {options['form']!r}")
            try:
                red_letter_confirm(
                    correction=correction,
                    confirmed_on=iso_date(options["on"]),
                    confirmed_by=f"cli:{getpass.getuser()}",
                    red_vat_invoice_number=options["red_invoice"],
                )
            except RuleViolation as refused:
                raise CommandError(refused.message) from None
        self.stdout.write(f"confirmed {options['form']}")
