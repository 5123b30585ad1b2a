"""Run a scheduled job once per (job, business date), under a lease.

    job_run(*, name: str, date: date, runner: str = "cli") -> JobRun | None
    jobs_resume_stale(*, runner: str) -> list[tuple[str, date]]

Claims the (job, date) row with a conditional insert, so that the in-process scheduler of
every server process, Celery workers and beat, and a person at the command line can all ask:
the job runs once. The claim is a lease (``JOBS_LEASE_SECONDS``) that a heartbeat thread
renews while the job works. A conditional update re-claims the row when the last attempt
failed, or when it is stale: ``running`` with its lease expired because its process died
(kill -9, a lost machine). The job then runs again from the start; every job is idempotent
for its date (the dunning run takes no step twice and delivers only what is not delivered),
so running it again resumes it where it stopped.

Returns the finished row, or None when another runner holds it (running with a live lease)
or it is done.
"""

from __future__ import annotations

import logging
import os
import socket
import traceback
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from huikuan.core.errors import ApplicationError, NotFound
from huikuan.core.tasks import lease_kept
from huikuan.jobs.models import JobRun, JobStatus
from huikuan.jobs.registry import JOBS

logger = logging.getLogger(__name__)


def lease_seconds() -> float:
    return float(settings.JOBS_LEASE_SECONDS)


def _lease_until(now: datetime) -> datetime:
    return now + timedelta(seconds=lease_seconds())


def _owner(runner: str) -> str:
    return f"{runner}@{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _claim(name: str, day: date, runner: str, owner: str) -> JobRun | None:
    now = timezone.now()
    lease = {"lease_owner": owner, "lease_expires_at": _lease_until(now), "heartbeat_at": now}
    try:
        with transaction.atomic():
            return JobRun.objects.create(
                job=name, run_date=day, status=JobStatus.RUNNING, started_at=now, runner=runner, **lease
            )
    except IntegrityError:
        pass
    row = JobRun.objects.filter(job=name, run_date=day).first()
    if row is None:
        return None
    if row.status == JobStatus.FAILED:
        note = f"attempt {row.attempts + 1}: the last attempt failed"
    else:
        last_beat = timezone.localtime(row.heartbeat_at or row.started_at)
        note = (
            f"attempt {row.attempts + 1}: resumed; the run of {row.lease_owner or 'an unknown runner'} "
            f"stopped renewing its lease (last heartbeat {last_beat:%Y-%m-%d %H:%M:%S})"
        )
    # The condition is checked again by the UPDATE itself, so of two runners taking over the
    # same stale lease at once only one succeeds.
    stale = Q(status=JobStatus.RUNNING) & (Q(lease_expires_at__lt=now) | Q(lease_expires_at__isnull=True))
    taken = (
        JobRun.objects.filter(job=name, run_date=day)
        .filter(Q(status=JobStatus.FAILED) | stale)
        .update(
            status=JobStatus.RUNNING,
            started_at=now,
            finished_at=None,
            runner=runner,
            attempts=F("attempts") + 1,
            error="",
            note=note,
            **lease,
        )
    )
    if not taken:
        return None
    if row.status == JobStatus.RUNNING:
        logger.warning("job %s for %s: %s", name, day, note)
    return JobRun.objects.get(job=name, run_date=day, lease_owner=owner)


def _heartbeat_renew(pk: int, owner: str) -> bool:
    """Move the lease forward; False when it is no longer ours (taken over)."""
    now = timezone.now()
    return bool(
        JobRun.objects.filter(pk=pk, lease_owner=owner, status=JobStatus.RUNNING).update(
            heartbeat_at=now, lease_expires_at=_lease_until(now)
        )
    )


@contextmanager
def _heartbeat(pk: int, owner: str) -> Iterator[None]:
    """Renew the run's lease while the body runs (:func:`~huikuan.core.tasks.lease_kept`)."""
    with lease_kept(lambda: _heartbeat_renew(pk, owner), name=f"job run {pk}"):
        yield


class JobNotReady(ApplicationError):
    """A job whose predecessors (``Job.after``) are not done for the date: try again later."""


def job_run(*, name: str, date: date, runner: str = "cli") -> JobRun | None:
    try:
        job = JOBS[name]
    except KeyError:
        raise NotFound(f"no scheduled job named {name!r}; one of {', '.join(JOBS)}") from None
    done = set(
        JobRun.objects.filter(job__in=job.after, run_date=date, status=JobStatus.DONE).values_list(
            "job", flat=True
        )
    )
    if missing := [before for before in job.after if before not in done]:
        raise JobNotReady(f"{name} for {date} runs after {', '.join(missing)}, not done yet for that date")
    owner = _owner(runner)
    claimed = _claim(name, date, runner, owner)
    if claimed is None:
        return None
    mine = JobRun.objects.filter(pk=claimed.pk, lease_owner=owner)
    try:
        with _heartbeat(claimed.pk, owner):
            result = job.work(date)
    except Exception:
        logger.exception("job %s for %s failed", name, date)
        mine.update(
            status=JobStatus.FAILED,
            finished_at=timezone.now(),
            error=traceback.format_exc()[-5000:],
            lease_expires_at=None,
        )
        raise
    finished = mine.update(
        status=JobStatus.DONE,
        finished_at=timezone.now(),
        result=result if isinstance(result, dict) else {},
        lease_expires_at=None,
    )
    if not finished:
        logger.warning("job %s for %s finished after another runner took its lease over", name, date)
    claimed.refresh_from_db()
    return claimed


def jobs_resume_stale(*, runner: str) -> list[tuple[str, date]]:
    """Take over and resume every stale run, whatever its date (the daily trigger of a job
    comes once a day: without this, a run killed in the morning waits until the next day).
    The (job, date) of each resumed; a failure is recorded on its row and not raised."""
    now = timezone.now()
    stale = (
        JobRun.objects.filter(status=JobStatus.RUNNING)
        .filter(Q(lease_expires_at__lt=now) | Q(lease_expires_at__isnull=True))
        .order_by("run_date", "id")
        .values_list("job", "run_date")
    )
    resumed = []
    for name, day in list(stale):
        if name not in JOBS:
            continue
        try:
            if job_run(name=name, date=day, runner=runner) is not None:
                resumed.append((name, day))
        except Exception:  # recorded on the job's row; a person or the next trigger retries it
            logger.warning("resuming job %s for %s failed", name, day)
    return resumed
