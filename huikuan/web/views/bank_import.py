"""Importing a bank statement from the browser: the same service as ``huikuan bank import``."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.shortcuts import render
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from huikuan.accounts.permissions import may
from huikuan.cash.imports import bank_statement_import
from huikuan.cash.match import statements_match_enqueue
from huikuan.cash.parsers import FORMATS
from huikuan.cash.profiles import profile_names
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError
from huikuan.ledger.imports.limits import upload_too_large
from huikuan.web.views.common import page_for
from huikuan.web.views.imports import SizeLimitedUpload, refusal_context

FORMAT_LABELS = {
    "auto": _("recognise it"),
    "camt053": "ISO 20022 camt.053",
    "camt054": "ISO 20022 camt.054",
    "mt940": "SWIFT MT940",
    "bai2": "BAI2",
    "ofx": "OFX / QFX",
    "csv": _("CSV or Excel through a profile"),
}


class BankImportForm(forms.Form):
    file = forms.FileField(label=_("bank statement"))
    format = forms.ChoiceField(label=_("format"), choices=[(f, FORMAT_LABELS[f]) for f in FORMATS])
    profile = forms.ChoiceField(label=_("profile"), required=False, choices=[])
    account = forms.CharField(label=_("account"), required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile"].choices = [("", _("best fit")), *((n, n) for n in profile_names())]


def bank_import_allowed(user) -> bool:
    return may(user, "bank.import")


@csrf_exempt  # checked below, once the upload handler is in place
def bank_import(request):
    request.upload_handlers.insert(0, SizeLimitedUpload(request))
    return _bank_import_page(request)


@csrf_protect
@page_for("bank.import")
def _bank_import_page(request):
    context: dict = {}
    status = 200
    if request.method == "POST" and request.FILES is not None and getattr(request, "upload_too_large", None):
        form = BankImportForm()
        context["refused"] = upload_too_large(file_name=request.upload_too_large).message
        status = 422
    elif request.method == "POST":
        form = BankImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                context["result"] = _imported(request.user, form.cleaned_data)
            except ApplicationError as refused:
                context.update(refusal_context(refused))
                status = 422
        else:
            status = 400
    else:
        form = BankImportForm()
    context["form"] = form
    return render(request, "web/bank_import.html", context, status=status)


def _imported(user, data: dict):
    upload = data["file"]
    with tempfile.TemporaryDirectory(prefix="huikuan-bank-") as directory:
        path = Path(directory) / (get_valid_filename(Path(upload.name).name) or "statement")
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        with audit_context(actor=user, source="web:bank-import"):
            result = bank_statement_import(
                path=path,
                fmt=data["format"],
                profile_name=data.get("profile") or None,
                account=data.get("account") or None,
                imported_by=user.get_username(),
            )
            statements_match_enqueue(statement_ids=result.statement_ids)
            return result
