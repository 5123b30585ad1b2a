"""Query-string filters of the list endpoints: customer code, open only, date ranges."""

from __future__ import annotations

import django_filters
from django.utils import timezone

from huikuan.core.dates import days_before
from huikuan.ledger.balances import STILL_OPEN
from huikuan.ledger.models import Allocation, CreditNote, Customer, CustomerStatus, Invoice, Payment


class CustomerFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CustomerStatus.choices)
    credit_class = django_filters.CharFilter()
    collector = django_filters.CharFilter()
    salesperson = django_filters.CharFilter()
    department = django_filters.CharFilter()

    class Meta:
        model = Customer
        fields = ["status", "credit_class", "collector", "salesperson", "department"]


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
        still_open = {"open_span": STILL_OPEN}  # indexed: no scan of the settled ledger
        return queryset.filter(**still_open) if value else queryset.exclude(**still_open)

    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_overdue(self, queryset, name, value):
        as_of = self.form.cleaned_data.get("as_of") or timezone.localdate()
        # More days back than the calendar goes leaves the calendar's first day: nothing is due before.
        before = days_before(as_of, int(value))
        return queryset.filter(open_span=STILL_OPEN, due_date__lt=before)


class PaymentFilter(django_filters.FilterSet):
    customer = django_filters.CharFilter(field_name="customer__code", help_text="Customer code.")
    open = django_filters.BooleanFilter(method="filter_open", help_text="true: money left on account.")
    payment_date_from = django_filters.DateFilter(field_name="payment_date", lookup_expr="gte")
    payment_date_to = django_filters.DateFilter(field_name="payment_date", lookup_expr="lte")

    class Meta:
        model = Payment
        fields = ["customer", "open", "method", "currency"]

    def filter_open(self, queryset, name, value):
        on_account = {"open_span": STILL_OPEN}  # money left on account; indexed
        return queryset.filter(**on_account) if value else queryset.exclude(**on_account)


class AllocationFilter(django_filters.FilterSet):
    customer = django_filters.CharFilter(field_name="invoice__customer__code", help_text="Customer code.")
    invoice = django_filters.CharFilter(field_name="invoice__number", help_text="Invoice number.")
    payment = django_filters.CharFilter(field_name="payment__reference", help_text="Payment reference.")
    allocation_date_from = django_filters.DateFilter(field_name="allocation_date", lookup_expr="gte")
    allocation_date_to = django_filters.DateFilter(field_name="allocation_date", lookup_expr="lte")

    class Meta:
        model = Allocation
        fields = ["customer", "invoice", "payment"]


class CreditNoteFilter(django_filters.FilterSet):
    customer = django_filters.CharFilter(field_name="customer__code", help_text="Customer code.")
    invoice = django_filters.CharFilter(field_name="invoice__number", help_text="Invoice number.")
    note_date_from = django_filters.DateFilter(field_name="note_date", lookup_expr="gte")
    note_date_to = django_filters.DateFilter(field_name="note_date", lookup_expr="lte")

    class Meta:
        model = CreditNote
        fields = ["customer", "invoice", "currency"]
