"""What the collections pages share: the permission guard, the day of a query string, the
form fields for money and dates, and the POST of a form on a customer's timeline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from huikuan.collections.selectors import access_collection_customers
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError
from huikuan.web.fields import BusinessDateField
from huikuan.web.views.common import model_page, page_for
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


def customer_write(action: str, form_class: type[forms.Form]) -> Callable:
    """A POST on a customer's timeline: scope, form, one service call audited, back to the page."""

    def decorate(write: Callable) -> Callable:
        @require_POST
        @page_for(action)
        @wraps(write)
        def view(request: HttpRequest, code: str, **kwargs) -> HttpResponse:
            customer = get_object_or_404(access_collection_customers(user=request.user), code=code)
            form = form_class(request.POST)
            if not form.is_valid():
                messages.error(request, form_errors(form))
            else:
                try:
                    with audit_context(actor=request.user, source=SOURCE):
                        done = write(request, customer, form.cleaned_data, **kwargs)
                except ApplicationError as refused:
                    messages.error(request, refused.message)
                else:
                    if done:
                        messages.success(request, done)
            return redirect("web:customer_collections", code=customer.code)

        return view

    return decorate
