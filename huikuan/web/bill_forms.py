"""Forms of the bills pages: each checks its fields; the rules are ``huikuan.bills``'."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from huikuan.bills.rules import BillKind
from huikuan.web.fields import BusinessDateField, TextField
from huikuan.web.widgets import IsoDateInput

DATE = IsoDateInput()
MONEY = {"max_digits": 18, "decimal_places": 2}
CENT = Decimal("0.01")


class BillReceiveForm(forms.Form):
    customer = TextField(label=_("Customer code"), max_length=64)
    kind = forms.ChoiceField(label=_("Kind"), choices=BillKind.choices)
    electronic = forms.BooleanField(label=_("Electronic bill"), required=False, initial=True)
    number = TextField(label=_("Bill number"), max_length=40)
    sub_range_start = forms.IntegerField(label=_("Sub-range from"), min_value=1, required=False)
    sub_range_end = forms.IntegerField(label=_("Sub-range to"), min_value=1, required=False)
    drawer = TextField(label=_("Drawer"), max_length=300)
    acceptor = TextField(label=_("Acceptor"), max_length=300)
    acceptor_bank = TextField(label=_("Acceptor's bank"), max_length=300, required=False)
    issue_date = BusinessDateField(label=_("Issue date"), widget=DATE)
    maturity_date = BusinessDateField(label=_("Maturity date"), widget=DATE)
    received_on = BusinessDateField(label=_("Received on"), widget=DATE)
    amount = forms.DecimalField(label=_("Amount"), min_value=CENT, **MONEY)
    currency = TextField(label=_("Currency"), max_length=3, required=False)
    invoices = TextField(
        label=_("Invoices it pays"),
        max_length=2000,
        required=False,
        help_text=_("Invoice numbers separated by ; each with :amount if not its whole open balance"),
    )


class EndorseForm(forms.Form):
    endorsee = TextField(label=_("Endorsee (supplier)"), max_length=300)
    on = BusinessDateField(label=_("Date"), widget=DATE)


class DiscountForm(forms.Form):
    bank = TextField(label=_("Discounting bank"), max_length=300)
    on = BusinessDateField(label=_("Date"), widget=DATE)
    annual_rate = forms.DecimalField(
        label=_("Annual discount rate"), max_digits=9, decimal_places=6, min_value=0, required=False,
        help_text=_("A fraction: 0.018 is 1.8 percent a year"),
    )  # fmt: skip
    interest = forms.DecimalField(label=_("Discount interest"), min_value=0, required=False, **MONEY)


class DateForm(forms.Form):
    on = BusinessDateField(label=_("Date"), widget=DATE)


class DishonourForm(forms.Form):
    on = BusinessDateField(label=_("Date"), widget=DATE)
    reason = TextField(label=_("Reason"), max_length=500)
    costs = forms.DecimalField(label=_("Dishonour costs"), min_value=0, required=False, **MONEY)


MOVE_FORMS = {
    "endorse": EndorseForm,
    "discount": DiscountForm,
    "present": DateForm,
    "honour": DateForm,
    "dishonour": DishonourForm,
}
