"""Early warnings: the list (by grade, status, rule; each user their customers') and the
acknowledge button."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huikuan.accounts.permissions import may
from huikuan.approvals.services import notification_mark_read
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError
from huikuan.finance.models import WarningGrade, WarningRule, WarningStatus
from huikuan.finance.warning_selectors import (
    access_warnings,
    unread_warning_notifications,
    warning_sentence,
    warnings_filtered,
)
from huikuan.finance.warning_services import warning_acknowledge
from huikuan.web.views.common import page_for, page_of, template_for


def _choice(value: str | None, allowed: list) -> str:
    return value if value in {str(v) for v in allowed} else ""


@page_for("staff.read")
def warning_list(request):
    grade = _choice(request.GET.get("grade"), WarningGrade.values)
    status = _choice(request.GET.get("status", "open"), WarningStatus.values)
    rule = _choice(request.GET.get("rule"), WarningRule.values)
    warnings = warnings_filtered(access_warnings(user=request.user), grade=grade, status=status, rule=rule)
    page = page_of(request, warnings)
    unread = list(unread_warning_notifications(user=request.user).values_list("pk", flat=True))
    if unread:
        notification_mark_read(user=request.user, notification_ids=unread)
    for warning in page:
        warning.sentence = warning_sentence(warning)
    context = {
        "page": page,
        "grade": grade,
        "status": status,
        "rule": rule,
        "grades": WarningGrade.choices,
        "statuses": WarningStatus.choices,
        "rules": WarningRule.choices,
        "may_acknowledge": may(request.user, "warning.acknowledge"),
    }
    return render(
        request, template_for(request, "web/warnings/list.html", "web/warnings/_table.html"), context
    )


@page_for("warning.acknowledge")
@require_POST
def warning_acknowledge_view(request, warning_id: int):
    warning = get_object_or_404(access_warnings(user=request.user), pk=warning_id)
    try:
        with audit_context(actor=request.user, source="web"):
            warning_acknowledge(warning=warning, user=request.user, note=request.POST.get("note", ""))
    except ApplicationError as refused:
        messages.error(request, refused.message)
        return redirect("web:warnings")
    messages.success(request, _("Warning acknowledged."))
    return redirect(request.POST.get("next") or "web:warnings")
