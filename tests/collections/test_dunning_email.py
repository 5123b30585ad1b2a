"""The daily run's emails reach a real SMTP server: one per customer and step, listing all
its invoices at that step, in the customer's language, with the statement attached as PDF."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from huikuan.collections.models import DunningStep
from huikuan.collections.run import dunning_run
from huikuan.correspondence.models import OutboundEmail
from tests.correspondence.conftest import running_smtp, smtp_server  # noqa: F401 - the SMTP fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.smtp]
RUN_DAY = date(2026, 3, 10)


def _attachment_text(message) -> str:
    [pdf] = [part for part in message.iter_attachments() if part.get_content_type() == "application/pdf"]
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_content())).pages)


def test_each_customer_gets_one_email_per_step_with_all_its_invoices(
    running_smtp,  # noqa: F811
    make_customer,
    make_invoice,
    django_capture_on_commit_callbacks,
):
    DunningStep.objects.filter(code="first").update(attach_statement=True)  # the statement PDF too
    hupan = make_customer("HZ", email="finance@hupan.example")
    lion = make_customer("SG", email="ap@lion.example", language="en")
    # Both of 湖畔's invoices reach the first collection (+1 … +7) today; Lion's one too.
    make_invoice(hupan, "YS-1", date(2026, 3, 8), "1200.00")
    make_invoice(hupan, "YS-2", date(2026, 3, 6), "3456.78")
    make_invoice(lion, "SG-9", date(2026, 3, 9), "500.00")

    with django_capture_on_commit_callbacks(execute=True):
        dunning_run(date=RUN_DAY)

    by_recipient = {tuple(rcpt): message for rcpt, message in running_smtp.messages}
    assert sorted(by_recipient) == [("ap@lion.example",), ("finance@hupan.example",)]
    chinese = by_recipient[("finance@hupan.example",)]
    body = chinese.get_body(("plain",)).get_content()
    assert "YS-1" in body and "YS-2" in body and "SG-9" not in body
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese["Subject"])  # the subject is in Chinese
    statement = _attachment_text(chinese)
    assert "客户HZ" in statement and "3,456.78" in statement
    english = by_recipient[("ap@lion.example",)].get_body(("plain",)).get_content()
    assert "SG-9" in english and "past their due date" in english
    assert "逾期" in body

    # The next run the same day sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        dunning_run(date=RUN_DAY)
    assert len(running_smtp.messages) == 2
    assert OutboundEmail.objects.filter(status="sent").count() == 2
