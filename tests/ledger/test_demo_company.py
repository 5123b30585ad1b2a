"""Issue 9: the demo company looks like a year of a credit department's work.

One default-size demo company is loaded for the whole module (in a transaction rolled back
at the end); each test reads it, or changes it inside its own savepoint.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from huikuan.accounts.access import user_roles
from huikuan.approvals.chains import DEFAULT_CHAINS
from huikuan.approvals.models import ApprovalRequest, Status
from huikuan.approvals.services import approval_decide
from huikuan.collections.models import Channel, Dispute, DunningAction, DunningRun, PaymentPlan, PromiseToPay
from huikuan.collections.performance import overdue_reason_breakdown
from huikuan.collections.selectors import worklist_for
from huikuan.core.errors import RuleViolation
from huikuan.correspondence.models import EmailStatus, Letter, OutboundEmail
from huikuan.correspondence.services import LETTERHEAD_FIELDS, letterhead_get
from huikuan.credit.models import (
    CheckStatus,
    ClassChange,
    CreditEvaluation,
    CreditHold,
    FinancialStatement,
    Order,
)
from huikuan.credit.selectors import credit_dashboard
from huikuan.credit.services import credit_evaluate
from huikuan.demo import demo_company_load
from huikuan.demo.users import demo_users_wanted
from huikuan.ledger.models import Customer

AS_OF = date(2025, 6, 30)
LAST_PERIOD = "2025-06"


@pytest.fixture(scope="module")
def company(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        summary, users = demo_company_load(as_of=AS_OF)
        # What would run once the load commits: nothing of the dunning runs' delivery.
        summary["after_commit"] = [
            getattr(call, "__qualname__", "") for _ids, call, _robust in connection.run_on_commit
        ]
        yield summary, {user["username"]: user for user in users}
        transaction.set_rollback(True)


def shares(classes: list[str]) -> dict[str, Decimal]:
    counts = Counter(classes)
    return {c: Decimal(counts[c]) / len(classes) for c in "ABCD"}


def test_a_year_of_monthly_evaluations_and_an_approved_class_history(company, db):
    periods = sorted(set(CreditEvaluation.objects.values_list("period", flat=True)))
    assert len(periods) == 12 and periods[-1] == LAST_PERIOD
    changes = ClassChange.objects.filter(source="approval").exclude(approval_number="")
    assert changes.count() >= 20
    # Each change is dated early in the month after its evaluation, not on the day of loading.
    assert min(change.changed_at.date() for change in changes) < AS_OF - timedelta(days=150)
    pending = ApprovalRequest.objects.filter(kind="class_change", status=Status.PENDING)
    assert pending.exists(), "last month's proposals wait for the credit manager"


def test_the_monthly_classification_proposes_a_plausible_mix_of_classes(company, db):
    run = credit_evaluate(period=LAST_PERIOD)
    mix = shares([evaluation.proposed_class for evaluation in run.evaluations])

    assert Decimal("0.08") <= mix["A"] <= Decimal("0.25"), mix
    assert Decimal("0.22") <= mix["B"] <= Decimal("0.45"), mix
    assert Decimal("0.22") <= mix["C"] <= Decimal("0.48"), mix
    assert Decimal("0.07") <= mix["D"] <= Decimal("0.25"), mix
    # The customers' own classes, after a year of approved changes, have a like mix.
    held = shares(list(Customer.objects.values_list("credit_class", flat=True)))
    assert all(Decimal("0.07") <= held[c] <= Decimal("0.48") for c in "ABCD"), held


def test_a_handful_of_customers_are_over_their_limit_and_none_far_over(company, db):
    dashboard = credit_dashboard(as_of=AS_OF, customers=Customer.objects.all(), top=10_000)
    over = [row for row in dashboard.over_limit if row.utilisation > 1]

    assert 0 < len(over) < Customer.objects.count() / 10
    assert max(row.utilisation for row in dashboard.over_limit) <= 3
    # Dollar customers' limits are in yuan: none of them tops the list for want of conversion.
    assert all(row.customer.currency == "CNY" for row in dashboard.over_limit[:3])


def test_the_letterhead_is_filled_in(company, db):
    letterhead = letterhead_get()
    assert all(getattr(letterhead, field) for field in LETTERHEAD_FIELDS)
    assert "有限公司" in letterhead.company_name_zh


def test_large_customers_have_statements_and_orders_are_checked(company, db):
    assert FinancialStatement.objects.filter(customer__industry_position="global500").exists()
    orders = Order.objects.all()
    assert orders.filter(check_status=CheckStatus.PASSED).exclude(shipment_approval_number="").count() >= 20
    blocked = orders.filter(check_status=CheckStatus.BLOCKED)
    assert blocked.count() >= 3
    # Blocked for credit: sent for release; blocked for its price: waiting for the price approval.
    assert all(
        (order.release_approval_number or order.price_approval_number) and order.check_reasons
        for order in blocked
    )


def test_every_default_approval_step_has_a_demo_user(company, db):
    users = get_user_model().objects.filter(username__in=company[1])
    roles = Counter(role for user in users for role in user_roles(user))
    for kind, steps in DEFAULT_CHAINS.items():
        for step in steps:
            assert any(roles[role] for role in step.roles), (kind, step.name)
    assert roles["credit_manager"] >= 2
    assert {"collector", "salesperson", "auditor"} <= set(roles)


def test_a_second_credit_manager_releases_the_order_the_first_asked_for(company, db):
    manager, second = (
        get_user_model().objects.get(username=name) for name in ("demo.manager", "demo.manager2")
    )
    request = ApprovalRequest.objects.filter(
        kind="order_release", status=Status.PENDING, requested_by=manager
    ).first()
    assert request is not None

    with pytest.raises(RuleViolation):  # the requester may not decide their own request
        approval_decide(request=request, actor=manager, decision="approve")
    approval_decide(request=request, actor=second, decision="approve")

    order = Order.objects.get(number=request.payload["order_number"])
    assert order.check_status == CheckStatus.RELEASED
    assert order.shipment_approval_number.startswith("SA-")


def test_the_collections_desk_has_reasons_promises_disputes_and_plans(company, db):
    reasons = overdue_reason_breakdown(as_of=AS_OF)
    named = {row.reason for row in reasons if row.reason}
    assert len(named) >= 4, reasons
    unexplained = sum(row.customers for row in reasons if not row.reason)
    assert unexplained <= sum(row.customers for row in reasons) / 10
    statuses = set(PromiseToPay.objects.values_list("status", flat=True))
    assert statuses == {"open", "kept", "broken"}
    assert Dispute.objects.filter(status="open").exists()
    assert PaymentPlan.objects.filter(status="active").exists()


def test_the_credit_and_collections_pages_show_the_demo(company, db, client):
    users = company[1]
    assert client.login(username="demo.manager", password=users["demo.manager"]["password"])
    blocked = Order.objects.filter(check_status=CheckStatus.BLOCKED).order_by("number").first()
    large = FinancialStatement.objects.order_by("customer__code").first().customer

    assert blocked.number in client.get("/credit/").content.decode()
    assert blocked.number in client.get("/credit/orders/?check=blocked").content.decode()
    assert "SA-" in client.get("/credit/orders/").content.decode()
    page = client.get(f"/credit/customers/{large.code}/").content.decode()
    assert LAST_PERIOD in page and "Z" in page
    # demo.manager2 may decide every pending release, those demo.manager asked for too.
    assert client.login(username="demo.manager2", password=users["demo.manager2"]["password"])
    inbox = client.get("/approvals/").content.decode()
    assert all(
        order.release_approval_number in inbox for order in Order.objects.filter(check_status="blocked")
    )
    reports = client.get(f"/collections/reports/?end={AS_OF.isoformat()}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert reports.status_code == 200
    assert "习惯性" in reports.content.decode()


def test_the_last_days_dunning_runs_fill_the_busiest_collectors_worklist(company, db):
    runs = sorted(DunningRun.objects.values_list("run_date", flat=True))
    assert runs[-1] == AS_OF and len(runs) == company[0]["dunning_runs"] >= 3
    collector = next(name for name, role in demo_users_wanted() if role == "collector")
    worklist = worklist_for(user=collector, date=AS_OF)

    assert len(worklist) >= 3, "the busiest collector has calls to make"
    codes = [item.customer.code for item in worklist]
    assert len(codes) == len(set(codes)), "one row per customer"
    assert any(len(item.tasks) > 1 for item in worklist), "a customer's steps in one row"
    assert DunningAction.objects.filter(step_code="legal").exists()
    # The legal step's credit holds are placed, not left for a delivery that never ran.
    legal = set(DunningAction.objects.filter(credit_hold=True).values_list("customer_id", flat=True))
    held = set(CreditHold.objects.filter(source="dunning").values_list("customer_id", flat=True))
    assert legal and legal <= held


def test_loading_the_demo_renders_and_sends_nothing_its_emails_wait_in_the_outbox(company, db):
    emails = OutboundEmail.objects.exclude(purpose="statement")
    assert emails.count() == DunningAction.objects.filter(channel=Channel.EMAIL).count() > 0
    assert set(emails.values_list("status", flat=True)) == {EmailStatus.QUEUED}
    assert not emails.exclude(subject="").exists(), "no email written yet"
    assert not Letter.objects.exists(), "no letter rendered"
    assert not [name for name in company[0]["after_commit"] if name.startswith("dunning_run")]


def test_the_cash_workbench_has_applied_unmatched_and_decided_lines(company, db, client):
    from huikuan.cash.models import BankLine, BankStatement, LineDecision

    assert BankStatement.objects.filter(file_name__startswith="工商银行").exists(), "ICBC CSV imported"
    statuses = Counter(BankLine.objects.values_list("status", flat=True))
    assert statuses["auto"] >= 5 and statuses["unmatched"] >= 1 and statuses["ignored"] >= 2, statuses
    # A mistyped payer name waits for a person; the demo's manager accepted one such line.
    assert statuses["review"] >= 1, statuses
    assert LineDecision.objects.filter(kind="accept", decided_by="demo.manager").exists()
    assert LineDecision.objects.filter(kind="not_customer", decided_by="demo.manager").exists()
    # Money from the company's own ICBC account into its CMB account is set aside by itself.
    transfer = BankLine.objects.get(memo="资金调拨", direction="credit")
    assert transfer.status == "ignored" and transfer.payment is None
    assert [r["code"] for r in transfer.proposal["reasons"]] == ["own_account"]
    assert client.login(username="demo.manager", password=company[1]["demo.manager"]["password"])
    page = client.get("/cash/?status=decided", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    # A receipt whose memo names only the VAT invoice (发票号码) was applied through it.
    (vat,) = BankLine.objects.filter(memo__contains="发票号码")
    assert vat.status == "auto" and vat.payment is not None
    assert "reference_vat_invoice" in [r["code"] for r in vat.proposal["reasons"]]
    # A payer name with a word of its trade mistyped (…装晟…) is read as the customer's own name.
    (typo,) = [
        line
        for line in BankLine.objects.filter(payer_name__contains="晟")
        if line.status == "auto" and "name_typo" in [r["code"] for r in line.proposal["reasons"]]
    ]
    assert typo.payment is not None


def test_statements_are_sent_one_confirmed_one_disputed_and_a_confirmation(company, db):
    from huikuan.statements.models import AccountStatement

    statuses = Counter(AccountStatement.objects.values_list("status", flat=True))
    assert statuses["confirmed"] == 1 and statuses["disputed"] == 1 and statuses["sent"] >= 2, statuses
    disputed = AccountStatement.objects.get(status="disputed")
    assert Dispute.objects.filter(
        invoice__customer=disputed.customer, opened_by__startswith="statement:"
    ).exists()
    assert AccountStatement.objects.filter(kind="confirmation").exists()
    assert OutboundEmail.objects.filter(purpose="statement").count() >= 5


def test_a_specific_provision_and_the_kpis_page_shows_figures(company, db, client):
    from huikuan.finance.models import SpecificProvision

    assert SpecificProvision.objects.filter(customer__status="legal").count() == 1
    assert client.login(username="demo.manager", password=company[1]["demo.manager"]["password"])
    page = client.get("/kpis/", {"first": "2025-04-01", "last": AS_OF.isoformat(), "by": "company"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "<polyline" in html and "2025-06" in html and 'id="trend-pending"' not in html


def test_one_write_off_is_posted_and_one_waits_for_the_cfo(company, db, client):
    from huikuan.approvals.models import ApprovalRequest
    from huikuan.finance.models import WriteOffProposal
    from huikuan.ledger.models import WriteOff

    # The first two; the third is the legal case closed with nothing recovered.
    posted, pending, *_legal = WriteOffProposal.objects.order_by("number")
    assert (posted.status, pending.status) == ("posted", "pending")
    assert WriteOff.objects.filter(invoice__number__in=[line["number"] for line in posted.lines]).exists()
    waiting = ApprovalRequest.objects.get(number=pending.approval_number)
    assert waiting.status == "pending" and "cfo" in waiting.current_step.roles
    assert client.login(username="demo.cfo", password=company[1]["demo.cfo"]["password"])
    page = client.get(f"/write-offs/{pending.number}/")
    assert page.status_code == 200 and pending.reason in page.content.decode()


def test_the_clearance_plan_page_shows_a_quarter_of_weekly_progress(company, db, client):
    from huikuan.finance.models import ClearancePlan

    plan = ClearancePlan.objects.get()
    assert plan.baseline_overdue > 0 and plan.phases.get(kind="legal").owner == "demo.cfo"
    assert client.login(username="demo.cfo", password=company[1]["demo.cfo"]["password"])
    page = client.get(f"/clearance-plans/{plan.pk}/", {"as_of": AS_OF.isoformat(), "by": "department"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="target-clearance_rate"' in html and "<polyline" in html
    assert html.count("<circle") >= 13  # a dot per week end, per line


def test_priced_orders_at_each_power_and_fees_charged_as_debit_notes(company, db, client):
    from huikuan.credit.models import FeeCharge

    priced = Order.objects.exclude(price=None)
    levels = set(priced.values_list("price_level", flat=True))
    assert {"sales_manager", "department_head", "business_unit_head"} <= levels
    approved = priced.exclude(price_approved_by="").get()
    assert approved.price_level == "department_head" and approved.price_approved_by == "demo.head"
    pending = ApprovalRequest.objects.filter(kind="price_approval", status=Status.PENDING)
    assert pending.count() == company[0]["price_approvals_pending"] >= 1
    charges = FeeCharge.objects.filter(kind="overdue_fee").select_related("debit_note", "customer")
    assert charges.count() == company[0]["fee_charges"] >= 1
    charge = charges.first()
    assert charge.debit_note.amount == charge.amount > 0 and charge.lines.exists()
    assert client.login(username="demo.manager", password=company[1]["demo.manager"]["password"])
    page = client.get(f"/credit/customers/{charge.customer.code}/").content.decode()
    assert charge.debit_note.number in page
    assert client.get(f"/credit/orders/{approved.number}/").content.decode().count("demo.head") >= 1


def test_vat_invoices_and_red_letter_corrections_in_every_state(company, db):
    from django.db.models import Count

    from huikuan.ledger.models import Invoice, RedLetterCorrection
    from huikuan.reporting.invoicing import invoicing_report
    from huikuan.vat.models import VatInvoiceLink

    summary, _users = company
    assert summary["vat_invoices"] > 100 and summary["vat_invoice_links"] >= summary["vat_invoices"]
    states = Counter(RedLetterCorrection.objects.values_list("state", flat=True))
    assert states["confirmed"] >= 1 and states["lapsed"] >= 1 and states["pending"] >= 1
    assert RedLetterCorrection.objects.filter(disputes__isnull=False).exists()
    shared = VatInvoiceLink.objects.values("vat_invoice").annotate(n=Count("id")).filter(n__gt=1)
    split = VatInvoiceLink.objects.values("invoice").annotate(n=Count("id")).filter(n__gt=1)
    assert shared.exists() and split.exists()
    report = invoicing_report(invoices=Invoice.objects.all(), as_of=AS_OF)
    assert report.total("not_invoiced") > 0 and report.total("uncollected") > 0
    # Each receivable's billing follows its VAT invoice; not yet invoiced: not known.
    billing = Counter(Invoice.objects.values_list("billing", flat=True))
    assert billing["electronic"] > 100 and billing["paper"] >= 1 and billing[""] >= 1
    assert not Invoice.objects.filter(billing="", vat_links__isnull=False).exists()


def test_advance_receipts_ar_ap_offsets_and_rounding_tails_are_populated(company, db):
    from huikuan.finance.models import ArApOffset, OffsetStatus, TailWriteOff
    from huikuan.finance.offsets import tails_open
    from huikuan.ledger.models import AdvanceOffset, AdvanceReceipt
    from huikuan.reporting.selectors import aging_report

    summary, _users = company
    assert summary["advance_receipts"] == 2 and summary["ar_ap_offsets"] == 2
    assert AdvanceOffset.objects.filter(automatic=True).exists()
    assert AdvanceReceipt.objects.count() >= 2
    # Advance receipts show apart from money on account in the aging.
    assert Decimal(aging_report(as_of=AS_OF).as_dict()["total"]["advance"]) > 0
    assert set(ArApOffset.objects.values_list("status", flat=True)) == {
        OffsetStatus.POSTED,
        OffsetStatus.PENDING,
    }
    assert TailWriteOff.objects.get().status == OffsetStatus.POSTED
    assert len(tails_open()) >= 2


def test_the_demo_shows_legal_cases_and_an_agency_assignment(company, db):
    from huikuan.collections.models import AgencyAssignment, CaseOutcome, CaseStatus, LegalCase
    from huikuan.finance.models import WriteOffProposal

    summary, _users = company
    assert summary["legal_cases"] == 2
    in_court = LegalCase.objects.get(status=CaseStatus.JUDGED, opened_by="demo.manager")
    assert in_court.events.filter(kind="hearing").count() == 2
    assert in_court.judgment_amount == in_court.claim_amount > 0
    assert in_court.documents.count() == 1
    closed = LegalCase.objects.get(status=CaseStatus.CLOSED)
    assert closed.outcome == CaseOutcome.NOTHING
    proposal = WriteOffProposal.objects.get(number=closed.write_off_proposal)
    assert proposal.status == "pending" and closed.number in proposal.reason
    assignment = AgencyAssignment.objects.get()
    recovery = assignment.recoveries.get()
    assert recovery.net == recovery.gross - recovery.commission and recovery.commission > 0


def test_the_demo_shows_terms_extensions_market_confirmations_benchmarks_and_late_interest(
    company, db, client
):
    from huikuan.collections.late_interest import late_interest
    from huikuan.credit.benchmarks import benchmarks_by_department
    from huikuan.credit.models import ContractInterestRate, FeeCharge, MarketAssessment
    from huikuan.ledger.models import CustomerTermGrant

    summary, _users = company
    assert summary["term_grants"] == 1 and summary["term_grants_pending"] == 1
    grant = CustomerTermGrant.objects.get()
    assert grant.days == 30 and grant.approved_by == "demo.head"
    assert ApprovalRequest.objects.filter(kind="customer_terms", status=Status.PENDING).count() == 1
    assert MarketAssessment.objects.filter(item="industry", confirmed_by="demo.market").count() > 100
    assert len(benchmarks_by_department()) == 2
    assert ContractInterestRate.objects.count() == 1
    charge = FeeCharge.objects.get(kind="late_interest")
    assert charge.debit_note.number.startswith("LX-2025-") and charge.amount > 0
    assert late_interest(as_of=AS_OF)
    client.force_login(get_user_model().objects.get(username="demo.manager"))
    page = client.get(
        f"/credit/customers/{grant.customer.code}/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "账期与已批准的延长" in page and "+30" in page
    settings_page = client.get("/credit/settings/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "各部门/产品线的利润率基准值" in settings_page and "3.00%" in settings_page


def test_the_demo_is_scored_by_the_late_payment_model(db, company):
    from huikuan.risk.models import CustomerRiskScore, RiskModel, RiskScore

    summary, _ = company
    assert summary["risk_models"] == 2 and summary["risk_scores"] > 0, summary.get("risk_skipped")
    assert RiskModel.objects.count() == 2 and RiskScore.objects.filter(as_of=AS_OF).exists()
    scored = CustomerRiskScore.objects.filter(as_of=AS_OF).exclude(segment="")
    assert set(scored.values_list("segment", flat=True)) == {"premium", "normal", "high_risk"}
    # The credit page's risk history: the last two month-ends and the day.
    assert set(CustomerRiskScore.objects.values_list("as_of", flat=True)) == {
        date(2025, 4, 30),
        date(2025, 5, 31),
        AS_OF,
    }
    # The monthly report's provision by risk segment bands the month-end's customers by the model.
    from huikuan.finance.provisioning import provision_as_of

    banded = provision_as_of(as_of=date(2025, 5, 31), segment_by="risk")
    customers = CustomerRiskScore.objects.filter(as_of=date(2025, 5, 31)).count()
    assert len(banded.banded_by_heuristic) < customers / 3
