"""Charging the overdue capital-occupation fee (超期资金占用费, SPEC §5.2, seed 002 价格 =
基准价 + 超期资金占用费). Per CREDIT_FEE_CHARGE it is raised as a debit note (an invoice of its
own, through the ledger's invoice service, so aging and exposure see it) or added to the
customer's next order.

Each line names an overdue invoice and the days charged: the days after the later of its due
date and the date it was last charged up to. Days once charged are never charged again, so a
second charge for the same date charges nothing and a later one only the new days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from huikuan.core.errors import RuleViolation
from huikuan.core.policy import policy_value
from huikuan.credit import figures
from huikuan.credit.fees import days_overdue, overdue_fee, total_fee
from huikuan.credit.models import FeeCharge, FeeChargeLine, FeeChargeMode, FeeKind, NumberSequence
from huikuan.ledger.models import Customer, Invoice
from huikuan.ledger.services import invoice_issue

MODES = ("debit_note", "order_surcharge", "none")
NOTE_PREFIX = "ZJF"


def fee_charge_mode() -> str:
    """CREDIT_FEE_CHARGE in force: debit_note, order_surcharge or none."""
    mode = policy_value("CREDIT_FEE_CHARGE")
    return mode if mode in MODES else "none"


@dataclass(frozen=True)
class PendingLine:
    invoice: Invoice
    balance: Decimal
    days_from: date
    days: int
    rate: Decimal
    amount: Decimal


def uncharged_fee_lines(*, customer: Customer, as_of: date) -> list[PendingLine]:
    """The fee of each overdue invoice of ``customer`` at the end of ``as_of`` for the days
    not yet charged, on its balance in the functional currency. Fee debit notes themselves
    carry no fee."""
    rate = policy_value("OVERDUE_FEE_ANNUAL_RATE")
    rows = figures.overdue_invoices(as_of=as_of, customer_ids=[customer.pk])
    invoices = {
        invoice.number: invoice
        for invoice in Invoice.objects.filter(
            customer=customer, number__in=[row[1] for row in rows], fee_charge__isnull=True
        )
    }
    charged_to = dict(
        FeeChargeLine.objects.filter(invoice__in=invoices.values(), charge__kind=FeeKind.OVERDUE_FEE)
        .values("invoice_id")
        .annotate(last=Max("charge__as_of"))
        .values_list("invoice_id", "last")
    )
    lines = []
    for _customer, number, due, _currency, _own, functional in rows:
        invoice = invoices.get(number)
        if invoice is None:
            continue
        days_from = max(due, charged_to.get(invoice.pk, due))
        days = days_overdue(due_date=days_from, as_of=as_of)
        amount = overdue_fee(balance=functional, annual_rate=rate, days=days)
        if amount > 0:
            lines.append(PendingLine(invoice, functional, days_from, days, rate, amount))
    return lines


def charged_up_to(*, invoice_ids: list[int], kind: str) -> dict[int, date]:
    """The date up to which each invoice's ``kind`` was last charged (invoices never charged are
    left out): days up to it are never charged again."""
    return dict(
        FeeChargeLine.objects.filter(invoice_id__in=invoice_ids, charge__kind=kind)
        .values("invoice_id")
        .annotate(last=Max("charge__as_of"))
        .values_list("invoice_id", "last")
    )


def _note_number(on: date, prefix: str = NOTE_PREFIX) -> str:
    series = f"{prefix}-{on.year}"
    sequence, _created = NumberSequence.objects.get_or_create(name=series)
    sequence = NumberSequence.objects.select_for_update().get(pk=sequence.pk)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{series}-{sequence.last:06d}"


@transaction.atomic
def fee_charge_record(
    *,
    customer: Customer,
    as_of: date,
    mode: str,
    charged_by: str,
    kind: str = FeeKind.OVERDUE_FEE,
    pending=None,
) -> FeeCharge | None:
    """Record the fee (or, with ``kind`` and ``pending``, another charge computed by its own
    rule: a callable of the customer and the date giving ``PendingLine``s) not yet charged to
    ``customer`` up to ``as_of`` as one charge with its lines; None when nothing is left to
    charge. The customer row is locked first, so two charges at once cannot charge the same days."""
    Customer.objects.select_for_update().filter(pk=customer.pk).first()
    lines = (pending or uncharged_fee_lines)(customer=customer, as_of=as_of)
    if not lines:
        return None
    charge = FeeCharge.objects.create(
        customer=customer,
        kind=kind,
        as_of=as_of,
        mode=mode,
        amount=total_fee(line.amount for line in lines),
        charged_by=charged_by,
    )
    FeeChargeLine.objects.bulk_create(
        FeeChargeLine(
            charge=charge,
            invoice=line.invoice,
            balance=line.balance,
            days_from=line.days_from,
            days=line.days,
            rate=line.rate,
            amount=line.amount,
        )
        for line in lines
    )
    # bulk_create skips the audit signals: log each line as the charge's own change.
    for line in charge.lines.all():
        line.save()
    return charge


@transaction.atomic
def overdue_fee_charge(*, customer: Customer, as_of: date, charged_by: str) -> FeeCharge | None:
    """Raise the fee of ``customer`` not yet charged up to ``as_of`` as a debit note: an
    invoice ZJF-<year>-<n> in the functional currency dated ``as_of``, due by the customer's
    terms. None when nothing is left to charge. Refused when CREDIT_FEE_CHARGE is not
    debit_note."""
    if fee_charge_mode() != "debit_note":
        raise RuleViolation(
            _("The overdue fee is charged as %(mode)s, not as a debit note (CREDIT_FEE_CHARGE).")
            % {"mode": fee_charge_mode()}
        )
    return debit_note_charge(
        customer=customer,
        as_of=as_of,
        charged_by=charged_by,
        kind=FeeKind.OVERDUE_FEE,
        prefix=NOTE_PREFIX,
        description=_("Overdue capital-occupation fee up to %(date)s on %(invoices)s"),
    )


@transaction.atomic
def debit_note_charge(
    *,
    customer: Customer,
    as_of: date,
    charged_by: str,
    kind: str,
    prefix: str,
    description: str,
    pending=None,
) -> FeeCharge | None:
    """Charge what is not yet charged up to ``as_of`` (see :func:`fee_charge_record`) as a debit
    note: an invoice <prefix>-<year>-<n> in the functional currency dated ``as_of``, due by the
    customer's terms, described by ``description`` (with %(date)s and %(invoices)s). None when
    nothing is left to charge."""
    charge = fee_charge_record(
        customer=customer,
        as_of=as_of,
        mode=FeeChargeMode.DEBIT_NOTE,
        charged_by=charged_by,
        kind=kind,
        pending=pending,
    )
    if charge is None:
        return None
    numbers = ", ".join(line.invoice.number for line in charge.lines.select_related("invoice"))
    charge.debit_note = invoice_issue(
        number=_note_number(as_of, prefix),
        customer=customer,
        invoice_date=as_of,
        amount=charge.amount,
        currency=policy_value("FUNCTIONAL_CURRENCY"),
        description=description % {"date": as_of.isoformat(), "invoices": numbers[:400]},
    )
    charge.save(update_fields=["debit_note"])
    return charge


def fee_charge_as_dict(charge: FeeCharge) -> dict:
    """A charge and its lines, for the API and the CLI."""
    return {
        "customer_code": charge.customer.code,
        "kind": charge.kind,
        "as_of": charge.as_of.isoformat(),
        "mode": charge.mode,
        "amount": f"{charge.amount:.2f}",
        "debit_note": charge.debit_note.number if charge.debit_note else "",
        "charged_by": charge.charged_by,
        "lines": [
            {
                "invoice_number": line.invoice.number,
                "balance": f"{line.balance:.2f}",
                "days_from": line.days_from.isoformat(),
                "days": line.days,
                "rate": str(line.rate),
                "amount": f"{line.amount:.2f}",
            }
            for line in charge.lines.select_related("invoice")
        ],
    }
