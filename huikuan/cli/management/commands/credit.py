"""huikuan credit evaluate|check|review|fees|statement — credit management (SPEC §5)."""

from __future__ import annotations

import getpass
import sys
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from huikuan.accounts.permissions import may
from huikuan.cli.output import iso_date, table, to_json
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError
from huikuan.credit.altman import KINDS
from huikuan.credit.charges import fee_charge_as_dict, overdue_fee_charge
from huikuan.credit.flows import credit_review, evaluations_propose
from huikuan.credit.selectors import credit_check, evaluation_scores, overdue_fees, statement_score
from huikuan.credit.services import class_distribution, credit_evaluate, financial_statement_record
from huikuan.ledger.models import Customer


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CommandError(f"not a number: {text!r} (use . as the decimal point)") from None
    if not value.is_finite():
        raise CommandError(f"not a finite number: {text!r}")
    return value


def _customer(code: str) -> Customer:
    customer = Customer.objects.filter(code=code).first()
    if customer is None:
        raise CommandError(f"no customer has the code {code!r}")
    return customer


def _user(username: str | None, *, action: str):
    """The user a request is filed as: one allowed ``action``, like on the web and the API."""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"no user named {username!r}")
    if not may(user, action):
        raise CommandError(f"{username} may not file these requests ({action})")
    return user


class Command(BaseCommand):
    # No system checks: they would import the URLconf, the API and every view (slow start-up).
    requires_system_checks: list[str] = []
    help = "Credit management: monthly evaluation, order credit check, quarterly review, overdue fees."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        evaluate = actions.add_parser("evaluate", help="score every customer for a month")
        evaluate.add_argument("--period", required=True, help="YYYY-MM")
        evaluate.add_argument(
            "--apply",
            action="store_true",
            help="send each proposed change of class for approval (or apply it when auto-apply is set)",
        )
        evaluate.add_argument("--requested-by", help="username filing the class-change requests")
        evaluate.add_argument(
            "--dry-run",
            action="store_true",
            help="store nothing: show the class distribution the evaluation would produce",
        )
        evaluate.add_argument("--json", action="store_true")

        check = actions.add_parser("check", help="would an order of this amount pass?")
        check.add_argument("--customer", required=True, help="customer code")
        check.add_argument("--amount", required=True, help="in the functional currency")
        check.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
        check.add_argument(
            "--prepaid",
            action="store_true",
            help="deprecated and ignored: a class D order passes when money on account covers it",
        )
        check.add_argument("--json", action="store_true")

        review = actions.add_parser("review", help="the quarterly review: re-evaluate, downgrade, hold")
        review.add_argument("--as-of", required=True, help="YYYY-MM-DD")
        review.add_argument("--requested-by", help="username filing the downgrade requests")
        review.add_argument("--json", action="store_true")

        fees = actions.add_parser("fees", help="overdue capital-occupation fees")
        fees.add_argument("--as-of", required=True, help="YYYY-MM-DD")
        fees.add_argument("--customer", help="customer code (default: every customer)")
        fees.add_argument(
            "--charge",
            action="store_true",
            help="charge the fee not yet charged up to --as-of as a debit note (CREDIT_FEE_CHARGE)",
        )
        fees.add_argument("--charged-by", help="username recorded as charging (default: the OS account)")
        fees.add_argument("--json", action="store_true")

        statement = actions.add_parser("statement", help="enter a financial statement; prints its Z-score")
        statement.add_argument("--customer", required=True)
        statement.add_argument("--date", required=True, help="YYYY-MM-DD")
        statement.add_argument("--kind", required=True, choices=KINDS)
        for name in (
            "working-capital",
            "retained-earnings",
            "ebit",
            "book-equity",
            "total-liabilities",
            "sales",
            "total-assets",
        ):
            statement.add_argument(f"--{name}", required=True)
        statement.add_argument("--market-equity")
        statement.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        action = options["action"]
        try:
            with audit_context(source=f"cli:credit {action}"):
                getattr(self, f"_{action}")(options)
        except ApplicationError as error:
            self.stderr.write(f"Refused: {error.message}")
            sys.exit(1)

    def _evaluate_dry(self, options):
        data = class_distribution(period=options["period"])
        if options["json"]:
            self.stdout.write(to_json(data))
            return
        self.stdout.write(
            f"Credit evaluation {data['period']} (dry run, nothing stored): {data['customers']} customers, "
            f"{data['changes']} would change class, {data['insufficient']} kept for insufficient data"
        )
        rows = [[c, data["current"].get(c, 0), data["proposed"].get(c, 0)] for c in ("A", "B", "C", "D", "")]
        rows = [[c or "-", *counts] for c, *counts in rows if any(counts)]
        self.stdout.write(table(["class", "now", "proposed"], rows, numeric_from=1))

    def _evaluate(self, options):
        if options["dry_run"]:
            if options["apply"]:
                raise CommandError("--dry-run stores nothing: it cannot --apply")
            self._evaluate_dry(options)
            return
        requested_by = _user(options["requested_by"], action="class.propose")
        run = credit_evaluate(period=options["period"], evaluated_by="cli")
        current = {evaluation.customer_id: evaluation.customer.credit_class for evaluation in run.evaluations}
        proposals = []
        if options["apply"]:
            proposals = evaluations_propose(evaluations=run.evaluations, requested_by=requested_by)
        if options["json"]:
            self.stdout.write(
                to_json(
                    {
                        "period": run.period,
                        "customers": [
                            {
                                "customer_code": evaluation.customer.code,
                                "scores": evaluation_scores(evaluation),
                                "total": str(evaluation.total_score),
                                "proposed_class": evaluation.proposed_class,
                                "current_class": current[evaluation.customer_id],
                                "notes": evaluation.notes,
                            }
                            for evaluation in run.evaluations
                        ],
                    }
                )
            )
            return
        self.stdout.write(
            f"Credit evaluation {run.period}: {len(run.evaluations)} customers "
            f"({run.created} new evaluations, {run.unchanged} unchanged)"
        )
        rows = [
            [
                evaluation.customer.code,
                current[evaluation.customer_id] or "-",
                evaluation.proposed_class,
                *("-" if value is None else str(value) for value in evaluation.scores.values()),
                str(evaluation.total_score),
            ]
            for evaluation in run.evaluations
        ]
        headers = ["customer", "class", "proposed", "revenue", "profit", "payment", "industry", "total"]
        self.stdout.write(table(headers, rows, numeric_from=3))
        for proposal in proposals:
            outcome = (
                f"sent for approval as {proposal.approval_number}" if proposal.approval_number else "applied"
            )
            self.stdout.write(
                f"{proposal.customer_code}: class {proposal.from_class or '-'} → "
                f"{proposal.to_class} {outcome}"
            )

    def _check(self, options):
        customer = _customer(options["customer"])
        as_of = iso_date(options["as_of"]) if options["as_of"] else timezone.localdate()
        if options["prepaid"]:
            self.stderr.write(
                "warning: --prepaid is deprecated and ignored; a class D order passes when money "
                "on account (payments not yet allocated) covers it"
            )
        result = credit_check(customer=customer, amount=_decimal(options["amount"]), as_of=as_of)
        if options["json"]:
            self.stdout.write(to_json(result.as_dict()))
            return
        data = result.as_dict()
        self.stdout.write(
            f"{customer.code} {customer.name}: {data['result'].upper()} "
            f"for {data['amount']} on {data['as_of']}"
        )
        self.stdout.write(
            f"  limit {data['credit_limit']}, exposure {data['exposure']} "
            f"(receivables {data['open_receivables']} + open orders {data['open_orders']}), "
            f"available {data['available']}"
        )
        for reason in result.reasons:
            self.stdout.write(f"  {reason.code}: {reason.message}")
        for part in result.covered_by:
            self.stdout.write(f"  covered by receipt {part['reference']}: {part['amount']}")

    def _review(self, options):
        result = credit_review(
            as_of=iso_date(options["as_of"]),
            requested_by=_user(options["requested_by"], action="class.propose"),
        )
        if options["json"]:
            self.stdout.write(to_json(result.as_dict()))
            return
        self.stdout.write(
            f"Quarterly review as of {result.as_of}: "
            f"{result.evaluated} customers evaluated for {result.period}"
        )
        for proposal in result.downgrades:
            outcome = proposal.approval_number or "applied"
            self.stdout.write(
                f"  downgrade {proposal.customer_code}: "
                f"{proposal.from_class} → {proposal.to_class} ({outcome})"
            )
        for hold in result.holds:
            self.stdout.write(f"  credit hold {hold['customer_code']}: {hold['overdue_amount']} overdue")

    def _fees(self, options):
        ids = [_customer(options["customer"]).pk] if options["customer"] else None
        as_of = iso_date(options["as_of"])
        if options["charge"]:
            return self._charge(options, as_of, ids)
        customers = overdue_fees(as_of=as_of, customer_ids=ids)
        total = sum((entry.total for entry in customers), Decimal("0.00"))
        if options["json"]:
            self.stdout.write(
                to_json(
                    {
                        "as_of": as_of.isoformat(),
                        "total": f"{total:.2f}",
                        "customers": [entry.as_dict() for entry in customers],
                    }
                )
            )
            return
        rows = [
            [
                entry.customer_code,
                item.invoice_number,
                str(item.days_overdue),
                str(item.functional_balance),
                str(item.fee),
            ]
            for entry in customers
            for item in entry.invoices
        ]
        self.stdout.write(f"Overdue capital-occupation fees as of {as_of}")
        self.stdout.write(table(["customer", "invoice", "days", "balance", "fee"], rows, numeric_from=2))
        for entry in customers:
            self.stdout.write(f"{entry.customer_code}: {entry.total:.2f}")
        self.stdout.write(f"total: {total:.2f}")

    def _statement(self, options):
        customer = _customer(options["customer"])
        market = options["market_equity"]
        statement = financial_statement_record(
            customer=customer,
            statement_date=iso_date(options["date"]),
            kind=options["kind"],
            working_capital=_decimal(options["working_capital"]),
            retained_earnings=_decimal(options["retained_earnings"]),
            ebit=_decimal(options["ebit"]),
            book_equity=_decimal(options["book_equity"]),
            total_liabilities=_decimal(options["total_liabilities"]),
            sales=_decimal(options["sales"]),
            total_assets=_decimal(options["total_assets"]),
            market_equity=None if market is None else _decimal(market),
            entered_by="cli",
        )
        score = statement_score(statement)
        if options["json"]:
            self.stdout.write(
                to_json(
                    {
                        "customer_code": customer.code,
                        "statement_date": statement.statement_date.isoformat(),
                        "kind": statement.kind,
                        **score.as_dict(),
                    }
                )
            )
            return
        self.stdout.write(
            f"{customer.code} {statement.statement_date}: {score.model} = {score.score} ({score.zone})"
        )
        for name, value in score.ratios.items():
            self.stdout.write(f"  {name}: {value}")

    def _charge(self, options, as_of, ids):
        charged_by = options["charged_by"] or getpass.getuser()
        customers = Customer.objects.filter(pk__in=ids) if ids else None
        if customers is None:
            codes = [entry.customer_code for entry in overdue_fees(as_of=as_of)]
            customers = Customer.objects.filter(code__in=codes)
        charges = []
        for customer in customers.order_by("code"):
            charge = overdue_fee_charge(customer=customer, as_of=as_of, charged_by=charged_by)
            if charge is not None:
                charges.append(charge)
        total = sum((charge.amount for charge in charges), Decimal("0.00"))
        if options["json"]:
            payload = {"as_of": as_of.isoformat(), "total": f"{total:.2f}"}
            self.stdout.write(to_json(payload | {"charges": [fee_charge_as_dict(c) for c in charges]}))
            return
        rows = [
            [
                charge.customer.code,
                charge.debit_note.number,
                line.invoice.number,
                str(line.days),
                str(line.amount),
            ]
            for charge in charges
            for line in charge.lines.select_related("invoice")
        ]
        self.stdout.write(f"Overdue fees charged up to {as_of}: {len(charges)} debit notes, {total:.2f}")
        self.stdout.write(table(["customer", "debit note", "invoice", "days", "fee"], rows, numeric_from=3))
