"""Visits on a customer's collections page (seed 003 上门催款; seed 004 定期回访、节日问候):
plan one, record how it went, or cancel it."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huikuan.collections.models import ActivityPurpose, CallOutcome
from huikuan.collections.relationship import (
    customer_visit,
    visit_cancel,
    visit_plan,
    visit_record,
    visits_planned,
)
from huikuan.ledger.models import Customer
from huikuan.web.fields import TextField
from huikuan.web.views.collections.common import customer_write, date_field


class VisitPlanForm(forms.Form):
    prefix = "visit"  # beside the activity form on the same page
    planned_on = date_field(gettext_lazy("Visit date"))
    purpose = forms.ChoiceField(label=gettext_lazy("Purpose"), choices=ActivityPurpose.choices)
    people = TextField(
        label=gettext_lazy("People"),
        max_length=500,
        help_text=gettext_lazy("Who goes and whom they meet"),
    )
    note = TextField(label=gettext_lazy("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class VisitRecordForm(forms.Form):
    prefix = "visit_done"
    occurred_on = date_field(gettext_lazy("Date"))
    result = TextField(label=gettext_lazy("Result"), widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"), choices=[("", "—"), *CallOutcome.choices], required=False
    )
    people = TextField(label=gettext_lazy("People"), max_length=500, required=False)


class VisitCancelForm(forms.Form):
    prefix = "visit_cancel"
    reason = TextField(label=gettext_lazy("Reason"))


def visits_context(customer: Customer, today: date) -> dict:
    """What the customer's page shows of its visits: those planned and the three forms."""
    return {
        "visits": visits_planned(customer=customer),
        "visit_form": VisitPlanForm(initial={"planned_on": today}),
        # One of each under every visit planned: without ids, which would repeat.
        "visit_record_form": VisitRecordForm(initial={"occurred_on": today}, auto_id=False),
        "visit_cancel_form": VisitCancelForm(auto_id=False),
    }


@customer_write("activity.log", VisitPlanForm)
def visit_add(request, customer, data) -> str:
    visit_plan(
        customer=customer,
        planned_on=data["planned_on"],
        purpose=data["purpose"],
        people=data["people"],
        note=data["note"],
        user=request.user,
    )
    return _("Visit planned.")


@customer_write("activity.log", VisitRecordForm)
def visit_done(request, customer, data, pk: int) -> str:
    visit_record(
        visit=customer_visit(customer=customer, pk=pk),
        occurred_on=data["occurred_on"],
        result=data["result"],
        outcome=data["outcome"],
        people=data["people"],
        user=request.user,
    )
    return _("Visit recorded.")


@customer_write("activity.log", VisitCancelForm)
def visit_cancelled(request, customer, data, pk: int) -> str:
    visit_cancel(visit=customer_visit(customer=customer, pk=pk), reason=data["reason"], user=request.user)
    return _("Visit cancelled.")
