"""Legal cases: reads (one door for the web, the API and the CLI)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from huikuan.accounts.access import access_customer_scoped
from huikuan.collections.legal import case_totals
from huikuan.collections.legal_models import CaseStatus, LegalCase, LegalCaseEvent, LegalDocument
from huikuan.core.errors import RuleViolation
from huikuan.ledger.models import Invoice


def access_legal_cases(*, user) -> QuerySet[LegalCase]:
    """The cases of the customers ``user`` may see (a collector: only his customers')."""
    return access_customer_scoped(
        user=user,
        queryset=LegalCase.objects.select_related("customer", "agency").prefetch_related("invoices"),
    )


def open_legal_cases(*, user) -> QuerySet[LegalCase]:
    return access_legal_cases(user=user).exclude(status=CaseStatus.CLOSED)


@dataclass
class CaseFile:
    """A case with its timeline, documents and figures."""

    case: LegalCase
    events: list[LegalCaseEvent] = field(default_factory=list)
    documents: list[LegalDocument] = field(default_factory=list)
    costs: Decimal = Decimal(0)
    recovered: Decimal = Decimal(0)
    open_amount: Decimal = Decimal(0)

    @property
    def hearings(self) -> list[LegalCaseEvent]:
        return [event for event in self.events if event.kind == "hearing"]

    def as_dict(self) -> dict:
        case = self.case
        return {
            "number": case.number,
            "customer_code": case.customer.code,
            "status": case.status,
            "outcome": case.outcome,
            "lawyer": case.lawyer,
            "agency": case.agency.name if case.agency else "",
            "court": case.court,
            "court_case_number": case.court_case_number,
            "filed_on": case.filed_on.isoformat() if case.filed_on else None,
            "claim_amount": str(case.claim_amount),
            "currency": case.currency,
            "judgment_on": case.judgment_on.isoformat() if case.judgment_on else None,
            "judgment_amount": None if case.judgment_amount is None else str(case.judgment_amount),
            "judgment_text": case.judgment_text,
            "opened_on": case.opened_on.isoformat(),
            "opened_by": case.opened_by,
            "closed_on": case.closed_on.isoformat() if case.closed_on else None,
            "write_off_proposal": case.write_off_proposal,
            "invoices": sorted(invoice.number for invoice in case.invoices.all()),
            "costs": str(self.costs),
            "recovered": str(self.recovered),
            "open_amount": str(self.open_amount),
            "events": [
                {
                    "kind": event.kind,
                    "date": event.occurred_on.isoformat(),
                    "text": event.text,
                    "amount": None if event.amount is None else str(event.amount),
                    "payment_reference": event.payment_reference,
                    "recorded_by": event.recorded_by,
                }
                for event in self.events
            ],
            "documents": [
                {
                    "id": document.pk,
                    "name": document.name,
                    "size": document.size,
                    "type": document.content_type,
                }
                for document in self.documents
            ],
        }


def case_file(*, case: LegalCase) -> CaseFile:
    totals = case_totals(case)
    return CaseFile(
        case=case,
        events=list(case.events.order_by("occurred_on", "id")),
        documents=list(case.documents.order_by("id")),
        costs=totals["costs"],
        recovered=totals["recovered"],
        open_amount=sum(
            (invoice.open_amount for invoice in case.invoices.all() if invoice.currency == case.currency),
            Decimal(0),
        ),
    )


def case_invoices(*, customer, numbers: str | list[str]) -> list:
    """The invoices a user named for a case or an agency (numbers separated by commas or
    spaces), each the customer's; none named: all the customer's open invoices."""
    if isinstance(numbers, str):
        numbers = [number for number in numbers.replace(",", " ").replace("，", " ").split() if number]
    invoices = Invoice.objects.filter(customer=customer)
    if not numbers:
        return list(invoices.filter(closed_on__isnull=True).order_by("due_date", "number"))
    found = list(invoices.filter(number__in=numbers))
    missing = sorted(set(numbers) - {invoice.number for invoice in found})
    if missing:
        raise RuleViolation(
            _("not invoices of customer %(code)s: %(numbers)s")
            % {"code": customer.code, "numbers": ", ".join(missing)}
        )
    return found
