"""Collections reporting (issue 5 item 7): per collector and per team (department) for a period.

    collections_performance(*, start: date, end: date, by: "collector" | "team") -> list[PerformanceRow]
    overdue_clearance(*, start: date, as_of: date, by: "collector" | "team" | None = None)
        -> list[ClearanceRow]
    overdue_reason_breakdown(*, as_of: date, by: "collector" | "team" | None = None) -> list[ReasonRow]

Actions done: completed call tasks and delivered emails/letters in the period, by the
customer's collector (or department). Amounts collected after an action: the customer's
receipts dated within ``COLLECTIONS_ATTRIBUTION_DAYS`` days after one of its actions in
the period (each receipt counted once), in the functional currency. Promises kept %:
promises resolved in the period, kept ÷ (kept + broken). Overdue clearance (清欠率, SPEC §9):
of the balance overdue at ``start`` (invoices due before it, open at its end), the share
collected since — allocations, credit notes and write-offs are not collections, only
allocations dated after ``start`` up to ``as_of`` count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q

from huikuan.collections.models import ActionStatus, DunningAction, OverdueReason, PromiseStatus, PromiseToPay
from huikuan.core.money import PERCENT_PLACES, functional_amount, quantize_ratio
from huikuan.core.policy import policy_value
from huikuan.ledger.models import Allocation, CreditNote, Customer, Invoice, Payment, WriteOff

GROUPINGS = ("collector", "team")
_FIELD = {"collector": "collector", "team": "department"}


@dataclass
class PerformanceRow:
    group: str
    actions_done: int = 0
    collected_after_action: Decimal = Decimal(0)
    promises_kept: int = 0
    promises_broken: int = 0

    @property
    def promises_kept_percent(self) -> Decimal | None:
        resolved = self.promises_kept + self.promises_broken
        if not resolved:
            return None
        return quantize_ratio(Decimal(100) * self.promises_kept / resolved, PERCENT_PLACES)

    def as_dict(self) -> dict:
        kept = self.promises_kept_percent
        return {
            "group": self.group,
            "actions_done": self.actions_done,
            "collected_after_action": str(self.collected_after_action),
            "promises_kept": self.promises_kept,
            "promises_broken": self.promises_broken,
            "promises_kept_percent": None if kept is None else str(kept),
        }


def _only(customer_ids: Collection[int] | None) -> Q:
    """All customers (None), or only these."""
    return Q() if customer_ids is None else Q(customer_id__in=list(customer_ids))


def _group_of(by: str) -> dict[int, str]:
    if by not in GROUPINGS:
        raise ValueError(f"group by one of {GROUPINGS}, not {by!r}")
    return dict(Customer.objects.values_list("id", _FIELD[by]))


def collections_performance(
    *, start: date, end: date, by: str = "collector", customer_ids: Collection[int] | None = None
) -> list[PerformanceRow]:
    """Per group: actions done, receipts after an action, promises kept and broken. With
    ``customer_ids``, only those customers count (a collector's or salesperson's own)."""
    group_of = _group_of(by)
    mine = _only(customer_ids)
    rows: dict[str, PerformanceRow] = {}

    def row(customer_id: int) -> PerformanceRow:
        group = group_of.get(customer_id, "")
        return rows.setdefault(group, PerformanceRow(group))

    done = DunningAction.objects.filter(
        mine, status=ActionStatus.DONE, completed_on__gte=start, completed_on__lte=end
    )
    for customer_id in done.values_list("customer_id", flat=True):
        row(customer_id).actions_done += 1

    window = timedelta(days=policy_value("COLLECTIONS_ATTRIBUTION_DAYS"))
    action_days: dict[int, list[date]] = defaultdict(list)
    for customer_id, day in (
        DunningAction.objects.filter(mine, action_date__gte=start, action_date__lte=end)
        .exclude(status=ActionStatus.CANCELLED)
        .values_list("customer_id", "action_date")
        .distinct()
    ):
        action_days[customer_id].append(day)
    for customer_id, paid_on, amount, fx_rate in Payment.objects.filter(
        customer_id__in=list(action_days), payment_date__gt=start, payment_date__lte=end + window
    ).values_list("customer_id", "payment_date", "amount", "fx_rate"):
        if any(day < paid_on <= day + window for day in action_days[customer_id]):
            row(customer_id).collected_after_action += functional_amount(amount, fx_rate)

    for customer_id, status in PromiseToPay.objects.filter(
        mine,
        resolved_on__gte=start,
        resolved_on__lte=end,
        status__in=[PromiseStatus.KEPT, PromiseStatus.BROKEN],
    ).values_list("customer_id", "status"):
        if status == PromiseStatus.KEPT:
            row(customer_id).promises_kept += 1
        else:
            row(customer_id).promises_broken += 1
    return sorted(rows.values(), key=lambda r: r.group)


@dataclass
class ClearanceRow:
    group: str
    overdue_at_start: Decimal
    collected_since: Decimal

    @property
    def clearance_percent(self) -> Decimal | None:
        if not self.overdue_at_start:
            return None
        return quantize_ratio(Decimal(100) * self.collected_since / self.overdue_at_start, PERCENT_PLACES)

    def as_dict(self) -> dict:
        percent = self.clearance_percent
        return {
            "group": self.group,
            "overdue_at_start": str(self.overdue_at_start),
            "collected_since": str(self.collected_since),
            "clearance_percent": None if percent is None else str(percent),
        }


def overdue_clearance(
    *, start: date, as_of: date, by: str | None = None, customer_ids: Collection[int] | None = None
) -> list[ClearanceRow]:
    """清欠率: of the balance overdue at the end of ``start``, the share collected up to ``as_of``."""
    group_of = _group_of(by) if by else {}
    overdue = Invoice.objects.filter(_only(customer_ids), due_date__lt=start, invoice_date__lte=start).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=start)
    )
    applied_by_start: dict[int, Decimal] = defaultdict(Decimal)
    overdue_ids = overdue.values("id")
    for model, field in (
        (Allocation, "allocation_date"),
        (CreditNote, "note_date"),
        (WriteOff, "writeoff_date"),
    ):
        for invoice_id, amount in model.objects.filter(
            invoice_id__in=overdue_ids, **{f"{field}__lte": start}
        ).values_list("invoice_id", "amount"):
            applied_by_start[invoice_id] += amount
    at_start: dict[str, Decimal] = defaultdict(Decimal)
    for invoice_id, customer_id, amount, fx_rate in overdue.values_list(
        "id", "customer_id", "amount", "fx_rate"
    ):
        at_start[group_of.get(customer_id, "")] += functional_amount(
            amount - applied_by_start[invoice_id], fx_rate
        )
    collected: dict[str, Decimal] = defaultdict(Decimal)
    for customer_id, amount, fx_rate in Allocation.objects.filter(
        invoice__in=overdue, allocation_date__gt=start, allocation_date__lte=as_of
    ).values_list("invoice__customer_id", "amount", "invoice__fx_rate"):
        collected[group_of.get(customer_id, "")] += functional_amount(amount, fx_rate)
    return [
        ClearanceRow(group, at_start[group], collected[group])
        for group in sorted(set(at_start) | set(collected))
    ]


@dataclass
class ReasonRow:
    group: str
    reason: str
    customers: int
    overdue_balance: Decimal

    def as_dict(self) -> dict:
        return {
            "group": self.group,
            "reason": self.reason,
            "customers": self.customers,
            "overdue_balance": str(self.overdue_balance),
        }


def overdue_reason_breakdown(
    *, as_of: date, by: str | None = None, customer_ids: Collection[int] | None = None
) -> list[ReasonRow]:
    """Overdue customers (open invoices due before ``as_of``) by their latest overdue reason
    noted up to ``as_of`` ("" when none), with their overdue balance."""
    group_of = _group_of(by) if by else {}
    balances: dict[int, Decimal] = defaultdict(Decimal)
    for customer_id, amount, applied, fx_rate in Invoice.objects.filter(
        _only(customer_ids), due_date__lt=as_of, closed_on__isnull=True
    ).values_list("customer_id", "amount", "applied_amount", "fx_rate"):
        # Each invoice converted and rounded once, as the aging (and so the dashboard) does.
        balances[customer_id] += functional_amount(amount - applied, fx_rate)
    latest: dict[int, str] = {}
    for customer_id, code in (
        OverdueReason.objects.filter(customer_id__in=list(balances), noted_on__lte=as_of)
        .order_by("customer_id", "noted_on", "id")
        .values_list("customer_id", "code")
    ):
        latest[customer_id] = code
    rows: dict[tuple[str, str], ReasonRow] = {}
    for customer_id, balance in balances.items():
        key = (group_of.get(customer_id, ""), latest.get(customer_id, ""))
        row = rows.setdefault(key, ReasonRow(key[0], key[1], 0, Decimal(0)))
        row.customers += 1
        row.overdue_balance += balance
    return sorted(rows.values(), key=lambda r: (r.group, -r.overdue_balance, r.reason))
