"""Statements of account on the customer's page (send, schedule), one statement's page and
files, and the page a customer answers a statement on through the link in its email (no
sign-in). Thin: one statements service or selector per request; sending is queued."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from huikuan.accounts.access import access_customers
from huikuan.accounts.permissions import may
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError
from huikuan.statements import documents
from huikuan.statements.answers import MISSING_ROWS, AnswerRejected, answer_read, statement_answer
from huikuan.statements.models import Frequency, StatementKind
from huikuan.statements.selectors import (
    LinkRefused,
    access_statements,
    customer_statements,
    link_for_token,
    month_end,
    schedule_frequency,
)
from huikuan.statements.services import schedule_set, statement_issue_enqueue
from huikuan.web.fields import BusinessDateField
from huikuan.web.views.collections.common import form_errors
from huikuan.web.views.common import page_for
from huikuan.web.widgets import IsoDateInput

SOURCE = "web:statements"
LISTED = 24


class SendForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=StatementKind.choices)
    period = forms.RegexField(
        label=gettext_lazy("Month"), regex=r"^\d{4}-(0[1-9]|1[0-2])$", required=False,
        help_text=gettext_lazy("YYYY-MM, for a statement of account"),
    )  # fmt: skip
    as_of = BusinessDateField(
        label=gettext_lazy("Balance as of"), required=False, widget=IsoDateInput(),
        help_text=gettext_lazy("for a balance confirmation"),
    )  # fmt: skip
    again = forms.BooleanField(label=gettext_lazy("Send again with a new link"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("kind") == StatementKind.ACCOUNT and not data.get("period"):
            raise forms.ValidationError(_("Give the month of the statement (YYYY-MM)."))
        if data.get("kind") == StatementKind.CONFIRMATION and not data.get("as_of"):
            raise forms.ValidationError(_("Give the date of the balance."))
        return data

    def period_bounds(self) -> tuple[date, date]:
        if self.cleaned_data["kind"] == StatementKind.CONFIRMATION:
            return self.cleaned_data["as_of"], self.cleaned_data["as_of"]
        start = date.fromisoformat(self.cleaned_data["period"] + "-01")
        return start, month_end(start)


class ScheduleForm(forms.Form):
    frequency = forms.ChoiceField(label=gettext_lazy("Statements of account"), choices=Frequency.choices)


def customer_section(request: HttpRequest, customer) -> dict:
    """The statements part of the customer's page (``web/customer.html``)."""
    if not may(request.user, "statement.read"):
        return {}
    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
    return {
        "statements": customer_statements(customer=customer)[:LISTED],
        "statement_send_form": SendForm(
            initial={"kind": StatementKind.ACCOUNT, "period": f"{last_month:%Y-%m}"}
        ),
        "schedule_form": ScheduleForm(initial={"frequency": schedule_frequency(customer=customer)}),
        "may_send_statements": may(request.user, "statement.send"),
        "may_edit_schedule": may(request.user, "statement_schedule.edit"),
    }


@require_POST
@page_for("statement.send")
def statement_send(request: HttpRequest, code: str) -> HttpResponse:
    customer = get_object_or_404(access_customers(user=request.user), code=code)
    form = SendForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("web:customer", code=customer.code)
    start, end = form.period_bounds()
    try:
        with audit_context(actor=request.user, source=SOURCE):
            statement_issue_enqueue(
                customer=customer, kind=form.cleaned_data["kind"], start=start, end=end,
                created_by=request.user.get_username(), again=form.cleaned_data["again"],
            )  # fmt: skip
    except ApplicationError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The statement is being prepared and will be emailed to %(email)s.") % {
            "email": customer.email
        })  # fmt: skip
    return redirect("web:customer", code=customer.code)


@require_POST
@page_for("statement_schedule.edit")
def schedule_edit(request: HttpRequest, code: str) -> HttpResponse:
    customer = get_object_or_404(access_customers(user=request.user), code=code)
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        with audit_context(actor=request.user, source=SOURCE):
            schedule_set(
                customer=customer,
                frequency=form.cleaned_data["frequency"],
                updated_by=request.user.get_username(),
            )
        messages.success(request, _("Statement schedule saved."))
    return redirect("web:customer", code=customer.code)


@page_for("statement.read")
def statement_detail(request: HttpRequest, reference: str) -> HttpResponse:
    statement = get_object_or_404(access_statements(user=request.user), reference=reference)
    return render(request, "web/statements/detail.html", {"statement": statement})


@page_for("statement.read")
def statement_file(request: HttpRequest, reference: str, extension: str) -> HttpResponse:
    if extension not in ("pdf", "xlsx"):
        raise Http404
    statement = get_object_or_404(access_statements(user=request.user), reference=reference)
    if extension == "pdf":
        content, content_type = documents.statement_pdf(statement), documents.PDF_TYPE
    else:
        content, content_type = documents.statement_xlsx(statement), documents.XLSX_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{documents.file_name(statement, extension)}"'
    return response


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def statement_answer_page(request: HttpRequest, token: str) -> HttpResponse:
    """The customer's page: no sign-in, the link's token is the key; in the customer's language."""
    now = timezone.now()
    try:
        link = link_for_token(token=token, now=now)
    except LinkRefused as refused:
        status = 404 if refused.reason == "unknown" else 410
        return render(
            request, "web/statements/answer_closed.html", {"message": refused.message}, status=status
        )
    statement = link.statement
    with translation.override(statement.language):
        errors: list = []
        if request.method == "POST":
            try:
                answer = answer_read(statement=statement, data=request.POST)
                with audit_context(source=f"statement-link:{statement.reference}"):
                    statement_answer(token=token, answer=answer, now=now)
            except AnswerRejected as rejected:
                errors = rejected.errors
            except LinkRefused as refused:
                return render(
                    request, "web/statements/answer_closed.html", {"message": refused.message}, status=410
                )
            else:
                return render(
                    request, "web/statements/answer_done.html", {"statement": statement, "answer": answer}
                )
        posted = request.POST if request.method == "POST" else {}
        lines = [
            line | {
                "posted_amount": posted.get(f"amount_{line['position']}", ""),
                "posted_comment": posted.get(f"comment_{line['position']}", ""),
            }
            for line in documents.statement_context(statement)["lines"]
        ]  # fmt: skip
        missing = [
            {
                field: posted.get(f"missing_{row}_{field}", "")
                for field in ("date", "reference", "amount", "comment")
            }
            | {"row": row}
            for row in range(1, MISSING_ROWS + 1)
        ]
        context = {
            "statement": statement,
            "lines": lines,
            "missing": missing,
            "errors": errors,
            "posted": {
                key: posted.get(key, "") for key in ("answer", "answered_by", "note", "customer_balance")
            },
            "expires_at": link.expires_at,
        }
        return render(request, "web/statements/answer.html", context, status=400 if errors else 200)
