"""huikuan email retry [--json] | huikuan email list [--status failed] [--json]"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from huikuan.cli.output import table, to_json
from huikuan.core.audit import audit_context
from huikuan.correspondence.models import EmailStatus
from huikuan.correspondence.selectors import outbound_emails
from huikuan.correspondence.services import emails_retry

LIST_LIMIT = 500


def _email_dict(email) -> dict:
    return {
        "id": email.pk,
        "to": email.to,
        "subject": email.subject,
        "purpose": email.purpose,
        "customer_code": email.customer.code if email.customer else None,
        "status": email.status,
        "attempts": email.attempts,
        "last_error": email.last_error,
        "next_attempt_at": email.next_attempt_at.isoformat() if email.next_attempt_at else None,
        "sent_at": email.sent_at.isoformat() if email.sent_at else None,
        "created_at": email.created_at.isoformat(),
        "idempotency_key": email.idempotency_key,
    }


class Command(BaseCommand):
    # No system checks: they would import the URLconf, the API and every view (slow start-up).
    requires_system_checks: list[str] = []
    help = "The email outbox: send what is due for retry, or list emails by status."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        retry = actions.add_parser("retry", help="attempt every queued or retrying email that is due")
        retry.add_argument("--json", action="store_true")
        listing = actions.add_parser("list", help="the newest emails, optionally of one status")
        listing.add_argument("--status", choices=EmailStatus.values)
        listing.add_argument("--limit", type=int, default=100)
        listing.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        if options["action"] == "retry":
            with audit_context(source="cli:email"):
                sent = emails_retry()
            still_due = {
                status: outbound_emails(status=status).count()
                for status in (EmailStatus.RETRYING, EmailStatus.FAILED)
            }
            if options["json"]:
                self.stdout.write(to_json({"sent": sent, **still_due}))
            else:
                self.stdout.write(
                    f"Sent {sent}; retrying later {still_due['retrying']}; failed {still_due['failed']}."
                )
            return
        limit = options["limit"]
        if not 1 <= limit <= LIST_LIMIT:
            raise CommandError(f"--limit must be between 1 and {LIST_LIMIT}")
        emails = list(outbound_emails(status=options["status"] or "")[:limit])
        if options["json"]:
            self.stdout.write(to_json({"emails": [_email_dict(email) for email in emails]}))
            return
        rows = [
            [
                str(email.pk),
                email.status,
                ", ".join(email.to),
                email.subject,
                str(email.attempts),
                email.last_error[:80],
            ]
            for email in emails
        ]
        self.stdout.write(
            table(["id", "status", "to", "subject", "attempts", "last error"], rows, numeric_from=4)
        )
