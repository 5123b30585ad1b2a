"""huikuan legal cases [--open] [--json] | huikuan legal case NUMBER [--json]
| huikuan legal open --customer CODE [--invoices N,N] --user U [--lawyer L] [--date D] [--json]
| huikuan legal record NUMBER --kind K --date D --user U [--text T] [--amount A] [--court C]
  [--court-case-number N] [--json]
| huikuan legal recover NUMBER --amount A --date D --user U [--reference R] [--json]
| huikuan legal close NUMBER --date D --user U [--note T] [--json]
| huikuan legal agencies [--json]
| huikuan legal assign --agency NAME --customer CODE [--invoices N,N] --user U [--date D] [--json]

Legal cases (法务) and collection agencies (第三方机构): the same services as the pages and the
API, asked as the user named by ``--user`` (who must be allowed the action).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from huikuan.accounts.access import access_customers
from huikuan.accounts.permissions import may
from huikuan.cli.output import cli_language, iso_date, table, to_json
from huikuan.collections.agencies import agencies, agency_assign
from huikuan.collections.legal import (
    RECORDED_KINDS,
    legal_case_open,
    legal_case_record,
    legal_case_recovery_record,
)
from huikuan.collections.legal_models import CaseStatus, CollectionAgency, LegalCase
from huikuan.collections.legal_selectors import case_file, case_invoices
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError
from huikuan.finance.legal_cases import legal_case_close


def _amount(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise CommandError(f"--amount: not an amount: {text!r}") from None


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "Legal cases and collection agencies: list, open, record, recover, close, assign."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True)
        cases = verbs.add_parser("cases", help="the legal cases, newest first")
        cases.add_argument("--open", action="store_true", help="only the cases not closed")
        case = verbs.add_parser("case", help="one case: its timeline and figures")
        case.add_argument("number")
        opening = verbs.add_parser("open", help="open a case (or add invoices to the one open)")
        opening.add_argument("--customer", required=True)
        opening.add_argument("--invoices", default="", help="numbers, comma-separated; none: all open")
        opening.add_argument("--lawyer", default="")
        opening.add_argument("--date")
        record = verbs.add_parser("record", help="record an event on a case")
        record.add_argument("number")
        record.add_argument("--kind", required=True, choices=[kind.value for kind in RECORDED_KINDS])
        record.add_argument("--date", required=True)
        record.add_argument("--text", default="")
        record.add_argument("--amount")
        record.add_argument("--court", default="")
        record.add_argument("--court-case-number", default="")
        recover = verbs.add_parser("recover", help="money recovered through a case (the customer's payment)")
        recover.add_argument("number")
        recover.add_argument("--amount", required=True)
        recover.add_argument("--date", required=True)
        recover.add_argument("--reference", default="")
        close = verbs.add_parser("close", help="close a case (nothing recovered: a write-off is proposed)")
        close.add_argument("number")
        close.add_argument("--date", required=True)
        close.add_argument("--note", default="")
        verbs.add_parser("agencies", help="the agencies and law firms")
        assign = verbs.add_parser("assign", help="hand a customer's invoices to an agency")
        assign.add_argument("--agency", required=True)
        assign.add_argument("--customer", required=True)
        assign.add_argument("--invoices", default="")
        assign.add_argument("--date")
        for verb in (opening, record, recover, close, assign):
            verb.add_argument("--user", required=True, help="who does it")
        for verb in (cases, case, opening, record, recover, close, assign):
            verb.add_argument("--json", action="store_true")
        verbs.choices["agencies"].add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        with translation.override(cli_language()):
            try:
                getattr(self, options["verb"])(options)
            except ApplicationError as refused:
                raise CommandError(refused.message) from None

    def _user(self, options, action: str):
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"--user: no active user {options['user']!r}")
        if not may(user, action):
            raise CommandError(f"{user.get_username()} may not do {action}")
        return user

    def _show(self, options, case: LegalCase) -> None:
        case.refresh_from_db()
        data = case_file(case=case).as_dict()
        if options.get("json"):
            self.stdout.write(to_json(data))
            return
        self.stdout.write(
            f"{data['number']} {data['customer_code']} {data['status']} {data['outcome']} "
            f"claim {data['claim_amount']} {data['currency']}, recovered {data['recovered']}, "
            f"costs {data['costs']}"
            + (f", write-off {data['write_off_proposal']}" if data["write_off_proposal"] else "")
        )
        for event in data["events"]:
            self.stdout.write(f"  {event['date']} {event['kind']} {event['amount'] or ''} {event['text']}")

    def _case(self, number: str) -> LegalCase:
        case = LegalCase.objects.select_related("customer").filter(number=number).first()
        if case is None:
            raise CommandError(f"no legal case {number}")
        return case

    def cases(self, options):
        cases = LegalCase.objects.select_related("customer").order_by("-opened_on", "-id")
        if options["open"]:
            cases = cases.exclude(status=CaseStatus.CLOSED)
        data = [case_file(case=case).as_dict() for case in cases]
        if options["json"]:
            self.stdout.write(to_json(data))
            return
        rows = [
            [d["number"], d["customer_code"], d["status"], d["opened_on"], d["claim_amount"], d["recovered"]]
            for d in data
        ]
        self.stdout.write(
            table(["case", "customer", "status", "opened", "claim", "recovered"], rows, numeric_from=4)
        )

    def case(self, options):
        self._show(options, self._case(options["number"]))

    def open(self, options):
        user = self._user(options, "legal_case.edit")
        customer = access_customers(user=user).filter(code=options["customer"]).first()
        if customer is None:
            raise CommandError(f"no customer {options['customer']} that {user.get_username()} may see")
        with audit_context(actor=user, source="cli"):
            case = legal_case_open(
                customer=customer,
                invoices=case_invoices(customer=customer, numbers=options["invoices"]),
                opened_on=iso_date(options["date"]) if options.get("date") else timezone.localdate(),
                opened_by=user,
                lawyer=options["lawyer"],
            )
        self._show(options, case)

    def record(self, options):
        user = self._user(options, "legal_case.edit")
        case = self._case(options["number"])
        with audit_context(actor=user, source="cli"):
            legal_case_record(
                case=case,
                kind=options["kind"],
                occurred_on=iso_date(options["date"]),
                by=user,
                text=options["text"],
                amount=_amount(options["amount"]) if options.get("amount") else None,
                court=options["court"],
                court_case_number=options["court_case_number"],
            )
        self._show(options, case)

    def recover(self, options):
        user = self._user(options, "legal_case.edit")
        case = self._case(options["number"])
        with audit_context(actor=user, source="cli"):
            legal_case_recovery_record(
                case=case,
                amount=_amount(options["amount"]),
                received_on=iso_date(options["date"]),
                by=user,
                reference=options["reference"],
            )
        self._show(options, case)

    def close(self, options):
        user = self._user(options, "legal_case.edit")
        with audit_context(actor=user, source="cli"):
            case = legal_case_close(
                case=self._case(options["number"]),
                closed_on=iso_date(options["date"]),
                by=user,
                note=options["note"],
            )
        self._show(options, case)

    def agencies(self, options):
        data = [
            {
                "name": a.name,
                "kind": a.kind,
                "commission_percent": str(a.commission_percent),
                "active": a.active,
            }
            for a in agencies()
        ]
        if options["json"]:
            self.stdout.write(to_json(data))
            return
        rows = [[d["name"], d["kind"], d["commission_percent"]] for d in data]
        self.stdout.write(table(["agency", "kind", "commission %"], rows, numeric_from=2))

    def assign(self, options):
        user = self._user(options, "agency.assign")
        agency = CollectionAgency.objects.filter(name=options["agency"]).first()
        if agency is None:
            raise CommandError(f"no agency {options['agency']!r}")
        customer = access_customers(user=user).filter(code=options["customer"]).first()
        if customer is None:
            raise CommandError(f"no customer {options['customer']} that {user.get_username()} may see")
        with audit_context(actor=user, source="cli"):
            assignment = agency_assign(
                agency=agency,
                customer=customer,
                invoices=case_invoices(customer=customer, numbers=options["invoices"]),
                assigned_on=iso_date(options["date"]) if options.get("date") else timezone.localdate(),
                by=user,
            )
        data = {
            "id": assignment.pk,
            "agency": agency.name,
            "customer_code": customer.code,
            "invoices": sorted(assignment.invoices.values_list("number", flat=True)),
            "commission_percent": str(assignment.commission_percent),
        }
        if options["json"]:
            self.stdout.write(to_json(data))
        else:
            self.stdout.write(
                f"{len(data['invoices'])} invoices of {customer.code} handed to {agency.name} "
                f"at {data['commission_percent']}%"
            )
