"""Reading early warnings: who sees which (a collector only their customers'), and a
warning's sentence in the reader's language, made from its stored figures."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from huikuan.accounts.access import access_customers, customer_filter
from huikuan.approvals.models import Notification
from huikuan.core.errors import RuleViolation
from huikuan.finance.models import EarlyWarning, WarningGrade, WarningRule, WarningStatus

_SENTENCES = {
    WarningRule.CREDIT_USAGE: lambda f: (
        _(
            "Credit used %(usage_percent)s%% of the limit (%(exposure)s of %(credit_limit)s; "
            "warned from %(threshold_percent)s%%)."
        )
        % f
    ),
    WarningRule.BROKEN_PROMISE: lambda f: (
        _("Promise to pay %(amount)s %(currency)s by %(promised_date)s broken (paid %(paid)s).") % f
    ),
    WarningRule.NEWLY_OVERDUE: lambda f: (
        _(
            "Invoice %(invoice)s is %(days_overdue)s days overdue (more than %(threshold_days)s); "
            "balance %(balance)s."
        )
        % f
    ),
    WarningRule.LARGE_DUE_SOON: lambda f: (
        _("Large invoice %(invoice)s of %(balance)s falls due on %(due_date)s.") % f
    ),
    WarningRule.ALTMAN_DISTRESS: lambda f: (
        _("Altman Z %(z_score)s (statement of %(statement_date)s) is in the distress zone.") % f
    ),
    WarningRule.CLASS_DOWNGRADE: lambda f: (
        _("Credit class downgraded from %(from_class)s to %(to_class)s.") % f
    ),
    WarningRule.PAYMENT_WORSENING: lambda f: (
        _("Payment score fell to %(payment_score)s in %(period)s from %(previous_score)s.") % f
    ),
}


def warning_sentence(warning: EarlyWarning) -> str:
    """What the warning says, in the active language."""
    sentence = _SENTENCES.get(warning.rule)
    try:
        return sentence(warning.figures) if sentence else warning.rule
    except (KeyError, TypeError, ValueError):
        return warning.get_rule_display()


def access_warnings(*, user) -> QuerySet[EarlyWarning]:
    """The warnings ``user`` may see: all for unscoped roles, their customers' for the others."""
    warnings = EarlyWarning.objects.select_related("customer", "invoice")
    if customer_filter(user) is None:
        return warnings
    return warnings.filter(customer__in=access_customers(user=user))


def warnings_filtered(
    warnings: QuerySet[EarlyWarning],
    *,
    grade: str | int | None = None,
    status: str | None = None,
    rule: str | None = None,
) -> QuerySet[EarlyWarning]:
    """``warnings`` narrowed by grade (1-3), status (open, acknowledged) and rule; bad values refused."""
    if grade not in (None, ""):
        if str(grade) not in {str(value) for value in WarningGrade.values}:
            raise RuleViolation(f"grade: one of 1, 2, 3, not {grade!r}")
        warnings = warnings.filter(grade=int(grade))
    if status not in (None, ""):
        if status not in WarningStatus.values:
            raise RuleViolation(f"status: one of {', '.join(WarningStatus.values)}, not {status!r}")
        warnings = warnings.filter(status=status)
    if rule not in (None, ""):
        if rule not in WarningRule.values:
            raise RuleViolation(f"rule: one of {', '.join(WarningRule.values)}, not {rule!r}")
        warnings = warnings.filter(rule=rule)
    return warnings


def warning_as_dict(warning: EarlyWarning) -> dict[str, Any]:
    return {
        "id": warning.pk,
        "rule": warning.rule,
        "grade": warning.grade,
        "customer_code": warning.customer.code,
        "customer_name": warning.customer.name,
        "invoice": warning.invoice.number if warning.invoice_id else None,
        "raised_on": warning.raised_on.isoformat(),
        "message": warning_sentence(warning),
        "figures": warning.figures,
        "routed_to": warning.routed_to,
        "status": warning.status,
        "acknowledged_by": warning.acknowledged_by,
        "acknowledged_at": warning.acknowledged_at.isoformat() if warning.acknowledged_at else None,
        "note": warning.note,
    }


def unread_warning_notifications(*, user) -> QuerySet[Notification]:
    """The user's in-app notifications of early warnings not yet read (they belong to no
    approval request); opening the Early warnings page reads them."""
    return Notification.objects.filter(user=user, request__isnull=True, read_at__isnull=True)
