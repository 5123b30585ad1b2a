"""Write-offs (核销) on the web: the bad-debt part of the customer's page with the proposal
form, a proposal's page (evidence, approval chain) and its evidence files. Decisions are
taken in the approvals inbox."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from huikuan.accounts.access import access_customers
from huikuan.accounts.permissions import may
from huikuan.approvals.models import ApprovalRequest
from huikuan.approvals.selectors import approval_history
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError
from huikuan.core.policy import policy_value
from huikuan.finance.models import WriteOffProposal
from huikuan.finance.write_offs import EvidenceFile, customer_bad_debt, write_off_propose
from huikuan.web.views.common import page_for

SOURCE = "web:write-off"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input: cleaned to a list (empty when none was chosen)."""

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class ProposeForm(forms.Form):
    invoice = forms.ChoiceField(label=gettext_lazy("Write off"), required=False)
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = MultipleFileField(
        label=gettext_lazy("Evidence (court ruling, bankruptcy notice …): PDF files or images"),
        required=False,
        widget=MultipleFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
    )

    def __init__(self, *args, customer=None, **kwargs):
        super().__init__(*args, **kwargs)
        open_invoices = customer.invoices.filter(closed_on__isnull=True).order_by("due_date", "number")
        self.fields["invoice"].choices = [("", _("the whole open balance"))] + [
            (invoice.number, f"{invoice.number} ({invoice.open_amount} {invoice.currency})")
            for invoice in open_invoices
        ]


def write_off_section(request: HttpRequest, customer) -> dict:
    """The bad-debt (坏账) part of the customer's page (staff only)."""
    if not may(request.user, "staff.read"):
        return {}
    return {
        "bad_debt": customer_bad_debt(customer=customer),
        "write_off_proposals": customer.write_off_proposals.select_related("invoice")[:20],
        "write_off_form": ProposeForm(customer=customer)
        if may(request.user, "writeoff.propose") and customer.invoices.filter(closed_on__isnull=True).exists()
        else None,
    }


@require_POST
@page_for("writeoff.propose")
def write_off_propose_view(request: HttpRequest, code: str) -> HttpResponse:
    customer = get_object_or_404(access_customers(user=request.user), code=code)
    form = ProposeForm(request.POST, request.FILES, customer=customer)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("web:customer", code=customer.code)
    limit = policy_value("WRITE_OFF_EVIDENCE_MAX_BYTES")
    evidence = []
    for upload in form.cleaned_data["evidence"]:
        if upload.size > limit:  # refused before it is read
            messages.error(
                request,
                _("%(name)s: %(size)s bytes, more than the limit of %(limit)s bytes")
                % {"name": upload.name, "size": upload.size, "limit": limit},
            )
            return redirect("web:customer", code=customer.code)
        evidence.append(EvidenceFile(upload.name, upload.read()))
    number = form.cleaned_data["invoice"]
    invoice = customer.invoices.filter(number=number).first() if number else None
    try:
        with audit_context(actor=request.user, source=SOURCE):
            proposal = write_off_propose(
                requested_by=request.user,
                reason=form.cleaned_data["reason"],
                invoice=invoice,
                customer=None if invoice else customer,
                evidence=evidence,
            )
    except ApplicationError as refused:
        messages.error(request, refused.message)
        return redirect("web:customer", code=customer.code)
    messages.success(
        request,
        _("Write-off %(number)s proposed; it awaits approval %(approval)s.")
        % {"number": proposal.number, "approval": proposal.approval_number},
    )
    return redirect("web:write-off", number=proposal.number)


def _proposal(request: HttpRequest, number: str) -> WriteOffProposal:
    visible = WriteOffProposal.objects.filter(customer__in=access_customers(user=request.user))
    return get_object_or_404(visible.select_related("customer", "invoice", "requested_by"), number=number)


@page_for("staff.read")
def write_off_detail(request: HttpRequest, number: str) -> HttpResponse:
    proposal = _proposal(request, number)
    approval = ApprovalRequest.objects.filter(number=proposal.approval_number).first()
    context = {
        "proposal": proposal,
        "approval": approval,
        "steps": approval.steps.select_related("approved_by").order_by("position") if approval else [],
        "history": approval_history(request=approval) if approval else [],
        "evidence": proposal.evidence.all(),
        "write_offs": proposal.write_offs.select_related("invoice").order_by("pk"),
    }
    return render(request, "web/write_offs/detail.html", context)


@page_for("staff.read")
def write_off_evidence(request: HttpRequest, number: str, pk: int) -> FileResponse:
    proposal = _proposal(request, number)
    item = get_object_or_404(proposal.evidence, pk=pk)
    return FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.name, content_type=item.content_type
    )
