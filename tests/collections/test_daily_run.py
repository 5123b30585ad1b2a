"""A simulated month of daily runs over a ledger with invoices at every offset of the ladder."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from huikuan.collections.models import DunningAction, DunningClaim, DunningRun, Penalty
from huikuan.collections.run import dunning_run
from huikuan.collections.services import dispute_open, dispute_resolve, plan_create, promise_make
from tests.collections.conftest import MARCH_1, actions_on, steps_taken


def day(n: int) -> date:
    return MARCH_1 + timedelta(days=n)


@pytest.fixture
def month_ledger(make_customer, make_invoice):
    # Nothing of S, S2 is more than 60 days overdue at first: the standard ladder.
    standard = make_customer("S")
    for number, due in [("S-PRE", 8), ("S-NEW", 2), ("S-28", -28), ("S-28B", -28), ("S-LATE", 40)]:
        make_invoice(standard, number, day(due))
    make_invoice(make_customer("S2"), "S2-58", day(-58))
    # H is far overdue, class B: the standard ladder all the same (the risk segment never
    # follows the days overdue the ladder escalates on).
    far = make_customer("H")
    for number, due in [("H-50", -50), ("H-90", -90), ("H-200", -200)]:
        make_invoice(far, number, day(due))
    make_invoice(make_customer("C", "C"), "C-14", day(-14))
    make_invoice(make_customer("P", "A"), "P-1", day(-1))

    paused = make_customer("Q")
    make_invoice(paused, "Q-DISP", day(-1), disputed=True)
    whole = make_invoice(paused, "Q-DSP2", day(-1))
    part = make_invoice(paused, "Q-PART", day(-1))
    full_dispute = dispute_open(
        invoice=whole,
        amount=Decimal("1000.00"),
        reason_code="quality",
        owner="zhang.wei",
        opened_on=day(-3),
        opened_by="zhang.wei",
    )
    dispute_open(
        invoice=part,
        amount=Decimal("100.00"),
        reason_code="price",
        owner="zhang.wei",
        opened_on=day(-3),
        opened_by="zhang.wei",
    )
    promised = make_customer("R")
    promise_make(
        customer=promised,
        promised_date=day(9),
        amount=Decimal("500.00"),
        made_on=day(-1),
        made_by="zhang.wei",
        invoices=[make_invoice(promised, "R-1", day(-1))],
    )
    planned = make_customer("T")
    make_invoice(planned, "T-1", day(-1))
    plan_create(
        customer=planned,
        starts_on=day(-1),
        instalments=[(day(40), Decimal("1000.00"))],
        created_by="zhang.wei",
    )
    return {"full_dispute": full_dispute}


EXPECTED = {
    # The standard ladder (class B): −5, 0, +1, +30, +60, +90, +120.
    # S-PRE, invoiced 22 days before day 0: the goods-and-invoice confirmation (invoice +10).
    ("S-PRE", "goods_invoice_check", day(0)),
    # S-LATE, invoiced (no shipment date known) the day before day 0: the delivery call
    # (shipment +5), then the goods-and-invoice confirmation (invoice +10).
    ("S-LATE", "delivery_check", day(4)),
    ("S-LATE", "goods_invoice_check", day(9)),
    ("S-NEW", "pre_due", day(0)),  # met at −2: the reminder, late but not skipped
    ("S-NEW", "due", day(2)),
    ("S-NEW", "first", day(3)),
    ("S-PRE", "pre_due", day(3)),
    ("S-PRE", "due", day(8)),
    ("S-PRE", "first", day(9)),
    ("S-28", "first", day(0)),  # met at +28: first collection only, nothing before it
    ("S-28", "second", day(2)),
    ("S-28B", "first", day(0)),
    ("S-28B", "second", day(2)),
    ("S2-58", "second", day(0)),
    ("S2-58", "letter", day(2)),  # +60; the legal demand would be at +90, after the month
    # Far overdue, class B: the standard days, the legal demand at +90, never sooner.
    ("H-50", "second", day(0)),
    ("H-50", "letter", day(10)),
    ("H-90", "legal", day(0)),
    ("H-90", "lawyer", day(30)),
    ("H-200", "lawyer", day(0)),
    # Class C, half the days before the legal demand: +1, +15, +30 (legal +90, lawyer +120).
    ("C-14", "first", day(0)),
    ("C-14", "second", day(1)),
    ("C-14", "letter", day(16)),
    # Class A (premium policy): the +30 step on its day.
    ("P-1", "first", day(0)),
    ("P-1", "second", day(29)),
    # Partly disputed: the undisputed rest is dunned.
    ("Q-PART", "first", day(0)),
    ("Q-PART", "second", day(29)),
    # The full dispute is resolved on day 10: the step reached then, none skipped before.
    ("Q-DSP2", "first", day(10)),
    ("Q-DSP2", "second", day(29)),
    # The promise of day 9 is broken on day 10: R is high-risk now, on the half-days ladder.
    ("R-1", "first", day(10)),
    ("R-1", "second", day(14)),
    ("R-1", "letter", day(29)),
}


def run_month(month_ledger, *, resolve_on: int = 10) -> None:
    for n in range(31):
        if n == resolve_on:
            dispute_resolve(
                dispute=month_ledger["full_dispute"],
                resolution="credit note promised",
                root_cause="packaging",
                resolved_on=day(n),
            )
        dunning_run(date=day(n))


def test_a_month_of_daily_runs_takes_exactly_the_right_steps_on_the_right_days(month_ledger):
    run_month(month_ledger)
    assert steps_taken() == EXPECTED
    assert DunningRun.objects.count() == 31


def test_one_action_per_customer_step_and_channel_lists_all_its_invoices(month_ledger):
    dunning_run(date=day(0))
    assert [a for a in actions_on(day(0)) if a[0] in ("S", "H")] == [
        ("H", "lawyer", "email", ("H-200",), "legal"),
        ("H", "lawyer", "letter", ("H-200",), "legal"),
        ("H", "legal", "email", ("H-90",), "legal"),
        ("H", "legal", "letter", ("H-90",), "legal"),
        ("H", "second", "email", ("H-50",), "zhang.wei"),
        ("H", "second", "phone", ("H-50",), "zhang.wei"),
        ("S", "first", "email", ("S-28", "S-28B"), "zhang.wei"),
        ("S", "first", "phone", ("S-28", "S-28B"), "zhang.wei"),
        # The salesperson's call task of the credit period: nothing is sent to the customer.
        ("S", "goods_invoice_check", "phone", ("S-PRE",), "li.na"),
        ("S", "pre_due", "email", ("S-NEW",), "li.na"),
    ]
    dunning_run(date=day(2))
    assert ("S2", "letter", "letter", ("S2-58",), "zhang.wei") in actions_on(day(2))
    premium = [a[2] for a in actions_on(day(0)) if a[0] == "P"]
    assert premium == ["email"]  # no phone call for class A before +30


def test_the_legal_step_records_a_credit_hold(month_ledger):
    dunning_run(date=day(0))
    legal = DunningAction.objects.get(customer__code="H", step_code="legal", channel="letter")
    assert legal.credit_hold and legal.case_to_legal
    assert Penalty.objects.filter(customer__code="H", kind="credit_hold", action=legal).exists()
    assert not Penalty.objects.filter(customer__code="S").exists()
    from huikuan.collections.run import holds_place
    from huikuan.credit.models import CreditHold
    from huikuan.ledger.models import Customer

    assert Customer.objects.get(code="H").status == "active"  # until the run has committed
    assert holds_place() == 1
    assert holds_place() == 0  # carried out once
    [hold] = CreditHold.objects.filter(customer__code="H")
    assert (hold.source, hold.placed_on) == ("dunning", day(0))
    assert Customer.objects.get(code="H").status == "credit_hold"
    assert not CreditHold.objects.filter(customer__code="S").exists()


def test_running_a_day_twice_or_a_past_day_again_does_nothing_new(month_ledger):
    for n in range(6):
        dunning_run(date=day(n))
    claims, actions = DunningClaim.objects.count(), DunningAction.objects.count()
    again = dunning_run(date=day(5))
    past = dunning_run(date=day(2))
    assert again.actions == [] and past.actions == []
    assert (DunningClaim.objects.count(), DunningAction.objects.count()) == (claims, actions)
    assert DunningRun.objects.get(run_date=day(5)).invocations == 2


def test_a_dry_run_shows_the_actions_and_changes_nothing(month_ledger):
    preview = dunning_run(date=day(0), dry_run=True)
    assert not DunningClaim.objects.exists() and not DunningAction.objects.exists()
    done = dunning_run(date=day(0))
    assert preview.actions == done.actions
    assert len(done.actions) == DunningAction.objects.count()


def test_a_paid_invoice_leaves_the_ladder(month_ledger, pay):
    from huikuan.ledger.models import Invoice

    pay(Invoice.objects.get(number="S-PRE").customer, day(1), "1000.00", Invoice.objects.get(number="S-PRE"))
    run_month(month_ledger)
    # Only the contact of the credit period taken on day 0, before the payment of day 1.
    assert {s for s in steps_taken() if s[0] == "S-PRE"} == {("S-PRE", "goods_invoice_check", day(0))}


def test_an_active_payment_plan_pauses_every_invoice_of_the_customer(month_ledger):
    run_month(month_ledger)
    assert {s for s in steps_taken() if s[0].startswith("T-")} == set()
    assert {s for s in steps_taken() if s[0] == "Q-DISP"} == set()


def test_the_cli_lists_the_actions_as_json(month_ledger, huikuan):
    result = huikuan("dunning", "run", "--date", "2026-03-01", "--json")
    assert result.code == 0, result.stderr
    data = result.json()
    assert data["date"] == "2026-03-01"
    first = next(a for a in data["actions"] if a["customer_code"] == "S" and a["step"] == "first")
    assert set(first) == {"customer_code", "step", "channel", "invoice_numbers", "assigned_to"}
    assert first["invoice_numbers"] == ["S-28", "S-28B"]
    assert data["already_ran"] is False
    assert data["actions_count"] == len(data["actions"])
    assert data["invoices_stepped"] > 0 and data["invoices_considered"] >= data["invoices_stepped"]


def test_a_run_for_a_date_already_run_says_so_with_its_counts(month_ledger, huikuan):
    first = huikuan("dunning", "run", "--date", "2026-03-01", "--json").json()
    for dry_run in (["--dry-run"], []):
        again = huikuan("dunning", "run", "--date", "2026-03-01", "--json", *dry_run).json()
        assert again["actions"] == [] and again["actions_count"] == 0
        assert again["already_ran"] is True, dry_run
        assert again["dry_run"] is bool(dry_run)
        assert again["invoices_considered"] == first["invoices_considered"]
        assert again["invoices_stepped"] == 0
        assert again["invoices_paused"] == first["invoices_paused"]
    text = huikuan("dunning", "run", "--date", "2026-03-01", "--dry-run").stdout
    assert "would take 0 step(s)" in text and "Already ran for 2026-03-01" in text
    # A date not run yet: a dry run says it has not.
    fresh = huikuan("dunning", "run", "--date", "2026-03-02", "--dry-run", "--json").json()
    assert fresh["already_ran"] is False


def test_the_api_run_says_whether_the_date_already_ran(
    month_ledger, client, django_user_model, django_capture_on_commit_callbacks
):
    from rest_framework.test import APIClient

    manager = django_user_model.objects.create_superuser("boss", "boss@example.com", "x")
    api = APIClient()
    api.force_authenticate(manager)
    before = api.post("/api/dunning/run", {"date": "2026-03-01", "dry_run": True}, format="json").json()
    assert before["already_ran"] is False and before["actions_count"] > 0
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post("/api/dunning/run", {"date": "2026-03-01"}, format="json")
    assert first.status_code == 202, first.content  # queued; a worker runs it (here: at once)
    again = api.post("/api/dunning/run", {"date": "2026-03-01", "dry_run": True}, format="json").json()
    assert (again["already_ran"], again["actions"], again["invoices_stepped"]) == (True, [], 0)


def test_the_cli_refuses_a_bad_date(db, huikuan):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        huikuan("dunning", "run", "--date", "1.3.2026")


def test_a_database_without_any_policy_gets_the_default_ladder(month_ledger):
    from huikuan.collections.models import DunningPolicy, DunningStep

    DunningStep.objects.all().delete()
    DunningPolicy.objects.all().delete()
    dunning_run(date=day(0))
    assert set(DunningPolicy.objects.values_list("code", flat=True)) == {"standard", "accelerated", "premium"}
    assert ("S-28", "first", day(0)) in steps_taken()
