"""The ladder as a pure rule: steps move forward only and are never repeated."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huikuan.collections.ladder import (
    DEFAULT_LADDER,
    Ladder,
    LadderStep,
    accelerated_offset,
    default_policies,
)
from huikuan.collections.segments import HIGH_RISK, NORMAL, PREMIUM, risk_segment

STANDARD = Ladder([LadderStep(s["code"], s["sequence"], s["day_offset"]) for s in DEFAULT_LADDER])


@pytest.mark.parametrize(
    ("days_past_due", "step"),
    [
        (-6, None),
        (-5, "pre_due"),
        (-1, "pre_due"),
        (0, "due"),
        (1, "first"),
        (29, "first"),
        (30, "second"),
        (60, "letter"),
        (90, "legal"),
        (119, "legal"),
        (120, "lawyer"),
        (5000, "lawyer"),
    ],
)
def test_an_invoice_reaches_the_last_step_whose_offset_it_passed(days_past_due, step):
    reached = STANDARD.reached(days_past_due)
    assert (reached.code if reached else None) == step


def test_an_invoice_first_met_far_overdue_gets_only_the_step_it_reached():
    assert STANDARD.step_due(95, None).code == "legal"
    assert STANDARD.step_due(95, 60) is None  # legal already taken
    assert STANDARD.step_due(95, 70) is None  # a later step was taken: never backwards


def test_half_days_for_the_accelerated_ladder_keep_the_reminder_and_due_notice():
    assert [accelerated_offset(s["day_offset"]) for s in DEFAULT_LADDER] == [-5, 0, 1, 15, 30, 45, 60]


def test_premium_policy_has_no_phone_call_before_30_days():
    premium = next(p for p in default_policies() if p["code"] == "premium")
    channels = {s["code"]: s["channels"] for s in premium["steps"]}
    assert channels["first"] == ["email"]
    assert "phone" in channels["second"]


@given(
    start=st.integers(min_value=-40, max_value=400),
    gaps=st.lists(st.integers(min_value=0, max_value=45), min_size=1, max_size=60),
)
def test_the_ladder_never_repeats_a_step_and_only_moves_forward(start, gaps):
    last, sent, day = None, [], start
    for gap in gaps:
        day += gap
        step = STANDARD.step_due(day, last)
        if step is not None:
            sent.append(step.sequence)
            last = step.sequence
    assert sent == sorted(set(sent))


@pytest.mark.parametrize(
    ("credit_class", "max_days", "broken", "segment"),
    [
        ("A", 0, False, PREMIUM),
        ("A", 30, False, PREMIUM),
        ("A", 31, False, NORMAL),
        ("A", 61, False, HIGH_RISK),
        ("A", 0, True, HIGH_RISK),
        ("B", 10, False, NORMAL),
        ("C", 60, False, NORMAL),
        ("D", 0, False, HIGH_RISK),
        ("", 0, False, NORMAL),
    ],
)
def test_risk_segments_from_class_and_payment_behaviour(credit_class, max_days, broken, segment):
    assert (
        risk_segment(credit_class=credit_class, max_days_overdue=max_days, broken_promise_recently=broken)
        == segment
    )
