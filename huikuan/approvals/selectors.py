"""Reading approval requests: what a user may see, what awaits them, and a request's history."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from huikuan.accounts.access import customer_filter, user_roles
from huikuan.accounts.permissions import may
from huikuan.accounts.roles import CUSTOMER
from huikuan.approvals.models import (
    ApprovalDecision,
    ApprovalRequest,
    ApprovalStep,
    Decision,
    Status,
)
from huikuan.ledger.models import Customer


def _listing(queryset: QuerySet[ApprovalRequest]) -> QuerySet[ApprovalRequest]:
    return queryset.select_related("customer", "requested_by", "current_step")


def access_approval_requests(*, user) -> QuerySet[ApprovalRequest]:
    """The requests ``user`` may read.

    Staff who see every customer see every request. Collectors and salespeople see the
    requests on their customers, those they made, and those awaiting their decision.
    Customer users and users without a role see none.
    """
    requests = _listing(ApprovalRequest.objects.all())
    if not user.is_authenticated:
        return requests.none()
    if user.is_superuser:
        return requests
    roles = user_roles(user) - {CUSTOMER}
    if not roles:
        return requests.none()
    allowed = customer_filter(user)
    if allowed is None:
        return requests
    mine = Q(requested_by=user) | Q(pk__in=approvals_inbox(user=user).values("pk"))
    on_my_customers = Q(customer__in=Customer.objects.filter(allowed).values("pk"))
    return requests.filter(mine | on_my_customers)


def approvals_inbox(*, user) -> QuerySet[ApprovalRequest]:
    """Pending requests ``user`` may decide now: they hold a role of the current step, did not
    make the request and decided no other step of it. Oldest first."""
    requests = _listing(ApprovalRequest.objects.filter(status=Status.PENDING))
    roles = user_roles(user) if user.is_authenticated else set()
    if not roles:
        return requests.none()
    holds_a_role = Q()
    for role in sorted(roles):
        holds_a_role |= Q(current_step__roles__contains=f",{role},")
    decided_another_step = ApprovalDecision.objects.filter(
        request=OuterRef("pk"), actor=user, decision__in=(Decision.APPROVE, Decision.REJECT)
    ).exclude(step=OuterRef("current_step"))
    return (
        requests.filter(holds_a_role)
        .exclude(requested_by=user)
        .exclude(Exists(decided_another_step))
        .order_by("created_at", "id")
    )


def approvals_requested_by(*, user) -> QuerySet[ApprovalRequest]:
    return _listing(ApprovalRequest.objects.filter(requested_by=user))


def approval_history(*, request: ApprovalRequest) -> QuerySet[ApprovalDecision]:
    """Every submission, decision and reconsideration of the request, in the order made."""
    return request.decisions.select_related("actor", "step").order_by("created_at", "id")


def approval_chains() -> dict[str, list[ApprovalStep]]:
    """The chain of every kind that has one, steps in order."""
    chains: dict[str, list[ApprovalStep]] = {}
    for step in ApprovalStep.objects.order_by("kind", "position"):
        chains.setdefault(step.kind, []).append(step)
    return chains


def approval_chain(*, kind: str) -> list[ApprovalStep]:
    return list(ApprovalStep.objects.filter(kind=kind).order_by("position"))


def may_edit_chains(user) -> bool:
    return may(user, "chain.edit")
