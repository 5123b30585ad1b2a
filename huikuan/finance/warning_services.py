"""Raising, routing and acknowledging early warnings.

:func:`warnings_run` evaluates every rule for a day (the daily job, ``huikuan warnings run``):
a warning is created once per rule × customer × subject (an event or a month), so a second
run of the same day creates nothing. Each new warning is graded by the rule's setting and
routed by the grade's setting: to the customer's collector, or to a role's members (credit
manager, CFO). They get an in-app notification per warning and one digest email per run
with new warnings, queued in the outbox and sent by the queue, never inside a request.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huikuan.approvals.models import Notification
from huikuan.core.errors import RuleViolation
from huikuan.core.policy import policy_value
from huikuan.core.tasks import tasks_enqueue
from huikuan.correspondence.services import email_content, emails_compose, emails_queue
from huikuan.finance.early_warnings import candidates
from huikuan.finance.models import EarlyWarning, WarningStatus
from huikuan.finance.warning_selectors import warning_sentence
from huikuan.ledger.models import Customer

COLLECTOR = "collector"
DIGEST_PURPOSE = "warning_digest"


@dataclass
class WarningRun:
    as_of: date
    created: list[EarlyWarning] = field(default_factory=list)
    already: int = 0
    notifications: int = 0
    digests: int = 0

    def as_dict(self) -> dict[str, Any]:
        by_rule: dict[str, int] = defaultdict(int)
        for warning in self.created:
            by_rule[warning.rule] += 1
        return {
            "as_of": self.as_of.isoformat(),
            "created": len(self.created),
            "already_raised": self.already,
            "by_rule": dict(sorted(by_rule.items())),
            "notifications": self.notifications,
            "digest_emails": self.digests,
        }


def _grade(rule: str) -> int:
    grade = int(policy_value("WARNING_GRADES").get(rule, 2))
    return min(3, max(1, grade))


def _routed_to(grade: int) -> str:
    return str(policy_value(f"WARNING_RECIPIENT_GRADE_{grade}")).strip() or "credit_manager"


def warning_recipients(warning: EarlyWarning) -> list:
    """The active users a warning goes to: the customer's collector (the credit managers when it
    has none), or the members of the routed role."""
    users = get_user_model().objects.filter(is_active=True)
    if warning.routed_to == COLLECTOR:
        collector = warning.customer.collector
        found = list(users.filter(username=collector)) if collector else []
        if found:
            return found
    else:
        found = list(users.filter(groups__name=warning.routed_to).distinct().order_by("pk"))
        if found:
            return found
    # Nobody in the role (or a role misspelt in the settings): the credit managers, so no
    # warning goes unseen.
    return list(users.filter(groups__name="credit_manager").distinct().order_by("pk"))


@transaction.atomic
def warnings_run(*, as_of: date) -> WarningRun:
    """Evaluate every rule on ``as_of``; create, route and notify the warnings not yet raised."""
    run = WarningRun(as_of=as_of)
    found = candidates(as_of)
    existing = set(
        EarlyWarning.objects.filter(subject_key__in={c.subject_key for c in found}).values_list(
            "rule", "customer_id", "subject_key"
        )
    )
    for candidate in found:
        key = (str(candidate.rule), candidate.customer_id, candidate.subject_key)
        if key in existing:
            run.already += 1
            continue
        existing.add(key)
        grade = _grade(str(candidate.rule))
        run.created.append(
            EarlyWarning.objects.create(
                rule=candidate.rule,
                grade=grade,
                customer_id=candidate.customer_id,
                invoice_id=candidate.invoice_id,
                subject_key=candidate.subject_key,
                raised_on=as_of,
                figures=candidate.figures,
                routed_to=_routed_to(grade),
            )
        )
    if run.created:
        _notify(run)
    return run


def _notify(run: WarningRun) -> None:
    customers = Customer.objects.in_bulk({w.customer_id for w in run.created})
    by_user: dict[int, tuple[Any, list[EarlyWarning]]] = {}
    notifications = []
    for warning in run.created:
        warning.customer = customers[warning.customer_id]
        line = _("[%(grade)s] %(customer)s: %(sentence)s") % {
            "grade": warning.get_grade_display(),
            "customer": warning.customer.code,
            "sentence": warning_sentence(warning),
        }
        for user in warning_recipients(warning):
            notifications.append(Notification(user=user, message=line[:500]))
            by_user.setdefault(user.pk, (user, []))[1].append(warning)
    Notification.objects.bulk_create(notifications)
    run.notifications = len(notifications)
    run.digests = _queue_digests(run.as_of, by_user.values())


def _digest_body(as_of: date, warnings: list[EarlyWarning]) -> str:
    lines = [_("Early warnings raised on %(date)s:") % {"date": as_of.isoformat()}, ""]
    for warning in sorted(warnings, key=lambda w: (-w.grade, w.customer.code, w.pk)):
        lines.append(
            f"- [{warning.get_grade_display()}] {warning.customer.code} {warning.customer.name}: "
            f"{warning_sentence(warning)}"
        )
    lines += ["", _("Acknowledge them on the Early warnings page once handled.")]
    return "\n".join(lines) + "\n"


def _queue_digests(as_of: date, recipients: Any) -> int:
    """One digest email per recipient with an address, keyed by the day and the first new
    warning, so a re-run queues nothing again; sent by queued tasks after the commit."""
    entries = []
    for user, warnings in recipients:
        if not user.email:
            continue
        key = f"warning-digest:{as_of.isoformat()}:{user.pk}:{min(w.pk for w in warnings)}"
        subject = _("[Huikuan] %(count)d early warning(s) on %(date)s") % {
            "count": len(warnings),
            "date": as_of.isoformat(),
        }
        entries.append((key, [user.email], subject, _digest_body(as_of, warnings)))
    if not entries:
        return 0
    from huikuan.correspondence.models import OutboundEmail

    emails_queue(purpose=DIGEST_PURPOSE, entries=[(key, to, None) for key, to, _s, _b in entries])
    ids = dict(
        OutboundEmail.objects.filter(idempotency_key__in=[e[0] for e in entries]).values_list(
            "idempotency_key", "pk"
        )
    )
    written = emails_compose(
        entries=[
            (ids[key], email_content(idempotency_key=key, to=to, subject=subject, body=body))
            for key, to, subject, body in entries
        ]
    )
    if written:
        tasks_enqueue(
            func="huikuan.correspondence.services.emails_attempt", kwargs_list=[{"email_ids": written}]
        )
    return len(written)


@transaction.atomic
def warning_acknowledge(*, warning: EarlyWarning, user: Any, note: str = "") -> EarlyWarning:
    """Mark an open warning handled by ``user`` (audited); a warning is acknowledged once."""
    locked = EarlyWarning.objects.select_for_update().get(pk=warning.pk)
    if locked.status == WarningStatus.ACKNOWLEDGED:
        raise RuleViolation(
            f"warning {locked.pk} was already acknowledged by {locked.acknowledged_by or '?'}"
        )
    locked.status = WarningStatus.ACKNOWLEDGED
    locked.acknowledged_by = user.get_username()
    locked.acknowledged_at = timezone.now()
    locked.note = note.strip()[:500]
    locked.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "note"])
    return locked
