"""A customer's credit page and its forms (limit, extension, hold, lift, statement, order, class).

Every page reads through the access selectors (a salesperson sees only their customers);
every form calls one credit service inside ``audit_context``; decisions are made in the
approvals inbox, never here.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huikuan.accounts.access import access_customers, access_invoices
from huikuan.accounts.permissions import require
from huikuan.approvals.selectors import access_approval_requests
from huikuan.collections.late_interest import customer_late_interest, late_interest_charge
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError, RuleViolation
from huikuan.core.policy import policy_value
from huikuan.credit.charges import fee_charge_mode, overdue_fee_charge
from huikuan.credit.flows import (
    credit_limit_apply,
    customer_terms_ceiling,
    customer_terms_extension_request,
    evaluations_propose,
    hold_lift_request,
    term_extension_request,
)
from huikuan.credit.interest_rates import contract_interest_rate_set
from huikuan.credit.market import industry_position_confirm, revenue_contribution_confirm
from huikuan.credit.models import CreditEvaluation, FeeKind
from huikuan.credit.selectors import (
    access_credit_holds,
    credit_check,
    customer_credit_summary,
)
from huikuan.credit.services import (
    customer_hold_place,
    financial_statement_record,
    order_create,
)
from huikuan.ledger.models import Customer
from huikuan.risk.selectors import customer_risk_history
from huikuan.web import labels
from huikuan.web.charts import gauge
from huikuan.web.credit_forms import (
    CheckForm,
    ExtensionForm,
    HoldForm,
    InterestRateForm,
    LiftForm,
    LimitApplicationForm,
    MarketForm,
    OrderForm,
    StatementForm,
    TermsForm,
)
from huikuan.web.views.credit_common import PAGE_ACTIONS, credit_reader, page_permissions


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
        "terms": bound.get("terms") or TermsForm(prefix="terms"),
        "rate": bound.get("rate") or InterestRateForm(prefix="rate", initial={"effective_from": today}),
        "market": bound.get("market")
        or MarketForm(
            prefix="market", positions=_positions(), initial={"industry_position": customer.industry_position}
        ),
    }


def _charges(customer: Customer, kind: str):
    return customer.fee_charges.filter(kind=kind).select_related("debit_note").order_by("-as_of", "-pk")[:10]


def _positions() -> list[tuple[str, str]]:
    return [(key, labels.label(key, "industry")) for key in policy_value("CREDIT_INDUSTRY_POINTS") if key]


def _customer_page(request, customer: Customer, *, bound: dict | None = None, error: str = "", status=200):
    today = timezone.localdate()
    summary = customer_credit_summary(customer=customer, as_of=today)
    forms = _forms(request, customer, bound)
    check = None
    if forms["check"].is_bound and forms["check"].is_valid():
        data = forms["check"].cleaned_data
        check = credit_check(customer=customer, amount=data["amount"], as_of=today)
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
        "may": page_permissions(request.user),
        "fee_as_debit_note": fee_charge_mode() == "debit_note",
        "fee_charges": _charges(customer, FeeKind.OVERDUE_FEE),
        "interest_charges": _charges(customer, FeeKind.LATE_INTEREST),
        "late_interest": customer_late_interest(customer=customer, as_of=today),
        "interest_rates": customer.interest_rates.all()[:10],
        "market": customer.market_assessments.order_by("-confirmed_on", "-pk")[:10],
        "revenue_confirmation": policy_value("CREDIT_REVENUE_CONFIRMED_BY_MARKET"),
        "terms": customer_terms_ceiling(customer=customer, on=today),
        "term_grants": customer.term_grants.order_by("-granted_on", "-pk")[:20],
        "risk_history": customer_risk_history(customer_id=customer.pk),
        "error": error,
        "error_action": (bound or {}).get("_action", ""),
    }
    return render(request, "web/credit/customer.html", context, status=status)


@credit_reader
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


def _request_terms(request, customer, form) -> None:
    approval = customer_terms_extension_request(
        customer=customer,
        days=form.cleaned_data["days"],
        reason=form.cleaned_data["reason"],
        valid_until=form.cleaned_data["valid_until"],
        requested_by=request.user,
    )
    _done(request, _("Extension of terms requested: %(number)s") % {"number": approval.number})


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
        created_by=request.user.get_username(),
        price=data["price"],
        break_even_price=data["break_even_price"],
        target_profit=data["target_profit"],
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


def _charge_fee(request, customer, form) -> None:
    charge = overdue_fee_charge(
        customer=customer, as_of=timezone.localdate(), charged_by=request.user.get_username()
    )
    if charge is None:
        raise RuleViolation(_("No overdue fee is left to charge up to today."))
    _done(
        request,
        _("Overdue fee charged: debit note %(number)s, %(amount)s")
        % {"number": charge.debit_note.number, "amount": f"{charge.amount:,.2f}"},
    )


def _charge_interest(request, customer, form) -> None:
    charge = late_interest_charge(
        customer=customer, as_of=timezone.localdate(), charged_by=request.user.get_username()
    )
    if charge is None:
        raise RuleViolation(_("No late-payment interest is left to charge up to today."))
    _done(
        request,
        _("Late-payment interest charged: debit note %(number)s, %(amount)s")
        % {"number": charge.debit_note.number, "amount": f"{charge.amount:,.2f}"},
    )


def _confirm_market(request, customer, form) -> None:
    data = form.cleaned_data
    today = timezone.localdate()
    industry_position_confirm(
        customer=customer, confirmed_by=request.user, on=today, industry_position=data["industry_position"]
    )
    if data["period"]:
        revenue_contribution_confirm(
            customer=customer,
            period=data["period"],
            confirmed_by=request.user,
            on=today,
            revenue=data["revenue"],
        )
    _done(request, _("Confirmed by market development."))


def _set_rate(request, customer, form) -> None:
    contract_interest_rate_set(customer=customer, **form.cleaned_data, set_by=request.user.get_username())
    _done(request, _("Contract rate saved."))


ACTIONS = {
    "limit": (LimitApplicationForm, _apply_limit),
    "extension": (ExtensionForm, _request_extension),
    "terms": (TermsForm, _request_terms),
    "hold": (HoldForm, _place_hold),
    "lift": (LiftForm, _request_lift),
    "statement": (StatementForm, _enter_statement),
    "order": (OrderForm, _create_order),
    "propose": (None, _propose_class),
    "charge": (None, _charge_fee),
    "interest": (None, _charge_interest),
    "rate": (InterestRateForm, _set_rate),
    "market": (MarketForm, _confirm_market),
}


@credit_reader
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
    elif form_class is MarketForm:
        form = MarketForm(request.POST, prefix=action, positions=_positions())
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
