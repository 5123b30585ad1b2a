"""The customer's answer to a statement, given through its link (no sign-in).

    answer_read(*, statement, data) -> Answer            # the raw form, checked line by line
    statement_answer(*, token, answer, now=None) -> AccountStatement

One answer per statement: confirmed (对账确认), or differences line by line (the customer's
amount and a comment, and lines missing from our statement). Each difference on an invoice
where the customer's amount is lower opens a dispute of the difference through the
collections service (that amount is no longer dunned); every other difference is kept with
the statement and noted on the customer's collections timeline for the collector.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from huikuan.collections.models import Dispute, DisputeReason, DisputeStatus
from huikuan.collections.services import activity_log, dispute_open
from huikuan.core.errors import RowError, RuleViolation
from huikuan.core.money import amount_text, is_whole_cents
from huikuan.core.policy import policy_value
from huikuan.ledger.models import Invoice
from huikuan.statements.models import (
    AccountStatement,
    LineKind,
    StatementDifference,
    StatementKind,
    StatementLine,
    StatementLink,
    StatementStatus,
)
from huikuan.statements.selectors import link_for_token

MISSING_ROWS = 3  # blank rows for lines missing from our statement on the page
_DISPUTABLE = (LineKind.INVOICE, LineKind.OPEN_INVOICE)


@dataclass(frozen=True)
class LineDifference:
    position: int
    their_amount: Decimal
    comment: str


@dataclass(frozen=True)
class MissingLine:
    entry_date: date | None
    reference: str
    their_amount: Decimal
    comment: str


@dataclass(frozen=True)
class Answer:
    confirmed: bool
    answered_by: str
    note: str = ""
    customer_balance: Decimal | None = None
    differences: tuple[LineDifference, ...] = ()
    missing: tuple[MissingLine, ...] = ()


class AnswerRejected(RuleViolation):
    """The form has bad values: each named by its line and field; nothing was stored."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = errors


@dataclass
class _Reader:
    data: Mapping[str, str]
    errors: list[RowError] = field(default_factory=list)

    def text(self, key: str, limit: int = 1000) -> str:
        return str(self.data.get(key, "") or "").strip()[:limit]

    def amount(self, key: str, line: int, column: str) -> Decimal | None:
        raw = self.text(key).replace(",", "").replace("，", "")
        if not raw:
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or not is_whole_cents(value) or abs(value) >= 10**13:
            self.errors.append(RowError(line, column, raw, _("not an amount like 1234.56")))
            return None
        return value

    def day(self, key: str, line: int, column: str) -> date | None:
        raw = self.text(key)
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.errors.append(RowError(line, column, raw, _("not a date like 2024-06-30")))
            return None


def answer_read(*, statement: AccountStatement, data: Mapping[str, str]) -> Answer:
    """The answer the form ``data`` gives (fields ``answer`` confirm|differ, ``answered_by``,
    ``note``, ``customer_balance``, ``amount_<line>``/``comment_<line>`` for our lines,
    ``missing_<n>_date|reference|amount|comment`` for lines missing from ours); every bad
    value is refused at once, named by its line and field (AnswerRejected)."""
    read = _Reader(data)
    choice = read.text("answer")
    if choice not in ("confirm", "differ"):
        read.errors.append(RowError(0, "answer", choice, _("choose to confirm or to report differences")))
    answered_by = read.text("answered_by", 200)
    if not answered_by:
        read.errors.append(RowError(0, "answered_by", "", _("give your name")))
    differences = []
    for line in statement.lines.all():
        before = len(read.errors)
        amount = read.amount(f"amount_{line.position}", line.position, _("your amount"))
        comment = read.text(f"comment_{line.position}")
        if amount is None and comment and len(read.errors) == before:
            read.errors.append(
                RowError(line.position, _("your amount"), "", _("give your amount for this line"))
            )
        if amount is not None:
            differences.append(LineDifference(line.position, amount, comment))
    missing = []
    for row in range(1, MISSING_ROWS + 1):
        prefix, label = f"missing_{row}_", _("missing line %(row)s") % {"row": row}
        amount = read.amount(prefix + "amount", row, label)
        reference, comment = read.text(prefix + "reference", 100), read.text(prefix + "comment")
        day = read.day(prefix + "date", row, label)
        if amount is None and (reference or comment or day):
            read.errors.append(RowError(row, label, reference, _("give the amount of the missing line")))
        if amount is not None:
            missing.append(MissingLine(day, reference, amount, comment))
    balance = read.amount("customer_balance", 0, _("your balance"))
    if choice == "differ" and not (differences or missing or balance is not None):
        read.errors.append(
            RowError(0, "answer", "", _("give your amount on the lines that differ, or your balance"))
        )
    if read.errors:
        raise AnswerRejected(read.errors)
    return Answer(
        confirmed=choice == "confirm",
        answered_by=answered_by,
        note=read.text("note", 5000),
        customer_balance=balance if choice == "differ" else None,
        differences=tuple(differences) if choice == "differ" else (),
        missing=tuple(missing) if choice == "differ" else (),
    )


def _dispute_for(
    statement: AccountStatement, line: StatementLine, theirs: Decimal, comment: str, owner: str, on: date
) -> tuple[Dispute | None, str]:
    """Open a dispute of the part of ``line``'s invoice the customer does not recognise."""
    if line.kind not in _DISPUTABLE or line.invoice_id is None:
        return None, _("not an invoice: no dispute opened; to be reviewed")
    if theirs >= line.amount:
        return None, _("the customer's amount is not lower: no dispute opened; to be reviewed")
    invoice = Invoice.objects.get(pk=line.invoice_id)
    already = Dispute.objects.filter(invoice=invoice, status=DisputeStatus.OPEN).aggregate(
        total=Sum("amount")
    )
    disputable = invoice.open_amount - (already["total"] or Decimal(0))
    amount = min(line.amount - theirs, disputable)
    if amount <= 0:
        return None, _("nothing of the invoice is left to dispute; to be reviewed")
    description = _(
        "%(reference)s line %(position)s: our %(ours)s, the customer's %(theirs)s. %(comment)s"
    ) % {
        "reference": statement.reference,
        "position": line.position,
        "ours": amount_text(line.amount),
        "theirs": amount_text(theirs),
        "comment": comment,
    }
    dispute = dispute_open(
        invoice=invoice,
        amount=amount,
        reason_code=DisputeReason.OTHER,
        owner=owner,
        opened_on=on,
        opened_by=f"statement:{statement.customer.code}"[:150],
        description=description.strip(),
    )
    return dispute, ""


def statement_answer(*, token: str, answer: Answer, now: datetime | None = None) -> AccountStatement:
    """Store the customer's answer given through the link ``token`` (refused when unknown,
    expired or used: LinkRefused), with its differences and disputes, in one transaction;
    every link of the statement is then used."""
    now = now or timezone.now()
    link = link_for_token(token=token, now=now)
    with transaction.atomic():
        statement = (
            AccountStatement.objects.select_for_update().select_related("customer").get(pk=link.statement_id)
        )
        link = link_for_token(token=token, now=now)  # again, under the lock: one answer wins
        customer = statement.customer
        owner = customer.collector or policy_value("COLLECTIONS_TEAM_ASSIGNEE")
        lines = {line.position: line for line in statement.lines.all()}
        today = timezone.localdate(now)
        disputed_invoices = []
        # Stored texts are for staff: in the default language, whatever the customer's.
        with translation.override(None):
            for difference in answer.differences:
                line = lines.get(difference.position)
                if line is None:
                    raise RuleViolation(
                        _("no line %(position)s on this statement") % {"position": difference.position}
                    )
                dispute, note = _dispute_for(
                    statement, line, difference.their_amount, difference.comment, owner, today
                )
                if dispute is not None:
                    disputed_invoices.append(dispute.invoice)
                StatementDifference.objects.create(
                    statement=statement,
                    line=line,
                    reference=line.reference,
                    entry_date=line.entry_date,
                    our_amount=line.amount,
                    their_amount=difference.their_amount,
                    comment=difference.comment,
                    dispute=dispute,
                    note=note,
                )
            for missing in answer.missing:
                StatementDifference.objects.create(
                    statement=statement,
                    reference=missing.reference,
                    entry_date=missing.entry_date,
                    their_amount=missing.their_amount,
                    comment=missing.comment,
                    note=_("missing from our statement; to be reviewed"),
                )
            if answer.customer_balance is not None:
                StatementDifference.objects.create(
                    statement=statement,
                    our_amount=statement.closing_balance,
                    their_amount=answer.customer_balance,
                    comment=answer.note,
                    note=_("the customer's balance; to be reviewed"),
                )
            summary = _answer_summary(statement, answer)
        statement.status = StatementStatus.CONFIRMED if answer.confirmed else StatementStatus.DISPUTED
        statement.answered_at = now
        statement.answered_by = answer.answered_by
        statement.customer_balance = answer.customer_balance
        statement.answer_note = answer.note
        statement.save(
            update_fields=["status", "answered_at", "answered_by", "customer_balance", "answer_note"]
        )
        StatementLink.objects.filter(statement=statement, used_at__isnull=True).update(used_at=now)
        activity_log(
            customer=customer,
            kind="note",
            occurred_on=today,
            user=f"statement:{customer.code}"[:150],
            note=summary,
            invoices=disputed_invoices,
        )
    return statement


def _answer_summary(statement: AccountStatement, answer: Answer) -> str:
    what = _("statement of account") if statement.kind == StatementKind.ACCOUNT else _("balance confirmation")
    if answer.confirmed:
        text = _("%(name)s confirmed the %(what)s %(reference)s.")
    else:
        text = _("%(name)s reported %(count)s difference(s) on the %(what)s %(reference)s.")
    count = len(answer.differences) + len(answer.missing) + (answer.customer_balance is not None)
    summary = text % {
        "name": answer.answered_by,
        "what": what,
        "reference": statement.reference,
        "count": count,
    }
    return f"{summary} {answer.note}".strip()
