"""Statutory late-payment interest (保障中小企业款项支付条例): the rate (a contract's, never below
the LPR, else 0.05 % a day), the days (after the due date, from 2025-06-01, to the payment or the
as-of date), the undisputed part only, partial payments, and its charge as a debit note."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from huikuan.collections.late_interest import customer_late_interest, late_interest, late_interest_charge
from huikuan.collections.services import dispute_open
from huikuan.core.errors import RuleViolation
from huikuan.credit.interest import Part, Rate, interest_parts, interest_start, invoice_interest
from huikuan.credit.interest_rates import contract_interest_rate_set, lpr_rate_add
from huikuan.credit.models import LprRate
from huikuan.ledger.models import Invoice
from huikuan.ledger.services import payment_allocate
from tests.credit.conftest import invoice, make_customer, payment

D = Decimal
IN_FORCE = date(2025, 6, 1)


@pytest.fixture(autouse=True)
def in_english():
    """Messages are asserted in English; the zh-Hans catalogue is checked on its own."""
    from django.utils import translation

    with translation.override("en"):
        yield


# ---------------------------------------------------------------- the pure rule


def test_interest_counts_from_the_day_after_the_due_date_to_the_as_of_date():
    start = interest_start(due_date=date(2026, 3, 31), in_force_from=IN_FORCE)
    [part] = interest_parts(start=start, reductions=[], undisputed_open=D("10000"), as_of=date(2026, 4, 30))
    assert part.days == 30
    assert invoice_interest([part], Rate(daily=D("0.0005"))) == D("150.00")  # 10,000 × 0.05 % × 30
    assert (
        interest_parts(start=start, reductions=[], undisputed_open=D("10000"), as_of=date(2026, 3, 31)) == []
    )
    [one_day] = interest_parts(start=start, reductions=[], undisputed_open=D("10000"), as_of=date(2026, 4, 1))
    assert one_day.days == 1


def test_no_interest_counts_before_the_regulation_came_into_force():
    start = interest_start(due_date=date(2025, 5, 1), in_force_from=IN_FORCE)
    assert start == date(2025, 5, 31)
    [part] = interest_parts(start=start, reductions=[], undisputed_open=D("1000"), as_of=date(2025, 6, 10))
    assert part.days == 10  # 1 to 10 June


def test_a_contract_rate_counts_a_day_as_a_365th_of_a_year_rounded_once():
    part = Part(D("36500"), date(2026, 1, 1), date(2026, 1, 11), paid=False)
    assert invoice_interest([part], Rate(annual=D("0.036"))) == D("36.00")
    tiny = Part(D("1"), date(2026, 1, 1), date(2026, 1, 2), paid=False)
    assert invoice_interest([tiny, tiny, tiny], Rate(daily=D("0.0005"))) == D("0.00")  # 0.0015 once


# ---------------------------------------------------------------- rates


def test_the_lpr_table_is_seeded_with_the_published_rates(db):
    assert LprRate.objects.get(effective_from=date(2025, 5, 20)).rate == D("0.030000")


def test_a_contract_rate_below_the_lpr_on_the_day_it_was_agreed_is_refused(db):
    customer = make_customer("LX1", credit_class="B")
    with pytest.raises(RuleViolation, match=r"2\.99% is below 3\.00%"):
        contract_interest_rate_set(
            customer=customer, annual_rate=D("0.0299"), effective_from=date(2025, 7, 1)
        )
    rate = contract_interest_rate_set(
        customer=customer, annual_rate=D("0.03"), effective_from=date(2025, 7, 1)
    )
    assert rate.lpr_checked == D("0.030000")
    # Before 2025-05-20 the LPR was 3.10 %: 3.05 % agreed then is refused.
    with pytest.raises(RuleViolation):
        contract_interest_rate_set(
            customer=customer, annual_rate=D("0.0305"), effective_from=date(2025, 3, 1)
        )


def test_users_add_later_lpr_rows_and_the_floor_follows_them(db):
    lpr_rate_add(effective_from=date(2026, 1, 20), rate=D("0.0280"), entered_by="cm")
    customer = make_customer("LX2", credit_class="B")
    assert contract_interest_rate_set(
        customer=customer, annual_rate=D("0.029"), effective_from=date(2026, 2, 1)
    )
    with pytest.raises(RuleViolation, match="already in the table"):
        lpr_rate_add(effective_from=date(2026, 1, 20), rate=D("0.0280"))
    with pytest.raises(RuleViolation):
        lpr_rate_add(effective_from=date(2026, 2, 20), rate=D("3"))  # a percentage, not a fraction


# ---------------------------------------------------------------- per invoice


@pytest.fixture
def overdue(db):
    customer = make_customer("LX9", credit_class="B", term_days=30)
    invoice("LX-INV-1", customer, "2026-02-01", "10000.00", "2026-03-31")
    return customer


def test_the_statutory_rate_applies_without_a_contract_rate(overdue):
    entry = customer_late_interest(customer=overdue, as_of=date(2026, 4, 30))
    assert entry.rate_dict() == {"basis": "statutory", "daily_rate": "0.0005"}
    assert entry.total == D("150.00")


def test_a_disputed_part_carries_no_interest(overdue):
    dispute_open(
        invoice=Invoice.objects.get(number="LX-INV-1"),
        amount=D("4000.00"),
        reason_code="quality",
        owner="cm",
        opened_on=date(2026, 4, 1),
        opened_by="cm",
    )
    [item] = customer_late_interest(customer=overdue, as_of=date(2026, 4, 30)).invoices
    assert (item.undisputed_open, item.disputed) == (D("6000.00"), D("4000.00"))
    assert item.interest == D("90.00")  # 6,000 × 0.05 % × 30


def test_a_part_paid_late_carries_interest_to_the_day_it_was_paid(overdue):
    money = payment("LX-P1", overdue, "2026-04-10", "4000.00")
    payment_allocate(payment=money, invoice=Invoice.objects.get(number="LX-INV-1"), amount=D("4000.00"))
    [item] = customer_late_interest(customer=overdue, as_of=date(2026, 4, 30)).invoices
    paid, still_open = item.parts
    assert (paid.amount, paid.days, still_open.amount, still_open.days) == (
        D("4000.00"),
        10,
        D("6000.00"),
        30,
    )
    assert item.interest == D("110.00")  # 4,000 × 0.05 % × 10 + 6,000 × 0.05 % × 30


def test_an_invoice_paid_on_its_due_date_carries_none(overdue):
    money = payment("LX-P2", overdue, "2026-03-31", "10000.00")
    payment_allocate(payment=money, invoice=Invoice.objects.get(number="LX-INV-1"), amount=D("10000.00"))
    assert customer_late_interest(customer=overdue, as_of=date(2026, 4, 30)) is None


def test_the_contract_rate_replaces_the_statutory_one(overdue):
    contract_interest_rate_set(customer=overdue, annual_rate=D("0.0365"), effective_from=date(2025, 12, 1))
    entry = customer_late_interest(customer=overdue, as_of=date(2026, 4, 30))
    assert entry.rate_dict() == {"basis": "contract", "annual_rate": "0.036500"}
    assert entry.total == D("30.00")  # 10,000 × 3.65 % × 30 / 365


def test_charging_the_interest_raises_a_debit_note_and_never_charges_a_day_twice(overdue):
    charge = late_interest_charge(customer=overdue, as_of=date(2026, 4, 30), charged_by="cm")
    assert charge.kind == "late_interest"
    assert charge.debit_note.number.startswith("LX-2026-")
    assert charge.debit_note.amount == D("150.00")
    [line] = charge.lines.all()
    assert (line.days_from, line.days, line.amount) == (date(2026, 3, 31), 30, D("150.00"))
    assert late_interest_charge(customer=overdue, as_of=date(2026, 4, 30), charged_by="cm") is None
    later = late_interest_charge(customer=overdue, as_of=date(2026, 5, 10), charged_by="cm")
    assert later.amount == D("50.00")  # the 10 new days only
    # The debit notes themselves carry no interest.
    assert {
        item.invoice.number for entry in late_interest(as_of=date(2026, 8, 1)) for item in entry.invoices
    } == {"LX-INV-1"}


def test_the_command_prints_the_same_figures_as_json(overdue, capsys):
    call_command("interest", "--as-of", "2026-04-30", "--customer", "LX9", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == "150.00"
    assert data["customers"][0]["invoices"][0]["parts"][0]["days"] == 30


def test_letters_state_the_interest_from_the_letter_step_on(overdue):
    from huikuan.collections.delivery import dunning_context
    from huikuan.collections.models import DunningAction
    from huikuan.correspondence.documents import document_render

    action = DunningAction(
        customer=overdue, action_date=date(2026, 4, 30), step_code="letter", invoice_numbers="LX-INV-1"
    )
    rows = [Invoice.objects.get(number="LX-INV-1")]
    assert dunning_context(action, rows)["late_interest"] is None  # an email step before the letter
    context = dunning_context(action, rows, with_interest=True)
    assert context["late_interest"]["total"] == D("150.00")
    zh = document_render(template_code="letter_dunning", language="zh-hans", context=context)
    assert "保障中小企业款项支付条例" in zh.html and "按每日万分之五" in zh.html and "150.00" in zh.html
    en = document_render(template_code="letter_lawyer", language="en", context=context)
    assert "late-payment interest" in en.html and "CNY 150.00" in en.html


def test_the_command_prints_a_table_and_charges_a_debit_note(overdue, capsys):
    call_command("interest", "--as-of", "2026-04-30")
    out = capsys.readouterr().out
    assert "LX-INV-1" in out and "statutory 0.0005" in out and "total: 150.00" in out
    call_command("interest", "--as-of", "2026-04-30", "--customer", "LX9", "--charge", "--charged-by", "cm")
    assert "debit note LX-2026-000001, 150.00" in capsys.readouterr().out
