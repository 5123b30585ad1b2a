"""The credit dashboard: customers by class, exposure, holds, the monthly evaluation and its proposals."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Max, Sum
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huikuan.accounts.access import access_customers
from huikuan.accounts.permissions import require
from huikuan.approvals.models import Status
from huikuan.approvals.selectors import access_approval_requests
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError
from huikuan.credit.flows import (
    evaluations_propose,
)
from huikuan.credit.models import CreditEvaluation
from huikuan.credit.selectors import (
    access_credit_holds,
    credit_dashboard,
    evaluations_of_period,
)
from huikuan.credit.services import (
    credit_evaluate,
)
from huikuan.ledger.models import CreditClass, Customer
from huikuan.reporting.receivables import customers_with_balances
from huikuan.web.credit_forms import (
    EvaluateForm,
)
from huikuan.web.views.credit_common import CREDIT_KINDS, credit_reader, page_permissions


def _latest_period() -> str | None:
    return CreditEvaluation.objects.aggregate(period=Max("period"))["period"]


@credit_reader
def credit_dashboard_page(request):
    """Customers by class, exposure against limit, holds, pending approvals, the latest evaluation."""
    today = timezone.localdate()
    customers = access_customers(user=request.user)
    board = credit_dashboard(as_of=today, customers=customers)
    ar_by_class = dict(
        customers_with_balances(customers=customers, as_of=today)
        .order_by()
        .values_list("credit_class")
        .annotate(ar=Sum("open_balance"))
        .values_list("credit_class", "ar")
    )
    classes = [
        {
            "name": name or "—",
            "count": board.customers_by_class.get(name, 0),
            "ar": ar_by_class.get(name) or 0,
        }
        for name in (*CreditClass.values, "")
    ]
    period = _latest_period()
    evaluations = evaluations_of_period(period=period, customers=customers) if period else []
    proposed = [e for e in evaluations if e.proposed_class != e.customer.credit_class]
    pending = (
        access_approval_requests(user=request.user)
        .filter(status=Status.PENDING, kind__in=CREDIT_KINDS)
        .order_by("created_at", "id")[:20]
    )
    context = {
        "board": board,
        "classes": classes,
        "period": period,
        "evaluated": len(evaluations),
        "proposed": proposed[:50],
        "proposed_count": len(proposed),
        "unfiled_count": sum(1 for e in proposed if not e.approval_number),
        "pending": pending,
        "holds": access_credit_holds(user=request.user)
        .filter(lifted_on__isnull=True)
        .order_by("-placed_on")[:20],
        "evaluate_form": EvaluateForm(initial={"period": f"{today:%Y-%m}"}),
        "may": page_permissions(request.user),
        "as_of": today,
    }
    return render(request, "web/credit/dashboard.html", context)


@credit_reader
@require_POST
def credit_evaluate_view(request):
    """Run the monthly evaluation for a month (credit manager or analyst)."""
    require(request.user, "credit.evaluate")
    form = EvaluateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the month as YYYY-MM."))
        return redirect("web:credit-dashboard")
    try:
        with audit_context(actor=request.user, source="web"):
            run = credit_evaluate(
                period=form.cleaned_data["period"], evaluated_by=request.user.get_username()
            )
    except ApplicationError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("Evaluated %(period)s: %(created)s new, %(unchanged)s unchanged.")
            % {"period": run.period, "created": run.created, "unchanged": run.unchanged},
        )
    return redirect("web:credit-dashboard")


@credit_reader
@require_POST
def credit_propose_view(request):
    """File the latest period's proposed class changes as approval requests."""
    require(request.user, "class.propose")
    period = _latest_period()
    if period is None:
        messages.error(request, _("No evaluation yet."))
        return redirect("web:credit-dashboard")
    try:
        with audit_context(actor=request.user, source="web"):
            evaluations = evaluations_of_period(period=period, customers=Customer.objects.all())
            proposals = evaluations_propose(evaluations=evaluations, requested_by=request.user)
    except ApplicationError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("%(count)s class changes sent for approval.") % {"count": len(proposals)})
    return redirect("web:credit-dashboard")
