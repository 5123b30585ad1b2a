"""The filters the sandboxed template engine adds to Django's built-ins (no ``{% load %}`` needed)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()

CENT = Decimal("0.01")


@register.filter
def money(value: object) -> str:
    """1234.5 → "1,234.50": two decimals, rounded half up, thousands separated."""
    if value is None or value == "":
        return ""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
        return f"{amount.quantize(CENT, rounding=ROUND_HALF_UP):,}"
    except (InvalidOperation, ValueError):
        return str(value)
