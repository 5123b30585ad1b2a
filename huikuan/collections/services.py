"""The collector's tools (SPEC §6.3): writes. Each service is one transaction and validates first.

    policies_install() -> int
    activity_log(*, customer, kind, occurred_on, user, outcome="", note="", invoices=(), action=None)
        -> Activity
    promise_make(*, customer, promised_date, amount, made_on, made_by, invoices=(), activity=None)
        -> PromiseToPay
    promises_evaluate(*, as_of) -> dict[str, int]          # {"kept": n, "broken": m}
    plan_create(*, customer, starts_on, instalments: [(date, Decimal)], created_by, invoices=(), note="")
        -> PaymentPlan
    plans_evaluate(*, as_of) -> dict[str, int]             # {"completed": n, "broken": m}
    dispute_open(*, invoice, amount, reason_code, owner, opened_on, opened_by, description="") -> Dispute
    dispute_resolve(*, dispute, resolution, root_cause, resolved_on) -> Dispute
    overdue_reason_set(*, customer, code, noted_on, noted_by, note="") -> OverdueReason
    penalty_apply(*, customer, kind, decided_on, decided_by, reason, proposed_class="") -> Penalty
    task_complete(*, task, user, outcome, note="", promise=None, on=None) -> Activity
    call_log(*, user, outcome, task=None, customer=None, kind="call", note="", promised_date=None,
             amount=None, invoice="", reason_code="", on=None) -> Activity
    dunning_policy_update(*, policy, name, credit_classes, risk_segments, priority, active)
        -> DunningPolicy
    dunning_step_update(*, step, **fields) -> DunningStep      # fields: STEP_FIELDS

``call_log`` is the collector's one click, from the raw input of a form or an API request:
it decides what the outcome needs (a promise: its date and amount; a dispute: its amount
and reason, on the invoice named or the task's first) and refuses an incomplete one naming
the missing fields, then completes the task (``task_complete``) with the promise or the
dispute in the same transaction. The policy editors validate before the first save: a
ladder whose offsets decrease along its sequence is refused, as the daily run would refuse it.

``user`` arguments are usernames (strings) or users. Promise and plan payments are the
customer's receipts (``ledger.Payment``) dated from the promise/plan on, whether
allocated yet or not; foreign-currency receipts count in their own currency only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from huikuan.collections.ladder import Ladder, LadderStep, default_policies
from huikuan.collections.models import (
    ActionStatus,
    Activity,
    ActivityKind,
    Anchor,
    CallOutcome,
    Channel,
    Dispute,
    DisputeReason,
    DisputeStatus,
    DunningAction,
    DunningPolicy,
    DunningStep,
    OverdueReason,
    OverdueReasonCode,
    OwnerRole,
    PaymentPlan,
    Penalty,
    PenaltyKind,
    PlanInstalment,
    PlanStatus,
    PromiseStatus,
    PromiseToPay,
)
from huikuan.collections.segments import SEGMENTS
from huikuan.collections.selectors import customer_invoice, promise_duplicate
from huikuan.core.errors import ApplicationError, RuleViolation
from huikuan.core.money import is_whole_cents
from huikuan.credit.flows import class_downgrade_request
from huikuan.credit.services import customer_hold_place, system_user
from huikuan.ledger.models import CreditClass, Customer, Invoice, Payment


def _requester(decided_by):
    """The user who files a request for ``decided_by`` (a user, or a username; the system
    account when no such user exists)."""
    if not isinstance(decided_by, str):
        return decided_by
    return get_user_model().objects.filter(username=decided_by).first() or system_user()


def _username(user) -> str:
    name = user if isinstance(user, str) else user.get_username()
    if not name:
        raise RuleViolation("who did it? a username is required")
    return name


def _amount(amount: Decimal, what: str) -> Decimal:
    if not isinstance(amount, Decimal):
        raise RuleViolation(f"{what} must be a Decimal, got {type(amount).__name__}")
    if amount <= 0:
        raise RuleViolation(f"{what} must be positive, got {amount}")
    if not is_whole_cents(amount):
        raise RuleViolation(f"{what} {amount} has more than 2 decimal places")
    return amount


def _own_invoices(customer: Customer, invoices: Iterable[Invoice]) -> list[Invoice]:
    invoices = list(invoices)
    for invoice in invoices:
        if invoice.customer_id != customer.pk:
            raise RuleViolation(f"invoice {invoice.number} is not customer {customer.code}'s")
    return invoices


@transaction.atomic
def policies_install() -> int:
    """Install the default policies and ladder (SPEC §6.1) where missing; existing policies
    and steps, maybe edited by a credit manager, are left as they are. Returns steps created."""
    created = 0
    for spec in default_policies():
        policy, _ = DunningPolicy.objects.get_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "credit_classes": spec["credit_classes"],
                "risk_segments": spec["risk_segments"],
                "priority": spec["priority"],
                "is_default": spec["is_default"]
                and not DunningPolicy.objects.filter(is_default=True).exists(),
            },
        )
        for step in spec["steps"]:
            _, made = DunningStep.objects.get_or_create(
                policy=policy,
                code=step["code"],
                defaults={
                    "name_zh": step["name_zh"],
                    "name_en": step["name_en"],
                    "sequence": step["sequence"],
                    "anchor": step.get("anchor", "due"),
                    "day_offset": step["day_offset"],
                    "channels": step["channels"],
                    "owner_role": step["owner_role"],
                    "email_template": step["email_template"],
                    "letter_template": step["letter_template"],
                    "attach_statement": step.get("attach_statement", False),
                    "credit_hold": step.get("credit_hold", False),
                    "case_to_legal": step.get("case_to_legal", False),
                    "litigation_decision": step.get("litigation_decision", False),
                    "write_off_review": step.get("write_off_review", False),
                },
            )
            created += made
    return created


@transaction.atomic
def activity_log(
    *,
    customer: Customer,
    kind: str,
    occurred_on: date,
    user,
    outcome: str = "",
    note: str = "",
    invoices: Iterable[Invoice] = (),
    action: DunningAction | None = None,
) -> Activity:
    """Record a call, email, visit, letter or note about a customer."""
    if kind not in ActivityKind.values:
        raise RuleViolation(f"unknown activity kind {kind!r}; one of {', '.join(ActivityKind.values)}")
    if kind == ActivityKind.CALL and outcome and outcome not in CallOutcome.values:
        raise RuleViolation(f"unknown call outcome {outcome!r}; one of {', '.join(CallOutcome.values)}")
    invoices = _own_invoices(customer, invoices)
    activity = Activity.objects.create(
        customer=customer,
        kind=kind,
        outcome=outcome,
        occurred_on=occurred_on,
        user=_username(user),
        note=note,
        action=action,
    )
    if invoices:
        activity.invoices.set(invoices)
    return activity


@transaction.atomic
def promise_make(
    *,
    customer: Customer,
    promised_date: date,
    amount: Decimal,
    made_on: date,
    made_by,
    invoices: Iterable[Invoice] = (),
    activity: Activity | None = None,
) -> PromiseToPay:
    """The customer promises to pay ``amount`` by ``promised_date``; its invoices pause meanwhile.
    The same promise (an open one of the same amount by the same date) is kept once: recording
    it again returns the first (callers warn with ``promise_duplicate`` beforehand)."""
    _amount(amount, "promised amount")
    if promised_date < made_on:
        raise RuleViolation(f"a promise made on {made_on} cannot fall due before it ({promised_date})")
    existing = promise_duplicate(customer=customer, amount=amount, promised_date=promised_date)
    if existing is not None:
        return existing
    invoices = _own_invoices(customer, invoices)
    currencies = {invoice.currency for invoice in invoices} or {customer.currency}
    if len(currencies) > 1:
        raise RuleViolation("a promise covers invoices of one currency")
    promise = PromiseToPay.objects.create(
        customer=customer,
        made_on=made_on,
        promised_date=promised_date,
        amount=amount,
        currency=currencies.pop(),
        made_by=_username(made_by),
        activity=activity,
    )
    if invoices:
        promise.invoices.set(invoices)
    return promise


def _paid_between(customer_id: int, currency: str, start: date, end: date) -> Decimal:
    total = Payment.objects.filter(
        customer_id=customer_id, currency=currency, payment_date__gte=start, payment_date__lte=end
    ).aggregate(total=Sum("amount"))["total"]
    return total or Decimal(0)


@transaction.atomic
def promises_evaluate(*, as_of: date) -> dict[str, int]:
    """Mark open promises kept (payments since the promise was made reach its amount by its
    date) or broken (its date has passed, ``as_of`` after it, without). Idempotent."""
    counts = {"kept": 0, "broken": 0}
    for promise in PromiseToPay.objects.select_for_update().filter(
        status=PromiseStatus.OPEN, made_on__lte=as_of
    ):
        end = min(as_of, promise.promised_date)
        paid = _paid_between(promise.customer_id, promise.currency, promise.made_on, end)
        if paid >= promise.amount:
            promise.status, promise.resolved_on = PromiseStatus.KEPT, _date_reached(promise, paid)
        elif as_of > promise.promised_date:
            promise.status, promise.resolved_on = PromiseStatus.BROKEN, promise.promised_date + _ONE_DAY
        else:
            if promise.paid_amount != paid:
                promise.paid_amount = paid
                promise.save(update_fields=["paid_amount"])
            continue
        promise.paid_amount = paid
        promise.save(update_fields=["status", "resolved_on", "paid_amount"])
        counts[promise.status] += 1
    return counts


def _date_reached(promise: PromiseToPay, paid: Decimal) -> date:
    """The day the payments since the promise first reached its amount."""
    running = Decimal(0)
    for payment_date, amount in (
        Payment.objects.filter(
            customer_id=promise.customer_id,
            currency=promise.currency,
            payment_date__gte=promise.made_on,
            payment_date__lte=promise.promised_date,
        )
        .order_by("payment_date", "id")
        .values_list("payment_date", "amount")
    ):
        running += amount
        if running >= promise.amount:
            return payment_date
    return promise.promised_date


@transaction.atomic
def plan_create(
    *,
    customer: Customer,
    starts_on: date,
    instalments: Sequence[tuple[date, Decimal]],
    created_by,
    invoices: Iterable[Invoice] = (),
    note: str = "",
) -> PaymentPlan:
    """Agree instalments with a customer; the ladder pauses for it while the plan is active."""
    if not instalments:
        raise RuleViolation("a payment plan needs at least one instalment")
    for due_date, amount in instalments:
        _amount(amount, "instalment")
        if due_date < starts_on:
            raise RuleViolation(f"instalment due {due_date} falls before the plan starts ({starts_on})")
    dates = [due for due, _ in instalments]
    if len(set(dates)) != len(dates):
        raise RuleViolation("two instalments on the same day: make them one")
    if PaymentPlan.objects.filter(customer=customer, status=PlanStatus.ACTIVE).exists():
        raise RuleViolation(f"customer {customer.code} already has an active payment plan")
    invoices = _own_invoices(customer, invoices)
    plan = PaymentPlan.objects.create(
        customer=customer,
        starts_on=starts_on,
        currency=customer.currency,
        created_by=_username(created_by),
        note=note,
    )
    PlanInstalment.objects.bulk_create(
        PlanInstalment(plan=plan, due_date=due, amount=amount) for due, amount in sorted(instalments)
    )
    if invoices:
        plan.invoices.set(invoices)
    return plan


@transaction.atomic
def plans_evaluate(*, as_of: date) -> dict[str, int]:
    """For each active plan, payments since its start cover its instalments in date order; an
    instalment due before ``as_of`` and not covered breaks the plan; all covered completes it."""
    counts = {"completed": 0, "broken": 0}
    for plan in PaymentPlan.objects.select_for_update().filter(
        status=PlanStatus.ACTIVE, starts_on__lte=as_of
    ):
        payments = list(
            Payment.objects.filter(
                customer_id=plan.customer_id,
                currency=plan.currency,
                payment_date__gte=plan.starts_on,
                payment_date__lte=as_of,
            )
            .order_by("payment_date", "id")
            .values_list("payment_date", "amount")
        )
        outcome = _plan_outcome(list(plan.instalments.all()), payments, as_of)
        if outcome is not None:
            plan.status, plan.resolved_on = outcome
            plan.save(update_fields=["status", "resolved_on"])
            counts[plan.status] += 1
    return counts


def _plan_outcome(
    instalments: list[PlanInstalment], payments: list[tuple[date, Decimal]], as_of: date
) -> tuple[str, date] | None:
    """Cover the instalments in date order with the payments; sets each one's ``paid_on``.
    (broken, day after the missed due date), (completed, last paid day), or None: still active."""
    needed, running, position = Decimal(0), Decimal(0), 0
    covered_on: date | None = None
    for instalment in instalments:
        needed += instalment.amount
        while running < needed and position < len(payments):
            covered_on, amount = payments[position]
            running += amount
            position += 1
        if running >= needed and covered_on is not None and covered_on <= instalment.due_date:
            if instalment.paid_on != covered_on:
                instalment.paid_on = covered_on
                instalment.save(update_fields=["paid_on"])
            continue
        if as_of > instalment.due_date:
            return PlanStatus.BROKEN, instalment.due_date + _ONE_DAY
        return None
    return PlanStatus.COMPLETED, covered_on or as_of


@transaction.atomic
def dispute_open(
    *,
    invoice: Invoice,
    amount: Decimal,
    reason_code: str,
    owner,
    opened_on: date,
    opened_by,
    description: str = "",
) -> Dispute:
    """The customer disputes ``amount`` of ``invoice``: that amount is no longer dunned."""
    _amount(amount, "disputed amount")
    if reason_code not in DisputeReason.values:
        raise RuleViolation(
            f"unknown dispute reason {reason_code!r}; one of {', '.join(DisputeReason.values)}"
        )
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    already = Dispute.objects.filter(invoice=invoice, status=DisputeStatus.OPEN).aggregate(
        total=Sum("amount")
    )["total"] or Decimal(0)
    if already + amount > invoice.open_amount:
        raise RuleViolation(
            f"disputes would reach {already + amount} {invoice.currency}, more than the open "
            f"{invoice.open_amount} {invoice.currency} of invoice {invoice.number}"
        )
    return Dispute.objects.create(
        invoice=invoice,
        customer_id=invoice.customer_id,
        amount=amount,
        currency=invoice.currency,
        reason_code=reason_code,
        description=description,
        owner=_username(owner),
        opened_on=opened_on,
        opened_by=_username(opened_by),
    )


@transaction.atomic
def dispute_resolve(*, dispute: Dispute, resolution: str, root_cause: str, resolved_on: date) -> Dispute:
    """Close a dispute with its resolution and root cause: the amount is dunned again if still open."""
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if dispute.status != DisputeStatus.OPEN:
        raise RuleViolation(f"dispute {dispute.pk} is already resolved")
    if not resolution.strip():
        raise RuleViolation("say how the dispute was resolved")
    if resolved_on < dispute.opened_on:
        raise RuleViolation(f"a dispute opened on {dispute.opened_on} cannot be resolved before it")
    dispute.status = DisputeStatus.RESOLVED
    dispute.resolution = resolution
    dispute.root_cause = root_cause
    dispute.resolved_on = resolved_on
    dispute.save(update_fields=["status", "resolution", "root_cause", "resolved_on"])
    return dispute


@transaction.atomic
def overdue_reason_set(
    *, customer: Customer, code: str, noted_on: date, noted_by, note: str = ""
) -> OverdueReason:
    """Why this customer pays late (seed 002's types); the latest one is in force."""
    if code not in OverdueReasonCode.values:
        raise RuleViolation(f"unknown overdue reason {code!r}; one of {', '.join(OverdueReasonCode.values)}")
    return OverdueReason.objects.create(
        customer=customer, code=code, noted_on=noted_on, noted_by=_username(noted_by), note=note
    )


@transaction.atomic
def penalty_apply(
    *, customer: Customer, kind: str, decided_on: date, decided_by, reason: str, proposed_class: str = ""
) -> Penalty:
    """Decide a penalty: a credit hold (暂停发货), placed at once through credit
    (``customer_hold_place``, source "collections"), or a class downgrade proposal, sent to the
    credit manager as a ``class_change`` approval (``class_downgrade_request``; its subject is
    ``penalty:<id>``): the class changes when it is approved."""
    if kind not in PenaltyKind.values:
        raise RuleViolation(f"unknown penalty {kind!r}; one of {', '.join(PenaltyKind.values)}")
    if not reason.strip():
        raise RuleViolation("a penalty needs a reason")
    penalty = Penalty.objects.create(
        customer=customer,
        kind=kind,
        decided_on=decided_on,
        decided_by=_username(decided_by),
        reason=reason,
        proposed_class=proposed_class if kind == PenaltyKind.CLASS_DOWNGRADE else "",
        carried_out=True,
    )
    if kind == PenaltyKind.CLASS_DOWNGRADE:
        class_downgrade_request(
            customer=customer,
            to_class=proposed_class,
            requested_by=_requester(decided_by),
            reason=reason,
            subject_ref=f"penalty:{penalty.pk}",
        )
    if kind == PenaltyKind.CREDIT_HOLD:
        customer_hold_place(
            customer=customer,
            reason=reason,
            source="collections",
            on=decided_on,
            actor=None if isinstance(decided_by, str) else decided_by,
        )
    return penalty


@transaction.atomic
def task_complete(
    *,
    task: DunningAction,
    user,
    outcome: str,
    note: str = "",
    promise: dict | None = None,
    on: date | None = None,
) -> Activity:
    """Log a call task's outcome in one step: the call activity, the task done, and optionally
    a promise to pay (``{"promised_date": date, "amount": Decimal}``) covering its invoices.
    One call covers the customer: the collector's other open call tasks for the customer due
    by that day (other steps of the ladder) are completed with it."""
    task = DunningAction.objects.select_for_update().select_related("customer").get(pk=task.pk)
    if task.channel != Channel.PHONE:
        raise RuleViolation("only call tasks are completed by logging a call")
    if task.status != ActionStatus.OPEN:
        raise RuleViolation(f"task {task.pk} is already {task.status}")
    if outcome not in CallOutcome.values:
        raise RuleViolation(f"unknown call outcome {outcome!r}; one of {', '.join(CallOutcome.values)}")
    if promise is not None and outcome != CallOutcome.PROMISED:
        raise RuleViolation("a promise goes with the outcome 'promised'")
    username = _username(user)
    day = on or task.action_date
    together = list(
        DunningAction.objects.select_for_update()
        .filter(
            customer_id=task.customer_id,
            assigned_to=task.assigned_to,
            channel=Channel.PHONE,
            status=ActionStatus.OPEN,
            action_date__lte=max(day, task.action_date),
        )
        .exclude(pk=task.pk)
        .order_by("pk")
    )
    numbers = list(
        dict.fromkeys([*task.invoice_number_list, *(n for t in together for n in t.invoice_number_list)])
    )
    invoices = list(Invoice.objects.filter(customer_id=task.customer_id, number__in=numbers))
    activity = activity_log(
        customer=task.customer,
        kind=ActivityKind.CALL,
        occurred_on=day,
        user=username,
        outcome=outcome,
        note=note,
        invoices=invoices,
        action=task,
    )
    if promise is not None:
        promise_make(
            customer=task.customer,
            promised_date=promise["promised_date"],
            amount=promise["amount"],
            made_on=day,
            made_by=username,
            invoices=[invoice for invoice in invoices if invoice.open_amount > 0],
            activity=activity,
        )
    for done in (task, *together):
        done.status = ActionStatus.DONE
        done.outcome = outcome
        done.completed_on = day
        done.completed_by = username
        done.save(update_fields=["status", "outcome", "completed_on", "completed_by"])
    return activity


_ONE_DAY = date(2000, 1, 2) - date(2000, 1, 1)


# The fields of a dunning step its editors change (the web page, the API, the admin).
STEP_FIELDS = (
    "name_zh",
    "name_en",
    "anchor",
    "day_offset",
    "channels",
    "owner_role",
    "email_template",
    "letter_template",
    "sms_text",
    "attach_statement",
    "credit_hold",
    "case_to_legal",
    "litigation_decision",
    "write_off_review",
)


class CallIncomplete(ApplicationError):
    """A call outcome without what it needs (a promise's date or amount, a dispute's amount or
    reason): ``extra["missing"]`` names the fields."""


def _missing(**values) -> list[str]:
    return [name for name, value in values.items() if value is None or value == ""]


@transaction.atomic
def call_log(
    *,
    user,
    outcome: str,
    task: DunningAction | None = None,
    customer: Customer | None = None,
    kind: str = ActivityKind.CALL,
    note: str = "",
    promised_date: date | None = None,
    amount: Decimal | None = None,
    invoice: str = "",
    reason_code: str = "",
    on: date | None = None,
) -> Activity:
    """Log a contact's outcome from raw input: a call ``task`` completed (its customer's other
    due call tasks with it), or an activity of ``kind`` with ``customer`` on the day ``on``.
    'promised' records a promise to pay (``promised_date``, ``amount``); 'disputed' opens a
    dispute (``amount``, ``reason_code``) on the customer's invoice numbered ``invoice``
    (default: the task's first). Fields another outcome does not use are ignored; an
    incomplete outcome is refused (:class:`CallIncomplete`) before anything is written."""
    if task is None and (customer is None or on is None):
        raise ValueError("call_log needs a task, or a customer and the day")
    customer_id = task.customer_id if task is not None else customer.pk
    promise = None
    if outcome == CallOutcome.PROMISED:
        missing = _missing(promised_date=promised_date, amount=amount)
        if missing:
            raise CallIncomplete(
                _("A promise to pay needs its date and amount; missing: %(fields)s.")
                % {"fields": ", ".join(missing)},
                extra={"missing": missing},
            )
        promise = {"promised_date": promised_date, "amount": amount}
    disputed = None
    if outcome == CallOutcome.DISPUTED:
        # One call covers all the customer's due steps: any of its invoices may be disputed.
        number = invoice or (task.invoice_number_list[0] if task and task.invoice_number_list else "")
        missing = _missing(amount=amount, reason_code=reason_code, invoice=number)
        if missing:
            raise CallIncomplete(
                _("A dispute needs its invoice, amount and reason; missing: %(fields)s.")
                % {"fields": ", ".join(missing)},
                extra={"missing": missing},
            )
        disputed = customer_invoice(customer_id=customer_id, number=number)
    if task is not None:
        activity = task_complete(task=task, user=user, outcome=outcome, note=note, promise=promise, on=on)
    else:
        activity = activity_log(
            customer=customer, kind=kind, occurred_on=on, user=user, outcome=outcome, note=note
        )
        if promise is not None:
            promise_make(customer=customer, made_on=on, made_by=user, activity=activity, **promise)
    if disputed is not None:
        dispute_open(
            invoice=disputed,
            amount=amount,
            reason_code=reason_code,
            owner=user,
            opened_on=activity.occurred_on,
            opened_by=user,
            description=note,
        )
    return activity


@transaction.atomic
def dunning_policy_update(
    *,
    policy: DunningPolicy,
    name: str,
    credit_classes: list[str],
    risk_segments: list[str],
    priority: int,
    active: bool,
) -> DunningPolicy:
    """Change which customers a policy (a ladder variant) applies to."""
    if not name.strip():
        raise RuleViolation("a policy needs a name")
    unknown = set(credit_classes) - set(CreditClass.values)
    if unknown:
        raise RuleViolation(f"unknown credit class(es) {', '.join(sorted(unknown))}")
    unknown = set(risk_segments) - set(SEGMENTS)
    if unknown:
        raise RuleViolation(f"unknown risk segment(s) {', '.join(sorted(unknown))}")
    if priority < 0:
        raise RuleViolation("the priority is a whole number from 0")
    if policy.is_default and not active:
        raise RuleViolation("the default policy stays active: every customer needs a ladder")
    policy = DunningPolicy.objects.select_for_update().get(pk=policy.pk)
    policy.name = name
    policy.credit_classes = sorted(set(credit_classes))
    policy.risk_segments = sorted(set(risk_segments))
    policy.priority = priority
    policy.active = active
    policy.save(update_fields=["name", "credit_classes", "risk_segments", "priority", "active"])
    return policy


@transaction.atomic
def dunning_step_update(*, step: DunningStep, **fields) -> DunningStep:
    """Change one rung of a ladder: offset, channels, owner, templates, effects."""
    unknown = set(fields) - set(STEP_FIELDS)
    if unknown:
        raise RuleViolation(f"a step has no field(s) {', '.join(sorted(unknown))}")
    step = DunningStep.objects.select_for_update().get(pk=step.pk)
    for name, value in fields.items():
        setattr(step, name, value)
    if not step.channels or set(step.channels) - set(Channel.values):
        raise RuleViolation(f"a step's channels are one or more of {', '.join(Channel.values)}")
    if step.owner_role not in OwnerRole.values:
        raise RuleViolation(f"unknown owner {step.owner_role!r}; one of {', '.join(OwnerRole.values)}")
    if Channel.EMAIL in step.channels and not step.email_template:
        raise RuleViolation("an email step names its email template")
    if Channel.LETTER in step.channels and not step.letter_template:
        raise RuleViolation("a letter step names its letter template")
    if not isinstance(step.day_offset, int):
        raise RuleViolation("the day offset is a whole number of days")
    if step.anchor not in Anchor.values:
        raise RuleViolation(f"unknown anchor {step.anchor!r}; one of {', '.join(Anchor.values)}")
    siblings = [
        LadderStep(other.code, other.sequence, other.day_offset, other.anchor)
        for other in DunningStep.objects.filter(policy_id=step.policy_id).exclude(pk=step.pk)
    ]
    try:
        Ladder([*siblings, LadderStep(step.code, step.sequence, step.day_offset, step.anchor)])
    except ValueError:
        raise RuleViolation(
            f"day {step.day_offset:+d} puts step {step.code} out of order: the offsets of the "
            "steps counted from one date must not decrease along the ladder"
        ) from None
    step.channels = list(dict.fromkeys(step.channels))
    step.save(update_fields=[*fields])
    return step
