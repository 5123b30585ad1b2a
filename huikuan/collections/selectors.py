"""Reads for collections: the collector's worklist and a customer's timeline.

    worklist_for(*, user, date: date) -> list[WorklistItem]    # one item per customer
    promise_duplicate(*, customer, amount, promised_date) -> PromiseToPay | None
    customer_timeline(*, customer: Customer, limit: int | None = None) -> list[TimelineEntry]
    customer_segment(*, customer: Customer, as_of: date) -> str
    payment_history(*, as_of, rules=None, customer_ids=None) -> PaymentHistory   # segments' inputs
    dunning_policies() -> QuerySet[DunningPolicy]   # with their steps
    access_collection_customers / access_tasks (*, user) -> QuerySet   # customers; their actions
    customer_collections(*, customer, limit=None) -> CustomerCollections   # the timeline page's bundle
    customer_invoice(*, customer_id, number) -> Invoice       # NotFound when not the customer's
    dunning_runs(*, limit) -> list[DunningRun]                # newest first
    access_dunning_actions / access_collection_activities / access_promises_to_pay /
    access_payment_plans / access_disputes / access_overdue_reasons (*, user) -> QuerySet
        # the records of the customers ``user`` may see (collectors: their own customers)

Worklist order (SPEC §6.2): risk-weighted overdue amount, then days overdue, both descending.
The weight: the risk model's P(late) of each overdue invoice × its open amount, when the model
scored the customer (enough history of its own) and each of its overdue invoices within
``RISK_SCORE_MAX_AGE_DAYS``; otherwise the class heuristic of
:mod:`huikuan.collections.segments` × the overdue balance (the item says which). Each item
carries the customer's open invoices, last contacts and open promises, fetched in bulk (a fixed
number of queries).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import F, QuerySet, TextChoices
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from huikuan.accounts.access import access_customer_scoped, access_customers
from huikuan.collections.labels import step_label
from huikuan.collections.models import (
    ActionStatus,
    Activity,
    ActivityStatus,
    CallOutcome,
    Channel,
    Dispute,
    DisputeStatus,
    DunningAction,
    DunningPolicy,
    DunningRun,
    OverdueReason,
    PaymentPlan,
    Penalty,
    PromiseStatus,
    PromiseToPay,
)
from huikuan.collections.segments import PaymentHistory, late_payment_probability
from huikuan.core.errors import NotFound
from huikuan.core.money import amount_text, functional_amount, quantize_cents, quantize_ratio
from huikuan.core.policy import policy_values
from huikuan.correspondence.models import Letter, OutboundEmail
from huikuan.ledger.balances import STILL_OPEN
from huikuan.ledger.models import Customer, CustomerStatus, Invoice
from huikuan.risk.selectors import customer_scores_fresh, invoice_scores_fresh


@dataclass
class WorklistItem:
    """One customer's call for the day, with every step due: ``task`` is the oldest of
    ``tasks`` (the item's handle on the page), and logging the call completes them all."""

    task: DunningAction
    customer: Customer
    segment: str
    overdue_balance: Decimal
    days_overdue: int
    late_probability: Decimal
    risk_weighted_amount: Decimal
    open_invoices: list[Invoice] = field(default_factory=list)
    last_contacts: list[Activity] = field(default_factory=list)
    promises: list[PromiseToPay] = field(default_factory=list)
    tasks: list[DunningAction] = field(default_factory=list)
    probability_source: str = "heuristic"  # "model" (the risk model's scores) or "heuristic"
    reasons: list[str] = field(default_factory=list)  # the model's top reasons (feature codes)

    @property
    def step_codes(self) -> list[str]:
        return list(dict.fromkeys(task.step_code for task in self.tasks))

    @property
    def invoice_numbers(self) -> list[str]:
        return list(dict.fromkeys(number for task in self.tasks for number in task.invoice_number_list))


def access_dunning_actions(*, user) -> QuerySet[DunningAction]:
    return access_customer_scoped(user=user, queryset=DunningAction.objects.select_related("customer"))


def access_collection_activities(*, user) -> QuerySet[Activity]:
    return access_customer_scoped(user=user, queryset=Activity.objects.select_related("customer"))


def access_promises_to_pay(*, user) -> QuerySet[PromiseToPay]:
    return access_customer_scoped(user=user, queryset=PromiseToPay.objects.select_related("customer"))


def access_payment_plans(*, user) -> QuerySet[PaymentPlan]:
    return access_customer_scoped(
        user=user, queryset=PaymentPlan.objects.select_related("customer").prefetch_related("instalments")
    )


def access_disputes(*, user) -> QuerySet[Dispute]:
    return access_customer_scoped(user=user, queryset=Dispute.objects.select_related("customer", "invoice"))


def access_overdue_reasons(*, user) -> QuerySet[OverdueReason]:
    return access_customer_scoped(user=user, queryset=OverdueReason.objects.select_related("customer"))


def dunning_policies() -> QuerySet[DunningPolicy]:
    return DunningPolicy.objects.prefetch_related("steps")


def customers_with_broken_promise(
    *, as_of: date, lookback_days: int, customer_ids: Collection[int] | None = None
) -> set[int]:
    """The customers (of ``customer_ids``; None: all) who broke a promise to pay "recently":
    within the ``lookback_days`` days ending ``as_of`` (COLLECTIONS_BROKEN_PROMISE_LOOKBACK_DAYS)."""
    broken = PromiseToPay.objects.filter(
        status=PromiseStatus.BROKEN,
        resolved_on__lte=as_of,
        resolved_on__gt=as_of - timedelta(days=lookback_days),
    )
    if customer_ids is not None:
        broken = broken.filter(customer_id__in=customer_ids)
    return set(broken.values_list("customer_id", flat=True))


def disputed_amounts(*, invoice_ids: Collection[int] | None = None) -> dict[int, Decimal]:
    """The amount under open disputes, by invoice (of ``invoice_ids``; None: all): what the
    dunning leaves out of an invoice's open balance."""
    disputes = Dispute.objects.filter(status=DisputeStatus.OPEN)
    if invoice_ids is not None:
        disputes = disputes.filter(invoice_id__in=invoice_ids)
    disputed: dict[int, Decimal] = defaultdict(Decimal)
    for invoice_id, amount in disputes.values_list("invoice_id", "amount"):
        disputed[invoice_id] += amount
    return dict(disputed)


def customers_paid_late(
    *, as_of: date, history_days: int, customer_ids: Collection[int] | None = None
) -> dict[int, int]:
    """The most days late of the invoices each customer (of ``customer_ids``; None: all)
    paid within the ``history_days`` days ending ``as_of``: closed then, after their due
    date. Customers who paid nothing late are absent. Open invoices never count."""
    paid = Invoice.objects.filter(
        open_span__lt=STILL_OPEN,
        closed_on__gt=as_of - timedelta(days=history_days),
        closed_on__lte=as_of,
    ).filter(closed_on__gt=F("due_date"))
    if customer_ids is not None:
        paid = paid.filter(customer_id__in=customer_ids)
    late: dict[int, int] = {}
    for customer_id, due_date, closed_on in paid.values_list("customer_id", "due_date", "closed_on"):
        days = (closed_on - due_date).days
        if days > late.get(customer_id, 0):
            late[customer_id] = days
    return late


def payment_history(
    *, as_of: date, rules: dict | None = None, customer_ids: Collection[int] | None = None
) -> PaymentHistory:
    """What the risk segments of the customers (of ``customer_ids``; None: all) are decided
    from as of ``as_of``: the one reading the dunning run, the worklist and the pages share."""
    rules = rules if rules is not None else policy_values()
    return PaymentHistory(
        broken_recently=customers_with_broken_promise(
            as_of=as_of,
            lookback_days=rules["COLLECTIONS_BROKEN_PROMISE_LOOKBACK_DAYS"],
            customer_ids=customer_ids,
        ),
        days_paid_late=customers_paid_late(
            as_of=as_of, history_days=rules["COLLECTIONS_PAYMENT_HISTORY_DAYS"], customer_ids=customer_ids
        ),
        premium_max_days_paid_late=rules["COLLECTIONS_PREMIUM_MAX_DAYS_PAID_LATE"],
        high_risk_days_paid_late=rules["COLLECTIONS_HIGH_RISK_DAYS_PAID_LATE"],
        model_segments={
            customer_id: score.segment
            for customer_id, score in customer_scores_fresh(
                as_of=as_of, max_age_days=rules["RISK_SCORE_MAX_AGE_DAYS"], customer_ids=customer_ids
            ).items()
            if score.segment
        },
    )


def customer_segment(*, customer: Customer, as_of: date) -> str:
    """The customer's risk segment as of ``as_of`` (class and payment history)."""
    history = payment_history(as_of=as_of, customer_ids=[customer.pk])
    return history.segment(customer.pk, customer.credit_class)


def worklist_for(*, user, date: date) -> list[WorklistItem]:
    """Today's open call tasks assigned to ``user`` (username or user), riskiest first."""
    as_of = date
    username = user if isinstance(user, str) else user.get_username()
    rules = policy_values()
    tasks = list(
        DunningAction.objects.filter(
            assigned_to=username, status=ActionStatus.OPEN, channel=Channel.PHONE, action_date__lte=as_of
        )
        .select_related("customer")
        .order_by("action_date", "id")
    )
    customer_ids = {task.customer_id for task in tasks}
    invoices: dict[int, list[Invoice]] = defaultdict(list)
    for invoice in Invoice.objects.filter(
        customer_id__in=customer_ids, closed_on__isnull=True, invoice_date__lte=as_of
    ).order_by("due_date", "number"):
        invoices[invoice.customer_id].append(invoice)
    contacts: dict[int, list[Activity]] = defaultdict(list)
    keep = rules["COLLECTIONS_WORKLIST_CONTACTS"]
    for activity in Activity.objects.filter(
        customer_id__in=customer_ids, occurred_on__lte=as_of, status=ActivityStatus.DONE
    ).order_by("customer_id", "-occurred_on", "-id"):
        if len(contacts[activity.customer_id]) < keep:
            contacts[activity.customer_id].append(activity)
    promises: dict[int, list[PromiseToPay]] = defaultdict(list)
    for promise in PromiseToPay.objects.filter(
        customer_id__in=customer_ids, status=PromiseStatus.OPEN
    ).order_by("promised_date"):
        promises[promise.customer_id].append(promise)
    history = payment_history(as_of=as_of, rules=rules, customer_ids=customer_ids)
    scores = invoice_scores_fresh(
        as_of=as_of,
        max_age_days=rules["RISK_SCORE_MAX_AGE_DAYS"],
        invoice_ids=[
            invoice.pk for found in invoices.values() for invoice in found if invoice.due_date < as_of
        ],
    )

    tasks_by_customer: dict[int, list[DunningAction]] = {}
    for task in tasks:
        tasks_by_customer.setdefault(task.customer_id, []).append(task)
    items = []
    for customer_tasks in tasks_by_customer.values():
        task = customer_tasks[0]
        customer = task.customer
        overdue = [invoice for invoice in invoices[customer.pk] if invoice.due_date < as_of]
        balance = sum(
            (functional_amount(invoice.open_amount, invoice.fx_rate) for invoice in overdue), Decimal(0)
        )
        days = max(((as_of - invoice.due_date).days for invoice in overdue), default=0)
        segment = history.segment(customer.pk, customer.credit_class)
        source, why, weighted = "heuristic", [], None
        if history.from_model(customer.pk) and all(invoice.pk in scores for invoice in overdue):
            source = "model"
            weights = {
                invoice.pk: functional_amount(invoice.open_amount, invoice.fx_rate)
                * scores[invoice.pk].probability_late
                for invoice in overdue
            }
            weighted = sum(weights.values(), Decimal(0))
            probability = quantize_ratio(weighted / balance, Decimal("0.0001")) if balance else Decimal(0)
            if overdue:
                heaviest = max(overdue, key=lambda invoice: (weights[invoice.pk], invoice.number))
                why = [reason["feature"] for reason in scores[heaviest.pk].reasons]
        else:
            probability = late_payment_probability(
                segment=segment,
                days_overdue=days,
                base_by_segment=rules["COLLECTIONS_LATE_PROBABILITY_BY_SEGMENT"],
                per_30_days=rules["COLLECTIONS_LATE_PROBABILITY_PER_30_DAYS"],
                premium_max_days=rules["COLLECTIONS_PREMIUM_MAX_DAYS_PAID_LATE"],
                high_risk_days=rules["COLLECTIONS_HIGH_RISK_DAYS_PAID_LATE"],
            )
        items.append(
            WorklistItem(
                task=task,
                customer=customer,
                segment=segment,
                overdue_balance=balance,
                days_overdue=days,
                late_probability=probability,
                risk_weighted_amount=quantize_cents(balance * probability if weighted is None else weighted),
                open_invoices=invoices[customer.pk],
                last_contacts=contacts[customer.pk],
                promises=promises[customer.pk],
                tasks=customer_tasks,
                probability_source=source,
                reasons=why,
            )
        )
    items.sort(
        key=lambda item: (-item.risk_weighted_amount, -item.days_overdue, item.customer.code, item.task.pk)
    )
    return items


def promise_duplicate(*, customer: Customer, amount: Decimal, promised_date: date) -> PromiseToPay | None:
    """The customer's open promise of the same amount by the same date, if one is recorded:
    the same promise noted twice (two collectors, a double click) would count twice."""
    return (
        PromiseToPay.objects.filter(
            customer=customer, amount=amount, promised_date=promised_date, status=PromiseStatus.OPEN
        )
        .order_by("id")
        .first()
    )


TIMELINE_KINDS = {
    "activity": gettext_lazy("activity"),
    "promise": gettext_lazy("promise to pay"),
    "plan": gettext_lazy("payment plan"),
    "dispute": gettext_lazy("dispute"),
    "overdue_reason": gettext_lazy("overdue reason"),
    "penalty": gettext_lazy("penalty"),
    "dunning": gettext_lazy("dunning"),
    "status": gettext_lazy("status change"),
}


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    kind: str  # activity, promise, plan, dispute, overdue_reason, penalty, dunning, status
    summary: str
    record: object = None
    sort_key: tuple = ()

    @property
    def kind_label(self) -> str:
        return str(TIMELINE_KINDS.get(self.kind, self.kind))


def _label(choices: type[TextChoices], value: str) -> str:
    """The label of ``value`` among ``choices`` in the active language, else the value itself."""
    return str(dict(choices.choices).get(value, value))


def customer_timeline(*, customer: Customer, limit: int | None = None) -> list[TimelineEntry]:
    """Everything collections knows about a customer, newest first: activities, promises,
    plans, disputes, overdue reasons, penalties, dunning actions and status changes; the
    summaries are in the active language."""
    entries: list[TimelineEntry] = []

    def add(on: date, kind: str, summary: str, record, pk: int) -> None:
        entries.append(TimelineEntry(on, kind, summary, record, (on, kind, pk)))

    for activity in Activity.objects.filter(customer=customer):
        add(
            activity.occurred_on,
            "activity",
            " ".join(
                part
                for part in (
                    activity.get_kind_display(),
                    activity.get_status_display() if activity.status != ActivityStatus.DONE else "",
                    activity.get_purpose_display() if activity.purpose else "",
                    activity.people,
                    _label(CallOutcome, activity.outcome) if activity.outcome else "",
                    activity.note,
                    activity.result,
                )
                if part
            ),
            activity,
            activity.pk,
        )
    for promise in PromiseToPay.objects.filter(customer=customer):
        add(
            promise.made_on,
            "promise",
            _("%(amount)s %(currency)s by %(date)s: %(status)s")
            % {
                "amount": amount_text(promise.amount),
                "currency": promise.currency,
                "date": promise.promised_date,
                "status": promise.get_status_display(),
            },
            promise,
            promise.pk,
        )
    for plan in PaymentPlan.objects.filter(customer=customer).prefetch_related("instalments"):
        instalments = plan.instalments.all()
        total = sum((i.amount for i in instalments), Decimal(0))
        add(
            plan.starts_on,
            "plan",
            ngettext(
                "%(count)s instalment, %(total)s %(currency)s: %(status)s",
                "%(count)s instalments, %(total)s %(currency)s: %(status)s",
                len(instalments),
            )
            % {
                "count": len(instalments),
                "total": amount_text(total),
                "currency": plan.currency,
                "status": plan.get_status_display(),
            },
            plan,
            plan.pk,
        )
    for dispute in Dispute.objects.filter(customer=customer).select_related("invoice"):
        add(
            dispute.opened_on,
            "dispute",
            _("%(invoice)s %(amount)s %(currency)s %(reason)s: %(status)s")
            % {
                "invoice": dispute.invoice.number,
                "amount": amount_text(dispute.amount),
                "currency": dispute.currency,
                "reason": dispute.get_reason_code_display(),
                "status": dispute.get_status_display(),
            },
            dispute,
            dispute.pk,
        )
        if dispute.resolved_on:
            add(
                dispute.resolved_on,
                "dispute",
                _("%(invoice)s resolved: %(resolution)s")
                % {"invoice": dispute.invoice.number, "resolution": dispute.resolution},
                dispute,
                dispute.pk,
            )
    for reason in OverdueReason.objects.filter(customer=customer):
        add(reason.noted_on, "overdue_reason", reason.get_code_display(), reason, reason.pk)
    for penalty in Penalty.objects.filter(customer=customer):
        # A penalty the run decided carries its reason in English (gettext_noop): shown translated.
        add(
            penalty.decided_on,
            "penalty",
            " ".join(
                part
                for part in (
                    penalty.get_kind_display(),
                    penalty.proposed_class,
                    _(penalty.reason) if penalty.reason else "",
                )
                if part
            ),
            penalty,
            penalty.pk,
        )
    for action in DunningAction.objects.filter(customer=customer):
        add(
            action.action_date,
            "dunning",
            _("%(step)s/%(channel)s %(invoices)s: %(status)s")
            % {
                "step": step_label(action.step_code),
                "channel": action.get_channel_display(),
                "invoices": ", ".join(action.invoice_number_list),
                "status": action.get_status_display(),
            },
            action,
            action.pk,
        )
    for entry in LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Customer),
        object_id=customer.pk,
        action=LogEntry.Action.UPDATE,
    ).order_by("timestamp"):
        change = (entry.changes_dict or {}).get("status")
        if change:
            add(
                timezone.localdate(entry.timestamp),
                "status",
                _("status %(old)s → %(new)s")
                % {"old": _label(CustomerStatus, change[0]), "new": _label(CustomerStatus, change[1])},
                entry,
                entry.pk,
            )
    entries.sort(key=lambda entry: entry.sort_key, reverse=True)
    return entries[:limit] if limit else entries


def access_collection_customers(*, user) -> QuerySet[Customer]:
    """The customers whose collections ``user`` may see and work (a collector: only theirs)."""
    return access_customers(user=user)


def access_tasks(*, user) -> QuerySet[DunningAction]:
    """Dunning actions of the customers ``user`` may see (a collector: only theirs)."""
    return DunningAction.objects.select_related("customer").filter(customer__in=access_customers(user=user))


@dataclass
class CustomerCollections:
    """Everything the collections timeline shows of one customer (the web page and the API)."""

    customer: Customer
    overdue_reason: OverdueReason | None
    timeline: list[TimelineEntry]
    promises: list[PromiseToPay]
    payment_plans: list[PaymentPlan]
    disputes: list[Dispute]
    actions: list[DunningAction]
    letters: list[Letter]
    emails: list[OutboundEmail]

    @property
    def customer_code(self) -> str:
        return self.customer.code

    @property
    def overdue_reason_code(self) -> str:
        return self.overdue_reason.code if self.overdue_reason else ""


def customer_collections(*, customer: Customer, limit: int | None = None) -> CustomerCollections:
    """A customer's collections records in a fixed number of queries: the timeline, promises,
    payment plans (with instalments), disputes (with their invoices), the latest overdue
    reason, and the dunning actions, letters and emails (newest ``limit`` of each; None: all)."""

    def newest(queryset: QuerySet) -> list:
        return list(queryset[:limit] if limit else queryset)

    return CustomerCollections(
        customer=customer,
        overdue_reason=OverdueReason.objects.filter(customer=customer).first(),
        timeline=customer_timeline(customer=customer),
        promises=list(PromiseToPay.objects.filter(customer=customer)),
        payment_plans=list(PaymentPlan.objects.filter(customer=customer).prefetch_related("instalments")),
        disputes=list(Dispute.objects.filter(customer=customer).select_related("invoice")),
        actions=newest(DunningAction.objects.filter(customer=customer)),
        letters=newest(Letter.objects.filter(customer=customer).defer("pdf").order_by("-id")),
        emails=newest(OutboundEmail.objects.filter(customer=customer).order_by("-id")),
    )


def customer_invoice(*, customer_id: int, number: str) -> Invoice:
    """The customer's invoice numbered ``number``; NotFound when the customer has none such."""
    invoice = Invoice.objects.filter(customer_id=customer_id, number=number).first()
    if invoice is None:
        raise NotFound(_("No such invoice of this customer.") + f" ({number})", extra={"invoice": number})
    return invoice


def dunning_runs(*, limit: int) -> list[DunningRun]:
    """The latest ``limit`` dunning runs, newest first."""
    return list(DunningRun.objects.order_by("-run_date")[:limit])
