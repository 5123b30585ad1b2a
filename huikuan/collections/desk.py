"""The collections desk: what the web pages and the API do on top of the collections services.

    access_tasks(*, user) -> QuerySet[DunningAction]        # call tasks of the user's customers
    access_collection_customers(*, user) -> QuerySet[Customer]
    call_log(*, task, user, outcome, note="", promise=None, dispute=None, on=None) -> Activity
    dunning_policy_update(*, policy, name, credit_classes, risk_segments, priority, active)
        -> DunningPolicy
    dunning_step_update(*, step, **fields) -> DunningStep

``call_log`` is the collector's one click: the task completed with its call activity
(``task_complete``), with a promise to pay or a dispute on one of the customer's invoices
in the same transaction; one call completes every step due for the customer. The policy
editors validate before the first save: a ladder whose offsets decrease along its sequence
is refused, as the daily run would refuse it.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import QuerySet

from huikuan.accounts.access import access_customers
from huikuan.collections.ladder import Ladder, LadderStep
from huikuan.collections.models import (
    Activity,
    CallOutcome,
    Channel,
    DunningAction,
    DunningPolicy,
    DunningStep,
    OwnerRole,
)
from huikuan.collections.segments import SEGMENTS
from huikuan.collections.services import dispute_open, task_complete
from huikuan.core.errors import RuleViolation
from huikuan.ledger.models import CreditClass, Customer, Invoice

STEP_FIELDS = (
    "name_zh",
    "name_en",
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


def access_collection_customers(*, user) -> QuerySet[Customer]:
    return access_customers(user=user)


def access_tasks(*, user) -> QuerySet[DunningAction]:
    """Dunning actions of the customers ``user`` may see (a collector: only theirs)."""
    return DunningAction.objects.select_related("customer").filter(customer__in=access_customers(user=user))


@transaction.atomic
def call_log(
    *,
    task: DunningAction,
    user,
    outcome: str,
    note: str = "",
    promise: dict | None = None,
    dispute: dict | None = None,
    on: date | None = None,
) -> Activity:
    """Log a call task's outcome; ``dispute`` is ``{"invoice": Invoice, "amount": Decimal,
    "reason_code": str}`` with the outcome 'disputed', on one of the task's invoices."""
    if dispute is not None and outcome != CallOutcome.DISPUTED:
        raise RuleViolation("a dispute goes with the outcome 'disputed'")
    if outcome == CallOutcome.PROMISED and promise is None:
        raise RuleViolation("a promise to pay needs its date and amount")
    if outcome == CallOutcome.DISPUTED and dispute is None:
        raise RuleViolation("a dispute needs its invoice, amount and reason")
    activity = task_complete(task=task, user=user, outcome=outcome, note=note, promise=promise, on=on)
    if dispute is not None:
        invoice: Invoice = dispute["invoice"]
        # One call covers all the customer's due steps: any of its invoices may be disputed.
        if invoice.customer_id != task.customer_id:
            raise RuleViolation(f"invoice {invoice.number} is not an invoice of this customer")
        dispute_open(
            invoice=invoice,
            amount=dispute["amount"],
            reason_code=dispute["reason_code"],
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
    siblings = [
        LadderStep(other.code, other.sequence, other.day_offset)
        for other in DunningStep.objects.filter(policy_id=step.policy_id).exclude(pk=step.pk)
    ]
    try:
        Ladder([*siblings, LadderStep(step.code, step.sequence, step.day_offset)])
    except ValueError:
        raise RuleViolation(
            f"day {step.day_offset:+d} puts step {step.code} out of order: offsets must not "
            "decrease along the ladder"
        ) from None
    step.channels = list(dict.fromkeys(step.channels))
    step.save(update_fields=[*fields])
    return step
