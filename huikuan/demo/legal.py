"""The demo's legal work: a law firm and a collection agency; a case in court with its
hearings and judgment; a case closed with nothing recovered, which proposes a write-off;
and some invoices handed to the agency, with a recovery recorded gross and net."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F

from huikuan.collections.agencies import agency_assign, agency_create, agency_recovery_record
from huikuan.collections.legal import (
    legal_case_open,
    legal_case_record,
    legal_document_add,
)
from huikuan.collections.legal_models import CaseStatus, CollectionAgency, LegalCase
from huikuan.core.money import quantize_cents
from huikuan.demo.write_offs import _evidence
from huikuan.finance.legal_cases import legal_case_close
from huikuan.finance.models import ProposalStatus, WriteOffProposal
from huikuan.ledger.models import Customer, Invoice

MANAGER = "demo.manager"
LAW_FIRM = "江苏金诚律师事务所"
AGENCY = "苏州信达商账管理有限公司"


def _candidates(as_of: date, days: int) -> list[Customer]:
    """Customers with CNY invoices overdue more than ``days``, none under a pending write-off
    proposal nor in a case, the largest balance first."""
    busy = set(
        WriteOffProposal.objects.filter(status=ProposalStatus.PENDING).values_list("customer_id", flat=True)
    ) | set(LegalCase.objects.values_list("customer_id", flat=True))
    totals: dict[int, Decimal] = {}
    for customer_id, open_amount in Invoice.objects.filter(
        amount__gt=F("applied_amount"), currency="CNY", due_date__lt=as_of - timedelta(days=days)
    ).values_list("customer_id", F("amount") - F("applied_amount")):
        if customer_id not in busy:
            totals[customer_id] = totals.get(customer_id, Decimal(0)) + open_amount
    ranked = sorted(totals, key=lambda pk: (-totals[pk], pk))
    by_pk = Customer.objects.in_bulk(ranked[:10])
    return [by_pk[pk] for pk in ranked[:10]]


def _old_invoices(customer: Customer, as_of: date, days: int) -> list[Invoice]:
    return list(
        customer.invoices.filter(
            amount__gt=F("applied_amount"), currency="CNY", due_date__lt=as_of - timedelta(days=days)
        ).order_by("due_date", "number")
    )


def legal_demo(*, as_of: date) -> dict[str, int]:
    if CollectionAgency.objects.filter(name=LAW_FIRM).exists():
        return {"legal_cases": 0, "agency_assignments": 0}
    law_firm = agency_create(
        name=LAW_FIRM,
        kind="law_firm",
        commission_percent=Decimal("8"),
        by=MANAGER,
        contact="周律师",
        phone="0512-6758 2200",
    )
    agency = agency_create(
        name=AGENCY,
        kind="collection_agency",
        commission_percent=Decimal("18"),
        by=MANAGER,
        contact="陈经理",
        phone="0512-6521 0088",
    )
    cases = assignments = 0
    in_court, *others = _candidates(as_of, 120) or [None]
    if in_court is not None:
        opened = as_of - timedelta(days=100)
        case = legal_case_open(
            customer=in_court,
            invoices=_old_invoices(in_court, as_of, 120),
            opened_on=opened,
            opened_by=MANAGER,
            lawyer="周明律师",
            agency=law_firm,
            note="多次催收无果，经法务部审核后起诉",
        )
        # The case in court: filed, its cost, two hearings and the judgment.
        for days, kind, extra in (
            (10, "filed", {"court": "苏州工业园区人民法院", "court_case_number": "(2026)苏0591民初1234号",
                           "text": "提交起诉状及证据"}),
            (10, "cost", {"amount": Decimal("3800.00"), "text": "案件受理费"}),
            (45, "hearing", {"text": "第一次开庭：被告承认欠款，对金额有异议"}),
            (70, "hearing", {"text": "第二次开庭：质证对账单与签收单"}),
            (90, "judgment", {"amount": case.claim_amount,
                              "text": "判决被告于判决生效后十日内支付全部货款及逾期利息"}),
        ):  # fmt: skip
            legal_case_record(
                case=case, kind=kind, occurred_on=opened + timedelta(days=days), by=MANAGER, **extra
            )
        legal_document_add(
            case=case, name="民事判决书.pdf", content=_evidence("民事判决书").content, by=MANAGER
        )
        cases += 1
    nothing = next(iter(others), None)
    if nothing is not None:
        opened = as_of - timedelta(days=150)
        case = legal_case_open(
            customer=nothing,
            invoices=_old_invoices(nothing, as_of, 120),
            opened_on=opened,
            opened_by=MANAGER,
            lawyer="周明律师",
            agency=law_firm,
        )
        legal_case_record(
            case=case,
            kind="bankruptcy_claim",
            occurred_on=opened + timedelta(days=12),
            by=MANAGER,
            amount=case.claim_amount,
            text="向破产管理人申报债权",
        )
        legal_case_close(
            case=case,
            closed_on=as_of - timedelta(days=5),
            by=MANAGER,
            note="破产财产不足以清偿，普通债权未获分配",
        )
        cases += 1
    handed = next(iter(_candidates(as_of, 60)), None)
    if handed is not None:
        invoices = _old_invoices(handed, as_of, 60)[:3]
        assignment = agency_assign(
            agency=agency,
            customer=handed,
            invoices=invoices,
            assigned_on=as_of - timedelta(days=30),
            by=MANAGER,
            note="委托第三方机构上门催收",
        )
        open_total = sum((invoice.open_amount for invoice in invoices), Decimal(0))
        agency_recovery_record(
            assignment=assignment,
            gross=quantize_cents(open_total / 3),
            received_on=as_of - timedelta(days=8),
            by=MANAGER,
        )
        assignments += 1
    open_cases = LegalCase.objects.exclude(status=CaseStatus.CLOSED).count()
    return {"legal_cases": cases, "legal_cases_open": open_cases, "agency_assignments": assignments}
