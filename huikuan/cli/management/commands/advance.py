"""huikuan advance list [--customer C] [--json]
huikuan advance record --payment REF [--order N] [--json]
huikuan advance offset REF --invoice N [--amount A] [--date D] [--json]
huikuan advance ar-ap [--propose --customer C --supplier S --user U] [--json]
huikuan advance tails [--propose --user U] [--json]

Advance receipts (预收) and their offset against invoices (预收冲应收); the AR/AP offset (应收冲应付)
and rounding tails (尾差), proposed here and decided in the approvals (``huikuan approvals decide``).
"""

from __future__ import annotations

import sys
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import timezone

from huikuan.accounts.permissions import may
from huikuan.cli.output import iso_date, table, to_json
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError, NotFound
from huikuan.finance.offsets import (
    offset_as_dict,
    offset_candidates,
    offset_propose,
    tails_as_dict,
    tails_open,
    tails_propose,
)
from huikuan.ledger.advances import advance_offset, advance_receipt_record, customer_advances
from huikuan.ledger.models import AdvanceReceipt, AdvanceSource, Customer, Invoice, Payment

SOURCE = "cli:advance"


def _user(name: str, action: str):
    user = get_user_model().objects.filter(username=name, is_active=True).first()
    if user is None:
        raise NotFound(f"no active user {name!r}")
    if not may(user, action):
        raise ApplicationError(f"{user.get_username()} may not do {action}")
    return user


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "Advance receipts (预收), the AR/AP offset (应收冲应付) and rounding tails (尾差)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        listing = actions.add_parser("list", help="advance receipts, newest first")
        listing.add_argument("--customer", metavar="C")
        record = actions.add_parser("record", help="record a payment on account as an advance receipt")
        record.add_argument("--payment", required=True, metavar="REF")
        record.add_argument("--order", default="", metavar="N", help="the order it is for")
        offset = actions.add_parser("offset", help="offset an advance receipt against an invoice")
        offset.add_argument("reference", metavar="REF")
        offset.add_argument("--invoice", required=True, metavar="N")
        offset.add_argument("--amount", metavar="A", help="default: all that fits")
        offset.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD")
        ar_ap = actions.add_parser("ar-ap", help="the payables and what could be offset; propose one")
        ar_ap.add_argument("--propose", action="store_true")
        ar_ap.add_argument("--customer", metavar="C")
        ar_ap.add_argument("--supplier", metavar="S")
        ar_ap.add_argument("--user", metavar="U", help="the user proposing it")
        tails = actions.add_parser("tails", help="the rounding tails; propose writing them off")
        tails.add_argument("--propose", action="store_true")
        tails.add_argument("--user", metavar="U", help="the user proposing it")
        for sub in (listing, record, offset, ar_ap, tails):
            sub.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        try:
            data = getattr(self, options["action"].replace("-", "_"))(options)
        except ApplicationError as refused:
            self.stderr.write(f"Refused: {refused.message}")
            sys.exit(1)
        if data is not None:
            self.stdout.write(to_json(data))

    def list(self, options):
        customers = Customer.objects.all()
        if options["customer"]:
            customers = customers.filter(code=options["customer"])
        lines = [
            line.as_dict() for line in customer_advances(customer_ids=customers.values_list("pk", flat=True))
        ]
        if options["json"]:
            return lines
        rows = [
            [x["reference"], x["customer"], x["order_number"], x["amount"], x["offset"], x["left"]]
            for x in lines
        ]
        self.stdout.write(
            table(["reference", "customer", "order", "amount", "offset", "left"], rows, numeric_from=3)
        )
        return None

    def record(self, options):
        payment = Payment.objects.filter(reference=options["payment"]).first()
        if payment is None:
            raise NotFound(f"no payment {options['payment']!r}")
        with audit_context(source=SOURCE):
            receipt = advance_receipt_record(
                payment=payment,
                recorded_on=timezone.localdate(),
                order_number=options["order"],
                source=AdvanceSource.CLI,
            )
        return {
            "reference": payment.reference,
            "customer": receipt.customer.code,
            "order": receipt.order_number,
        }

    def offset(self, options):
        receipt = AdvanceReceipt.objects.filter(payment__reference=options["reference"]).first()
        invoice = Invoice.objects.filter(number=options["invoice"]).first()
        if receipt is None or invoice is None:
            raise NotFound("no such advance receipt or invoice")
        try:
            amount = Decimal(options["amount"]) if options["amount"] else None
        except InvalidOperation:
            raise ApplicationError(f"not an amount: {options['amount']!r}") from None
        with audit_context(source=SOURCE):
            done = advance_offset(receipt=receipt, invoice=invoice, amount=amount, on=options["date"])
        allocation = done.allocation
        return {
            "reference": options["reference"],
            "invoice": invoice.number,
            "amount": f"{allocation.amount:.2f}",
            "date": allocation.allocation_date.isoformat(),
        }

    def ar_ap(self, options):
        if options["propose"]:
            user = _user(options["user"] or "", "offset.propose")
            customer = Customer.objects.filter(code=options["customer"] or "").first()
            payable = (
                customer.payables.filter(supplier_code=options["supplier"] or "").first()
                if customer
                else None
            )
            if payable is None:
                raise NotFound("no payable of that customer and supplier code: import it first")
            with audit_context(actor=user, source=SOURCE):
                return offset_as_dict(offset_propose(payable=payable, requested_by=user))
        return {"candidates": [c.as_dict() for c in offset_candidates()]}

    def tails(self, options):
        if options["propose"]:
            user = _user(options["user"] or "", "offset.propose")
            with audit_context(actor=user, source=SOURCE):
                return tails_as_dict(tails_propose(requested_by=user))
        return {
            "tails": [
                {
                    "invoice": i.number,
                    "customer": i.customer.code,
                    "open": f"{i.open_amount:.2f}",
                    "currency": i.currency,
                }
                for i in tails_open()
            ]
        }
