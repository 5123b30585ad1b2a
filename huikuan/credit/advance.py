"""Advance receipts for class D orders (现款现货, cash before delivery; seed 002).

A class D customer's order passes only when recorded advance receipts (预收,
``huikuan.ledger.advances``) cover it: those for the customer, and those for that very order
(an advance receipt for another order covers only that one). Plain money on account does not
count: a payment becomes an advance receipt when it is marked so (import column, API, web, the
cash workbench). The check names the receipts it relied on; what a passed order relied on is
reserved for it while it is open or shipped (``Order.covered_by``), so the same money never
covers two orders.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import F

from huikuan.core.money import functional_amount
from huikuan.credit.models import EXPOSURE_STATUSES, Order
from huikuan.ledger.models import Customer, Payment

ZERO = Decimal("0.00")


@dataclass
class AdvanceCover:
    """Whether advance receipts cover an amount, and which receipts it takes, oldest first."""

    amount: Decimal
    on_account: Decimal = ZERO  # advance receipts not yet offset, in the functional currency
    reserved: Decimal = ZERO  # of it, reserved for other open orders
    parts: list[dict[str, str]] = field(default_factory=list)  # [{"reference", "amount"}]

    @property
    def available(self) -> Decimal:
        return self.on_account - self.reserved

    @property
    def covers(self) -> bool:
        return self.available >= self.amount

    def figures(self) -> dict[str, Any]:
        return {
            "credit_class": "D",
            "amount": f"{self.amount:.2f}",
            "advance": f"{self.on_account:.2f}",
            "reserved": f"{self.reserved:.2f}",
            "shortfall": f"{max(self.amount - self.available, ZERO):.2f}",
        }


def _reserved_by_receipt(customer: Customer, exclude_order_id: int | None) -> dict[str, Decimal]:
    reserved: dict[str, Decimal] = defaultdict(Decimal)
    orders = Order.objects.filter(customer=customer, status__in=EXPOSURE_STATUSES, covered_amount__gt=0)
    if exclude_order_id is not None:
        orders = orders.exclude(pk=exclude_order_id)
    for covered in orders.values_list("covered_by", flat=True):
        for part in covered:
            reserved[part["reference"]] += Decimal(part["amount"])
    return reserved


def advance_cover(
    *, customer: Customer, amount: Decimal, as_of: date, exclude_order_id: int | None = None
) -> AdvanceCover:
    """The advance receipts (received by ``as_of``, not yet offset, less what other open orders
    reserve) that cover ``amount`` (functional currency), oldest first; ``covers`` says whether
    they do. Receipts for another order than ``exclude_order_id``'s are not counted."""
    cover = AdvanceCover(amount=amount)
    reserved = _reserved_by_receipt(customer, exclude_order_id)
    order_number = (
        Order.objects.filter(pk=exclude_order_id).values_list("number", flat=True).first()
        if exclude_order_id is not None
        else None
    )
    receipts = (
        Payment.objects.filter(
            customer=customer,
            payment_date__lte=as_of,
            allocated_amount__lt=F("amount"),
            advance_receipt__isnull=False,
            advance_receipt__order_number__in=["", order_number] if order_number else [""],
        )
        .order_by("payment_date", "id")
        .values_list("reference", "amount", "allocated_amount", "fx_rate")
    )
    needed = amount
    for reference, total, allocated, rate in receipts:
        free = functional_amount(total - allocated, rate)
        taken = min(reserved.get(reference, ZERO), free)
        cover.on_account += free
        cover.reserved += taken
        usable = free - taken
        if needed > 0 and usable > 0:
            part = min(usable, needed)
            cover.parts.append({"reference": reference, "amount": f"{part:.2f}"})
            needed -= part
    if not cover.covers:
        cover.parts = []
    return cover
