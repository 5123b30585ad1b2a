"""Job leases and outbox attempts, in-process: a live lease keeps others out, a stale one is
taken over, the heartbeat renews it, and an interrupted email attempt is settled by whether it
reached the SMTP DATA command."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import OperationalError
from django.utils import timezone

from huikuan.correspondence.models import AttemptOutcome, EmailAttempt, EmailStatus, OutboundEmail
from huikuan.correspondence.services import (
    INTERRUPTED_AFTER_DATA,
    email_attempt,
    email_send,
    emails_reconcile,
    emails_retry,
    message_id,
)
from huikuan.jobs import registry
from huikuan.jobs.models import JobRun, JobStatus
from huikuan.jobs.scheduler import scheduler_tick
from huikuan.jobs.services import job_run

DAY = date(2026, 3, 2)


def running_row(*, lease_left: timedelta, job: str = "dunning") -> JobRun:
    now = timezone.now()
    return JobRun.objects.create(
        job=job,
        run_date=DAY,
        status=JobStatus.RUNNING,
        started_at=now - timedelta(minutes=10),
        runner="celery",
        lease_owner="celery@worker-1:4242:abcd",
        heartbeat_at=now - timedelta(minutes=1),
        lease_expires_at=now + lease_left,
    )


def test_a_run_with_a_live_lease_is_left_alone(db, huikuan):
    running_row(lease_left=timedelta(minutes=4))
    assert job_run(name="dunning", date=DAY) is None
    answer = huikuan("jobs", "run", "dunning", "--date", DAY.isoformat())
    assert "is running (celery@worker-1:4242:abcd, lease until" in answer.stdout
    listed = {row["job"]: row for row in huikuan("jobs", "list", "--json").json()}
    assert listed["dunning"]["last_status"] == "running"


def test_a_stale_run_is_shown_stale_and_taken_over_by_the_next_attempt(db, huikuan):
    running_row(lease_left=timedelta(seconds=-1))
    listing = {row["job"]: row for row in huikuan("jobs", "list", "--json").json()}
    assert listing["dunning"]["last_status"] == "stale"
    assert "stale" in huikuan("jobs", "list").stdout
    resumed = job_run(name="dunning", date=DAY, runner="cli")
    assert (resumed.status, resumed.attempts, resumed.runner) == (JobStatus.DONE, 2, "cli")
    assert "resumed; the run of celery@worker-1:4242:abcd stopped renewing its lease" in resumed.note
    assert resumed.lease_expires_at is None
    assert job_run(name="dunning", date=DAY) is None


def test_a_run_from_before_leases_stuck_running_is_taken_over(db):
    JobRun.objects.create(job="promises", run_date=DAY, status=JobStatus.RUNNING, started_at=timezone.now())
    assert job_run(name="promises", date=DAY).status == JobStatus.DONE


def test_the_scheduler_resumes_a_stale_run_and_skips_a_live_one(db, settings):
    settings.HUIKUAN = {**settings.HUIKUAN, "JOBS_DAILY_AT": "00:00"}
    running_row(lease_left=timedelta(seconds=-5), job="dunning")
    running_row(lease_left=timedelta(minutes=5), job="promises")
    ran = scheduler_tick(now=timezone.make_aware(timezone.datetime(2026, 3, 2, 12, 0)))
    assert "dunning" in ran and "promises" not in ran
    assert JobRun.objects.get(job="dunning").attempts == 2


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_renews_the_lease_while_the_job_works(settings, monkeypatch):
    settings.JOBS_LEASE_SECONDS = 0.6
    seen = {}

    def slow(day):
        time.sleep(1.5)  # longer than the lease: only the heartbeat keeps it
        for _ in range(50):
            try:
                row = JobRun.objects.get(job="promises")
                break
            except OperationalError:  # SQLite's shared in-memory cache while the thread writes
                time.sleep(0.05)
        seen.update(heartbeat=row.heartbeat_at, started=row.started_at, expires=row.lease_expires_at)
        seen["stolen"] = job_run(name="promises", date=day)
        return {}

    monkeypatch.setitem(registry.JOBS, "promises", registry.Job("promises", "x", slow))
    finished = job_run(name="promises", date=DAY)
    assert finished.status == JobStatus.DONE and finished.attempts == 1
    assert seen["heartbeat"] > seen["started"] + timedelta(seconds=0.5)
    assert seen["expires"] > seen["heartbeat"]
    assert seen["stolen"] is None  # the lease was live: nobody took the job over


@pytest.fixture
def outbox_email(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.EMAIL_SENDING_LEASE_SECONDS = 60
    return email_send(
        to=["finance@hupan.example"],
        subject="对账提醒",
        body="请付款",
        purpose="dunning",
        idempotency_key="dunning:test-1",
        now=timezone.now() + timedelta(days=1),  # not due yet: nothing sent at commit
    )


def interrupted(email: OutboundEmail, *, reached_data: bool) -> None:
    """What a process killed in the middle of an attempt leaves behind."""
    started = timezone.now() - timedelta(minutes=10)
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=EmailStatus.SENDING, attempts=1, next_attempt_at=started + timedelta(seconds=60)
    )
    EmailAttempt.objects.create(
        email=email, number=1, owner="x:1", started_at=started, data_at=started if reached_data else None
    )


def test_an_attempt_killed_before_data_is_sent_again_once(outbox_email):
    interrupted(outbox_email, reached_data=False)
    assert email_attempt(email_id=outbox_email.pk, now=timezone.now()) is False  # still claimed
    assert emails_retry() == 1
    assert emails_retry() == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].extra_headers["Message-ID"] == message_id(outbox_email)
    assert list(outbox_email.attempt_log.values_list("number", "outcome")) == [
        (1, AttemptOutcome.INTERRUPTED),
        (2, AttemptOutcome.SENT),
    ]
    assert outbox_email.attempt_log.get(number=2).data_at is not None


def test_an_attempt_killed_after_data_began_is_never_sent_twice(outbox_email):
    interrupted(outbox_email, reached_data=True)
    assert emails_reconcile() == {"requeued": 0, "held": 1}
    assert emails_retry() == 0 and mail.outbox == []
    outbox_email.refresh_from_db()
    assert outbox_email.status == EmailStatus.FAILED
    assert outbox_email.last_error == INTERRUPTED_AFTER_DATA


def test_an_attempt_under_way_is_not_reconciled_before_its_lease_ends(outbox_email):
    interrupted(outbox_email, reached_data=False)
    OutboundEmail.objects.filter(pk=outbox_email.pk).update(
        next_attempt_at=timezone.now() + timedelta(seconds=30)
    )
    assert emails_reconcile() == {"requeued": 0, "held": 0}
    assert emails_retry() == 0 and mail.outbox == []


def test_stale_runs_of_any_date_are_resumed_by_the_periodic_sweep(db):
    from huikuan.jobs.services import jobs_resume_stale
    from huikuan.jobs.tasks import resume_stale_jobs

    running_row(lease_left=timedelta(seconds=-1), job="dunning")
    running_row(lease_left=timedelta(minutes=5), job="promises")
    assert resume_stale_jobs() == {"resumed": [["dunning", DAY.isoformat()]], "tasks": 0}
    assert JobRun.objects.get(job="dunning").status == JobStatus.DONE
    assert JobRun.objects.get(job="promises").status == JobStatus.RUNNING
    assert jobs_resume_stale(runner="celery") == []


def test_beat_sends_the_stale_sweep_every_lease(settings):
    from huikuan.config.celery import beat_schedule

    assert beat_schedule()["resume-stale-jobs"] == {
        "task": "huikuan.resume_stale_jobs",
        "schedule": settings.JOBS_LEASE_SECONDS,
    }
