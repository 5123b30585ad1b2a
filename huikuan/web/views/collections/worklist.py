"""The collector's worklist: today's calls, riskiest first, each logged with one click."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from huikuan.collections.models import CallOutcome, Channel, DisputeReason, DunningAction, PromiseToPay
from huikuan.collections.selectors import access_tasks, promise_duplicate, worklist_for
from huikuan.collections.services import call_log
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError
from huikuan.core.money import amount_text
from huikuan.web.fields import TextField
from huikuan.web.views.collections.common import (
    SOURCE,
    collections_page,
    date_field,
    day_of,
    form_errors,
    money_field,
)
from huikuan.web.views.common import page_for

# The outcomes of the worklist's one-click form (the rest are logged on the timeline).
WORKLIST_OUTCOMES = (
    CallOutcome.REACHED,
    CallOutcome.NO_ANSWER,
    CallOutcome.PROMISED,
    CallOutcome.DISPUTED,
    CallOutcome.REFUSED,
)


class CallForm(forms.Form):
    """The call's raw input; what an outcome needs is decided by ``call_log``."""

    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"), choices=[(o.value, o.label) for o in WORKLIST_OUTCOMES]
    )
    note = TextField(label=gettext_lazy("Note"), required=False, max_length=2000)
    promised_date = date_field(gettext_lazy("Promised date"), required=False)
    amount = money_field(required=False)
    invoice = TextField(label=gettext_lazy("Invoice"), required=False)
    reason_code = forms.ChoiceField(
        label=gettext_lazy("Reason"), choices=[("", "—"), *DisputeReason.choices], required=False
    )


def duplicate_warning(promise: PromiseToPay) -> str:
    return _(
        "This customer's promise of %(amount)s by %(date)s was already recorded on %(made_on)s: "
        "it is not recorded twice."
    ) % {
        "amount": amount_text(promise.amount, promise.currency),
        "date": promise.promised_date.isoformat(),
        "made_on": promise.made_on.isoformat(),
    }


def _task_item(task: DunningAction, day: date):
    for item in worklist_for(user=task.assigned_to, date=max(day, task.action_date)):
        if item.task.pk == task.pk:
            return item
    raise Http404


@collections_page("collections.view_dunningaction")
def worklist(request: HttpRequest) -> HttpResponse:
    day = day_of(request)
    items = worklist_for(user=request.user, date=day)
    return render(
        request,
        "web/collections/worklist.html",
        {"items": items, "as_of": day, "form": CallForm(), "outcomes": WORKLIST_OUTCOMES},
    )


@collections_page("collections.view_dunningaction")
def worklist_task(request: HttpRequest, pk: int) -> HttpResponse:
    """A task's details, opened in place (htmx): open items, last contacts, promises."""
    task = get_object_or_404(access_tasks(user=request.user), pk=pk, channel=Channel.PHONE)
    item = _task_item(task, day_of(request))
    return render(request, "web/collections/_task_details.html", {"item": item, "as_of": day_of(request)})


@require_POST
@page_for("task.complete")
def worklist_complete(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(access_tasks(user=request.user), pk=pk, channel=Channel.PHONE)
    form = CallForm(request.POST)
    if not form.is_valid():
        return _refused(request, task, form_errors(form))
    data = form.cleaned_data
    duplicate = None
    if data["outcome"] == CallOutcome.PROMISED and data["amount"] is not None and data["promised_date"]:
        duplicate = promise_duplicate(
            customer=task.customer, amount=data["amount"], promised_date=data["promised_date"]
        )
    try:
        with audit_context(actor=request.user, source=SOURCE):
            call_log(task=task, user=request.user, on=max(timezone.localdate(), task.action_date), **data)
    except ApplicationError as refused:
        return _refused(request, task, refused.message)
    done = _("Call with %(customer)s logged: %(outcome)s.") % {
        "customer": task.customer.name,
        "outcome": CallOutcome(data["outcome"]).label,
    }
    warning = duplicate_warning(duplicate) if duplicate else ""
    if request.htmx:
        return render(
            request, "web/collections/_task_done.html", {"task": task, "done": done, "warning": warning}
        )
    messages.success(request, done)
    if warning:
        messages.warning(request, warning)
    return redirect("web:worklist")


def _refused(request: HttpRequest, task: DunningAction, error: str) -> HttpResponse:
    if request.htmx:
        # htmx swaps only 2xx answers: the refusal replaces the task row.
        return render(request, "web/collections/_task_error.html", {"task": task, "error": error})
    messages.error(request, error)
    return redirect("web:worklist")
