"""The dunning ladder's editor: each policy's customers and its steps."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from huikuan.accounts.permissions import may
from huikuan.collections.labels import SEGMENTS as SEGMENT_LABELS
from huikuan.collections.models import Anchor, Channel, DunningPolicy, DunningStep, OwnerRole
from huikuan.collections.segments import SEGMENTS
from huikuan.collections.selectors import dunning_policies
from huikuan.collections.services import dunning_policy_update, dunning_step_update
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError
from huikuan.core.limits import COUNT_MAX, DAYS_MAX
from huikuan.ledger.models import CreditClass
from huikuan.web.fields import TextField
from huikuan.web.views.collections.common import SOURCE, collections_page, form_errors
from huikuan.web.views.common import page_for


class PolicyForm(forms.Form):
    name = TextField(label=gettext_lazy("Name"), max_length=200)
    credit_classes = forms.MultipleChoiceField(
        label=gettext_lazy("Credit classes"),
        choices=CreditClass.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    risk_segments = forms.MultipleChoiceField(
        label=gettext_lazy("Risk segments"),
        choices=[(segment, SEGMENT_LABELS.get(segment, segment)) for segment in SEGMENTS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    priority = forms.IntegerField(label=gettext_lazy("Priority"), min_value=0, max_value=COUNT_MAX)
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False)


class StepForm(forms.Form):
    name_zh = TextField(label=gettext_lazy("Name (Chinese)"), max_length=100)
    name_en = TextField(label=gettext_lazy("Name (English)"), max_length=100)
    # Not sent (an older form): the step keeps the date it counts from.
    anchor = forms.ChoiceField(label=gettext_lazy("Counted from"), choices=Anchor.choices, required=False)
    day_offset = forms.IntegerField(
        label=gettext_lazy("Days after that date"), min_value=-DAYS_MAX, max_value=DAYS_MAX
    )
    channels = forms.MultipleChoiceField(
        label=gettext_lazy("Channels"), choices=Channel.choices, widget=forms.CheckboxSelectMultiple
    )
    owner_role = forms.ChoiceField(label=gettext_lazy("Owner"), choices=OwnerRole.choices)
    email_template = TextField(label=gettext_lazy("Email template"), max_length=64, required=False)
    letter_template = TextField(label=gettext_lazy("Letter template"), max_length=64, required=False)
    attach_statement = forms.BooleanField(label=gettext_lazy("Attach the statement (PDF)"), required=False)
    credit_hold = forms.BooleanField(label=gettext_lazy("Credit hold"), required=False)
    case_to_legal = forms.BooleanField(label=gettext_lazy("Case to legal"), required=False)
    write_off_review = forms.BooleanField(label=gettext_lazy("Write-off review"), required=False)


def _step_initial(step: DunningStep) -> dict:
    return {name: getattr(step, name) for name in StepForm.base_fields}


@collections_page("collections.view_dunningpolicy")
def policies(request: HttpRequest) -> HttpResponse:
    rows = []
    for policy in dunning_policies():
        form = PolicyForm(
            initial={
                "name": policy.name,
                "credit_classes": policy.credit_classes,
                "risk_segments": policy.risk_segments,
                "priority": policy.priority,
                "active": policy.active,
            },
            prefix=f"policy{policy.pk}",
        )
        steps = [
            (step, StepForm(initial=_step_initial(step), prefix=f"step{step.pk}"))
            for step in policy.steps.all()
        ]
        rows.append((policy, form, steps))
    return render(
        request,
        "web/collections/policies.html",
        {"rows": rows, "may_edit": may(request.user, "policy.edit")},
    )


def _apply(
    request: HttpRequest, form: forms.Form, write: Callable[[dict], object], done: str
) -> HttpResponse:
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        try:
            with audit_context(actor=request.user, source=SOURCE):
                write(form.cleaned_data)
        except ApplicationError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, done)
    return redirect("web:dunning_policies")


@require_POST
@page_for("policy.edit")
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(DunningPolicy, pk=pk)
    return _apply(
        request,
        PolicyForm(request.POST, prefix=f"policy{policy.pk}"),
        lambda data: dunning_policy_update(policy=policy, **data),
        _("Policy %(policy)s saved.") % {"policy": policy.name},
    )


@require_POST
@page_for("step.edit")
def step_edit(request: HttpRequest, pk: int) -> HttpResponse:
    step = get_object_or_404(DunningStep, pk=pk)
    return _apply(
        request,
        StepForm(request.POST, prefix=f"step{step.pk}"),
        lambda data: dunning_step_update(
            step=step, **{name: value for name, value in data.items() if name != "anchor" or value}
        ),
        _("Step %(step)s saved.") % {"step": step.code},
    )
