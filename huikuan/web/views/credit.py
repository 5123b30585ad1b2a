"""Credit pages (SPEC §5): a customer's credit, the credit dashboard, orders.

Every page reads through the access selectors (a salesperson sees only their customers);
every form calls one credit service inside ``audit_context``; decisions are made in the
approvals inbox, never here.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.db.models import Max, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huikuan.accounts.access import access_customers, access_invoices
from huikuan.accounts.permissions import may, require
from huikuan.approvals.models import Status
from huikuan.approvals.selectors import access_approval_requests
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError, RuleViolation
from huikuan.credit.flows import (
    CLASS_CHANGE,
    CREDIT_LIMIT,
    HOLD_LIFT,
    ORDER_RELEASE,
    TERM_EXTENSION,
    credit_limit_apply,
    evaluations_propose,
    hold_lift_request,
    order_release_request,
    term_extension_request,
)
from huikuan.credit.models import CheckStatus, CreditEvaluation, OrderStatus
from huikuan.credit.selectors import (
    access_credit_holds,
    access_orders,
    credit_check,
    credit_dashboard,
    customer_credit_summary,
    evaluations_of_period,
)
from huikuan.credit.services import (
    credit_evaluate,
    customer_hold_place,
    financial_statement_record,
    order_create,
)
from huikuan.ledger.models import CreditClass, Customer
from huikuan.reporting.receivables import customers_with_balances
from huikuan.web.charts import gauge
from huikuan.web.credit_forms import (
    CheckForm,
    EvaluateForm,
    ExtensionForm,
    HoldForm,
    LiftForm,
    LimitApplicationForm,
    OrderForm,
    ReleaseForm,
    StatementForm,
)
from huikuan.web.views.common import page_of, staff_page

CREDIT_KINDS = (CLASS_CHANGE, TERM_EXTENSION, ORDER_RELEASE, HOLD_LIFT, CREDIT_LIMIT)
# The credit pages' forms and the action of huikuan.accounts.permissions each one is.
PAGE_ACTIONS = {
    "limit": "limit.apply",
    "extension": "extension.request",
    "hold": "hold.place",
    "lift": "hold.lift",
    "statement": "statement.record",
    "order": "order.create",
    "propose": "class.propose",
    "evaluate": "credit.evaluate",
    "release": "order.release",
}


def _may(user) -> dict[str, bool]:
    """What the user may do on the credit pages, by form."""
    return {form: may(user, action) for form, action in PAGE_ACTIONS.items()}


def _credit_reader(view: Callable) -> Callable:
    """A staff page that also needs to read credit records (every staff role may)."""

    @staff_page
    def guarded(request, *args, **kwargs):
        require(request.user, "credit.read")
        return view(request, *args, **kwargs)

    guarded.__name__ = view.__name__
    guarded.__doc__ = view.__doc__
    return guarded


def _customer(request, code: str) -> Customer:
    if "\x00" in code:
        raise Http404
    return get_object_or_404(access_customers(user=request.user), code=code)


def _open_invoice_numbers(request, customer: Customer) -> list[str]:
    return list(
        access_invoices(user=request.user)
        .filter(customer=customer, closed_on__isnull=True)
        .order_by("due_date", "number")
        .values_list("number", flat=True)[:200]
    )


def _forms(request, customer: Customer, bound: dict | None = None) -> dict:
    bound = bound or {}
    invoices = _open_invoice_numbers(request, customer)
    today = timezone.localdate()
    return {
        "limit": bound.get("limit") or LimitApplicationForm(prefix="limit"),
        "extension": bound.get("extension") or ExtensionForm(prefix="extension", invoices=invoices),
        "hold": bound.get("hold") or HoldForm(prefix="hold"),
        "statement": bound.get("statement")
        or StatementForm(prefix="statement", initial={"statement_date": today}),
        "order": bound.get("order") or OrderForm(prefix="order", initial={"order_date": today}),
        "check": CheckForm(request.GET or None, prefix="check"),
        "lift": LiftForm(prefix="lift"),
    }


def _customer_page(request, customer: Customer, *, bound: dict | None = None, error: str = "", status=200):
    today = timezone.localdate()
    summary = customer_credit_summary(customer=customer, as_of=today)
    forms = _forms(request, customer, bound)
    check = None
    if forms["check"].is_bound and forms["check"].is_valid():
        data = forms["check"].cleaned_data
        check = credit_check(customer=customer, amount=data["amount"], as_of=today, prepaid=data["prepaid"])
    latest = summary.evaluations[0] if summary.evaluations else None
    context = {
        "customer": customer,
        "summary": summary,
        "as_of": today,
        "gauge": gauge(used=summary.exposure, limit=summary.credit_limit),
        "latest": latest,
        "may_propose_latest": latest is not None
        and not latest.approval_number
        and latest.proposed_class != customer.credit_class,
        "approvals": access_approval_requests(user=request.user)
        .filter(customer=customer)
        .order_by("-id")[:30],
        "forms": forms,
        "check": check,
        "may": _may(request.user),
        "error": error,
        "error_action": (bound or {}).get("_action", ""),
    }
    return render(request, "web/credit/customer.html", context, status=status)


@_credit_reader
def credit_customer(request, code: str):
    """A customer's credit: class and scores, limit and exposure, fee, Z-score, holds, actions."""
    return _customer_page(request, _customer(request, code))


def _done(request, text: str) -> None:
    messages.success(request, text)


def _apply_limit(request, customer, form) -> None:
    application = credit_limit_apply(
        customer=customer,
        amount=form.cleaned_data["amount"],
        reason=form.cleaned_data["reason"],
        requested_by=request.user,
    )
    _done(request, _("Limit application filed: %(number)s") % {"number": application.approval_number})


def _request_extension(request, customer, form) -> None:
    invoice = get_object_or_404(
        access_invoices(user=request.user), customer=customer, number=form.cleaned_data["invoice"]
    )
    extension = term_extension_request(
        invoice=invoice,
        days=form.cleaned_data["days"],
        reason=form.cleaned_data["reason"],
        requested_by=request.user,
    )
    _done(request, _("Term extension requested: %(number)s") % {"number": extension.approval_number})


def _place_hold(request, customer, form) -> None:
    customer_hold_place(
        customer=customer,
        reason=form.cleaned_data["reason"],
        source="manual",
        on=timezone.localdate(),
        actor=request.user,
    )
    _done(request, _("The customer is on credit hold."))


def _request_lift(request, customer, form) -> None:
    hold = get_object_or_404(
        access_credit_holds(user=request.user), customer=customer, pk=form.cleaned_data["hold"]
    )
    approval = hold_lift_request(hold=hold, requested_by=request.user, reason=form.cleaned_data["reason"])
    _done(request, _("Lifting the hold was requested: %(number)s") % {"number": approval.number})


def _enter_statement(request, customer, form) -> None:
    financial_statement_record(customer=customer, **form.cleaned_data, entered_by=request.user.get_username())
    _done(request, _("Financial statement saved."))


def _create_order(request, customer, form) -> None:
    data = form.cleaned_data
    order = order_create(
        number=data["number"],
        customer=customer,
        order_date=data["order_date"],
        amount=data["amount"],
        currency=data["currency"].upper(),
        fx_rate=data["fx_rate"],
        prepaid=data["prepaid"],
        created_by=request.user.get_username(),
    )
    request.session["credit_new_order"] = order.number
    _done(
        request,
        _("Order %(number)s recorded: %(result)s")
        % {
            "number": order.number,
            "result": order.get_check_status_display(),
        },
    )


def _propose_class(request, customer, form) -> None:
    latest = CreditEvaluation.objects.filter(customer=customer).order_by("-period", "-version").first()
    proposals = evaluations_propose(evaluations=[latest] if latest else [], requested_by=request.user)
    if not proposals:
        raise RuleViolation(_("The latest evaluation proposes no change of class."))
    _done(request, _("Class change proposed: %(number)s") % {"number": proposals[0].approval_number or "✓"})


ACTIONS = {
    "limit": (LimitApplicationForm, _apply_limit),
    "extension": (ExtensionForm, _request_extension),
    "hold": (HoldForm, _place_hold),
    "lift": (LiftForm, _request_lift),
    "statement": (StatementForm, _enter_statement),
    "order": (OrderForm, _create_order),
    "propose": (None, _propose_class),
}


@_credit_reader
@require_POST
def credit_customer_action(request, code: str, action: str):
    """One of the customer page's forms: check the form, call its service, back to the page."""
    if action not in ACTIONS:
        raise Http404
    require(request.user, PAGE_ACTIONS[action])
    customer = _customer(request, code)
    form_class, handler = ACTIONS[action]
    form = None
    if form_class is ExtensionForm:
        form = ExtensionForm(request.POST, prefix=action, invoices=_open_invoice_numbers(request, customer))
    elif form_class is not None:
        form = form_class(request.POST, prefix=action)
    bound = {"_action": action}
    if form is not None:
        bound[action] = form
        if not form.is_valid():
            return _customer_page(request, customer, bound=bound, status=400)
    try:
        with audit_context(actor=request.user, source="web"):
            handler(request, customer, form)
    except ApplicationError as refused:
        return _customer_page(request, customer, bound=bound, error=refused.message, status=409)
    if action == "order":
        return redirect("web:credit-order", number=request.session.pop("credit_new_order"))
    return redirect("web:credit-customer", code=customer.code)


# ---------------------------------------------------------------- dashboard


def _latest_period() -> str | None:
    return CreditEvaluation.objects.aggregate(period=Max("period"))["period"]


@_credit_reader
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
        "may": _may(request.user),
        "as_of": today,
    }
    return render(request, "web/credit/dashboard.html", context)


@_credit_reader
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


@_credit_reader
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


# ---------------------------------------------------------------- orders


@_credit_reader
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
        "may_release": order.check_status == CheckStatus.BLOCKED and may(request.user, "order.release"),
        "approval": access_approval_requests(user=request.user)
        .filter(number=order.release_approval_number)
        .first()
        if order.release_approval_number
        else None,
    }
    return render(request, "web/credit/order.html", context, status=status)


def _order(request, number: str):
    if "\x00" in number:
        raise Http404
    return get_object_or_404(access_orders(user=request.user), number=number)


@_credit_reader
def order_detail(request, number: str):
    return _order_page(request, _order(request, number))


@_credit_reader
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
