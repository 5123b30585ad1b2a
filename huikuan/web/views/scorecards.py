"""Staff scorecards (考核与奖惩) on the web: a month's table (values against targets, rules
fired, amounts; a collector or salesperson sees only their own line), running a month (queued),
the credit manager's approve button (the approvals' decide form), the payroll XLSX, and the
rules and targets editor. Thin: ``huikuan.finance.scorecards`` and ``scorecard_config``."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from huikuan.accounts.permissions import may
from huikuan.approvals.models import ApprovalRequest
from huikuan.approvals.selectors import approvals_inbox
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError
from huikuan.core.exports import XLSX_CONTENT_TYPE
from huikuan.finance.models import ScorecardRule, ScorecardRun, ScorecardTarget
from huikuan.finance.scorecard_config import scorecard_rule_save, scorecard_target_set
from huikuan.finance.scorecard_figures import METRICS, PERCENT_METRICS
from huikuan.finance.scorecard_models import Comparison, RuleKind, ScorecardMetric, ScorecardRole
from huikuan.finance.scorecard_rules import tiers_parse, tiers_text
from huikuan.finance.scorecards import (
    line_as_dict,
    scorecard_lines_visible,
    scorecard_run_enqueue,
    scorecard_xlsx,
)
from huikuan.web.views.common import page_for

SOURCE = "web:scorecards"
MONTH = forms.TextInput(attrs={"type": "month"})


class MonthForm(forms.Form):
    month = forms.RegexField(label=gettext_lazy("Month"), regex=r"^\d{4}-(0[1-9]|1[0-2])$", widget=MONTH)


class RuleForm(forms.Form):
    code = forms.SlugField(label=gettext_lazy("Code"), required=False, max_length=50)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    role = forms.ChoiceField(
        label=gettext_lazy("Applies to"), required=False,
        choices=[("", gettext_lazy("salespeople and collectors")), *ScorecardRole.choices],
    )  # fmt: skip
    metric = forms.ChoiceField(label=gettext_lazy("Metric"), choices=ScorecardMetric.choices)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=RuleKind.choices)
    comparison = forms.ChoiceField(label=gettext_lazy("Comparison"), choices=Comparison.choices)
    tiers = forms.CharField(
        label=gettext_lazy("Tiers (threshold: amount; …)"), required=False, max_length=500,
        widget=forms.TextInput(attrs={"placeholder": "95: 1000; 90: 500"}),
    )  # fmt: skip
    unit = forms.DecimalField(label=gettext_lazy("Unit"), required=False, max_digits=18, decimal_places=2)
    amount = forms.DecimalField(
        label=gettext_lazy("Amount per unit"), required=False, max_digits=18, decimal_places=2
    )
    position = forms.IntegerField(label=gettext_lazy("Order"), min_value=0, initial=100)
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)


class TargetForm(forms.Form):
    metric = forms.ChoiceField(label=gettext_lazy("Metric"), choices=ScorecardMetric.choices)
    person = forms.CharField(
        label=gettext_lazy("Person (blank: the company's default)"), required=False, max_length=150
    )
    value = forms.DecimalField(
        label=gettext_lazy("Target (blank: remove the person's own)"), required=False, max_digits=18,
        decimal_places=2, min_value=Decimal(0),
    )  # fmt: skip


def _previous_month() -> str:
    first = timezone.localdate().replace(day=1)
    return (first - timedelta(days=1)).strftime("%Y-%m")


def _cells(line: dict) -> list[dict]:
    return [
        {
            "metric": metric,
            "value": line["values"].get(metric),
            "target": line["targets"].get(metric),
            "met": line["met"].get(metric),
            "percent": metric in PERCENT_METRICS,
        }
        for metric in METRICS
    ]


@page_for("scorecard.read")
def scorecard_month(request: HttpRequest) -> HttpResponse:
    runs = list(ScorecardRun.objects.order_by("-month").values_list("month", "status"))
    month = request.GET.get("month") or (runs[0][0] if runs else _previous_month())
    run = ScorecardRun.objects.filter(month=month).first()
    lines, approval, may_approve = [], None, False
    if run is not None:
        for line in scorecard_lines_visible(run=run, user=request.user):
            data = line_as_dict(line)
            data["cells"] = _cells(data)
            data["role_label"] = ScorecardRole(line.role).label
            lines.append(data)
        approval = ApprovalRequest.objects.filter(number=run.approval_number).first()
        may_approve = bool(approval and approvals_inbox(user=request.user).filter(pk=approval.pk).exists())
    context = {
        "month": month,
        "runs": runs,
        "run": run,
        "lines": lines,
        "metrics": [(metric, ScorecardMetric(metric).label) for metric in METRICS],
        "approval": approval,
        "may_approve": may_approve,
        "may_run": may(request.user, "scorecard.run"),
        "may_export": may(request.user, "scorecard.export"),
        "run_form": MonthForm(initial={"month": month}),
    }
    return render(request, "web/scorecards/month.html", context)


@require_POST
@page_for("scorecard.run")
def scorecard_run_view(request: HttpRequest) -> HttpResponse:
    form = MonthForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the month as YYYY-MM."))
        return redirect("web:scorecards")
    month = form.cleaned_data["month"]
    try:
        with audit_context(actor=request.user, source=SOURCE):
            scorecard_run_enqueue(month=month, computed_by=request.user.get_username())
    except ApplicationError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("The scorecards of %(month)s are being computed; they will be sent for approval.")
            % {"month": month},
        )
    return redirect(f"{reverse('web:scorecards')}?month={month}")


@page_for("scorecard.export")
def scorecard_export(request: HttpRequest, month: str) -> HttpResponse:
    run = get_object_or_404(ScorecardRun, month=month)
    try:
        content = scorecard_xlsx(run)
    except ApplicationError as refused:
        messages.error(request, refused.message)
        return redirect(f"{reverse('web:scorecards')}?month={month}")
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="scorecards-{run.month}.xlsx"'
    return response


def _rule_rows() -> list[dict]:
    kinds, roles, metrics = dict(RuleKind.choices), dict(ScorecardRole.choices), dict(ScorecardMetric.choices)
    return [
        {
            "rule": rule,
            "kind": kinds.get(rule.kind, rule.kind),
            "role": roles.get(rule.role, ""),
            "metric": metrics.get(rule.metric, rule.metric),
            "comparison": dict(Comparison.choices).get(rule.comparison, ""),
            "tiers": tiers_text(rule.tiers),
        }
        for rule in ScorecardRule.objects.order_by("position", "code")
    ]


def _rules_page(request: HttpRequest, rule_form=None, target_form=None, status: int = 200) -> HttpResponse:
    metrics = dict(ScorecardMetric.choices)
    targets = [
        {"target": target, "metric": metrics.get(target.metric, target.metric)}
        for target in ScorecardTarget.objects.order_by("person", "metric")
    ]
    context = {
        "rules": _rule_rows(),
        "targets": targets,
        "may_configure": may(request.user, "scorecard.configure"),
        "rule_form": rule_form or RuleForm(),
        "target_form": target_form or TargetForm(),
    }
    return render(request, "web/scorecards/rules.html", context, status=status)


@page_for("scorecard.read")
def scorecard_rules(request: HttpRequest) -> HttpResponse:
    return _rules_page(request)


@require_POST
@page_for("scorecard.configure")
def scorecard_rule_view(request: HttpRequest) -> HttpResponse:
    form = RuleForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with audit_context(actor=request.user, source=SOURCE):
                rule = scorecard_rule_save(
                    code=data["code"], name=data["name"], role=data["role"], metric=data["metric"],
                    kind=data["kind"], comparison=data["comparison"], tiers=tiers_parse(data["tiers"] or ""),
                    unit=data["unit"], amount=data["amount"], active=data["active"],
                    position=data["position"], updated_by=request.user.get_username(),
                )  # fmt: skip
        except ApplicationError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Rule %(code)s saved.") % {"code": rule.code})
            return redirect("web:scorecard-rules")
    return _rules_page(request, rule_form=form, status=400)


@require_POST
@page_for("scorecard.configure")
def scorecard_target_view(request: HttpRequest) -> HttpResponse:
    form = TargetForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with audit_context(actor=request.user, source=SOURCE):
                scorecard_target_set(
                    metric=data["metric"], person=data["person"], value=data["value"],
                    updated_by=request.user.get_username(),
                )  # fmt: skip
        except ApplicationError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Target saved."))
            return redirect("web:scorecard-rules")
    return _rules_page(request, target_form=form, status=400)
