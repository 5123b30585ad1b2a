"""What a role may do through the API.

Reads need the model's ``view_*`` permission. Every write (POST, PUT, PATCH, DELETE) is an
action of ``huikuan.accounts.permissions``: a view names it in ``write_actions``, keyed by
the viewset action (``"create"``, ``"release"``) or by the HTTP method (``"POST"``), and the
web and the CLI ask the same rule. A write whose view names no action is refused: a new
endpoint is closed until someone decides who may use it.

Which rows are reachable is the scope's business (``huikuan.accounts.access``); this
decides only whether the verb is allowed at all.
"""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission, DjangoModelPermissions

from huikuan.accounts.permissions import may


def write_action(request, view) -> str | None:
    """The action ``view`` declares for this request's write, or None."""
    actions: dict[str, str] = getattr(view, "write_actions", {})
    return actions.get(getattr(view, "action", None) or "") or actions.get(request.method)


class WriteAction(BasePermission):
    """Writes only: the declared action's rule. Reads pass through to the other permissions."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        if not user or not user.is_authenticated:
            return False
        action = write_action(request, view)
        return action is not None and may(user, action)


class RolePermissions(DjangoModelPermissions):
    """Reads by the model's ``view_*`` permission; writes by their declared action."""

    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return super().has_permission(request, view)
        return WriteAction().has_permission(request, view)
