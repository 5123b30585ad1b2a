"""Approvals: the inbox, a request with its history and decision forms, and the chain editor."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from huikuan.accounts.access import user_roles
from huikuan.accounts.roles import ROLES, SALES_MANAGER
from huikuan.approvals.models import Status
from huikuan.approvals.registry import registered_kinds
from huikuan.approvals.selectors import (
    access_approval_requests,
    approval_chain,
    approval_chains,
    approval_history,
    approvals_inbox,
    approvals_requested_by,
    may_edit_chains,
)
from huikuan.approvals.services import approval_chain_set, approval_decide, notification_mark_read
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError
from huikuan.web.approval_details import approval_details, approval_subject
from huikuan.web.labels import approval_kind as kind_label
from huikuan.web.views.common import page_for, page_of, template_for

SHOWS = ("inbox", "mine", "all")


@page_for("staff.read")
def approval_list(request):
    show = request.GET.get("show") if request.GET.get("show") in SHOWS else "inbox"
    if show == "inbox":
        requests = approvals_inbox(user=request.user)
    elif show == "mine":
        requests = approvals_requested_by(user=request.user).order_by("-id")
    else:
        requests = access_approval_requests(user=request.user).order_by("-id")
    status = request.GET.get("status")
    if status in Status.values:
        requests = requests.filter(status=status)
    context = {"show": show, "status": status, "statuses": Status.choices, "page": page_of(request, requests)}
    return render(
        request, template_for(request, "web/approvals/list.html", "web/approvals/_table.html"), context
    )


def _may_reconsider(approval, user) -> bool:
    return (
        approval.status == Status.REJECTED
        and not approval.reconsidered
        and (approval.requested_by_id == user.pk or SALES_MANAGER in user_roles(user))
    )


def _detail(request, approval, *, error: str = "", status: int = 200):
    context = {
        "approval": approval,
        "kind_label": kind_label(approval.kind),
        "subject": approval_subject(approval),
        "details": approval_details(approval),
        "steps": approval.steps.select_related("approved_by").order_by("position"),
        "history": approval_history(request=approval),
        "may_decide": approvals_inbox(user=request.user).filter(pk=approval.pk).exists(),
        "may_reconsider": _may_reconsider(approval, request.user),
        "error": error,
    }
    return render(request, "web/approvals/detail.html", context, status=status)


@page_for("staff.read")
def approval_detail(request, number: str):
    approval = get_object_or_404(access_approval_requests(user=request.user), number=number)
    read = list(
        request.user.notifications.filter(request=approval, read_at__isnull=True).values_list("pk", flat=True)
    )
    if read:
        notification_mark_read(user=request.user, notification_ids=read)
    return _detail(request, approval)


@page_for("approval.decide")
@require_POST
def approval_decide_view(request, number: str):
    approval = get_object_or_404(access_approval_requests(user=request.user), number=number)
    try:
        with audit_context(actor=request.user, source="web"):
            approval_decide(
                request=approval,
                actor=request.user,
                decision=request.POST.get("decision", ""),
                comment=request.POST.get("comment", ""),
            )
    except ApplicationError as refused:
        approval.refresh_from_db()
        return _detail(request, approval, error=refused.message, status=409)
    return redirect("web:approval", number=approval.number)


class StepForm(forms.Form):
    name = forms.CharField(label=_("Step"), max_length=100)
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=[(role, role) for role in ROLES], widget=forms.CheckboxSelectMultiple
    )
    min_amount = forms.DecimalField(
        label=_("From amount (CNY)"), required=False, min_value=0, decimal_places=2, max_digits=18
    )


StepFormSet = forms.formset_factory(StepForm, extra=1, can_delete=True)


def _chain_editor(request) -> None:
    if not may_edit_chains(request.user):
        raise PermissionDenied


@page_for("staff.read")
def chain_list(request):
    chains = approval_chains()
    kinds = sorted(set(chains) | set(registered_kinds()))
    rows = [{"kind": kind, "label": kind_label(kind), "steps": chains.get(kind, [])} for kind in kinds]
    return render(
        request, "web/approvals/chains.html", {"chains": rows, "may_edit": may_edit_chains(request.user)}
    )


@page_for("staff.read")
def chain_edit(request, kind: str):
    _chain_editor(request)
    error = ""
    if request.method == "POST":
        formset = StepFormSet(request.POST)
        if formset.is_valid():
            steps = [
                {
                    "name": form.cleaned_data["name"],
                    "roles": form.cleaned_data["roles"],
                    "min_amount": form.cleaned_data["min_amount"],
                }
                for form in formset.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            ]
            try:
                with audit_context(actor=request.user, source="web"):
                    approval_chain_set(kind=kind, steps=steps, updated_by=request.user.get_username())
            except ApplicationError as refused:
                error = refused.message
            else:
                return redirect("web:approval-chains")
    else:
        initial = [
            {"name": s.name, "roles": s.roles, "min_amount": s.min_amount} for s in approval_chain(kind=kind)
        ]
        formset = StepFormSet(initial=initial)
    context = {"kind": kind, "label": kind_label(kind), "formset": formset, "error": error}
    return render(request, "web/approvals/chain_edit.html", context, status=409 if error else 200)
