"""Celery tasks: thin interfaces to :mod:`huikuan.jobs.services` and :mod:`huikuan.core.tasks`.

huikuan.run_job(name, run_date=None)    # a scheduled job for a date (beat sends it daily)
huikuan.execute_task(task_id)           # one queued task: a delivery chunk, the holds...
huikuan.resume_stale_jobs()             # beat, every lease: resume what a dead worker left
"""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from huikuan.core.tasks import task_execute, tasks_resume
from huikuan.jobs.services import JobNotReady, job_run, jobs_resume_stale

# A job sent before its predecessors are done (beat sends every job in the same minute) asks
# again every minute, for a day at most.
NOT_READY_RETRY_SECONDS = 60


@shared_task(name="huikuan.run_job", bind=True, max_retries=24 * 60)
def run_job(self, name: str, run_date: str | None = None) -> dict:
    """Run a scheduled job for ``run_date`` (YYYY-MM-DD; default today in the company's zone)."""
    day = date.fromisoformat(run_date) if run_date else timezone.localdate()
    try:
        finished = job_run(name=name, date=day, runner="celery")
    except JobNotReady as waiting:
        raise self.retry(
            args=[name, day.isoformat()], countdown=NOT_READY_RETRY_SECONDS, exc=waiting
        ) from None
    if finished is None:
        return {"job": name, "date": day.isoformat(), "ran": False}
    return {"job": name, "date": day.isoformat(), "ran": True, "result": finished.result}


@shared_task(name="huikuan.execute_task")
def execute_task(task_id: int) -> bool:
    """Claim and run one queued task (a no-op when another worker has it or it is done)."""
    return task_execute(pk=task_id, runner="celery")


@shared_task(name="huikuan.resume_stale_jobs")
def resume_stale_jobs() -> dict:
    """Resume the runs and queued tasks whose worker died (their lease expired); beat sends
    it every lease."""
    resumed = jobs_resume_stale(runner="celery")
    return {"resumed": [[name, day.isoformat()] for name, day in resumed], "tasks": tasks_resume()}
