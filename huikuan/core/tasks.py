"""Queued work: a function and its arguments, done by a worker, never by a web request.

    task_enqueue(*, func: str, kwargs: dict | None = None, run_date: date | None = None) -> QueuedTask
    tasks_enqueue(*, func: str, kwargs_list: list[dict], run_date: date | None = None) -> list[int]
    task_execute(*, pk: int, runner: str) -> bool
    task_next(*, runner: str) -> bool           # the in-process worker: one task, if any
    tasks_resume(*, now: datetime | None = None) -> int
    tasks_pending(*, func: str, run_date: date) -> int
    tasks_inline() / tasks_background()         # how this process dispatches
    lease_kept(renew, *, name)                  # renew a lease while a body runs

Every task is a :class:`~huikuan.core.models.QueuedTask` row first (``func`` is a dotted path
to a function taking keyword arguments; ``run_date`` groups a day's work). It is dispatched
after the enqueuing transaction commits, one of three ways:

- ``celery`` (``HUIKUAN_SCHEDULER=celery``): the Celery task ``huikuan.execute_task`` with
  the row's id is sent to the broker; any worker process runs it (chunks spread over them);
- ``background`` (a web server process of the in-process scheduler): nothing is sent; the
  scheduler's worker process (``huikuan jobs worker``, started by ``huikuan serve``) claims
  queued rows, oldest first;
- ``inline`` (a command, the worker process itself, tests): run here, right after the commit.

A worker claims a row with a conditional UPDATE under a lease (``JOBS_LEASE_SECONDS``); a row
whose worker died (kill -9) is claimed again once the lease lapses: by the in-process worker
at once, on Celery by :func:`tasks_resume` (beat's ``huikuan.resume_stale_jobs``). A running
task's lease is renewed by a heartbeat thread (:func:`lease_kept`), so a long task (a large
import) is never taken for dead while its process lives. Tasks are
idempotent (delivery claims each email), so running one again resumes it.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import threading
import traceback
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from huikuan.core.models import QueuedTask, TaskStatus

logger = logging.getLogger(__name__)

CELERY_TASK = "huikuan.execute_task"
_dispatch = {"mode": "inline"}


@contextmanager
def tasks_inline() -> Iterator[None]:
    """Within the block, tasks enqueued here run in this process after their commit."""
    before = _dispatch["mode"]
    _dispatch["mode"] = "inline"
    try:
        yield
    finally:
        _dispatch["mode"] = before


def tasks_background() -> None:
    """This process serves requests: its tasks wait for a worker (set by the WSGI module)."""
    _dispatch["mode"] = "background"


def dispatch_mode() -> str:
    """``celery``, ``background`` or ``inline`` (see the module docstring)."""
    if settings.HUIKUAN_SCHEDULER == "celery":
        return "celery"
    return _dispatch["mode"]


def _lease() -> timedelta:
    return timedelta(seconds=float(settings.JOBS_LEASE_SECONDS))


@contextmanager
def lease_kept(renew: Callable[[], bool], *, name: str) -> Iterator[None]:
    """While the body runs, call ``renew`` (move a lease forward; False when it is no longer
    ours) every third of ``JOBS_LEASE_SECONDS`` from a daemon thread.

    A thread (not calls at chunk boundaries) so that every job and task keeps its lease
    without knowing of it, however long it runs (a large import); it dies with its process,
    which is exactly when the lease must lapse.
    """
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(_lease().total_seconds() / 3):
                try:
                    if not renew():
                        logger.warning("%s: the lease was taken over", name)
                except DatabaseError as error:  # a busy database: the next beat tries again
                    logger.info("%s: lease not renewed (%s)", name, error)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"huikuan-lease-{name}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


def _owner(runner: str) -> str:
    return f"{runner}@{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def tasks_enqueue(*, func: str, kwargs_list: list[dict], run_date: date | None = None) -> list[int]:
    """One task per entry of ``kwargs_list``; dispatched after the caller's commit. Their ids."""
    import_string(func)  # a wrong path fails here, in the caller, not later in a worker
    mode = dispatch_mode()
    with transaction.atomic():
        ids = [
            QueuedTask.objects.create(func=func, kwargs=kwargs, run_date=run_date).pk
            for kwargs in kwargs_list
        ]
        transaction.on_commit(lambda: _dispatch_ids(ids, mode))
    return ids


def task_enqueue(*, func: str, kwargs: dict | None = None, run_date: date | None = None) -> QueuedTask:
    [pk] = tasks_enqueue(func=func, kwargs_list=[kwargs or {}], run_date=run_date)
    return QueuedTask.objects.get(pk=pk)


def _dispatch_ids(ids: list[int], mode: str) -> None:
    if mode == "celery":
        producer = _celery_producer()
        for pk in ids:
            producer.send_task(CELERY_TASK, args=[pk])
    elif mode == "inline":
        for pk in ids:
            task_execute(pk=pk, runner="inline")


@functools.cache
def _celery_producer():
    """A Celery app that only sends (the broker and queue of the ``CELERY_*`` settings); the
    workers' app with the tasks is ``huikuan.config.celery``."""
    from celery import Celery

    app = Celery("huikuan", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    return app


def _claim(pk: int | None, owner: str, now: datetime) -> QueuedTask | None:
    """Claim the row ``pk`` (or the oldest claimable one): queued, or running with its lease
    lapsed (its worker died). The UPDATE checks the condition again: one claimer wins."""
    claimable = Q(status=TaskStatus.QUEUED) | Q(status=TaskStatus.RUNNING, lease_expires_at__lt=now)
    rows = QueuedTask.objects.filter(claimable)
    if pk is None:
        pk = rows.order_by("id").values_list("pk", flat=True).first()
        if pk is None:
            return None
    claimed = rows.filter(pk=pk).update(
        status=TaskStatus.RUNNING,
        lease_owner=owner,
        lease_expires_at=now + _lease(),
        attempts=F("attempts") + 1,
    )
    return QueuedTask.objects.get(pk=pk) if claimed else None


def task_execute(*, pk: int | None, runner: str) -> bool:
    """Claim and run one task (``pk``, or the oldest claimable); True when one ran. A failure
    is kept on the row (``failed``, with the traceback), not raised."""
    owner = _owner(runner)
    task = _claim(pk, owner, timezone.now())
    if task is None:
        return False
    mine = QueuedTask.objects.filter(pk=task.pk, lease_owner=owner)

    def renew() -> bool:
        return bool(mine.filter(status=TaskStatus.RUNNING).update(lease_expires_at=timezone.now() + _lease()))

    try:
        with lease_kept(renew, name=f"task {task.pk}"):
            import_string(task.func)(**task.kwargs)
    except Exception:
        logger.exception("task %s (%s) failed", task.pk, task.func)
        mine.update(
            status=TaskStatus.FAILED,
            finished_at=timezone.now(),
            error=traceback.format_exc()[-5000:],
            lease_expires_at=None,
        )
        return True
    mine.update(status=TaskStatus.DONE, finished_at=timezone.now(), lease_expires_at=None)
    return True


def task_next(*, runner: str) -> bool:
    """The in-process worker's step: run the oldest claimable task; False when none waits."""
    with tasks_inline():
        return task_execute(pk=None, runner=runner)


def tasks_resume(*, now: datetime | None = None) -> int:
    """On Celery: send again the tasks whose worker died (running, lease lapsed) and those
    queued for longer than a lease while no task runs (their message was lost with a worker).
    A task sent twice runs once (the claim). How many were sent."""
    now = now or timezone.now()
    lost = Q(status=TaskStatus.RUNNING, lease_expires_at__lt=now)
    # Queued rows wait their turn while workers are busy; with none running, they are lost.
    if not QueuedTask.objects.filter(status=TaskStatus.RUNNING, lease_expires_at__gte=now).exists():
        lost |= Q(status=TaskStatus.QUEUED, created_at__lt=now - _lease())
    lost = list(QueuedTask.objects.filter(lost).values_list("pk", flat=True))
    if lost and dispatch_mode() == "celery":
        _dispatch_ids(lost, "celery")
    return len(lost)


def tasks_pending(*, func: str, run_date: date) -> int:
    """How many tasks of ``func`` for ``run_date`` are queued or running."""
    return QueuedTask.objects.filter(
        func=func, run_date=run_date, status__in=[TaskStatus.QUEUED, TaskStatus.RUNNING]
    ).count()
