"""The daily dunning run (SPEC §6.2).

    dunning_run(*, date: date, dry_run: bool = False) -> RunResult
    dunning_run_enqueue(*, date: date, started_by: str = "") -> int   # "run now": queued

For every open invoice of every customer not closed: the customer's risk segment (from its
class and payment history as of ``date``, never from the days overdue the ladder escalates
on) picks its policy; the invoice's days past its due date, invoice date and shipment date
pick the step it has reached; a step beyond every step already taken for the invoice is
claimed (one ``DunningClaim`` per invoice and step code, inserted conditionally so that
re-runs and parallel runs never take a step twice). Then, per customer and step, ONE
``DunningAction`` per channel lists all the invoices at that step; phone actions are the
collector's call tasks; legal-step actions carry the credit-hold decision. Deliveries
(emails, letters) happen after commit in ``huikuan.collections.delivery``.

Paused (not escalated, SPEC §6.1): invoices flagged disputed in the ledger or with open
disputes covering their open balance (a partly disputed invoice is dunned for the
undisputed rest, as SPEC §13's SME regulation requires); invoices under an open promise
to pay (one not yet kept or broken; a promise naming no invoices covers all the
customer's); every invoice of a customer with an active payment plan; invoices handed to a
collection agency (``huikuan.collections.agencies``) while they are with it. A legal step
(one that sends the case to legal) opens the customer's legal case, or adds its invoices
to the case open (``huikuan.collections.legal``), in the run's transaction.

The modules along its seams: ``plan`` (the decisions, pure: the ladder's own step rule),
``sql`` (the reads, plain SQL over the open-invoice index: no per-row ORM on the hot path)
and ``writes`` (claims, actions, penalties, holds). This module runs them in order.
"""

from __future__ import annotations

import secrets
from datetime import date

from django.db import transaction
from django.utils import timezone

from huikuan.collections.delivery import deliveries_enqueue, outbox_queue
from huikuan.collections.legal import legal_cases_open_for_run
from huikuan.collections.models import DunningRun
from huikuan.collections.run.plan import PlannedAction, Planner, RunResult, actions_plan
from huikuan.collections.run.sql import (
    customers_read,
    day_for_db,
    open_invoice_rows,
    pauses_read,
    policies_read,
)
from huikuan.collections.run.writes import (
    HOLD_REASON,
    actions_insert,
    claims_insert,
    claims_ours,
    holds_place,
    holds_record,
)
from huikuan.collections.services import plans_evaluate, promises_evaluate
from huikuan.core.audit import audit_context
from huikuan.core.policy import policy_values
from huikuan.core.tasks import task_enqueue

__all__ = [
    "HOLD_REASON",
    "RUN_TASK",
    "PlannedAction",
    "RunResult",
    "after_run",
    "dunning_run",
    "dunning_run_enqueue",
    "dunning_run_queued",
    "holds_place",
]


def dunning_run(*, date: date, dry_run: bool = False, after_commit: bool = True) -> RunResult:
    """Decide and take today's dunning steps; see the module docstring. Idempotent by date.

    ``after_commit=False`` leaves what :func:`after_run` does after the commit (the holds, the
    delivery of the queued emails and letters) to the caller: the demo company places the
    holds itself and leaves its emails in the outbox, so that loading it renders nothing."""
    run_date = date
    rules = policy_values()
    if not dry_run:
        promises_evaluate(as_of=run_date)
        plans_evaluate(as_of=run_date)
    policies, default = policies_read()
    customers = customers_read()
    token = secrets.randbits(62)
    result = RunResult(date=run_date, dry_run=dry_run, token=token)
    planner = Planner(
        policies=policies,
        default=default,
        customers=customers,
        pauses=pauses_read(run_date, rules),
        rules=rules,
        claim_day=day_for_db(run_date),
        result=result,
    )
    planner.feed(open_invoice_rows(run_date))
    stepped, claims = planner.stepped, planner.claims

    if dry_run:
        result.already_ran = DunningRun.objects.filter(run_date=run_date).exists()
        result.invoices_stepped = len(claims)
        result.actions, _rows, _holds = actions_plan(
            stepped, policies, customers, rules, None, day_for_db(run_date)
        )
        return result

    with transaction.atomic():
        run, created = DunningRun.objects.get_or_create(
            run_date=run_date, defaults={"started_at": timezone.now()}
        )
        result.already_ran = not created
        inserted = claims_insert(claims)
        if inserted != len(claims):
            # Another run took some of these steps first: keep only our own claims.
            ours = claims_ours(token)
            stepped = {
                key: kept
                for key, numbers in stepped.items()
                if (kept := [number for number in numbers if (number, key[2]) in ours])
            }
        result.invoices_stepped = inserted
        result.actions, rows, holds = actions_plan(
            stepped, policies, customers, rules, run.pk, day_for_db(run_date)
        )
        actions_insert(rows, token)
        if holds:
            holds_record(holds, run_date, token)
        legal_cases_open_for_run(token=token, run_date=run_date)
        outbox_queue(token=token)
        DunningRun.objects.filter(pk=run.pk).update(
            finished_at=timezone.now(),
            invocations=run.invocations + 1,
            invoices_considered=result.invoices_considered,
            invoices_stepped=result.invoices_stepped,
            invoices_paused=result.invoices_paused,
            actions_created=len(rows),
        )
        if after_commit:
            transaction.on_commit(lambda: after_run(run_date=run_date))
    return result


def after_run(*, run_date: date) -> None:
    """What a run does after its commit: enqueue the holds (any not yet carried out) and the
    date's deliveries not yet done, in chunks (``huikuan.core.tasks``: Celery workers, the
    in-process scheduler's worker, or this process when it is a command). Both are
    idempotent, so a run stopped halfway is resumed by running the date again."""
    task_enqueue(func="huikuan.collections.run.holds_place", run_date=run_date)
    deliveries_enqueue(run_date=run_date)


RUN_TASK = "huikuan.collections.run.dunning_run_queued"


def dunning_run_enqueue(*, date: date, started_by: str = "") -> int:
    """The web and API "run now": the run for ``date`` is queued and done by a worker (Celery,
    or the in-process scheduler's worker), never in the request. The task's id."""
    return task_enqueue(
        func=RUN_TASK, kwargs={"run_date": date.isoformat(), "started_by": started_by}, run_date=date
    ).pk


def dunning_run_queued(*, run_date: str, started_by: str = "") -> dict:
    """The queued run (see :func:`dunning_run_enqueue`); its figures."""
    with audit_context(source=f"queued:{started_by}" if started_by else "queued"):
        result = dunning_run(date=date.fromisoformat(run_date))
    return {"actions": len(result.actions), "invoices_stepped": result.invoices_stepped}
