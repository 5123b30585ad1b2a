"""The one invoice filter set, used by the API's list and the web's invoice page.

``overdue_days=N`` means **more than N days overdue**: still open and due before
``as_of`` − N days (``as_of`` defaults to today), so ``overdue_days=0`` is every overdue
invoice and ``overdue_days=30`` starts at 31 days, as the aging's buckets count.
"""

from __future__ import annotations

from datetime import date

import django_filters
from django.db.models import QuerySet
from django.utils import timezone

from huikuan.core.dates import days_before
from huikuan.ledger.balances import STILL_OPEN
from huikuan.ledger.models import Invoice


def invoices_overdue(invoices: QuerySet[Invoice], *, days: int, as_of: date) -> QuerySet[Invoice]:
    """The invoices of ``invoices`` still open and more than ``days`` days overdue on ``as_of``."""
    # More days back than the calendar goes leaves the calendar's first day: nothing is due before.
    return invoices.filter(open_span=STILL_OPEN, due_date__lt=days_before(as_of, days))


def invoices_open(invoices: QuerySet[Invoice], *, still_open: bool) -> QuerySet[Invoice]:
    """Open balance above zero (``still_open``) or settled; indexed: no scan of the settled ledger."""
    return invoices.filter(open_span=STILL_OPEN) if still_open else invoices.exclude(open_span=STILL_OPEN)


class InvoiceFilter(django_filters.FilterSet):
    customer = django_filters.CharFilter(field_name="customer__code", help_text="Customer code.")
    open = django_filters.BooleanFilter(method="filter_open", help_text="true: open balance above zero.")
    disputed = django_filters.BooleanFilter()
    invoice_date_from = django_filters.DateFilter(field_name="invoice_date", lookup_expr="gte")
    invoice_date_to = django_filters.DateFilter(field_name="invoice_date", lookup_expr="lte")
    due_date_from = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")
    due_date_to = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    as_of = django_filters.DateFilter(
        method="filter_nothing", help_text="The day overdue_days counts back from; default today."
    )
    overdue_days = django_filters.NumberFilter(
        method="filter_overdue",
        min_value=0,
        help_text="Open balance above zero and due more than this many days before as_of.",
    )

    class Meta:
        model = Invoice
        fields = ["customer", "open", "disputed", "currency"]

    def filter_open(self, queryset, name, value):
        return invoices_open(queryset, still_open=value)

    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_overdue(self, queryset, name, value):
        as_of = self.form.cleaned_data.get("as_of") or timezone.localdate()
        return invoices_overdue(queryset, days=int(value), as_of=as_of)
