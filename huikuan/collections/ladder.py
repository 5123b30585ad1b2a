"""Which dunning step an invoice has reached (SPEC §6.1). Pure; no ORM.

A ladder is a policy's steps in sequence order, each with its day offset relative to the
due date. An invoice ``days_past_due`` days past its due date (negative before it) has
reached the last step whose offset it has passed. The run sends that step only when it
lies beyond every step already sent for the invoice: steps move forward only, none is
repeated, and an invoice first met past several offsets gets only the step it reached.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class LadderStep:
    code: str
    sequence: int
    day_offset: int


class Ladder:
    """A policy's steps, ordered; offsets must not decrease along the sequence."""

    def __init__(self, steps: Sequence[LadderStep]) -> None:
        ordered = sorted(steps, key=lambda step: step.sequence)
        offsets = [step.day_offset for step in ordered]
        if offsets != sorted(offsets):
            raise ValueError("a ladder's day offsets must not decrease along its sequence")
        self.steps = tuple(ordered)
        self._offsets = offsets

    def reached(self, days_past_due: int) -> LadderStep | None:
        """The last step whose offset ``days_past_due`` has reached; None before the first."""
        position = bisect_right(self._offsets, days_past_due)
        return self.steps[position - 1] if position else None

    def step_due(self, days_past_due: int, last_sequence_sent: int | None) -> LadderStep | None:
        """The step to send today, or None: the reached step if it is beyond the last one sent."""
        step = self.reached(days_past_due)
        if step is None:
            return None
        if last_sequence_sent is not None and step.sequence <= last_sequence_sent:
            return None
        return step


# The default ladder of SPEC §6.1: (code, sequence, day offset, channels, owner role,
# email template, letter template, whether its emails attach the statement PDF, effects, names).
# The reminders (pre-due to second collection) send no PDF; the formal-letter steps attach it.
DEFAULT_LADDER = (
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


def default_policies() -> list[dict]:
    """The seeded policies: standard (default), accelerated (C, D, high-risk: half the days)
    and premium (A, premium: no phone call before +30)."""
    standard = [dict(step) for step in DEFAULT_LADDER]
    accelerated = [dict(step, day_offset=accelerated_offset(step["day_offset"])) for step in DEFAULT_LADDER]
    premium = [
        dict(step, channels=[c for c in step["channels"] if c != "phone"])
        if step["day_offset"] < 30
        else dict(step)
        for step in DEFAULT_LADDER
    ]
    return [
        {
            "code": "accelerated",
            "name": "C, D and high-risk customers: each step at half the days",
            "credit_classes": ["C", "D"],
            "risk_segments": ["high_risk"],
            "priority": 10,
            "is_default": False,
            "steps": accelerated,
        },
        {
            "code": "premium",
            "name": "A and premium customers: no phone call before +30 days",
            "credit_classes": ["A"],
            "risk_segments": ["premium"],
            "priority": 20,
            "is_default": False,
            "steps": premium,
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
