"""What every page shares: who may see it, today's date, pagination."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 50


def staff_page(view: Callable) -> Callable:
    """Logged in, and a role that reads the ledger; the rows shown are then the user's scope."""

    @login_required
    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs):
        if not request.user.has_perm("ledger.view_customer"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


def page_of(request: HttpRequest, queryset: QuerySet, per_page: int = PAGE_SIZE) -> Page:
    """One page, counted and sliced in the database."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def template_for(request: HttpRequest, page: str, fragment: str) -> str:
    """HTMX requests (search as you type, paging) get only the table."""
    return fragment if getattr(request, "htmx", False) else page
