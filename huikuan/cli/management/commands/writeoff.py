"""huikuan writeoff propose (--invoice N | --customer C) --reason R --user U [--evidence FILE]... [--json]
huikuan writeoff list [--status S] [--customer C] [--json]
huikuan writeoff recover --invoice N --amount A [--date D] [--json]

Proposals are decided in the approvals (``huikuan approvals decide``): the credit manager, then
the CFO from WRITE_OFF_CFO_THRESHOLD; the write-off is posted to the ledger on the last approval.
"""

from __future__ import annotations

import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from huikuan.accounts.permissions import may
from huikuan.cli.output import iso_date, table, to_json
from huikuan.core.errors import ApplicationError, NotFound
from huikuan.finance.models import ProposalStatus, WriteOffProposal
from huikuan.finance.write_offs import (
    EvidenceFile,
    proposal_as_dict,
    proposals_with_details,
    write_off_propose,
    write_off_recovery_record,
)
from huikuan.ledger.models import Customer, Invoice, WriteOff


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "Propose write-offs of bad debts (decided in the approvals), list them, record recoveries."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        propose = actions.add_parser("propose", help="propose writing off an invoice or a customer's balance")
        target = propose.add_mutually_exclusive_group(required=True)
        target.add_argument("--invoice", metavar="N", help="the invoice's open balance")
        target.add_argument("--customer", metavar="C", help="each open invoice of the customer")
        propose.add_argument("--reason", required=True, metavar="R")
        propose.add_argument("--user", required=True, metavar="U", help="the user proposing it")
        propose.add_argument(
            "--evidence", action="append", default=[], metavar="FILE", help="a PDF, JPEG or PNG; repeatable"
        )
        propose.add_argument("--json", action="store_true")
        listing = actions.add_parser("list", help="proposals, newest first")
        listing.add_argument("--status", choices=ProposalStatus.values)
        listing.add_argument("--customer", metavar="C")
        listing.add_argument("--json", action="store_true")
        recover = actions.add_parser("recover", help="record money collected on a written-off invoice")
        recover.add_argument("--invoice", required=True, metavar="N")
        recover.add_argument("--amount", required=True, metavar="A")
        recover.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD")
        recover.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        try:
            getattr(self, options["action"])(options)
        except ApplicationError as refused:
            self.stderr.write(f"Refused: {refused.message}")
            sys.exit(1)

    def propose(self, options):
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise NotFound(f"no active user {options['user']!r}")
        if not may(user, "writeoff.propose"):
            raise ApplicationError(f"{user.get_username()} may not propose write-offs")
        evidence = []
        for name in options["evidence"]:
            path = Path(name)
            if not path.is_file():
                raise NotFound(f"{name}: no such file")
            evidence.append(EvidenceFile(path.name, path.read_bytes()))
        invoice = customer = None
        if options["invoice"]:
            invoice = Invoice.objects.filter(number=options["invoice"]).first()
            if invoice is None:
                raise NotFound(f"no invoice {options['invoice']!r}")
        else:
            customer = Customer.objects.filter(code=options["customer"]).first()
            if customer is None:
                raise NotFound(f"no customer {options['customer']!r}")
        proposal = write_off_propose(
            requested_by=user, reason=options["reason"], invoice=invoice, customer=customer, evidence=evidence
        )
        if options["json"]:
            self.stdout.write(to_json(proposal_as_dict(proposal)))
        else:
            self.stdout.write(
                f"{proposal.number}: {proposal.amount:.2f} {proposal.currency} proposed, "
                f"awaiting approval {proposal.approval_number}"
            )

    def list(self, options):
        proposals = proposals_with_details(WriteOffProposal.objects.all())
        if options["status"]:
            proposals = proposals.filter(status=options["status"])
        if options["customer"]:
            proposals = proposals.filter(customer__code=options["customer"])
        rows = [proposal_as_dict(proposal) for proposal in proposals.order_by("-id")]
        if options["json"]:
            self.stdout.write(to_json(rows))
            return
        if not rows:
            self.stdout.write("No write-off proposals.")
            return
        header = ["number", "customer", "invoice", "status", "approval", "amount"]
        body = [
            [
                r["number"],
                r["customer"],
                r["invoice"] or "*",
                r["status"],
                r["approval"],
                f"{r['amount']} {r['currency']}",
            ]
            for r in rows
        ]
        self.stdout.write(table(header, body, numeric_from=5))

    def recover(self, options):
        write_off = WriteOff.objects.filter(invoice__number=options["invoice"]).order_by("-id").first()
        if write_off is None:
            raise NotFound(f"invoice {options['invoice']!r} has no write-off")
        try:
            amount = Decimal(options["amount"])
        except InvalidOperation:
            raise ApplicationError(f"--amount: {options['amount']!r} is not an amount") from None
        recovery = write_off_recovery_record(
            write_off=write_off, amount=amount, recovery_date=options["date"]
        )
        result = {
            "invoice": options["invoice"],
            "amount": f"{recovery.amount:.2f}",
            "date": recovery.recovery_date.isoformat(),
        }
        if options["json"]:
            self.stdout.write(to_json(result))
        else:
            self.stdout.write(f"Recovered {result['amount']} on {result['invoice']} ({result['date']})")
