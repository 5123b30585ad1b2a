"""Importing a canonical file from the browser: the CLI's validation, every bad row shown."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.text import get_valid_filename

from huikuan.accounts.access import is_scoped
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError, InputRejected
from huikuan.ledger.imports import KINDS, ledger_import
from huikuan.web.forms import ImportForm
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
    return render(request, "web/import.html", context, status=status)


def _imported(user, kind: str, upload):
    # ledger_import reads a file by path (its format from the name), exactly as the CLI does.
    with tempfile.TemporaryDirectory(prefix="huikuan-import-") as directory:
        path = Path(directory) / (get_valid_filename(Path(upload.name).name) or "upload.csv")
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        with audit_context(actor=user, source=f"web:import:{kind}"):
            return ledger_import(kind=kind, path=path, imported_by=user.get_username())
