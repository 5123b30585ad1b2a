"""Decisions on bank lines: the one place the web, the API, the CLI and the matcher apply,
set aside or take back a receipt.

Applying a credit line creates one ledger payment for it (reference ``BANK-<line id>``),
allocates it through ``payment_allocate``, writes off a small short-pay through
``invoice_write_off`` when asked, and leaves the rest on account. Each decision is one
transaction on the locked line, kept as a :class:`LineDecision`; doing it again posts
nothing new. A person's decision teaches the payer's account and name (``alias_learn``);
an undo reverses exactly what the decision posted (``huikuan.ledger.reversals``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from huikuan.cash.aliases import alias_learn
from huikuan.cash.models import BankLine, DecisionKind, Direction, LineDecision, LineStatus
from huikuan.cash.proposals import WRITE_OFF, Split, proposal_of
from huikuan.core.errors import NotFound, RuleViolation
from huikuan.core.money import is_whole_cents
from huikuan.core.policy import policy_value
from huikuan.ledger.events import customers_money_received
from huikuan.ledger.models import Customer, Invoice, Payment, PaymentMethod, WriteOff
from huikuan.ledger.reversals import payment_reverse, write_off_reverse
from huikuan.ledger.services import invoice_write_off, payment_allocate

MATCHER = "matcher"
# Lines a decision may still be taken on; the others carry a current decision.
OPEN_STATUSES = (LineStatus.NEW, LineStatus.REVIEW, LineStatus.UNMATCHED, LineStatus.IGNORED)
MEMO_MAX = 1000


@dataclass(frozen=True)
class WriteOffSplit:
    """A short-pay on an invoice the receipt pays, written off for a reason."""

    invoice_number: str
    amount: Decimal
    reason: str


@dataclass(frozen=True)
class Outcome:
    """The line's current decision, and whether this call posted it (False: it already was)."""

    decision: LineDecision
    posted: bool


def payment_reference_for(line: BankLine) -> str:
    """The ledger payment's reference: unique, and the same each time the line is applied."""
    return f"BANK-{line.pk}"


def write_off_tolerance() -> Decimal:
    """The most a person may write off when applying a line: the matcher's own tolerance."""
    return policy_value("CASH_TOLERANCE_ABS")


def _lock(line: BankLine) -> BankLine:
    return BankLine.objects.select_for_update().get(pk=line.pk)


def _current(line: BankLine) -> LineDecision | None:
    return line.decisions.filter(undone_at__isnull=True).order_by("-decided_at", "-pk").first()


def _customer(code: str, customers: QuerySet[Customer] | None) -> Customer:
    found = (customers if customers is not None else Customer.objects.all()).filter(code=code).first()
    if found is None:
        raise NotFound(f"no customer {code!r}")
    return found


def _check_splits(
    line: BankLine, customer: Customer, splits: Sequence[Split], write_offs: Sequence[WriteOffSplit]
) -> dict[str, Invoice]:
    """Validate every part before anything is written; the invoices by number."""
    numbers = [split.invoice_number for split in splits]
    if len(set(numbers)) != len(numbers):
        raise RuleViolation(f"bank line {line.pk}: an invoice appears twice in the split")
    invoices = {invoice.number: invoice for invoice in Invoice.objects.filter(number__in=numbers)}
    for split in splits:
        invoice = invoices.get(split.invoice_number)
        if invoice is None:
            raise NotFound(f"bank line {line.pk}: no invoice {split.invoice_number!r}")
        if invoice.customer_id != customer.pk:
            raise RuleViolation(f"bank line {line.pk}: invoice {invoice.number} is not {customer.code}'s")
        if split.amount <= 0 or not is_whole_cents(split.amount):
            raise RuleViolation(
                f"bank line {line.pk}: the amount for {invoice.number} must be positive cents"
            )
    total = sum((split.amount for split in splits), Decimal(0))
    if total > line.amount:
        raise RuleViolation(
            f"bank line {line.pk}: the split ({total}) is more than the receipt "
            f"({line.amount} {line.currency})"
        )
    tolerance = write_off_tolerance()
    written_off = sum((part.amount for part in write_offs), Decimal(0))
    for part in write_offs:
        if not part.reason.strip():
            raise RuleViolation(f"bank line {line.pk}: a write-off of a difference needs a reason")
        if part.invoice_number not in invoices:
            raise RuleViolation(
                f"bank line {line.pk}: the difference written off must be on an invoice the receipt pays"
            )
        if part.amount <= 0:
            raise RuleViolation(f"bank line {line.pk}: a write-off amount must be positive")
    if written_off > tolerance:
        raise RuleViolation(
            f"bank line {line.pk}: a difference of {written_off} {line.currency} is more than the "
            f"{tolerance} that may be written off (setting CASH_TOLERANCE_ABS)"
        )
    return invoices


def _fx_rate(line: BankLine, customer: Customer, invoices: dict[str, Invoice]) -> Decimal:
    """The receipt's rate to the functional currency: 1, else the rate of an invoice it pays,
    else of the customer's latest invoice in that currency."""
    if line.currency == policy_value("FUNCTIONAL_CURRENCY"):
        return Decimal(1)
    for invoice in invoices.values():
        return invoice.fx_rate
    latest = customer.invoices.filter(currency=line.currency).order_by("-invoice_date", "-pk").first()
    if latest is None:
        raise RuleViolation(
            f"bank line {line.pk} is in {line.currency}: apply it to an invoice, whose exchange rate it takes"
        )
    return latest.fx_rate


@transaction.atomic
def _apply(
    *,
    line: BankLine,
    customer: Customer,
    splits: Sequence[Split],
    write_offs: Sequence[WriteOffSplit] = (),
    kind: str,
    decided_by: str,
) -> Outcome:
    line = _lock(line)
    current = _current(line)
    if current is not None:
        return Outcome(current, posted=False)
    if line.direction != Direction.CREDIT:
        raise RuleViolation(f"bank line {line.pk} is money out: only receipts are applied")
    invoices = _check_splits(line, customer, splits, write_offs)
    reference = payment_reference_for(line)
    if Payment.objects.filter(reference=reference).exists():
        raise RuleViolation(
            f"a payment {reference} already exists: bank line {line.pk} was applied elsewhere"
        )
    payment = Payment.objects.create(
        reference=reference,
        customer=customer,
        payment_date=line.booking_date,
        amount=line.amount,
        currency=line.currency,
        fx_rate=_fx_rate(line, customer, invoices),
        method=PaymentMethod.BANK_TRANSFER,
        payer_name=line.payer_name[:300],
        memo=line.memo[:MEMO_MAX],
    )
    allocated = []
    for split in splits:
        allocation = payment_allocate(
            payment=payment,
            invoice=invoices[split.invoice_number],
            amount=split.amount,
            allocation_date=line.booking_date,
        )
        allocated.append(
            {
                "invoice_number": split.invoice_number,
                "amount": str(split.amount),
                "allocation_id": allocation.pk,
            }
        )
    written = []
    for part in write_offs:
        write_off = invoice_write_off(
            invoice=invoices[part.invoice_number],
            amount=part.amount,
            writeoff_date=line.booking_date,
            reason=part.reason,
            approved_by=decided_by,
        )
        written.append(
            {
                "invoice_number": part.invoice_number,
                "amount": str(part.amount),
                "reason": part.reason,
                "write_off_id": write_off.pk,
            }
        )
    on_account = line.amount - sum((split.amount for split in splits), Decimal(0))
    line.status = LineStatus.AUTO if kind == DecisionKind.AUTO else LineStatus.APPLIED
    line.customer = customer
    line.payment = payment
    line.decided_by = decided_by
    line.decided_at = timezone.now()
    line.save(update_fields=["status", "customer", "payment", "decided_by", "decided_at"])
    decision = LineDecision.objects.create(
        line=line,
        kind=kind,
        customer=customer,
        payment=payment,
        payment_reference=reference,
        allocations=allocated,
        write_offs=written,
        on_account=on_account,
        decided_by=decided_by,
    )
    if kind != DecisionKind.AUTO:
        alias_learn(line=line, customer=customer, created_by=decided_by)
    if on_account > 0:  # money on account may cover a class D order (its allocations told already)
        customers_money_received(customer_ids=[customer.pk], on=line.booking_date, reason="payment")
    return Outcome(decision, posted=True)


def line_apply_automatically(*, line: BankLine) -> Outcome:
    """The matcher's path: apply a line whose proposal is ``auto`` as proposed."""
    proposal = proposal_of(line.proposal)
    if proposal.status != "auto" or not proposal.candidates:
        raise RuleViolation(f"bank line {line.pk} has no automatic proposal")
    best = proposal.candidates[0]
    difference = best.difference
    write_offs = ()
    if difference is not None and difference.treatment == WRITE_OFF and best.allocations:
        if difference.amount <= write_off_tolerance():
            write_offs = (
                WriteOffSplit(
                    best.allocations[-1].invoice_number, difference.amount, difference.reason or MATCHER
                ),
            )
    return _apply(
        line=line,
        customer=_customer(best.customer_code, None),
        splits=best.allocations,
        write_offs=write_offs,
        kind=DecisionKind.AUTO,
        decided_by=MATCHER,
    )


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


def line_put_on_account(*, line: BankLine, customer: Customer, decided_by: str) -> Outcome:
    """The whole line on account of ``customer``, as a credit to allocate later."""
    return _apply(
        line=line, customer=customer, splits=(), kind=DecisionKind.ON_ACCOUNT, decided_by=decided_by
    )


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
