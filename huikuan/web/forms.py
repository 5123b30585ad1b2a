"""The pages' filter and upload forms: each field checked before any query runs."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from huikuan.accounts.throttle import login_throttled
from huikuan.core.limits import DAYS_MAX
from huikuan.ledger.imports import KINDS
from huikuan.reporting.aging import BASES, GROUPINGS, bucket_names
from huikuan.web.fields import BusinessDateField, TextField
from huikuan.web.widgets import IsoDateInput

STATUS_CHOICES = [("", _("all")), ("open", _("open")), ("settled", _("settled"))]
BASIS_CHOICES = [("due", _("days past due")), ("invoice", _("years since invoice date"))]
GROUPING_LABELS = {
    "customer": _("customer"),
    "salesperson": _("salesperson"),
    "department": _("department"),
    "class": _("credit class"),
    "currency": _("currency"),
}
KIND_LABELS = {
    "customers": _("customers"),
    "invoices": _("invoices"),
    "payments": _("payments"),
    "allocations": _("allocations"),
    "credit-notes": _("credit notes"),
    "orders": _("orders"),
    "statements": _("financial statements"),
    "vat-invoices": _("VAT invoices"),
    "bills": _("acceptance bills"),
    "payables": _("payables (for the AR/AP offset)"),
}
DATE = IsoDateInput()


class InvoiceFilter(forms.Form):
    customer = TextField(label=_("customer code"), required=False)
    status = forms.ChoiceField(label=_("status"), choices=STATUS_CHOICES, required=False)
    date_from = BusinessDateField(label=_("invoice date from"), required=False, widget=DATE)
    date_to = BusinessDateField(label=_("invoice date to"), required=False, widget=DATE)
    # More than N days overdue, as the API's overdue_days (huikuan.ledger.filters).
    overdue_days = forms.IntegerField(
        label=_("more than days overdue"), required=False, min_value=0, max_value=DAYS_MAX * 100
    )
    # The aging drill-down: the invoices making up one cell, with their balances on that day.
    as_of = BusinessDateField(label=_("as of"), required=False, widget=DATE)
    basis = forms.ChoiceField(choices=[(b, b) for b in BASES], required=False, widget=forms.HiddenInput)
    bucket = TextField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("bucket"):
            basis = data.get("basis") or "due"
            if data["bucket"] not in bucket_names(basis):
                self.add_error("bucket", _("no such aging bucket"))
            if not data.get("as_of"):
                self.add_error("as_of", _("an aging bucket needs its as-of date"))
        return data


class PaymentFilter(forms.Form):
    customer = TextField(label=_("customer code"), required=False)
    date_from = BusinessDateField(label=_("payment date from"), required=False, widget=DATE)
    date_to = BusinessDateField(label=_("payment date to"), required=False, widget=DATE)


class AgingForm(forms.Form):
    as_of = BusinessDateField(label=_("as of"), widget=DATE)
    by = forms.ChoiceField(
        label=_("group by"), choices=[(g, GROUPING_LABELS[g]) for g in GROUPINGS], initial="customer"
    )
    basis = forms.ChoiceField(label=_("basis"), choices=BASIS_CHOICES, initial="due")


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=[])
    file = forms.FileField(label=_("file"))

    def __init__(self, *args, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, KIND_LABELS[k]) for k in KINDS if k in kinds]


class SignInForm(AuthenticationForm):
    """Django's sign-in form, saying so when too many failures have blocked the sign-in."""

    def clean(self):
        username = self.cleaned_data.get("username")
        if username and login_throttled(username, self.request):
            raise forms.ValidationError(
                _("Too many failed sign-ins. Try again in a quarter of an hour."), code="throttled"
            )
        return super().clean()
