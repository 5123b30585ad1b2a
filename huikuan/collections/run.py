"""The daily dunning run (SPEC §6.2).

    dunning_run(*, date: date, dry_run: bool = False) -> RunResult
    dunning_run_enqueue(*, date: date, started_by: str = "") -> int   # "run now": queued

For every open invoice of every customer not closed: the customer's risk segment (from its
class and payment behaviour as of ``date``) picks its policy; the invoice's days past due
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
customer's); every invoice of a customer with an active payment plan.

The hot path is plain SQL over the open-invoice index and bulk inserts: no per-row ORM.
"""

from __future__ import annotations

import heapq
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from huikuan.collections.ladder import Ladder, LadderStep
from huikuan.collections.models import (
    DisputeStatus,
    DunningAction,
    DunningClaim,
    DunningPolicy,
    DunningRun,
    Penalty,
    PenaltyKind,
    PlanStatus,
    PromiseStatus,
)
from huikuan.collections.segments import risk_segment
from huikuan.core.audit import audit_context
from huikuan.core.errors import RuleViolation
from huikuan.core.fields import to_minor_units
from huikuan.core.policy import policy_values
from huikuan.core.tasks import task_enqueue
from huikuan.ledger.balances import STILL_OPEN
from huikuan.ledger.bulk import bulk_insert_rows
from huikuan.ledger.models import CustomerStatus


class PlannedAction(NamedTuple):
    customer_code: str
    step: str
    channel: str
    invoice_numbers: tuple[str, ...]
    assigned_to: str

    def as_dict(self) -> dict:
        return {
            "customer_code": self.customer_code,
            "step": self.step,
            "channel": self.channel,
            "invoice_numbers": list(self.invoice_numbers),
            "assigned_to": self.assigned_to,
        }


@dataclass
class RunResult:
    date: date
    dry_run: bool
    actions: list[PlannedAction] = field(default_factory=list)
    invoices_considered: int = 0
    invoices_stepped: int = 0
    invoices_paused: int = 0
    token: int = 0
    # A run for this date had already been taken before this one (or, for a dry run, before
    # now): its steps are not taken again, so an empty list of actions is no surprise.
    already_ran: bool = False

    def as_dict(self) -> dict:
        return {
            "date": self.date.isoformat(),
            "dry_run": self.dry_run,
            "already_ran": self.already_ran,
            "invoices_considered": self.invoices_considered,
            "invoices_stepped": self.invoices_stepped,
            "invoices_paused": self.invoices_paused,
            "actions_count": len(self.actions),
            "actions": [action.as_dict() for action in self.actions],
        }


@dataclass(frozen=True)
class _Step:
    code: str
    sequence: int
    day_offset: int
    channels: tuple[str, ...]
    owner_role: str
    credit_hold: bool
    case_to_legal: bool
    write_off_review: bool


@dataclass
class _Policy:
    code: str
    classes: frozenset[str]
    segments: frozenset[str]
    ladder: Ladder
    steps: dict[str, _Step]
    # The step reached at each day past due from the first offset to the last (the hot path's
    # lookup instead of a search): ``table[min(days, last) - first]``.
    first: int = 0
    last: int = 0
    table: tuple = ()

    def __post_init__(self) -> None:
        offsets = [step.day_offset for step in self.ladder.steps]
        self.first, self.last = min(offsets), max(offsets)
        self.table = tuple(
            self.steps[self.ladder.reached(days).code] for days in range(self.first, self.last + 1)
        )


def _policies() -> tuple[list[_Policy], _Policy]:
    """Active policies by priority, and the default one. A database without any policy (new,
    or emptied) gets the default ladder first; deactivated policies are left alone."""
    if not DunningPolicy.objects.exists():
        from huikuan.collections.services import policies_install

        policies_install()
    loaded: list[_Policy] = []
    default = None
    for policy in DunningPolicy.objects.filter(active=True).prefetch_related("steps").order_by("priority"):
        steps = {
            s.code: _Step(
                s.code,
                s.sequence,
                s.day_offset,
                tuple(s.channels),
                s.owner_role,
                s.credit_hold,
                s.case_to_legal,
                s.write_off_review,
            )
            for s in policy.steps.all()
        }
        if not steps:
            continue
        item = _Policy(
            policy.code,
            frozenset(policy.credit_classes),
            frozenset(policy.risk_segments),
            Ladder([LadderStep(s.code, s.sequence, s.day_offset) for s in steps.values()]),
            steps,
        )
        loaded.append(item)
        if policy.is_default:
            default = item
    if default is None:
        raise RuleViolation("no active default dunning policy with steps: install the default ladder")
    return loaded, default


def policy_for(policies: list[_Policy], default: _Policy, credit_class: str, segment: str) -> _Policy:
    for policy in policies:
        if credit_class in policy.classes or segment in policy.segments:
            return policy
    return default


def _pauses(run_date: date) -> tuple[set[int], dict[int, int], set[int], set[int]]:
    """(customers with an active plan, disputed minor units by invoice, invoices under an open
    promise, customers under an open promise naming no invoice)."""
    from huikuan.collections.models import Dispute, PaymentPlan, PromiseToPay

    planned = set(
        PaymentPlan.objects.filter(status=PlanStatus.ACTIVE, starts_on__lte=run_date).values_list(
            "customer_id", flat=True
        )
    )
    disputed: dict[int, int] = defaultdict(int)
    for invoice_id, amount in Dispute.objects.filter(status=DisputeStatus.OPEN).values_list(
        "invoice_id", "amount"
    ):
        disputed[invoice_id] += to_minor_units(amount)
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
    return planned, disputed, promised_invoices, promised_customers


def _open_invoice_rows(run_date: date):
    """(id, customer_id, number, days past due, disputed, open minor units, last sequence taken)
    of the invoices open at the end of ``run_date``, by customer.

    Two reads merged by customer: the invoices open now (all of them on a normal day), and,
    when ``run_date`` is past, those closed since (few); each in one statement whose plan
    reads its own index (one statement with both lets SQLite scan the whole table).
    """
    quote = connection.ops.quote_name
    invoice = quote("ledger_invoice")
    claim = quote(DunningClaim._meta.db_table)
    if connection.vendor == "postgresql":
        day, days_past_due = run_date, "(%s::date - i.due_date)"
    else:
        day, days_past_due = run_date.isoformat(), "CAST(julianday(%s) - julianday(i.due_date) AS INTEGER)"
    last_taken = f"(SELECT MAX(c.sequence) FROM {claim} c WHERE c.invoice_id = i.id)"
    open_now = (
        f"SELECT i.id, i.customer_id, i.number, {days_past_due}, i.disputed, i.amount - i.applied_amount, "
        f"{last_taken} FROM {invoice} i WHERE i.open_span = %s AND i.invoice_date <= %s "
        f"ORDER BY i.customer_id"
    )
    closed_since = (
        f"SELECT i.id, i.customer_id, i.number, {days_past_due}, i.disputed, i.amount, "
        f"{last_taken} FROM {invoice} i WHERE i.open_span < %s AND i.invoice_date <= %s AND i.closed_on > %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(closed_since, [day, STILL_OPEN, day, day])
        reopened = sorted(cursor.fetchall(), key=lambda row: row[1])
    with connection.cursor() as cursor:
        cursor.execute(open_now, [day, STILL_OPEN, day])

        def batches():
            while rows := cursor.fetchmany(50_000):
                yield from rows

        yield from heapq.merge(batches(), reopened, key=lambda row: row[1])


def _customers() -> dict[int, tuple]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, code, credit_class, salesperson, collector, status FROM {quote('ledger_customer')}"
        )
        return {row[0]: row[1:] for row in cursor.fetchall()}


def _assignee(owner_role: str, salesperson: str, collector: str, rules: dict) -> str:
    team = rules["COLLECTIONS_TEAM_ASSIGNEE"]
    if owner_role == "legal":
        return rules["COLLECTIONS_LEGAL_ASSIGNEE"]
    if owner_role == "salesperson":
        return salesperson or collector or team
    return collector or team


def dunning_run(*, date: date, dry_run: bool = False, after_commit: bool = True) -> RunResult:
    """Decide and take today's dunning steps; see the module docstring. Idempotent by date.

    ``after_commit=False`` leaves what :func:`after_run` does after the commit (the holds, the
    delivery of the queued emails and letters) to the caller: the demo company places the
    holds itself and leaves its emails in the outbox, so that loading it renders nothing."""
    run_date = date
    rules = policy_values()
    if not dry_run:
        from huikuan.collections.services import plans_evaluate, promises_evaluate

        promises_evaluate(as_of=run_date)
        plans_evaluate(as_of=run_date)
    policies, default = _policies()
    customers = _customers()
    planned, disputed, promised_invoices, promised_customers = _pauses(run_date)
    broken_recently = _broken_recently(run_date, rules["COLLECTIONS_BROKEN_PROMISE_LOOKBACK_DAYS"])
    premium_days = rules["COLLECTIONS_PREMIUM_MAX_DAYS_OVERDUE"]
    high_risk_days = rules["COLLECTIONS_HIGH_RISK_DAYS_OVERDUE"]
    closed = CustomerStatus.CLOSED.value
    token = secrets.randbits(62)
    result = RunResult(date=run_date, dry_run=dry_run, token=token)

    # (customer_id, policy code, step code) → the numbers of the invoices taking that step
    stepped: dict[tuple[int, str, str], list[str]] = defaultdict(list)
    claim_day = run_date if connection.vendor == "postgresql" else run_date.isoformat()
    claims: list[tuple] = []

    def decide(customer_id: int, rows: list) -> None:
        customer = customers.get(customer_id)
        if customer is None or customer[4] == closed:
            return
        result.invoices_considered += len(rows)
        segment = risk_segment(
            credit_class=customer[1] or "",
            max_days_overdue=max(max(row[3] for row in rows), 0),
            broken_promise_recently=customer_id in broken_recently,
            premium_max_days_overdue=premium_days,
            high_risk_days_overdue=high_risk_days,
        )
        policy = policy_for(policies, default, customer[1] or "", segment)
        first, last, table, code = policy.first, policy.last, policy.table, policy.code
        whole_customer_paused = customer_id in planned or customer_id in promised_customers
        for invoice_id, _customer, number, days_past_due, flagged, open_minor, last_taken in rows:
            if days_past_due < first:
                continue
            step = table[(days_past_due if days_past_due < last else last) - first]
            if last_taken is not None and step.sequence <= last_taken:
                continue
            if (
                whole_customer_paused
                or flagged
                or invoice_id in promised_invoices
                or (invoice_id in disputed and disputed[invoice_id] >= open_minor)
            ):
                result.invoices_paused += 1
                continue
            stepped[(customer_id, code, step.code)].append(number)
            claims.append((invoice_id, step.code, step.sequence, customer_id, claim_day, token))

    current, batch = None, []
    for row in _open_invoice_rows(run_date):
        if row[1] != current:
            if batch:
                decide(current, batch)
            current, batch = row[1], []
        batch.append(row)
    if batch:
        decide(current, batch)

    if dry_run:
        result.already_ran = DunningRun.objects.filter(run_date=run_date).exists()
        result.invoices_stepped = len(claims)
        result.actions, _rows, _holds = _actions(stepped, policies, customers, rules, None, run_date)
        return result

    with transaction.atomic():
        run, created = DunningRun.objects.get_or_create(
            run_date=run_date, defaults={"started_at": timezone.now()}
        )
        result.already_ran = not created
        inserted = _claims_insert(claims)
        if inserted != len(claims):
            # Another run took some of these steps first: keep only our own claims.
            ours = set(DunningClaim.objects.filter(token=token).values_list("invoice__number", "step_code"))
            stepped = {
                key: kept
                for key, numbers in stepped.items()
                if (kept := [number for number in numbers if (number, key[2]) in ours])
            }
        result.invoices_stepped = inserted
        result.actions, rows, holds = _actions(stepped, policies, customers, rules, run.pk, run_date)
        bulk_insert_rows(
            DunningAction, ACTION_COLUMNS, rows, prepared=True, constants=("open", "", "", "", token)
        )
        if holds:
            _holds_record(holds, run_date, token)
        # Delivery renders documents (WeasyPrint): imported when a run commits, not before.
        from huikuan.collections.delivery import outbox_queue

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


ACTION_COLUMNS = [
    "customer",
    "run",
    "action_date",
    "policy_code",
    "step_code",
    "channel",
    "assigned_to",
    "invoice_numbers",
    "credit_hold",
    "case_to_legal",
    "write_off_review",
    "status",
    "outcome",
    "completed_by",
    "delivery_note",
    "token",
]


def _actions(stepped, policies, customers, rules, run_id, run_date: date):
    """The planned actions (sorted for people), the action rows ready for the database, and
    the customers put on hold. ONE action per customer, step and channel."""
    by_code = {policy.code: policy for policy in policies}
    day = run_date if connection.vendor == "postgresql" else run_date.isoformat()
    planned, rows, holds = [], [], []
    for (customer_id, policy_code, step_code), numbers in sorted(
        stepped.items(), key=lambda item: (customers[item[0][0]][0], item[0][2])
    ):
        step = by_code[policy_code].steps[step_code]
        code, _class, salesperson, collector, _status = customers[customer_id]
        numbers = tuple(sorted(numbers))
        joined = "\n".join(numbers)
        assigned_to = _assignee(step.owner_role, salesperson, collector, rules)
        for channel in step.channels:
            planned.append(PlannedAction(code, step_code, channel, numbers, assigned_to))
            rows.append(
                (
                    customer_id,
                    run_id,
                    day,
                    policy_code,
                    step_code,
                    channel,
                    assigned_to,
                    joined,
                    step.credit_hold,
                    step.case_to_legal,
                    step.write_off_review,
                )
            )
        if step.credit_hold:
            holds.append(customer_id)
    return planned, rows, holds


def _broken_recently(run_date: date, lookback_days: int) -> set[int]:
    from huikuan.collections.models import PromiseToPay

    return set(
        PromiseToPay.objects.filter(
            status=PromiseStatus.BROKEN,
            resolved_on__lte=run_date,
            resolved_on__gt=run_date - timedelta(days=lookback_days),
        ).values_list("customer_id", flat=True)
    )


def _claims_insert(claims: list[tuple]) -> int:
    """Insert the claims (rows ready for the database) that do not exist yet; how many were."""
    if not claims:
        return 0
    table = connection.ops.quote_name(DunningClaim._meta.db_table)
    columns = "invoice_id, step_code, sequence, customer_id, run_date, token"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE TEMPORARY TABLE dunning_claim_new ON COMMIT DROP AS "
                f"SELECT {columns} FROM {table} WITH NO DATA"
            )
            with cursor.copy(f"COPY dunning_claim_new ({columns}) FROM STDIN") as copy:
                for claim in claims:
                    copy.write_row(claim)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM dunning_claim_new "
                f"ON CONFLICT (invoice_id, step_code) DO NOTHING"
            )
            inserted = cursor.rowcount
            cursor.execute("DROP TABLE dunning_claim_new")
            return inserted
        before = connection.connection.total_changes
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s) "
            f"ON CONFLICT (invoice_id, step_code) DO NOTHING",
            claims,
        )
        return connection.connection.total_changes - before


def _holds_record(customer_ids: list[int], run_date: date, token: int) -> None:
    """The legal step suspends credit sales (SPEC §5.3): a penalty on the step's action, in the
    run's transaction. The hold itself is placed after commit by :func:`holds_place`."""
    actions: dict[int, int] = {}
    # The penalty points at the letter where there is one (the formal demand), else any action.
    for customer_id, action_id, channel in (
        DunningAction.objects.filter(token=token, credit_hold=True)
        .order_by("customer_id", "id")
        .values_list("customer_id", "id", "channel")
    ):
        if customer_id not in actions or channel == "letter":
            actions[customer_id] = action_id
    day = run_date if connection.vendor == "postgresql" else run_date.isoformat()
    bulk_insert_rows(
        Penalty,
        [
            "customer",
            "action",
            "kind",
            "decided_on",
            "decided_by",
            "reason",
            "proposed_class",
            "carried_out",
            "created_at",
        ],
        [(customer_id, actions.get(customer_id)) for customer_id in sorted(set(customer_ids))],
        prepared=True,
        constants=(
            PenaltyKind.CREDIT_HOLD.value,
            day,
            "dunning",
            HOLD_REASON,
            "",
            False,
            connection.ops.adapt_datetimefield_value(timezone.now()),
        ),
    )


# Stored in English on the penalty and the hold (gettext_noop marks it); pages translate it.
HOLD_REASON = gettext_noop("legal step of the dunning ladder")


def holds_place() -> int:
    """Carry out the credit holds the runs decided (legal-step penalties not yet carried out)
    through credit's ``customers_hold_place`` (source "dunning", idempotent per source) for every
    customer not closed; one already on hold or in legal keeps its status. How many placed."""
    from huikuan.credit.services import customers_hold_place

    placed = 0
    pending: dict[date, list[tuple[int, int]]] = defaultdict(list)
    for penalty_id, customer_id, decided_on, status in (
        Penalty.objects.filter(kind=PenaltyKind.CREDIT_HOLD, decided_by="dunning", carried_out=False)
        .order_by("customer_id", "id")
        .values_list("id", "customer_id", "decided_on", "customer__status")
    ):
        # Every customer not closed gets the hold record; customers_hold_place changes the
        # status of active ones only (one already on hold or in legal keeps its status).
        pending[decided_on].append((penalty_id, customer_id if status != CustomerStatus.CLOSED else None))
    for decided_on, penalties in sorted(pending.items()):
        with transaction.atomic():
            placed += customers_hold_place(
                customer_ids=[customer_id for _, customer_id in penalties if customer_id is not None],
                reason=HOLD_REASON,
                source="dunning",
                on=decided_on,
            )
            ids = [penalty_id for penalty_id, _ in penalties]
            for start in range(0, len(ids), 900):
                Penalty.objects.filter(pk__in=ids[start : start + 900]).update(carried_out=True)
    return placed


def after_run(*, run_date: date) -> None:
    """What a run does after its commit: enqueue the holds (any not yet carried out) and the
    date's deliveries not yet done, in chunks (``huikuan.core.tasks``: Celery workers, the
    in-process scheduler's worker, or this process when it is a command). Both are
    idempotent, so a run stopped halfway is resumed by running the date again."""
    from huikuan.collections.delivery import deliveries_enqueue

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
