"""Orders: the list, one order, and a blocked order sent for release."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huikuan.accounts.permissions import may, require
from huikuan.approvals.selectors import access_approval_requests
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError
from huikuan.credit.flows import (
    order_release_request,
)
from huikuan.credit.models import CheckStatus, OrderStatus
from huikuan.credit.pricing import waits_for_price
from huikuan.credit.selectors import (
    access_orders,
)
from huikuan.web.credit_forms import (
    ReleaseForm,
)
from huikuan.web.views.common import page_of
from huikuan.web.views.credit_common import credit_reader


@credit_reader
def order_list(request):
    orders = access_orders(user=request.user).order_by("-order_date", "-id")
    status = request.GET.get("status")
    if status in OrderStatus.values:
        orders = orders.filter(status=status)
    check = request.GET.get("check")
    if check in CheckStatus.values:
        orders = orders.filter(check_status=check)
    context = {
        "page": page_of(request, orders),
        "status": status,
        "check": check,
        "statuses": OrderStatus.choices,
        "checks": CheckStatus.choices,
    }
    return render(request, "web/credit/orders.html", context)


def _order_page(request, order, *, form=None, error: str = "", status: int = 200):
    context = {
        "order": order,
        "form": form or ReleaseForm(),
        "error": error,
        "may_release": order.check_status == CheckStatus.BLOCKED
        and not waits_for_price(order)
        and may(request.user, "order.release"),
        "approval": access_approval_requests(user=request.user)
        .filter(number=order.release_approval_number)
        .first()
        if order.release_approval_number
        else None,
        "price_approval": access_approval_requests(user=request.user)
        .filter(number=order.price_approval_number)
        .first()
        if order.price_approval_number
        else None,
    }
    return render(request, "web/credit/order.html", context, status=status)


def _order(request, number: str):
    if "\x00" in number:
        raise Http404
    return get_object_or_404(access_orders(user=request.user), number=number)


@credit_reader
def order_detail(request, number: str):
    return _order_page(request, _order(request, number))


@credit_reader
@require_POST
def order_release_view(request, number: str):
    """Send a blocked order to the credit manager for release."""
    require(request.user, "order.release")
    order = _order(request, number)
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        return _order_page(request, order, form=form, status=400)
    try:
        with audit_context(actor=request.user, source="web"):
            approval = order_release_request(
                order=order, requested_by=request.user, reason=form.cleaned_data["reason"]
            )
    except ApplicationError as refused:
        order.refresh_from_db()
        return _order_page(request, order, form=form, error=refused.message, status=409)
    messages.success(request, _("Release requested: %(number)s") % {"number": approval.number})
    return redirect("web:credit-order", number=order.number)
