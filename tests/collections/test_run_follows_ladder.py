"""The dunning run takes the step the ladder's own rule (``Ladder.step_due``) names: its
lookup table is built from the ladder, so the two cannot drift apart."""

from __future__ import annotations

from datetime import timedelta

import pytest

from huikuan.collections.ladder import Ladder, LadderStep, Position, default_policies
from huikuan.collections.models import DunningClaim
from huikuan.collections.run import dunning_run
from huikuan.collections.run.plan import DueSteps, Step
from tests.collections.conftest import MARCH_1

# A ladder unlike the seeded ones: uneven sequences, two steps on one day, a long gap, and
# steps counted from the shipment and the invoice between and after due-date steps.
ODD = [
    ("shipped", 2, 3, "shipment"),
    ("early", 5, -3, "due"),
    ("invoiced", 9, 20, "invoice"),
    ("same_a", 17, 0, "due"),
    ("same_b", 18, 0, "due"),
    ("late", 99, 45, "due"),
    ("very_late_ship", 110, 200, "shipment"),
    ("last", 120, 400, "due"),
]
# (days since the invoice date, days since the shipment date) around the offsets above
SINCE = [(0, 0), (-4, -4), (3, 3), (20, 2), (2, 20), (25, 25), (300, 199), (300, 200), (900, 900)]


def _ladders() -> list[list[tuple[str, int, int, str]]]:
    seeded = [
        [(s["code"], s["sequence"], s["day_offset"], s.get("anchor", "due")) for s in p["steps"]]
        for p in default_policies()
    ]
    return [*seeded, ODD]


@pytest.mark.parametrize("spec", _ladders(), ids=lambda spec: spec[0][0] + f"/{len(spec)}")
def test_the_runs_table_answers_what_the_ladder_answers_for_every_day_and_history(spec):
    ladder = Ladder([LadderStep(*step) for step in spec])
    steps = {
        code: Step(code, sequence, offset, ("email",), "collector", False, False, False, anchor)
        for code, sequence, offset, anchor in spec
    }
    table = DueSteps(ladder, steps)
    # The sequences of this ladder, none, and ones of another policy (a customer whose
    # segment changed: its invoices carry the other ladder's history).
    histories = [None, *(step[1] for step in spec), 1, 15, 45, 65, 1000]
    for days in range(-30, 500):
        for since_invoice, since_shipment in SINCE:
            for last in histories:
                expected = ladder.step_due(Position(days, since_invoice, since_shipment), last)
                got = table.step_due(days, since_invoice, since_shipment, last)
                assert (got and got.code) == (expected and expected.code), (days, since_invoice, last)


def test_the_run_asks_the_ladder_which_step_is_due(make_customer, make_invoice, monkeypatch):
    """Change the ladder's rule and the run follows: the run has no rule of its own."""
    customer = make_customer("R")
    make_invoice(customer, "R-70", MARCH_1 - timedelta(days=70))  # the letter step by the standard ladder
    make_invoice(customer, "R-5", MARCH_1 - timedelta(days=5))  # the first collection step

    asked: list[tuple[Position, int | None]] = []

    def first_step_always(self: Ladder, position: Position, last_sequence_sent: int | None):
        asked.append((position, last_sequence_sent))
        return self.steps[0] if last_sequence_sent is None else None

    monkeypatch.setattr(Ladder, "step_due", first_step_always)
    dunning_run(date=MARCH_1)

    assert set(DunningClaim.objects.values_list("invoice__number", "step_code")) == {
        ("R-70", "delivery_check"),
        ("R-5", "delivery_check"),
    }
    assert asked  # the run's table was filled by the ladder's rule
