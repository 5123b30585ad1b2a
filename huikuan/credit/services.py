"""Writes of credit management (SPEC §5). Each service is one transaction, validates before
its first save, and is recorded in the audit trail by the models' auditlog registration.
Decisions that need an approval are in ``huikuan.credit.flows``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.db import transaction
from django.utils import timezone

from huikuan.core.audit import audit_bulk_changes
from huikuan.core.errors import RuleViolation
from huikuan.core.policy import policy_value, policy_values
from huikuan.credit import figures
from huikuan.credit.altman import Statement, altman_score
from huikuan.credit.benchmarks import benchmarks_by_department
from huikuan.credit.market import confirmed_industry, confirmed_revenue
from huikuan.credit.models import (
    ClassChange,
    CreditEvaluation,
    CreditHold,
    FinancialStatement,
)
from huikuan.credit.notices import customer_notice_enqueue
from huikuan.credit.orders import order_check as order_check
from huikuan.credit.orders import order_create as order_create
from huikuan.credit.orders import order_release as order_release
from huikuan.credit.orders import orders_recheck_enqueue
from huikuan.credit.orders import shipment_approval_number as shipment_approval_number
from huikuan.credit.price_approvals import SYSTEM_USERNAME as SYSTEM_USERNAME
from huikuan.credit.price_approvals import system_user as system_user
from huikuan.credit.scoring import NOTE_INSUFFICIENT, MonthInputs, ScoreRules, Scores, score_month
from huikuan.ledger.models import CreditClass, Customer, CustomerStatus
from huikuan.ledger.services import granted_term_days

# ---------------------------------------------------------------- monthly classification


def period_bounds(period: str) -> tuple[date, date]:
    """``"2026-03"`` → (2026-03-01, 2026-03-31); a clear error for anything else."""
    try:
        if len(period) != 7 or period[4] != "-":
            raise ValueError
        first = date(int(period[:4]), int(period[5:]), 1)
    except ValueError:
        raise RuleViolation(f"not a period in the form YYYY-MM: {period!r}") from None
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def previous_period(period: str) -> str:
    first, _ = period_bounds(period)
    return (first - timedelta(days=1)).strftime("%Y-%m")


def score_rules() -> ScoreRules:
    rules = policy_values()
    return ScoreRules(
        maxima=rules["CREDIT_SCORE_MAXIMA"],
        thresholds=rules["CREDIT_CLASS_THRESHOLDS"],
        revenue_share_base=rules["CREDIT_REVENUE_SHARE_BASE"],
        revenue_factor=rules["CREDIT_REVENUE_FACTOR"],
        benchmark_margin=rules["CREDIT_BENCHMARK_MARGIN"],
        payment_target_rate=rules["CREDIT_PAYMENT_TARGET_RATE"],
        industry_points=rules["CREDIT_INDUSTRY_POINTS"],
        benchmark_by_department=benchmarks_by_department(rules["CREDIT_BENCHMARK_MARGIN_BY_DEPARTMENT"]),
    )


# What an evaluation is computed from (stored with it, shown by the API).
EVALUATION_INPUTS = (
    "customer_revenue",
    "department",
    "department_revenue",
    "weighted_margin",
    "benchmark_margin",
    "receipts",
    "overdue_at_start",
    "falling_due",
    "collection_rate",
    "industry_position",
)
# The fields that make two evaluations of a month the same evaluation.
_COMPARED = (
    *EVALUATION_INPUTS,
    "revenue_score",
    "profitability_score",
    "payment_score",
    "industry_score",
    "total_score",
    "proposed_class",
    "notes",
)


@dataclass
class EvaluationRun:
    period: str
    evaluations: list[CreditEvaluation] = field(default_factory=list)
    created: int = 0
    unchanged: int = 0


def _latest_by_customer(period: str, fields: tuple[str, ...]) -> dict[int, dict]:
    """The latest version of each customer's evaluation of ``period``, as plain values.

    Plain values, not model instances: at 10,000 customers building instances costs seconds.
    """
    latest: dict[int, dict] = {}
    rows = (
        CreditEvaluation.objects.filter(period=period)
        .order_by("customer_id", "version")
        .values("customer_id", *fields)
    )
    for row in rows:
        latest[row["customer_id"]] = row
    return latest


_SCORE_FIELDS = ("revenue_score", "profitability_score", "payment_score", "industry_score")
_KEPT_FIELDS = ("id", "version", "current_class", "approval_number", "evaluated_by", "created_at")


@transaction.atomic
def credit_evaluate(*, period: str, evaluated_by: str = "") -> EvaluationRun:
    """Score every customer (not closed) for ``period`` (SPEC §5.1) and store the result.

    Figures come from a handful of grouped queries over the ledger, whatever the number of
    customers. A customer whose inputs and scores equal the period's latest evaluation keeps
    it; otherwise a new version is added and the earlier ones stay as history.
    """
    first, last = period_bounds(period)
    rules = score_rules()
    customers = list(
        Customer.objects.exclude(status=CustomerStatus.CLOSED)
        .order_by("code")
        .only("id", "code", "department", "industry_position", "credit_class")
    )
    revenue = figures.revenue_by_customer(first_day=first, last_day=last)
    receipts = figures.receipts_by_customer(first_day=first, last_day=last)
    collectible = figures.collectible_by_customer(first_day=first, last_day=last)
    department_revenue: dict[str, Decimal] = {}
    department_of = dict(Customer.objects.values_list("id", "department"))
    for customer_id, (amount, _, _) in revenue.items():
        department = department_of.get(customer_id, "")
        department_revenue[department] = department_revenue.get(department, Decimal(0)) + amount
    industry = confirmed_industry(on=last)
    market_revenue = confirmed_revenue(period=period)
    previous = _latest_by_customer(previous_period(period), _SCORE_FIELDS)
    existing = _latest_by_customer(period, (*_COMPARED, *_KEPT_FIELDS))
    zero = Decimal("0.00")
    run = EvaluationRun(period=period)
    new_rows: list[CreditEvaluation] = []
    for customer in customers:
        customer_revenue, margin_revenue, margin_weighted = revenue.get(customer.id, (zero, zero, zero))
        overdue, due = collectible.get(customer.id, (zero, zero))
        revenue_confirmed = market_revenue is None or customer.id in market_revenue
        if market_revenue is not None and revenue_confirmed:
            customer_revenue = market_revenue[customer.id]
        inputs = MonthInputs(
            customer_revenue=customer_revenue,
            department_revenue=department_revenue.get(customer.department, zero),
            margin_revenue=margin_revenue,
            margin_weighted=margin_weighted,
            receipts=receipts.get(customer.id, zero),
            overdue_at_start=overdue,
            falling_due=due,
            industry_position=industry.get(customer.id),
            department=customer.department,
            revenue_confirmed=revenue_confirmed,
        )
        before = previous.get(customer.id)
        last_scores = (
            None
            if before is None
            else Scores(
                revenue=before["revenue_score"],
                profitability=before["profitability_score"],
                payment=before["payment_score"],
                industry=before["industry_score"],
            )
        )
        month = score_month(inputs, previous=last_scores, rules=rules, current_class=customer.credit_class)
        candidate = CreditEvaluation(
            customer=customer,
            period=period,
            customer_revenue=inputs.customer_revenue,
            department=customer.department,
            department_revenue=inputs.department_revenue,
            weighted_margin=inputs.weighted_margin,
            benchmark_margin=rules.benchmark_for(customer.department),
            receipts=inputs.receipts,
            overdue_at_start=inputs.overdue_at_start,
            falling_due=inputs.falling_due,
            collection_rate=inputs.collection_rate,
            industry_position=industry.get(customer.id, ""),
            revenue_score=month.scores.revenue,
            profitability_score=month.scores.profitability,
            payment_score=month.scores.payment,
            industry_score=month.scores.industry,
            total_score=month.total,
            proposed_class=month.proposed_class,
            current_class=customer.credit_class,
            notes=month.notes,
            evaluated_by=evaluated_by,
        )
        latest = existing.get(customer.id)
        if latest is not None and all(latest[name] == getattr(candidate, name) for name in _COMPARED):
            # The stored evaluation, unchanged: its own id, version and bookkeeping.
            candidate.pk = latest["id"]
            candidate._state.adding = False
            for name in _KEPT_FIELDS[1:]:
                setattr(candidate, name, latest[name])
            run.evaluations.append(candidate)
            run.unchanged += 1
            continue
        candidate.version = 1 if latest is None else latest["version"] + 1
        new_rows.append(candidate)
        run.evaluations.append(candidate)
    CreditEvaluation.objects.bulk_create(new_rows, batch_size=2000)
    run.created = len(new_rows)
    return run


def _term_after(customer: Customer, to_class: str, by_class: dict[str, int], granted: int = 0) -> int | None:
    """The customer's own term once its class is ``to_class`` (seed 002: terms follow the
    class). Without an own term it keeps following the class. An own term equal to the old
    class's becomes the new class's; one beyond the new class's plus the extension days granted
    becomes that ceiling; a shorter one is kept."""
    own = customer.term_days
    if own is None or to_class not in by_class:
        return own
    if own == by_class.get(customer.credit_class):
        return by_class[to_class]
    return min(own, by_class[to_class] + granted)


class _DryRun(Exception):
    """Rolls a dry run's evaluation back."""


def class_distribution(*, period: str) -> dict:
    """What ``credit_evaluate`` would produce for ``period``, without storing anything: the
    customers by class now and by proposed class, how many would change class, and how many
    keep theirs for insufficient data (a first evaluation without the history of an item)."""
    from collections import Counter

    summary: dict = {}
    try:
        with transaction.atomic():
            run = credit_evaluate(period=period, evaluated_by="dry-run")
            classes = dict(Customer.objects.values_list("id", "credit_class"))
            now = Counter(classes.get(e.customer_id, "") for e in run.evaluations)
            proposed = Counter(e.proposed_class for e in run.evaluations)
            summary = {
                "period": period,
                "dry_run": True,
                "customers": len(run.evaluations),
                "current": dict(sorted(now.items())),
                "proposed": dict(sorted(proposed.items())),
                "changes": sum(e.proposed_class != classes.get(e.customer_id, "") for e in run.evaluations),
                "insufficient": sum(NOTE_INSUFFICIENT in (e.notes or []) for e in run.evaluations),
            }
            raise _DryRun
    except _DryRun:
        pass
    return summary


@transaction.atomic
def customer_class_change(
    *,
    customer: Customer,
    to_class: str,
    source: str,
    evaluation: CreditEvaluation | None = None,
    approval_number: str = "",
    actor=None,
    on: date | None = None,
) -> ClassChange | None:
    """Set a customer's credit class and record the change (from, to, evaluation, approval, who).

    The customer's terms change with its class; its blocked orders are checked again (queued),
    and the customer is told of its new class and terms (a notice queued in its language).
    Nothing is recorded when the customer already has that class.
    """
    if to_class not in CreditClass.values:
        raise RuleViolation(f"not a credit class: {to_class!r}")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.credit_class == to_class:
        return None
    on = on or timezone.localdate()
    by_class = policy_value("TERM_DAYS_BY_CLASS")
    term_before = (
        customer.term_days if customer.term_days is not None else by_class.get(customer.credit_class)
    )
    change = ClassChange.objects.create(
        customer=customer,
        from_class=customer.credit_class,
        to_class=to_class,
        evaluation=evaluation,
        approval_number=approval_number,
        source=source,
        changed_by=actor,
    )
    granted = granted_term_days(customer_ids=[customer.pk], on=on).get(customer.pk, 0)
    customer.term_days = _term_after(customer, to_class, by_class, granted)
    customer.credit_class = to_class
    customer.save(update_fields=["credit_class", "term_days"])
    term_now = customer.term_days if customer.term_days is not None else by_class.get(to_class)
    orders_recheck_enqueue(customer_ids=[customer.pk], on=on, reason="class_change")
    customer_notice_enqueue(
        customer=customer,
        notice="class_change",
        reference=f"class_change:{change.pk}",
        on=on,
        facts={
            "from_class": change.from_class,
            "to_class": to_class,
            "term_days_before": "" if term_before is None else str(term_before),
            "term_days": str(term_now or ""),  # empty for none: cash before delivery
            "approval_number": approval_number,
        },
    )
    return change


# ---------------------------------------------------------------- credit holds


@transaction.atomic
def customer_hold_place(*, customer: Customer, reason: str, source: str, on: date, actor=None) -> CreditHold:
    """Put a customer on credit hold (暂停发货): orders are blocked until the hold is lifted.
    :func:`customers_hold_place` for one customer; returns the hold in force from ``source``
    (the one placed now, or the one already in force: idempotent per source)."""
    customers_hold_place(customer_ids=[customer.pk], reason=reason, source=source, on=on, actor=actor)
    return CreditHold.objects.get(customer_id=customer.pk, source=source, lifted_on__isnull=True)


@transaction.atomic
def customers_hold_place(*, customer_ids: list[int], reason: str, source: str, on: date, actor=None) -> int:
    """Put customers on credit hold (暂停发货), one or many at once (the dunning run's legal
    step on the first day may hold tens of thousands). How many holds were placed.

    Idempotent per source: a customer with a hold from the same source in force gets no
    other. An active customer's status becomes ``credit_hold`` (one already with legal or
    closed keeps its status). The customers are locked first (in id order), so a concurrent
    placement for one of them waits and then finds this hold. The new holds and the status
    changes are in the audit trail, written in bulk, with ``actor`` and the interface's
    audit context (who, from where) as for any audited change.
    """
    if not reason.strip():
        raise RuleViolation("a credit hold needs its reason")
    if not source.strip():
        raise RuleViolation("a credit hold needs its source")
    wanted = sorted(set(customer_ids))
    customers: dict[int, tuple[str, str]] = {}
    for start in range(0, len(wanted), 900):
        for pk, code, name, status in (
            Customer.objects.select_for_update()
            .filter(pk__in=wanted[start : start + 900])
            .order_by("pk")
            .values_list("pk", "code", "name", "status")
        ):
            customers[pk] = (f"{code} {name}", status)
    in_force = CreditHold.objects.filter(source=source, lifted_on__isnull=True)
    held = set(
        (in_force.filter(customer_id__in=wanted) if len(wanted) <= 900 else in_force).values_list(
            "customer_id", flat=True
        )
    )
    new = [pk for pk in wanted if pk in customers and pk not in held]
    if not new:
        return 0
    placed_by = actor if actor is not None and actor.is_authenticated else None
    holds = CreditHold.objects.bulk_create(
        [
            CreditHold(customer_id=pk, reason=reason, source=source, placed_on=on, placed_by=placed_by)
            for pk in new
        ],
        batch_size=2000,
    )
    active = CustomerStatus.ACTIVE.value
    suspended = [pk for pk in new if customers[pk][1] == active]
    for start in range(0, len(suspended), 900):
        Customer.objects.filter(pk__in=suspended[start : start + 900]).update(
            status=CustomerStatus.CREDIT_HOLD
        )
    audit_bulk_changes(
        model=CreditHold,
        changes=[(hold.pk, str(hold), model_instance_diff(None, hold)) for hold in holds],
        source=source,
        actor=placed_by,
        action=LogEntry.Action.CREATE,
    )
    audit_bulk_changes(
        model=Customer,
        changes=[
            (pk, customers[pk][0], {"status": [active, CustomerStatus.CREDIT_HOLD.value]}) for pk in suspended
        ],
        source=source,
        actor=placed_by,
    )
    return len(new)


@transaction.atomic
def customer_hold_lift(*, hold: CreditHold, on: date, approval_number: str, actor=None) -> CreditHold:
    """Lift a hold (after its approval); with no other hold in force the customer is active
    again and its blocked orders are checked again (queued)."""
    hold = CreditHold.objects.select_for_update().get(pk=hold.pk)
    if hold.lifted_on is not None:
        raise RuleViolation(f"this hold was already lifted on {hold.lifted_on}")
    hold.lifted_on = on
    hold.lift_approval_number = approval_number
    hold.lifted_by = actor
    hold.save(update_fields=["lifted_on", "lift_approval_number", "lifted_by"])
    customer = Customer.objects.select_for_update().get(pk=hold.customer_id)
    others = CreditHold.objects.filter(customer=customer, lifted_on__isnull=True).exists()
    if not others and customer.status == CustomerStatus.CREDIT_HOLD:
        customer.status = CustomerStatus.ACTIVE
        customer.save(update_fields=["status"])
    if not others:
        orders_recheck_enqueue(customer_ids=[customer.pk], on=on, reason="hold_lift")
    return hold


# ---------------------------------------------------------------- financial statements


@transaction.atomic
def financial_statement_record(
    *,
    customer: Customer,
    statement_date: date,
    kind: str,
    working_capital: Decimal,
    retained_earnings: Decimal,
    ebit: Decimal,
    book_equity: Decimal,
    total_liabilities: Decimal,
    sales: Decimal,
    total_assets: Decimal,
    market_equity: Decimal | None = None,
    currency: str = "",
    entered_by: str = "",
) -> FinancialStatement:
    """Enter (or correct) a customer's statement on a date; refused if its Z-score cannot be computed."""
    figures_given = Statement(
        working_capital=working_capital,
        retained_earnings=retained_earnings,
        ebit=ebit,
        book_equity=book_equity,
        total_liabilities=total_liabilities,
        sales=sales,
        total_assets=total_assets,
        market_equity=market_equity,
    )
    try:
        altman_score(figures_given, kind)
    except ValueError as error:
        raise RuleViolation(str(error)) from None
    values = {
        "kind": kind,
        "currency": currency or customer.currency or policy_value("FUNCTIONAL_CURRENCY"),
        "working_capital": working_capital,
        "retained_earnings": retained_earnings,
        "ebit": ebit,
        "book_equity": book_equity,
        "market_equity": market_equity,
        "total_liabilities": total_liabilities,
        "sales": sales,
        "total_assets": total_assets,
        "entered_by": entered_by,
    }
    statement = FinancialStatement.objects.filter(customer=customer, statement_date=statement_date).first()
    if statement is None:
        statement = FinancialStatement(customer=customer, statement_date=statement_date, **values)
        statement.full_clean()
        statement.save()
        return statement
    changed = [name for name, value in values.items() if getattr(statement, name) != value]
    for name in changed:
        setattr(statement, name, values[name])
    if changed:
        statement.full_clean()
        statement.save(update_fields=changed)
    return statement
