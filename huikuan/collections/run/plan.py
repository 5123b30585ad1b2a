"""The dunning run's decisions, pure (no database): which step each open invoice takes
today, which invoices are paused, and the actions (one per customer, step and channel).

The step is the ladder's own rule, :meth:`Ladder.step_due`, looked up through
:class:`DueSteps` (a table filled by that rule), so the run and the ladder cannot disagree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from huikuan.collections.ladder import ANCHORS, Ladder, Position
from huikuan.collections.segments import PaymentHistory
from huikuan.ledger.models import CustomerStatus


class PlannedAction(NamedTuple):
    customer_code: str
    step: str
    channel: str
    invoice_numbers: tuple[str, ...]
    assigned_to: str

    def as_dict(self) -> dict:
        return {
            "customer_code": self.customer_code,
            "step": self.step,
            "channel": self.channel,
            "invoice_numbers": list(self.invoice_numbers),
            "assigned_to": self.assigned_to,
        }


@dataclass
class RunResult:
    date: date
    dry_run: bool
    actions: list[PlannedAction] = field(default_factory=list)
    invoices_considered: int = 0
    invoices_stepped: int = 0
    invoices_paused: int = 0
    token: int = 0
    # A run for this date had already been taken before this one (or, for a dry run, before
    # now): its steps are not taken again, so an empty list of actions is no surprise.
    already_ran: bool = False

    def as_dict(self) -> dict:
        return {
            "date": self.date.isoformat(),
            "dry_run": self.dry_run,
            "already_ran": self.already_ran,
            "invoices_considered": self.invoices_considered,
            "invoices_stepped": self.invoices_stepped,
            "invoices_paused": self.invoices_paused,
            "actions_count": len(self.actions),
            "actions": [action.as_dict() for action in self.actions],
        }


@dataclass(frozen=True)
class Step:
    """A policy's step as the run needs it: its place on the ladder and what it does."""

    code: str
    sequence: int
    day_offset: int
    channels: tuple[str, ...]
    owner_role: str
    credit_hold: bool
    case_to_legal: bool
    write_off_review: bool
    anchor: str = "due"


class DueSteps(dict):
    """The ladder's own rule, :meth:`Ladder.step_due`, as the hot path's lookup table:
    (position, last sequence taken) → the step to take today, or None. Each day count of the
    position is clamped to one day before its anchor's first offset and to its last offset
    (the rule gives the same answer beyond them; an anchor without steps counts as 0); a key
    not met yet is asked of the ladder once and kept."""

    def __init__(self, ladder: Ladder, steps: dict[str, Step]) -> None:
        super().__init__()
        self.ladder, self.steps = ladder, steps
        self.bounds = []
        for anchor in ANCHORS:
            offsets = ladder.anchor_offsets(anchor)
            self.bounds.append((min(offsets) - 1, max(offsets)) if offsets else (0, 0))

    def __missing__(self, key: tuple[int, int, int, int | None]) -> Step | None:
        due = self.ladder.step_due(Position(key[0], key[1], key[2]), key[3])
        self[key] = step = None if due is None else self.steps[due.code]
        return step

    def step_due(
        self, past_due: int, since_invoice: int, since_shipment: int, last_sequence_taken: int | None
    ) -> Step | None:
        """``Ladder.step_due`` with the policy's step (channels, owner, effects)."""
        (due_low, due_high), (inv_low, inv_high), (ship_low, ship_high) = self.bounds
        return self[
            (
                due_low if past_due < due_low else min(past_due, due_high),
                inv_low if since_invoice < inv_low else min(since_invoice, inv_high),
                ship_low if since_shipment < ship_low else min(since_shipment, ship_high),
                last_sequence_taken,
            )
        ]


@dataclass
class Policy:
    code: str
    classes: frozenset[str]
    segments: frozenset[str]
    ladder: Ladder
    steps: dict[str, Step]
    due: DueSteps = field(init=False)

    def __post_init__(self) -> None:
        self.due = DueSteps(self.ladder, self.steps)


def policy_for(policies: list[Policy], default: Policy, credit_class: str, segment: str) -> Policy:
    """The first policy (by priority) naming the customer's class or risk segment, else the default."""
    for policy in policies:
        if credit_class in policy.classes or segment in policy.segments:
            return policy
    return default


def assignee(owner_role: str, salesperson: str, collector: str, rules: dict) -> str:
    """Who does a step's work: the legal assignee, the salesperson, or the collector (the
    collections team when the customer has none)."""
    team = rules["COLLECTIONS_TEAM_ASSIGNEE"]
    if owner_role == "legal":
        return rules["COLLECTIONS_LEGAL_ASSIGNEE"]
    if owner_role == "salesperson":
        return salesperson or collector or team
    return collector or team


@dataclass(frozen=True)
class Pauses:
    """What holds an invoice back today (see the package docstring)."""

    planned: set[int]  # customers with an active payment plan
    disputed: dict[int, int]  # minor units under open disputes, by invoice
    promised_invoices: set[int]  # invoices under an open promise
    promised_customers: set[int]  # customers under an open promise naming no invoice
    history: PaymentHistory  # what the customers' risk segments are decided from
    with_agency: set[int] = field(default_factory=set)  # invoices handed to a collection agency


# (id, code, credit class, salesperson, collector, status) by customer id, without the id
CustomerRow = tuple[str, str, str, str, str]
CLOSED = CustomerStatus.CLOSED.value


class Planner:
    """Decides, customer by customer, the steps taken today. Feed it the open-invoice rows
    (id, customer_id, number, days past due, days since the invoice date, days since the
    shipment date, flagged disputed, open minor units, last sequence taken) grouped by
    customer; it fills ``stepped``, ``claims`` and ``result``."""

    def __init__(
        self,
        *,
        policies: list[Policy],
        default: Policy,
        customers: dict[int, CustomerRow],
        pauses: Pauses,
        rules: dict[str, Any],
        claim_day: Any,
        result: RunResult,
    ) -> None:
        self.policies, self.default, self.customers, self.pauses = policies, default, customers, pauses
        self.claim_day, self.result = claim_day, result
        # (customer_id, policy code, step code) → the numbers of the invoices taking that step
        self.stepped: dict[tuple[int, str, str], list[str]] = defaultdict(list)
        # claim rows ready for the database: (invoice, step, sequence, customer, day, token)
        self.claims: list[tuple] = []

    def feed(self, rows: Iterable[tuple]) -> None:
        current, batch = None, []
        for row in rows:
            if row[1] != current:
                if batch:
                    self.decide(current, batch)
                current, batch = row[1], []
            batch.append(row)
        if batch:
            self.decide(current, batch)

    def decide(self, customer_id: int, rows: list[tuple]) -> None:
        customer = self.customers.get(customer_id)
        if customer is None or customer[4] == CLOSED:
            return
        result, pauses, token = self.result, self.pauses, self.result.token
        result.invoices_considered += len(rows)
        # The class and the payment history, never the days overdue the ladder escalates on.
        segment = pauses.history.segment(customer_id, customer[1] or "")
        policy = policy_for(self.policies, self.default, customer[1] or "", segment)
        step_due, code = policy.due.step_due, policy.code
        disputed, promised_invoices = pauses.disputed, pauses.promised_invoices
        whole_customer_paused = customer_id in pauses.planned or customer_id in pauses.promised_customers
        for (
            invoice_id,
            _customer,
            number,
            past_due,
            since_invoice,
            since_shipment,
            flagged,
            open_minor,
            last_taken,
        ) in rows:
            step = step_due(past_due, since_invoice, since_shipment, last_taken)
            if step is None:
                continue
            if (
                whole_customer_paused
                or flagged
                or invoice_id in promised_invoices
                or invoice_id in pauses.with_agency
                or (invoice_id in disputed and disputed[invoice_id] >= open_minor)
            ):
                result.invoices_paused += 1
                continue
            self.stepped[(customer_id, code, step.code)].append(number)
            self.claims.append((invoice_id, step.code, step.sequence, customer_id, self.claim_day, token))


def actions_plan(
    stepped: dict[tuple[int, str, str], list[str]],
    policies: list[Policy],
    customers: dict[int, CustomerRow],
    rules: dict[str, Any],
    run_id: int | None,
    day: Any,
) -> tuple[list[PlannedAction], list[tuple], list[int]]:
    """The planned actions (sorted for people), the action rows ready for the database
    (:data:`ACTION_COLUMNS` less the constants), and the customers put on hold. ONE action
    per customer, step and channel."""
    by_code = {policy.code: policy for policy in policies}
    planned, rows, holds = [], [], []
    for (customer_id, policy_code, step_code), numbers in sorted(
        stepped.items(), key=lambda item: (customers[item[0][0]][0], item[0][2])
    ):
        step = by_code[policy_code].steps[step_code]
        code, _class, salesperson, collector, _status = customers[customer_id]
        numbers = tuple(sorted(numbers))
        joined = "\n".join(numbers)
        assigned_to = assignee(step.owner_role, salesperson, collector, rules)
        for channel in step.channels:
            planned.append(PlannedAction(code, step_code, channel, numbers, assigned_to))
            rows.append(
                (
                    customer_id,
                    run_id,
                    day,
                    policy_code,
                    step_code,
                    channel,
                    assigned_to,
                    joined,
                    step.credit_hold,
                    step.case_to_legal,
                    step.write_off_review,
                )
            )
        if step.credit_hold:
            holds.append(customer_id)
    return planned, rows, holds


# The columns of a DunningAction row as the run inserts it: those of actions_plan's rows,
# then the constants (status, outcome, completed_by, delivery_note, token).
ACTION_COLUMNS = [
    "customer",
    "run",
    "action_date",
    "policy_code",
    "step_code",
    "channel",
    "assigned_to",
    "invoice_numbers",
    "credit_hold",
    "case_to_legal",
    "write_off_review",
    "status",
    "outcome",
    "completed_by",
    "delivery_note",
    "token",
]
