"""Matching the bank lines nobody has decided yet: the customers and the learned aliases are
read once, and of the open ledger what the lines need (the invoices their memos name, the open
invoices of the customers who may have paid, how many open invoices carry their amounts: a few
indexed queries, see :func:`match_index`); the pure engine (``huikuan.cash.matching``) proposes
per line, and with ``apply`` the
proposals are stored on the lines and the automatic ones posted, a chunk of lines at a time,
through the decision services (``huikuan.cash.services``, which post a batch of lines as they
post one) — idempotently: a line once applied is never matched again.

The CLI (``huikuan cash match``), the job after a bank import and the API all call
:func:`lines_match`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet

from huikuan.cash.matching import (
    AUTO,
    REVIEW,
    Aliases,
    CustomerRef,
    MatchIndex,
    OpenInvoice,
    OwnParty,
    Proposal,
    settings_from,
)
from huikuan.cash.matching import (
    BankLine as LineIn,
)
from huikuan.cash.matching.engine import collector_paused
from huikuan.cash.matching.model import reason
from huikuan.cash.matching.partial import PartialLedger
from huikuan.cash.matching.settle import DISTINCT_AMOUNT_MAX
from huikuan.cash.models import AliasKind, BankLine, BankStatement, Direction, LineStatus, PayerAlias
from huikuan.cash.posting import line_snapshot
from huikuan.cash.services import lines_apply_automatically
from huikuan.core.audit import audit_saved_in_bulk
from huikuan.core.errors import ApplicationError
from huikuan.core.money import from_minor_units, is_whole_cents
from huikuan.core.policy import policy_value
from huikuan.core.tasks import task_enqueue
from huikuan.correspondence.documents import letterhead_values
from huikuan.ledger.bulk import bulk_update_rows, select_rows
from huikuan.ledger.models import Customer
from huikuan.ledger.selectors import open_amount_counts, open_invoices_by_keys
from huikuan.vat.selectors import invoices_by_vat_number

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


class _Reader:
    """The open invoices and amounts the engine asks for, read by the ledger's keys
    (``huikuan.cash.matching.partial.Reader``)."""

    def __init__(self, code_of: dict[int, str], id_of: dict[str, int]) -> None:
        self.code_of, self.id_of = code_of, id_of

    def invoices(self, numbers, orders, customers, contracts=()):
        code_of = self.code_of
        rows = open_invoices_by_keys(
            numbers=numbers,
            orders=orders,
            customer_ids=[self.id_of[code] for code in customers if code in self.id_of],
            contracts=contracts,
        )
        for (
            number,
            customer_id,
            open_minor,
            currency,
            invoiced,
            due,
            order,
            number_key,
            order_key,
            contract,
            contract_key,
        ) in rows:
            invoice = OpenInvoice(
                number=number,
                customer_code=code_of[customer_id],
                open_amount=from_minor_units(open_minor),
                currency=currency,
                invoice_date=invoiced,
                due_date=due,
                order_number=order,
                contract_number=contract,
            )
            yield invoice, number_key, order_key, contract_key

    def vat_invoices(self, numbers):
        return invoices_by_vat_number(numbers)

    def amounts(self, amounts):
        minor = {int(amount.scaleb(2)): amount for amount in amounts if is_whole_cents(amount)}
        counts = open_amount_counts(minor, owners_up_to=DISTINCT_AMOUNT_MAX)
        return {
            minor[value]: (count, [self.code_of[pk] for pk in owners])
            for value, (count, owners) in counts.items()
        }


def match_index(lines: Sequence[LineIn] = ()) -> MatchIndex:
    """The engine's index over every customer and learned alias, and over the open ledger as
    far as ``lines`` need it: the invoices their memos name, the open invoices of the
    customers who may have paid and how many open invoices carry their amounts, read in a few
    large queries by the invoices' stored number keys (``Invoice.number_key``); whatever else
    the engine asks for is read when it asks (``huikuan.cash.matching.partial``)."""
    customers = []
    code_of: dict[int, str] = {}
    for pk, code, name, short, english, currency in Customer.objects.values_list(
        "pk", "code", "name", "short_name", "english_name", "currency"
    ).iterator(chunk_size=20_000):
        code_of[pk] = code
        customers.append(
            CustomerRef(code=code, name=name, short_name=short, english_name=english, currency=currency)
        )
    by_kind: dict[str, dict[str, str]] = {AliasKind.ACCOUNT: {}, AliasKind.NAME: {}}
    for kind, value, customer_id in PayerAlias.objects.values_list("kind", "value", "customer_id"):
        by_kind[kind][value] = code_of[customer_id]
    aliases = Aliases(by_account=by_kind[AliasKind.ACCOUNT], by_name=by_kind[AliasKind.NAME])
    ledger = PartialLedger(_Reader(code_of, {code: pk for pk, code in code_of.items()}))
    index = MatchIndex(customers, (), aliases, settings_from(policy_value), ledger=ledger, own=own_party())
    ledger.prefetch_for(index, lines)
    return index


def own_party() -> OwnParty:
    """The company's own accounts (every account whose statements were imported, and the
    letterhead's) and names (the letterhead's)."""
    letterhead = letterhead_values()
    accounts = set(
        BankStatement.objects.exclude(account_number="").values_list("account_number", flat=True).distinct()
    )
    accounts.add(letterhead.get("bank_account", ""))
    names = (letterhead.get("company_name_zh", ""), letterhead.get("company_name_en", ""))
    return OwnParty(accounts=tuple(a for a in accounts if a), names=tuple(n for n in names if n))


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


def stored_proposal(proposal: Proposal, names: dict[str, str], write_off_reason: str | None = None) -> dict:
    """The proposal as ``BankLine.proposal`` keeps it (read back by ``proposals.proposal_of``):
    reasons as codes with parameters, so the workbench shows them in the reader's language.
    ``write_off_reason``: the setting ``CASH_WRITE_OFF_REASON`` (read here if not given)."""
    data = proposal.as_dict()
    reason = policy_value("CASH_WRITE_OFF_REASON") if write_off_reason is None else write_off_reason

    def difference(entry: dict) -> dict | None:
        amount = Decimal(entry.pop("difference", "0") or "0")
        treatment = entry.pop("difference_treatment", "") or ""
        if amount <= 0:
            return None
        return {
            "amount": str(amount),
            "treatment": treatment,
            "reason": reason,
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
    clock = _Phases()
    lines = list(lines if lines is not None else lines_in_scope())
    if not lines:
        return []
    clock.lap("lines")
    with collector_paused():
        return _match_and_post(lines, apply, clock)


def _match_and_post(lines: list[BankLine], apply: bool, clock: _Phases) -> list[LineResult]:
    plain = [line_in(line) for line in lines]
    index = match_index(plain)
    clock.lap("index")
    results = []
    for line, proposal in zip(lines, index.match_all(plain), strict=True):
        if line.direction == Direction.DEBIT and proposal.status != "ignored":  # never applied
            proposal = Proposal(bank_ref=proposal.bank_ref, status="ignored", reasons=proposal.reasons)
        results.append(LineResult(line, proposal))
    results = _claimed_once(results, {invoice.number: invoice.open_amount for invoice in index.invoices})
    del index, plain
    clock.lap("match")
    if not apply:
        clock.report(len(lines))
        return results
    codes = {code for result in results for code in _codes(result.proposal)}
    known = select_rows(Customer, ["code", "id", "name"], where="code", values=codes)
    customers = {code: pk for code, pk, _name in known}
    names = {code: name for code, _pk, name in known}
    posted: list[LineResult] = []
    # A transaction per chunk of lines: the proposals stored and the automatic ones posted
    # together (``huikuan.cash.posting``); a crash loses at most the chunk, which the next run
    # matches again.
    for at in range(0, len(results), APPLY_CHUNK):
        with transaction.atomic():
            posted.extend(_store_and_post(results[at : at + APPLY_CHUNK], customers, names))
    clock.lap("post")
    clock.report(len(lines))
    return posted


def _claimed_once(results: list[LineResult], open_amounts: dict[str, Decimal]) -> list[LineResult]:
    """The automatic proposals of one run against each other, in the order they are posted: a
    line whose invoices earlier automatic lines of the run already settle (the same payment
    twice on a statement, two part payments of more than is open) waits for review, as its
    posting would be refused — so a dry run says what ``--apply`` does."""
    left = dict(open_amounts)
    checked = []
    for result in results:
        proposal = result.proposal
        if proposal.status == AUTO:
            short = next(
                (
                    allocation.invoice_number
                    for allocation in proposal.allocations
                    if allocation.amount > left.get(allocation.invoice_number, allocation.amount)
                ),
                None,
            )
            if short is None:
                for allocation in proposal.allocations:
                    if allocation.invoice_number in left:
                        left[allocation.invoice_number] -= allocation.amount
            else:
                why = reason("claimed_earlier", invoice=short)
                proposal = replace(proposal, status=REVIEW, reasons=(*proposal.reasons, why))
                result = replace(result, proposal=proposal)
        checked.append(result)
    return checked


class _Phases:
    """Wall and CPU seconds of each phase of a run, logged at the end (the benchmark reads them)."""

    def __init__(self) -> None:
        self.laps: list[tuple[str, float, float]] = []
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self, name: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        self.laps.append((name, wall - self.wall, cpu - self.cpu))
        self.wall, self.cpu = wall, cpu

    def report(self, lines: int) -> None:
        logger.info(
            "cash match of %d lines: %s",
            lines,
            ", ".join(f"{name} {wall:.1f} s (CPU {cpu:.1f} s)" for name, wall, cpu in self.laps),
        )


APPLY_CHUNK = 1000
# What storing a proposal changes on its line (audited as ``save(update_fields=…)`` would).
STORED_FIELDS = ["proposal", "status", "customer", "confidence"]


def _store_and_post(
    chunk: list[LineResult], customers: dict[str, int], names: dict[str, str]
) -> list[LineResult]:
    """Store the chunk's proposals on their lines (locked, and skipped if decided meanwhile)
    and post the automatic ones in bulk; a line the ledger refuses waits for review."""
    ids = [result.line.pk for result in chunk]
    reason = policy_value("CASH_WRITE_OFF_REASON")
    locked = {
        line.pk: line for line in BankLine.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }
    answered: list[LineResult] = []
    stored: list[tuple[BankLine, BankLine]] = []
    for result in chunk:
        line = locked.get(result.line.pk)
        if line is None or line.status not in (*UNDECIDED, LineStatus.IGNORED) or line.payment_id is not None:
            answered.append(result)  # decided meanwhile (another run, a person): left as it is
            continue
        before = line_snapshot(line)
        proposal = result.proposal
        line.proposal = stored_proposal(proposal, names, reason)
        line.status = _STATUS[proposal.status]
        line.customer_id = customers.get(proposal.customer_code or "")
        line.confidence = proposal.confidence
        stored.append((before, line))
        answered.append(LineResult(line, proposal))
    bulk_update_rows(
        BankLine,
        STORED_FIELDS,
        [
            (line.proposal, line.status, line.customer_id, line.confidence, line.pk)
            for _before, line in stored
        ],
    )
    audit_saved_in_bulk([(before, line, STORED_FIELDS) for before, line in stored])
    stored_ids = {line.pk for _before, line in stored}
    automatic = [
        result for result in answered if result.proposal.status == AUTO and result.line.pk in stored_ids
    ]
    outcomes = lines_apply_automatically(lines=[result.line for result in automatic]) if automatic else []
    changed: dict[int, LineResult] = {}
    for result, outcome in zip(automatic, outcomes, strict=True):
        line, proposal = result.line, result.proposal
        if isinstance(outcome, ApplicationError):  # the ledger moved since the index was read
            logger.warning("bank line %s not applied automatically: %s", line.pk, outcome.message)
            proposal = replace(proposal, status="review")
            line.proposal = stored_proposal(proposal, names, reason)
            line.status = LineStatus.REVIEW
            BankLine.objects.filter(pk=line.pk).update(proposal=line.proposal, status=LineStatus.REVIEW)
            changed[line.pk] = LineResult(line, proposal)
            continue
        decision = outcome.decision
        if outcome.posted:
            line.status = LineStatus.AUTO
            line.payment_id = decision.payment_id
            line.decided_by = decision.decided_by
            line.decided_at = decision.decided_at
        changed[line.pk] = LineResult(line, proposal, posted=outcome.posted)
    return [changed.get(result.line.pk, result) for result in answered]


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
