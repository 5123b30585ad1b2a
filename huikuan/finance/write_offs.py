"""Write-off proposals (核销) and recoveries (坏账收回): one place for the CLI, the API and the web.

Proposing
    ``write_off_propose`` proposes one invoice's open balance, or each open invoice of a
    customer, with a reason and evidence files (PDF, JPEG or PNG, each at most
    WRITE_OFF_EVIDENCE_MAX_BYTES). It files a ``write_off`` approval request: the credit
    manager decides, then the CFO when the amount (in the functional currency) reaches
    WRITE_OFF_CFO_THRESHOLD.

Deciding
    In the approvals inbox. On the last approval the ledger's write-offs are posted through
    ``invoice_write_off``, in the transaction of the decision: each proposed invoice for what is
    still open of it, at most what was proposed. A rejection posts nothing. Posting twice
    posts nothing more.

Recovering
    A written-off debt is never reopened: money collected on it later is a recovery,
    ``write_off_recovery_record`` (through the ledger's ``write_off_record_recovery``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huikuan.approvals.models import ApprovalRequest
from huikuan.approvals.registry import register_kind
from huikuan.approvals.services import approval_request_submit
from huikuan.core.errors import ApplicationError, RuleViolation
from huikuan.core.money import functional_amount, quantize_cents
from huikuan.core.policy import policy_value
from huikuan.finance.models import ProposalStatus, WriteOffEvidence, WriteOffProposal
from huikuan.ledger.models import Customer, Invoice, Recovery, WriteOff
from huikuan.ledger.services import invoice_write_off, write_off_record_recovery

WRITE_OFF = "write_off"
NUMBER_PREFIX = "WO-"
CFO = "cfo"
# The first bytes of each accepted kind of evidence, and its usual file name endings.
EVIDENCE_TYPES = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
}


@dataclass(frozen=True)
class EvidenceFile:
    """An evidence file as an interface received it: its name and its bytes."""

    name: str
    content: bytes


def evidence_check(evidence: EvidenceFile) -> str:
    """The evidence's content type, or ``RuleViolation`` naming the file and why it is refused."""
    limit = policy_value("WRITE_OFF_EVIDENCE_MAX_BYTES")
    name = evidence.name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    if not evidence.content:
        raise RuleViolation(_("%(name)s: the file is empty") % {"name": name})
    if len(evidence.content) > limit:
        raise RuleViolation(
            _("%(name)s: %(size)s bytes, more than the limit of %(limit)s bytes")
            % {"name": name, "size": len(evidence.content), "limit": limit}
        )
    for content_type, (magic, endings) in EVIDENCE_TYPES.items():
        if evidence.content.startswith(magic):
            if not name.lower().endswith(endings):
                raise RuleViolation(
                    _("%(name)s: the content is %(type)s but the name does not end in %(endings)s")
                    % {"name": name, "type": content_type, "endings": " / ".join(endings)}
                )
            return content_type
    raise RuleViolation(_("%(name)s: evidence is a PDF, JPEG or PNG file") % {"name": name})


def _next_number() -> str:
    last = WriteOffProposal.objects.order_by("-id").values_list("number", flat=True).first()
    following = int(last.removeprefix(NUMBER_PREFIX)) + 1 if last else 1
    return f"{NUMBER_PREFIX}{following:06d}"


def _lines(customer: Customer, invoice: Invoice | None) -> list[Invoice]:
    if invoice is not None:
        if invoice.customer_id != customer.pk:
            raise RuleViolation(
                _("invoice %(number)s is not customer %(code)s's")
                % {"number": invoice.number, "code": customer.code}
            )
        invoices = [invoice]
    else:
        invoices = list(customer.invoices.filter(closed_on__isnull=True).order_by("invoice_date", "number"))
    open_invoices = [inv for inv in invoices if inv.open_amount > 0]
    if not open_invoices:
        target = invoice.number if invoice is not None else customer.code
        raise RuleViolation(_("%(target)s has nothing open to write off") % {"target": target})
    return open_invoices


def _pending_overlap(invoices: list[Invoice]) -> str | None:
    numbers = {inv.number for inv in invoices}
    for proposal in WriteOffProposal.objects.filter(status=ProposalStatus.PENDING).only("number", "lines"):
        if numbers & {line["number"] for line in proposal.lines}:
            return proposal.number
    return None


@transaction.atomic
def write_off_propose(
    *,
    requested_by: Any,
    reason: str,
    invoice: Invoice | None = None,
    customer: Customer | None = None,
    evidence: list[EvidenceFile] | None = None,
    invoices: list[Invoice] | None = None,
) -> WriteOffProposal:
    """Propose writing off ``invoice``'s open balance, or each open invoice of ``customer``
    (only those of ``invoices`` when given: a legal case's)."""
    if (invoice is None) == (customer is None):
        raise ApplicationError(
            _("propose the write-off of an invoice or of a customer's balance, one of them")
        )
    reason = reason.strip()
    if not reason:
        raise RuleViolation(_("a write-off needs its reason"))
    customer = customer or invoice.customer
    evidence = evidence or []
    types = [evidence_check(item) for item in evidence]
    chosen = invoices
    invoices = _lines(customer, invoice)
    if chosen is not None:
        numbers = {inv.number for inv in chosen}
        invoices = [inv for inv in invoices if inv.number in numbers]
        if not invoices:
            raise RuleViolation(_("%(target)s has nothing open to write off") % {"target": customer.code})
    pending = _pending_overlap(invoices)
    if pending:
        raise RuleViolation(
            _("%(proposal)s already proposes writing off some of these invoices") % {"proposal": pending}
        )
    functional = policy_value("FUNCTIONAL_CURRENCY")
    lines = [
        {"number": inv.number, "amount": str(inv.open_amount), "currency": inv.currency} for inv in invoices
    ]
    total = quantize_cents(
        sum((functional_amount(inv.open_amount, inv.fx_rate) for inv in invoices), Decimal(0))
    )
    proposal = None
    for _attempt in range(5):
        try:
            with transaction.atomic():
                proposal = WriteOffProposal.objects.create(
                    number=_next_number(),
                    customer=customer,
                    invoice=invoice,
                    lines=lines,
                    amount=total,
                    currency=functional,
                    reason=reason,
                    requested_by=requested_by,
                )
            break
        except IntegrityError:  # a concurrent proposal took the number
            continue
    if proposal is None:
        raise ApplicationError("could not number the proposal; try again")
    for item, content_type in zip(evidence, types, strict=True):
        stored = WriteOffEvidence(
            proposal=proposal,
            name=item.name.rsplit("/", 1)[-1][:255],
            content_type=content_type,
            size=len(item.content),
            sha256=hashlib.sha256(item.content).hexdigest(),
            uploaded_by=requested_by.get_username(),
        )
        stored.file.save(stored.name, ContentFile(item.content), save=False)
        # The file is stored before the row: if the transaction fails, an orphan file is left,
        # never a row without its file.
        stored.save()
    target = (
        invoice.number
        if invoice is not None
        else ", ".join(inv.number for inv in invoices)
        if chosen is not None
        else _("all of %(code)s's open invoices") % {"code": customer.code}
    )
    request = approval_request_submit(
        kind=WRITE_OFF,
        requested_by=requested_by,
        summary=_("%(proposal)s: write off %(target)s (%(amount)s %(currency)s): %(reason)s")
        % {
            "proposal": proposal.number,
            "target": target,
            "amount": total,
            "currency": functional,
            "reason": reason,
        },
        customer=customer,
        amount=total,
        currency=functional,
        payload={"proposal": proposal.number},
        subject_ref=f"write_off:{proposal.number}",
        role_minimums={CFO: policy_value("WRITE_OFF_CFO_THRESHOLD")},
    )
    proposal.approval_number = request.number
    proposal.save(update_fields=["approval_number"])
    return proposal


@transaction.atomic
def write_off_post(*, proposal: WriteOffProposal, approved_by: str, on: date | None = None) -> list[WriteOff]:
    """Post the ledger's write-offs of an approved proposal; a posted proposal posts nothing more."""
    proposal = WriteOffProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status == ProposalStatus.POSTED:
        return []  # a rejection reconsidered and approved comes here from REJECTED
    posted = []
    for line in proposal.lines:
        invoice = Invoice.objects.get(number=line["number"])
        amount = min(Decimal(line["amount"]), invoice.open_amount)
        if amount <= 0:
            continue  # paid or credited meanwhile
        posted.append(
            invoice_write_off(
                invoice=invoice,
                amount=amount,
                writeoff_date=on or timezone.localdate(),
                reason=f"{proposal.number}: {proposal.reason}"[:500],
                approved_by=approved_by,
            )
        )
    proposal.write_offs.add(*posted)
    proposal.status = ProposalStatus.POSTED
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_at"])
    return posted


def _approved(request: ApprovalRequest, actor: Any) -> None:
    proposal = WriteOffProposal.objects.get(number=request.payload["proposal"])
    write_off_post(proposal=proposal, approved_by=actor.get_username())


def _rejected(request: ApprovalRequest, actor: Any) -> None:
    WriteOffProposal.objects.filter(number=request.payload["proposal"], status=ProposalStatus.PENDING).update(
        status=ProposalStatus.REJECTED, decided_at=timezone.now()
    )


@transaction.atomic
def write_off_recovery_record(
    *, write_off: WriteOff, amount: Decimal, recovery_date: date | None = None
) -> Recovery:
    """Record money collected on a written-off debt; the invoice stays written off."""
    return write_off_record_recovery(
        write_off=write_off, amount=amount, recovery_date=recovery_date or timezone.localdate()
    )


def proposals_with_details(proposals: QuerySet[WriteOffProposal]) -> QuerySet[WriteOffProposal]:
    """``proposals`` with all that ``proposal_as_dict`` reads, a query a relation (not a proposal)."""
    return proposals.select_related("customer", "invoice", "requested_by").prefetch_related(
        "evidence", Prefetch("write_offs", queryset=WriteOff.objects.select_related("invoice"))
    )


def proposal_as_dict(proposal: WriteOffProposal) -> dict:
    """A proposal as the CLI's --json and the API give it."""
    return {
        "number": proposal.number,
        "customer": proposal.customer.code,
        "invoice": proposal.invoice.number if proposal.invoice_id else None,
        "lines": proposal.lines,
        "amount": f"{proposal.amount:.2f}",
        "currency": proposal.currency,
        "reason": proposal.reason,
        "status": proposal.status,
        "approval": proposal.approval_number,
        "requested_by": proposal.requested_by.get_username(),
        "evidence": [
            {"name": item.name, "content_type": item.content_type, "size": item.size, "sha256": item.sha256}
            for item in proposal.evidence.all()
        ],
        "write_offs": [
            {
                "invoice": item.invoice.number,
                "amount": f"{item.amount:.2f}",
                "date": item.writeoff_date.isoformat(),
            }
            for item in proposal.write_offs.all()
        ],
        "created_at": proposal.created_at.isoformat(),
    }


def register_approval_kinds() -> None:
    register_kind(WRITE_OFF, label=gettext_lazy("write-off"), on_approved=_approved, on_rejected=_rejected)


@dataclass(frozen=True)
class BadDebt:
    """A customer's written-off debts (坏账): in the functional currency, each at its invoice's rate."""

    written_off: Decimal
    recovered: Decimal
    write_offs: list[WriteOff]

    @property
    def net(self) -> Decimal:
        return self.written_off - self.recovered


def customer_bad_debt(*, customer: Customer) -> BadDebt:
    """What was written off of the customer's invoices, and recovered since."""
    write_offs = list(
        WriteOff.objects.filter(invoice__customer=customer)
        .select_related("invoice")
        .prefetch_related("recoveries")
        .order_by("writeoff_date", "pk")
    )
    written_off = sum((functional_amount(w.amount, w.invoice.fx_rate) for w in write_offs), Decimal(0))
    recovered = sum(
        (functional_amount(r.amount, w.invoice.fx_rate) for w in write_offs for r in w.recoveries.all()),
        Decimal(0),
    )
    return BadDebt(written_off=written_off, recovered=recovered, write_offs=write_offs)


def written_off_between(*, first_day: date, last_day: date, customer_ids: Any = None) -> Decimal:
    """Bad debt written off from ``first_day`` to ``last_day`` (functional currency): what the
    aging no longer shows as open. ``customer_ids`` None: every customer."""
    write_offs = WriteOff.objects.filter(writeoff_date__range=(first_day, last_day))
    if customer_ids is not None:
        write_offs = write_offs.filter(invoice__customer_id__in=customer_ids)
    rows = write_offs.values_list("amount", "invoice__fx_rate")
    return sum((functional_amount(amount, rate) for amount, rate in rows), Decimal(0))
