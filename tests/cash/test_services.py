"""The decisions on a bank line, as the accountant and the matcher take them: what reaches
the ledger, what a second click does, what an undo gives back, what the system learns."""

from __future__ import annotations

from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from huikuan.cash.aliases import alias_name
from huikuan.cash.models import AliasKind, DecisionKind, LineStatus, PayerAlias
from huikuan.cash.proposals import Split
from huikuan.cash.services import (
    WriteOffSplit,
    line_accept,
    line_apply_automatically,
    line_mark_not_customer,
    line_put_on_account,
    line_split,
    line_undo,
    line_write_off_difference,
)
from huikuan.core.errors import NotFound, RuleViolation
from huikuan.core.policy import policy_set
from huikuan.ledger.models import Allocation, Customer, Invoice, Payment, WriteOff
from tests.cash.conftest import proposal

pytestmark = pytest.mark.django_db


def open_amount(number: str) -> Decimal:
    return Invoice.objects.get(number=number).open_amount


def figures() -> dict:
    """Everything an undo must give back exactly."""
    return {
        "invoices": list(
            Invoice.objects.order_by("number").values_list("number", "applied_amount", "closed_on")
        ),
        "payments": list(Payment.objects.order_by("reference").values_list("reference", "allocated_amount")),
        "allocations": Allocation.objects.count(),
        "write_offs": WriteOff.objects.count(),
    }


def test_accepting_the_top_candidate_pays_the_invoices_and_teaches_the_payer(ledger, bank_line):
    line = bank_line(
        "60000.00",
        proposal("review", "HZ001", [("YS-0301", "60000.00")], reasons=["invoice YS-0301 in the memo"]),
        payer_name="杭州湖畔机电 有限公司",
    )
    outcome = line_accept(line=line, decided_by="credit_manager")

    assert outcome.posted and outcome.decision.kind == DecisionKind.ACCEPT
    assert open_amount("YS-0301") == Decimal("0.00")
    payment = Payment.objects.get(reference=f"BANK-{line.pk}")
    assert (payment.customer.code, payment.amount, payment.payment_date) == (
        "HZ001",
        Decimal("60000.00"),
        line.booking_date,
    )
    assert payment.payer_name == "杭州湖畔机电 有限公司" and payment.memo == "货款"
    line.refresh_from_db()
    assert (line.status, line.payment_id, line.decided_by) == (
        LineStatus.APPLIED,
        payment.pk,
        "credit_manager",
    )
    aliases = dict(PayerAlias.objects.values_list("kind", "value"))
    assert aliases == {AliasKind.ACCOUNT: "330100001234", AliasKind.NAME: alias_name("杭州湖畔机电有限公司")}
    assert set(PayerAlias.objects.values_list("customer__code", flat=True)) == {"HZ001"}


def test_a_second_accept_posts_nothing_new(ledger, bank_line):
    line = bank_line("60000.00", proposal("review", "HZ001", [("YS-0301", "60000.00")]))
    first = line_accept(line=line, decided_by="credit_manager")
    before = figures()
    again = line_accept(line=line, decided_by="credit_manager")
    split_too = line_split(
        line=line,
        customer=Customer.objects.get(code="HZ001"),
        splits=[Split("YS-0302", Decimal("1.00"))],
        decided_by="cfo",
    )
    assert not again.posted and not split_too.posted
    assert again.decision.pk == first.decision.pk == split_too.decision.pk
    assert figures() == before


def test_a_lower_candidate_is_accepted_by_its_rank(ledger, bank_line):
    line = bank_line(
        "8000.50",
        proposal(
            "review",
            "HZ001",
            [("YS-0302", "8000.50")],
            candidates=[
                {
                    "customer_code": "HZ001",
                    "customer_name": "杭州湖畔机电有限公司",
                    "confidence": "0.6",
                    "allocations": [{"invoice_number": "YS-0302", "amount": "8000.50"}],
                    "on_account": "0",
                    "reasons": [],
                },
                {
                    "customer_code": "CD003",
                    "customer_name": "成都锦江贸易有限公司",
                    "confidence": "0.5",
                    "allocations": [{"invoice_number": "YS-0401", "amount": "8000.50"}],
                    "on_account": "0",
                    "reasons": [],
                },
            ],
        ),
    )
    line_accept(line=line, decided_by="credit_manager", rank=1)
    assert open_amount("YS-0401") == Decimal("0.00")
    assert open_amount("YS-0302") == Decimal("50000.00")
    with pytest.raises(RuleViolation, match="no candidate number 3"):
        line_accept(line=bank_line("1.00", proposal("review", "HZ001", [])), decided_by="x", rank=2)


def test_the_matcher_applies_an_automatic_proposal_without_teaching_anything(ledger, bank_line):
    line = bank_line("50000.00", proposal("auto", "HZ001", [("YS-0302", "50000.00")], confidence="0.97"))
    outcome = line_apply_automatically(line=line)
    line.refresh_from_db()
    assert (line.status, line.decided_by, outcome.decision.kind) == (
        LineStatus.AUTO,
        "matcher",
        DecisionKind.AUTO,
    )
    assert open_amount("YS-0302") == Decimal("0.00")
    assert not PayerAlias.objects.exists()
    assert not line_apply_automatically(line=line).posted


def test_a_split_by_hand_leaves_the_rest_on_account(ledger, bank_line):
    line = bank_line("70000.00", proposal("unmatched"))
    customer = Customer.objects.get(code="HZ001")
    outcome = line_split(
        line=line,
        customer=customer,
        splits=[Split("YS-0301", Decimal("40000.00")), Split("YS-0302", Decimal("20000.00"))],
        decided_by="credit_manager",
    )
    assert (open_amount("YS-0301"), open_amount("YS-0302")) == (Decimal("20000.00"), Decimal("30000.00"))
    assert outcome.decision.on_account == Decimal("10000.00")
    assert Payment.objects.get(reference=f"BANK-{line.pk}").unallocated_amount == Decimal("10000.00")


def test_a_split_refuses_another_customers_invoice_and_more_than_the_receipt(ledger, bank_line):
    line = bank_line("1000.00")
    customer = Customer.objects.get(code="HZ001")
    with pytest.raises(RuleViolation, match="YS-0304 is not HZ001's"):
        line_split(line=line, customer=customer, splits=[Split("YS-0304", Decimal("10.00"))], decided_by="x")
    with pytest.raises(RuleViolation, match="more than the receipt"):
        line_split(
            line=line, customer=customer, splits=[Split("YS-0301", Decimal("1000.01"))], decided_by="x"
        )
    with pytest.raises(NotFound, match="NOPE"):
        line_split(line=line, customer=customer, splits=[Split("NOPE", Decimal("1.00"))], decided_by="x")
    assert not Payment.objects.filter(reference=f"BANK-{line.pk}").exists()


def test_a_bank_fee_is_written_off_with_its_reason(ledger, bank_line):
    line = bank_line("49985.00")
    outcome = line_write_off_difference(
        line=line,
        customer=Customer.objects.get(code="HZ001"),
        invoice_number="YS-0302",
        reason="银行手续费",
        decided_by="credit_manager",
    )
    assert open_amount("YS-0302") == Decimal("0.00")
    write_off = WriteOff.objects.get()
    assert (write_off.amount, write_off.reason, write_off.approved_by) == (
        Decimal("15.00"),
        "银行手续费",
        "credit_manager",
    )
    assert outcome.decision.kind == DecisionKind.WRITE_OFF


def test_a_write_off_needs_a_reason_and_stays_within_the_tolerance(ledger, bank_line):
    customer = Customer.objects.get(code="HZ001")
    with pytest.raises(RuleViolation, match="needs a reason"):
        line_write_off_difference(
            line=bank_line("49985.00"),
            customer=customer,
            invoice_number="YS-0302",
            reason="  ",
            decided_by="x",
        )
    with pytest.raises(RuleViolation, match=r"more than the 200\.00"):
        line_write_off_difference(
            line=bank_line("49799.99"),
            customer=customer,
            invoice_number="YS-0302",
            reason="短付",
            decided_by="x",
        )
    policy_set(key="CASH_TOLERANCE_ABS", value="300.00")
    line_write_off_difference(
        line=bank_line("49799.99"), customer=customer, invoice_number="YS-0302", reason="短付", decided_by="x"
    )
    assert WriteOff.objects.get().amount == Decimal("200.01")
    with pytest.raises(RuleViolation, match="on an invoice the receipt pays"):
        line_split(
            line=bank_line("100.00"),
            customer=customer,
            splits=[Split("YS-0301", Decimal("100.00"))],
            write_offs=[WriteOffSplit("YS-0302", Decimal("1.00"), "费用")],
            decided_by="x",
        )


def test_on_account_and_not_a_customer(ledger, bank_line):
    on_account = bank_line("3000.00")
    line_put_on_account(line=on_account, customer=Customer.objects.get(code="CD003"), decided_by="cfo")
    payment = Payment.objects.get(reference=f"BANK-{on_account.pk}")
    assert (payment.customer.code, payment.allocated_amount) == ("CD003", Decimal("0.00"))

    interest = bank_line("12.34", payer_name="银行结息")
    before = figures()
    line_mark_not_customer(line=interest, decided_by="cfo", reason="存款利息")
    interest.refresh_from_db()
    assert interest.status == LineStatus.NOT_CUSTOMER and interest.payment is None
    assert figures() == before


@pytest.mark.parametrize("decide", ["accept", "split", "write_off", "on_account", "not_customer", "auto"])
def test_undo_gives_back_every_balance_exactly(ledger, bank_line, decide):
    line = bank_line(
        "49985.00",
        proposal(
            "auto" if decide == "auto" else "review",
            "HZ001",
            [("YS-0302", "49985.00")],
            difference={"amount": "15.00", "treatment": "write_off", "reason": "bank fee"},
        ),
    )
    customer = Customer.objects.get(code="HZ001")
    before = figures()
    if decide == "accept":
        line_accept(line=line, decided_by="cfo")
    elif decide == "split":
        line_split(
            line=line, customer=customer, splits=[Split("YS-0301", Decimal("40000.00"))], decided_by="cfo"
        )
    elif decide == "write_off":
        line_write_off_difference(
            line=line, customer=customer, invoice_number="YS-0302", reason="fee", decided_by="cfo"
        )
    elif decide == "on_account":
        line_put_on_account(line=line, customer=customer, decided_by="cfo")
    elif decide == "not_customer":
        line_mark_not_customer(line=line, decided_by="cfo")
    else:
        line_apply_automatically(line=line)
    assert figures() != before or decide == "not_customer"

    decision = line_undo(line=line, undone_by="cfo", reason="wrong customer")
    assert figures() == before
    line.refresh_from_db()
    assert (line.status, line.payment, line.decided_by) == (LineStatus.REVIEW, None, "")
    assert decision.undone_by == "cfo" and decision.undo_reason == "wrong customer"
    with pytest.raises(RuleViolation, match="no decision to undo"):
        line_undo(line=line, undone_by="cfo")
    # Decided again after the undo: a payment with the same reference, posted afresh.
    line_put_on_account(line=line, customer=customer, decided_by="cfo")
    assert Payment.objects.filter(reference=f"BANK-{line.pk}").count() == 1


def test_an_undo_is_in_the_audit_trail_with_its_reason(ledger, bank_line):
    line = bank_line("60000.00", proposal("review", "HZ001", [("YS-0301", "60000.00")]))
    line_accept(line=line, decided_by="cfo")
    allocation_id = Allocation.objects.get(payment__reference=f"BANK-{line.pk}").pk
    line_undo(line=line, undone_by="cfo", reason="客户付错")
    entry = LogEntry.objects.get(
        content_type__model="allocation", object_pk=str(allocation_id), action=LogEntry.Action.DELETE
    )
    assert entry.additional_data["reason"] == "客户付错"
    assert entry.changes["amount"][0] == "60000.00"
    assert LogEntry.objects.filter(content_type__model="payment", action=LogEntry.Action.DELETE).exists()


def test_a_person_moves_an_alias_that_pointed_elsewhere(ledger, bank_line):
    first = bank_line("100.00", payer_name="王五", payer_account="")
    line_put_on_account(line=first, customer=Customer.objects.get(code="HZ001"), decided_by="cfo")
    second = bank_line("100.00", payer_name="王 五", payer_account="")
    line_put_on_account(line=second, customer=Customer.objects.get(code="CD003"), decided_by="cfo")
    alias = PayerAlias.objects.get()
    assert (alias.customer.code, alias.learned_from_id) == ("CD003", second.pk)
    assert LogEntry.objects.get_for_object(alias).filter(action=LogEntry.Action.UPDATE).exists()


def test_a_third_partys_payment_teaches_nothing_about_its_payer(ledger, bank_line):
    """锦江贸易 pays for 湖畔机电: its account and name are still 锦江贸易's, not 湖畔机电's."""
    line = bank_line(
        "60000.00",
        proposal("review", "HZ001", [("YS-0301", "60000.00")]),
        payer_name="成都锦江贸易有限公司",
        payer_account="5101 0000 9999",
        memo="代杭州湖畔机电有限公司付货款",
    )
    outcome = line_accept(line=line, decided_by="credit_manager")

    assert outcome.posted and Payment.objects.get(reference=f"BANK-{line.pk}").customer.code == "HZ001"
    assert not PayerAlias.objects.exists()


def test_a_line_put_on_account_as_an_advance_receipt_is_aged_as_advance_and_undone_whole(ledger, bank_line):
    from huikuan.ledger.models import AdvanceReceipt
    from huikuan.reporting.selectors import aging_report

    line = bank_line("5000.00", payer_name="杭州湖畔机电有限公司")
    customer = Customer.objects.get(code="HZ001")
    with pytest.raises(RuleViolation, match="advance receipt"):
        line_put_on_account(line=line, customer=customer, decided_by="cfo", order_number="SO-1")
    line_put_on_account(line=line, customer=customer, decided_by="cfo", as_advance=True, order_number="SO-77")
    receipt = AdvanceReceipt.objects.get(payment__reference=f"BANK-{line.pk}")
    assert (receipt.order_number, receipt.source, receipt.recorded_by) == ("SO-77", "cash", "cfo")
    line.refresh_from_db()
    row = next(
        r
        for r in aging_report(as_of=Payment.objects.get(reference=f"BANK-{line.pk}").payment_date).as_dict()[
            "rows"
        ]
        if r["key"] == "HZ001"
    )
    assert row["advance"] == "5000.00"
    # Undone: the payment and its advance receipt go, both kept in the audit trail.
    line_undo(line=line, undone_by="cfo", reason="not an advance")
    assert not AdvanceReceipt.objects.exists()
    assert LogEntry.objects.filter(
        content_type__model="advancereceipt", action=LogEntry.Action.DELETE
    ).exists()
