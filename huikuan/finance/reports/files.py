"""A report's PDF or XLSX asked for on the web: drawn by a queued task, never in the request.

    report_file_request(*, kind, day, customer_code, language, extension, requested_by) -> ReportFile
    report_file_render(*, file_id) -> None      # the task

The monthly report's data and charts take one to a few seconds on a company's ledger
(measured in the README), more than a request may. The same file asked for again within
``KEEP`` is the one already made (or being made): a double click queues nothing twice.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from huikuan.core.tasks import tasks_enqueue
from huikuan.finance.models import ReportFile, ReportFileStatus
from huikuan.finance.reports.build import report_build, report_pdf_bytes, report_xlsx_bytes
from huikuan.ledger.models import Customer

KEEP = timedelta(minutes=10)
PRUNE_AFTER = timedelta(days=1)
TASK = "huikuan.finance.reports.files.report_file_render"


def report_file_request(
    *, kind: str, day: date, customer_code: str, language: str, extension: str, requested_by: str
) -> ReportFile:
    """The file asked for: one made (or being made) within ``KEEP``, else a new one queued."""
    now = timezone.now()
    recent = (
        ReportFile.objects.filter(
            kind=kind,
            day=day,
            customer_code=customer_code,
            language=language,
            extension=extension,
            created_at__gte=now - KEEP,
        )
        .exclude(status=ReportFileStatus.FAILED)
        .defer("content")
        .first()
    )
    if recent is not None:
        return recent
    ReportFile.objects.filter(created_at__lt=now - PRUNE_AFTER).delete()
    with transaction.atomic():
        made = ReportFile.objects.create(
            kind=kind,
            day=day,
            customer_code=customer_code,
            language=language,
            extension=extension,
            requested_by=requested_by,
        )
        tasks_enqueue(func=TASK, kwargs_list=[{"file_id": made.pk}])
    return made


def report_file_render(*, file_id: int) -> None:
    """Draw the file (the queued task); a failure is kept on the row for the page to show."""
    made = ReportFile.objects.filter(pk=file_id, status=ReportFileStatus.QUEUED).defer("content").first()
    if made is None:
        return
    try:
        customer = Customer.objects.get(code=made.customer_code) if made.customer_code else None
        data = report_build(kind=made.kind, day=made.day, customer=customer)
        if made.extension == "pdf":
            stem, _title, content = report_pdf_bytes(data, language=made.language)
        else:
            stem, content = report_xlsx_bytes(data, language=made.language)
    except Exception as error:  # kept on the row: the page says what went wrong
        ReportFile.objects.filter(pk=made.pk).update(
            status=ReportFileStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    ReportFile.objects.filter(pk=made.pk).update(
        status=ReportFileStatus.DONE,
        content=content,
        file_name=f"{stem}.{made.extension}",
        finished_at=timezone.now(),
    )
