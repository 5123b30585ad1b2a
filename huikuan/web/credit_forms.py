"""Forms of the credit pages: each checks its fields before a service is called; the rules
themselves (who may ask, for how much, how long) are the services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from huikuan.core.limits import DAYS_MAX
from huikuan.credit.models import StatementKind
from huikuan.web.fields import BusinessDateField, TextField
from huikuan.web.widgets import IsoDateInput

DATE = IsoDateInput()
MONEY = {"max_digits": 18, "decimal_places": 2}
PERIOD = forms.TextInput(attrs={"type": "month"})


class LimitApplicationForm(forms.Form):
    amount = forms.DecimalField(label=_("Requested limit"), min_value=0, **MONEY)
    reason = TextField(label=_("Reason"), max_length=500, required=False)


class ExtensionForm(forms.Form):
    invoice = forms.ChoiceField(label=_("Invoice"), choices=[])
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=DAYS_MAX)
    reason = TextField(label=_("Reason"), max_length=500)

    def __init__(self, *args, invoices: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invoice"].choices = [(number, number) for number in invoices]


class TermsForm(forms.Form):
    """An extension of the customer's terms beyond its class's (an approval)."""

    days = forms.IntegerField(label=_("Days beyond the class's term"), min_value=1, max_value=DAYS_MAX)
    valid_until = BusinessDateField(label=_("Valid until (empty: without end)"), required=False, widget=DATE)
    reason = TextField(label=_("Reason"), max_length=500)


RATE = {"max_digits": 9, "decimal_places": 6}


class InterestRateForm(forms.Form):
    """A customer's contractual late-payment rate: annual, as a fraction (0.0365 for 3.65 %)."""

    annual_rate = forms.DecimalField(label=_("Annual rate (0.0365 for 3.65%)"), min_value=0, **RATE)
    effective_from = BusinessDateField(label=_("Agreed on"), widget=DATE)
    contract_reference = TextField(label=_("Contract"), max_length=100, required=False)


class LprForm(forms.Form):
    effective_from = BusinessDateField(label=_("In force from"), widget=DATE)
    rate = forms.DecimalField(label=_("One-year LPR (0.03 for 3.00%)"), min_value=0, **RATE)


class MarketForm(forms.Form):
    """Market development confirms the industry position and, where asked, a month's revenue."""

    industry_position = forms.ChoiceField(label=_("Industry position"), choices=[])
    period = forms.CharField(label=_("Revenue contribution of the month"), required=False, widget=PERIOD)
    revenue = forms.DecimalField(
        label=_("Revenue contribution (empty: the ledger's)"), required=False, min_value=0, **MONEY
    )

    def __init__(self, *args, positions: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry_position"].choices = positions


class HoldForm(forms.Form):
    reason = TextField(label=_("Reason"), max_length=500)


class LiftForm(forms.Form):
    hold = forms.IntegerField(widget=forms.HiddenInput)
    reason = TextField(label=_("Reason"), max_length=500)


class ReleaseForm(forms.Form):
    reason = TextField(label=_("Reason"), max_length=500, required=False)


class CheckForm(forms.Form):
    amount = forms.DecimalField(label=_("Order amount (CNY)"), min_value=0, **MONEY)


class OrderForm(forms.Form):
    number = TextField(label=_("Order number"), max_length=64)
    order_date = BusinessDateField(label=_("Order date"), widget=DATE)
    amount = forms.DecimalField(label=_("Amount"), min_value=0, **MONEY)
    currency = TextField(label=_("Currency"), max_length=3, required=False)
    fx_rate = forms.DecimalField(label=_("Exchange rate"), required=False, max_digits=18, decimal_places=6)
    # Price approval powers (seed 002 §价格政策): all three or none.
    price = forms.DecimalField(label=_("Price"), required=False, min_value=0, max_digits=18, decimal_places=4)
    break_even_price = forms.DecimalField(
        label=_("Break-even price"), required=False, min_value=0, max_digits=18, decimal_places=4
    )
    target_profit = forms.DecimalField(
        label=_("Target profit"), required=False, min_value=0, max_digits=18, decimal_places=4
    )


class StatementForm(forms.Form):
    statement_date = BusinessDateField(label=_("Statement date"), widget=DATE)
    kind = forms.ChoiceField(label=_("Kind of company"), choices=StatementKind.choices)
    working_capital = forms.DecimalField(label=_("Working capital"), **MONEY)
    retained_earnings = forms.DecimalField(label=_("Retained earnings"), **MONEY)
    ebit = forms.DecimalField(label=_("EBIT"), **MONEY)
    book_equity = forms.DecimalField(label=_("Book value of equity"), **MONEY)
    market_equity = forms.DecimalField(label=_("Market value of equity"), required=False, **MONEY)
    total_liabilities = forms.DecimalField(label=_("Total liabilities"), **MONEY)
    sales = forms.DecimalField(label=_("Sales"), **MONEY)
    total_assets = forms.DecimalField(label=_("Total assets"), **MONEY)


class EvaluateForm(forms.Form):
    period = forms.RegexField(label=_("Month"), regex=r"^\d{4}-\d{2}$", widget=PERIOD)
