"""Importing a canonical file from the browser: the CLI's validation, every bad row shown."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import get_valid_filename
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from huikuan.accounts.access import is_scoped
from huikuan.accounts.permissions import may
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError, InputRejected, NotFound
from huikuan.core.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, csv_bytes, xlsx_bytes
from huikuan.ledger.imports import KINDS, ledger_import
from huikuan.ledger.imports.help import SUMMARY, kind_help, kinds, template_sheet
from huikuan.ledger.imports.jobs import (
    import_job_for,
    import_job_submit,
    import_upload_check,
    runs_in_background,
)
from huikuan.ledger.imports.limits import import_limits, refused_whole, upload_too_large
from huikuan.web.forms import KIND_LABELS, ImportForm
from huikuan.web.views.common import staff_page

# The permission each kind of file needs: creating its records.
PERMISSION = {
    "customers": "ledger.add_customer",
    "invoices": "ledger.add_invoice",
    "payments": "ledger.add_payment",
    "allocations": "ledger.add_allocation",
    "credit-notes": "ledger.add_creditnote",
    "orders": "credit.add_order",
    "statements": "credit.add_financialstatement",
    "vat-invoices": "vat.add_vatinvoicelink",
    # A bill received is a receipt by bill: whoever records receipts imports bills.
    "bills": "ledger.add_payment",
    # The payable balances of counterparties that are also customers: whoever imports receipts.
    "payables": "ledger.add_payment",
}


def importable_kinds(user) -> list[str]:
    """What the user may import. A file may name any customer, so scoped users import nothing."""
    if is_scoped(user):
        return []
    return [kind for kind in KINDS if kind in PERMISSION and user.has_perm(PERMISSION[kind])]


class SizeLimitedUpload(FileUploadHandler):
    """Stops taking an uploaded file once it passes the import size limit: the rest of it is
    read and dropped, never written to disk."""

    def __init__(self, request) -> None:
        super().__init__(request)
        self.limit, self.received = import_limits().max_file_bytes, 0

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.upload_too_large = self.file_name
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


@csrf_exempt  # the check is made below, once the upload handler is in place
def import_file(request):
    request.upload_handlers.insert(0, SizeLimitedUpload(request))
    return _import_page(request)


@csrf_protect
@staff_page
def _import_page(request):
    kinds = importable_kinds(request.user)
    if not kinds:
        raise PermissionDenied
    context: dict = {}
    status = 200
    # Reading FILES parses the upload, which tells whether it passed the size limit.
    if request.method == "POST" and request.FILES is not None and getattr(request, "upload_too_large", None):
        form = ImportForm(kinds=kinds)
        context["refused"] = upload_too_large(file_name=request.upload_too_large).message
        status = 422
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES, kinds=kinds)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            kind = form.cleaned_data["kind"]
            try:
                import_upload_check(file_name=upload.name, size=upload.size)
                if runs_in_background(size=upload.size):
                    job = import_job_submit(
                        kind=kind, file_name=upload.name, chunks=upload.chunks(), user=request.user
                    )
                    return redirect("web:import-job", job_id=job.pk)
                context["result"] = _imported(request.user, kind, upload)
            except ApplicationError as refused:
                context.update(refusal_context(refused))
                status = 422
    else:
        form = ImportForm(kinds=kinds)
    context["form"] = form
    context["help"] = _help(kinds)
    if may(request.user, "bank.import"):
        # The bank statement form posts to its own page (huikuan.web.views.bank_import).
        from huikuan.web.views.bank_import import BankImportForm  # that module imports this one

        context["bank_form"] = BankImportForm()
    return render(request, "web/import.html", context, status=status)


def refusal_context(refused: ApplicationError) -> dict:
    """What the page shows of a refusal: every bad value, or one reason for a file refused whole
    (a limit, an unreadable file)."""
    if isinstance(refused, InputRejected) and not refused_whole(refused):
        return {"rejected": refused}
    return {"refused": refused.message}


def _help(importable: list[str]) -> list[dict]:
    """Each kind the user may import, with its columns, in the order to import them."""
    return [
        {
            "kind": kind,
            "label": KIND_LABELS.get(kind, kind),
            "summary": SUMMARY.get(kind, ""),
            "columns": kind_help(kind),
        }
        for kind in kinds()
        if kind in importable
    ]


TEMPLATE_FORMATS = {"csv": (csv_bytes, CSV_CONTENT_TYPE), "xlsx": (xlsx_bytes, XLSX_CONTENT_TYPE)}


@staff_page
def template(request, kind: str, extension: str):
    """A template of one kind of import file: the canonical header and an example row."""
    if kind not in KINDS or extension not in TEMPLATE_FORMATS:
        raise Http404
    if kind not in importable_kinds(request.user):
        raise PermissionDenied
    encode, content_type = TEMPLATE_FORMATS[extension]
    response = HttpResponse(encode(template_sheet(kind)), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="huikuan-{kind}-template.{extension}"'
    return response


def _imported(user, kind: str, upload):
    # ledger_import reads a file by path (its format from the name), exactly as the CLI does.
    with tempfile.TemporaryDirectory(prefix="huikuan-import-") as directory:
        path = Path(directory) / (get_valid_filename(Path(upload.name).name) or "upload.csv")
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        with audit_context(actor=user, source=f"web:import:{kind}"):
            return ledger_import(kind=kind, path=path, imported_by=user.get_username())


@staff_page
def import_job(request, job_id: int):
    """A background import: its progress while it runs (polled by HTMX), then its outcome."""
    if not importable_kinds(request.user):
        raise PermissionDenied
    try:
        job = import_job_for(user=request.user, job_id=job_id)
    except NotFound:
        raise Http404 from None
    template = "web/_import_job.html" if getattr(request, "htmx", False) else "web/import_job.html"
    status = 422 if job.status in ("refused", "failed") and not request.htmx else 200
    return render(request, template, {"job": job}, status=status)
