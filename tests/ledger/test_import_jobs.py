"""A large upload is imported by a background job; the import page follows its progress."""

from __future__ import annotations

import io
import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.test import override_settings
from django.utils import timezone

from huikuan.core.models import QueuedTask, TaskStatus
from huikuan.core.tasks import task_execute, task_next
from huikuan.ledger.imports.jobs import (
    IMPORT_TASK,
    _Progress,
    import_job_for,
    import_job_run,
    import_job_submit,
)
from huikuan.ledger.models import Customer, ImportJob, ImportJobStatus
from tests.api.conftest import ledger, personas  # noqa: F401 - shared fixtures
from tests.web.conftest import web_as  # noqa: F401 - shared fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("personas")]

BACKGROUND = override_settings(
    HUIKUAN_IMPORT_JOBS_INLINE=True,
    HUIKUAN_IMPORT_LIMITS={
        **django_settings.HUIKUAN_IMPORT_LIMITS,
        "BACKGROUND_BYTES": 10_000,
    },
)


@pytest.fixture(autouse=True)
def own_data_folder(settings, tmp_path):
    """Stored uploads go to this test's own folder, not the user's data folder."""
    settings.HUIKUAN_HOME = tmp_path


def _customers_csv(count: int) -> bytes:
    return ("customer_code,name\n" + "".join(f"BG{n:05d},客户{n}\n" for n in range(count))).encode()


@BACKGROUND
def test_a_large_file_is_imported_by_a_job_and_the_page_shows_the_counts(
    web_as,  # noqa: F811 - the fixture imported above
    settings,
):
    upload = io.BytesIO(_customers_csv(2_000))
    upload.name = "kehu-large.csv"
    browser = web_as("credit_manager", "zh-hans")

    response = browser.post("/import/", {"kind": "customers", "file": upload})

    assert response.status_code == 302
    page = browser.get(response["Location"])
    assert page.status_code == 200
    assert "共 2000 行：新建 2000" in page.content.decode()
    assert Customer.objects.filter(code__startswith="BG").count() == 2_000
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.DONE
    assert not list((settings.HUIKUAN_HOME / "imports").rglob("*.csv")), "the stored file is deleted"


def test_the_page_shows_the_progress_of_a_running_job_and_polls_it(
    personas,  # noqa: F811 - the fixture imported above
    web_as,  # noqa: F811 - the fixture imported above
):
    with override_settings(HUIKUAN_IMPORT_JOBS_INLINE=False):
        job = import_job_submit(
            kind="customers",
            file_name="kehu.csv",
            chunks=[_customers_csv(10)],
            user=personas["credit_manager"],
        )
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.RUNNING)
    # Written from inside the import's transaction, seen by the page's request.
    _Progress(job)("checking", 45_000)

    assert import_job_for(user=personas["credit_manager"], job_id=job.pk).rows_done == 45_000
    fragment = web_as("credit_manager", "en").get(f"/import/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert "Checking every row: 45000 rows checked." in html
    assert 'hx-trigger="every 1s"' in html


def test_a_job_runs_once(personas):  # noqa: F811 - the fixture imported above
    with override_settings(HUIKUAN_IMPORT_JOBS_INLINE=False):
        job = import_job_submit(
            kind="customers",
            file_name="kehu.csv",
            chunks=[_customers_csv(3)],
            user=personas["credit_manager"],
        )
    assert import_job_run(job_id=job.pk).status == ImportJobStatus.DONE
    assert import_job_run(job_id=job.pk).status == ImportJobStatus.DONE
    assert Customer.objects.filter(code__startswith="BG").count() == 3


@override_settings(
    HUIKUAN_IMPORT_LIMITS={**django_settings.HUIKUAN_IMPORT_LIMITS, "BACKGROUND_BYTES": 10_000}
)
def test_the_page_queues_a_large_import_for_a_worker_and_answers_at_once(
    web_as,  # noqa: F811 - the fixture imported above
):
    upload = io.BytesIO(_customers_csv(2_000))
    upload.name = "kehu-large.csv"
    browser = web_as("credit_manager", "zh-hans")
    threads = threading.active_count()

    response = browser.post("/import/", {"kind": "customers", "file": upload})

    # Nothing imported by the request or a thread of the web process: a queued task waits.
    assert response.status_code == 302
    assert threading.active_count() == threads
    assert not Customer.objects.filter(code__startswith="BG").exists()
    task = QueuedTask.objects.get()
    assert (task.func, task.status) == (IMPORT_TASK, TaskStatus.QUEUED)

    assert task_next(runner="inprocess")  # the scheduler's worker process takes it

    assert Customer.objects.filter(code__startswith="BG").count() == 2_000
    assert "共 2000 行：新建 2000" in browser.get(response["Location"]).content.decode()


def test_an_import_whose_worker_was_killed_is_run_again(personas):  # noqa: F811 - the fixture imported above
    with override_settings(HUIKUAN_IMPORT_JOBS_INLINE=False):
        job = import_job_submit(
            kind="customers",
            file_name="kehu.csv",
            chunks=[_customers_csv(3)],
            user=personas["credit_manager"],
        )
    # A worker claimed the task, marked the job running and was killed (kill -9): nothing of
    # the import committed, the file is still stored, the task's lease lapses.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.RUNNING)
    QueuedTask.objects.update(
        status=TaskStatus.RUNNING, lease_expires_at=timezone.now() - timedelta(seconds=1)
    )

    assert task_next(runner="inprocess")

    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE
    assert Customer.objects.filter(code__startswith="BG").count() == 3
    assert QueuedTask.objects.get().status == TaskStatus.DONE


@pytest.mark.django_db(transaction=True)
def test_a_long_task_keeps_its_lease_while_it_runs(settings):
    settings.JOBS_LEASE_SECONDS = 0.6
    task = QueuedTask.objects.create(func="tests.ledger.test_import_jobs.slow_task", kwargs={})

    assert task_execute(pk=task.pk, runner="test")

    assert SEEN["claimable_by_another"] is False
    assert QueuedTask.objects.get(pk=task.pk).status == TaskStatus.DONE


SEEN: dict = {}


def slow_task() -> None:
    time.sleep(1.5)  # longer than the lease: only the heartbeat keeps it
    SEEN["claimable_by_another"] = task_execute(pk=None, runner="another")
