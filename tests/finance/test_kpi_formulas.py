"""The KPI formulas on the textbook worked examples, to the digit."""

from __future__ import annotations

from decimal import Decimal

import pytest

from huikuan.finance.kpis import KpiFigures, dso_countback, kpi_values

D = Decimal


def quarter() -> KpiFigures:
    # A 90-day quarter: AR 1,000,000 at the start, credit sales 3,000,000, AR 1,100,000 at the
    # end of which 800,000 is not yet due.
    return KpiFigures(
        days=90,
        opening_ar=D(1_000_000),
        credit_sales=D(3_000_000),
        ending_ar=D(1_100_000),
        ending_current_ar=D(800_000),
    )


def test_quarter_worked_example():
    values = kpi_values(quarter())
    assert values["dso"] == "33.0"
    assert values["bpdso"] == "24.0"
    assert values["add"] == "9.0"
    assert values["cei"] == "90.63"  # 2,900,000 / 3,200,000 = 90.625 %, half up
    assert values["turnover"] == "2.86"  # 3,000,000 / 1,050,000
    assert values["current_pct"] == "72.73"
    assert values["overdue_ratio"] == "27.27"


MONTHS = [(D(2500), 30), (D(1750), 31), (D(2250), 31), (D(2500), 30), (D(2000), 31), (D(2250), 30)]


@pytest.mark.parametrize(("ar", "expected"), [(12_000, "166.3"), (13_000, "179.7")])
def test_countback_worked_example(ar, expected):
    # Sep, Aug, Jul, Jun, May, Apr: five months used up whole (153 days), then Apr's share.
    figures = KpiFigures(
        days=30, ending_ar=D(ar), months=[s for s, _ in MONTHS], month_days=[d for _, d in MONTHS]
    )
    assert kpi_values(figures)["dso_countback"] == expected


def test_countback_edges():
    assert dso_countback(D(0), MONTHS) == 0
    assert dso_countback(D(2500), MONTHS) == 30  # exactly the last month's sales
    assert dso_countback(D(1_000_000), MONTHS) == 183  # every month used: the look-back's days
    assert dso_countback(D(100), []) is None


def test_zero_denominators_give_null():
    values = kpi_values(KpiFigures(days=30))
    assert set(values.values()) == {None}


def test_paid_days_and_collection_rate():
    figures = quarter()
    # 600 paid 10 days late and 400 paid 5 days early; invoiced 40 and 25 days before.
    figures.paid = D(1000)
    figures.paid_days_late = D(600 * 10 - 400 * 5)
    figures.paid_days_from_invoice = D(600 * 40 + 400 * 25)
    figures.receipts, figures.overdue_at_start, figures.falling_due = D(950), D(200), D(800)
    figures.written_off = D(15_000)
    values = kpi_values(figures)
    assert values["add_paid"] == "4.0"
    assert values["collection_cycle"] == "34.0"
    assert values["collection_rate"] == "95.00"
    assert values["bad_debt_ratio"] == "0.50"


def test_totals_add_figures_not_ratios():
    a, b = quarter(), quarter()
    b.ending_current_ar = D(1_100_000)
    a.add(b)
    assert a.ending_ar == D(2_200_000) and a.days == 90
    assert kpi_values(a)["bpdso"] == "28.5"
