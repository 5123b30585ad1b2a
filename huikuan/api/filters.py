"""Query-string filters of the list endpoints: customer code, open only, date ranges. The
invoices' filter set is the ledger's own (``huikuan.ledger.filters``), shared with the web."""

from __future__ import annotations

import django_filters

from huikuan.ledger.balances import STILL_OPEN
from huikuan.ledger.models import Allocation, CreditNote, Customer, CustomerStatus, Payment


class CustomerFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CustomerStatus.choices)
    credit_class = django_filters.CharFilter()
    collector = django_filters.CharFilter()
    salesperson = django_filters.CharFilter()
    department = django_filters.CharFilter()

    class Meta:
        model = Customer
        fields = ["status", "credit_class", "collector", "salesperson", "department"]


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
