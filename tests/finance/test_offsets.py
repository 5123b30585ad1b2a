"""AR/AP offset (应收冲应付) and rounding tails (尾差): the payable imported, the offset proposed for
min(open AR, payable), approved through the approvals, posted against the invoices oldest first;
rejected, lapsed; tails written off with one approval. The aging, exposure and KPIs before and
after each step against a hand-computed ledger."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from huikuan.accounts.services import user_create
from huikuan.approvals.models import ApprovalRequest
from huikuan.approvals.services import approval_decide
from huikuan.core.errors import InputRejected, RuleViolation
from huikuan.core.policy import policy_set
from huikuan.credit.selectors import credit_check
from huikuan.finance.models import ArApOffset, OffsetStatus, Payable, TailWriteOff
from huikuan.finance.offsets import (
    offset_as_dict,
    offset_candidates,
    offset_propose,
    payable_available,
    tails_open,
    tails_propose,
)
from huikuan.finance.selectors import kpi_report
from huikuan.ledger.imports import ledger_import
from huikuan.ledger.models import CreditNote, Customer, Invoice, Payment
from huikuan.ledger.services import customer_create, invoice_issue, payment_allocate
from huikuan.reporting.selectors import aging_report

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def people(db):
    return {
        name: user_create(username=name, role=role, password="Huikuan-test-pw-1").user
        for name, role in {"analyst_li": "credit_analyst", "cm_sun": "credit_manager"}.items()
    }


def load(tmp_path, kind: str, text: str):
    path = tmp_path / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    return ledger_import(kind=kind, path=path)


def decide(number: str, who, decision: str = "approve"):
    return approval_decide(
        request=ApprovalRequest.objects.get(number=number), actor=who, decision=decision, comment="checked"
    )


def line(code: str) -> dict[str, str]:
    report = aging_report(as_of=timezone.localdate()).as_dict()
    row = next(r for r in report["rows"] if r["key"] == code)
    return {"balance": row["balance"], "unapplied": row["unapplied"], **row["buckets"]}


def exposure(customer: Customer) -> Decimal:
    return credit_check(customer=customer, amount=D("0.01"), as_of=timezone.localdate()).open_receivables


def ending_ar() -> Decimal:
    today = timezone.localdate()
    return kpi_report(first_day=today.replace(day=1), last_day=today).rows[0].figures.ending_ar


@pytest.fixture
def both(db) -> Customer:
    """A customer that is also a supplier: three invoices, 12,000 open, all more than 180 days overdue."""
    customer = customer_create(code="GY01", name="供需两用公司", credit_class="B", credit_limit=D("50000"))
    for number, day, amount in (
        ("I1", "2026-01-10", "3000"),
        ("I2", "2026-02-10", "5000"),
        ("I3", "2026-03-10", "4000"),
    ):
        invoice_issue(
            number=number,
            customer=customer,
            invoice_date=date.fromisoformat(day),
            due_date=date.fromisoformat(day),
            amount=D(amount),
        )
    return customer


def test_an_offset_goes_from_the_imported_payable_to_the_invoices_oldest_first(both, people, tmp_path):
    load(
        tmp_path,
        "payables",
        "customer_code,supplier_code,payable_amount,currency,as_of_date\nGY01,S-01,7000.00,CNY,2026-03-31\n",
    )
    payable = Payable.objects.get()
    assert line("GY01")["balance"] == "12000.00" and exposure(both) == D("12000.00")
    assert ending_ar() == D("12000.00")
    [candidate] = offset_candidates()
    assert candidate.as_dict()["offset"] == "7000.00"

    offset = offset_propose(payable=payable, requested_by=people["analyst_li"])
    assert (offset.amount, offset.status) == (D("7000.00"), OffsetStatus.PENDING)
    # Proposed is not posted: nothing moves before the approval.
    assert line("GY01")["balance"] == "12000.00"
    with pytest.raises(RuleViolation, match="already waiting"):
        offset_propose(payable=payable, requested_by=people["analyst_li"])

    decide(offset.approval_number, people["cm_sun"])
    offset.refresh_from_db()
    assert offset.status == OffsetStatus.POSTED and offset.posted_amount == D("7000.00")
    assert offset_as_dict(offset)["allocations"] == [
        {"invoice": "I1", "amount": "3000.00"},
        {"invoice": "I2", "amount": "4000.00"},
    ]
    assert {i.number: i.open_amount for i in Invoice.objects.all()} == {
        "I1": D("0.00"),
        "I2": D("1000.00"),
        "I3": D("4000.00"),
    }
    document = Payment.objects.get(reference=offset.number)
    assert document.method == "other" and document.unallocated_amount == 0
    after = line("GY01")
    assert (after["balance"], after["unapplied"], after["current"]) == ("5000.00", "0.00", "0.00")
    assert exposure(both) == D("5000.00") and ending_ar() == D("5000.00")
    assert payable_available(payable) == 0
    with pytest.raises(RuleViolation, match="nothing to offset"):
        offset_propose(payable=payable, requested_by=people["analyst_li"])

    # A newer payable balance (after the offset) can be offset again, up to the open AR.
    load(
        tmp_path,
        "payables",
        "customer_code,supplier_code,payable_amount,currency,as_of_date\nGY01,S-01,9000.00,CNY,2026-12-31\n",
    )
    payable.refresh_from_db()
    assert payable_available(payable) == D("9000.00")
    again = offset_propose(payable=payable, requested_by=people["analyst_li"])
    assert again.amount == D("5000.00")  # min(open AR 5,000, payable 9,000)


def test_a_rejected_offset_posts_nothing_and_a_lapsed_one_finds_nothing_left(both, people, tmp_path):
    load(
        tmp_path,
        "payables",
        "customer_code,supplier_code,payable_amount,as_of_date\nGY01,S-02,20000.00,2026-03-31\n",
    )
    payable = Payable.objects.get()
    rejected = offset_propose(payable=payable, requested_by=people["analyst_li"])
    assert rejected.amount == D("12000.00")  # min(open AR 12,000, payable 20,000)
    decide(rejected.approval_number, people["cm_sun"], "reject")
    rejected.refresh_from_db()
    assert rejected.status == OffsetStatus.REJECTED and rejected.payment is None
    assert line("GY01")["balance"] == "12000.00" and exposure(both) == D("12000.00")

    lapsing = offset_propose(payable=payable, requested_by=people["analyst_li"])
    # Meanwhile the customer pays everything.
    cash = Payment.objects.create(
        reference="BANK-1",
        customer=both,
        payment_date=timezone.localdate(),
        amount=D("12000"),
        currency="CNY",
    )
    for invoice in Invoice.objects.order_by("number"):
        payment_allocate(payment=cash, invoice=invoice, amount=invoice.open_amount)
    decide(lapsing.approval_number, people["cm_sun"])
    lapsing.refresh_from_db()
    assert lapsing.status == OffsetStatus.LAPSED and lapsing.payment is None
    assert exposure(both) == 0 and not Payment.objects.filter(reference=lapsing.number).exists()


def test_a_payables_file_with_a_bad_row_imports_nothing(both, tmp_path):
    with pytest.raises(InputRejected) as refused:
        load(
            tmp_path,
            "payables",
            "customer_code,supplier_code,payable_amount,currency,as_of_date\n"
            "GY01,S-01,100.00,CNY,2026-03-31\n"
            "NOBODY,S-02,100.00,CNY,2026-03-31\n"
            "GY01,S-03,-5.00,CNY,2026-03-31\n"
            "GY01,S-04,5.00,CNY,31/03/2026\n"
            "GY01,S-01,7.00,CNY,2026-03-31\n",
        )
    errors = {(e.line, e.column) for e in refused.value.errors}
    assert errors == {(3, "customer_code"), (4, "payable_amount"), (5, "as_of_date"), (6, "supplier_code")}
    assert not Payable.objects.exists()
    # The same file twice changes nothing the second time.
    good = "customer_code,supplier_code,payable_amount,as_of_date\nGY01,S-01,100.00,2026-03-31\n"
    assert load(tmp_path, "payables", good).created == 1
    assert load(tmp_path, "payables", good).unchanged == 1


@pytest.fixture
def tails(db) -> dict[str, Invoice]:
    """Open balances of 0.40, 0.99 and 1.00 CNY, 0.10 USD (0.71 CNY) and 5.00 CNY."""
    customer = customer_create(code="WC1", name="尾差客户")
    overseas = customer_create(code="WC2", name="Overseas Ltd", currency="USD")
    cash = Payment.objects.create(
        reference="P-1", customer=customer, payment_date=date(2026, 2, 1), amount=D("10000"), currency="CNY"
    )
    made = {}
    for number, paid_short in (("T-40", "0.40"), ("T-99", "0.99"), ("T-100", "1.00"), ("T-500", "5.00")):
        invoice = invoice_issue(
            number=number,
            customer=customer,
            invoice_date=date(2026, 1, 5),
            due_date=date(2026, 1, 5),
            amount=D("100"),
        )
        payment_allocate(payment=cash, invoice=invoice, amount=D("100") - D(paid_short))
        made[number] = invoice
    usd = invoice_issue(
        number="T-USD",
        customer=overseas,
        invoice_date=date(2026, 1, 5),
        due_date=date(2026, 1, 5),
        amount=D("50"),
        fx_rate=D("7.1"),
    )
    dollars = Payment.objects.create(
        reference="P-2",
        customer=overseas,
        payment_date=date(2026, 2, 1),
        amount=D("49.90"),
        currency="USD",
        fx_rate=D("7.1"),
    )
    payment_allocate(payment=dollars, invoice=usd, amount=D("49.90"))
    made["T-USD"] = usd
    return made


def test_rounding_tails_under_the_setting_are_written_off_with_one_approval(tails, people):
    assert [i.number for i in tails_open()] == ["T-40", "T-99", "T-USD"]  # 1.00 is not under 1.00
    assert line("WC1")["balance"] == "7.39" and line("WC2")["balance"] == "0.71"
    proposal = tails_propose(requested_by=people["analyst_li"])
    assert proposal.amount == D("2.10")  # 0.40 + 0.99 + 0.71 CNY
    with pytest.raises(RuleViolation, match="already waiting"):
        tails_propose(requested_by=people["analyst_li"])
    assert line("WC1")["balance"] == "7.39"  # not before the approval

    decide(proposal.approval_number, people["cm_sun"])
    proposal.refresh_from_db()
    assert proposal.status == OffsetStatus.POSTED
    assert sorted(CreditNote.objects.values_list("number", "amount")) == [
        (f"{proposal.number}-1", D("0.40")),
        (f"{proposal.number}-2", D("0.99")),
        (f"{proposal.number}-3", D("0.10")),
    ]
    assert line("WC1")["balance"] == "6.00"
    assert not any(r["key"] == "WC2" for r in aging_report(as_of=timezone.localdate()).as_dict()["rows"])
    assert tails_open() == []
    # A higher setting takes the 1.00 tail too; a rejection posts nothing.
    policy_set(key="TAIL_WRITE_OFF_UNDER", value="2.00", updated_by="test")
    second = tails_propose(requested_by=people["analyst_li"])
    assert [row["number"] for row in second.lines] == ["T-100"]
    decide(second.approval_number, people["cm_sun"], "reject")
    second.refresh_from_db()
    assert second.status == OffsetStatus.REJECTED and line("WC1")["balance"] == "6.00"
    assert TailWriteOff.objects.count() == 2 and ArApOffset.objects.count() == 0
