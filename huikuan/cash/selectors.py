"""Reading bank lines for the cash-application workbench, for the web and the API alike.

Scope: finance roles see every line; a scoped user (collector, salesperson) sees a line only
once a customer of theirs is proposed for it or it was applied to one. Lines without a
customer are for the finance roles.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from huikuan.accounts.access import access_customer_scoped, is_scoped
from huikuan.cash.models import BankLine, Direction, LineDecision, LineStatus

# What the queue shows first: lines to review, then unmatched ones, then those not matched yet.
QUEUE_STATUSES = (LineStatus.REVIEW, LineStatus.UNMATCHED, LineStatus.NEW)
DECIDED_STATUSES = (LineStatus.AUTO, LineStatus.APPLIED, LineStatus.NOT_CUSTOMER)
# The status filter's choices: the queue, the decided lines, or one status.
QUEUE = "queue"
DECIDED = "decided"


@dataclass(frozen=True)
class LineFilters:
    status: str = QUEUE
    date_from: date | None = None
    date_to: date | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    search: str = ""


def access_bank_lines(*, user) -> QuerySet[BankLine]:
    """The receipts (credit lines) ``user`` may see."""
    lines = BankLine.objects.filter(direction=Direction.CREDIT)
    if is_scoped(user):
        lines = access_customer_scoped(user=user, queryset=lines)
    return lines


def _statuses(status: str) -> tuple[str, ...]:
    if status == QUEUE:
        return QUEUE_STATUSES
    if status == DECIDED:
        return DECIDED_STATUSES
    return (status,)


def _filtered(lines: QuerySet[BankLine], filters: LineFilters) -> QuerySet[BankLine]:
    if filters.date_from:
        lines = lines.filter(booking_date__gte=filters.date_from)
    if filters.date_to:
        lines = lines.filter(booking_date__lte=filters.date_to)
    if filters.amount_min is not None:
        lines = lines.filter(amount__gte=filters.amount_min)
    if filters.amount_max is not None:
        lines = lines.filter(amount__lte=filters.amount_max)
    text = filters.search.strip()
    if text:
        lines = lines.filter(
            Q(payer_name__icontains=text)
            | Q(memo__icontains=text)
            | Q(bank_ref__icontains=text)
            | Q(payer_account__icontains=text)
            | Q(customer__code__icontains=text)
            | Q(customer__name__icontains=text)
        )
    return lines


def bank_line_queue(*, user, filters: LineFilters = LineFilters()) -> QuerySet[BankLine]:
    """The lines to work, review first, then unmatched, oldest first; each with its
    customer, its current decision (``current_decisions``) and its payment."""
    order = Case(
        *(When(status=status, then=Value(rank)) for rank, status in enumerate(QUEUE_STATUSES)),
        default=Value(len(QUEUE_STATUSES)),
        output_field=IntegerField(),
    )
    lines = _filtered(access_bank_lines(user=user), filters)
    if filters.status:
        lines = lines.filter(status__in=_statuses(filters.status))
    return (
        lines.select_related("customer", "payment")
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=LineDecision.objects.filter(undone_at__isnull=True)
                .select_related("customer")
                .order_by("-decided_at", "-pk"),
                to_attr="current_decisions",
            )
        )
        .annotate(queue_rank=order)
        .order_by("queue_rank", "booking_date", "pk")
    )


def bank_line_counts(*, user, filters: LineFilters = LineFilters()) -> dict[str, int]:
    """How many lines of each status the user sees (with the filters but the status), in one query."""
    lines = _filtered(access_bank_lines(user=user), filters)
    counts = lines.aggregate(
        **{status.value: Count("pk", filter=Q(status=status)) for status in LineStatus},
    )
    counts[QUEUE] = sum(counts[status] for status in QUEUE_STATUSES)
    counts[DECIDED] = sum(counts[status] for status in DECIDED_STATUSES)
    return counts


def bank_line_get(*, user, pk: int) -> BankLine:
    """One line the user may see, with what its row shows; ``BankLine.DoesNotExist`` else."""
    return bank_line_queue(user=user, filters=LineFilters(status="")).get(pk=pk)
