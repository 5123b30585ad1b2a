"""Importing a canonical file from the browser: the CLI's validation, every bad row shown."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.text import get_valid_filename

from huikuan.accounts.access import is_scoped
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError, InputRejected
from huikuan.core.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, csv_bytes, xlsx_bytes
from huikuan.ledger.imports import KINDS, ledger_import
from huikuan.ledger.imports.help import SUMMARY, kind_help, kinds, template_sheet
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
}


def importable_kinds(user) -> list[str]:
    """What the user may import. A file may name any customer, so scoped users import nothing."""
    if is_scoped(user):
        return []
    return [kind for kind in KINDS if kind in PERMISSION and user.has_perm(PERMISSION[kind])]


@staff_page
def import_file(request):
    kinds = importable_kinds(request.user)
    if not kinds:
        raise PermissionDenied
    context: dict = {}
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, kinds=kinds)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            kind = form.cleaned_data["kind"]
            try:
                context["result"] = _imported(request.user, kind, upload)
            except InputRejected as rejected:
                context["rejected"] = rejected
                status = 422
            except ApplicationError as refused:
                context["refused"] = refused.message
                status = 422
    else:
        form = ImportForm(kinds=kinds)
    context["form"] = form
    context["help"] = _help(kinds)
    return render(request, "web/import.html", context, status=status)


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
