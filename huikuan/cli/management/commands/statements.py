"""huikuan statements send --customer CODE --period YYYY-MM [--again] [--json]
huikuan statements confirm --customer CODE --as-of YYYY-MM-DD [--again] [--json]
huikuan statements list --customer CODE [--json]
huikuan statements due --date YYYY-MM-DD [--json]       # who the daily job would send to
huikuan statements schedule --customer CODE --frequency monthly|quarterly|none [--json]
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from huikuan.cli.output import iso_date, table, to_json

ACTIONS = ("send", "confirm", "list", "due", "schedule")


def _statement_dict(statement) -> dict:
    return {
        "reference": statement.reference,
        "kind": statement.kind,
        "customer": statement.customer.code,
        "period_start": statement.period_start.isoformat(),
        "period_end": statement.period_end.isoformat(),
        "currency": statement.currency,
        "opening_balance": str(statement.opening_balance),
        "invoiced": str(statement.invoiced),
        "received": str(statement.received),
        "credited": str(statement.credited),
        "written_off": str(statement.written_off),
        "closing_balance": str(statement.closing_balance),
        "lines": statement.lines.count(),
        "status": statement.status,
        "sent_at": statement.sent_at.isoformat() if statement.sent_at else None,
        "answered_at": statement.answered_at.isoformat() if statement.answered_at else None,
    }


class Command(BaseCommand):
    # No system checks: they would import the URLconf, the API and every view (slow start-up).
    requires_system_checks: list[str] = []
    help = "Statements of account (对账单) and balance confirmations (询证函): send, list, schedule."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        send = actions.add_parser("send", help="make and email the statement of account of a month")
        send.add_argument("--customer", required=True)
        send.add_argument("--period", required=True, help="YYYY-MM")
        confirm = actions.add_parser("confirm", help="make and email a balance confirmation (询证函)")
        confirm.add_argument("--customer", required=True)
        confirm.add_argument("--as-of", required=True, type=iso_date)
        for sub in (send, confirm):
            sub.add_argument("--again", action="store_true", help="send again, with a new answer link")
        listing = actions.add_parser("list", help="a customer's statements, newest first")
        listing.add_argument("--customer", required=True)
        due = actions.add_parser("due", help="the customers whose statement the daily job sends on a date")
        due.add_argument("--date", required=True, type=iso_date)
        schedule = actions.add_parser("schedule", help="how often a customer gets a statement")
        schedule.add_argument("--customer", required=True)
        schedule.add_argument("--frequency", required=True, choices=["monthly", "quarterly", "none"])
        for sub in (send, confirm, listing, due, schedule):
            sub.add_argument("--json", action="store_true")

    def _customer(self, code: str):
        from huikuan.ledger.models import Customer

        customer = Customer.objects.filter(code=code).first()
        if customer is None:
            raise CommandError(f"no customer {code!r}")
        return customer

    def handle(self, *args, **options):
        from huikuan.core.audit import audit_context
        from huikuan.core.errors import ApplicationError

        try:
            with audit_context(source="cli:statements"):
                result, text = getattr(self, f"_{options['action']}")(options)
        except ApplicationError as refused:
            raise CommandError(refused.message) from None
        self.stdout.write(to_json(result) if options["json"] else text)

    def _issue(self, options, kind: str, start, end):
        from huikuan.correspondence.selectors import email_find
        from huikuan.statements.models import StatementLink
        from huikuan.statements.services import statement_issue

        customer = self._customer(options["customer"])
        statement = statement_issue(
            customer=customer, kind=kind, start=start, end=end, created_by="cli", again=options["again"]
        )
        link = StatementLink.objects.filter(statement=statement).select_related("email").first()
        email = (
            link.email
            if link and link.email
            else email_find(idempotency_key=f"statement:{statement.reference}")
        )
        result = _statement_dict(statement) | {
            "email": {"id": email.pk, "to": email.to, "status": email.status} if email else None
        }
        sent = f"email {email.status} to {', '.join(email.to)}" if email else "no email"
        text = (
            f"{statement.reference}: closing balance {statement.closing_balance} {statement.currency}, "
            f"{result['lines']} lines; {sent}"
        )
        return result, text

    def _send(self, options):
        from huikuan.statements.selectors import period_bounds

        start, end = period_bounds(period=options["period"])
        return self._issue(options, "account", start, end)

    def _confirm(self, options):
        return self._issue(options, "confirmation", options["as_of"], options["as_of"])

    def _list(self, options):
        from huikuan.statements.selectors import customer_statements

        statements = list(customer_statements(customer=self._customer(options["customer"])))
        rows = [
            [
                s.reference,
                s.kind,
                s.period_end.isoformat(),
                s.status,
                f"{s.closing_balance:,.2f} {s.currency}",
            ]
            for s in statements
        ]
        return (
            {"statements": [_statement_dict(s) for s in statements]},
            table(["reference", "kind", "to", "status", "closing balance"], rows, numeric_from=4),
        )

    def _due(self, options):
        from huikuan.statements.selectors import statements_due

        due = statements_due(day=options["date"])
        entries = [
            {"customer": customer.code, "period_start": start.isoformat(), "period_end": end.isoformat()}
            for customer, start, end in due
        ]
        rows = [[e["customer"], e["period_start"], e["period_end"]] for e in entries]
        return {"date": options["date"].isoformat(), "due": entries}, table(
            ["customer", "from", "to"], rows, numeric_from=3
        )

    def _schedule(self, options):
        from huikuan.statements.services import schedule_set

        customer = self._customer(options["customer"])
        schedule = schedule_set(customer=customer, frequency=options["frequency"], updated_by="cli")
        return (
            {"customer": customer.code, "frequency": schedule.frequency},
            f"{customer.code}: {schedule.frequency}",
        )
