"""Reads of acceptance bills: the register (by maturity, acceptor, status), the bills falling
due soon, and what the bills add to each customer's credit exposure."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from huikuan.accounts.access import access_customer_scoped
from huikuan.bills.models import Bill
from huikuan.bills.rules import LIVE, BillKind, BillStatus
from huikuan.core.money import functional_amount
from huikuan.core.policy import policy_value

ORDERINGS = {
    "maturity": ("maturity_date", "number", "sub_range_start"),
    "acceptor": ("acceptor", "maturity_date", "number"),
    "status": ("status", "maturity_date", "number"),
    "received": ("-received_on", "number"),
}


def access_bills(*, user) -> QuerySet[Bill]:
    """The bills of the customers in ``user``'s scope."""
    return access_customer_scoped(user=user, queryset=Bill.objects.select_related("customer"))


def bills_filtered(
    bills: QuerySet[Bill],
    *,
    status: str = "",
    acceptor: str = "",
    kind: str = "",
    customer: str = "",
    order: str = "maturity",
) -> QuerySet[Bill]:
    if status == "live":
        bills = bills.filter(status__in=LIVE)
    elif status:
        bills = bills.filter(status=status)
    if acceptor:
        bills = bills.filter(Q(acceptor__icontains=acceptor) | Q(acceptor_bank__icontains=acceptor))
    if kind:
        bills = bills.filter(kind=kind)
    if customer:
        bills = bills.filter(customer__code=customer)
    return bills.order_by(*ORDERINGS.get(order, ORDERINGS["maturity"]))


def bills_due_soon(bills: QuerySet[Bill], *, as_of: date, days: int | None = None) -> QuerySet[Bill]:
    """Live bills maturing from ``as_of`` (or overdue for presentation) to ``days`` later."""
    days = policy_value("BILLS_DUE_SOON_DAYS") if days is None else days
    return bills.filter(status__in=LIVE, maturity_date__lte=as_of + timedelta(days=days)).order_by(
        "maturity_date", "number", "sub_range_start"
    )


def _exposure_filter(as_of: date) -> Q:
    """Bills that count in exposure at the end of ``as_of``: received by then, not yet honoured
    then, not dishonoured (a dishonour puts the receivable back on the invoices, which count
    it themselves from their issue), and commercial unless the setting keeps bank bills."""
    counted = Q(received_on__lte=as_of) & ~Q(status=BillStatus.DISHONOURED)
    counted &= Q(honoured_on__isnull=True) | Q(honoured_on__gt=as_of)
    if policy_value("BILLS_BANK_EXPOSURE") != "until_honoured":
        counted &= Q(kind=BillKind.COMMERCIAL)
    return counted


def bills_exposure_by_customer(
    *, as_of: date, customer_ids: Collection[int] | None = None
) -> dict[int, Decimal]:
    """Per customer: the bills still at risk at the end of ``as_of`` (functional currency).

    The invoices a bill paid are closed in the aging; until the bill is honoured at maturity
    its face value stays in the customer's exposure, even endorsed or discounted (the holder
    has recourse). Few rows (the live bills), summed per row at each bill's own rate.
    """
    bills = Bill.objects.filter(_exposure_filter(as_of))
    if customer_ids is not None:
        bills = bills.filter(customer_id__in=list(customer_ids))
    totals: dict[int, Decimal] = {}
    for customer_id, amount, rate in bills.values_list("customer_id", "amount", "fx_rate"):
        totals[customer_id] = totals.get(customer_id, Decimal("0.00")) + functional_amount(amount, rate)
    return totals


@dataclass(frozen=True)
class RegisterTotals:
    live: int
    live_amount: Decimal
    due_soon: int
    due_soon_amount: Decimal


def register_totals(bills: QuerySet[Bill], *, as_of: date) -> RegisterTotals:
    """How many bills are live (and for how much) and how many fall due soon, in the database.

    The amounts are summed as they are: the register's total is in the bills' own currency,
    which is the functional one for every bill received in China."""
    live = bills.filter(status__in=LIVE).aggregate(count=Count("pk"), total=Sum("amount"))
    soon = bills_due_soon(bills, as_of=as_of).aggregate(count=Count("pk"), total=Sum("amount"))
    zero = Decimal("0.00")
    return RegisterTotals(live["count"], live["total"] or zero, soon["count"], soon["total"] or zero)


def bill_as_dict(bill: Bill) -> dict[str, Any]:
    def day(value: date | None) -> str | None:
        return None if value is None else value.isoformat()

    def money(value: Decimal | None) -> str | None:
        return None if value is None else f"{value:.2f}"

    return {
        "id": bill.pk,
        "number": bill.number,
        "sub_range": None
        if bill.sub_range_start is None
        else {"start": bill.sub_range_start, "end": bill.sub_range_end},
        "electronic": bill.electronic,
        "kind": bill.kind,
        "status": bill.status,
        "customer_code": bill.customer.code,
        "drawer": bill.drawer,
        "acceptor": bill.acceptor,
        "acceptor_bank": bill.acceptor_bank,
        "issue_date": day(bill.issue_date),
        "maturity_date": day(bill.maturity_date),
        "received_on": day(bill.received_on),
        "amount": money(bill.amount),
        "currency": bill.currency,
        "payment_reference": bill.payment_reference,
        "invoices": [
            {"invoice_number": s.invoice.number, "amount": money(s.amount)} for s in bill.settlements.all()
        ],
        "endorsee": bill.endorsee,
        "endorsed_on": day(bill.endorsed_on),
        "discount_bank": bill.discount_bank,
        "discounted_on": day(bill.discounted_on),
        "discount_rate": None if bill.discount_rate is None else str(bill.discount_rate),
        "discount_interest": money(bill.discount_interest),
        "presented_on": day(bill.presented_on),
        "honoured_on": day(bill.honoured_on),
        "dishonoured_on": day(bill.dishonoured_on),
        "dishonour_reason": bill.dishonour_reason,
        "dishonour_costs": money(bill.dishonour_costs),
        "costs_invoice": None if bill.costs_invoice_id is None else bill.costs_invoice.number,
    }
