"""What the collections pages share: the permission guard, the day of a query string, the
form fields for money and dates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy

from huikuan.web.fields import BusinessDateField
from huikuan.web.widgets import IsoDateInput

SOURCE = "web:collections"


def collections_page(permission: str) -> Callable:
    def decorate(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def guarded(request: HttpRequest, *args, **kwargs):
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return guarded

    return decorate


def day_of(request: HttpRequest, name: str = "date", default: date | None = None) -> date:
    text = request.GET.get(name, "")
    try:
        day = date.fromisoformat(text) if text else None
    except ValueError:
        day = None
    # The ladder counts back and forth from the day: keep it well inside the calendar.
    if day is None or not 1900 <= day.year <= 9000:
        return default or timezone.localdate()
    return day


def money_field(required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=gettext_lazy("Amount"), max_digits=18, decimal_places=2, min_value=0, required=required
    )


def date_field(label: str, required: bool = True) -> forms.DateField:
    return BusinessDateField(label=label, required=required, widget=IsoDateInput())


def form_errors(form: forms.Form) -> str:
    return "; ".join(message for messages_ in form.errors.values() for message in messages_)
