"""Template tags of the approvals pages: the inbox count in the navigation, kind labels."""

from __future__ import annotations

from django import template

from huikuan.approvals.selectors import approvals_inbox
from huikuan.web.labels import approval_kind as kind_label

register = template.Library()


@register.simple_tag(takes_context=True)
def approvals_pending_count(context) -> int:
    """How many requests await the signed-in user's decision (one query)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return approvals_inbox(user=user).count()


@register.filter
def approval_kind(kind: str) -> str:
    return kind_label(kind)
