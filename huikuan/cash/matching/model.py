"""The matching engine's plain values: what goes in (bank lines, customers, open invoices,
learned aliases, settings) and what comes out (a proposal per line). No ORM."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from huikuan.cash.matching.reasons import reason_text

CREDIT = "credit"
DEBIT = "debit"

AUTO = "auto"
REVIEW = "review"
UNMATCHED = "unmatched"
IGNORED = "ignored"
STATUSES = (AUTO, REVIEW, UNMATCHED, IGNORED)

# A part or overpayment from a customer known for sure (its account, a learned name, its
# code or a reference) that fits nothing: wait for a person, or apply it to the oldest open
# invoices first (先进先出), the rest on account.
REVIEW_PARTIAL = "review"
OLDEST_FIRST = "oldest_first"
UNREFERENCED_PARTIAL_CHOICES = (REVIEW_PARTIAL, OLDEST_FIRST)

LEAVE_OPEN = "leave_open"
WRITE_OFF = "write_off"
DIFFERENCE_TREATMENTS = (LEAVE_OPEN, WRITE_OFF)

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class BankLine:
    """One line of a bank statement. ``amount`` is positive; ``direction`` says which way."""

    bank_ref: str
    booking_date: date
    amount: Decimal
    currency: str
    direction: str = CREDIT
    payer_name: str = ""
    payer_account: str = ""
    memo: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal) or self.amount <= 0:
            raise ValueError(f"bank line {self.bank_ref}: amount must be a positive Decimal")
        if self.direction not in (CREDIT, DEBIT):
            raise ValueError(f"bank line {self.bank_ref}: direction must be credit or debit")


@dataclass(frozen=True, slots=True)
class CustomerRef:
    """A customer as the matcher knows it: its code and the names payers may use."""

    code: str
    name: str
    short_name: str = ""
    english_name: str = ""
    currency: str = ""


@dataclass(frozen=True, slots=True)
class OpenInvoice:
    number: str
    customer_code: str
    open_amount: Decimal
    currency: str
    invoice_date: date
    due_date: date | None = None
    order_number: str = ""
    contract_number: str = ""


@dataclass(frozen=True, slots=True)
class Aliases:
    """What earlier applications taught: a payer's account or name belongs to a customer."""

    by_account: Mapping[str, str] = field(default_factory=dict)
    by_name: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class OwnParty:
    """The company's own bank accounts and names: money from them is a transfer between its
    accounts, never a customer receipt."""

    accounts: Iterable[str] = ()
    names: Iterable[str] = ()


@dataclass(frozen=True, slots=True)
class MatchSettings:
    """The settings in force (the caller reads them with ``policy_value``).

    The tolerance for bank fees and short-pays is the smaller of ``tolerance_abs`` and
    ``tolerance_rel`` times the invoices' open amount (a limit of 0 is not used)."""

    auto_threshold: Decimal = Decimal("0.90")
    review_threshold: Decimal = Decimal("0.40")
    tolerance_abs: Decimal = Decimal("200.00")
    tolerance_rel: Decimal = Decimal("0.02")
    difference_treatment: str = LEAVE_OPEN
    write_off_reason: str = "bank_charges"
    combination_max_invoices: int = 6
    combination_pool: int = 24
    fuzzy_name_cutoff: int = 80
    unreferenced_partial: str = REVIEW_PARTIAL
    max_candidates: int = 5

    def __post_init__(self) -> None:
        if self.difference_treatment not in DIFFERENCE_TREATMENTS:
            raise ValueError(f"difference treatment must be one of {DIFFERENCE_TREATMENTS}")
        if self.unreferenced_partial not in UNREFERENCED_PARTIAL_CHOICES:
            raise ValueError(f"unreferenced partial must be one of {UNREFERENCED_PARTIAL_CHOICES}")
        if not Decimal(0) <= self.review_threshold <= self.auto_threshold <= Decimal(1):
            raise ValueError("thresholds must satisfy 0 <= review <= auto <= 1")

    def tolerance_for(self, open_amount: Decimal) -> Decimal:
        limits = []
        if self.tolerance_abs > 0:
            limits.append(self.tolerance_abs)
        if self.tolerance_rel > 0:
            limits.append(open_amount * self.tolerance_rel)
        return min(limits) if limits else ZERO


@dataclass(frozen=True, slots=True)
class Reason:
    """Why: a stable code with its parameters; ``text()`` is the sentence people read."""

    code: str
    params: tuple[tuple[str, str], ...] = ()

    def text(self) -> str:
        return reason_text(self.code, dict(self.params))

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params), "text": self.text()}


def reason(code: str, /, **params: object) -> Reason:
    return Reason(code, tuple((key, str(value)) for key, value in params.items()))


@dataclass(frozen=True, slots=True)
class Allocation:
    invoice_number: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Candidate:
    """One way to apply a line: a customer, what goes to which invoice, and why."""

    customer_code: str
    confidence: Decimal
    allocations: tuple[Allocation, ...] = ()
    on_account: Decimal = ZERO
    difference: Decimal = ZERO
    difference_treatment: str = ""
    reasons: tuple[Reason, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "customer_code": self.customer_code,
            "confidence": str(self.confidence),
            "allocations": [
                {"invoice_number": a.invoice_number, "amount": str(a.amount)} for a in self.allocations
            ],
            "on_account": str(self.on_account),
            "difference": str(self.difference),
            "difference_treatment": self.difference_treatment,
            "reasons": [r.as_dict() for r in self.reasons],
        }


@dataclass(frozen=True, slots=True)
class Proposal:
    """The matcher's answer for one bank line. ``candidates`` are ranked, best first; for an
    ``auto`` line the first one is what ``customer_code``/``allocations`` repeat."""

    bank_ref: str
    status: str
    customer_code: str | None = None
    confidence: Decimal = ZERO
    allocations: tuple[Allocation, ...] = ()
    on_account: Decimal = ZERO
    difference: Decimal = ZERO
    difference_treatment: str = ""
    candidates: tuple[Candidate, ...] = ()
    reasons: tuple[Reason, ...] = ()

    @property
    def allocated(self) -> Decimal:
        return sum((a.amount for a in self.allocations), ZERO)

    def as_dict(self) -> dict[str, Any]:
        return {
            "bank_ref": self.bank_ref,
            "status": self.status,
            "customer_code": self.customer_code,
            "confidence": str(self.confidence),
            "allocations": [
                {"invoice_number": a.invoice_number, "amount": str(a.amount)} for a in self.allocations
            ],
            "on_account": str(self.on_account),
            "difference": str(self.difference),
            "difference_treatment": self.difference_treatment,
            "candidates": [c.as_dict() for c in self.candidates],
            "reasons": [r.as_dict() for r in self.reasons],
        }


# The settings.HUIKUAN keys behind each field (the caller reads them with policy_value).
SETTING_KEYS = {
    "auto_threshold": "CASH_AUTO_THRESHOLD",
    "review_threshold": "CASH_REVIEW_THRESHOLD",
    "tolerance_abs": "CASH_TOLERANCE_ABS",
    "tolerance_rel": "CASH_TOLERANCE_REL",
    "difference_treatment": "CASH_DIFFERENCE_TREATMENT",
    "write_off_reason": "CASH_WRITE_OFF_REASON",
    "combination_max_invoices": "CASH_COMBINATION_MAX_INVOICES",
    "combination_pool": "CASH_COMBINATION_POOL",
    "fuzzy_name_cutoff": "CASH_FUZZY_NAME_CUTOFF",
    "unreferenced_partial": "CASH_UNREFERENCED_PARTIAL",
}


def settings_from(read: Callable[[str], Any]) -> MatchSettings:
    """The settings from a reader of business settings, e.g. ``settings_from(policy_value)``."""
    return MatchSettings(**{field_name: read(key) for field_name, key in SETTING_KEYS.items()})
