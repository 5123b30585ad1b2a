"""Large uploads imported in the background, never inside the request.

    import_upload_check(*, file_name: str, size: int) -> None       # refuse a file too large
    import_job_submit(*, kind, file_name, chunks, user) -> ImportJob  # store it, queue the job
    import_job_run(*, job_id: int) -> ImportJob                      # claim it and import
    import_job_task(*, job_id: int) -> None                          # the queued task
    import_job_for(*, user, job_id: int) -> ImportJob                # the submitter's own job

The file is kept in the data folder (``HUIKUAN_HOME/imports/``) until its job has run.
The job is queued work (``huikuan.core.tasks``), never run inside the request or the web
server's process: with ``HUIKUAN_SCHEDULER=celery`` a Celery worker process runs it, under
``huikuan serve`` the in-process scheduler's worker process (``huikuan jobs worker``). A
worker killed halfway leaves nothing imported (the import is one transaction) and the file
stored: once the task's lease lapses it is run again. Progress (stage and rows) is written
beside the stored file; the import page polls it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
import uuid
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.text import get_valid_filename

from huikuan.core.audit import audit_context
from huikuan.core.errors import InputRejected, NotFound
from huikuan.core.tasks import task_enqueue
from huikuan.ledger.imports import ledger_import
from huikuan.ledger.imports.limits import check_file_size, import_limits
from huikuan.ledger.models import ImportJob, ImportJobStatus

logger = logging.getLogger(__name__)
PROGRESS_SECONDS = 1.0
IMPORT_TASK = "huikuan.ledger.imports.jobs.import_job_task"


def import_upload_check(*, file_name: str, size: int) -> None:
    """Refuse an upload larger than the file-size limit, before it is stored or read."""
    check_file_size(size, import_limits(), file_name=file_name)


def runs_in_background(*, size: int) -> bool:
    return size > import_limits().background_bytes


def imports_folder() -> Path:
    return Path(settings.HUIKUAN_HOME) / "imports"


def import_job_submit(*, kind: str, file_name: str, chunks: Iterable[bytes], user) -> ImportJob:
    """Store the uploaded file in the data folder and queue its import."""
    folder = imports_folder() / uuid.uuid4().hex
    folder.mkdir(parents=True)
    path = folder / (get_valid_filename(Path(file_name).name) or "upload.csv")
    size = 0
    with path.open("wb") as handle:
        for chunk in chunks:
            size += len(chunk)
            handle.write(chunk)
    job = ImportJob.objects.create(
        kind=kind, file_name=path.name, stored_path=str(path), size=size, submitted_by=user
    )
    if settings.HUIKUAN_IMPORT_JOBS_INLINE:  # tests: the job runs before the page answers
        return import_job_run(job_id=job.pk)
    task_enqueue(func=IMPORT_TASK, kwargs={"job_id": job.pk})
    return job


def import_job_task(*, job_id: int) -> None:
    """The queued task: import the job's file. The task's own claim lets one worker at a time
    run it, so a job left ``running`` by a killed worker (nothing of it committed) is resumed."""
    import_job_run(job_id=job_id, resume=True)


class _Progress:
    """Writes the stage and rows beside the stored file, at most once a second.

    Not on the job's row: most of an import runs inside its one transaction, where a row
    written would stay invisible to the page (and, on SQLite, wait for the write lock).
    """

    def __init__(self, job: ImportJob) -> None:
        self.path, self.last = _progress_path(job), 0.0

    def __call__(self, stage: str, rows: int) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_SECONDS and rows:
            return
        self.last = now
        partial = self.path.with_suffix(".tmp")
        partial.write_text(json.dumps({"stage": stage, "rows": rows}), encoding="utf-8")
        os.replace(partial, self.path)


def _progress_path(job: ImportJob) -> Path:
    return Path(job.stored_path).parent / "progress.json"


def import_job_run(*, job_id: int, resume: bool = False) -> ImportJob:
    """Claim a queued job (a conditional update: it runs once) and import its file; with
    ``resume`` also a ``running`` one whose worker died (the task's claim decided)."""
    claimable = [ImportJobStatus.QUEUED, ImportJobStatus.RUNNING] if resume else [ImportJobStatus.QUEUED]
    claimed = ImportJob.objects.filter(pk=job_id, status__in=claimable).update(
        status=ImportJobStatus.RUNNING, stage="reading"
    )
    job = ImportJob.objects.select_related("submitted_by").get(pk=job_id)
    if not claimed:
        return job
    user = job.submitted_by
    outcome: dict = {"finished_at": timezone.now()}
    try:
        with audit_context(actor=user, source=f"web:import:{job.kind}"):
            result = ledger_import(
                kind=job.kind,
                path=Path(job.stored_path),
                imported_by=user.get_username() if user else "",
                progress=_Progress(job),
            )
    except InputRejected as rejected:
        outcome.update(
            status=ImportJobStatus.REFUSED,
            message=rejected.message,
            errors=[error.as_dict() for error in rejected.errors if error.line or error.column],
        )
    except Exception as error:
        logger.exception("import job %s failed", job_id)
        outcome.update(status=ImportJobStatus.FAILED, message=f"{type(error).__name__}: {error}"[:2000])
    else:
        outcome.update(status=ImportJobStatus.DONE, result=result.as_dict(), rows_done=result.rows)
    finally:
        Path(job.stored_path).unlink(missing_ok=True)
        _progress_path(job).unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            Path(job.stored_path).parent.rmdir()
    outcome["finished_at"] = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(**outcome)
    job.refresh_from_db()
    return job


def import_job_for(*, user, job_id: int) -> ImportJob:
    """A job its submitter may follow; anyone else's is not found."""
    job = ImportJob.objects.filter(pk=job_id, submitted_by=user).first()
    if job is None:
        raise NotFound(f"no import job {job_id}")
    if not job.finished:
        with contextlib.suppress(OSError, ValueError):
            progress = json.loads(_progress_path(job).read_text(encoding="utf-8"))
            job.stage, job.rows_done = str(progress["stage"]), int(progress["rows"])
    return job
