"""Writes of the finance app: specific provisions (audited through the model's registration)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from huikuan.core.errors import RuleViolation
from huikuan.finance.models import SpecificProvision
from huikuan.ledger.models import Customer, Invoice


@transaction.atomic
def specific_provision_add(
    *,
    customer: Customer,
    rate: Decimal,
    reason: str,
    effective_from: date,
    invoice: Invoice | None = None,
    created_by: str = "",
) -> SpecificProvision:
    """Provision a customer's whole balance, or one of its invoices, at ``rate`` (0 … 1) from
    ``effective_from`` on, outside the matrix."""
    if not Decimal(0) <= rate <= Decimal(1):
        raise RuleViolation(f"a provision rate is between 0 and 1 (100 %), not {rate}")
    if not reason.strip():
        raise RuleViolation("a specific provision needs a reason")
    if invoice is not None and invoice.customer_id != customer.pk:
        raise RuleViolation(f"invoice {invoice.number} is not customer {customer.code}'s")
    return SpecificProvision.objects.create(
        customer=customer,
        invoice=invoice,
        rate=rate,
        reason=reason.strip(),
        effective_from=effective_from,
        created_by=created_by,
    )


@transaction.atomic
def specific_provision_end(*, provision: SpecificProvision, ended_on: date) -> SpecificProvision:
    """End a specific provision (kept, never deleted): from ``ended_on`` the matrix applies again."""
    if ended_on <= provision.effective_from:
        raise RuleViolation(f"a provision effective from {provision.effective_from} cannot end on {ended_on}")
    provision.ended_on = ended_on
    provision.save(update_fields=["ended_on"])
    return provision
