"""Money, percentages, scaled decimal fields, closing dates and payment terms.

Pure rules, checked with plain pytest and hypothesis (STYLE §4); one round trip goes
through the database to show the scaled field stores exactly what it was given.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from huikuan.core.fields import ScaledDecimalField
from huikuan.core.money import (
    CurrencyMismatch,
    Money,
    from_minor_units,
    percentages_summing_to_100,
    to_decimal,
    to_minor_units,
)
from huikuan.ledger.balances import closing_date
from huikuan.ledger.models import Customer, Invoice
from huikuan.ledger.terms import due_date_for, term_days_for

cents = st.integers(min_value=0, max_value=10**13)
positive_cents = st.integers(min_value=1, max_value=10**13)
business_dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))


def money(amount: str, currency: str = "CNY") -> Money:
    return Money(Decimal(amount), currency)


# --- Money ---------------------------------------------------------------------------


@pytest.mark.parametrize("amount", [0.1, 100.0, float("nan")])
def test_money_refuses_a_float_amount(amount):
    with pytest.raises(TypeError, match="never a float"):
        Money(amount, "CNY")
    with pytest.raises(TypeError, match="never a float"):
        to_decimal(amount)


def test_money_reads_strings_and_ints_exactly():
    assert Money("0.10", "CNY").amount == Decimal("0.10")
    assert Money(7, "USD").amount == Decimal(7)
    assert money("0.1") + money("0.2") == money("0.3")


@pytest.mark.parametrize("combine", [lambda a, b: a + b, lambda a, b: a - b])
def test_money_refuses_to_combine_two_currencies(combine):
    with pytest.raises(CurrencyMismatch, match="CNY and USD"):
        combine(money("1.00", "CNY"), money("1.00", "USD"))


@pytest.mark.parametrize("currency", ["cny", "CN", "RMB1", "元元元"])
def test_money_refuses_what_is_not_an_iso_currency_code(currency):
    with pytest.raises(ValueError, match="ISO 4217"):
        Money(Decimal(1), currency)


@given(minor=st.integers(min_value=-(10**12), max_value=10**12), other=cents)
def test_money_adds_and_subtracts_exactly_in_one_currency(minor, other):
    a, b = Money(from_minor_units(minor), "CNY"), Money(from_minor_units(other), "CNY")
    assert (a + b) - b == a
    assert a + (b - b) == a


def test_money_converts_at_a_rate_rounding_half_up_to_the_cent():
    # 0.50 USD × 7.123456 = 3.561728 → 3.56; 0.01 × 0.5 = 0.005 → 0.01 (half up).
    assert money("0.50", "USD").converted(Decimal("7.123456"), "CNY") == money("3.56")
    assert money("0.01", "USD").converted(Decimal("0.5"), "CNY") == money("0.01")


# --- Shares that add up --------------------------------------------------------------


def test_shares_of_the_seed_002_table_reproduce_its_percentages():
    parts = [Decimal(p) for p in ("170000", "20000", "40000", "20000", "20000", "0", "0")]
    shares = percentages_summing_to_100(parts, sum(parts))
    assert [str(s) for s in shares] == ["62.96", "7.41", "14.81", "7.41", "7.41", "0.00", "0.00"]


@given(parts=st.lists(cents, min_size=1, max_size=12).filter(any))
def test_shares_of_a_non_zero_total_always_sum_to_exactly_100(parts):
    amounts = [from_minor_units(p) for p in parts]
    total = sum(amounts, Decimal(0))
    shares = percentages_summing_to_100(amounts, total)
    assert sum(shares) == Decimal("100.00")
    for amount, share in zip(amounts, shares, strict=True):
        assert share == share.quantize(Decimal("0.01"))
        exact = amount * 100 / total
        # Largest remainder: each share is its exact value rounded down or up by one cent.
        assert share - Decimal("0.01") < exact <= share + Decimal("0.01")
        assert share >= 0
        if amount == 0:
            assert share == 0


@given(size=st.integers(min_value=0, max_value=8))
def test_shares_of_a_zero_total_are_all_zero(size):
    assert percentages_summing_to_100([Decimal(0)] * size, Decimal(0)) == [Decimal("0.00")] * size


# --- ScaledDecimalField ----------------------------------------------------------------


@given(minor=st.integers(min_value=-(2**63) + 1, max_value=2**63 - 1))
def test_scaled_field_round_trips_every_cent_amount(minor):
    field = ScaledDecimalField()
    amount = from_minor_units(minor)
    stored = field.get_prep_value(amount)
    assert stored == minor
    assert field.from_db_value(stored, None, None) == amount
    assert to_minor_units(amount) == minor


@given(millionths=st.integers(min_value=1, max_value=10**12))
def test_scaled_field_round_trips_rates_to_six_places(millionths):
    field = ScaledDecimalField(places=6)
    rate = from_minor_units(millionths, places=6)
    assert field.from_db_value(field.get_prep_value(rate), None, None) == rate


@pytest.mark.parametrize("value", [Decimal("0.001"), Decimal("12.345"), "0.005", Decimal("1E-10")])
def test_scaled_field_refuses_sub_cent_values_rather_than_rounding(value):
    with pytest.raises(ValidationError, match="more than 2 decimal places"):
        ScaledDecimalField().get_prep_value(value)
    with pytest.raises(ValueError, match="more than 2 decimal places"):
        to_minor_units(Decimal(value))


def test_scaled_field_refuses_floats_and_accepts_trailing_zeros():
    field = ScaledDecimalField()
    with pytest.raises(ValidationError, match="never a float"):
        field.get_prep_value(0.1)
    assert field.get_prep_value(Decimal("70.000")) == 7000
    assert field.get_prep_value("12") == 1200
    assert field.get_prep_value(None) is None


def test_scaled_field_stores_and_reads_back_exact_values_in_the_database(db):
    customer = Customer.objects.create(code="ROUNDTRIP", name="Round Trip Co.", currency="USD")
    invoice = Invoice.objects.create(
        number="RT-1",
        customer=customer,
        invoice_date=date(2024, 1, 1),
        due_date=date(2024, 2, 1),
        original_due_date=date(2024, 2, 1),
        amount=Decimal("92233720368547.75"),
        currency="USD",
        fx_rate=Decimal("7.123456"),
        gross_margin=Decimal("0.1875"),
    )
    invoice.refresh_from_db()
    assert invoice.amount == Decimal("92233720368547.75")
    assert invoice.fx_rate == Decimal("7.123456")
    assert invoice.gross_margin == Decimal("0.1875")
    assert invoice.applied_amount == Decimal(0)
    assert Invoice.objects.filter(amount__gt=Decimal("92233720368547.74")).get() == invoice
    with pytest.raises(ValidationError):
        Invoice.objects.filter(pk=invoice.pk).update(fx_rate=Decimal("7.1234567"))


# --- closing_date ----------------------------------------------------------------------

applications = st.lists(
    st.tuples(business_dates, st.integers(min_value=1, max_value=10**8).map(from_minor_units)), max_size=12
)


@given(amount=positive_cents.map(from_minor_units), records=applications, data=st.data())
def test_closing_date_is_the_first_day_the_applications_up_to_it_cover_the_amount(amount, records, data):
    closed_on = closing_date(amount, records)

    def applied_through(day: date) -> Decimal:
        return sum((a for on, a in records if on <= day), Decimal(0))

    if sum((a for _, a in records), Decimal(0)) < amount:
        assert closed_on is None
    else:
        assert closed_on is not None
        assert closed_on in {on for on, _ in records}
        assert applied_through(closed_on) >= amount
        assert applied_through(closed_on - timedelta(days=1)) < amount
    shuffled = data.draw(st.permutations(records))
    assert closing_date(amount, shuffled) == closed_on


def test_closing_date_of_an_invoice_paid_in_instalments_out_of_order():
    records = [
        (date(2024, 5, 1), Decimal("40.00")),
        (date(2024, 3, 1), Decimal("30.00")),
        (date(2024, 4, 1), Decimal("30.00")),
    ]
    assert closing_date(Decimal("100.00"), records) == date(2024, 5, 1)
    assert closing_date(Decimal("60.00"), records) == date(2024, 4, 1)
    assert closing_date(Decimal("100.01"), records) is None
    assert closing_date(Decimal("1.00"), []) is None


# --- Terms -----------------------------------------------------------------------------

class_terms = {"A": 60, "B": 45, "C": 30, "D": 0}
term_days = st.integers(min_value=0, max_value=365)


@given(invoice_date=business_dates, days=term_days, delay=st.integers(min_value=0, max_value=30))
def test_due_date_is_invoice_date_plus_term_start_delay_plus_term_days(invoice_date, days, delay):
    due = due_date_for(invoice_date=invoice_date, term_days=days, term_start_delay_days=delay)
    assert (due - invoice_date).days == delay + days


def test_seed_002_thirty_day_customer_invoiced_on_1_march_pays_by_5_april():
    assert due_date_for(invoice_date=date(2024, 3, 1), term_days=30, term_start_delay_days=5) == date(
        2024, 4, 5
    )


@given(
    own=st.none() | term_days,
    credit_class=st.sampled_from(["", "A", "B", "C", "D", "X"]),
    default=term_days,
)
def test_term_days_are_the_customers_own_else_its_class_else_the_default(own, credit_class, default):
    days = term_days_for(
        customer_term_days=own,
        credit_class=credit_class,
        term_days_by_class=class_terms,
        default_term_days=default,
    )
    if own is not None:
        assert days == own  # even 0 days (cash on delivery) is the customer's own term
    elif credit_class in class_terms:
        assert days == class_terms[credit_class]
    else:
        assert days == default
