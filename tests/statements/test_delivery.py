"""The statement reaches the customer's mailbox: a real SMTP server on loopback receives the
email with its PDF (the statement's lines in it) and the answer link; the command line and
the API send through the same outbox."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from huikuan.correspondence.models import OutboundEmail
from huikuan.statements.models import AccountStatement
from tests.correspondence.conftest import running_smtp, smtp_server  # noqa: F401 - the SMTP fixtures

pytestmark = [pytest.mark.django_db]


def _pdf_text(message) -> str:
    [pdf] = [part for part in message.iter_attachments() if part.get_content_type() == "application/pdf"]
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_content())).pages)


@pytest.mark.smtp
def test_the_statement_email_arrives_with_its_pdf_and_link(
    spring,
    running_smtp,  # noqa: F811
    huikuan,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.HUIKUAN_PUBLIC_URL = "https://ar.example.cn"
    with django_capture_on_commit_callbacks(execute=True):
        result = huikuan("statements", "send", "--customer", "HZ001", "--period", "2024-04", "--json")
    assert result.code == 0, result.stderr
    assert result.json()["closing_balance"] == "81956.78"
    [(recipients, message)] = running_smtp.messages
    assert recipients == ["finance@hupan.example"]
    assert "DZ-HZ001-202404" in message["Subject"] and "对账单" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert "https://ar.example.cn/statements/answer/" in body
    text = _pdf_text(message)
    for expected in ("对账单", "YS-0402", "HK-001", "CN-001", "81,956.78", "100,000.00"):
        assert expected in text, expected
    names = sorted(part.get_filename() for part in message.iter_attachments())
    assert names == ["DZ-HZ001-202404.pdf", "DZ-HZ001-202404.xlsx"]
    # The same command again sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert huikuan("statements", "send", "--customer", "HZ001", "--period", "2024-04").code == 0
    assert len(running_smtp.messages) == 1
    assert OutboundEmail.objects.get(purpose="statement").status == "sent"


def test_the_command_refuses_a_bad_period_and_an_unknown_customer(spring, huikuan):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM"):
        huikuan("statements", "send", "--customer", "HZ001", "--period", "2024-4")
    with pytest.raises(CommandError, match="no customer"):
        huikuan("statements", "send", "--customer", "NOPE", "--period", "2024-04")


def test_the_command_lists_schedules_and_shows_who_is_due(spring, huikuan):
    assert huikuan(
        "statements", "schedule", "--customer", "SG005", "--frequency", "none", "--json"
    ).json() == {
        "customer": "SG005",
        "frequency": "none",
    }
    due = huikuan("statements", "due", "--date", "2024-05-01", "--json").json()
    assert [entry["customer"] for entry in due["due"]] == ["HZ001"]
    assert huikuan("statements", "confirm", "--customer", "HZ001", "--as-of", "2024-04-30").code == 0
    listing = huikuan("statements", "list", "--customer", "HZ001", "--json").json()
    assert [s["reference"] for s in listing["statements"]] == ["XZ-HZ001-20240430"]


def test_the_api_queues_the_sending_and_a_worker_sends_it(spring, django_user_model, monkeypatch):
    from rest_framework.test import APIClient

    from huikuan.accounts.services import user_create
    from huikuan.core import tasks
    from huikuan.core.models import QueuedTask
    from huikuan.core.tasks import task_execute

    user_create(username="cm", role="credit_manager", password="Huikuan-test-pw-1")
    client = APIClient()
    client.force_authenticate(django_user_model.objects.get(username="cm"))
    monkeypatch.setitem(
        tasks._dispatch, "mode", "background"
    )  # a web server process: the request only queues
    response = client.post(
        "/api/statements/customers/HZ001/send/", {"kind": "account", "period": "2024-04"}, format="json"
    )
    assert response.status_code == 202, response.content
    assert not AccountStatement.objects.exists()  # nothing made inside the request
    task = QueuedTask.objects.get(pk=response.json()["task"])
    assert task_execute(pk=task.pk, runner="test")
    statement = AccountStatement.objects.get()
    assert statement.status == "sent" and statement.created_by == "cm"
    detail = client.get("/api/statements/DZ-HZ001-202404/").json()
    assert detail["closing_balance"] == "81956.78" and len(detail["lines"]) == 4
    assert client.put("/api/statements/customers/HZ001/schedule/", {"frequency": "quarterly"}).json() == {
        "customer": "HZ001",
        "frequency": "quarterly",
    }
    refused = client.post("/api/statements/customers/HZ001/send/", {"kind": "account", "period": "2024-4"})
    assert refused.status_code == 400 and "period" in str(refused.json())
    # A month of no calendar Huikuan keeps (the year 0) is refused, not a server error.
    refused = client.post("/api/statements/customers/HZ001/send/", {"kind": "account", "period": "0000-01"})
    assert refused.status_code == 400 and "0000-01" in str(refused.json())
