"""The matcher's proposal for a bank line (``BankLine.proposal``), read into values. Pure.

The stored JSON: ``status``, ``customer_code``, ``confidence``, ``allocations``
([{"invoice_number", "amount"}]), ``on_account``, ``difference`` ({"amount", "treatment",
"reason"} or null), ``reasons`` and ``candidates`` (each with ``customer_code``,
``customer_name``, ``confidence``, ``allocations``, ``on_account``, ``reasons``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from huikuan.cash.matching.reasons import reason_text

LEAVE_OPEN = "leave_open"
WRITE_OFF = "write_off"


@dataclass(frozen=True)
class Split:
    """Part of a receipt applied to one invoice."""

    invoice_number: str
    amount: Decimal


@dataclass(frozen=True)
class Difference:
    """A short-pay: written off with a reason, or left open on the invoice."""

    amount: Decimal
    treatment: str
    reason: str


@dataclass(frozen=True)
class Candidate:
    """One way to apply the line, as the matcher ranked it."""

    customer_code: str
    customer_name: str
    confidence: Decimal | None
    allocations: tuple[Split, ...]
    on_account: Decimal
    reasons: tuple[str, ...]
    difference: Difference | None = None


@dataclass(frozen=True)
class Proposal:
    status: str
    customer_code: str
    confidence: Decimal | None
    reasons: tuple[str, ...]
    candidates: tuple[Candidate, ...] = field(default_factory=tuple)


def _decimal(value: Any, default: Decimal | None = None) -> Decimal | None:
    if value in (None, ""):
        return default
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return default
    return number if number.is_finite() else default


def _splits(rows: Any) -> tuple[Split, ...]:
    splits = []
    for row in rows or ():
        amount = _decimal(row.get("amount")) if isinstance(row, dict) else None
        if amount is not None and row.get("invoice_number"):
            splits.append(Split(str(row["invoice_number"]), amount))
    return tuple(splits)


def _reasons(rows: Any) -> tuple[str, ...]:
    """Each reason as a sentence in the current language: the matcher stores a reason as its
    code and parameters (with the text it had then), a person's note as plain text."""
    texts = []
    for row in rows or ():
        if isinstance(row, dict) and row.get("code"):
            texts.append(reason_text(str(row["code"]), dict(row.get("params") or {})))
        elif isinstance(row, dict):
            texts.append(str(row.get("text") or ""))
        else:
            texts.append(str(row))
    return tuple(text for text in texts if text)


def _difference(value: Any) -> Difference | None:
    if not isinstance(value, dict):
        return None
    amount = _decimal(value.get("amount"))
    if amount is None or amount <= 0:
        return None
    return Difference(amount, str(value.get("treatment") or LEAVE_OPEN), str(value.get("reason") or ""))


def _candidate(data: dict, difference: Difference | None = None) -> Candidate:
    return Candidate(
        customer_code=str(data.get("customer_code") or ""),
        customer_name=str(data.get("customer_name") or ""),
        confidence=_decimal(data.get("confidence")),
        allocations=_splits(data.get("allocations")),
        on_account=_decimal(data.get("on_account"), Decimal("0")),
        reasons=_reasons(data.get("reasons")),
        difference=_difference(data.get("difference")) or difference,
    )


def proposal_of(data: dict | None) -> Proposal:
    """The proposal, its candidates ranked best first.

    The proposal's own application (its customer, allocations and difference) is the first
    candidate; a listed candidate for the same customer and invoices is that one again."""
    data = data if isinstance(data, dict) else {}
    candidates: list[Candidate] = []
    if data.get("customer_code"):
        candidates.append(_candidate(data, _difference(data.get("difference"))))
    for row in data.get("candidates") or ():
        if not isinstance(row, dict) or not row.get("customer_code"):
            continue
        candidate = _candidate(row)
        if any(
            (known.customer_code, known.allocations) == (candidate.customer_code, candidate.allocations)
            for known in candidates
        ):
            if candidates and not candidates[0].customer_name and candidate.customer_name:
                candidates[0] = replace(candidates[0], customer_name=candidate.customer_name)
            continue
        candidates.append(candidate)
    return Proposal(
        status=str(data.get("status") or ""),
        customer_code=str(data.get("customer_code") or ""),
        confidence=_decimal(data.get("confidence")),
        reasons=_reasons(data.get("reasons")),
        candidates=tuple(candidates),
    )
