"""Decisions on bank lines: the one place the web, the API, the CLI and the matcher apply,
set aside or take back a receipt.

Applying a credit line creates one ledger payment for it (reference ``BANK-<line id>``) with
its allocations, a small short-pay written off when asked and the rest on account, through
``huikuan.cash.posting`` — the same posting for one line a person decides and for the
thousands ``huikuan cash match --apply`` decides at once. Each decision is taken on the locked
line, kept as a :class:`LineDecision`; doing it again posts nothing new. A person's decision
teaches the payer's account and name (``alias_learn``); an undo reverses exactly what the
decision posted (``huikuan.ledger.reversals``).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from huikuan.cash.models import MATCHER, BankLine, DecisionKind, LineDecision, LineStatus
from huikuan.cash.posting import (
    Application,
    Outcome,
    WriteOffSplit,
    lines_apply,
    payment_reference_for,
    write_off_tolerance,
)
from huikuan.cash.proposals import WRITE_OFF, Proposal, Split, proposal_of
from huikuan.core.errors import ApplicationError, NotFound, RuleViolation
from huikuan.ledger.advances import advance_receipt_record
from huikuan.ledger.models import AdvanceSource, Customer, WriteOff
from huikuan.ledger.reversals import payment_reverse, write_off_reverse

# Lines a decision may still be taken on; the others carry a current decision.
OPEN_STATUSES = (LineStatus.NEW, LineStatus.REVIEW, LineStatus.UNMATCHED, LineStatus.IGNORED)

__all__ = [
    "MATCHER",
    "OPEN_STATUSES",
    "Outcome",
    "WriteOffSplit",
    "line_accept",
    "line_apply_automatically",
    "line_mark_not_customer",
    "line_put_on_account",
    "line_split",
    "line_undo",
    "line_write_off_difference",
    "lines_apply_automatically",
    "payment_reference_for",
    "write_off_tolerance",
]


def _lock(line: BankLine) -> BankLine:
    return BankLine.objects.select_for_update().get(pk=line.pk)


def _current(line: BankLine) -> LineDecision | None:
    return line.decisions.filter(undone_at__isnull=True).order_by("-decided_at", "-pk").first()


def _customer(code: str, customers: QuerySet[Customer] | None) -> Customer:
    found = (customers if customers is not None else Customer.objects.all()).filter(code=code).first()
    if found is None:
        raise NotFound(f"no customer {code!r}")
    return found


def _apply(
    *,
    line: BankLine,
    customer: Customer,
    splits: Sequence[Split],
    write_offs: Sequence[WriteOffSplit] = (),
    kind: str,
    decided_by: str,
) -> Outcome:
    """One line through the same posting as a batch of them (``huikuan.cash.posting``)."""
    (outcome,) = lines_apply(
        [
            Application(
                line=line,
                customer=customer,
                splits=tuple(splits),
                write_offs=tuple(write_offs),
                kind=kind,
                decided_by=decided_by,
            )
        ]
    )
    if isinstance(outcome, ApplicationError):
        raise outcome
    return outcome


def _automatic(
    line: BankLine, proposal: Proposal, customers: dict[str, Customer], tolerance: Decimal
) -> Application:
    """The application of a line whose proposal (``proposal_of(line.proposal)``) is ``auto``, as proposed."""
    if proposal.status != "auto" or not proposal.candidates:
        raise RuleViolation(f"bank line {line.pk} has no automatic proposal")
    best = proposal.candidates[0]
    customer = customers.get(best.customer_code)
    if customer is None:
        raise NotFound(f"no customer {best.customer_code!r}")
    difference = best.difference
    write_offs = ()
    if difference is not None and difference.treatment == WRITE_OFF and best.allocations:
        if difference.amount <= tolerance:
            write_offs = (
                WriteOffSplit(
                    best.allocations[-1].invoice_number, difference.amount, difference.reason or MATCHER
                ),
            )
    return Application(
        line=line,
        customer=customer,
        splits=best.allocations,
        write_offs=write_offs,
        kind=DecisionKind.AUTO,
        decided_by=MATCHER,
    )


def lines_apply_automatically(*, lines: Sequence[BankLine]) -> list[Outcome | ApplicationError]:
    """The matcher's path: apply each line whose proposal is ``auto`` as proposed, in one
    transaction; per line its outcome, or the error that refused it (the others still post)."""
    proposals = [proposal_of(line.proposal) for line in lines]
    codes = {proposal.customer_code for proposal in proposals}
    customers = {customer.code: customer for customer in Customer.objects.filter(code__in=codes - {""})}
    tolerance = write_off_tolerance()
    answers: list[Outcome | ApplicationError | None] = []
    applications: list[Application] = []
    for line, proposal in zip(lines, proposals, strict=True):
        try:
            applications.append(_automatic(line, proposal, customers, tolerance))
            answers.append(None)
        except ApplicationError as refused:
            answers.append(refused)
    outcomes = iter(lines_apply(applications) if applications else ())
    return [answer if answer is not None else next(outcomes) for answer in answers]


def line_apply_automatically(*, line: BankLine) -> Outcome:
    """The matcher's path for one line (see :func:`lines_apply_automatically`)."""
    (outcome,) = lines_apply_automatically(lines=[line])
    if isinstance(outcome, ApplicationError):
        raise outcome
    return outcome


def line_accept(
    *, line: BankLine, decided_by: str, rank: int = 0, customers: QuerySet[Customer] | None = None
) -> Outcome:
    """Accept the matcher's candidate of this rank (0: the best) as it stands."""
    current = _current(line)
    if current is not None:
        return Outcome(current, posted=False)
    candidates = proposal_of(line.proposal).candidates
    if not 0 <= rank < len(candidates):
        raise RuleViolation(f"bank line {line.pk} has no candidate number {rank + 1}")
    candidate = candidates[rank]
    difference = candidate.difference
    write_offs = ()
    if difference is not None and difference.treatment == WRITE_OFF and candidate.allocations:
        write_offs = (
            WriteOffSplit(candidate.allocations[-1].invoice_number, difference.amount, difference.reason),
        )
    return _apply(
        line=line,
        customer=_customer(candidate.customer_code, customers),
        splits=candidate.allocations,
        write_offs=write_offs,
        kind=DecisionKind.ACCEPT,
        decided_by=decided_by,
    )


def line_split(
    *,
    line: BankLine,
    customer: Customer,
    splits: Sequence[Split],
    decided_by: str,
    write_offs: Sequence[WriteOffSplit] = (),
) -> Outcome:
    """Apply the line across invoices with the amounts given; the rest stays on account."""
    if not splits:
        raise RuleViolation(f"bank line {line.pk}: give at least one invoice and amount")
    kind = DecisionKind.WRITE_OFF if write_offs else DecisionKind.SPLIT
    return _apply(
        line=line, customer=customer, splits=splits, write_offs=write_offs, kind=kind, decided_by=decided_by
    )


def line_write_off_difference(
    *, line: BankLine, customer: Customer, invoice_number: str, reason: str, decided_by: str
) -> Outcome:
    """Pay one invoice with the whole line and write off what it falls short by."""
    invoice = customer.invoices.filter(number=invoice_number).first()
    if invoice is None:
        raise NotFound(f"bank line {line.pk}: no invoice {invoice_number!r} of {customer.code}")
    difference = invoice.open_amount - line.amount
    if difference <= 0:
        raise RuleViolation(
            f"bank line {line.pk} pays all of invoice {invoice.number}: there is no difference to write off"
        )
    return line_split(
        line=line,
        customer=customer,
        splits=[Split(invoice.number, line.amount)],
        write_offs=[WriteOffSplit(invoice.number, difference, reason)],
        decided_by=decided_by,
    )


@transaction.atomic
def line_put_on_account(
    *, line: BankLine, customer: Customer, decided_by: str, as_advance: bool = False, order_number: str = ""
) -> Outcome:
    """The whole line on account of ``customer``, as a credit to allocate later; ``as_advance``
    records its payment as an advance receipt (预收), for the customer or for ``order_number``."""
    if order_number.strip() and not as_advance:
        raise RuleViolation(_("only an advance receipt names an order"))
    outcome = _apply(
        line=line, customer=customer, splits=(), kind=DecisionKind.ON_ACCOUNT, decided_by=decided_by
    )
    if as_advance and outcome.posted:
        line.refresh_from_db(fields=["payment"])
        advance_receipt_record(
            payment=line.payment,
            recorded_on=line.payment.payment_date,
            order_number=order_number,
            recorded_by=decided_by,
            source=AdvanceSource.CASH,
        )
    return outcome


@transaction.atomic
def line_mark_not_customer(*, line: BankLine, decided_by: str, reason: str = "") -> Outcome:
    """Not a customer's receipt (a refund, interest, a transfer): out of the queue, no payment."""
    line = _lock(line)
    current = _current(line)
    if current is not None:
        return Outcome(current, posted=False)
    line.status = LineStatus.NOT_CUSTOMER
    line.decided_by = decided_by
    line.decided_at = timezone.now()
    line.save(update_fields=["status", "decided_by", "decided_at"])
    decision = LineDecision.objects.create(
        line=line, kind=DecisionKind.NOT_CUSTOMER, reason=reason[:500], decided_by=decided_by
    )
    return Outcome(decision, posted=True)


def _queue_status(line: BankLine) -> str:
    status = proposal_of(line.proposal).status
    return status if status in (LineStatus.REVIEW, LineStatus.UNMATCHED) else LineStatus.REVIEW


@transaction.atomic
def line_undo(*, line: BankLine, undone_by: str, reason: str = "") -> LineDecision:
    """Take back the line's current decision: its write-offs, allocations and payment are
    reversed (kept in the audit trail with the reason) and the line waits in the queue again."""
    line = _lock(line)
    decision = _current(line)
    if decision is None:
        raise RuleViolation(f"bank line {line.pk} has no decision to undo")
    reason = reason.strip() or f"bank line {line.pk}: decision undone by {undone_by}"
    # The payment first, then the invoices: the order payment_allocate locks them in.
    payment = line.payment
    if payment is not None:
        line.payment = None
        line.save(update_fields=["payment"])
        payment_reverse(payment=payment, reason=reason)
    written_off = [part["write_off_id"] for part in decision.write_offs]
    for write_off in WriteOff.objects.filter(pk__in=written_off).order_by("invoice_id", "pk"):
        write_off_reverse(write_off=write_off, reason=reason)
    proposed = proposal_of(line.proposal).customer_code
    line.status = _queue_status(line)
    line.customer = Customer.objects.filter(code=proposed).first() if proposed else None
    line.decided_by = ""
    line.decided_at = None
    line.save(update_fields=["status", "customer", "decided_by", "decided_at"])
    decision.undone_by = undone_by
    decision.undone_at = timezone.now()
    decision.undo_reason = reason[:500]
    decision.save(update_fields=["undone_by", "undone_at", "undo_reason"])
    return decision
