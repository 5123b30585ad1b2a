"""A customer's collections timeline and its forms: activities, promises, disputes, payment
plans, the overdue reason, penalties; and the customer's letters."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huikuan.accounts.permissions import may
from huikuan.collections.models import (
    ActivityKind,
    CallOutcome,
    Dispute,
    DisputeReason,
    DisputeStatus,
    OverdueReasonCode,
    PenaltyKind,
)
from huikuan.collections.selectors import (
    access_collection_customers,
    customer_collections,
    customer_invoice,
    promise_duplicate,
)
from huikuan.collections.services import (
    call_log,
    dispute_open,
    dispute_resolve,
    overdue_reason_set,
    penalty_apply,
    plan_create,
    promise_make,
)
from huikuan.correspondence.models import Letter
from huikuan.ledger.models import CreditClass
from huikuan.web.fields import TextField
from huikuan.web.views.collections.common import (
    collections_page,
    customer_write,
    date_field,
    money_field,
)
from huikuan.web.views.collections.visits import visits_context
from huikuan.web.views.collections.worklist import duplicate_warning
from huikuan.web.views.legal import legal_context

# The newest dunning actions, letters and emails the page lists.
LISTED = 50


class ActivityForm(forms.Form):
    """An activity's raw input; a promise or a dispute outcome needs its fields (``call_log``)."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ActivityKind.choices)
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"), choices=[("", "—"), *CallOutcome.choices], required=False
    )
    occurred_on = date_field(gettext_lazy("Date"))
    note = TextField(label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    promised_date = date_field(gettext_lazy("Promised date"), required=False)
    amount = money_field(required=False)
    invoice = TextField(label=gettext_lazy("Invoice"), required=False)
    reason_code = forms.ChoiceField(
        label=gettext_lazy("Reason"), choices=[("", "—"), *DisputeReason.choices], required=False
    )


class PromiseForm(forms.Form):
    promised_date = date_field(gettext_lazy("Promised date"))
    amount = money_field()


class DisputeForm(forms.Form):
    invoice = TextField(label=gettext_lazy("Invoice"))
    amount = money_field()
    reason_code = forms.ChoiceField(label=gettext_lazy("Reason"), choices=DisputeReason.choices)
    description = TextField(label=gettext_lazy("Description"), required=False)


class ResolveForm(forms.Form):
    resolution = TextField(label=gettext_lazy("Resolution"))
    root_cause = TextField(label=gettext_lazy("Root cause"), required=False)


class PlanForm(forms.Form):
    starts_on = date_field(gettext_lazy("Starts on"))
    instalments = TextField(
        label=gettext_lazy("Instalments"),
        help_text=gettext_lazy("One a line: date amount, e.g. 2026-04-30 5000.00"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = TextField(label=gettext_lazy("Note"), required=False)

    def clean_instalments(self):
        rows = []
        for line in self.cleaned_data["instalments"].splitlines():
            if not line.strip():
                continue
            try:
                day, amount = line.split()
                rows.append((date.fromisoformat(day), Decimal(amount)))
            except (ValueError, ArithmeticError, InvalidOperation):
                raise forms.ValidationError(
                    _("Not a date and an amount: %(line)s") % {"line": line}
                ) from None
        return rows


class ReasonForm(forms.Form):
    code = forms.ChoiceField(label=gettext_lazy("Overdue reason"), choices=OverdueReasonCode.choices)
    note = TextField(label=gettext_lazy("Note"), required=False)


class PenaltyForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Penalty"), choices=PenaltyKind.choices)
    proposed_class = forms.ChoiceField(
        label=gettext_lazy("Proposed class"), choices=[("", "—"), *CreditClass.choices], required=False
    )
    reason = TextField(label=gettext_lazy("Reason"))


@collections_page("collections.view_activity")
def customer_page(request: HttpRequest, code: str) -> HttpResponse:
    customer = get_object_or_404(access_collection_customers(user=request.user), code=code)
    today = timezone.localdate()
    records = customer_collections(customer=customer, limit=LISTED)
    context = {
        "customer": customer,
        "as_of": today,
        "timeline": records.timeline,
        "promises": records.promises,
        "plans": records.payment_plans,
        "disputes": records.disputes,
        "reason": records.overdue_reason,
        "actions": records.actions,
        "letters": records.letters,
        "emails": records.emails,
        "activity_form": ActivityForm(initial={"occurred_on": today, "kind": ActivityKind.CALL}),
        "promise_form": PromiseForm(),
        "dispute_form": DisputeForm(),
        "resolve_form": ResolveForm(),
        "plan_form": PlanForm(initial={"starts_on": today}),
        "reason_form": ReasonForm(),
        "penalty_form": PenaltyForm(),
        "may_penalise": may(request.user, "penalty.propose"),
        "may_work": may(request.user, "activity.log"),
        **visits_context(customer, today),
        **legal_context(customer),
    }
    return render(request, "web/collections/customer.html", context)


@customer_write("activity.log", ActivityForm)
def activity_add(request, customer, data) -> str:
    call_log(
        customer=customer,
        user=request.user,
        kind=data["kind"],
        outcome=data["outcome"],
        on=data["occurred_on"],
        note=data["note"],
        promised_date=data["promised_date"],
        amount=data["amount"],
        invoice=data["invoice"],
        reason_code=data["reason_code"],
    )
    return _("Activity logged.")


@customer_write("promise.make", PromiseForm)
def promise_add(request, customer, data) -> str:
    duplicate = promise_duplicate(
        customer=customer, amount=data["amount"], promised_date=data["promised_date"]
    )
    if duplicate is not None:
        messages.warning(request, duplicate_warning(duplicate))
        return ""
    promise_make(
        customer=customer,
        promised_date=data["promised_date"],
        amount=data["amount"],
        made_on=timezone.localdate(),
        made_by=request.user,
    )
    return _("Promise to pay recorded.")


@customer_write("dispute.open", DisputeForm)
def dispute_add(request, customer, data) -> str:
    dispute_open(
        invoice=customer_invoice(customer_id=customer.pk, number=data["invoice"]),
        amount=data["amount"],
        reason_code=data["reason_code"],
        owner=request.user,
        opened_on=timezone.localdate(),
        opened_by=request.user,
        description=data["description"],
    )
    return _("Dispute opened.")


@customer_write("dispute.resolve", ResolveForm)
def dispute_close(request, customer, data, pk: int) -> str:
    dispute = get_object_or_404(Dispute, pk=pk, customer=customer, status=DisputeStatus.OPEN)
    dispute_resolve(
        dispute=dispute,
        resolution=data["resolution"],
        root_cause=data["root_cause"],
        resolved_on=timezone.localdate(),
    )
    return _("Dispute resolved.")


@customer_write("plan.create", PlanForm)
def plan_add(request, customer, data) -> str:
    plan_create(
        customer=customer,
        starts_on=data["starts_on"],
        instalments=data["instalments"],
        created_by=request.user,
        note=data["note"],
    )
    return _("Payment plan set.")


@customer_write("overdue_reason.set", ReasonForm)
def reason_set(request, customer, data) -> str:
    overdue_reason_set(
        customer=customer,
        code=data["code"],
        noted_on=timezone.localdate(),
        noted_by=request.user,
        note=data["note"],
    )
    return _("Overdue reason set.")


@customer_write("penalty.propose", PenaltyForm)
def penalty_add(request, customer, data) -> str:
    penalty_apply(
        customer=customer,
        kind=data["kind"],
        decided_on=timezone.localdate(),
        decided_by=request.user,
        reason=data["reason"],
        proposed_class=data["proposed_class"],
    )
    return _("Penalty proposed.")


# Anyone who works the customer reads its letters; the scope decides which.
@collections_page("collections.view_dunningaction")
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_object_or_404(
        Letter.objects.filter(customer__in=access_collection_customers(user=request.user)), pk=pk
    )
    response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{letter.reference}.pdf"'
    return response
