"""Legal action at 90 days for every class (seed 000: 逾期超过90天 → 法律途径): the risk segment
comes from the class and the payment history, never from the days overdue the ladder
escalates on, and the accelerated ladder shortens only the steps before the legal demand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from huikuan.collections.models import DunningAction, DunningClaim
from huikuan.collections.run import dunning_run
from huikuan.collections.selectors import customer_segment, customers_paid_late
from huikuan.core.policy import policy_set
from tests.collections.conftest import MARCH_1, steps_taken


def day(n: int) -> date:
    return MARCH_1 + timedelta(days=n)


def claims_of(number: str) -> list[str]:
    return list(
        DunningClaim.objects.filter(invoice__number=number)
        .order_by("sequence")
        .values_list("step_code", flat=True)
    )


def test_a_never_dunned_class_b_invoice_at_90_days_gets_the_legal_demand_not_the_lawyers_letter(
    make_customer, make_invoice
):
    customer = make_customer("B90", "B")
    make_invoice(customer, "B90-1", day(-90))
    dunning_run(date=day(0))
    assert claims_of("B90-1") == ["legal"]
    letter = DunningAction.objects.get(customer=customer, channel="letter")
    assert (letter.step_code, letter.case_to_legal, letter.credit_hold) == ("legal", True, True)
    assert customer_segment(customer=customer, as_of=day(0)) == "normal"  # not high-risk for being overdue
    # The lawyer's letter comes on its own day, +120.
    dunning_run(date=day(29))
    assert claims_of("B90-1") == ["legal"]
    dunning_run(date=day(30))
    assert claims_of("B90-1") == ["legal", "lawyer"]


def test_a_class_b_invoice_a_day_short_of_90_days_gets_the_dunning_letter(make_customer, make_invoice):
    make_invoice(make_customer("B89", "B"), "B89-1", day(-89))
    dunning_run(date=day(0))
    assert claims_of("B89-1") == ["letter"]


@pytest.mark.parametrize("credit_class", ["C", "D"])
def test_a_class_c_or_d_invoice_at_45_days_does_not_get_the_legal_demand(
    make_customer, make_invoice, credit_class
):
    customer = make_customer(f"X{credit_class}", credit_class)
    make_invoice(customer, f"X{credit_class}-45", day(-45))
    dunning_run(date=day(0))
    # The accelerated ladder: the dunning letter at +30 (half the standard +60), no legal step.
    assert claims_of(f"X{credit_class}-45") == ["letter"]
    assert not DunningAction.objects.filter(customer=customer, case_to_legal=True).exists()
    dunning_run(date=day(44))  # +89
    assert claims_of(f"X{credit_class}-45") == ["letter"]
    dunning_run(date=day(45))  # +90: the legal demand, as for every class
    assert claims_of(f"X{credit_class}-45") == ["letter", "legal"]


def test_the_segment_follows_the_payment_history_not_what_is_still_open(make_customer, make_invoice, pay):
    late_payer = make_customer("LP", "B")
    paid = make_invoice(late_payer, "LP-OLD", day(-100))
    pay(late_payer, day(-39), "1000.00", paid)  # paid 61 days after its due date
    make_invoice(late_payer, "LP-NEW", day(-16))
    far_overdue = make_customer("FO", "B")
    make_invoice(far_overdue, "FO-1", day(-200))

    assert customers_paid_late(as_of=day(0), history_days=365) == {late_payer.pk: 61}
    assert customer_segment(customer=late_payer, as_of=day(0)) == "high_risk"
    assert customer_segment(customer=far_overdue, as_of=day(0)) == "normal"
    dunning_run(date=day(0))
    # High-risk by its history: the accelerated ladder's second collection at +15.
    assert ("LP-NEW", "second", day(0)) in steps_taken()
    # The history has a horizon: a year later the late payment no longer counts.
    assert customer_segment(customer=late_payer, as_of=day(-39 + 365)) == "normal"
    assert customer_segment(customer=late_payer, as_of=day(-39 + 364)) == "high_risk"


def test_paid_late_within_the_limit_keeps_the_segment(make_customer, make_invoice, pay):
    customer = make_customer("PA", "A")
    paid = make_invoice(customer, "PA-OLD", day(-100))
    pay(customer, day(-70), "1000.00", paid)  # 30 days late: still premium
    assert customer_segment(customer=customer, as_of=day(0)) == "premium"
    policy_set(key="COLLECTIONS_PREMIUM_MAX_DAYS_PAID_LATE", value=29)
    assert customer_segment(customer=customer, as_of=day(0)) == "normal"


def test_a_far_overdue_customer_stays_on_its_ladder_day_after_day(make_customer, make_invoice):
    """Before: at +61 a class B customer turned high-risk and jumped to the accelerated
    ladder's lawyer's letter. Now its invoices follow the standard days."""
    customer = make_customer("ST", "B")
    make_invoice(customer, "ST-1", day(-58))
    for n in range(0, 33):
        dunning_run(date=day(n))
    assert {(number, step, on) for number, step, on in steps_taken() if number == "ST-1"} == {
        ("ST-1", "second", day(0)),
        ("ST-1", "letter", day(2)),
        ("ST-1", "legal", day(32)),
    }
    assert DunningAction.objects.filter(customer=customer, step_code="lawyer").count() == 0


@pytest.mark.parametrize(
    ("segment", "days", "probability"),
    [
        ("premium", 30, "0.20"),  # its own base rate up to 30 days overdue
        ("premium", 31, "0.40"),  # then weighed as a normal customer
        ("normal", 60, "0.50"),
        ("normal", 61, "0.80"),  # beyond 60 days: the high-risk base rate
        ("high_risk", 0, "0.60"),
    ],
)
def test_the_worklist_weighs_what_is_overdue_now_though_the_segment_does_not(segment, days, probability):
    from decimal import Decimal

    from huikuan.collections.segments import late_payment_probability

    rates = {"premium": Decimal("0.10"), "normal": Decimal("0.30"), "high_risk": Decimal("0.60")}
    assert late_payment_probability(
        segment=segment, days_overdue=days, base_by_segment=rates, per_30_days=Decimal("0.10")
    ) == Decimal(probability)
