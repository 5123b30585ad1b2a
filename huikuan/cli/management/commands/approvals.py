"""huikuan approvals list [--user U] [--inbox] [--status S] [--kind K] [--json]
huikuan approvals decide NUMBER --user U (--approve | --reject | --reconsider) [--comment C] [--json]"""

from __future__ import annotations

import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from huikuan.accounts.permissions import may
from huikuan.approvals.models import ApprovalRequest, Status
from huikuan.approvals.registry import kind_label
from huikuan.approvals.selectors import access_approval_requests, approval_history, approvals_inbox
from huikuan.approvals.services import approval_decide
from huikuan.cli.output import table, to_json
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError, NotFound


def request_as_dict(request: ApprovalRequest) -> dict:
    step = request.current_step if request.status == Status.PENDING else None
    return {
        "number": request.number,
        "kind": request.kind,
        "status": request.status,
        "customer": request.customer.code if request.customer_id else None,
        "amount": None if request.amount is None else f"{request.amount:.2f}",
        "currency": request.currency,
        "summary": request.summary,
        "subject_ref": request.subject_ref,
        "requested_by": request.requested_by.get_username(),
        "current_step": None
        if step is None
        else {"position": step.position, "name": step.name, "roles": step.role_names},
        "reconsidered": request.reconsidered,
        "created_at": request.created_at.isoformat(),
        "decided_at": request.decided_at.isoformat() if request.decided_at else None,
    }


class Command(BaseCommand):
    # No system checks: they would import the URLconf, the API and every view (slow start-up).
    requires_system_checks: list[str] = []
    help = "List approval requests and decide them (approve, reject, ask for reconsideration)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        listing = actions.add_parser("list", help="requests, newest first; --inbox: those awaiting --user")
        listing.add_argument("--user", metavar="U", help="as this user: only what they may see")
        listing.add_argument("--inbox", action="store_true", help="only those --user may decide now")
        listing.add_argument("--status", choices=Status.values)
        listing.add_argument("--kind", metavar="K")
        listing.add_argument("--json", action="store_true")
        deciding = actions.add_parser("decide", help="decide the current step of a request as --user")
        deciding.add_argument("number")
        deciding.add_argument("--user", metavar="U", required=True)
        verdict = deciding.add_mutually_exclusive_group(required=True)
        verdict.add_argument("--approve", dest="decision", action="store_const", const="approve")
        verdict.add_argument("--reject", dest="decision", action="store_const", const="reject")
        verdict.add_argument("--reconsider", dest="decision", action="store_const", const="reconsider")
        deciding.add_argument("--comment", default="", metavar="C", help="required to reject or reconsider")
        deciding.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        try:
            if options["action"] == "list":
                self.list(options)
            else:
                self.decide(options)
        except ApplicationError as refused:
            self.stderr.write(f"Refused: {refused.message}")
            sys.exit(1)

    def _user(self, username: str):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise NotFound(f"no active user {username!r}")
        return user

    def list(self, options):
        if options["inbox"] and not options["user"]:
            raise ApplicationError("--inbox needs --user: whose inbox?")
        if options["user"]:
            user = self._user(options["user"])
            requests = approvals_inbox(user=user) if options["inbox"] else access_approval_requests(user=user)
        else:
            requests = ApprovalRequest.objects.select_related("customer", "requested_by", "current_step")
        if not options["inbox"]:
            requests = requests.order_by("-id")
        if options["status"]:
            requests = requests.filter(status=options["status"])
        if options["kind"]:
            requests = requests.filter(kind=options["kind"])
        rows = [request_as_dict(request) for request in requests]
        if options["json"]:
            self.stdout.write(to_json(rows))
            return
        if not rows:
            self.stdout.write("No approval requests.")
            return
        header = ["number", "kind", "status", "step", "customer", "requested by", "amount"]
        body = [
            [
                row["number"],
                kind_label(row["kind"]),
                row["status"],
                row["current_step"]["name"] if row["current_step"] else "",
                row["customer"] or "",
                row["requested_by"],
                "" if row["amount"] is None else f"{row['amount']} {row['currency']}",
            ]
            for row in rows
        ]
        self.stdout.write(table(header, body, numeric_from=6))

    def decide(self, options):
        user = self._user(options["user"])
        if not may(user, "approval.decide"):
            raise ApplicationError(f"{user.get_username()} may not decide approval requests")
        request = access_approval_requests(user=user).filter(number=options["number"]).first()
        if request is None:
            raise NotFound(f"no approval request {options['number']!r} for {options['user']}")
        with audit_context(actor=user, source="cli"):
            request = approval_decide(
                request=request, actor=user, decision=options["decision"], comment=options["comment"]
            )
        request = ApprovalRequest.objects.select_related("customer", "requested_by", "current_step").get(
            pk=request.pk
        )
        if options["json"]:
            data = request_as_dict(request)
            data["history"] = [
                {
                    "created_at": row.created_at.isoformat(),
                    "actor": row.actor.get_username(),
                    "role": row.role,
                    "step": row.step.name if row.step else None,
                    "decision": row.decision,
                    "comment": row.comment,
                }
                for row in approval_history(request=request)
            ]
            self.stdout.write(to_json(data))
            return
        where = f", now at {request.current_step.name}" if request.status == Status.PENDING else ""
        self.stdout.write(
            f"{request.number}: {options['decision']} by {user.get_username()} → {request.status}{where}"
        )
