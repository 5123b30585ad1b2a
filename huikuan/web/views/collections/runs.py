"""The daily dunning runs: past runs, a dry run or a queued run, and a date's delivery."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huikuan.accounts.permissions import may, require
from huikuan.collections.delivery import delivery_progress
from huikuan.collections.run import dunning_run, dunning_run_enqueue
from huikuan.collections.selectors import access_dunning_actions, dunning_runs
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError
from huikuan.jobs.models import STATE_LABELS
from huikuan.jobs.selectors import jobs_overview
from huikuan.web.views.collections.common import SOURCE, collections_page, date_field, day_of


class RunForm(forms.Form):
    date = date_field(gettext_lazy("Date"))
    dry_run = forms.BooleanField(label=gettext_lazy("Dry run"), required=False)


@collections_page("collections.view_dunningrun")
def runs(request: HttpRequest) -> HttpResponse:
    day = day_of(request, default=None) if request.GET.get("date") else None
    result = None
    form = RunForm(initial={"date": timezone.localdate(), "dry_run": True})
    if request.method == "POST":
        require(request.user, "dunning.run")
        form = RunForm(request.POST)
        if form.is_valid() and not form.cleaned_data["dry_run"]:
            # The run and its deliveries are done by a worker: the page answers at once and
            # shows the delivery's progress.
            run_date = form.cleaned_data["date"]
            dunning_run_enqueue(date=run_date, started_by=request.user.get_username())
            messages.success(
                request,
                _("The run for %(date)s is queued; its delivery is shown below as it goes.")
                % {"date": run_date.isoformat()},
            )
            return redirect(f"{request.path}?date={run_date.isoformat()}")
        if form.is_valid():
            try:
                with audit_context(actor=request.user, source=SOURCE):
                    result = dunning_run(date=form.cleaned_data["date"], dry_run=True)
            except ApplicationError as refused:
                messages.error(request, refused.message)
            else:
                day = result.date
    actions = (
        access_dunning_actions(user=request.user).filter(action_date=day).order_by("customer__code")
        if day
        else []
    )
    return render(
        request,
        "web/collections/runs.html",
        {
            "runs": dunning_runs(limit=60),
            "day": day,
            "actions": actions,
            "result": result,
            "form": form,
            "may_run": may(request.user, "dunning.run"),
            "progress": delivery_progress(run_date=day) if day else None,
            "jobs": [
                {
                    **job,
                    "state_label": STATE_LABELS.get(job["last_status"], ""),
                    "lease_until": parse_datetime((job["last_run"] or {}).get("lease_expires_at") or ""),
                }
                for job in jobs_overview()
            ],
        },
    )


@collections_page("collections.view_dunningrun")
def run_progress(request: HttpRequest) -> HttpResponse:
    """The delivery of a date, polled by the runs page (HTMX) until it has finished."""
    day = day_of(request)
    return render(
        request,
        "web/collections/_run_progress.html",
        {"day": day, "progress": delivery_progress(run_date=day)},
    )
