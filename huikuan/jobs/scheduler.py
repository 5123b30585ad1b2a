"""The embedded scheduler: a daemon thread in the server that runs the daily jobs.

    scheduler_tick(*, now: datetime, runner: str = "inprocess") -> list[str]
    scheduler_start(*, interval_seconds: float = 30) -> threading.Thread
    scheduler_loop(*, interval_seconds: float = 30, stop: threading.Event) -> None

The loop also works the queued tasks (``huikuan.core.tasks``: a dunning run's delivery
chunks, a run started from the web), one after another, checking for new ones every second.
``huikuan serve`` runs it in a process of its own (``huikuan jobs worker``, started by the
gunicorn hooks), never in gunicorn's master or a web worker, so a day's delivery never
holds up a request.

Once the local time of day passes ``JOBS_DAILY_AT`` (a setting, HH:MM), each job of
:data:`huikuan.jobs.registry.JOBS` runs for that business date, once: the (job, date)
claim in :func:`huikuan.jobs.services.job_run` makes every later tick, and every other
process's scheduler, do nothing, unless the run's lease went stale (its process died): then
the next tick takes it over and the job resumes. Production uses Celery beat instead
(``HUIKUAN_SCHEDULER=celery``).
"""

from __future__ import annotations

import logging
import threading
import time as clock
from datetime import datetime, time

from django.db import close_old_connections
from django.db.models import Q
from django.utils import timezone

from huikuan.core.policy import policy_value
from huikuan.core.tasks import task_next
from huikuan.jobs.models import JobRun, JobStatus
from huikuan.jobs.registry import JOBS
from huikuan.jobs.services import job_run, jobs_resume_stale

logger = logging.getLogger(__name__)


def daily_at() -> time:
    return time.fromisoformat(policy_value("JOBS_DAILY_AT"))


def scheduler_tick(*, now: datetime, runner: str = "inprocess") -> list[str]:
    """Run the jobs due at ``now`` (aware) that have not run for its date; their names."""
    local = timezone.localtime(now)
    if local.time() < daily_at():
        return []
    day = local.date()
    # Done, or running under a live lease; a stale run (its process died) is taken over.
    done = set(
        JobRun.objects.filter(
            Q(status=JobStatus.DONE) | Q(status=JobStatus.RUNNING, lease_expires_at__gte=timezone.now()),
            run_date=day,
        ).values_list("job", flat=True)
    )
    ran = []
    for name in JOBS:
        if name in done:
            continue
        try:
            if job_run(name=name, date=day, runner=runner) is not None:
                ran.append(name)
        except Exception:  # recorded on the job's row; the next tick retries it
            logger.warning("scheduled job %s failed for %s", name, day)
    return ran


def scheduler_loop(*, interval_seconds: float = 30, stop: threading.Event) -> None:
    """Until ``stop`` is set: the due jobs every ``interval_seconds``, queued tasks between."""
    next_tick = 0.0
    while not stop.is_set():
        try:
            close_old_connections()
            if clock.monotonic() >= next_tick:
                next_tick = clock.monotonic() + interval_seconds
                scheduler_tick(now=timezone.now())
                jobs_resume_stale(runner="inprocess")
            while not stop.is_set() and clock.monotonic() < next_tick and task_next(runner="inprocess"):
                close_old_connections()
        except Exception:  # the scheduler must outlive one bad tick
            logger.exception("scheduler tick failed")
        finally:
            close_old_connections()
        stop.wait(min(1.0, interval_seconds))


_started: list[tuple[threading.Thread, threading.Event]] = []


def scheduler_start(*, interval_seconds: float = 30) -> threading.Thread:
    """Start the daemon thread (once per process); returns it. ``scheduler_stop`` ends it."""
    if _started and _started[0][0].is_alive():
        return _started[0][0]
    stop = threading.Event()
    thread = threading.Thread(
        target=scheduler_loop,
        kwargs={"interval_seconds": interval_seconds, "stop": stop},
        name="huikuan-scheduler",
        daemon=True,
    )
    thread.start()
    _started[:] = [(thread, stop)]
    return thread


def scheduler_stop(timeout: float = 5) -> None:
    for thread, stop in _started:
        stop.set()
        thread.join(timeout)
    _started.clear()
    clock.sleep(0)
