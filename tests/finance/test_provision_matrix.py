"""The roll-rate chain on the textbook cohort, and the provision it gives, to the cent."""

from __future__ import annotations

from decimal import Decimal

from huikuan.core.money import quantize_ratio
from huikuan.finance.provision import (
    BUCKETS,
    Flow,
    ProvisionLine,
    bucket_entry_days,
    cohort_flows,
    journal,
    loss_rates,
    provision_total,
)

D = Decimal
# A cohort of 100,000: 50,000 paid on time, 27,000 in 1–30 days late, 15,000 in 31–60, 6,000
# in 61–90, and 2,000 never. What was still unpaid on entering each aging bucket:
ENTERED = [D(100_000), D(50_000), D(23_000), D(8_000), D(2_000), D(2_000), D(2_000)]


def test_buckets_are_the_agings():
    assert BUCKETS == ("current", "1-30", "31-60", "61-90", "91-180", "181-360", "361+")
    assert bucket_entry_days() == [None, 1, 31, 61, 91, 181, 361]


def test_roll_rates_of_the_cohort():
    rolls = [flow.roll_rate for flow in cohort_flows(ENTERED)]
    assert [quantize_ratio(r, D("0.0001")) for r in rolls] == [
        D("0.5000"), D("0.4600"), D("0.3478"), D("0.2500"), D("1.0000"), D("1.0000"),
    ]  # fmt: skip


def test_loss_rates_and_provision_of_the_cohort():
    rates = loss_rates(cohort_flows(ENTERED), last_bucket_loss=D(1))
    shown = [quantize_ratio(rate * 100, D("0.01")) for rate in rates]
    assert shown == [D("2.00"), D("4.00"), D("8.70"), D("25.00"), D("100.00"), D("100.00"), D("100.00")]
    balances = [D(300_000), D(140_000), D(60_000), D(23_000), D(5_000)]
    lines = [
        ProvisionLine("X", "X", "all", b, bal, r) for b, bal, r in zip(BUCKETS, balances, rates, strict=False)
    ]
    assert [line.provision for line in lines] == [
        D("6000.00"),
        D("5600.00"),
        D("5217.39"),
        D("5750.00"),
        D("5000.00"),
    ]
    # The exact rate, not the 8.70 % shown: 60,000 × 2,000 / 23,000 = 5,217.39.
    assert provision_total(lines) == D("27567.39")


def test_forward_looking_adjustment_and_no_history():
    rates = loss_rates(cohort_flows(ENTERED), last_bucket_loss=D(1), adjustment=D("0.10"))
    assert rates[0] == D("0.022") and rates[3] == D("0.275") and rates[4] == D(1)  # capped at 100 %
    assert loss_rates([Flow(D(0), D(0))], last_bucket_loss=D("0.5")) == [D("0.5"), D("0.5")]


def test_journal_lines():
    accounts = {"impairment_loss": "6702", "allowance": "1231"}
    assert journal(D("100.00"), accounts) == [("6702", D("100.00"), D(0)), ("1231", D(0), D("100.00"))]
    assert journal(D("-40.00"), accounts) == [("1231", D("40.00"), D(0)), ("6702", D(0), D("40.00"))]
    assert journal(D(0), accounts) == []
