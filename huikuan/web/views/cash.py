"""The cash-application workbench: the queue of bank lines, each decided in one keystroke.

Every decision posts to one small view that calls one service and answers the line's row
again (htmx swaps it; the page's script then moves to the next line). Without htmx the
page is reloaded with a message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from huikuan.accounts.access import access_customers
from huikuan.accounts.permissions import may
from huikuan.cash import services
from huikuan.cash.models import BankLine, LineDecision, LineStatus
from huikuan.cash.proposals import Proposal, Split, proposal_of
from huikuan.cash.selectors import (
    DECIDED,
    DECIDED_STATUSES,
    QUEUE,
    LineFilters,
    bank_line_counts,
    bank_line_get,
    bank_line_queue,
)
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError, RuleViolation
from huikuan.ledger.models import Customer
from huikuan.web.views.common import model_page, page_for, page_of

SOURCE = "web:cash"
LINES_PER_PAGE = 100
SPLIT_ROWS = 3
# Receipts the matcher set aside (interest, a tax refund, a transfer between the company's own
# accounts) have their own choice: a person can look them over and still apply one.
STATUS_CHOICES = (
    QUEUE,
    LineStatus.REVIEW,
    LineStatus.UNMATCHED,
    DECIDED,
    *DECIDED_STATUSES,
    LineStatus.IGNORED,
)


@dataclass(frozen=True)
class Row:
    line: BankLine
    proposal: Proposal
    decision: LineDecision | None

    @property
    def decided(self) -> bool:
        return self.decision is not None


def _row(line: BankLine) -> Row:
    decisions = getattr(line, "current_decisions", [])
    return Row(line=line, proposal=proposal_of(line.proposal), decision=decisions[0] if decisions else None)


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _amount(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", "").strip()) if text.strip() else None
    except InvalidOperation:
        return None
    return value if value is not None and value.is_finite() else None


def _filters(request: HttpRequest) -> LineFilters:
    status = request.GET.get("status", QUEUE)
    return LineFilters(
        status=status if status in STATUS_CHOICES else QUEUE,
        date_from=_day(request.GET.get("date_from", "")),
        date_to=_day(request.GET.get("date_to", "")),
        amount_min=_amount(request.GET.get("amount_min", "")),
        amount_max=_amount(request.GET.get("amount_max", "")),
        search=request.GET.get("q", "")[:200],
    )


def _status_labels() -> list[tuple[str, str]]:
    labels = {QUEUE: _("To do (review, then unmatched)"), DECIDED: pgettext("cash lines", "Decided")}
    return [(status, labels.get(status) or LineStatus(status).label) for status in STATUS_CHOICES]


@model_page("cash.view_bankline")
def workbench(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    page = page_of(request, bank_line_queue(user=request.user, filters=filters), per_page=LINES_PER_PAGE)
    return render(
        request,
        "web/cash/workbench.html",
        {
            "page": page,
            "rows": [_row(line) for line in page],
            "counts": bank_line_counts(user=request.user, filters=filters),
            "filters": filters,
            "statuses": _status_labels(),
            "may_decide": may(request.user, "cash.decide"),
            "split_rows": range(SPLIT_ROWS),
            "query": request.GET.urlencode(),
        },
    )


@model_page("cash.view_bankline")
def counts(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/cash/_count_figures.html",
        {
            "counts": bank_line_counts(user=request.user, filters=_filters(request)),
        },
    )


@model_page("cash.view_bankline")
def customer_options(request: HttpRequest) -> HttpResponse:
    """The customers whose code or name holds the typed text, for the search box's list."""
    text = request.GET.get("customer", "").strip()[:100]
    customers = access_customers(user=request.user).only("code", "name")
    found = (
        (customers.filter(code__icontains=text) | customers.filter(name__icontains=text))[:20] if text else []
    )
    return render(request, "web/cash/_customer_options.html", {"customers": found})


def _customer(request: HttpRequest) -> Customer:
    text = request.POST.get("customer", "").strip()
    customers = access_customers(user=request.user)
    found = customers.filter(code=text).first() or customers.filter(name=text).first() if text else None
    if found is None:
        raise RuleViolation(_("Choose a customer (press / to search): %(text)s") % {"text": text or "—"})
    return found


def _splits(request: HttpRequest) -> list[Split]:
    splits = []
    for number, text in zip(request.POST.getlist("invoice"), request.POST.getlist("amount"), strict=False):
        if not number.strip():
            continue
        amount = _amount(text)
        if amount is None or amount <= 0:
            raise RuleViolation(
                _("Invoice %(invoice)s: the amount %(amount)r is not a positive amount")
                % {"invoice": number.strip(), "amount": text}
            )
        splits.append(Split(number.strip(), amount))
    return splits


def _answer(
    request: HttpRequest, pk: int, *, done: str = "", error: str = "", outcome: str = ""
) -> HttpResponse:
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, done)
        return redirect(reverse("web:cash") + f"#line-{pk}")
    line = bank_line_get(user=request.user, pk=pk)
    response = render(
        request,
        "web/cash/_line.html",
        {
            "row": _row(line),
            "done": done,
            "error": error,
            "outcome": outcome,
            "may_decide": may(request.user, "cash.decide"),
            "split_rows": range(SPLIT_ROWS),
        },
    )
    if not error:
        response["HX-Trigger"] = "cash-decided"
    return response


def _decide(request: HttpRequest, pk: int, act) -> HttpResponse:
    line = get_object_or_404(bank_line_queue(user=request.user, filters=LineFilters(status="")), pk=pk)
    try:
        with audit_context(actor=request.user, source=SOURCE):
            outcome = act(line, request.user.get_username())
    except ApplicationError as refused:
        return _answer(request, pk, error=refused.message)
    if isinstance(outcome, services.Outcome) and not outcome.posted:
        return _answer(
            request, pk, done=_("This line was already decided: nothing new was posted."), outcome="decided"
        )
    return _answer(request, pk, done=_("Done."), outcome="undone" if outcome is None else "decided")


@require_POST
@page_for("cash.decide")
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        rank = max(int(request.POST.get("rank", "0")), 0)
    except ValueError:
        rank = 0
    customers = access_customers(user=request.user)
    return _decide(
        request,
        pk,
        lambda line, who: services.line_accept(line=line, decided_by=who, rank=rank, customers=customers),
    )


@require_POST
@page_for("cash.decide")
def split(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply to the invoices given; the rest (all of it without invoices) stays on account."""

    def act(line: BankLine, who: str):
        customer, parts = _customer(request), _splits(request)
        if not parts:
            return services.line_put_on_account(line=line, customer=customer, decided_by=who)
        return services.line_split(line=line, customer=customer, splits=parts, decided_by=who)

    return _decide(request, pk, act)


@require_POST
@page_for("cash.decide")
def write_off(request: HttpRequest, pk: int) -> HttpResponse:
    def act(line: BankLine, who: str):
        numbers = [number.strip() for number in request.POST.getlist("invoice") if number.strip()]
        if not numbers:
            raise RuleViolation(_("Give the invoice whose difference is written off"))
        return services.line_write_off_difference(
            line=line,
            customer=_customer(request),
            invoice_number=numbers[0],
            reason=request.POST.get("reason", ""),
            decided_by=who,
        )

    return _decide(request, pk, act)


@require_POST
@page_for("cash.decide")
def on_account(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        lambda line, who: services.line_put_on_account(
            line=line,
            customer=_customer(request),
            decided_by=who,
            as_advance=request.POST.get("as_advance") == "1",
            order_number=request.POST.get("order_number", "")[:64],
        ),
    )


@require_POST
@page_for("cash.decide")
def not_customer(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")[:500]
    return _decide(
        request,
        pk,
        lambda line, who: services.line_mark_not_customer(line=line, decided_by=who, reason=reason),
    )


@require_POST
@page_for("cash.decide")
def undo(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")[:500]

    def act(line: BankLine, who: str) -> None:
        services.line_undo(line=line, undone_by=who, reason=reason)

    return _decide(request, pk, act)
