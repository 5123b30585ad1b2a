"""The kinds of approval request, registered by the apps that act on the outcome.

An app calls :func:`register_kind` from its ``AppConfig.ready``; the approvals app then calls
``on_approved`` inside the transaction of the final approval, so the effect and the decision
commit together, and ``on_rejected`` inside the transaction of a rejection.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from huikuan.core.errors import RuleViolation

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from huikuan.approvals.models import ApprovalRequest

    Callback = Callable[[ApprovalRequest, User], None]
else:
    Callback = Callable[[Any, Any], None]


@dataclass(frozen=True)
class Kind:
    kind: str
    label: Any
    on_approved: Callback
    on_rejected: Callback | None = None


_KINDS: dict[str, Kind] = {}


def register_kind(
    kind: str, *, label: Any, on_approved: Callback, on_rejected: Callback | None = None
) -> None:
    """Make ``kind`` requestable; registering it again replaces the callbacks (reloads, tests)."""
    if not kind or len(kind) > 64:
        raise ValueError(f"an approval kind is 1 to 64 characters: {kind!r}")
    _KINDS[kind] = Kind(kind=kind, label=label, on_approved=on_approved, on_rejected=on_rejected)


def unregister_kind(kind: str) -> None:
    _KINDS.pop(kind, None)


def kind_get(kind: str) -> Kind:
    try:
        return _KINDS[kind]
    except KeyError:
        raise RuleViolation(f"unknown approval kind {kind!r}") from None


def kind_label(kind: str) -> str:
    registered = _KINDS.get(kind)
    return str(registered.label) if registered else kind


def registered_kinds() -> list[str]:
    return sorted(_KINDS)
