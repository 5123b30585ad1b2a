"""AR/AP offset (应收冲应付) and rounding tails (尾差): one place for the CLI, the API and the web.

AR/AP offset
    A counterparty that is both customer and supplier: its payable balance is imported
    (``huikuan import payables FILE``: customer, supplier code, payable amount, currency, as-of
    date). ``offset_propose`` proposes min(open receivables, payable) in the payable's currency
    and files an ``ar_ap_offset`` approval request. On the last approval ``offset_post`` posts
    what is still there to offset (never more than proposed): an offset document (a payment of
    method "other", referenced by the offset's number) allocated to the customer's open
    invoices, oldest first. What an offset posted on or after the payable's as-of date used is
    no longer available for another.

Rounding tails
    ``tails_propose`` lists every open invoice whose open balance (in the functional currency)
    is under TAIL_WRITE_OFF_UNDER (default 1.00) and files one ``rounding_tails`` approval; on
    approval each is closed by a credit note ``<number>-<n>`` for what is still open of it, if
    still under the setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, ExpressionWrapper, F, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huikuan.approvals.models import ApprovalRequest
from huikuan.approvals.registry import register_kind
from huikuan.approvals.services import approval_request_submit
from huikuan.core.errors import ApplicationError, RuleViolation
from huikuan.core.money import functional_amount, quantize_cents
from huikuan.core.policy import policy_value
from huikuan.finance.models import ArApOffset, OffsetStatus, Payable, TailWriteOff
from huikuan.ledger.balances import STILL_OPEN
from huikuan.ledger.models import Customer, Invoice, Payment, PaymentMethod
from huikuan.ledger.services import credit_note_issue, payment_allocate

AR_AP_OFFSET = "ar_ap_offset"
ROUNDING_TAILS = "rounding_tails"
OFFSET_PREFIX = "DX-"
TAILS_PREFIX = "WC-"
ZERO = Decimal("0.00")


# ---------------------------------------------------------------- AR/AP offset


def payable_available(payable: Payable) -> Decimal:
    """The payable less what offsets posted on or after its as-of date used of it."""
    used = ArApOffset.objects.filter(
        payable=payable, status=OffsetStatus.POSTED, posted_on__gte=payable.as_of
    ).aggregate(total=Sum("posted_amount"))["total"] or Decimal(0)
    return max(payable.amount - used, ZERO)


def _open_invoices(customer: Customer, currency: str) -> list[Invoice]:
    return list(
        Invoice.objects.filter(customer=customer, currency=currency, open_span=STILL_OPEN)
        .filter(applied_amount__lt=F("amount"))
        .order_by("invoice_date", "number")
    )


def receivable_open(customer: Customer, currency: str) -> Decimal:
    return sum((i.open_amount for i in _open_invoices(customer, currency)), ZERO)


@dataclass(frozen=True)
class OffsetCandidate:
    """What could be offset with one payable now: min(open receivables, available payable)."""

    payable: Payable
    receivable: Decimal
    available: Decimal

    @property
    def amount(self) -> Decimal:
        return min(self.receivable, self.available)

    def as_dict(self) -> dict:
        return {
            "customer": self.payable.customer.code,
            "supplier_code": self.payable.supplier_code,
            "currency": self.payable.currency,
            "payable": f"{self.payable.amount:.2f}",
            "payable_as_of": self.payable.as_of.isoformat(),
            "payable_available": f"{self.available:.2f}",
            "receivable_open": f"{self.receivable:.2f}",
            "offset": f"{self.amount:.2f}",
        }


def offset_candidates(*, customer_ids: list[int] | None = None) -> list[OffsetCandidate]:
    """Each imported payable with what could be offset against the customer's receivables."""
    payables = Payable.objects.select_related("customer").order_by("customer__code", "supplier_code")
    if customer_ids is not None:
        payables = payables.filter(customer_id__in=customer_ids)
    return [
        OffsetCandidate(p, receivable_open(p.customer, p.currency), payable_available(p)) for p in payables
    ]


def _next_number(model: Any, prefix: str) -> str:
    last = model.objects.order_by("-id").values_list("number", flat=True).first()
    following = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{following:06d}"


def _create_numbered(model: Any, prefix: str, **fields: Any) -> Any:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return model.objects.create(number=_next_number(model, prefix), **fields)
        except IntegrityError:  # a concurrent proposal took the number
            continue
    raise ApplicationError("could not number the proposal; try again")


@transaction.atomic
def offset_propose(*, payable: Payable, requested_by: Any, on: date | None = None) -> ArApOffset:
    """Propose offsetting min(open receivables, payable) for the approval of the credit manager."""
    payable = Payable.objects.select_for_update().select_related("customer").get(pk=payable.pk)
    if ArApOffset.objects.filter(payable=payable, status=OffsetStatus.PENDING).exists():
        raise RuleViolation(
            _("an offset with supplier %(supplier)s is already waiting for approval")
            % {"supplier": payable.supplier_code}
        )
    candidate = OffsetCandidate(
        payable, receivable_open(payable.customer, payable.currency), payable_available(payable)
    )
    if candidate.amount <= 0:
        raise RuleViolation(
            _("nothing to offset: open receivables %(ar)s, payable %(ap)s %(currency)s")
            % {"ar": candidate.receivable, "ap": candidate.available, "currency": payable.currency}
        )
    offset = _create_numbered(
        ArApOffset,
        OFFSET_PREFIX,
        customer=payable.customer,
        payable=payable,
        amount=candidate.amount,
        currency=payable.currency,
        proposed_on=on or timezone.localdate(),
        proposed_by=requested_by,
    )
    rate = Decimal(1)
    functional = policy_value("FUNCTIONAL_CURRENCY")
    if payable.currency != functional:
        invoice = _open_invoices(payable.customer, payable.currency)[0]
        rate = invoice.fx_rate
    request = approval_request_submit(
        kind=AR_AP_OFFSET,
        requested_by=requested_by,
        summary=_(
            "%(number)s: offset %(amount)s %(currency)s of %(customer)s's receivables "
            "against the payable to supplier %(supplier)s"
        )
        % {
            "number": offset.number,
            "amount": offset.amount,
            "currency": offset.currency,
            "customer": payable.customer.code,
            "supplier": payable.supplier_code,
        },
        customer=payable.customer,
        amount=offset.amount,
        currency=offset.currency,
        fx_rate=None if payable.currency == functional else rate,
        payload={"offset": offset.number},
        subject_ref=f"{AR_AP_OFFSET}:{offset.number}",
    )
    offset.approval_number = request.number
    offset.save(update_fields=["approval_number"])
    return offset


@transaction.atomic
def offset_post(*, offset: ArApOffset, on: date | None = None) -> ArApOffset:
    """Post an approved offset: what is still there to offset, at most what was proposed, as an
    offset document allocated to the open invoices oldest first. Posting twice posts nothing."""
    offset = ArApOffset.objects.select_for_update().select_related("payable", "customer").get(pk=offset.pk)
    if offset.status in (OffsetStatus.POSTED, OffsetStatus.LAPSED):
        return offset
    day = on or timezone.localdate()
    invoices = _open_invoices(offset.customer, offset.currency)
    amount = min(
        offset.amount, sum((i.open_amount for i in invoices), ZERO), payable_available(offset.payable)
    )
    offset.decided_at = timezone.now()
    if amount <= 0:
        offset.status = OffsetStatus.LAPSED
        offset.save(update_fields=["status", "decided_at"])
        return offset
    payment = Payment.objects.create(
        reference=offset.number,
        customer=offset.customer,
        payment_date=day,
        amount=amount,
        currency=offset.currency,
        fx_rate=invoices[0].fx_rate if invoices else Decimal(1),
        method=PaymentMethod.OTHER,
        payer_name=offset.customer.name,
        memo=_("AR/AP offset (应收冲应付) against payable to supplier %(supplier)s")
        % {"supplier": offset.payable.supplier_code},
    )
    left = amount
    for invoice in invoices:
        if left <= 0:
            break
        part = min(left, invoice.open_amount)
        payment_allocate(payment=payment, invoice=invoice, amount=part, allocation_date=day)
        left -= part
    offset.status = OffsetStatus.POSTED
    offset.posted_amount = amount
    offset.posted_on = day
    offset.payment = payment
    offset.save(update_fields=["status", "posted_amount", "posted_on", "payment", "decided_at"])
    return offset


def offset_as_dict(offset: ArApOffset) -> dict:
    allocations = (
        [
            {"invoice": a.invoice.number, "amount": f"{a.amount:.2f}"}
            for a in offset.payment.allocations.select_related("invoice").order_by("id")
        ]
        if offset.payment_id
        else []
    )
    return {
        "number": offset.number,
        "customer": offset.customer.code,
        "supplier_code": offset.payable.supplier_code,
        "amount": f"{offset.amount:.2f}",
        "currency": offset.currency,
        "status": offset.status,
        "approval": offset.approval_number,
        "posted_amount": f"{offset.posted_amount:.2f}",
        "posted_on": offset.posted_on.isoformat() if offset.posted_on else None,
        "allocations": allocations,
    }


# ---------------------------------------------------------------- rounding tails


def tails_open(*, under: Decimal | None = None) -> list[Invoice]:
    """The open invoices whose open balance, in the functional currency, is under ``under``
    (default the setting TAIL_WRITE_OFF_UNDER), oldest first."""
    under = Decimal(policy_value("TAIL_WRITE_OFF_UNDER")) if under is None else under
    # In the database: the open balance, in cents, under the threshold at the invoice's own rate
    # (a rate below 1 leaves more in its currency: bounded by the smallest rate in use).
    smallest_rate = min(
        Invoice.objects.filter(open_span=STILL_OPEN).aggregate(rate=Min("fx_rate"))["rate"] or Decimal(1),
        Decimal(1),
    )
    bound = int((under / smallest_rate).scaleb(2)) + 1 if smallest_rate > 0 else None
    candidates = (
        Invoice.objects.filter(open_span=STILL_OPEN, applied_amount__gt=0)
        .annotate(
            open_cents=ExpressionWrapper(F("amount") - F("applied_amount"), output_field=BigIntegerField())
        )
        .select_related("customer")
        .order_by("invoice_date", "number")
    )
    if bound is not None:
        candidates = candidates.filter(open_cents__lt=bound)
    return [
        i for i in candidates if 0 < i.open_amount and functional_amount(i.open_amount, i.fx_rate) < under
    ]


def _tails_pending() -> str | None:
    return TailWriteOff.objects.filter(status=OffsetStatus.PENDING).values_list("number", flat=True).first()


@transaction.atomic
def tails_propose(*, requested_by: Any, on: date | None = None) -> TailWriteOff:
    """Propose writing off every rounding tail with one approval."""
    if pending := _tails_pending():
        raise RuleViolation(_("%(number)s is already waiting for approval") % {"number": pending})
    under = Decimal(policy_value("TAIL_WRITE_OFF_UNDER"))
    invoices = tails_open(under=under)
    if not invoices:
        raise RuleViolation(_("no open balance is under %(under)s") % {"under": under})
    functional = policy_value("FUNCTIONAL_CURRENCY")
    total = quantize_cents(sum((functional_amount(i.open_amount, i.fx_rate) for i in invoices), ZERO))
    proposal = _create_numbered(
        TailWriteOff,
        TAILS_PREFIX,
        threshold=under,
        lines=[
            {
                "number": i.number,
                "customer": i.customer.code,
                "amount": str(i.open_amount),
                "currency": i.currency,
            }
            for i in invoices
        ],
        amount=total,
        currency=functional,
        proposed_on=on or timezone.localdate(),
        proposed_by=requested_by,
    )
    request = approval_request_submit(
        kind=ROUNDING_TAILS,
        requested_by=requested_by,
        summary=_(
            "%(number)s: write off %(count)s rounding tails under %(under)s, %(amount)s %(currency)s in all"
        )
        % {
            "number": proposal.number,
            "count": len(invoices),
            "under": under,
            "amount": total,
            "currency": functional,
        },
        amount=total,
        currency=functional,
        payload={"tails": proposal.number},
        subject_ref=f"{ROUNDING_TAILS}:{proposal.number}",
    )
    proposal.approval_number = request.number
    proposal.save(update_fields=["approval_number"])
    return proposal


@transaction.atomic
def tails_post(*, proposal: TailWriteOff, on: date | None = None) -> TailWriteOff:
    """Close each proposed tail still open and still under the threshold by a credit note."""
    proposal = TailWriteOff.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != OffsetStatus.PENDING and proposal.status != OffsetStatus.REJECTED:
        return proposal
    day = on or timezone.localdate()
    notes = []
    for index, line in enumerate(proposal.lines, start=1):
        invoice = Invoice.objects.select_related("customer").get(number=line["number"])
        amount = min(Decimal(line["amount"]), invoice.open_amount)
        if amount <= 0 or functional_amount(invoice.open_amount, invoice.fx_rate) >= proposal.threshold:
            continue
        notes.append(
            credit_note_issue(
                number=f"{proposal.number}-{index}",
                customer=invoice.customer,
                note_date=day,
                amount=amount,
                currency=invoice.currency,
                invoice=invoice,
                reason=_("rounding tail written off (尾差) %(number)s") % {"number": proposal.number},
                fx_rate=invoice.fx_rate,
            )
        )
    proposal.credit_notes.add(*notes)
    proposal.status = OffsetStatus.POSTED if notes else OffsetStatus.LAPSED
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_at"])
    return proposal


def tails_as_dict(proposal: TailWriteOff) -> dict:
    return {
        "number": proposal.number,
        "under": f"{proposal.threshold:.2f}",
        "lines": proposal.lines,
        "amount": f"{proposal.amount:.2f}",
        "currency": proposal.currency,
        "status": proposal.status,
        "approval": proposal.approval_number,
        "credit_notes": [n.number for n in proposal.credit_notes.order_by("id")],
    }


# ---------------------------------------------------------------- approvals


def _offset_approved(request: ApprovalRequest, actor: Any) -> None:
    offset_post(offset=ArApOffset.objects.get(number=request.payload["offset"]))


def _offset_rejected(request: ApprovalRequest, actor: Any) -> None:
    ArApOffset.objects.filter(number=request.payload["offset"], status=OffsetStatus.PENDING).update(
        status=OffsetStatus.REJECTED, decided_at=timezone.now()
    )


def _tails_approved(request: ApprovalRequest, actor: Any) -> None:
    tails_post(proposal=TailWriteOff.objects.get(number=request.payload["tails"]))


def _tails_rejected(request: ApprovalRequest, actor: Any) -> None:
    TailWriteOff.objects.filter(number=request.payload["tails"], status=OffsetStatus.PENDING).update(
        status=OffsetStatus.REJECTED, decided_at=timezone.now()
    )


def register_approval_kinds() -> None:
    register_kind(
        AR_AP_OFFSET,
        label=gettext_lazy("AR/AP offset"),
        on_approved=_offset_approved,
        on_rejected=_offset_rejected,
    )
    register_kind(
        ROUNDING_TAILS,
        label=gettext_lazy("rounding tails write-off"),
        on_approved=_tails_approved,
        on_rejected=_tails_rejected,
    )
