"""The one approval mechanism: request → chain of steps by role and amount → decisions.

Submitting
    ``approval_request_submit`` refuses a kind that is not registered (``registry.register_kind``)
    or that has no chain. The request copies the steps of its kind's chain that apply to its
    amount (a step with a minimum amount applies when amount × exchange rate ≥ that minimum, in
    the functional currency, CNY), so a later edit of the chain does not change it. A foreign
    amount needs ``fx_rate`` (units of the functional currency per unit).

Deciding (``approval_decide``)
    - Only a user holding one of the roles of the current step decides it; the role is recorded.
    - Segregation of duties: the requester decides no step of their own request, and a user
      decides at most one step of a request (they may decide that same step again after a
      reconsideration re-opened it).
    - ``approve`` moves to the next step; at the last one the request is approved and the kind's
      ``on_approved(request, actor)`` runs in the same transaction: if it raises, nothing of the
      decision is kept.
    - ``reject`` (a comment is required) ends the request; ``on_rejected`` runs, in the same
      transaction.
    - ``reconsider`` (复议, SPEC §1, §5.3; a comment is required): on a rejected request the
      requester or a sales manager may ask, once per request, for reconsideration. The request is
      pending again at the step that rejected it, whose approvers are notified; a second
      reconsideration is refused. ``on_rejected`` is not undone: a kind whose rejection has an
      effect sees the request approved later through ``on_approved`` as usual.
    Every submission and decision is an ``ApprovalDecision`` row (who, role, step, decision,
    comment, when); nothing is deleted.

Notifying
    When a request reaches a step, each active user holding one of its roles (but not the
    requester, nor anyone who decided another step of it) gets a ``Notification`` and, if they
    have an email address, an email after the commit. The requester is told the outcome.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from huikuan.accounts.access import user_roles
from huikuan.accounts.roles import ROLES, SALES_MANAGER
from huikuan.approvals.chains import DEFAULT_CHAINS, applicable_positions, escalated_positions
from huikuan.approvals.models import (
    ApprovalDecision,
    ApprovalRequest,
    ApprovalRequestStep,
    ApprovalStep,
    Decision,
    Notification,
    Status,
    roles_text,
)
from huikuan.approvals.registry import kind_get, kind_label
from huikuan.core.errors import ApplicationError, RuleViolation
from huikuan.core.money import Money, is_whole_cents
from huikuan.core.policy import policy_value

SUMMARY_LENGTH = ApprovalRequest._meta.get_field("summary").max_length

DECISIONS = (Decision.APPROVE, Decision.REJECT, Decision.RECONSIDER)
NUMBER_PREFIX = "AP-"


def _functional_currency() -> str:
    return policy_value("FUNCTIONAL_CURRENCY")


def _next_number() -> str:
    """The number after the last request's: AP-000001, AP-000002, … (gaps in ids do not show)."""
    last = ApprovalRequest.objects.order_by("-id").values_list("number", flat=True).first()
    following = int(last.removeprefix(NUMBER_PREFIX)) + 1 if last else 1
    return f"{NUMBER_PREFIX}{following:06d}"


@transaction.atomic
def approval_request_submit(
    *,
    kind: str,
    requested_by: Any,
    summary: str,
    customer: Any = None,
    amount: Decimal | None = None,
    currency: str = "CNY",
    payload: dict | None = None,
    subject_ref: str = "",
    fx_rate: Decimal | None = None,
    role_minimums: dict[str, Decimal] | None = None,
    escalate: bool = False,
    step: int | None = None,
) -> ApprovalRequest:
    """Open a request of ``kind`` at the first step of its chain that applies to ``amount``.

    ``escalate`` adds the next step of the chain that the amount alone would skip (the first
    one after the last step that applies): a rule of the kind asks a higher approver.

    ``role_minimums`` gives a kind's business setting for steps the chain leaves without a
    minimum amount: such a step whose roles all have a minimum there applies from the smallest
    of them (e.g. a write-off's CFO step from WRITE_OFF_CFO_THRESHOLD). A minimum set on the
    chain's step itself wins.

    ``step`` asks only that step of the chain (1-based; the last one if the chain is shorter):
    a kind whose rule, not the amount, picks the approver (a price approval's level)."""
    kind_get(kind)  # unknown kinds are refused
    chain = list(ApprovalStep.objects.filter(kind=kind).order_by("position"))
    if not chain:
        raise RuleViolation(_("no approval chain is set up for %(kind)s") % {"kind": kind})
    if not summary.strip():
        raise ApplicationError(_("a request needs a summary"))
    if amount is not None:
        if isinstance(amount, float):
            raise ApplicationError("amounts are never floats")
        Money(amount, currency)  # a valid ISO currency
        if amount < 0:
            raise ApplicationError(_("the amount may not be negative"))
    if currency == _functional_currency():
        rate = Decimal("1")
    elif fx_rate is None:
        if amount is not None:
            raise ApplicationError(
                _("an amount in %(currency)s needs the exchange rate to %(functional)s")
                % {"currency": currency, "functional": _functional_currency()}
            )
        rate = Decimal("1")
    else:
        rate = Decimal(fx_rate)
        if rate <= 0:
            raise ApplicationError(_("the exchange rate must be positive"))
    in_functional = None if amount is None else amount * rate
    positions = applicable_positions([_minimum(s, role_minimums) for s in chain], in_functional)
    if escalate and positions:
        positions = escalated_positions(positions, len(chain))
    if step is not None:
        positions = [min(max(step, 1), len(chain)) - 1]
    applying = [chain[i] for i in positions]
    if not applying:
        raise RuleViolation(_("no step of the %(kind)s chain applies to this amount") % {"kind": kind})

    request = None
    for _attempt in range(5):
        try:
            with transaction.atomic():
                request = ApprovalRequest.objects.create(
                    number=_next_number(),
                    kind=kind,
                    customer=customer,
                    amount=amount,
                    currency=currency,
                    fx_rate=rate,
                    # A summary names records (a customer's name can be 300 characters): cut to
                    # what the field and the API's schema hold, not refused.
                    summary=Truncator(summary.strip()).chars(SUMMARY_LENGTH),
                    payload=payload or {},
                    subject_ref=subject_ref,
                    requested_by=requested_by,
                )
            break
        except IntegrityError:  # a concurrent submission took the number: take the next one
            continue
    if request is None:
        raise ApplicationError("could not number the request; try again")
    steps = ApprovalRequestStep.objects.bulk_create(
        ApprovalRequestStep(request=request, position=index, name=step.name, roles=roles_text(step.roles))
        for index, step in enumerate(applying, start=1)
    )
    request.current_step = steps[0]
    request.save(update_fields=["current_step"])
    ApprovalDecision.objects.create(request=request, actor=requested_by, decision=Decision.SUBMIT)
    _notify_approvers(request)
    return request


def _minimum(step: ApprovalStep, role_minimums: dict[str, Decimal] | None) -> Decimal | None:
    if step.min_amount is not None or not role_minimums or not step.roles:
        return step.min_amount
    if all(role in role_minimums for role in step.roles):
        return min(Decimal(role_minimums[role]) for role in step.roles)
    return None


@transaction.atomic
def approval_decide(
    *, request: ApprovalRequest, actor: Any, decision: str, comment: str = ""
) -> ApprovalRequest:
    """Approve or reject the current step, or ask for reconsideration of a rejection."""
    if decision not in DECISIONS:
        raise ApplicationError(
            _("a decision is one of %(choices)s") % {"choices": ", ".join(str(d) for d in DECISIONS)}
        )
    comment = comment.strip()
    if decision in (Decision.REJECT, Decision.RECONSIDER) and not comment:
        raise ApplicationError(_("a comment is required to reject or to ask for reconsideration"))
    # Lock the request: two approvers pressing at once decide one after the other.
    request = (
        ApprovalRequest.objects.select_for_update(of=("self",))
        .select_related("current_step")
        .get(pk=request.pk)
    )
    if decision == Decision.RECONSIDER:
        return _reconsider(request, actor, comment)

    if request.status != Status.PENDING:
        raise RuleViolation(
            _("%(number)s is already %(status)s")
            % {"number": request.number, "status": request.get_status_display()}
        )
    step = request.current_step
    role = _deciding_role(step, actor)
    if role is None:
        raise RuleViolation(
            _("%(step)s is decided by %(roles)s") % {"step": step.name, "roles": ", ".join(step.role_names)}
        )
    if request.requested_by_id == actor.pk:
        raise RuleViolation(_("the requester may not decide their own request"))
    if (
        request.decisions.filter(actor=actor, decision__in=(Decision.APPROVE, Decision.REJECT))
        .exclude(step=step)
        .exists()
    ):
        raise RuleViolation(_("you have already decided another step of this request"))

    now = timezone.now()
    ApprovalDecision.objects.create(
        request=request, step=step, actor=actor, role=role, decision=decision, comment=comment
    )
    kind = kind_get(request.kind)
    if decision == Decision.REJECT:
        request.status = Status.REJECTED
        request.decided_at = now
        request.save(update_fields=["status", "decided_at"])
        if kind.on_rejected is not None:
            kind.on_rejected(request, actor)
        _notify_requester(request)
        return request

    step.approved_by = actor
    step.approved_at = now
    step.save(update_fields=["approved_by", "approved_at"])
    following = request.steps.filter(position__gt=step.position).order_by("position").first()
    if following is not None:
        request.current_step = following
        request.save(update_fields=["current_step"])
        _notify_approvers(request)
        return request
    request.status = Status.APPROVED
    request.decided_at = now
    request.save(update_fields=["status", "decided_at"])
    kind.on_approved(request, actor)
    _notify_requester(request)
    return request


def _reconsider(request: ApprovalRequest, actor: Any, comment: str) -> ApprovalRequest:
    if request.status != Status.REJECTED:
        raise RuleViolation(_("only a rejected request can be reconsidered"))
    if request.reconsidered:
        raise RuleViolation(_("%(number)s has already been reconsidered once") % {"number": request.number})
    roles = user_roles(actor)
    if request.requested_by_id != actor.pk and SALES_MANAGER not in roles:
        raise RuleViolation(_("only the requester or a sales manager may ask for reconsideration"))
    role = SALES_MANAGER if SALES_MANAGER in roles else ""
    ApprovalDecision.objects.create(
        request=request,
        step=request.current_step,
        actor=actor,
        role=role,
        decision=Decision.RECONSIDER,
        comment=comment,
    )
    request.status = Status.PENDING
    request.reconsidered = True
    request.decided_at = None
    request.save(update_fields=["status", "reconsidered", "decided_at"])
    _notify_approvers(request)
    return request


def _deciding_role(step: ApprovalRequestStep, actor: Any) -> str | None:
    """The first role of the step that ``actor`` holds, or None."""
    held = user_roles(actor)
    return next((role for role in step.role_names if role in held), None)


def _approvers(request: ApprovalRequest) -> list:
    step = request.current_step
    others_steps = (
        request.decisions.filter(decision__in=(Decision.APPROVE, Decision.REJECT))
        .exclude(step=step)
        .values("actor_id")
    )
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=step.role_names)
        .exclude(pk=request.requested_by_id)
        .exclude(pk__in=others_steps)
        .distinct()
        .order_by("pk")
    )


def _notify(users: list, request: ApprovalRequest, message: str) -> None:
    Notification.objects.bulk_create(
        Notification(user=user, request=request, message=message) for user in users
    )
    emails = [user.email for user in users if user.email]
    if emails:
        subject = f"[Huikuan] {request.number}: {message}"
        body = f"{message}\n\n{request.number} · {kind_label(request.kind)} · {request.summary}\n"
        # One message per recipient, only once the decision is committed.
        transaction.on_commit(
            lambda: [send_mail(subject, body, None, [email], fail_silently=True) for email in emails]
        )


def _notify_approvers(request: ApprovalRequest) -> None:
    message = _("%(number)s awaits your decision: %(step)s") % {
        "number": request.number,
        "step": request.current_step.name,
    }
    _notify(_approvers(request), request, message)


def _notify_requester(request: ApprovalRequest) -> None:
    message = _("%(number)s was %(status)s") % {
        "number": request.number,
        "status": request.get_status_display(),
    }
    _notify([request.requested_by], request, message)


@transaction.atomic
def notification_mark_read(*, user: Any, notification_ids: list[int] | None = None) -> int:
    """Mark the user's notifications (all of them, or those given) as read; returns how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def approval_chain_set(*, kind: str, steps: list[dict], updated_by: str = "") -> list[ApprovalStep]:
    """Replace the chain of ``kind``: each step a dict of ``name``, ``roles`` and ``min_amount``.

    Requests already submitted keep the steps they copied. An empty list leaves the kind with
    no chain, so that new requests of it are refused.
    """
    if not kind or len(kind) > 64:
        raise ApplicationError(_("a kind is 1 to 64 characters"))
    cleaned = []
    for number, step in enumerate(steps, start=1):
        name = str(step.get("name") or "").strip()
        roles = [str(role) for role in step.get("roles") or []]
        min_amount = step.get("min_amount")
        if not name:
            raise ApplicationError(_("step %(n)s needs a name") % {"n": number})
        if not roles:
            raise ApplicationError(_("step %(n)s needs at least one role") % {"n": number})
        unknown = [role for role in roles if role not in ROLES]
        if unknown:
            raise ApplicationError(
                _("step %(n)s: unknown role(s) %(roles)s") % {"n": number, "roles": ", ".join(unknown)}
            )
        if min_amount in ("", None):
            min_amount = None
        else:
            if isinstance(min_amount, float):
                raise ApplicationError("amounts are never floats")
            try:
                min_amount = Decimal(str(min_amount))
            except ArithmeticError:
                raise ApplicationError(_("step %(n)s: not an amount") % {"n": number}) from None
            if not min_amount.is_finite() or min_amount < 0 or not is_whole_cents(min_amount):
                raise ApplicationError(
                    _("step %(n)s: the minimum amount is a positive amount in cents") % {"n": number}
                )
        cleaned.append((name[:100], list(dict.fromkeys(roles)), min_amount))
    for old in ApprovalStep.objects.filter(kind=kind):
        old.delete()  # each deletion is in the audit trail
    return [
        ApprovalStep.objects.create(
            kind=kind, position=position, name=name, roles=roles, min_amount=min_amount, updated_by=updated_by
        )
        for position, (name, roles, min_amount) in enumerate(cleaned, start=1)
    ]


def approval_chains_install(*, apps: Any = None) -> int:
    """Seed the default chain of each kind that has none; returns how many kinds were seeded.

    Idempotent; an edited chain is never touched. Takes a migration's historical ``apps``.
    """
    step_model = apps.get_model("approvals", "ApprovalStep") if apps is not None else ApprovalStep
    seeded = 0
    for kind, defaults in DEFAULT_CHAINS.items():
        if step_model.objects.filter(kind=kind).exists():
            continue
        step_model.objects.bulk_create(
            step_model(
                kind=kind,
                position=position,
                name=step.name,
                roles=list(step.roles),
                min_amount=step.min_amount,
                updated_by="default",
            )
            for position, step in enumerate(defaults, start=1)
        )
        seeded += 1
    return seeded


__all__ = [
    "approval_chain_set",
    "approval_chains_install",
    "approval_decide",
    "approval_request_submit",
    "notification_mark_read",
]
