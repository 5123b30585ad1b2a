"""Clearance plans (清欠方案): the list with the form of a new plan, and a plan's page — its
targets' actuals against their goals, the weekly trend, the progress per department or person,
the phases — with the forms that edit its targets, phases and settings. Thin: the services of
``huikuan.finance.plans`` and the selector ``huikuan.finance.plan_progress``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from huikuan.accounts.permissions import may
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError
from huikuan.finance.models import ClearancePlan, PlanMetric, PlanPhaseKind, PlanStatus, TargetDirection
from huikuan.finance.plan_access import plan_scope
from huikuan.finance.plan_progress import METRICS, PLAN_GROUPINGS, plan_progress, rounded
from huikuan.finance.plans import (
    clearance_plan_create,
    plan_phases_update,
    plan_targets_update,
    plan_update,
    recipient_text,
)
from huikuan.web.charts import line_chart
from huikuan.web.fields import BusinessDateField
from huikuan.web.forms import DATE
from huikuan.web.views.common import page_for

GROUP_LABELS = {
    "company": gettext_lazy("company"),
    "department": gettext_lazy("department"),
    "salesperson": gettext_lazy("salesperson"),
    "collector": gettext_lazy("collector"),
}


class PlanForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("name"), max_length=200, required=False)
    baseline = BusinessDateField(label=gettext_lazy("baseline date"), widget=DATE)
    recipients = forms.CharField(
        label=gettext_lazy("report recipients"),
        required=False,
        max_length=2000,
        help_text=gettext_lazy("Roles or addresses separated by commas; add :en for a report in English."),
    )


class ProgressForm(forms.Form):
    as_of = BusinessDateField(label=gettext_lazy("as of"), widget=DATE)
    by = forms.ChoiceField(
        label=gettext_lazy("group by"), choices=[(g, GROUP_LABELS[g]) for g in PLAN_GROUPINGS]
    )


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("；", ",").replace(";", ",").split(",") if part.strip()]


@page_for("staff.read")
def plan_list(request):
    form = PlanForm(initial={"baseline": timezone.localdate()})
    may_edit = may(request.user, "clearance_plan.edit")
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        form = PlanForm(request.POST)
        if form.is_valid():
            try:
                with audit_context(actor=request.user, source="web"):
                    plan = clearance_plan_create(
                        baseline_date=form.cleaned_data["baseline"],
                        name=form.cleaned_data["name"],
                        recipients=_split(form.cleaned_data["recipients"]) or None,
                        created_by=request.user.get_username(),
                    )
            except ApplicationError as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, _("Clearance plan created."))
                return redirect("web:clearance-plan", plan.pk)
    context = {"plans": ClearancePlan.objects.all(), "form": form, "may_edit": may_edit}
    return render(request, "web/plans/list.html", context, status=400 if form.errors else 200)


def _chart(progress, goal: Decimal | None):
    """The weekly trend of the clearance rate (the user's own row for a collector or
    salesperson), with its goal as a flat line."""
    trend = progress.trend
    if not trend or not trend.week_ends:
        return None
    series = trend.total or next(iter(trend.rows.values()), {})
    if not series:
        return None
    labels = [day.strftime("%m-%d") for day in trend.week_ends]

    def points(metric: str) -> list[Decimal | None]:
        texts = [rounded(metric, value) for value in series.get(metric, [])]
        return [None if text is None else Decimal(text) for text in texts]

    lines = {str(PlanMetric.CLEARANCE_RATE.label): points("clearance_rate")}
    if goal is not None:
        lines[_("clearance goal %")] = [goal] * len(labels)
    return line_chart(labels, lines)


@page_for("staff.read")
def plan_detail(request, plan_id: int):
    plan = get_object_or_404(ClearancePlan, pk=plan_id)
    today = timezone.localdate()
    default_day = min(today, plan.ends_on) if today > plan.baseline_date else today
    form = ProgressForm(request.GET or {"as_of": default_day, "by": "department"})
    if not form.is_valid():
        form = ProgressForm({"as_of": default_day, "by": "department"})
        form.is_valid()
    group_by, keys = plan_scope(request.user, form.cleaned_data["by"])
    progress = plan_progress(
        plan=plan,
        as_of=form.cleaned_data["as_of"],
        group_by=group_by,
        trend=True,
        kpi_trend=False,  # a KPI run per week is the job's and the API's, not a page's
        only_keys=keys,
    )
    targets = {t.metric: t.goal for t in progress.targets}
    data = progress.as_dict()
    rows = [{**row, "cells": [row[metric] for metric in METRICS]} for row in data["rows"]]
    context = {
        "plan": plan,
        "form": form,
        "progress": progress,
        "data": data,
        "rows": rows,
        "target_rows": progress.target_rows(),
        "metrics": [(m, PlanMetric(m).label) for m in METRICS],
        "group_label": GROUP_LABELS[group_by],
        "chart": _chart(progress, targets.get("clearance_rate")),
        "chart_label": _("Weekly trend of the clearance rate against its goal"),
        "may_edit": may(request.user, "clearance_plan.edit"),
        "directions": TargetDirection.choices,
        "statuses": PlanStatus.choices,
        "recipients": ", ".join(recipient_text(r) for r in plan.recipients),
        "targets": progress.targets,
        "phases": progress.phases,
    }
    return render(request, "web/plans/detail.html", context)


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip().replace(",", ""))
    except (InvalidOperation, AttributeError):
        return None
    return value if value.is_finite() else None


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        return None


def _edited(request, plan: ClearancePlan, change) -> object:
    try:
        with audit_context(actor=request.user, source="web"):
            change()
    except ApplicationError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("web:clearance-plan", plan.pk)


@page_for("clearance_plan.edit")
@require_POST
def plan_targets_edit(request, plan_id: int):
    plan = get_object_or_404(ClearancePlan, pk=plan_id)
    targets = []
    for metric in PlanMetric.values:
        if f"goal_{metric}" not in request.POST:
            continue
        goal = _decimal(request.POST[f"goal_{metric}"])
        if goal is None:
            messages.error(
                request, _("The goal of %(target)s is not a number.") % {"target": PlanMetric(metric).label}
            )
            return redirect("web:clearance-plan", plan.pk)
        targets.append({"metric": metric, "goal": goal, "direction": request.POST.get(f"direction_{metric}")})
    return _edited(request, plan, lambda: plan_targets_update(plan=plan, targets=targets))


@page_for("clearance_plan.edit")
@require_POST
def plan_phases_edit(request, plan_id: int):
    plan = get_object_or_404(ClearancePlan, pk=plan_id)
    phases = []
    for kind in PlanPhaseKind.values:
        if f"{kind}_starts_on" not in request.POST:
            continue
        starts_on, ends_on = (
            _day(request.POST[f"{kind}_starts_on"]),
            _day(request.POST.get(f"{kind}_ends_on", "")),
        )
        if starts_on is None or ends_on is None:
            messages.error(
                request, _("The dates of %(phase)s are YYYY-MM-DD.") % {"phase": PlanPhaseKind(kind).label}
            )
            return redirect("web:clearance-plan", plan.pk)
        phases.append(
            {
                "kind": kind,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "owner": request.POST.get(f"{kind}_owner", ""),
            }
        )
    return _edited(request, plan, lambda: plan_phases_update(plan=plan, phases=phases))


@page_for("clearance_plan.edit")
@require_POST
def plan_settings_edit(request, plan_id: int):
    plan = get_object_or_404(ClearancePlan, pk=plan_id)
    return _edited(
        request,
        plan,
        lambda: plan_update(
            plan=plan,
            name=request.POST.get("name", plan.name),
            status=request.POST.get("status", plan.status),
            recipients=None if "recipients" not in request.POST else _split(request.POST["recipients"]),
        ),
    )
