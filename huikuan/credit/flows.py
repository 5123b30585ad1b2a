"""Credit decisions that go through approvals (SPEC §5): class changes, term extensions,
order releases, hold lifts and credit-limit applications, and the quarterly review.

Each ``*_request`` service files an approval request of its kind; the callbacks registered
in ``CreditConfig.ready`` carry out the decision inside the approval's transaction, so the
effect and the decision commit together. The date of an approved effect is the day it was
approved, in the company's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huikuan.approvals.models import ApprovalRequest, Status
from huikuan.approvals.registry import register_kind
from huikuan.approvals.services import approval_request_submit
from huikuan.core.errors import RuleViolation
from huikuan.core.money import is_whole_cents
from huikuan.core.policy import policy_value
from huikuan.credit import figures
from huikuan.credit.models import (
    CheckStatus,
    CreditEvaluation,
    CreditHold,
    CreditLimitApplication,
    Order,
    RequestStatus,
    TermExtensionRequest,
)
from huikuan.credit.notices import customer_notice_enqueue
from huikuan.credit.orders import orders_recheck_enqueue
from huikuan.credit.pricing import waits_for_price
from huikuan.credit.scoring import is_below
from huikuan.credit.selectors import limit_ceiling, quarter_last_month
from huikuan.credit.services import (
    credit_evaluate,
    customer_class_change,
    customer_hold_lift,
    customer_hold_place,
    order_release,
    period_bounds,
    system_user,
)
from huikuan.ledger.models import CreditClass, Customer, Invoice
from huikuan.ledger.services import customer_term_grant, granted_term_days, invoice_extend_term

CLASS_CHANGE = "class_change"
TERM_EXTENSION = "term_extension"
ORDER_RELEASE = "order_release"
HOLD_LIFT = "hold_lift"
CREDIT_LIMIT = "credit_limit"
CUSTOMER_TERMS = "customer_terms"


# ---------------------------------------------------------------- class changes


@dataclass
class ClassProposal:
    customer_code: str
    from_class: str
    to_class: str
    approval_number: str = ""  # empty when applied at once (CREDIT_CLASS_AUTO_APPLY)

    def as_dict(self) -> dict:
        return {
            "customer_code": self.customer_code,
            "from_class": self.from_class,
            "to_class": self.to_class,
            "approval_number": self.approval_number,
            "applied": not self.approval_number,
        }


def _pending_class_changes() -> dict[int, set[str]]:
    pending: dict[int, set[str]] = {}
    rows = ApprovalRequest.objects.filter(kind=CLASS_CHANGE, status=Status.PENDING).values_list(
        "customer_id", "payload"
    )
    for customer_id, payload in rows:
        pending.setdefault(customer_id, set()).add((payload or {}).get("to_class", ""))
    return pending


@transaction.atomic
def evaluations_propose(
    *, evaluations: list[CreditEvaluation], requested_by=None, source: str = "evaluation"
) -> list[ClassProposal]:
    """Turn each evaluation whose proposed class differs from the customer's into a
    ``class_change`` request, or apply it at once when CREDIT_CLASS_AUTO_APPLY is set.

    An evaluation already proposed, or a class already pending approval for the customer,
    is not proposed again: running this twice files nothing new.
    """
    auto = policy_value("CREDIT_CLASS_AUTO_APPLY")
    requester = requested_by or system_user()
    pending = _pending_class_changes()
    proposals = []
    for evaluation in evaluations:
        customer = evaluation.customer
        current, proposed = customer.credit_class, evaluation.proposed_class
        if proposed == current or evaluation.approval_number:
            continue
        if proposed in pending.get(customer.pk, set()):
            continue
        if auto:
            customer_class_change(
                customer=customer, to_class=proposed, source="auto", evaluation=evaluation, actor=requested_by
            )
            customer.credit_class = proposed
            proposals.append(ClassProposal(customer.code, current, proposed))
            continue
        request = approval_request_submit(
            kind=CLASS_CHANGE,
            requested_by=requester,
            summary=_("%(code)s: credit class %(before)s → %(after)s (evaluation %(period)s)")
            % {
                "code": customer.code,
                "before": current or "-",
                "after": proposed,
                "period": evaluation.period,
            },
            customer=customer,
            payload={
                "evaluation_id": evaluation.pk,
                "period": evaluation.period,
                "from_class": current,
                "to_class": proposed,
                "total": str(evaluation.total_score),
                "source": source,
            },
            subject_ref=f"evaluation:{evaluation.pk}",
        )
        evaluation.approval_number = request.number
        evaluation.save(update_fields=["approval_number"])
        pending.setdefault(customer.pk, set()).add(proposed)
        proposals.append(ClassProposal(customer.code, current, proposed, request.number))
    return proposals


@transaction.atomic
def class_downgrade_request(
    *, customer: Customer, to_class: str, requested_by, reason: str, subject_ref: str, source: str = "penalty"
) -> ApprovalRequest:
    """Send a downgrade decided outside the evaluation (a collections penalty, seed 003) to the
    credit manager as a ``class_change`` approval; the class changes when it is approved. A
    change to the same class already pending is returned, not filed again."""
    order = CreditClass.values
    if to_class not in order:
        raise RuleViolation(_("a downgrade names the proposed class (A–D)"))
    if customer.credit_class and order.index(to_class) <= order.index(customer.credit_class):
        raise RuleViolation(
            _("%(to)s is no downgrade from customer %(code)s's class %(cls)s")
            % {"to": to_class, "code": customer.code, "cls": customer.credit_class}
        )
    pending = ApprovalRequest.objects.filter(
        kind=CLASS_CHANGE, status=Status.PENDING, customer=customer, payload__to_class=to_class
    ).first()
    if pending is not None:
        return pending
    return approval_request_submit(
        kind=CLASS_CHANGE,
        requested_by=requested_by,
        summary=_("%(code)s: credit class %(before)s → %(after)s (penalty: %(reason)s)")
        % {
            "code": customer.code,
            "before": customer.credit_class or "-",
            "after": to_class,
            "reason": reason,
        },
        customer=customer,
        payload={
            "from_class": customer.credit_class,
            "to_class": to_class,
            "source": source,
            "reason": reason,
        },
        subject_ref=subject_ref,
    )


def _class_change_approved(request: ApprovalRequest, actor) -> None:
    evaluation = CreditEvaluation.objects.filter(pk=request.payload.get("evaluation_id")).first()
    customer_class_change(
        customer=request.customer,
        to_class=request.payload["to_class"],
        source="approval",
        evaluation=evaluation,
        approval_number=request.number,
        actor=actor,
    )


# ---------------------------------------------------------------- term extensions


@transaction.atomic
def term_extension_request(
    *, invoice: Invoice, days: int, reason: str, requested_by, requested_on: date | None = None
) -> TermExtensionRequest:
    """Ask for ``days`` more on an invoice (SPEC §5.2): class A/B customers up to the set total
    (+30 days), approved by a department head or above; class C and D are refused at once."""
    customer = invoice.customer
    allowed = policy_value("CREDIT_EXTENSION_CLASSES")
    if customer.credit_class not in allowed or not customer.credit_class:
        raise RuleViolation(
            _("class %(cls)s customers get no term extension; only classes %(allowed)s may ask for one")
            % {"cls": customer.credit_class or "-", "allowed": "/".join(allowed)}
        )
    if not reason.strip():
        raise RuleViolation(_("a term extension needs its reason"))
    limit = policy_value("MAX_TERM_EXTENSION_DAYS")
    already = (invoice.due_date - invoice.original_due_date).days
    if days <= 0:
        raise RuleViolation(_("an extension moves the due date later; got %(days)s days") % {"days": days})
    if already + days > limit:
        raise RuleViolation(
            _("extensions may add at most %(limit)s days in all; invoice %(number)s already has %(already)s")
            % {"limit": limit, "number": invoice.number, "already": already}
        )
    if TermExtensionRequest.objects.filter(invoice=invoice, status=RequestStatus.PENDING).exists():
        raise RuleViolation(
            _("invoice %(number)s already has an extension request pending") % {"number": invoice.number}
        )
    extension_request = TermExtensionRequest.objects.create(
        invoice=invoice,
        days=days,
        reason=reason,
        requested_by=requested_by,
        requested_on=requested_on or timezone.localdate(),
    )
    approval = approval_request_submit(
        kind=TERM_EXTENSION,
        requested_by=requested_by,
        summary=_("%(number)s: %(days)s more days (class %(cls)s): %(reason)s")
        % {"number": invoice.number, "days": days, "cls": customer.credit_class, "reason": reason},
        customer=customer,
        amount=invoice.open_amount,
        currency=invoice.currency,
        fx_rate=invoice.fx_rate,
        payload={"request_id": extension_request.pk, "invoice_number": invoice.number, "days": days},
        subject_ref=f"invoice:{invoice.number}",
    )
    extension_request.approval_number = approval.number
    extension_request.save(update_fields=["approval_number"])
    return extension_request


def _term_extension_approved(request: ApprovalRequest, actor) -> None:
    extension_request = TermExtensionRequest.objects.select_related("invoice").get(
        pk=request.payload["request_id"]
    )
    extension_request.extension = invoice_extend_term(
        invoice=extension_request.invoice,
        days=extension_request.days,
        reason=extension_request.reason,
        approved_by=actor.get_username(),
        granted_on=timezone.localdate(),
    )
    extension_request.status = RequestStatus.APPROVED
    extension_request.decided_at = timezone.now()
    extension_request.save(update_fields=["extension", "status", "decided_at"])


def _term_extension_rejected(request: ApprovalRequest, actor) -> None:
    TermExtensionRequest.objects.filter(pk=request.payload["request_id"]).update(
        status=RequestStatus.REJECTED, decided_at=timezone.now()
    )


# ---------------------------------------------------------------- a customer's terms


@transaction.atomic
def customer_terms_extension_request(
    *, customer: Customer, days: int, reason: str, requested_by, valid_until: date | None = None
) -> ApprovalRequest:
    """Ask that a customer's terms may exceed its class's by ``days`` (seed 002: terms follow the
    class, plus granted extensions), until ``valid_until`` or without end. Once approved the
    grant raises the ceiling that imports and API writes check the customer's term days against."""
    if days <= 0:
        raise RuleViolation(_("an extension of terms adds days; got %(days)s") % {"days": days})
    if not reason.strip():
        raise RuleViolation(_("an extension of terms needs its reason"))
    if ApprovalRequest.objects.filter(kind=CUSTOMER_TERMS, customer=customer, status=Status.PENDING).exists():
        raise RuleViolation(
            _("customer %(code)s already has an extension of terms pending") % {"code": customer.code}
        )
    until = _("until %(date)s") % {"date": valid_until.isoformat()} if valid_until else _("without end")
    return approval_request_submit(
        kind=CUSTOMER_TERMS,
        requested_by=requested_by,
        summary=_("%(code)s: terms %(days)s days beyond class %(cls)s, %(until)s: %(reason)s")
        % {
            "code": customer.code,
            "days": days,
            "cls": customer.credit_class or "-",
            "until": until,
            "reason": reason,
        },
        customer=customer,
        payload={
            "customer_code": customer.code,
            "days": days,
            "reason": reason,
            "valid_until": valid_until.isoformat() if valid_until else "",
        },
        subject_ref=f"customer:{customer.code}",
    )


def _customer_terms_approved(request: ApprovalRequest, actor) -> None:
    payload = request.payload
    until = payload.get("valid_until") or ""
    customer_term_grant(
        customer=Customer.objects.get(pk=request.customer_id),
        days=int(payload["days"]),
        reason=payload.get("reason", ""),
        approved_by=actor.get_username(),
        granted_on=timezone.localdate(),
        valid_until=date.fromisoformat(until) if until else None,
        approval_number=request.number,
    )


def customer_terms_ceiling(*, customer: Customer, on: date) -> dict:
    """The longest term ``customer`` may have on ``on``: its class's, the days granted and in force,
    and their sum (None without a class)."""
    by_class = policy_value("TERM_DAYS_BY_CLASS")
    granted = granted_term_days(customer_ids=[customer.pk], on=on).get(customer.pk, 0)
    base = by_class.get(customer.credit_class) if customer.credit_class else None
    return {"class_days": base, "granted_days": granted, "ceiling": None if base is None else base + granted}


# ---------------------------------------------------------------- order releases


@transaction.atomic
def order_release_request(*, order: Order, requested_by, reason: str = "") -> ApprovalRequest:
    """Send a blocked order to the credit manager for release (SPEC §5.3)."""
    order = Order.objects.select_for_update().select_related("customer").get(pk=order.pk)
    if order.check_status != CheckStatus.BLOCKED:
        raise RuleViolation(
            _("order %(number)s is not blocked (%(status)s)")
            % {"number": order.number, "status": order.get_check_status_display()}
        )
    if (
        order.release_approval_number
        and ApprovalRequest.objects.filter(
            number=order.release_approval_number, status=Status.PENDING
        ).exists()
    ):
        raise RuleViolation(
            _("order %(number)s is already waiting for release (%(approval)s)")
            % {"number": order.number, "approval": order.release_approval_number}
        )
    if waits_for_price(order):
        # A release gives no shipment approval past the price (seed 002 §价格政策).
        raise RuleViolation(
            _("order %(number)s waits for its price approval %(approval)s")
            % {"number": order.number, "approval": order.price_approval_number}
        )
    reasons = "; ".join(reason_row["message"] for reason_row in order.check_reasons)
    request = approval_request_submit(
        kind=ORDER_RELEASE,
        requested_by=requested_by,
        summary=_("release order %(number)s of %(code)s, blocked: %(reasons)s")
        % {"number": order.number, "code": order.customer.code, "reasons": reasons}
        + (f" — {reason}" if reason else ""),
        customer=order.customer,
        amount=order.amount,
        currency=order.currency,
        fx_rate=order.fx_rate,
        payload={"order_number": order.number, "reasons": order.check_reasons},
        subject_ref=f"order:{order.number}",
    )
    order.release_approval_number = request.number
    order.save(update_fields=["release_approval_number"])
    return request


def _order_release_approved(request: ApprovalRequest, actor) -> None:
    order = Order.objects.get(number=request.payload["order_number"])
    if order.check_status != CheckStatus.BLOCKED:
        return  # it passed by itself meanwhile (re-checked): its shipment approval stands
    order_release(order=order, approval_number=request.number, on=timezone.localdate())


# ---------------------------------------------------------------- holds


@transaction.atomic
def hold_lift_request(*, hold: CreditHold, requested_by, reason: str) -> ApprovalRequest:
    """Ask the credit manager to lift a credit hold."""
    hold = CreditHold.objects.select_for_update().select_related("customer").get(pk=hold.pk)
    if hold.lifted_on is not None:
        raise RuleViolation(_("this hold was already lifted on %(day)s") % {"day": hold.lifted_on})
    if not reason.strip():
        raise RuleViolation(_("lifting a hold needs its reason"))
    if (
        hold.lift_approval_number
        and ApprovalRequest.objects.filter(number=hold.lift_approval_number, status=Status.PENDING).exists()
    ):
        raise RuleViolation(
            _("lifting this hold is already waiting for approval (%(approval)s)")
            % {"approval": hold.lift_approval_number}
        )
    request = approval_request_submit(
        kind=HOLD_LIFT,
        requested_by=requested_by,
        summary=_("lift the credit hold of %(code)s (%(hold)s): %(reason)s")
        % {"code": hold.customer.code, "hold": _(hold.reason) if hold.reason else "", "reason": reason},
        customer=hold.customer,
        payload={"hold_id": hold.pk, "reason": reason},
        subject_ref=f"hold:{hold.pk}",
    )
    hold.lift_approval_number = request.number
    hold.save(update_fields=["lift_approval_number"])
    return request


def _hold_lift_approved(request: ApprovalRequest, actor) -> None:
    hold = CreditHold.objects.get(pk=request.payload["hold_id"])
    customer_hold_lift(hold=hold, on=timezone.localdate(), approval_number=request.number, actor=actor)


# ---------------------------------------------------------------- credit limits


@transaction.atomic
def credit_limit_apply(
    *, customer: Customer, amount: Decimal, requested_by, reason: str = "", requested_on: date | None = None
) -> CreditLimitApplication:
    """Apply for a new credit limit (信用额度申请): the chain of SPEC §5.3, with the CFO above
    the first threshold and the president above the second (the chain's own settings)."""
    if amount < 0 or not is_whole_cents(amount):
        raise RuleViolation(_("a credit limit is a non-negative amount with at most 2 decimal places"))
    if CreditLimitApplication.objects.filter(customer=customer, status=RequestStatus.PENDING).exists():
        raise RuleViolation(
            _("%(code)s already has a credit-limit application pending") % {"code": customer.code}
        )
    currency = policy_value("FUNCTIONAL_CURRENCY")
    application = CreditLimitApplication.objects.create(
        customer=customer,
        amount=amount,
        currency=currency,
        previous_limit=customer.credit_limit,
        reason=reason,
        requested_by=requested_by,
        requested_on=requested_on or timezone.localdate(),
    )
    ceiling = limit_ceiling(customer=customer)
    above = ceiling is not None and amount > ceiling.ceiling
    summary = _("%(code)s: credit limit %(before)s → %(after)s %(currency)s") % {
        "code": customer.code,
        "before": "-" if customer.credit_limit is None else f"{customer.credit_limit:.2f}",
        "after": f"{amount:.2f}",
        "currency": currency,
    }
    if above:
        summary += _(" (above the Z-score ceiling of %(ceiling)s)") % {"ceiling": f"{ceiling.ceiling:.2f}"}
    request = approval_request_submit(
        kind=CREDIT_LIMIT,
        requested_by=requested_by,
        summary=summary,
        customer=customer,
        amount=amount,
        currency=currency,
        payload={
            "application_id": application.pk,
            "reason": reason,
            "ceiling": None if ceiling is None else ceiling.as_dict(),
            "above_ceiling": above,
        },
        subject_ref=f"customer:{customer.code}",
        escalate=above,
    )
    application.approval_number = request.number
    application.save(update_fields=["approval_number"])
    return application


def _credit_limit_approved(request: ApprovalRequest, actor) -> None:
    application = CreditLimitApplication.objects.get(pk=request.payload["application_id"])
    customer = Customer.objects.select_for_update().get(pk=application.customer_id)
    application.previous_limit = customer.credit_limit
    application.status = RequestStatus.APPROVED
    application.decided_at = timezone.now()
    application.save(update_fields=["previous_limit", "status", "decided_at"])
    customer.credit_limit = application.amount
    customer.save(update_fields=["credit_limit"])
    today = timezone.localdate()
    raised = application.previous_limit is None or application.amount > application.previous_limit
    if raised:
        orders_recheck_enqueue(customer_ids=[customer.pk], on=today, reason="limit")
    customer_notice_enqueue(
        customer=customer,
        notice="credit_limit",
        reference=f"credit_limit:{application.pk}",
        on=today,
        facts={
            "credit_limit": f"{application.amount:.2f}",
            "previous_limit": ""
            if application.previous_limit is None
            else f"{application.previous_limit:.2f}",
            "currency": application.currency,
            "approval_number": request.number,
        },
    )


def _credit_limit_rejected(request: ApprovalRequest, actor) -> None:
    CreditLimitApplication.objects.filter(pk=request.payload["application_id"]).update(
        status=RequestStatus.REJECTED, decided_at=timezone.now()
    )


# ---------------------------------------------------------------- quarterly review


@dataclass
class ReviewResult:
    as_of: date
    period: str
    evaluated: int = 0
    downgrades: list[ClassProposal] = field(default_factory=list)
    holds: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "period": self.period,
            "evaluated": self.evaluated,
            "downgrades": [proposal.as_dict() for proposal in self.downgrades],
            "holds": self.holds,
        }


def _quarter_before(period: str) -> str:
    first, _ = period_bounds(period)
    month = first.month - 3
    year = first.year + (month - 1) // 12
    return f"{year:04d}-{(month - 1) % 12 + 1:02d}"


@transaction.atomic
def credit_review(*, as_of: date, requested_by=None) -> ReviewResult:
    """The quarterly review (SPEC §5.3), idempotent for the same date.

    1. Re-evaluates every customer for the last month of the latest quarter ended by ``as_of``.
    2. Proposes a downgrade where payment behaviour worsened: the proposed class is below the
       customer's class, and the payment score is under that class's payment threshold or
       fell since the evaluation a quarter earlier. Other changes of class are left to the
       monthly evaluation.
    3. Puts every customer with anything overdue CREDIT_HOLD_OVERDUE_DAYS (90) days or more
       on credit hold (source ``review``).
    """
    period = quarter_last_month(as_of)
    run = credit_evaluate(period=period, evaluated_by="review")
    result = ReviewResult(as_of=as_of, period=period, evaluated=len(run.evaluations))
    thresholds = policy_value("CREDIT_CLASS_THRESHOLDS")
    earlier = {
        evaluation.customer_id: evaluation
        for evaluation in CreditEvaluation.objects.filter(period=_quarter_before(period)).order_by("version")
    }
    worsening = []
    for evaluation in run.evaluations:
        current = evaluation.customer.credit_class
        if not current or not is_below(evaluation.proposed_class, current):
            continue
        payment_floor = thresholds.get(current, {}).get("payment")
        before = earlier.get(evaluation.customer_id)
        score = evaluation.payment_score  # none: insufficient data, no fall shown
        fell = score is not None and before is not None and before.payment_score is not None
        fell = fell and score < before.payment_score
        under = score is not None and payment_floor is not None and score < Decimal(payment_floor)
        if fell or under:
            worsening.append(evaluation)
    result.downgrades = evaluations_propose(evaluations=worsening, requested_by=requested_by, source="review")
    hold_days = policy_value("CREDIT_HOLD_OVERDUE_DAYS")
    # Overdue "90 days or more": due before as_of − 89 days, i.e. more than 89 days past due.
    overdue = figures.overdue_beyond_by_customer(as_of=as_of, days=hold_days - 1)
    customers = Customer.objects.in_bulk(list(overdue))
    for customer_id, (amount, oldest_due) in sorted(overdue.items()):
        customer = customers[customer_id]
        already = CreditHold.objects.filter(
            customer=customer, source="review", lifted_on__isnull=True
        ).exists()
        if already:
            continue
        customer_hold_place(
            customer=customer,
            reason=_("%(amount)s overdue %(days)s days or more (oldest due %(due)s)")
            % {"amount": f"{amount:.2f}", "days": hold_days, "due": oldest_due.isoformat()},
            source="review",
            on=as_of,
            actor=requested_by,
        )
        result.holds.append({"customer_code": customer.code, "overdue_amount": f"{amount:.2f}"})
    return result


def register_approval_kinds() -> None:
    register_kind(CLASS_CHANGE, label=gettext_lazy("credit class change"), on_approved=_class_change_approved)
    register_kind(
        TERM_EXTENSION,
        label=gettext_lazy("term extension"),
        on_approved=_term_extension_approved,
        on_rejected=_term_extension_rejected,
    )
    register_kind(
        CUSTOMER_TERMS,
        label=gettext_lazy("extension of a customer's terms"),
        on_approved=_customer_terms_approved,
    )
    register_kind(ORDER_RELEASE, label=gettext_lazy("order release"), on_approved=_order_release_approved)
    register_kind(HOLD_LIFT, label=gettext_lazy("credit hold lift"), on_approved=_hold_lift_approved)
    register_kind(
        CREDIT_LIMIT,
        label=gettext_lazy("credit limit"),
        on_approved=_credit_limit_approved,
        on_rejected=_credit_limit_rejected,
    )
