"""Template filters of the web pages."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.http import QueryDict
from django.utils.translation import gettext

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
