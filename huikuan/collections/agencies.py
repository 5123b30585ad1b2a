"""Collection agencies (第三方机构): writes and reads. Each write is one transaction.

    agency_create(*, name, kind, commission_percent, by, contact="", phone="", email="")
        -> CollectionAgency
    agency_assign(*, agency, customer, invoices, assigned_on, by, commission_percent=None, note="")
        -> AgencyAssignment
    agency_recovery_record(*, assignment, gross, received_on, by, reference="") -> AgencyRecovery
    agency_assignment_end(*, assignment, ended_on, by, note="") -> AgencyAssignment
    invoices_with_agency() -> set[int]                          # the run's pause

Assigning hands some of a customer's open invoices to an agency at its commission (the
agency's, unless the assignment names another); an invoice is with one agency at a time.
While assigned, the invoices leave the dunning ladder (the daily run pauses them) and the
worklist and the customer's page show them as with the agency. A recovery through the agency
is recorded gross (what the customer paid: posted to the ledger as the customer's payment,
applied to the assigned invoices oldest first, so their balances fall by it) and net (what
reaches the company): the commission, gross × rate rounded half up to the cent, is the
agency's, a collection cost. When none of the invoices is open any more the assignment
ends by itself; taking the invoices back ends it too, and the ladder resumes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from huikuan.accounts.access import access_customer_scoped
from huikuan.collections.legal import _positive_cents, _username, receipt_for, receipt_post
from huikuan.collections.legal_models import (
    AgencyAssignment,
    AgencyKind,
    AgencyRecovery,
    AssignmentStatus,
    CollectionAgency,
)
from huikuan.core.errors import RuleViolation
from huikuan.core.money import is_whole_cents, quantize_cents
from huikuan.ledger.models import Customer, Invoice

CENT = Decimal("0.01")


def _percent(value: Decimal) -> Decimal:
    if not isinstance(value, Decimal) or not Decimal(0) <= value < Decimal(100):
        raise RuleViolation(_("the commission is a percentage from 0 to under 100"))
    if not is_whole_cents(value):
        raise RuleViolation(_("the commission has at most 2 decimal places"))
    return value


@transaction.atomic
def agency_create(
    *,
    name: str,
    kind: str,
    commission_percent: Decimal,
    by,
    contact: str = "",
    phone: str = "",
    email: str = "",
) -> CollectionAgency:
    _username(by)
    name = name.strip()
    if not name:
        raise RuleViolation(_("an agency needs its name"))
    if kind not in AgencyKind.values:
        raise RuleViolation(_("%(kind)s is not a kind of agency") % {"kind": kind})
    if CollectionAgency.objects.filter(name=name).exists():
        raise RuleViolation(_("an agency named %(name)s exists already") % {"name": name})
    return CollectionAgency.objects.create(
        name=name,
        kind=kind,
        commission_percent=_percent(commission_percent),
        contact=contact.strip(),
        phone=phone.strip(),
        email=email.strip(),
    )


def commission_of(gross: Decimal, percent: Decimal) -> Decimal:
    """The agency's share of ``gross``: ``percent`` of it, rounded half up to the cent."""
    return quantize_cents(gross * percent / Decimal(100))


@transaction.atomic
def agency_assign(
    *,
    agency: CollectionAgency,
    customer: Customer,
    invoices: Iterable[Invoice],
    assigned_on: date,
    by,
    commission_percent: Decimal | None = None,
    note: str = "",
) -> AgencyAssignment:
    """Hand ``customer``'s open ``invoices`` to ``agency``; refused for an invoice already with
    an agency, closed, or another customer's, or for invoices in more than one currency."""
    username = _username(by)
    if not agency.active:
        raise RuleViolation(_("agency %(name)s is not active") % {"name": agency.name})
    invoices = list(invoices)
    if not invoices:
        raise RuleViolation(_("choose the invoices to hand to the agency"))
    for invoice in invoices:
        if invoice.customer_id != customer.pk:
            raise RuleViolation(
                _("invoice %(number)s is not customer %(code)s's")
                % {"number": invoice.number, "code": customer.code}
            )
        if invoice.closed_on is not None:
            raise RuleViolation(_("invoice %(number)s is not open") % {"number": invoice.number})
    if len({invoice.currency for invoice in invoices}) > 1:
        raise RuleViolation(_("the invoices handed to an agency at once are in one currency"))
    Customer.objects.select_for_update().filter(pk=customer.pk).first()  # one assignment at a time
    taken = (
        AgencyAssignment.invoices.through.objects.filter(
            agencyassignment__status=AssignmentStatus.ACTIVE, invoice__in=invoices
        )
        .select_related("invoice", "agencyassignment__agency")
        .first()
    )
    if taken is not None:
        raise RuleViolation(
            _("invoice %(number)s is already with %(agency)s")
            % {"number": taken.invoice.number, "agency": taken.agencyassignment.agency.name}
        )
    percent = agency.commission_percent if commission_percent is None else _percent(commission_percent)
    assignment = AgencyAssignment.objects.create(
        agency=agency,
        customer=customer,
        commission_percent=percent,
        assigned_on=assigned_on,
        assigned_by=username,
        note=note.strip(),
    )
    assignment.invoices.add(*invoices)
    return assignment


@transaction.atomic
def agency_recovery_record(
    *, assignment: AgencyAssignment, gross: Decimal, received_on: date, by, reference: str = ""
) -> AgencyRecovery:
    """What the agency collected: ``gross`` posted as the customer's payment (applied to the
    assigned invoices), the commission kept by the agency, the net reaching the company."""
    username = _username(by)
    assignment = AgencyAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status != AssignmentStatus.ACTIVE:
        raise RuleViolation(_("the invoices are no longer with the agency"))
    if received_on < assignment.assigned_on:
        raise RuleViolation(
            _("%(date)s is before the invoices were handed to the agency (%(assigned)s)")
            % {"date": received_on, "assigned": assignment.assigned_on}
        )
    gross = _positive_cents(gross, _("the gross amount"))
    invoices = list(assignment.invoices.all())
    currency = invoices[0].currency
    open_total = sum((invoice.open_amount for invoice in invoices), Decimal(0))
    if gross > open_total:
        raise RuleViolation(
            _("%(gross)s is more than the %(open)s still open of the invoices with the agency")
            % {"gross": gross, "open": open_total}
        )
    count = assignment.recoveries.count()
    reference = reference.strip() or f"AG-{assignment.pk}-R{count + 1}"
    receipt_post(
        receipt_for(
            customer=assignment.customer,
            invoices=invoices,
            amount=gross,
            currency=currency,
            on=received_on,
            reference=reference,
            memo=_("recovered through %(agency)s (gross)") % {"agency": assignment.agency.name},
        )
    )
    commission = commission_of(gross, assignment.commission_percent)
    recovery = AgencyRecovery.objects.create(
        assignment=assignment,
        received_on=received_on,
        gross=gross,
        commission=commission,
        net=gross - commission,
        currency=currency,
        payment_reference=reference,
        recorded_by=username,
    )
    if not assignment.invoices.filter(closed_on__isnull=True).exists():
        assignment.status, assignment.ended_on = AssignmentStatus.ENDED, received_on
        assignment.save(update_fields=["status", "ended_on"])
    return recovery


@transaction.atomic
def agency_assignment_end(
    *, assignment: AgencyAssignment, ended_on: date, by, note: str = ""
) -> AgencyAssignment:
    """Take the invoices back from the agency: the ladder takes them up again."""
    _username(by)
    assignment = AgencyAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status != AssignmentStatus.ACTIVE:
        raise RuleViolation(_("the invoices are no longer with the agency"))
    if ended_on < assignment.assigned_on:
        raise RuleViolation(_("the invoices cannot be taken back before they were handed over"))
    assignment.status, assignment.ended_on = AssignmentStatus.ENDED, ended_on
    if note.strip():
        assignment.note = "\n".join(part for part in (assignment.note, note.strip()) if part)
    assignment.save(update_fields=["status", "ended_on", "note"])
    return assignment


# --- Reads --------------------------------------------------------------------------------------


def invoices_with_agency() -> set[int]:
    """The invoices with an agency now: the daily run pauses them."""
    return set(
        AgencyAssignment.invoices.through.objects.filter(
            agencyassignment__status=AssignmentStatus.ACTIVE
        ).values_list("invoice_id", flat=True)
    )


def agency_of_invoices(*, invoice_ids: Iterable[int]) -> dict[int, str]:
    """The agency each of ``invoice_ids`` is with (those with none are left out)."""
    return dict(
        AgencyAssignment.invoices.through.objects.filter(
            agencyassignment__status=AssignmentStatus.ACTIVE, invoice_id__in=list(invoice_ids)
        ).values_list("invoice_id", "agencyassignment__agency__name")
    )


def access_agency_assignments(*, user) -> QuerySet[AgencyAssignment]:
    return access_customer_scoped(
        user=user,
        queryset=AgencyAssignment.objects.select_related("agency", "customer").prefetch_related(
            "invoices", "recoveries"
        ),
    )


def assignment_totals(assignment: AgencyAssignment) -> dict[str, Decimal]:
    """Gross, commission and net recovered through the assignment."""
    sums = assignment.recoveries.aggregate(gross=Sum("gross"), commission=Sum("commission"), net=Sum("net"))
    return {key: value or Decimal(0) for key, value in sums.items()}


def agencies() -> QuerySet[CollectionAgency]:
    return CollectionAgency.objects.all()
