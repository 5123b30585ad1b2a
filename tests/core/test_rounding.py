"""Money is rounded by one function with one rule: ``quantize_cents``, to the cent, half away
from zero. Ratios, percentages and scores are rounded by ``quantize_ratio``, by the same rule.
A bare ``.quantize(`` anywhere else in the code (banker's rounding by default) is refused."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from huikuan.collections.performance import PerformanceRow
from huikuan.core.money import functional_amount, is_whole_cents, quantize_cents, quantize_ratio
from huikuan.correspondence.filters import money
from huikuan.correspondence.selectors import open_items_total
from huikuan.credit.fees import overdue_fee

HUIKUAN = Path(__file__).resolve().parents[2] / "huikuan"


@pytest.mark.parametrize(
    "amount, rounded",
    [("0.005", "0.01"), ("0.015", "0.02"), ("2.675", "2.68"), ("0.0049", "0.00"), ("-0.005", "-0.01")],
)
def test_money_is_rounded_half_up_at_half_a_cent(amount, rounded):
    assert quantize_cents(Decimal(amount)) == Decimal(rounded)


def test_a_ratio_is_rounded_by_the_same_rule():
    assert quantize_ratio(Decimal("3.125"), Decimal("0.01")) == Decimal("3.13")
    assert quantize_ratio(Decimal("0.00125"), Decimal("0.0001")) == Decimal("0.0013")


def test_whole_cents_are_what_a_person_may_enter():
    assert is_whole_cents(Decimal("10.10"))
    assert not is_whole_cents(Decimal("10.105"))


def test_a_foreign_amount_at_half_a_cent_converts_up_everywhere(db):
    # 0.25 USD at 0.5 is 0.125: a letter's total and the functional amount both say 0.13.
    assert functional_amount(Decimal("0.25"), Decimal("0.5")) == Decimal("0.13")
    items = [
        {"open_amount": Decimal("0.25"), "currency": "USD", "fx_rate": Decimal("0.5")},
        {"open_amount": Decimal("1.00"), "currency": "CNY", "fx_rate": Decimal(1)},
    ]
    assert open_items_total(items)[0] == Decimal("1.13")


def test_the_template_filter_and_the_overdue_fee_round_half_up():
    assert money(Decimal("1234.565")) == "1,234.57"
    # 3650 × 0.001 × 1 / 365 = 0.01 exactly; 1825 × 0.001 × 1 / 365 = 0.005 → 0.01.
    assert overdue_fee(balance=Decimal("1825"), annual_rate=Decimal("0.001"), days=1) == Decimal("0.01")


def test_a_percentage_at_a_half_rounds_up():
    # 1 kept of 32 resolved is 3.125 %: 3.13, where banker's rounding said 3.12.
    assert PerformanceRow(group="g", promises_kept=1, promises_broken=31).promises_kept_percent == Decimal(
        "3.13"
    )


def test_no_bare_quantize_outside_the_money_module():
    offenders = [
        f"{path.relative_to(HUIKUAN)}:{number}"
        for path in HUIKUAN.rglob("*.py")
        if "migrations" not in path.parts and path.relative_to(HUIKUAN).as_posix() != "core/money.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\.quantize\(", line)
    ]
    assert offenders == [], "round money with quantize_cents, ratios with quantize_ratio (huikuan.core.money)"
