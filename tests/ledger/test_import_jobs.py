"""A large upload is imported by a background job; the import page follows its progress."""

from __future__ import annotations

import io

import pytest
from django.conf import settings as django_settings
from django.test import override_settings

from huikuan.ledger.imports.jobs import _Progress, import_job_for, import_job_run, import_job_submit
from huikuan.ledger.models import Customer, ImportJob, ImportJobStatus
from tests.api.conftest import fast_passwords, ledger, personas  # noqa: F401 - shared fixtures
from tests.web.conftest import web_as  # noqa: F401 - shared fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("personas")]

BACKGROUND = override_settings(
    HUIKUAN_IMPORT_JOBS_INLINE=True,
    HUIKUAN_IMPORT_LIMITS={
        **django_settings.HUIKUAN_IMPORT_LIMITS,
        "BACKGROUND_BYTES": 10_000,
    },
)


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
