"""What the run delivers: one email per customer and step with all its invoices, letters as PDF."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail

from huikuan.collections.models import DunningAction
from huikuan.collections.run import dunning_run
from huikuan.correspondence.models import Letter, OutboundEmail
from tests.collections.conftest import MARCH_1


def test_one_email_per_customer_and_step_lists_all_its_invoices_with_the_statement(
    make_customer, make_invoice, django_capture_on_commit_callbacks
):
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
