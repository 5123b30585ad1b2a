"""What the collections pages share: the permission guard, the day of a query string, the
form fields for money and dates."""

from __future__ import annotations

from datetime import date

from django import forms
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy

from huikuan.web.fields import BusinessDateField
from huikuan.web.views.common import model_page
from huikuan.web.widgets import IsoDateInput

SOURCE = "web:collections"
collections_page = model_page  # a page that reads records: see huikuan.web.views.common


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
