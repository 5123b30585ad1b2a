"""Reads of the scheduled jobs: each job with its last run and that run's state.

jobs_overview(*, now: datetime | None = None) -> list[dict]
job_run_get(*, name: str, date: date) -> JobRun | None
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from huikuan.jobs.models import JobRun
from huikuan.jobs.registry import JOBS


def job_run_get(*, name: str, date: date) -> JobRun | None:
    return JobRun.objects.filter(job=name, run_date=date).first()


def job_run_as_dict(run: JobRun, *, now: datetime) -> dict:
    """One run as plain data; ``state`` is running, stale (lease expired), done or failed."""
    return {
        "job": run.job,
        "date": run.run_date.isoformat(),
        "state": run.state(now),
        "attempts": run.attempts,
        "runner": run.runner,
        "lease_owner": run.lease_owner,
        "lease_expires_at": run.lease_expires_at.isoformat() if run.lease_expires_at else None,
        "heartbeat_at": run.heartbeat_at.isoformat() if run.heartbeat_at else None,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "note": run.note,
    }


def jobs_overview(*, now: datetime | None = None) -> list[dict]:
    """Every job of the registry, in order, with its last run (by date) or None."""
    now = now or timezone.now()
    last: dict[str, JobRun] = {}
    for row in JobRun.objects.order_by("job", "-run_date"):
        last.setdefault(row.job, row)
    return [
        {
            "job": name,
            "description": job.description,
            "last_date": last[name].run_date.isoformat() if name in last else None,
            "last_status": last[name].state(now) if name in last else None,
            "last_run": job_run_as_dict(last[name], now=now) if name in last else None,
        }
        for name, job in JOBS.items()
    ]
