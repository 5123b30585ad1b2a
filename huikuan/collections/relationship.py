"""Customer visits and relationship care (seed 003 上门催款; seed 004 定期回访、节日问候).

    visit_plan(*, customer, planned_on, people, user, purpose="collection", note="") -> Activity
    visit_record(*, visit, occurred_on, result, user, outcome="", people=None) -> Activity
    visit_cancel(*, visit, user, reason) -> Activity
    check_ins_create(*, as_of) -> int        # the ``check_ins`` job: reminder tasks made
    last_contacts(*, customer_ids=None) -> dict[int, date]   # the last call or visit done
    visits_planned(*, customer) -> list[Activity]
    customer_visit(*, customer, pk) -> Activity               # NotFound when not the customer's

A visit is an activity of kind visit: planned (the day, the people going and met, the
purpose), then done with its outcome (what came of it, and the call outcome code when one
fits) or cancelled. Periodic check-ins: every customer of a class with a period in the
setting ``COLLECTIONS_CHECK_IN_DAYS_BY_CLASS`` (days; 0 or absent: none) whose last call or
visit done (else its creation) is that many days old or more, with no visit planned ahead
and no check-in reminder open, gets a reminder task: a phone task (step ``check_in``) on the
worklist of its salesperson (else its collector, else the collections team). Logging the
call, or recording a visit, is the next contact the period counts from.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from huikuan.collections.models import (
    ActionStatus,
    Activity,
    ActivityKind,
    ActivityPurpose,
    ActivityStatus,
    CallOutcome,
    Channel,
    DunningAction,
)
from huikuan.collections.run.plan import assignee
from huikuan.core.errors import NotFound, RuleViolation
from huikuan.core.policy import policy_values
from huikuan.ledger.models import Customer, CustomerStatus

CHECK_IN_STEP = "check_in"
CHECK_IN_POLICY = "relationship"
# The contacts a check-in period counts from.
CONTACT_KINDS = (ActivityKind.CALL, ActivityKind.VISIT)


def _username(user) -> str:
    name = user if isinstance(user, str) else user.get_username()
    if not name:
        raise RuleViolation("who did it? a username is required")
    return name


def _planned_visit(visit: Activity) -> Activity:
    visit = Activity.objects.select_for_update().get(pk=visit.pk)
    if visit.kind != ActivityKind.VISIT:
        raise RuleViolation("only a visit is planned, recorded or cancelled here")
    if visit.status != ActivityStatus.PLANNED:
        raise RuleViolation(f"this visit is already {visit.status}")
    return visit


@transaction.atomic
def visit_plan(
    *,
    customer: Customer,
    planned_on: date,
    people: str,
    user,
    purpose: str = ActivityPurpose.COLLECTION,
    note: str = "",
) -> Activity:
    """Plan a visit to ``customer`` on ``planned_on``: who goes and whom they meet (``people``),
    why (``purpose``) and what to take up (``note``)."""
    if purpose not in ActivityPurpose.values:
        raise RuleViolation(f"unknown purpose {purpose!r}; one of {', '.join(ActivityPurpose.values)}")
    if not people.strip():
        raise RuleViolation("a visit names the people going and met")
    if customer.status == CustomerStatus.CLOSED:
        raise RuleViolation(f"customer {customer.code} is closed")
    return Activity.objects.create(
        customer=customer,
        kind=ActivityKind.VISIT,
        status=ActivityStatus.PLANNED,
        purpose=purpose,
        occurred_on=planned_on,
        user=_username(user),
        people=people.strip(),
        note=note,
    )


@transaction.atomic
def visit_record(
    *,
    visit: Activity,
    occurred_on: date,
    result: str,
    user,
    outcome: str = "",
    people: str | None = None,
) -> Activity:
    """The planned visit took place on ``occurred_on``: what came of it (``result``), the call
    outcome code when one fits (a promise, a dispute: recorded on their own forms), and who
    was there when it differs from the plan. A visit is not recorded before it took place."""
    visit = _planned_visit(visit)
    if not result.strip():
        raise RuleViolation("say what came of the visit")
    if outcome and outcome not in CallOutcome.values:
        raise RuleViolation(f"unknown outcome {outcome!r}; one of {', '.join(CallOutcome.values)}")
    if occurred_on > timezone.localdate():
        raise RuleViolation(f"a visit on {occurred_on} has not taken place yet")
    visit.status = ActivityStatus.DONE
    visit.occurred_on = occurred_on
    visit.result = result.strip()
    visit.outcome = outcome
    if people is not None and people.strip():
        visit.people = people.strip()
    visit.save(update_fields=["status", "occurred_on", "result", "outcome", "people"])
    _check_ins_done(visit.customer_id, occurred_on, _username(user))
    return visit


@transaction.atomic
def visit_cancel(*, visit: Activity, user, reason: str) -> Activity:
    """The planned visit will not take place (``reason``)."""
    visit = _planned_visit(visit)
    if not reason.strip():
        raise RuleViolation("say why the visit is cancelled")
    visit.status = ActivityStatus.CANCELLED
    visit.result = reason.strip()
    visit.save(update_fields=["status", "result"])
    return visit


def _check_ins_done(customer_id: int, on: date, username: str) -> None:
    """A visit made is the check-in: the customer's open check-in reminders are done with it."""
    DunningAction.objects.filter(
        customer_id=customer_id, step_code=CHECK_IN_STEP, status=ActionStatus.OPEN, action_date__lte=on
    ).update(status=ActionStatus.DONE, completed_on=on, completed_by=username, outcome="reached")


def last_contacts(*, customer_ids: Collection[int] | None = None) -> dict[int, date]:
    """The day of each customer's last call or visit done (customers without one: absent)."""
    contacts = Activity.objects.filter(kind__in=CONTACT_KINDS, status=ActivityStatus.DONE)
    if customer_ids is not None:
        contacts = contacts.filter(customer_id__in=customer_ids)
    return dict(
        contacts.values("customer_id").annotate(last=Max("occurred_on")).values_list("customer_id", "last")
    )


@transaction.atomic
def check_ins_create(*, as_of: date) -> int:
    """The check-in reminders due on ``as_of`` (see the module docstring); how many were made.
    Idempotent: a customer with an open reminder gets no second one."""
    rules = policy_values()
    period = {code: days for code, days in rules["COLLECTIONS_CHECK_IN_DAYS_BY_CLASS"].items() if days > 0}
    if not period:
        return 0
    customers = list(
        Customer.objects.filter(credit_class__in=list(period))
        .exclude(status=CustomerStatus.CLOSED)
        .values_list("id", "credit_class", "salesperson", "collector", "created_at")
    )
    last = last_contacts()
    ahead = set(
        Activity.objects.filter(
            kind=ActivityKind.VISIT, status=ActivityStatus.PLANNED, occurred_on__gte=as_of
        ).values_list("customer_id", flat=True)
    )
    reminded = set(
        DunningAction.objects.filter(step_code=CHECK_IN_STEP, status=ActionStatus.OPEN).values_list(
            "customer_id", flat=True
        )
    )
    token = secrets.randbits(62)
    reminders = []
    for customer_id, credit_class, salesperson, collector, created_at in customers:
        since = last.get(customer_id) or timezone.localdate(created_at)
        if (as_of - since).days < period[credit_class] or customer_id in ahead or customer_id in reminded:
            continue
        reminders.append(
            DunningAction(
                customer_id=customer_id,
                action_date=as_of,
                policy_code=CHECK_IN_POLICY,
                step_code=CHECK_IN_STEP,
                channel=Channel.PHONE,
                assigned_to=assignee("salesperson", salesperson, collector, rules),
                invoice_numbers="",
                token=token,
            )
        )
    DunningAction.objects.bulk_create(reminders, batch_size=1000)
    return len(reminders)


def visits_planned(*, customer: Customer) -> list[Activity]:
    """The customer's visits still planned, soonest first."""
    return list(
        Activity.objects.filter(
            customer=customer, kind=ActivityKind.VISIT, status=ActivityStatus.PLANNED
        ).order_by("occurred_on", "id")
    )


def customer_visit(*, customer: Customer, pk: int) -> Activity:
    """The customer's visit ``pk``; NotFound when the customer has none such."""
    visit = Activity.objects.filter(customer=customer, kind=ActivityKind.VISIT, pk=pk).first()
    if visit is None:
        raise NotFound(gettext("No such visit of this customer."))
    return visit
