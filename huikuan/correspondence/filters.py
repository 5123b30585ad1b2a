"""The filters the sandboxed template engine adds to Django's built-ins (no ``{% load %}`` needed)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from huikuan.core.money import quantize_cents

register = template.Library()


@register.filter
def money(value: object) -> str:
    """1234.5 → "1,234.50": two decimals, rounded half up, thousands separated."""
    if value is None or value == "":
        return ""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
        return f"{quantize_cents(amount):,}"
    except (InvalidOperation, ValueError):
        return str(value)
