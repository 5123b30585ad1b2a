"""The dunning run's reads: the policies, the customers, what pauses an invoice, and the
open invoices with the last step taken for each, in plain SQL over the open-invoice index
(the hot path: no per-row ORM)."""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from datetime import date

from django.db import connection

from huikuan.collections.agencies import invoices_with_agency
from huikuan.collections.ladder import Ladder, LadderStep
from huikuan.collections.models import (
    DunningClaim,
    DunningPolicy,
    PaymentPlan,
    PlanStatus,
    PromiseStatus,
    PromiseToPay,
)
from huikuan.collections.run.plan import CustomerRow, Pauses, Policy, Step
from huikuan.collections.selectors import disputed_amounts, payment_history
from huikuan.collections.services import policies_install
from huikuan.core.errors import RuleViolation
from huikuan.core.money import to_minor_units
from huikuan.ledger.balances import STILL_OPEN


def day_for_db(day: date) -> date | str:
    """A date as the raw SQL of this database takes it."""
    return day if connection.vendor == "postgresql" else day.isoformat()


def policies_read() -> tuple[list[Policy], Policy]:
    """Active policies by priority, and the default one. A database without any policy (new,
    or emptied) gets the default ladder first; deactivated policies are left alone."""
    if not DunningPolicy.objects.exists():
        policies_install()
    loaded: list[Policy] = []
    default = None
    for policy in DunningPolicy.objects.filter(active=True).prefetch_related("steps").order_by("priority"):
        steps = {
            s.code: Step(
                s.code,
                s.sequence,
                s.day_offset,
                tuple(s.channels),
                s.owner_role,
                s.credit_hold,
                s.case_to_legal,
                s.write_off_review,
                s.anchor,
            )
            for s in policy.steps.all()
        }
        if not steps:
            continue
        item = Policy(
            policy.code,
            frozenset(policy.credit_classes),
            frozenset(policy.risk_segments),
            Ladder([LadderStep(s.code, s.sequence, s.day_offset, s.anchor) for s in steps.values()]),
            steps,
        )
        loaded.append(item)
        if policy.is_default:
            default = item
    if default is None:
        raise RuleViolation("no active default dunning policy with steps: install the default ladder")
    return loaded, default


def pauses_read(run_date: date, rules: dict) -> Pauses:
    """What pauses invoices on ``run_date``, and the customers' payment history (their risk
    segments); the history and the disputed amount are the collections selectors' own (one
    definition each)."""
    planned = set(
        PaymentPlan.objects.filter(status=PlanStatus.ACTIVE, starts_on__lte=run_date).values_list(
            "customer_id", flat=True
        )
    )
    disputed = {invoice_id: to_minor_units(amount) for invoice_id, amount in disputed_amounts().items()}
    promised_customers: set[int] = set()
    open_promises = PromiseToPay.objects.filter(status=PromiseStatus.OPEN, made_on__lte=run_date)
    covered = set(
        PromiseToPay.invoices.through.objects.filter(promisetopay__in=open_promises).values_list(
            "promisetopay_id", "invoice_id"
        )
    )
    with_invoices = {promise_id for promise_id, _ in covered}
    promised_invoices = {invoice_id for _, invoice_id in covered}
    for promise_id, customer_id in open_promises.values_list("id", "customer_id"):
        if promise_id not in with_invoices:
            promised_customers.add(customer_id)
    return Pauses(
        planned=planned,
        disputed=disputed,
        promised_invoices=promised_invoices,
        promised_customers=promised_customers,
        history=payment_history(as_of=run_date, rules=rules),
        with_agency=invoices_with_agency(),
    )


def customers_read() -> dict[int, CustomerRow]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, code, credit_class, salesperson, collector, status FROM {quote('ledger_customer')}"
        )
        return {row[0]: row[1:] for row in cursor.fetchall()}


def open_invoice_rows(run_date: date) -> Iterator[tuple]:
    """(id, customer_id, number, days past due, days since the invoice date, days since the
    shipment date (the invoice date when none is known), disputed, open minor units, last
    sequence taken) of the invoices open at the end of ``run_date``, by customer.

    Two reads merged by customer: the invoices open now (all of them on a normal day), and,
    when ``run_date`` is past, those closed since (few); each in one statement whose plan
    reads its own index (one statement with both lets SQLite scan the whole table).
    """
    quote = connection.ops.quote_name
    invoice = quote("ledger_invoice")
    claim = quote(DunningClaim._meta.db_table)
    day = day_for_db(run_date)
    if connection.vendor == "postgresql":
        since = "(%s::date - {})".format
    else:
        since = "CAST(julianday(%s) - julianday({}) AS INTEGER)".format
    days = ", ".join(
        (since("i.due_date"), since("i.invoice_date"), since("COALESCE(i.shipment_date, i.invoice_date)"))
    )
    last_taken = f"(SELECT MAX(c.sequence) FROM {claim} c WHERE c.invoice_id = i.id)"
    open_now = (
        f"SELECT i.id, i.customer_id, i.number, {days}, i.disputed, i.amount - i.applied_amount, "
        f"{last_taken} FROM {invoice} i WHERE i.open_span = %s AND i.invoice_date <= %s "
        f"ORDER BY i.customer_id"
    )
    closed_since = (
        f"SELECT i.id, i.customer_id, i.number, {days}, i.disputed, i.amount, "
        f"{last_taken} FROM {invoice} i WHERE i.open_span < %s AND i.invoice_date <= %s AND i.closed_on > %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(closed_since, [day, day, day, STILL_OPEN, day, day])
        reopened = sorted(cursor.fetchall(), key=lambda row: row[1])
    with connection.cursor() as cursor:
        cursor.execute(open_now, [day, day, day, STILL_OPEN, day])

        def batches() -> Iterator[tuple]:
            while rows := cursor.fetchmany(50_000):
                yield from rows

        yield from heapq.merge(batches(), reopened, key=lambda row: row[1])
