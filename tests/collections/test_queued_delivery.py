"""Delivery as queued work: chunks as tasks, the job order, the email backends of the demo and
of production, and the outbox page."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import checks

from huikuan.core import tasks as core_tasks
from huikuan.core.models import QueuedTask, TaskStatus
from huikuan.core.tasks import task_enqueue, task_execute, task_next, tasks_background
from huikuan.correspondence.backends import NOT_CONFIGURED, OUTBOX, email_backend_check
from huikuan.jobs.models import JobRun, JobStatus
from huikuan.jobs.services import JobNotReady, job_run
from tests.web.conftest import ledger, personas, web_as  # noqa: F401 - the web personas

DAY = date(2026, 3, 2)


def test_retries_wait_for_the_days_dunning_run(db):
    with pytest.raises(JobNotReady, match="after dunning"):
        job_run(name="email_retry", date=DAY)
    assert not JobRun.objects.filter(job="email_retry").exists()  # nothing claimed
    job_run(name="dunning", date=DAY)
    assert job_run(name="email_retry", date=DAY).status == JobStatus.DONE


def test_a_web_process_only_queues_and_the_worker_does_the_work(db, monkeypatch):
    # The dispatch mode is the process's: put it back for the tests that run after this one.
    monkeypatch.setitem(core_tasks._dispatch, "mode", core_tasks._dispatch["mode"])
    tasks_background()
    task = task_enqueue(func="huikuan.collections.run.holds_place", run_date=DAY)
    task.refresh_from_db()
    assert task.status == TaskStatus.QUEUED  # nothing ran in the "request"
    assert task_next(runner="test") is True
    task.refresh_from_db()
    assert (task.status, task.attempts) == (TaskStatus.DONE, 1)
    assert task_next(runner="test") is False
    assert task_execute(pk=task.pk, runner="test") is False  # done: never twice


def test_a_failed_task_keeps_why(db):
    task = QueuedTask.objects.create(func="huikuan.collections.delivery.delivery_chunk_send", kwargs={})
    assert task_execute(pk=task.pk, runner="test") is True
    task.refresh_from_db()
    assert task.status == TaskStatus.FAILED and "action_ids" in task.error


def test_production_without_an_email_server_fails_the_deploy_check_and_sends_nothing(settings):
    settings.DEBUG = False
    settings.EMAIL_BACKEND = NOT_CONFIGURED
    [error] = email_backend_check()
    assert error.level == checks.ERROR and "EMAIL_HOST" in error.msg
    assert "huikuan.E001" in [m.id for m in checks.run_checks(include_deployment_checks=True)]
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    assert email_backend_check()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert email_backend_check() == []
    settings.DEBUG = True
    settings.EMAIL_BACKEND = NOT_CONFIGURED
    assert email_backend_check() == []


def test_the_console_backend_never_marks_an_email_sent_in_production(
    db, settings, capsys, django_capture_on_commit_callbacks
):
    from huikuan.correspondence.models import EmailStatus
    from huikuan.correspondence.services import email_send

    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        email = email_send(to=["a@example.cn"], subject="s", body="b", purpose="test", idempotency_key="k1")
    email.refresh_from_db()
    assert email.status == EmailStatus.RETRYING and "console" in email.last_error
    assert "Subject: s" not in capsys.readouterr().out


def test_the_demo_backend_keeps_emails_in_the_outbox_and_prints_nothing(
    db,
    settings,
    capsys,
    web_as,  # noqa: F811
    personas,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    from huikuan.correspondence.models import EmailStatus
    from huikuan.correspondence.services import email_send

    settings.EMAIL_BACKEND = OUTBOX
    with django_capture_on_commit_callbacks(execute=True):
        email = email_send(
            to=["a@example.cn"],
            subject="催款通知",
            body="请付款",
            purpose="test",
            idempotency_key="k2",
            attachments=[("statement.pdf", b"%PDF-1.4 " + b"x" * 5000, "application/pdf")],
        )
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert capsys.readouterr().out == ""  # no message, no base64 PDF in the terminal
    client = web_as("credit_manager", "en")
    listing = client.get("/correspondence/outbox/").content.decode()
    assert "催款通知" in listing and "statement.pdf" in listing and 'data-status="sent"' in listing
    page = client.get(f"/correspondence/outbox/{email.pk}/").content.decode()
    assert "请付款" in page and "statement.pdf" in page
    assert web_as("collector_wang", "en").get("/correspondence/outbox/").status_code == 403
