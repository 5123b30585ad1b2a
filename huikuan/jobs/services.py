"""Run a scheduled job once per (job, business date).

    job_run(*, name: str, date: date, runner: str = "cli") -> JobRun | None

Claims the (job, date) row with a conditional insert (a failed run is re-claimed with a
conditional update), so that the in-process scheduler of every server process, Celery
workers and beat, and a person at the command line can all ask: the job runs once.
Returns the finished row, or None when another runner had claimed it.
"""

from __future__ import annotations

import logging
import traceback
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from huikuan.core.errors import NotFound
from huikuan.jobs.models import JobRun, JobStatus
from huikuan.jobs.registry import JOBS

logger = logging.getLogger(__name__)


def _claim(name: str, day: date, runner: str) -> JobRun | None:
    now = timezone.now()
    try:
        with transaction.atomic():
            return JobRun.objects.create(
                job=name, run_date=day, status=JobStatus.RUNNING, started_at=now, runner=runner
            )
    except IntegrityError:
        pass
    retried = JobRun.objects.filter(job=name, run_date=day, status=JobStatus.FAILED).update(
        status=JobStatus.RUNNING, started_at=now, runner=runner, attempts=F("attempts") + 1, error=""
    )
    return JobRun.objects.get(job=name, run_date=day) if retried else None


def job_run(*, name: str, date: date, runner: str = "cli") -> JobRun | None:
    try:
        job = JOBS[name]
    except KeyError:
        raise NotFound(f"no scheduled job named {name!r}; one of {', '.join(JOBS)}") from None
    claimed = _claim(name, date, runner)
    if claimed is None:
        return None
    try:
        result = job.work(date)
    except Exception:
        logger.exception("job %s for %s failed", name, date)
        JobRun.objects.filter(pk=claimed.pk).update(
            status=JobStatus.FAILED, finished_at=timezone.now(), error=traceback.format_exc()[-5000:]
        )
        raise
    JobRun.objects.filter(pk=claimed.pk).update(
        status=JobStatus.DONE, finished_at=timezone.now(), result=result if isinstance(result, dict) else {}
    )
    claimed.refresh_from_db()
    return claimed
