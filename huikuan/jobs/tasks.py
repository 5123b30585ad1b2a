"""Celery tasks: thin interfaces to :mod:`huikuan.jobs.services`."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from huikuan.jobs.services import job_run, jobs_resume_stale
from huikuan.ledger.imports.jobs import import_job_run


@shared_task(name="huikuan.run_job")
def run_job(name: str, run_date: str | None = None) -> dict:
    """Run a scheduled job for ``run_date`` (YYYY-MM-DD; default today in the company's zone)."""
    day = date.fromisoformat(run_date) if run_date else timezone.localdate()
    finished = job_run(name=name, date=day, runner="celery")
    if finished is None:
        return {"job": name, "date": day.isoformat(), "ran": False}
    return {"job": name, "date": day.isoformat(), "ran": True, "result": finished.result}


@shared_task(name="huikuan.resume_stale_jobs")
def resume_stale_jobs() -> dict:
    """Resume the runs whose worker died (their lease expired); beat sends it every lease."""
    resumed = jobs_resume_stale(runner="celery")
    return {"resumed": [[name, day.isoformat()] for name, day in resumed]}


@shared_task(name="huikuan.import_file")
def import_file(job_id: int) -> dict:
    """Import an uploaded file in the background (queued by the web import page)."""
    job = import_job_run(job_id=job_id)
    return {"job": job_id, "status": job.status}
