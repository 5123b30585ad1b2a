"""Matching the bank lines nobody has decided yet: the open ledger and the learned aliases are
read once, the pure engine (``huikuan.cash.matching``) proposes per line, and with ``apply`` the
proposal is stored on the line and the automatic ones are posted through the decision
services (``huikuan.cash.services``) — idempotently: a line once applied is never matched again.

The CLI (``huikuan cash match``), the job after a bank import and the API all call
:func:`lines_match`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F, QuerySet

from huikuan.cash.matching import (
    AUTO,
    Aliases,
    CustomerRef,
    MatchIndex,
    OpenInvoice,
    Proposal,
    settings_from,
)
from huikuan.cash.matching import (
    BankLine as LineIn,
)
from huikuan.cash.models import AliasKind, BankLine, Direction, LineStatus, PayerAlias
from huikuan.cash.services import line_apply_automatically
from huikuan.core.errors import ApplicationError
from huikuan.core.policy import policy_value
from huikuan.core.tasks import task_enqueue
from huikuan.ledger.models import Customer, Invoice

logger = logging.getLogger(__name__)

# Lines the matcher may (re)consider: not yet decided by the matcher or a person.
UNDECIDED = (LineStatus.NEW, LineStatus.REVIEW, LineStatus.UNMATCHED)


@dataclass(frozen=True)
class LineResult:
    """One line's outcome: the engine's proposal and whether this run posted it."""

    line: BankLine
    proposal: Proposal
    posted: bool = False

    def as_dict(self) -> dict:
        """The line as ``huikuan cash match --json`` reports it."""
        proposal = self.proposal
        return {
            "bank_ref": self.line.bank_ref,
            "status": proposal.status,
            "customer_code": proposal.customer_code,
            "confidence": str(proposal.confidence),
            "allocations": [
                {"invoice_number": a.invoice_number, "amount": str(a.amount)} for a in proposal.allocations
            ],
            "reasons": [reason.text() for reason in proposal.reasons],
        }


def lines_in_scope(
    *, statement_id: int | None = None, since: date | None = None, until: date | None = None
) -> QuerySet[BankLine]:
    """Every line the matcher answers for: the undecided credits, and the debits (ignored)."""
    lines = BankLine.objects.filter(payment__isnull=True, decisions__isnull=True).filter(
        status__in=(*UNDECIDED, LineStatus.IGNORED)
    )
    if statement_id is not None:
        lines = lines.filter(statement_id=statement_id)
    if since is not None:
        lines = lines.filter(booking_date__gte=since)
    if until is not None:
        lines = lines.filter(booking_date__lte=until)
    return lines.order_by("booking_date", "id")


def match_index() -> MatchIndex:
    """The engine's index over every customer, open invoice and learned alias."""
    customers = [
        CustomerRef(code=code, name=name, short_name=short, english_name=english, currency=currency)
        for code, name, short, english, currency in Customer.objects.values_list(
            "code", "name", "short_name", "english_name", "currency"
        ).iterator(chunk_size=20_000)
    ]
    invoices = (
        OpenInvoice(
            number=number,
            customer_code=code,
            open_amount=amount - applied,
            currency=currency,
            invoice_date=invoice_date,
            due_date=due_date,
            order_number=order_number,
        )
        for number, code, amount, applied, currency, invoice_date, due_date, order_number in (
            Invoice.objects.filter(amount__gt=F("applied_amount"))
            .order_by("invoice_date", "number")
            .values_list(
                "number",
                "customer__code",
                "amount",
                "applied_amount",
                "currency",
                "invoice_date",
                "due_date",
                "order_number",
            )
            .iterator(chunk_size=50_000)
        )
    )
    by_kind: dict[str, dict[str, str]] = {AliasKind.ACCOUNT: {}, AliasKind.NAME: {}}
    for kind, value, code in PayerAlias.objects.values_list("kind", "value", "customer__code"):
        by_kind[kind][value] = code
    aliases = Aliases(by_account=by_kind[AliasKind.ACCOUNT], by_name=by_kind[AliasKind.NAME])
    return MatchIndex(customers, invoices, aliases, settings_from(policy_value))


def line_in(line: BankLine) -> LineIn:
    return LineIn(
        bank_ref=line.bank_ref or f"line-{line.pk}",
        booking_date=line.booking_date,
        amount=line.amount,
        currency=line.currency,
        direction=line.direction,
        payer_name=line.payer_name,
        payer_account=line.payer_account,
        memo=line.memo,
    )


def stored_proposal(proposal: Proposal, names: dict[str, str]) -> dict:
    """The proposal as ``BankLine.proposal`` keeps it (read back by ``proposals.proposal_of``):
    reasons as codes with parameters, so the workbench shows them in the reader's language."""
    data = proposal.as_dict()

    def difference(entry: dict) -> dict | None:
        amount = Decimal(entry.pop("difference", "0") or "0")
        treatment = entry.pop("difference_treatment", "") or ""
        if amount <= 0:
            return None
        return {
            "amount": str(amount),
            "treatment": treatment,
            "reason": policy_value("CASH_WRITE_OFF_REASON"),
        }

    data["difference"] = difference(data)
    for candidate in data["candidates"]:
        candidate["customer_name"] = names.get(candidate["customer_code"], "")
        candidate["difference"] = difference(candidate)
    return data


_STATUS = {
    "auto": LineStatus.REVIEW,  # until posted; then the decision service marks it applied automatically
    "review": LineStatus.REVIEW,
    "unmatched": LineStatus.UNMATCHED,
    "ignored": LineStatus.IGNORED,
}


def lines_match(*, lines: Iterable[BankLine] | None = None, apply: bool = False) -> list[LineResult]:
    """Propose for each line; with ``apply``, store the proposals and post the automatic ones.

    Without ``apply`` nothing is written (a dry run). A line whose automatic posting is refused
    by the ledger (an invoice settled meanwhile) waits for review with its proposal."""
    lines = list(lines if lines is not None else lines_in_scope())
    if not lines:
        return []
    index = match_index()
    results = []
    for line in lines:
        proposal = index.match(line_in(line))
        if line.direction == Direction.DEBIT and proposal.status != "ignored":  # never applied
            proposal = Proposal(bank_ref=proposal.bank_ref, status="ignored", reasons=proposal.reasons)
        results.append(LineResult(line, proposal))
    if not apply:
        return results
    codes = {code for result in results for code in _codes(result.proposal)}
    customers = dict(Customer.objects.filter(code__in=codes).values_list("code", "pk"))
    names = dict(Customer.objects.filter(code__in=codes).values_list("code", "name"))
    posted: list[LineResult] = []
    # A transaction per chunk of lines (each line's posting a savepoint in it): a crash loses
    # at most the chunk, which the next run matches again; commits stay few.
    for at in range(0, len(results), APPLY_CHUNK):
        with transaction.atomic():
            for result in results[at : at + APPLY_CHUNK]:
                posted.append(_store_and_post(result, customers, names))
    return posted


APPLY_CHUNK = 200


def _store_and_post(result: LineResult, customers: dict[str, int], names: dict[str, str]) -> LineResult:
    line, proposal = result.line, result.proposal
    locked = BankLine.objects.select_for_update().get(pk=line.pk)
    if locked.status not in (*UNDECIDED, LineStatus.IGNORED) or locked.payment_id is not None:
        return result  # decided meanwhile (another run, a person): left as it is
    locked.proposal = stored_proposal(proposal, names)
    locked.status = _STATUS[proposal.status]
    locked.customer_id = customers.get(proposal.customer_code or "")
    locked.confidence = proposal.confidence
    locked.save(update_fields=["proposal", "status", "customer", "confidence"])
    if proposal.status != AUTO:
        return LineResult(locked, proposal)
    try:
        with transaction.atomic():
            did_post = line_apply_automatically(line=locked).posted
    except ApplicationError as refused:  # the ledger moved since the index was read
        logger.warning("bank line %s not applied automatically: %s", locked.pk, refused.message)
        proposal = replace(proposal, status="review")
        BankLine.objects.filter(pk=locked.pk).update(
            proposal=stored_proposal(proposal, names), status=LineStatus.REVIEW
        )
        locked.refresh_from_db()
        return LineResult(locked, proposal)
    return LineResult(locked, proposal, posted=did_post)


def _codes(proposal: Proposal) -> set[str]:
    codes = {candidate.customer_code for candidate in proposal.candidates}
    if proposal.customer_code:
        codes.add(proposal.customer_code)
    return codes


MATCH_TASK = "huikuan.cash.match.statements_match"


def statements_match(*, statement_ids: list[int]) -> dict[str, int]:
    """The queued work after a bank import: match and apply the new statements' lines.
    How many lines ended in each status."""
    counts: dict[str, int] = {}
    for result in lines_match(lines=lines_in_scope().filter(statement_id__in=statement_ids), apply=True):
        counts[result.proposal.status] = counts.get(result.proposal.status, 0) + 1
    return counts


def statements_match_enqueue(*, statement_ids: list[int]) -> None:
    """Queue the matching of freshly imported statements (never inside a request)."""
    if statement_ids:
        task_enqueue(func=MATCH_TASK, kwargs={"statement_ids": list(statement_ids)})
