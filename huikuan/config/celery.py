"""Celery for production (SPEC §12): workers run the scheduled jobs, beat schedules them.

    celery -A huikuan.config.celery worker --concurrency $(nproc)
    celery -A huikuan.config.celery beat

Both need the server's environment (``DATABASE_URL``, ``HUIKUAN_SECRET_KEY``, ``EMAIL_*``...).

The broker is ``CELERY_BROKER_URL`` (Redis, e.g. redis://127.0.0.1:6379/0). Beat sends
``huikuan.run_job`` for every job of :data:`huikuan.jobs.registry.JOBS` daily at
``JOBS_DAILY_AT`` (the value in force, read when beat starts), in the company's time zone,
and ``huikuan.resume_stale_jobs`` every ``JOBS_LEASE_SECONDS`` (a run whose worker died).
Set ``HUIKUAN_SCHEDULER=celery`` so that ``huikuan serve`` does not also run them in-process
(harmless if it does: each (job, date) runs once).

A dunning run's deliveries are chunks, each a ``huikuan.execute_task`` message: with one
message reserved per worker process at a time (prefetch 1) the chunks spread over every
process of every worker; a message is acknowledged after its task ends (late acks), and a
task whose worker died is sent again by ``huikuan.resume_stale_jobs`` once its lease lapses.
"""

from __future__ import annotations

import os
from datetime import time

from celery import Celery
from celery.schedules import crontab
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huikuan.config.settings")

app = Celery("huikuan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["huikuan.jobs"])


def beat_schedule(daily_at: str | None = None) -> dict:
    """The schedule at ``daily_at`` (HH:MM); without it, at the settings default (this module
    is imported before the database can be read: :func:`_schedule_in_force` corrects it)."""
    from django.conf import settings

    from huikuan.jobs.registry import JOBS

    at = time.fromisoformat(daily_at or settings.HUIKUAN["JOBS_DAILY_AT"])
    schedule = {
        f"daily-{name}": {
            "task": "huikuan.run_job",
            "schedule": crontab(hour=at.hour, minute=at.minute),
            "args": (name,),
        }
        for name in JOBS
    }
    # A run whose worker was killed is resumed within a lease of its last heartbeat.
    schedule["resume-stale-jobs"] = {
        "task": "huikuan.resume_stale_jobs",
        "schedule": settings.JOBS_LEASE_SECONDS,
    }
    return schedule


app.conf.beat_schedule = beat_schedule()


@beat_init.connect
def _schedule_in_force(sender, **kwargs) -> None:
    """When beat starts, the daily jobs run at the JOBS_DAILY_AT in force (an override set in
    the settings page included), as the in-process scheduler reads it: through policy_value."""
    from huikuan.core.policy import policy_value

    sender.scheduler.merge_inplace(beat_schedule(policy_value("JOBS_DAILY_AT")))
