"""The bills register (承兑汇票): every bill by maturity, acceptor or status, those falling due
soon, receiving a bill against invoices, and one bill's page with its moves."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from huikuan.accounts.access import access_customers
from huikuan.accounts.permissions import may
from huikuan.bills import services
from huikuan.bills.imports import parse_invoice_list
from huikuan.bills.rules import MOVES, BillKind, BillStatus
from huikuan.bills.selectors import access_bills, bills_due_soon, bills_filtered, register_totals
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError
from huikuan.core.policy import policy_value
from huikuan.web.bill_forms import MOVE_FORMS, BillReceiveForm
from huikuan.web.views.common import page_for, page_of, template_for

MOVE_SERVICES = {
    "endorse": services.bill_endorse,
    "discount": services.bill_discount,
    "present": services.bill_present,
    "honour": services.bill_honour,
    "dishonour": services.bill_dishonour,
}
MOVE_STATUS = {
    "endorse": BillStatus.ENDORSED,
    "discount": BillStatus.DISCOUNTED,
    "present": BillStatus.COLLECTING,
    "honour": BillStatus.HONOURED,
    "dishonour": BillStatus.DISHONOURED,
}
MOVE_LABELS = {
    "endorse": gettext_lazy("Endorse to a supplier"),
    "discount": gettext_lazy("Discount at a bank"),
    "present": gettext_lazy("Present for collection"),
    "honour": gettext_lazy("Record honoured"),
    "dishonour": gettext_lazy("Record dishonoured"),
}
ORDERS = (
    ("maturity", gettext_lazy("Maturity")),
    ("acceptor", gettext_lazy("Acceptor")),
    ("status", gettext_lazy("Status")),
    ("received", gettext_lazy("Received")),
)


def _choice(value: str | None, allowed) -> str:
    return value if value in set(allowed) else ""


@page_for("bill.read")
def bill_register(request, form: BillReceiveForm | None = None):
    today = timezone.localdate()
    bills = access_bills(user=request.user)
    status = _choice(request.GET.get("status", "live"), [*BillStatus.values, "live"])
    kind = _choice(request.GET.get("kind"), BillKind.values)
    order = _choice(request.GET.get("order"), [value for value, _label in ORDERS]) or "maturity"
    acceptor = request.GET.get("acceptor", "")[:300]
    listed = bills_filtered(bills, status=status, acceptor=acceptor, kind=kind, order=order)
    days = policy_value("BILLS_DUE_SOON_DAYS")
    context = {
        "page": page_of(request, listed),
        "due_soon": list(bills_due_soon(bills, as_of=today, days=days)[:100]),
        "totals": register_totals(bills, as_of=today),
        "days": days,
        "today": today,
        "status": status,
        "kind": kind,
        "order": order,
        "acceptor": acceptor,
        "statuses": BillStatus.choices,
        "kinds": BillKind.choices,
        "orders": ORDERS,
        "may_manage": may(request.user, "bill.manage"),
        "form": form or BillReceiveForm(initial={"received_on": today, "electronic": True}),
    }
    return render(request, template_for(request, "web/bills/register.html", "web/bills/_table.html"), context)


@page_for("bill.manage")
@require_POST
def bill_receive_view(request):
    form = BillReceiveForm(request.POST)
    if not form.is_valid():
        return bill_register(request, form=form)
    data = form.cleaned_data
    customer = access_customers(user=request.user).filter(code=data["customer"]).first()
    if customer is None:
        form.add_error("customer", _("no customer has this code"))
        return bill_register(request, form=form)
    try:
        invoices = parse_invoice_list(data["invoices"] or "")
    except ValueError as bad:
        form.add_error("invoices", str(bad))
        return bill_register(request, form=form)
    bill = services.BillIn(
        customer=customer,
        number=data["number"],
        kind=data["kind"],
        drawer=data["drawer"],
        acceptor=data["acceptor"],
        acceptor_bank=data["acceptor_bank"] or "",
        issue_date=data["issue_date"],
        maturity_date=data["maturity_date"],
        received_on=data["received_on"],
        amount=data["amount"],
        currency=(data["currency"] or "").upper(),
        electronic=data["electronic"],
        sub_range_start=data["sub_range_start"],
        sub_range_end=data["sub_range_end"],
        invoices=invoices,
    )
    try:
        with audit_context(actor=request.user, source="web"):
            received = services.bill_receive(bill=bill)
    except ApplicationError as refused:
        fields = refused.extra.get("fields", {})
        for field, reason in fields.items():
            form.add_error(field if field in form.fields else None, reason)
        if not fields:
            form.add_error(None, refused.message)
        return bill_register(request, form=form)
    messages.success(request, _("Bill %(bill)s received.") % {"bill": received.label})
    return redirect("web:bill", pk=received.pk)


@page_for("bill.read")
def bill_detail(request, pk: int, forms: dict | None = None):
    bill = get_object_or_404(
        access_bills(user=request.user)
        .select_related("costs_invoice")
        .prefetch_related("settlements__invoice"),
        pk=pk,
    )
    today = timezone.localdate()
    moves = [
        (move, MOVE_LABELS[move], (forms or {}).get(move) or form_class(initial={"on": today}))
        for move, form_class in MOVE_FORMS.items()
        if MOVE_STATUS[move] in MOVES[bill.status]
    ]
    context = {
        "bill": bill,
        "moves": moves,
        "may_manage": may(request.user, "bill.manage"),
        "settled": sum((s.amount for s in bill.settlements.all()), Decimal("0.00")),
    }
    return render(request, "web/bills/detail.html", context)


@page_for("bill.manage")
@require_POST
def bill_move_view(request, pk: int, move: str):
    bill = get_object_or_404(access_bills(user=request.user), pk=pk)
    if move not in MOVE_FORMS:
        return redirect("web:bill", pk=bill.pk)
    form = MOVE_FORMS[move](request.POST)
    if not form.is_valid():
        return bill_detail(request, pk, forms={move: form})
    data = {name: value for name, value in form.cleaned_data.items() if value is not None}
    if move == "dishonour":
        data.setdefault("costs", Decimal("0.00"))
    try:
        with audit_context(actor=request.user, source="web"):
            MOVE_SERVICES[move](bill=bill, **data)
    except ApplicationError as refused:
        messages.error(request, refused.message)
        return redirect("web:bill", pk=bill.pk)
    bill.refresh_from_db(fields=["status"])
    messages.success(
        request, _("Bill %(bill)s: %(status)s.") % {"bill": bill.label, "status": bill.get_status_display()}
    )
    return redirect("web:bill", pk=bill.pk)
