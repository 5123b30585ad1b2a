"""Letters and email: the document templates, the letterhead, and the outbox (every email
queued, being sent, sent, retrying or failed, with its text and attachments' names)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError
from huikuan.correspondence.models import DocumentTemplate, EmailStatus, Letterhead
from huikuan.correspondence.selectors import outbox_list
from huikuan.correspondence.services import (
    LETTERHEAD_FIELDS,
    document_template_update,
    letterhead_get,
    letterhead_update,
)
from huikuan.web.views.common import model_page, page_for

correspondence_page = model_page  # a page that reads records: see huikuan.web.views.common


class TemplateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    subject = forms.CharField(label=pgettext_lazy("email", "Subject"), max_length=500)
    body = forms.CharField(label=gettext_lazy("Body"), widget=forms.Textarea(attrs={"rows": 24, "cols": 100}))


class LetterheadForm(forms.ModelForm):
    class Meta:
        model = Letterhead
        fields = list(LETTERHEAD_FIELDS)


@correspondence_page("correspondence.change_documenttemplate")
def template_list(request: HttpRequest) -> HttpResponse:
    templates = DocumentTemplate.objects.order_by("kind", "code", "language")
    return render(request, "web/correspondence/templates.html", {"templates": templates})


@page_for("template.edit")
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(DocumentTemplate, pk=pk)
    status = 200
    if request.method == "POST":
        form = TemplateForm(request.POST)
        if form.is_valid():
            try:
                with audit_context(actor=request.user, source="web:correspondence"):
                    document_template_update(
                        template=template,
                        name=form.cleaned_data["name"],
                        subject=form.cleaned_data["subject"],
                        body=form.cleaned_data["body"],
                        updated_by=request.user.get_username(),
                    )
            except ApplicationError as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, _("Template %(template)s saved.") % {"template": template})
                return redirect("web:correspondence_templates")
        status = 422
    else:
        form = TemplateForm(
            initial={"name": template.name, "subject": template.subject, "body": template.body}
        )
    return render(
        request, "web/correspondence/template_edit.html", {"template": template, "form": form}, status=status
    )


@page_for("letterhead.edit")
def letterhead_edit(request: HttpRequest) -> HttpResponse:
    letterhead = letterhead_get()
    status = 200
    if request.method == "POST":
        form = LetterheadForm(request.POST, instance=Letterhead(pk=letterhead.pk))
        if form.is_valid():
            try:
                with audit_context(actor=request.user, source="web:correspondence"):
                    letterhead_update(
                        updated_by=request.user.get_username(),
                        **{field: form.cleaned_data[field] for field in LETTERHEAD_FIELDS},
                    )
            except ApplicationError as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, _("Letterhead saved."))
                return redirect("web:correspondence_letterhead")
        status = 422
    else:
        form = LetterheadForm(instance=letterhead)
    return render(request, "web/correspondence/letterhead.html", {"form": form}, status=status)


@correspondence_page("correspondence.view_outboundemail")
def outbox(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in EmailStatus.values:
        status = ""
    try:
        day = parse_date(request.GET.get("date", ""))
    except ValueError:
        day = None
    page = Paginator(outbox_list(status=status, created_on=day), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "web/correspondence/outbox.html",
        {"page": page, "status": status, "day": day, "statuses": EmailStatus.choices},
    )


@correspondence_page("correspondence.view_outboundemail")
def outbox_email(request: HttpRequest, pk: int) -> HttpResponse:
    email = get_object_or_404(outbox_list(), pk=pk)
    return render(request, "web/correspondence/outbox_email.html", {"email": email})
