"""What the run delivers: one email per customer and step with all its invoices, letters as PDF."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail

from huikuan.collections.models import DunningAction, DunningStep
from huikuan.collections.run import dunning_run
from huikuan.correspondence.models import Letter, OutboundEmail
from tests.collections.conftest import MARCH_1


def test_one_email_per_customer_and_step_lists_all_its_invoices_with_the_statement(
    make_customer, make_invoice, django_capture_on_commit_callbacks
):
    # The first collection attaches no PDF by default; this policy's step asks for the statement.
    DunningStep.objects.filter(code="first").update(attach_statement=True)
    customer = make_customer("E1")
    make_invoice(customer, "E1-A", MARCH_1 - timedelta(days=3), "1200.00")
    make_invoice(customer, "E1-B", MARCH_1 - timedelta(days=5), "800.50")
    with django_capture_on_commit_callbacks(execute=True):
        dunning_run(date=MARCH_1)
    [email] = OutboundEmail.objects.filter(purpose="dunning")
    assert email.idempotency_key.startswith("dunning:")
    assert "E1-A" in email.body and "E1-B" in email.body and "2,000.50" in email.body
    [sent] = mail.outbox
    assert sent.to == ["e1@example.cn"]
    [(name, content, mimetype)] = sent.attachments
    assert name.startswith("statement-E1") and mimetype == "application/pdf" and content[:4] == b"%PDF"
    call = DunningAction.objects.get(customer=customer, channel="phone")
    assert call.status == "open"  # a call task waits in the worklist
    delivered = DunningAction.objects.get(customer=customer, channel="email")
    assert delivered.status == "done" and delivered.delivery_note == f"email {email.pk}"


def test_an_english_customer_gets_english_and_the_letter_step_renders_a_pdf(
    make_customer, make_invoice, django_capture_on_commit_callbacks
):
    customer = make_customer("E2", language="en")
    make_invoice(customer, "E2-A", MARCH_1 - timedelta(days=60), "5000.00")
    with django_capture_on_commit_callbacks(execute=True):
        dunning_run(date=MARCH_1)
    [letter] = Letter.objects.filter(customer=customer)
    assert letter.pdf[:4] == b"%PDF" and letter.language == "en"
    [sent] = mail.outbox
    assert "E2-A" in sent.body and "overdue" in sent.body.lower()


def test_a_customer_without_an_address_is_recorded_and_delivered_later(
    make_customer, make_invoice, django_capture_on_commit_callbacks
):
    from huikuan.collections.delivery import deliveries_send

    customer = make_customer("E3", email="")
    make_invoice(customer, "E3-A", MARCH_1 + timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        dunning_run(date=MARCH_1)
    action = DunningAction.objects.get(customer=customer, channel="email")
    assert action.status == "open" and action.delivery_note == "failed: 客户 E3 没有电子邮件地址"
    customer.email = "finance@e3.example.cn"
    customer.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_send() == {"sent": 1, "failed": 0}
    assert [m.to for m in mail.outbox] == [["finance@e3.example.cn"]]
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_send() == {"sent": 0, "failed": 0}


def _action(customer, numbers: list[str]) -> DunningAction:
    return DunningAction(
        customer=customer, action_date=MARCH_1, step_code="R1", invoice_numbers="\n".join(numbers)
    )


def test_a_letter_never_adds_two_currencies(make_customer, make_invoice):
    from decimal import Decimal

    from huikuan.collections.delivery import dunning_context
    from huikuan.ledger.services import invoice_issue

    customer = make_customer("E4")
    cny = make_invoice(customer, "E4-A", MARCH_1 - timedelta(days=3), "1000.00")
    usd = invoice_issue(
        number="E4-B",
        customer=customer,
        invoice_date=MARCH_1 - timedelta(days=40),
        due_date=MARCH_1 - timedelta(days=10),
        amount=Decimal("100.00"),
        currency="USD",
        fx_rate=Decimal("7.1"),
    )
    context = dunning_context(_action(customer, ["E4-A", "E4-B"]), [usd, cny])
    assert [row["currency"] for row in context["invoices"]] == ["USD", "CNY"]
    assert (context["total_open"], context["currency"]) == (Decimal("1710.00"), "CNY")
    single = dunning_context(_action(customer, ["E4-B"]), [usd])
    assert (single["total_open"], single["currency"]) == (Decimal("100.00"), "USD")


def test_a_partly_disputed_invoice_is_dunned_for_the_undisputed_rest(make_customer, make_invoice):
    from decimal import Decimal

    from huikuan.collections.delivery import dunning_context
    from huikuan.collections.services import dispute_open

    customer = make_customer("E5")
    invoice = make_invoice(customer, "E5-A", MARCH_1 - timedelta(days=3), "1000.00")
    other = make_invoice(customer, "E5-B", MARCH_1 - timedelta(days=3), "500.00")
    dispute_open(
        invoice=invoice,
        amount=Decimal("300.00"),
        reason_code="price",
        owner="zhang.wei",
        opened_on=MARCH_1 - timedelta(days=2),
        opened_by="zhang.wei",
    )
    context = dunning_context(_action(customer, ["E5-A", "E5-B"]), [invoice, other])
    assert [row["open_amount"] for row in context["invoices"]] == [Decimal("700.00"), Decimal("500.00")]
    assert context["total_open"] == Decimal("1200.00")


def test_every_email_is_in_the_outbox_as_queued_from_the_moment_the_run_commits(
    make_customer, make_invoice, django_capture_on_commit_callbacks
):
    make_invoice(make_customer("Q1"), "Q1-A", MARCH_1 - timedelta(days=3))
    make_invoice(make_customer("Q2", email=""), "Q2-A", MARCH_1 - timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        dunning_run(date=MARCH_1)
    # Committed, nothing delivered yet: both emails are in the outbox, queued, not yet written.
    queued = OutboundEmail.objects.filter(purpose="dunning").order_by("customer__code")
    assert [(e.customer.code, e.status, e.awaiting_content) for e in queued] == [
        ("Q1", "queued", True),
        ("Q2", "queued", True),
    ]
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        for callback in after_commit:
            callback()
    assert [(e.customer.code, e.status) for e in queued.all()] == [("Q1", "sent"), ("Q2", "queued")]
    [sent] = mail.outbox
    assert sent.to == ["q1@example.cn"] and "Q1-A" in sent.body
    # The customer without an address: the action says why, the email waits for an address.
    action = DunningAction.objects.get(customer__code="Q2", channel="email")
    assert action.status == "open" and action.delivery_note.startswith("failed:")
