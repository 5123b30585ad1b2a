"""What every page shares: who may see it, today's date, pagination."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

from huikuan.accounts.permissions import require

PAGE_SIZE = 50


def page_for(action: str) -> Callable[[Callable], Callable]:
    """Logged in, and allowed ``action`` (``huikuan.accounts.permissions``), else 403."""

    def decorate(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def guarded(request: HttpRequest, *args, **kwargs):
            require(request.user, action)
            return view(request, *args, **kwargs)

        return guarded

    return decorate


def model_page(permission: str) -> Callable[[Callable], Callable]:
    """A page that reads records: the user must be signed in and hold the model's ``permission``
    (``app.view_model``); writes on the page ask :func:`page_for` / ``require`` per action."""

    def decorate(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def guarded(request: HttpRequest, *args, **kwargs):
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return guarded

    return decorate


def staff_page(view: Callable) -> Callable:
    """Logged in, and a role that reads the ledger; the rows shown are then the user's scope
    (a customer user's: their own customer)."""
    return page_for("ledger.read")(view)


def page_of(request: HttpRequest, queryset: QuerySet, per_page: int = PAGE_SIZE) -> Page:
    """One page, counted and sliced in the database."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def template_for(request: HttpRequest, page: str, fragment: str) -> str:
    """HTMX requests (search as you type, paging) get only the table."""
    return fragment if getattr(request, "htmx", False) else page
