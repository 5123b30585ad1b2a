"""Which dunning step an invoice has reached (SPEC §6.1). Pure; no ORM.

A ladder is a policy's steps in sequence order. Each step counts its days from an anchor:
the due date (most steps), the invoice date or the shipment date (the contacts of the
credit period, seed 002: the delivery-confirmation call, the goods-and-invoice
confirmation). An invoice's position is its days past each anchor (:class:`Position`;
negative before it). On each anchor's axis it has reached the last step of that anchor
whose offset it has passed; the step it has reached is the latest in sequence of those.
The run sends that step only when it lies beyond every step already sent for the invoice:
steps move forward only, none is repeated, and an invoice first met past several offsets
gets only the step it reached (so a contact of the credit period is skipped once a later
step, such as the pre-due reminder, has been reached).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

DUE = "due"
INVOICE = "invoice"
SHIPMENT = "shipment"
ANCHORS = (DUE, INVOICE, SHIPMENT)


@dataclass(frozen=True)
class LadderStep:
    code: str
    sequence: int
    day_offset: int
    anchor: str = DUE


class Position(NamedTuple):
    """An invoice's days past its due date, its invoice date and its shipment date (the
    invoice date when no shipment date is known); negative before them."""

    past_due: int
    since_invoice: int = 0
    since_shipment: int = 0

    def days(self, anchor: str) -> int:
        if anchor == INVOICE:
            return self.since_invoice
        if anchor == SHIPMENT:
            return self.since_shipment
        return self.past_due


class Ladder:
    """A policy's steps, ordered; along the sequence, the offsets of the steps of one anchor
    must not decrease."""

    def __init__(self, steps: Sequence[LadderStep]) -> None:
        ordered = sorted(steps, key=lambda step: step.sequence)
        self.steps = tuple(ordered)
        self._axes: dict[str, tuple[list[int], list[LadderStep]]] = {}
        for anchor in ANCHORS:
            mine = [step for step in ordered if step.anchor == anchor]
            offsets = [step.day_offset for step in mine]
            if offsets != sorted(offsets):
                raise ValueError("a ladder's day offsets must not decrease along its sequence")
            if mine:
                self._axes[anchor] = (offsets, mine)
        unknown = {step.anchor for step in ordered} - set(ANCHORS)
        if unknown:
            raise ValueError(f"unknown anchor(s) {', '.join(sorted(unknown))}")

    def anchor_offsets(self, anchor: str) -> list[int]:
        """The offsets of the steps counted from ``anchor`` (none: the anchor is not used)."""
        return list(self._axes[anchor][0]) if anchor in self._axes else []

    def reached(self, position: Position | int) -> LadderStep | None:
        """The latest step (in sequence) whose offset the invoice has passed on its anchor's
        axis; None before every step. A bare number is the days past due."""
        if isinstance(position, int):
            position = Position(position)
        found = None
        for anchor, (offsets, steps) in self._axes.items():
            index = bisect_right(offsets, position.days(anchor))
            if index and (found is None or steps[index - 1].sequence > found.sequence):
                found = steps[index - 1]
        return found

    def step_due(self, position: Position | int, last_sequence_sent: int | None) -> LadderStep | None:
        """The step to send today, or None: the reached step if it is beyond the last one sent."""
        step = self.reached(position)
        if step is None:
            return None
        if last_sequence_sent is not None and step.sequence <= last_sequence_sent:
            return None
        return step


# The default ladder of SPEC §6.1 and seed 002: (code, sequence, anchor, day offset,
# channels, owner role, email template, letter template, whether its emails attach the
# statement PDF, effects, names). Steps without an anchor count from the due date.
# The contacts of the credit period (seed 002: 发货后5天询问收货, 收货和发票确认) are the
# salesperson's call tasks: nothing is sent to the customer. The reminders (pre-due to
# second collection) send no PDF; the formal-letter steps attach it.
DEFAULT_LADDER = (
    {
        "code": "delivery_check",
        "sequence": 4,
        "anchor": SHIPMENT,
        "day_offset": 5,
        "channels": ["phone"],
        "owner_role": "salesperson",
        "email_template": "",
        "letter_template": "",
        "name_zh": "询问收货情况",
        "name_en": "Delivery confirmation call",
    },
    {
        "code": "goods_invoice_check",
        "sequence": 6,
        "anchor": INVOICE,
        "day_offset": 10,
        "channels": ["phone"],
        "owner_role": "salesperson",
        "email_template": "",
        "letter_template": "",
        "name_zh": "收货和发票确认",
        "name_en": "Goods and invoice confirmation",
    },
    {
        "code": "pre_due",
        "sequence": 10,
        "day_offset": -5,
        "channels": ["email"],
        "owner_role": "salesperson",
        "email_template": "email_pre_due",
        "letter_template": "",
        "name_zh": "到期前提醒",
        "name_en": "Pre-due reminder",
    },
    {
        "code": "due",
        "sequence": 20,
        "day_offset": 0,
        "channels": ["email"],
        "owner_role": "salesperson",
        "email_template": "email_due",
        "letter_template": "",
        "name_zh": "到期付款通知",
        "name_en": "Due notice",
    },
    {
        "code": "first",
        "sequence": 30,
        "day_offset": 1,
        "channels": ["phone", "email"],
        "owner_role": "collector",
        "email_template": "email_first",
        "letter_template": "",
        "name_zh": "初次催收",
        "name_en": "First collection",
    },
    {
        "code": "second",
        "sequence": 40,
        "day_offset": 30,
        "channels": ["email", "phone"],
        "owner_role": "collector",
        "email_template": "email_second",
        "letter_template": "",
        "name_zh": "二次催收",
        "name_en": "Second collection",
    },
    {
        "code": "letter",
        "sequence": 50,
        "day_offset": 60,
        "channels": ["letter", "email"],
        "owner_role": "collections_team",
        "email_template": "email_letter",
        "letter_template": "letter_dunning",
        "attach_statement": True,
        "name_zh": "催款函",
        "name_en": "Dunning letter",
    },
    {
        "code": "legal",
        "sequence": 60,
        "day_offset": 90,
        "channels": ["letter", "email"],
        "owner_role": "legal",
        "email_template": "email_legal",
        "letter_template": "letter_legal",
        "attach_statement": True,
        "credit_hold": True,
        "case_to_legal": True,
        "name_zh": "追款函",
        "name_en": "Legal demand",
    },
    {
        "code": "lawyer",
        "sequence": 70,
        "day_offset": 120,
        "channels": ["letter", "email"],
        "owner_role": "legal",
        "email_template": "email_lawyer",
        "letter_template": "letter_lawyer",
        "attach_statement": True,
        "litigation_decision": True,
        "write_off_review": True,
        "name_zh": "律师函",
        "name_en": "Lawyer letter",
    },
)


def accelerated_offset(day_offset: int) -> int:
    """Half the days (SPEC §6.1 差异化), rounded up; offsets up to the due date stay as they are
    (a reminder 5 days ahead is as early as it is useful), so +1 stays +1."""
    if day_offset <= 0:
        return day_offset
    return -(-day_offset // 2)


def accelerated_steps(steps: Sequence[dict]) -> list[dict]:
    """The accelerated ladder (SPEC §6.1 差异化; seed 000: 逾期超过90天 → 法律途径 for every
    class): the steps counted from the due date before the legal demand (the first step
    that sends the case to legal) at half the days; the legal steps, and the contacts of
    the credit period, on the standard days."""
    legal_from = min((step["sequence"] for step in steps if step.get("case_to_legal")), default=None)
    return [
        dict(step, day_offset=accelerated_offset(step["day_offset"]))
        if step.get("anchor", DUE) == DUE and (legal_from is None or step["sequence"] < legal_from)
        else dict(step)
        for step in steps
    ]


def premium_steps(steps: Sequence[dict]) -> list[dict]:
    """The premium ladder: no collection call before +30 days (the salesperson's calls of the
    credit period stay)."""
    return [
        dict(step, channels=[c for c in step["channels"] if c != "phone"])
        if step.get("anchor", DUE) == DUE and step["day_offset"] < 30
        else dict(step)
        for step in steps
    ]


def default_policies() -> list[dict]:
    """The seeded policies: standard (default), accelerated (C, D, high-risk: half the days
    before the legal demand) and premium (A, premium: no collection call before +30)."""
    standard = [dict(step) for step in DEFAULT_LADDER]
    return [
        {
            "code": "accelerated",
            "name": "C, D and high-risk customers: the steps before the legal demand at half the days",
            "credit_classes": ["C", "D"],
            "risk_segments": ["high_risk"],
            "priority": 10,
            "is_default": False,
            "steps": accelerated_steps(DEFAULT_LADDER),
        },
        {
            "code": "premium",
            "name": "A and premium customers: no phone call before +30 days",
            "credit_classes": ["A"],
            "risk_segments": ["premium"],
            "priority": 20,
            "is_default": False,
            "steps": premium_steps(DEFAULT_LADDER),
        },
        {
            "code": "standard",
            "name": "Standard ladder",
            "credit_classes": [],
            "risk_segments": [],
            "priority": 100,
            "is_default": True,
            "steps": standard,
        },
    ]
