"""huikuan interest — statutory late-payment interest per customer and invoice (保障中小企业款项支付条例)."""

from __future__ import annotations

import getpass
import sys
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from huikuan.cli.output import iso_date, table, to_json
from huikuan.collections.late_interest import late_interest, late_interest_charge
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError
from huikuan.credit.charges import fee_charge_as_dict
from huikuan.ledger.models import Customer


class Command(BaseCommand):
    help = (
        "Statutory late-payment interest as of a date: the contract rate or 0.05% a day, on the "
        "undisputed part of each overdue invoice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, help="YYYY-MM-DD")
        parser.add_argument("--customer", help="customer code (default: every customer)")
        parser.add_argument(
            "--charge",
            action="store_true",
            help="charge the interest not yet charged up to --as-of as a debit note",
        )
        parser.add_argument("--charged-by", help="username recorded as charging (default: the OS account)")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        as_of = iso_date(options["as_of"])
        customer = None
        if options["customer"]:
            customer = Customer.objects.filter(code=options["customer"]).first()
            if customer is None:
                raise CommandError(f"no customer has the code {options['customer']!r}")
        try:
            if options["charge"]:
                if customer is None:
                    raise CommandError("--charge needs --customer")
                with audit_context(source="cli:interest --charge"):
                    charge = late_interest_charge(
                        customer=customer, as_of=as_of, charged_by=options["charged_by"] or getpass.getuser()
                    )
                data = {"charged": charge is not None, **(fee_charge_as_dict(charge) if charge else {})}
                if options["json"]:
                    self.stdout.write(to_json(data))
                elif charge is None:
                    self.stdout.write(f"{customer.code}: no interest left to charge up to {as_of}")
                else:
                    self.stdout.write(f"{customer.code}: debit note {data['debit_note']}, {data['amount']}")
                return
        except ApplicationError as error:
            self.stderr.write(f"Refused: {error.message}")
            sys.exit(1)
        entries = late_interest(as_of=as_of, customer_ids=[customer.pk] if customer else None)
        total = sum((entry.total for entry in entries), Decimal("0.00"))
        if options["json"]:
            self.stdout.write(
                to_json(
                    {
                        "as_of": as_of.isoformat(),
                        "total": f"{total:.2f}",
                        "customers": [e.as_dict() for e in entries],
                    }
                )
            )
            return
        rows = []
        for entry in entries:
            rate = entry.rate_dict()
            basis = f"{rate['basis']} {rate.get('annual_rate') or rate.get('daily_rate')}"
            for item in entry.invoices:
                rows.append(
                    [
                        entry.customer.code,
                        item.invoice.number,
                        basis,
                        str(item.days),
                        f"{item.undisputed_open:.2f}",
                        f"{item.disputed:.2f}",
                        f"{item.interest_functional:.2f}",
                    ]
                )
        self.stdout.write(f"Late-payment interest as of {as_of}")
        self.stdout.write(
            table(
                ["customer", "invoice", "rate", "days", "undisputed", "disputed", "interest"],
                rows,
                numeric_from=3,
            )
        )
        for entry in entries:
            self.stdout.write(f"{entry.customer.code}: {entry.total:.2f}")
        self.stdout.write(f"total: {total:.2f}")
