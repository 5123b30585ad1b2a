"""Legal cases (法务联动; 诉讼, 债权申报) and collection agencies (第三方机构): the rules at their
edges, told as a credit manager would notice them."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from huikuan.approvals.models import ApprovalRequest
from huikuan.collections.agencies import (
    agency_assign,
    agency_assignment_end,
    agency_create,
    agency_recovery_record,
    commission_of,
)
from huikuan.collections.legal import (
    TRANSITIONS,
    legal_case_open,
    legal_case_record,
    legal_case_recovery_record,
    legal_document_add,
)
from huikuan.collections.models import AssignmentStatus, CaseOutcome, CaseStatus, DunningClaim, LegalCase
from huikuan.collections.run import dunning_run
from huikuan.core.errors import RuleViolation
from huikuan.finance.legal_cases import legal_case_close
from huikuan.finance.models import WriteOffProposal
from huikuan.ledger.models import Payment
from tests.collections.conftest import MARCH_1

PDF = b"%PDF-1.4\n% a judgment\n"


@pytest.fixture(autouse=True)
def _in_english():
    """The refusals are read in English here (the pages show them in Chinese)."""
    with translation.override("en"):
        yield


def day(n: int) -> date:
    return MARCH_1 + timedelta(days=n)


@pytest.fixture
def debtor(make_customer, make_invoice):
    customer = make_customer("LG1", "B")
    make_invoice(customer, "LG1-1", day(-100), "3000.00")
    make_invoice(customer, "LG1-2", day(-95), "2000.00")
    return customer


def _open(customer, *numbers, on=None):
    on = on or day(0)
    return legal_case_open(
        customer=customer,
        invoices=customer.invoices.filter(number__in=numbers),
        opened_on=on,
        opened_by="fa.wu",
    )


def test_opening_twice_adds_invoices_to_the_one_open_case(debtor):
    first = _open(debtor, "LG1-1")
    again = _open(debtor, "LG1-1", "LG1-2", on=day(3))
    assert again.pk == first.pk
    assert LegalCase.objects.filter(customer=debtor).count() == 1
    again.refresh_from_db()
    assert again.claim_amount == Decimal("5000.00")
    assert [e.kind for e in again.events.all()] == ["opened", "invoices_added"]
    # The same invoices a third time change nothing.
    _open(debtor, "LG1-1", "LG1-2", on=day(4))
    assert again.events.count() == 2


def test_a_case_needs_an_open_invoice_of_its_own_customer(debtor, make_customer, make_invoice):
    other = make_customer("LG2")
    make_invoice(other, "LG2-1", day(-100))
    with pytest.raises(RuleViolation, match="not customer LG1"):
        legal_case_open(customer=debtor, invoices=other.invoices.all(), opened_on=day(0), opened_by="fa.wu")
    with pytest.raises(RuleViolation, match="at least one open invoice"):
        legal_case_open(customer=debtor, invoices=[], opened_on=day(0), opened_by="fa.wu")


def test_the_case_moves_through_its_stages_and_refuses_a_jump(debtor):
    case = _open(debtor, "LG1-1", "LG1-2")
    with pytest.raises(RuleViolation, match="cannot become"):
        legal_case_record(case=case, kind="judgment", occurred_on=day(5), by="fa.wu")
    with pytest.raises(RuleViolation, match="filed with the court"):
        legal_case_record(case=case, kind="hearing", occurred_on=day(5), by="fa.wu")
    with pytest.raises(RuleViolation, match="needs the court"):
        legal_case_record(case=case, kind="filed", occurred_on=day(5), by="fa.wu")
    legal_case_record(
        case=case,
        kind="filed",
        occurred_on=day(5),
        by="fa.wu",
        court="上海市浦东新区人民法院",
        court_case_number="(2026)沪0115民初1号",
    )
    legal_case_record(case=case, kind="hearing", occurred_on=day(40), by="fa.wu", text="第一次开庭")
    legal_case_record(
        case=case,
        kind="judgment",
        occurred_on=day(60),
        by="fa.wu",
        amount=Decimal("5000.00"),
        text="判决支付",
    )
    legal_case_record(case=case, kind="enforcement", occurred_on=day(80), by="fa.wu")
    case.refresh_from_db()
    assert (case.status, case.court, case.filed_on, case.judgment_amount) == (
        CaseStatus.ENFORCEMENT,
        "上海市浦东新区人民法院",
        day(5),
        Decimal("5000.00"),
    )
    with pytest.raises(RuleViolation, match="before the case was opened"):
        legal_case_record(case=case, kind="note", occurred_on=day(-1), by="fa.wu", text="x")
    with pytest.raises(RuleViolation, match="positive amount"):
        legal_case_record(case=case, kind="cost", occurred_on=day(81), by="fa.wu", amount=Decimal("0"))


def test_every_stage_can_be_closed_and_a_closed_case_goes_nowhere():
    assert all(CaseStatus.CLOSED in TRANSITIONS[s] for s in CaseStatus.values if s != CaseStatus.CLOSED)
    assert TRANSITIONS[CaseStatus.CLOSED] == frozenset()


def test_a_recovery_is_the_customers_payment_so_the_balance_falls(debtor):
    case = _open(debtor, "LG1-1", "LG1-2")
    event = legal_case_recovery_record(case=case, amount=Decimal("3500.00"), received_on=day(10), by="fa.wu")
    payment = Payment.objects.get(reference=event.payment_reference)
    assert (payment.amount, payment.customer_id, payment.allocated_amount) == (
        Decimal("3500.00"),
        debtor.pk,
        Decimal("3500.00"),
    )
    first, second = debtor.invoices.order_by("number")
    assert (first.open_amount, second.open_amount) == (Decimal("0.00"), Decimal("1500.00"))  # oldest first
    closed = legal_case_close(case=case, closed_on=day(20), by="fa.wu")
    assert closed.outcome == CaseOutcome.PARTLY
    assert closed.write_off_proposal == ""


def test_a_case_closed_with_nothing_recovered_proposes_a_write_off(debtor, django_user_model):
    django_user_model.objects.create_user("fa.wu")
    case = _open(debtor, "LG1-1", "LG1-2")
    legal_case_record(
        case=case, kind="bankruptcy_claim", occurred_on=day(3), by="fa.wu", amount=Decimal("5000.00")
    )
    closed = legal_case_close(case=case, closed_on=day(200), by="fa.wu", note="破产清算无财产可分配")
    assert (closed.status, closed.outcome) == (CaseStatus.CLOSED, CaseOutcome.NOTHING)
    proposal = WriteOffProposal.objects.get(number=closed.write_off_proposal)
    assert sorted(line["number"] for line in proposal.lines) == ["LG1-1", "LG1-2"]
    assert proposal.amount == Decimal("5000.00")
    assert case.number in proposal.reason
    assert ApprovalRequest.objects.filter(number=proposal.approval_number, kind="write_off").exists()
    with pytest.raises(RuleViolation, match="closed"):
        legal_case_record(case=closed, kind="note", occurred_on=day(201), by="fa.wu", text="x")
    # Another case may be opened on the customer now.
    assert _open(debtor, "LG1-1", on=day(201)).pk != closed.pk


def test_a_recovered_case_proposes_no_write_off(debtor):
    case = _open(debtor, "LG1-1")
    legal_case_recovery_record(case=case, amount=Decimal("3000.00"), received_on=day(10), by="fa.wu")
    closed = legal_case_close(case=case, closed_on=day(20), by="fa.wu")
    assert (closed.outcome, closed.write_off_proposal) == (CaseOutcome.RECOVERED, "")


def test_documents_go_through_the_upload_limits(debtor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = _open(debtor, "LG1-1")
    document = legal_document_add(case=case, name="判决书.pdf", content=PDF, by="fa.wu")
    assert (document.content_type, document.size) == ("application/pdf", len(PDF))
    with pytest.raises(RuleViolation, match="PDF, JPEG or PNG"):
        legal_document_add(case=case, name="判决书.exe", content=b"MZ\x90", by="fa.wu")
    settings.HUIKUAN_IMPORT_LIMITS = {**settings.HUIKUAN_IMPORT_LIMITS, "MAX_FILE_BYTES": 10}
    with pytest.raises(RuleViolation, match="larger than the limit"):
        legal_document_add(case=case, name="big.pdf", content=PDF, by="fa.wu")


def test_the_ladders_legal_step_opens_a_case_once(make_customer, make_invoice):
    customer = make_customer("LGR", "B")
    make_invoice(customer, "LGR-1", day(-90))
    dunning_run(date=day(0))
    case = LegalCase.objects.get(customer=customer)
    assert (case.status, case.opened_by, case.action.step_code) == ("open", "dunning", "legal")
    assert list(case.invoices.values_list("number", flat=True)) == ["LGR-1"]
    # A second invoice reaching the legal step joins the same case.
    make_invoice(customer, "LGR-2", day(-80))
    dunning_run(date=day(10))
    assert LegalCase.objects.filter(customer=customer).count() == 1
    assert sorted(case.invoices.values_list("number", flat=True)) == ["LGR-1", "LGR-2"]


# --- Collection agencies ----------------------------------------------------------------------


@pytest.fixture
def agency(db):
    return agency_create(
        name="信达商账管理", kind="collection_agency", commission_percent=Decimal("15"), by="fa.wu"
    )


def test_a_recovery_through_the_agency_is_gross_to_the_ledger_and_net_to_the_company(debtor, agency):
    assignment = agency_assign(
        agency=agency, customer=debtor, invoices=debtor.invoices.all(), assigned_on=day(0), by="fa.wu"
    )
    recovery = agency_recovery_record(
        assignment=assignment, gross=Decimal("1000.01"), received_on=day(5), by="fa.wu"
    )
    assert (recovery.gross, recovery.commission, recovery.net) == (
        Decimal("1000.01"),
        Decimal("150.00"),
        Decimal("850.01"),
    )
    assert Payment.objects.get(reference=recovery.payment_reference).amount == Decimal("1000.01")
    assert debtor.invoices.get(number="LG1-1").open_amount == Decimal("1999.99")
    with pytest.raises(RuleViolation, match="more than"):
        agency_recovery_record(
            assignment=assignment, gross=Decimal("4000.00"), received_on=day(6), by="fa.wu"
        )
    agency_recovery_record(assignment=assignment, gross=Decimal("3999.99"), received_on=day(6), by="fa.wu")
    assignment.refresh_from_db()
    assert (assignment.status, assignment.ended_on) == (AssignmentStatus.ENDED, day(6))  # nothing left open


def test_commission_rounds_half_up_to_the_cent():
    assert commission_of(Decimal("0.10"), Decimal("15")) == Decimal("0.02")  # 0.015
    assert commission_of(Decimal("100.00"), Decimal("0")) == Decimal("0.00")


def test_an_invoice_is_with_one_agency_at_a_time(debtor, agency):
    agency_assign(
        agency=agency, customer=debtor, invoices=debtor.invoices.all(), assigned_on=day(0), by="fa.wu"
    )
    other = agency_create(name="金诚律所", kind="law_firm", commission_percent=Decimal("20"), by="fa.wu")
    with pytest.raises(RuleViolation, match="already with 信达商账管理"):
        agency_assign(
            agency=other, customer=debtor, invoices=debtor.invoices.all(), assigned_on=day(1), by="fa.wu"
        )
    with pytest.raises(RuleViolation, match="percentage"):
        agency_create(name="X", kind="law_firm", commission_percent=Decimal("100"), by="fa.wu")


def test_invoices_with_the_agency_leave_the_ladder_until_taken_back(make_customer, make_invoice, agency):
    customer = make_customer("AGL", "B")
    make_invoice(customer, "AGL-1", day(-60))
    assignment = agency_assign(
        agency=agency, customer=customer, invoices=customer.invoices.all(), assigned_on=day(0), by="fa.wu"
    )
    result = dunning_run(date=day(0))
    assert not DunningClaim.objects.filter(invoice__number="AGL-1").exists()
    assert result.invoices_paused >= 1
    agency_assignment_end(assignment=assignment, ended_on=day(1), by="fa.wu")
    dunning_run(date=day(1))
    assert DunningClaim.objects.filter(invoice__number="AGL-1").exists()
