"""Reads of credit management: the credit check, exposure, overdue fees, and what a
customer's credit page and the credit dashboard show (SPEC §5)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from huikuan.accounts.access import access_customers, customer_filter
from huikuan.bills.selectors import bills_exposure_by_customer
from huikuan.core.money import quantize_ratio
from huikuan.core.policy import policy_value
from huikuan.credit import figures
from huikuan.credit.advance import advance_cover
from huikuan.credit.altman import AltmanResult, Statement, altman_score
from huikuan.credit.ceilings import LimitCeiling, ceiling_from
from huikuan.credit.fees import days_overdue, overdue_fee, total_fee
from huikuan.credit.models import (
    ClassChange,
    CreditEvaluation,
    CreditHold,
    CreditLimitApplication,
    FinancialStatement,
    Order,
    TermExtensionRequest,
)
from huikuan.credit.reasons import reason_sentence
from huikuan.ledger.models import CreditClass, Customer, CustomerStatus

ZERO = Decimal("0.00")


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


@dataclass(frozen=True)
class CheckReason:
    code: str  # over_limit, overdue, on_hold, class_d_not_prepaid (not covered by money received)
    message: str
    figures: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "figures": self.figures}


@dataclass
class CreditCheck:
    customer_code: str
    amount: Decimal
    as_of: date
    credit_limit: Decimal
    open_receivables: Decimal
    open_orders: Decimal
    reasons: list[CheckReason] = field(default_factory=list)
    # Acceptance bills received and not yet honoured (commercial ones even endorsed or discounted).
    bills_outstanding: Decimal = ZERO
    # Class D: the receipts whose money on account covers the order [{"reference", "amount"}].
    covered_by: list[dict[str, str]] = field(default_factory=list)

    @property
    def exposure(self) -> Decimal:
        return self.open_receivables + self.bills_outstanding + self.open_orders

    @property
    def passed(self) -> bool:
        return not self.reasons

    def as_dict(self) -> dict[str, Any]:
        return {
            "customer_code": self.customer_code,
            "amount": _money(self.amount),
            "as_of": self.as_of.isoformat(),
            "result": "pass" if self.passed else "blocked",
            "credit_limit": _money(self.credit_limit),
            "open_receivables": _money(self.open_receivables),
            "open_orders": _money(self.open_orders),
            "bills_outstanding": _money(self.bills_outstanding),
            "exposure": _money(self.exposure),
            "available": _money(self.credit_limit - self.exposure),
            "reasons": [reason.as_dict() for reason in self.reasons],
            "covered_by": self.covered_by,
        }


def credit_check(
    *,
    customer: Customer,
    amount: Decimal,
    as_of: date,
    exclude_order_id: int | None = None,
) -> CreditCheck:
    """Whether an order of ``amount`` (functional currency) passes on ``as_of``, with EVERY reason
    it does not (SPEC §5.3): over the limit, overdue beyond the set days, on hold, class D not
    covered by money received in advance (``covered_by`` names the receipts when it is)."""
    ids = [customer.pk]
    receivables = figures.open_receivables_by_customer(as_of=as_of, customer_ids=ids).get(customer.pk, ZERO)
    orders = figures.open_orders_by_customer(
        as_of=as_of, customer_ids=ids, exclude_order_id=exclude_order_id
    ).get(customer.pk, ZERO)
    limit = customer.credit_limit if customer.credit_limit is not None else ZERO
    check = CreditCheck(
        customer_code=customer.code,
        amount=amount,
        as_of=as_of,
        credit_limit=limit,
        open_receivables=receivables,
        open_orders=orders,
        bills_outstanding=bills_exposure_by_customer(as_of=as_of, customer_ids=ids).get(customer.pk, ZERO),
    )
    after = check.exposure + amount
    currency = policy_value("FUNCTIONAL_CURRENCY")

    def reason(code: str, reason_figures: dict[str, Any]) -> CheckReason:
        sentence = reason_sentence(code=code, figures=reason_figures, currency=currency)
        return CheckReason(code, sentence, reason_figures)

    cover = None
    if customer.credit_class == CreditClass.D:
        cover = advance_cover(
            customer=customer, amount=amount, as_of=as_of, exclude_order_id=exclude_order_id
        )
        check.covered_by = cover.parts
    # An order covered by money received is paid before it ships: it adds nothing owed.
    if not check.covered_by and after > limit:
        check.reasons.append(
            reason(
                "over_limit",
                {
                    "credit_limit": _money(limit),
                    "exposure": _money(check.exposure),
                    "amount": _money(amount),
                    "excess": _money(after - limit),
                },
            )
        )
    beyond = policy_value("CREDIT_BLOCK_OVERDUE_DAYS")
    overdue = figures.overdue_beyond_by_customer(as_of=as_of, days=beyond, customer_ids=ids).get(customer.pk)
    if overdue is not None:
        overdue_amount, oldest_due = overdue
        oldest_days = (as_of - oldest_due).days
        check.reasons.append(
            reason(
                "overdue",
                {"overdue_amount": _money(overdue_amount), "beyond_days": beyond, "oldest_days": oldest_days},
            )
        )
    holds = list(CreditHold.objects.filter(customer=customer, lifted_on__isnull=True).order_by("placed_on"))
    # A customer handed to legal (SPEC §6.1: the legal step suspends credit sales) is held too.
    if holds or customer.status in (CustomerStatus.CREDIT_HOLD, CustomerStatus.LEGAL):
        check.reasons.append(
            reason(
                "on_hold",
                {"holds": [{"placed_on": h.placed_on.isoformat(), "reason": h.reason} for h in holds]},
            )
        )
    if cover is not None and not cover.covers:
        check.reasons.append(reason("class_d_not_prepaid", cover.figures()))
    return check


# ---------------------------------------------------------------- overdue fees


@dataclass(frozen=True)
class InvoiceFee:
    invoice_number: str
    due_date: date
    days_overdue: int
    currency: str
    balance: Decimal
    functional_balance: Decimal
    fee: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {
            "invoice_number": self.invoice_number,
            "due_date": self.due_date.isoformat(),
            "days_overdue": self.days_overdue,
            "currency": self.currency,
            "balance": _money(self.balance),
            "functional_balance": _money(self.functional_balance),
            "fee": _money(self.fee),
        }


@dataclass
class CustomerFees:
    customer_code: str
    customer_name: str
    invoices: list[InvoiceFee]

    @property
    def total(self) -> Decimal:
        return total_fee(item.fee for item in self.invoices)

    def as_dict(self) -> dict[str, Any]:
        return {
            "customer_code": self.customer_code,
            "customer_name": self.customer_name,
            "fee": _money(self.total),
            "invoices": [item.as_dict() for item in self.invoices],
        }


def overdue_fees(*, as_of: date, customer_ids: Collection[int] | None = None) -> list[CustomerFees]:
    """The overdue capital-occupation fee (SPEC §5.2) of each overdue invoice at the end of
    ``as_of``, on its balance in the functional currency, and per customer the sum of those fees."""
    rate = policy_value("OVERDUE_FEE_ANNUAL_RATE")
    rows = figures.overdue_invoices(as_of=as_of, customer_ids=customer_ids)
    names = {
        pk: (code, name)
        for pk, code, name in Customer.objects.filter(pk__in={row[0] for row in rows}).values_list(
            "pk", "code", "name"
        )
    }
    by_customer: dict[int, CustomerFees] = {}
    for customer_id, number, due, currency, balance, functional in rows:
        code, name = names[customer_id]
        days = days_overdue(due_date=due, as_of=as_of)
        entry = by_customer.setdefault(customer_id, CustomerFees(code, name, []))
        entry.invoices.append(
            InvoiceFee(
                invoice_number=number,
                due_date=due,
                days_overdue=days,
                currency=currency,
                balance=balance,
                functional_balance=functional,
                fee=overdue_fee(balance=functional, annual_rate=rate, days=days),
            )
        )
    return sorted(by_customer.values(), key=lambda entry: entry.customer_code)


# ---------------------------------------------------------------- scope


def _in_scope(queryset: QuerySet, user, path: str = "customer") -> QuerySet:
    """``queryset`` narrowed to the customers ``user`` may see (SPEC §1)."""
    if customer_filter(user) is None:
        return queryset
    return queryset.filter(**{f"{path}__in": access_customers(user=user)})


def access_orders(*, user) -> QuerySet[Order]:
    return _in_scope(Order.objects.select_related("customer"), user)


def access_evaluations(*, user) -> QuerySet[CreditEvaluation]:
    return _in_scope(CreditEvaluation.objects.select_related("customer"), user)


def access_credit_holds(*, user) -> QuerySet[CreditHold]:
    return _in_scope(CreditHold.objects.select_related("customer"), user)


def access_extension_requests(*, user) -> QuerySet[TermExtensionRequest]:
    return _in_scope(
        TermExtensionRequest.objects.select_related("invoice__customer", "requested_by"),
        user,
        "invoice__customer",
    )


def access_limit_applications(*, user) -> QuerySet[CreditLimitApplication]:
    return _in_scope(CreditLimitApplication.objects.select_related("customer", "requested_by"), user)


def access_statements(*, user) -> QuerySet[FinancialStatement]:
    return _in_scope(FinancialStatement.objects.select_related("customer"), user)


# ---------------------------------------------------------------- pages and API reads


def statement_score(statement: FinancialStatement) -> AltmanResult:
    return altman_score(
        Statement(
            working_capital=statement.working_capital,
            retained_earnings=statement.retained_earnings,
            ebit=statement.ebit,
            book_equity=statement.book_equity,
            total_liabilities=statement.total_liabilities,
            sales=statement.sales,
            total_assets=statement.total_assets,
            market_equity=statement.market_equity,
        ),
        statement.kind,
    )


def evaluations_for(*, customer: Customer) -> QuerySet[CreditEvaluation]:
    """The customer's class history: every evaluation, newest period and version first."""
    return CreditEvaluation.objects.filter(customer=customer).order_by("-period", "-version")


def evaluations_of_period(*, period: str, customers: QuerySet[Customer]) -> list[CreditEvaluation]:
    """The latest evaluation of each customer (of ``customers``) for a period."""
    latest: dict[int, CreditEvaluation] = {}
    rows = (
        CreditEvaluation.objects.filter(period=period, customer__in=customers)
        .select_related("customer")
        .order_by("customer__code", "version")
    )
    for evaluation in rows:
        latest[evaluation.customer_id] = evaluation
    return list(latest.values())


@dataclass
class CreditSummary:
    customer: Customer
    as_of: date
    credit_limit: Decimal | None
    open_receivables: Decimal
    open_orders: Decimal
    overdue_fee: Decimal
    evaluations: list[CreditEvaluation]
    class_changes: list[ClassChange]
    holds: list[CreditHold]
    statement: FinancialStatement | None
    altman: AltmanResult | None
    orders: list[Order]
    extension_requests: list[TermExtensionRequest]
    limit_applications: list[CreditLimitApplication]
    ceiling: LimitCeiling | None = None
    bills_outstanding: Decimal = ZERO

    @property
    def exposure(self) -> Decimal:
        return self.open_receivables + self.bills_outstanding + self.open_orders

    @property
    def available(self) -> Decimal | None:
        return None if self.credit_limit is None else self.credit_limit - self.exposure

    def as_dict(self) -> dict[str, Any]:
        customer = self.customer
        latest = self.evaluations[0] if self.evaluations else None
        return {
            "customer_code": customer.code,
            "customer_name": customer.name,
            "as_of": self.as_of.isoformat(),
            "credit_class": customer.credit_class,
            "status": customer.status,
            "credit_limit": None if self.credit_limit is None else _money(self.credit_limit),
            "open_receivables": _money(self.open_receivables),
            "open_orders": _money(self.open_orders),
            "bills_outstanding": _money(self.bills_outstanding),
            "exposure": _money(self.exposure),
            "available": None if self.available is None else _money(self.available),
            "overdue_fee": _money(self.overdue_fee),
            "latest_evaluation": None if latest is None else evaluation_as_dict(latest),
            "altman": None
            if self.altman is None or self.statement is None
            else {"statement_date": self.statement.statement_date.isoformat(), **self.altman.as_dict()},
            "holds": [hold_as_dict(hold) for hold in self.holds],
            "limit_ceiling": None if self.ceiling is None else self.ceiling.as_dict(),
        }


def evaluation_scores(evaluation: CreditEvaluation) -> dict[str, str | None]:
    """The four scores as text; None for an item with insufficient data."""
    return {item: None if value is None else str(value) for item, value in evaluation.scores.items()}


def evaluation_as_dict(evaluation: CreditEvaluation) -> dict[str, Any]:
    return {
        "period": evaluation.period,
        "version": evaluation.version,
        "scores": evaluation_scores(evaluation),
        "total": str(evaluation.total_score),
        "proposed_class": evaluation.proposed_class,
        "class_at_the_time": evaluation.current_class,
        "notes": evaluation.notes,
        "approval_number": evaluation.approval_number,
    }


def hold_as_dict(hold: CreditHold) -> dict[str, Any]:
    return {
        "id": hold.pk,
        "reason": hold.reason,
        "source": hold.source,
        "placed_on": hold.placed_on.isoformat(),
        "lifted_on": None if hold.lifted_on is None else hold.lifted_on.isoformat(),
        "lift_approval_number": hold.lift_approval_number,
    }


def customer_credit_summary(*, customer: Customer, as_of: date) -> CreditSummary:
    """Everything a customer's credit page shows, in a fixed number of queries."""
    ids = [customer.pk]
    statement = FinancialStatement.objects.filter(customer=customer).order_by("-statement_date").first()
    altman = None if statement is None else statement_score(statement)
    fees = overdue_fees(as_of=as_of, customer_ids=ids)
    return CreditSummary(
        customer=customer,
        as_of=as_of,
        credit_limit=customer.credit_limit,
        open_receivables=figures.open_receivables_by_customer(as_of=as_of, customer_ids=ids).get(
            customer.pk, ZERO
        ),
        open_orders=figures.open_orders_by_customer(as_of=as_of, customer_ids=ids).get(customer.pk, ZERO),
        overdue_fee=fees[0].total if fees else ZERO,
        evaluations=list(evaluations_for(customer=customer)[:24]),
        class_changes=list(ClassChange.objects.filter(customer=customer).select_related("changed_by")),
        holds=list(CreditHold.objects.filter(customer=customer).order_by("-placed_on", "-id")),
        statement=statement,
        altman=altman,
        orders=list(Order.objects.filter(customer=customer).order_by("-order_date", "-id")[:50]),
        extension_requests=list(
            TermExtensionRequest.objects.filter(invoice__customer=customer).select_related("invoice")[:50]
        ),
        limit_applications=list(CreditLimitApplication.objects.filter(customer=customer)[:50]),
        ceiling=None if statement is None else ceiling_from(statement=statement, altman=altman),
        bills_outstanding=bills_exposure_by_customer(as_of=as_of, customer_ids=ids).get(customer.pk, ZERO),
    )


def limit_ceiling(*, customer: Customer) -> LimitCeiling | None:
    """The suggested ceiling of ``customer``'s credit limit, from its latest financial statement."""
    statement = FinancialStatement.objects.filter(customer=customer).order_by("-statement_date").first()
    if statement is None:
        return None
    return ceiling_from(statement=statement, altman=statement_score(statement))


@dataclass
class DashboardRow:
    customer: Customer
    open_receivables: Decimal
    open_orders: Decimal
    bills_outstanding: Decimal = ZERO

    @property
    def exposure(self) -> Decimal:
        return self.open_receivables + self.bills_outstanding + self.open_orders

    @property
    def utilisation(self) -> Decimal | None:
        """Exposure as a share of the limit (1 = at the limit); None without a positive limit."""
        limit = self.customer.credit_limit
        if not limit:
            return None
        return quantize_ratio(self.exposure / limit, Decimal("0.0001"))


@dataclass
class CreditDashboard:
    as_of: date
    customers_by_class: dict[str, int]
    over_limit: list[DashboardRow]
    on_hold: list[Customer]
    blocked_orders: list[Order]


def credit_dashboard(*, as_of: date, customers: QuerySet[Customer], top: int = 20) -> CreditDashboard:
    """The credit dashboard over ``customers`` (the user's scope): customers by class, exposure
    against limit (the most used first), customers on hold and blocked orders."""
    by_class: dict[str, int] = {c: 0 for c in (*CreditClass.values, "")}
    for (credit_class,) in customers.values_list("credit_class"):
        by_class[credit_class] = by_class.get(credit_class, 0) + 1
    # Grouped over the whole ledger in two queries, then narrowed to the scope.
    receivables = figures.open_receivables_by_customer(as_of=as_of)
    orders = figures.open_orders_by_customer(as_of=as_of)
    bills = bills_exposure_by_customer(as_of=as_of)
    ids = set(receivables) | set(orders) | set(bills)
    rows = [
        DashboardRow(
            customer,
            receivables.get(customer.pk, ZERO),
            orders.get(customer.pk, ZERO),
            bills.get(customer.pk, ZERO),
        )
        for customer in customers.filter(pk__in=ids, credit_limit__isnull=False)
    ]
    rows = [row for row in rows if row.utilisation is not None]
    rows.sort(key=lambda row: row.utilisation or 0, reverse=True)
    return CreditDashboard(
        as_of=as_of,
        customers_by_class=by_class,
        over_limit=rows[:top],
        on_hold=list(customers.filter(status=CustomerStatus.CREDIT_HOLD).order_by("code")[:top]),
        blocked_orders=list(
            Order.objects.filter(customer__in=customers, check_status="blocked")
            .select_related("customer")
            .order_by("-order_date")[:top]
        ),
    )


def quarter_last_month(as_of: date) -> str:
    """The last month of the latest quarter that ended on or before ``as_of`` (YYYY-MM)."""
    quarter_end_month = ((as_of.month - 1) // 3 + 1) * 3
    if quarter_end_month != as_of.month or (as_of + timedelta(days=1)).month == as_of.month:
        quarter_end_month -= 3
    year = as_of.year
    if quarter_end_month <= 0:
        quarter_end_month += 12
        year -= 1
    return f"{year:04d}-{quarter_end_month:02d}"
