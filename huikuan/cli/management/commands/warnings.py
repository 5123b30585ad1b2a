"""huikuan warnings run [--date YYYY-MM-DD] [--json] | huikuan warnings list [--grade N]
[--status open|acknowledged] [--rule R] [--json] | huikuan warnings acknowledge ID --user NAME [--note T]

``run`` evaluates the early-warning rules for a day (what the daily ``warnings`` job does):
it raises only the warnings not yet raised, so running it again the same day changes nothing.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from huikuan.accounts.permissions import may
from huikuan.cli.output import cli_language, iso_date, table, to_json
from huikuan.core.audit import audit_context
from huikuan.core.errors import RuleViolation
from huikuan.finance.models import EarlyWarning, WarningRule, WarningStatus
from huikuan.finance.warning_selectors import access_warnings, warning_as_dict, warnings_filtered
from huikuan.finance.warning_services import warning_acknowledge, warnings_run


class Command(BaseCommand):
    # No system checks: they would import the URLconf, the API and every view (slow start-up).
    requires_system_checks: list[str] = []
    help = "Early warnings: evaluate the rules for a day, list the warnings, acknowledge one."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True)
        run = verbs.add_parser("run", help="evaluate the rules for a day; raises each warning once")
        run.add_argument(
            "--date", help="YYYY-MM-DD business date (default: today in the company's time zone)"
        )
        run.add_argument("--json", action="store_true")
        listing = verbs.add_parser("list", help="the warnings, newest first")
        listing.add_argument("--grade", choices=("1", "2", "3"))
        listing.add_argument("--status", choices=WarningStatus.values)
        listing.add_argument("--rule", choices=WarningRule.values)
        listing.add_argument("--user", help="only what this user may see (a collector: their customers)")
        listing.add_argument("--json", action="store_true")
        ack = verbs.add_parser("acknowledge", help="mark a warning handled")
        ack.add_argument("id", type=int)
        ack.add_argument("--user", required=True, help="who handled it")
        ack.add_argument("--note", default="")
        ack.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        with translation.override(cli_language()):
            getattr(self, options["verb"])(options)

    def run(self, options):
        day = iso_date(options["date"]) if options.get("date") else timezone.localdate()
        with audit_context(source="cli"):
            data = warnings_run(as_of=day).as_dict()
        if options["json"]:
            self.stdout.write(to_json(data))
            return
        self.stdout.write(
            f"Early warnings {data['as_of']}: {data['created']} new, "
            f"{data['already_raised']} already raised, {data['notifications']} notifications, "
            f"{data['digest_emails']} digest emails"
        )
        for rule, count in data["by_rule"].items():
            self.stdout.write(f"  {rule}: {count}")

    def _user(self, username: str):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"--user: no active user {username!r}")
        return user

    def list(self, options):
        warnings = (
            access_warnings(user=self._user(options["user"]))
            if options.get("user")
            else EarlyWarning.objects.select_related("customer", "invoice")
        )
        try:
            warnings = warnings_filtered(
                warnings, grade=options["grade"], status=options["status"], rule=options["rule"]
            )
        except RuleViolation as error:
            raise CommandError(str(error)) from None
        data = [warning_as_dict(warning) for warning in warnings]
        if options["json"]:
            self.stdout.write(to_json(data))
            return
        rows = [
            [str(d["id"]), d["raised_on"], str(d["grade"]), d["status"], d["customer_code"], d["message"]]
            for d in data
        ]
        self.stdout.write(
            table(["id", "raised", "grade", "status", "customer", "warning"], rows, numeric_from=9)
        )

    def acknowledge(self, options):
        user = self._user(options["user"])
        if not may(user, "warning.acknowledge"):
            raise CommandError(f"{user.get_username()} may not acknowledge warnings")
        warning = access_warnings(user=user).filter(pk=options["id"]).first()
        if warning is None:
            raise CommandError(f"no warning {options['id']} that {user.get_username()} may see")
        try:
            with audit_context(actor=user, source="cli"):
                done = warning_acknowledge(warning=warning, user=user, note=options["note"])
        except RuleViolation as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            self.stdout.write(to_json(warning_as_dict(done)))
        else:
            self.stdout.write(f"Warning {done.pk} acknowledged by {done.acknowledged_by}")
