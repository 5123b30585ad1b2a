"""The kinds of approval request, registered by the apps that act on the outcome.

An app calls :func:`register_kind` from its ``AppConfig.ready``, or names a function that
does (:func:`register_kinds_later`) so that start-up does not import its callbacks' modules;
the approvals app then calls
``on_approved`` inside the transaction of the final approval, so the effect and the decision
commit together, and ``on_rejected`` inside the transaction of a rejection.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.module_loading import import_string

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
# Dotted paths of functions that register kinds, called when a kind is first looked up.
_LATER: list[str] = []


def register_kinds_later(registrar: str) -> None:
    """Call the function at ``registrar`` (a dotted path) before the first look-up: an app's
    ``ready()`` names its registrations without importing their modules (a command that never
    decides an approval does not load them)."""
    _LATER.append(registrar)


def _kinds() -> dict[str, Kind]:
    while _LATER:
        import_string(_LATER.pop(0))()
    return _KINDS


def register_kind(
    kind: str, *, label: Any, on_approved: Callback, on_rejected: Callback | None = None
) -> None:
    """Make ``kind`` requestable; registering it again replaces the callbacks (reloads, tests)."""
    if not kind or len(kind) > 64:
        raise ValueError(f"an approval kind is 1 to 64 characters: {kind!r}")
    _kinds()[kind] = Kind(kind=kind, label=label, on_approved=on_approved, on_rejected=on_rejected)


def unregister_kind(kind: str) -> None:
    _kinds().pop(kind, None)


def kind_get(kind: str) -> Kind:
    try:
        return _kinds()[kind]
    except KeyError:
        raise RuleViolation(f"unknown approval kind {kind!r}") from None


def kind_label(kind: str) -> str:
    registered = _kinds().get(kind)
    return str(registered.label) if registered else kind


def registered_kinds() -> list[str]:
    return sorted(_kinds())
