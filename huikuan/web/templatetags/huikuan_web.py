"""Template filters of the web pages."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.http import QueryDict
from django.utils.html import conditional_escape, format_html
from django.utils.translation import gettext, pgettext

from huikuan.core import audit
from huikuan.core.money import amount_text
from huikuan.core.policy import policy_value
from huikuan.credit.reasons import reason_sentence
from huikuan.web import labels
from huikuan.web.views.imports import importable_kinds

register = template.Library()


@register.filter
def money(value) -> str:
    """``Decimal("1234567.5")`` → ``1,234,567.50``; empty for None."""
    if value is None or value == "":
        return ""
    return amount_text(Decimal(value))


@register.filter
def percent(value) -> str:
    """``Decimal("0.0365")`` → ``3.65%``; empty for None."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value) * 100:.2f}%"


@register.filter
def check_reason(reason: dict) -> str:
    """A stored credit-check reason (code, figures) as a sentence in the active language."""
    return reason_sentence(
        code=reason.get("code", ""),
        figures=reason.get("figures") or {},
        currency=policy_value("FUNCTIONAL_CURRENCY"),
        message=reason.get("message", ""),
    )


@register.filter
def audit_who(actor_email: str) -> str:
    """Who made an audited change when no user did, in words (see ``huikuan.web.labels``)."""
    return labels.audit_who(actor_email)


@register.filter
def own_changes(entry) -> list:
    """An audit entry's changes to the record's own fields, as (field, (before, after))."""
    return audit.own_changes(entry)


@register.filter
def audit_field(entry, name: str) -> str:
    """The name people use for a field an audit entry changed (``{{ entry|audit_field:field }}``);
    a field without one shows its code name, as code."""
    label = audit.field_label(entry, name)
    return conditional_escape(label) if label else format_html("<code>{}</code>", name)


@register.filter
def translated(value) -> str:
    """A text stored in English and marked with ``gettext_noop`` (evaluation notes, the
    dunning run's hold reason), in the active language; any other text unchanged."""
    return gettext(value) if value else value


@register.filter
def label(value, kind: str) -> str:
    """A stored code in words: ``{{ action.step_code|label:"step" }}`` (see ``huikuan.web.labels``)."""
    return labels.label(value, kind)


@register.filter
def labels_joined(values, kind: str) -> str:
    """Codes in words, comma-separated: ``{{ policy.risk_segments|labels_joined:"segment" }}``."""
    return (
        pgettext("list separator", ", ").join(labels.label(value, kind) for value in values or ())
        if values
        else ""
    )


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (pagination, sorting)."""
    query: QueryDict = context["request"].GET.copy()
    for name, value in changes.items():
        if value in (None, ""):
            query.pop(name, None)
        else:
            query[name] = value
    return "?" + query.urlencode() if query else "?"


@register.simple_tag(takes_context=True)
def may_import(context) -> bool:
    """Whether the signed-in user may import any kind of file (the navigation's Import link)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and importable_kinds(user))


@register.simple_tag(takes_context=True)
def may_see_warnings(context) -> bool:
    """Whether the signed-in user sees the Early warnings page (staff, not customer users)."""
    from huikuan.accounts.permissions import may

    request = context.get("request")
    return may(getattr(request, "user", None), "staff.read")


@register.simple_tag(takes_context=True)
def warnings_unread_count(context) -> int:
    """The signed-in user's unread early-warning notifications (the navigation's badge)."""
    from huikuan.finance.warning_selectors import unread_warning_notifications

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return unread_warning_notifications(user=user).count()
