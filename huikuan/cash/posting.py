"""Applying bank lines to the ledger: one rule for one line (a person on the workbench) and
for thousands (``huikuan cash match --apply``).

:func:`lines_apply` takes the applications of a batch in one transaction: it locks the lines
(primary-key order), skips a line that already carries a decision (it answers with that
decision, ``posted`` False), checks each application (the customer's invoices, the split
within the receipt, a written-off difference with a reason and within the tolerance), posts
the receipts through the ledger's bulk service (``huikuan.ledger.receipts.receipts_post``:
payment ``BANK-<line id>``, allocations, write-offs, the rest on account), then marks the lines
decided and keeps a :class:`LineDecision` per line, audited as if each had been saved alone.
An application that breaks a rule is refused alone: its answer is the error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from huikuan.cash.aliases import alias_learn
from huikuan.cash.models import BankLine, DecisionKind, Direction, LineDecision, LineStatus
from huikuan.cash.proposals import Split
from huikuan.core.audit import audit_saved_in_bulk
from huikuan.core.errors import ApplicationError, NotFound, RuleViolation
from huikuan.core.money import is_whole_cents
from huikuan.core.policy import policy_value
from huikuan.ledger.bulk import bulk_update_rows
from huikuan.ledger.models import Customer, Invoice, PaymentMethod
from huikuan.ledger.receipts import Receipt, ReceiptPart, ReceiptWriteOff, receipts_post

MEMO_MAX = 1000
# What a decision changes on its line (saved as ``save(update_fields=…)`` would).
DECIDED_FIELDS = ["status", "customer", "payment", "decided_by", "decided_at"]


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


@dataclass(frozen=True)
class Application:
    """What to post for one line: to this customer, these invoices, a written-off difference."""

    line: BankLine
    customer: Customer
    splits: Sequence[Split]
    kind: str
    decided_by: str
    write_offs: Sequence[WriteOffSplit] = ()


def payment_reference_for(line: BankLine) -> str:
    """The ledger payment's reference: unique, and the same each time the line is applied."""
    return f"BANK-{line.pk}"


def write_off_tolerance() -> Decimal:
    """The most a person may write off when applying a line: the matcher's own tolerance."""
    return policy_value("CASH_TOLERANCE_ABS")


def check_splits(
    line: BankLine,
    customer: Customer,
    splits: Sequence[Split],
    write_offs: Sequence[WriteOffSplit],
    invoices: dict[str, Invoice],
    tolerance: Decimal,
) -> None:
    """Validate every part before anything is written (``invoices``: at least the split's, by number)."""
    numbers = [split.invoice_number for split in splits]
    if len(set(numbers)) != len(numbers):
        raise RuleViolation(f"bank line {line.pk}: an invoice appears twice in the split")
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
    written_off = sum((part.amount for part in write_offs), Decimal(0))
    for part in write_offs:
        if not part.reason.strip():
            raise RuleViolation(f"bank line {line.pk}: a write-off of a difference needs a reason")
        if part.invoice_number not in numbers:
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


def _fx_rate(line: BankLine, customer: Customer, paid: list[Invoice], functional: str) -> Decimal:
    """The receipt's rate to the functional currency: 1, else the rate of the (earliest)
    invoice it pays, else of the customer's latest invoice in that currency."""
    if line.currency == functional:
        return Decimal(1)
    if paid:
        return min(paid, key=lambda invoice: (invoice.invoice_date, invoice.number)).fx_rate
    latest = customer.invoices.filter(currency=line.currency).order_by("-invoice_date", "-pk").first()
    if latest is None:
        raise RuleViolation(
            f"bank line {line.pk} is in {line.currency}: apply it to an invoice, whose exchange rate it takes"
        )
    return latest.fx_rate


def _receipt(
    application: Application,
    line: BankLine,
    invoices: dict[str, Invoice],
    functional: str,
    tolerance: Decimal,
) -> Receipt:
    customer = application.customer
    if line.direction != Direction.CREDIT:
        raise RuleViolation(f"bank line {line.pk} is money out: only receipts are applied")
    check_splits(line, customer, application.splits, application.write_offs, invoices, tolerance)
    paid = [invoices[split.invoice_number] for split in application.splits]
    return Receipt(
        reference=payment_reference_for(line),
        customer_id=customer.pk,
        payment_date=line.booking_date,
        amount=line.amount,
        currency=line.currency,
        fx_rate=_fx_rate(line, customer, paid, functional),
        method=PaymentMethod.BANK_TRANSFER,
        payer_name=line.payer_name[:300],
        memo=line.memo[:MEMO_MAX],
        allocations=tuple(ReceiptPart(split.invoice_number, split.amount) for split in application.splits),
        write_offs=tuple(
            ReceiptWriteOff(part.invoice_number, part.amount, part.reason, approved_by=application.decided_by)
            for part in application.write_offs
        ),
    )


def line_snapshot(line: BankLine) -> BankLine:
    """The line as it stands, for the audit trail's before."""
    return BankLine(**{f.attname: getattr(line, f.attname) for f in BankLine._meta.concrete_fields})


@transaction.atomic
def lines_apply(applications: Sequence[Application]) -> list[Outcome | ApplicationError]:
    """Apply each line as asked, in one transaction; per application its outcome or the error."""
    ids = sorted({application.line.pk for application in applications})
    locked = {
        line.pk: line for line in BankLine.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }
    current: dict[int, LineDecision] = {}
    for decision in LineDecision.objects.filter(line_id__in=ids, undone_at__isnull=True).order_by(
        "decided_at", "pk"
    ):
        current[decision.line_id] = decision  # the latest wins
    numbers = {split.invoice_number for a in applications for split in a.splits}
    invoices = {invoice.number: invoice for invoice in Invoice.objects.filter(number__in=numbers)}
    functional, tolerance = policy_value("FUNCTIONAL_CURRENCY"), write_off_tolerance()
    results: list[Outcome | ApplicationError | None] = [None] * len(applications)
    pending: list[tuple[int, Application, BankLine]] = []
    receipts: list[Receipt] = []
    taken: dict[int, int] = {}  # line → the index of the application that decides it here
    for index, application in enumerate(applications):
        line = locked.get(application.line.pk)
        if line is None:
            results[index] = NotFound(f"no bank line {application.line.pk}")
        elif line.pk in current:
            results[index] = Outcome(current[line.pk], posted=False)
        elif line.pk in taken:
            continue  # asked twice in one batch: answered below with the first one's decision
        else:
            try:
                receipts.append(_receipt(application, line, invoices, functional, tolerance))
            except ApplicationError as refused:
                results[index] = refused
                continue
            taken[line.pk] = index
            pending.append((index, application, line))
    posted = receipts_post(receipts=receipts)
    now = timezone.now()
    decided: list[tuple[int, Application, BankLine, BankLine, LineDecision]] = []
    for (index, application, line), item in zip(pending, posted, strict=True):
        if item.refused is not None:
            results[index] = item.refused
            continue
        before = line_snapshot(line)
        line.status = LineStatus.AUTO if application.kind == DecisionKind.AUTO else LineStatus.APPLIED
        line.customer = application.customer
        line.payment = item.payment
        line.decided_by = application.decided_by
        line.decided_at = now
        decision = LineDecision(
            line=line,
            kind=application.kind,
            customer=application.customer,
            payment=item.payment,
            payment_reference=item.receipt.reference,
            allocations=[
                {
                    "invoice_number": split.invoice_number,
                    "amount": str(split.amount),
                    "allocation_id": allocation.pk,
                }
                for split, allocation in zip(application.splits, item.allocations, strict=True)
            ],
            write_offs=[
                {
                    "invoice_number": part.invoice_number,
                    "amount": str(part.amount),
                    "reason": part.reason,
                    "write_off_id": write_off.pk,
                }
                for part, write_off in zip(application.write_offs, item.write_offs, strict=True)
            ],
            on_account=line.amount - sum((split.amount for split in application.splits), Decimal(0)),
            decided_by=application.decided_by,
        )
        decided.append((index, application, before, line, decision))
    bulk_update_rows(
        BankLine,
        DECIDED_FIELDS,
        [
            (line.status, line.customer_id, line.payment_id, line.decided_by, line.decided_at, line.pk)
            for *_, line, _decision in decided
        ],
    )
    LineDecision.objects.bulk_create([decision for *_, decision in decided])
    audit_saved_in_bulk(
        [
            record
            for _i, _a, before, line, decision in decided
            for record in ((before, line, DECIDED_FIELDS), (None, decision, None))
        ]
    )
    for index, application, _before, line, decision in decided:
        if application.kind != DecisionKind.AUTO:
            alias_learn(line=line, customer=application.customer, created_by=application.decided_by)
        results[index] = Outcome(decision, posted=True)
    for index, application in enumerate(applications):
        if results[index] is None:  # the second ask for a line decided in this batch
            first = results[taken[application.line.pk]]
            results[index] = Outcome(first.decision, posted=False) if isinstance(first, Outcome) else first
    return results
