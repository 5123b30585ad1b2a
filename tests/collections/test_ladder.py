"""The ladder as a pure rule: steps move forward only and are never repeated."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huikuan.collections.ladder import (
    DEFAULT_LADDER,
    Ladder,
    LadderStep,
    Position,
    accelerated_offset,
    default_policies,
)
from huikuan.collections.segments import HIGH_RISK, NORMAL, PREMIUM, risk_segment

DUE_STEPS = [s for s in DEFAULT_LADDER if s.get("anchor", "due") == "due"]
STANDARD = Ladder([LadderStep(s["code"], s["sequence"], s["day_offset"]) for s in DUE_STEPS])
WHOLE = Ladder(
    [LadderStep(s["code"], s["sequence"], s["day_offset"], s.get("anchor", "due")) for s in DEFAULT_LADDER]
)


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
    assert [accelerated_offset(s["day_offset"]) for s in DUE_STEPS] == [-5, 0, 1, 15, 30, 45, 60]


def test_the_accelerated_ladder_shortens_the_steps_before_the_legal_demand_not_the_legal_steps():
    accelerated = next(p for p in default_policies() if p["code"] == "accelerated")
    offsets = {s["code"]: (s.get("anchor", "due"), s["day_offset"]) for s in accelerated["steps"]}
    assert offsets == {
        "delivery_check": ("shipment", 5),
        "goods_invoice_check": ("invoice", 10),
        "pre_due": ("due", -5),
        "due": ("due", 0),
        "first": ("due", 1),
        "second": ("due", 15),
        "letter": ("due", 30),
        "legal": ("due", 90),  # seed 000: legal action at 90 days for every class
        "lawyer": ("due", 120),
    }


@pytest.mark.parametrize("policy", ["standard", "accelerated", "premium"])
@pytest.mark.parametrize(("days_past_due", "step"), [(45, None), (89, None), (90, "legal"), (120, "lawyer")])
def test_every_seeded_policy_takes_the_legal_demand_at_90_days_and_not_before(policy, days_past_due, step):
    spec = next(p for p in default_policies() if p["code"] == policy)
    ladder = Ladder(
        [LadderStep(s["code"], s["sequence"], s["day_offset"], s.get("anchor", "due")) for s in spec["steps"]]
    )
    reached = ladder.reached(Position(days_past_due, 200, 200))
    legal = reached.code if reached and reached.code in ("legal", "lawyer") else None
    assert legal == step


@pytest.mark.parametrize(
    ("position", "step"),
    [
        (Position(-40, 4, 4), None),  # shipped 4 days ago: nothing yet
        (Position(-40, 5, 5), "delivery_check"),  # shipped 5 days ago: the delivery call
        (Position(-40, 9, 9), "delivery_check"),
        (Position(-40, 10, 9), "goods_invoice_check"),  # invoiced 10 days ago
        (Position(-40, 10, 3), "goods_invoice_check"),  # shipped after the invoice: its own axis
        (Position(-5, 40, 40), "pre_due"),
        (Position(1, 40, 40), "first"),
    ],
)
def test_the_contacts_of_the_credit_period_count_from_the_shipment_and_the_invoice(position, step):
    reached = WHOLE.reached(position)
    assert (reached.code if reached else None) == step


def test_a_contact_of_the_credit_period_is_skipped_once_a_later_step_was_taken():
    # Terms of 3 days: the pre-due reminder came before the delivery call's day.
    assert WHOLE.step_due(Position(-2, 5, 5), last_sequence_sent=10) is None
    assert WHOLE.step_due(Position(-40, 5, 5), last_sequence_sent=None).code == "delivery_check"
    assert WHOLE.step_due(Position(-40, 10, 10), last_sequence_sent=4).code == "goods_invoice_check"


def test_offsets_of_one_anchor_must_not_decrease_but_anchors_are_independent():
    Ladder([LadderStep("ship", 1, 30, "shipment"), LadderStep("due", 2, -5)])  # two axes: fine
    with pytest.raises(ValueError, match="must not decrease"):
        Ladder([LadderStep("a", 1, 30, "shipment"), LadderStep("b", 2, 5, "shipment")])


def test_premium_policy_has_no_phone_call_before_30_days():
    premium = next(p for p in default_policies() if p["code"] == "premium")
    channels = {s["code"]: s["channels"] for s in premium["steps"]}
    assert channels["first"] == ["email"]
    assert "phone" in channels["second"]
    # The salesperson's calls of the credit period stay.
    assert channels["delivery_check"] == channels["goods_invoice_check"] == ["phone"]


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
    ("credit_class", "paid_late", "broken", "segment"),
    [
        ("A", 0, False, PREMIUM),
        ("A", 30, False, PREMIUM),
        ("A", 31, False, NORMAL),
        ("A", 60, False, NORMAL),
        ("A", 61, False, HIGH_RISK),
        ("A", 0, True, HIGH_RISK),
        ("B", 10, False, NORMAL),
        ("B", 61, False, HIGH_RISK),
        ("C", 60, False, NORMAL),
        ("D", 0, False, HIGH_RISK),
        ("", 0, False, NORMAL),
    ],
)
def test_risk_segments_from_class_and_payment_history(credit_class, paid_late, broken, segment):
    assert (
        risk_segment(credit_class=credit_class, max_days_paid_late=paid_late, broken_promise_recently=broken)
        == segment
    )
