"""huikuan user create USERNAME --role ROLE [--password P] [--customer CODE] [--email E] [--json]
huikuan user token USERNAME [--json]"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from huikuan.accounts.roles import ROLES
from huikuan.accounts.services import user_create, user_token
from huikuan.cli.output import to_json
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError


class Command(BaseCommand):
    # No system checks: they would import the URLconf, the API and every view (slow start-up).
    requires_system_checks: list[str] = []
    help = "Create users in a role and hand out their API tokens."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="create a user in one role")
        create.add_argument("username")
        create.add_argument("--role", required=True, choices=ROLES)
        create.add_argument("--password", help="default: a generated one, printed once")
        create.add_argument("--customer", default="", metavar="CODE", help="the customer of a customer user")
        create.add_argument("--email", default="")
        create.add_argument("--json", action="store_true")
        token = actions.add_parser("token", help="print the user's API token (created on first use)")
        token.add_argument("username")
        token.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        try:
            if options["action"] == "create":
                self.create(options)
            else:
                self.token(options)
        except ApplicationError as refused:
            self.stderr.write(f"Refused: {refused.message}")
            sys.exit(1)

    def create(self, options):
        with audit_context(source="cli"):
            created = user_create(
                username=options["username"],
                role=options["role"],
                password=options["password"],
                email=options["email"],
                customer_code=options["customer"],
            )
        if options["json"]:
            self.stdout.write(to_json(created.as_dict()))
            return
        self.stdout.write(f"Created user {options['username']} ({created.role})")
        if created.password_generated:
            self.stdout.write(f"Password (shown once): {created.password}")

    def token(self, options):
        key = user_token(username=options["username"])
        if options["json"]:
            self.stdout.write(to_json({"username": options["username"], "token": key}))
        else:
            self.stdout.write(key)
