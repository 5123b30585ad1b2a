"""Template filters of the web pages."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.http import QueryDict
from django.utils.translation import gettext, pgettext

from huikuan.web import labels

register = template.Library()


@register.filter
def money(value) -> str:
    """``Decimal("1234567.5")`` → ``1,234,567.50``; empty for None."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value):,.2f}"


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
