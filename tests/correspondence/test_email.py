"""Emails go through a real SMTP server on loopback, and a failure is recorded and retried."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from huikuan.correspondence.documents import document_render, statement_pdf
from huikuan.correspondence.models import EmailStatus, OutboundEmail
from huikuan.correspondence.services import email_send, emails_retry
from tests.correspondence.conftest import AS_OF, dunning_context

pytestmark = pytest.mark.smtp


def send_dunning(customer, *, key: str, template: str = "email_letter") -> OutboundEmail:
    document = document_render(
        template_code=template, language=customer.language, context=dunning_context(customer)
    )
    pdf = statement_pdf(customer=customer, as_of=AS_OF)
    return email_send(
        to=[customer.email],
        subject=document.subject,
        body=document.text,
        html=document.html,
        purpose="dunning:letter",
        idempotency_key=key,
        customer=customer,
        attachments=[(f"statement-{customer.code}.pdf", pdf, "application/pdf")],
    )


def test_a_chinese_customer_receives_a_chinese_email_with_the_statement_attached(
    running_smtp, customers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        outbound = send_dunning(customers["hupan"], key="HZ001:letter:2024-06-30")

    [(recipients, message)] = running_smtp.messages
    assert recipients == ["finance@hupan.example"]
    assert message["Subject"].strip() == "【催款函】杭州湖畔机电有限公司：请于期限内付清逾期款项"
    assert message["From"] == "ar@huikuan.example"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "尊敬的杭州湖畔机电有限公司" in text
    assert "YS-0301" in text and "CNY 60,000.00" in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "杭州湖畔机电有限公司" in html
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "statement-HZ001.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content().startswith(b"%PDF")
    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts, outbound.last_error) == (EmailStatus.SENT, 1, "")
    assert outbound.sent_at is not None


def test_an_english_customer_receives_the_email_in_english(
    running_smtp, customers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send_dunning(customers["lion"], key="SG005:letter:2024-06-30")

    [(recipients, message)] = running_smtp.messages
    assert recipients == ["ap@lioncity.example"]
    assert message["Subject"].strip() == "Formal demand for payment: Lion City Trading Pte Ltd"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Dear Lion City Trading Pte Ltd" in text
    assert "INV-SG-7" in text and "CNY 10,000.00" in text
    assert "贵司" not in text


def test_the_same_idempotency_key_sends_one_message_only(
    running_smtp, customers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = send_dunning(customers["hupan"], key="HZ001:letter:2024-06-30")
    with django_capture_on_commit_callbacks(execute=True):
        again = send_dunning(customers["hupan"], key="HZ001:letter:2024-06-30")
    assert again.pk == first.pk
    assert OutboundEmail.objects.count() == 1
    assert len(running_smtp.messages) == 1
    assert emails_retry(now=timezone.now() + timedelta(days=1)) == 0
    assert len(running_smtp.messages) == 1


def test_a_server_that_is_down_leaves_the_email_waiting_and_a_retry_sends_it(
    smtp_server, customers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        outbound = send_dunning(customers["hupan"], key="HZ001:letter:2024-06-30")
    outbound.refresh_from_db()
    assert outbound.status == EmailStatus.RETRYING
    assert outbound.attempts == 1
    assert "Connection refused" in outbound.last_error or "ConnectionRefused" in outbound.last_error
    assert outbound.next_attempt_at > timezone.now()

    smtp_server.start()
    # Not yet due: nothing is attempted.
    assert emails_retry() == 0
    assert smtp_server.messages == []
    assert emails_retry(now=outbound.next_attempt_at) == 1
    [(recipients, message)] = smtp_server.messages
    assert recipients == ["finance@hupan.example"]
    assert "杭州湖畔机电有限公司" in message["Subject"]
    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts) == (EmailStatus.SENT, 2)


def test_a_refused_recipient_is_retried_with_backoff_then_marked_failed_and_listed(
    running_smtp, customers, django_capture_on_commit_callbacks, settings, huikuan
):
    settings.HUIKUAN = {**settings.HUIKUAN, "EMAIL_MAX_ATTEMPTS": 3, "EMAIL_RETRY_MINUTES": 10}
    running_smtp.mailbox.refuse.add("finance@hupan.example")
    with django_capture_on_commit_callbacks(execute=True):
        outbound = send_dunning(customers["hupan"], key="HZ001:letter:2024-06-30")
    outbound.refresh_from_db()
    assert outbound.status == EmailStatus.RETRYING
    assert "550" in outbound.last_error and "finance@hupan.example" in outbound.last_error
    first_retry = outbound.next_attempt_at

    assert emails_retry(now=first_retry) == 0
    outbound.refresh_from_db()
    # The second failure waits twice as long as the first.
    assert outbound.next_attempt_at == first_retry + timedelta(minutes=20)
    assert emails_retry(now=outbound.next_attempt_at) == 0
    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts) == (EmailStatus.FAILED, 3)
    assert outbound.next_attempt_at is None
    assert running_smtp.messages == []

    listed = huikuan("email", "list", "--status", "failed", "--json").json()["emails"]
    assert [(e["idempotency_key"], e["attempts"]) for e in listed] == [("HZ001:letter:2024-06-30", 3)]
    assert "550" in listed[0]["last_error"]
    # A failed email is kept and no longer retried.
    assert emails_retry(now=timezone.now() + timedelta(days=30)) == 0


def test_the_retry_command_sends_what_is_due(
    smtp_server, customers, django_capture_on_commit_callbacks, huikuan
):
    with django_capture_on_commit_callbacks(execute=True):
        outbound = send_dunning(customers["lion"], key="SG005:letter:2024-06-30")
    OutboundEmail.objects.filter(pk=outbound.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=1))
    smtp_server.start()
    result = huikuan("email", "retry", "--json")
    assert result.code == 0, result.stderr
    assert result.json() == {"sent": 1, "retrying": 0, "failed": 0}
    assert len(smtp_server.messages) == 1


def test_nothing_is_sent_when_the_transaction_that_recorded_the_email_rolls_back(
    running_smtp, customers, django_capture_on_commit_callbacks
):
    from django.db import transaction

    class Abandoned(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Abandoned):
        with transaction.atomic():
            send_dunning(customers["hupan"], key="HZ001:letter:2024-06-30")
            raise Abandoned
    assert running_smtp.messages == []
    assert not OutboundEmail.objects.exists()
