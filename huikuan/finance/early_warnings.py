"""The early-warning rules (预警): which customers (and invoices) meet each rule on a day.

Each rule reads its figures where they are kept — exposure from the credit figures, broken
promises from collections, overdue days from the open invoices, the Altman zone from the
credit app's scoring of the latest statement, class changes and payment scores from the
credit evaluations — and its threshold from the business settings. A rule returns
:class:`Candidate` rows; ``subject_key`` names the event or period a warning is about, so
the same warning is never raised twice (see :func:`huikuan.finance.services.warnings_run`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from huikuan.bills.selectors import bills_exposure_by_customer
from huikuan.collections.models import PromiseStatus, PromiseToPay
from huikuan.core.policy import policy_value
from huikuan.credit import figures
from huikuan.credit.altman import DISTRESS
from huikuan.credit.models import ClassChange, CreditEvaluation, FinancialStatement
from huikuan.credit.scoring import is_below
from huikuan.credit.selectors import statement_score
from huikuan.finance.models import WarningRule
from huikuan.ledger.models import Customer

ZERO = Decimal("0")


@dataclass(frozen=True)
class Candidate:
    rule: str
    customer_id: int
    subject_key: str
    figures: dict[str, Any] = field(default_factory=dict)
    invoice_id: int | None = None


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _lookback() -> int:
    return max(1, int(policy_value("WARNING_EVENT_LOOKBACK_DAYS")))


def credit_usage(as_of: date) -> list[Candidate]:
    """Exposure (open receivables + acceptance bills at risk + open orders, as the credit check
    counts it) ≥ the set share of the limit; once a month per customer while it lasts."""
    share = policy_value("WARNING_CREDIT_USAGE")
    limits = dict(Customer.objects.filter(credit_limit__gt=0).values_list("pk", "credit_limit"))
    if not limits:
        return []
    ids = list(limits)
    receivables = figures.open_receivables_by_customer(as_of=as_of, customer_ids=ids)
    orders = figures.open_orders_by_customer(as_of=as_of, customer_ids=ids)
    bills = bills_exposure_by_customer(as_of=as_of, customer_ids=ids)
    found = []
    for customer_id, limit in sorted(limits.items()):
        exposure = (
            receivables.get(customer_id, ZERO) + bills.get(customer_id, ZERO) + orders.get(customer_id, ZERO)
        )
        usage = exposure / limit
        if usage >= share:
            found.append(
                Candidate(
                    WarningRule.CREDIT_USAGE,
                    customer_id,
                    f"month:{as_of:%Y-%m}",
                    {
                        "exposure": _money(exposure),
                        "credit_limit": _money(limit),
                        "usage_percent": f"{usage * 100:.1f}",
                        "threshold_percent": f"{share * 100:.0f}",
                    },
                )
            )
    return found


def broken_promise(as_of: date) -> list[Candidate]:
    """A promise to pay found broken (by the promises job) within the last days."""
    promises = PromiseToPay.objects.filter(
        status=PromiseStatus.BROKEN,
        resolved_on__lte=as_of,
        resolved_on__gt=as_of - timedelta(days=_lookback()),
    ).order_by("pk")
    return [
        Candidate(
            WarningRule.BROKEN_PROMISE,
            promise.customer_id,
            f"promise:{promise.pk}",
            {
                "amount": _money(promise.amount),
                "currency": promise.currency,
                "promised_date": promise.promised_date.isoformat(),
                "paid": _money(promise.paid_amount),
            },
        )
        for promise in promises
    ]


def newly_overdue(as_of: date) -> list[Candidate]:
    """An open invoice that crossed the set days overdue (more than N days past due) lately."""
    days = int(policy_value("WARNING_OVERDUE_DAYS"))
    rows = figures.open_invoices_due_between(
        as_of=as_of,
        first_due=as_of - timedelta(days=days + _lookback()),
        last_due=as_of - timedelta(days=days + 1),
    )
    return [
        Candidate(
            WarningRule.NEWLY_OVERDUE,
            customer_id,
            f"invoice:{invoice_id}",
            {
                "invoice": number,
                "due_date": due.isoformat(),
                "days_overdue": (as_of - due).days,
                "threshold_days": days,
                "balance": _money(balance),
            },
            invoice_id,
        )
        for customer_id, invoice_id, number, due, balance in rows
    ]


def large_due_soon(as_of: date) -> list[Candidate]:
    """A large open invoice of a customer of the set classes (C, D) falling due within N days."""
    classes = [c for c in str(policy_value("WARNING_DUE_SOON_CLASSES")).upper() if c.strip()]
    customers = list(Customer.objects.filter(credit_class__in=classes).values_list("pk", flat=True))
    if not customers:
        return []
    amount = policy_value("WARNING_LARGE_INVOICE_AMOUNT")
    within = int(policy_value("WARNING_DUE_SOON_DAYS"))
    rows = figures.open_invoices_due_between(
        as_of=as_of, first_due=as_of, last_due=as_of + timedelta(days=within), customer_ids=customers
    )
    return [
        Candidate(
            WarningRule.LARGE_DUE_SOON,
            customer_id,
            f"invoice:{invoice_id}",
            {
                "invoice": number,
                "due_date": due.isoformat(),
                "balance": _money(balance),
                "within_days": within,
            },
            invoice_id,
        )
        for customer_id, invoice_id, number, due, balance in rows
        if balance >= amount
    ]


def altman_distress(as_of: date) -> list[Candidate]:
    """The customer's latest financial statement (to ``as_of``) scores in the distress zone."""
    latest: dict[int, FinancialStatement] = {}
    for statement in FinancialStatement.objects.filter(statement_date__lte=as_of).order_by("statement_date"):
        latest[statement.customer_id] = statement
    found = []
    for customer_id, statement in sorted(latest.items()):
        result = statement_score(statement)
        if result.zone == DISTRESS:
            found.append(
                Candidate(
                    WarningRule.ALTMAN_DISTRESS,
                    customer_id,
                    f"statement:{statement.pk}",
                    {"z_score": str(result.score), "statement_date": statement.statement_date.isoformat()},
                )
            )
    return found


def class_downgrade(as_of: date) -> list[Candidate]:
    """A change of class to a worse one, applied within the last days."""
    first = as_of - timedelta(days=_lookback() - 1)
    changes = ClassChange.objects.filter(changed_at__date__gte=first, changed_at__date__lte=as_of).order_by(
        "pk"
    )
    return [
        Candidate(
            WarningRule.CLASS_DOWNGRADE,
            change.customer_id,
            f"change:{change.pk}",
            {"from_class": change.from_class or "-", "to_class": change.to_class},
        )
        for change in changes
        if change.from_class and is_below(change.to_class, change.from_class)
    ]


def _month_before(day: date) -> str:
    return (day.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


def payment_worsening(as_of: date) -> list[Candidate]:
    """The payment score of the month just ended fell by at least the set points from the month
    before (the latest evaluation of each month)."""
    drop = policy_value("WARNING_PAYMENT_SCORE_DROP")
    period = _month_before(as_of)
    before = _month_before(date.fromisoformat(f"{period}-01"))
    scores: dict[tuple[int, str], Decimal] = {}
    rows = CreditEvaluation.objects.filter(period__in=(period, before)).order_by("version")
    for customer_id, month, score in rows.values_list("customer_id", "period", "payment_score"):
        scores[(customer_id, month)] = score
    found = []
    for (customer_id, month), score in sorted(scores.items()):
        previous = scores.get((customer_id, before))
        if month != period or previous is None or score is None or previous - score < drop:
            continue
        found.append(
            Candidate(
                WarningRule.PAYMENT_WORSENING,
                customer_id,
                f"period:{period}",
                {"period": period, "payment_score": str(score), "previous_score": str(previous)},
            )
        )
    return found


RULES: dict[str, Callable[[date], list[Candidate]]] = {
    WarningRule.CREDIT_USAGE: credit_usage,
    WarningRule.BROKEN_PROMISE: broken_promise,
    WarningRule.NEWLY_OVERDUE: newly_overdue,
    WarningRule.LARGE_DUE_SOON: large_due_soon,
    WarningRule.ALTMAN_DISTRESS: altman_distress,
    WarningRule.CLASS_DOWNGRADE: class_downgrade,
    WarningRule.PAYMENT_WORSENING: payment_worsening,
}


def candidates(as_of: date) -> list[Candidate]:
    """Every rule's candidates on ``as_of``, rule by rule."""
    return [found for rule in RULES.values() for found in rule(as_of)]
