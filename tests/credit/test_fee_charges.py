"""The overdue capital-occupation fee charged (seed 002: price = base price + fee): as a debit
note (ZJF-…) with the invoices and days it was computed from, never twice for the same days;
or as a surcharge on the customer's next order. CLI, API and the customer's credit page."""

from __future__ import annotations

import json
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from huikuan.core.errors import RuleViolation
from huikuan.core.policy import policy_set
from huikuan.credit.charges import overdue_fee_charge
from huikuan.credit.models import FeeCharge, FeeChargeLine
from huikuan.credit.selectors import credit_check
from huikuan.credit.services import order_create
from huikuan.ledger.models import Invoice

D = Decimal
RATE = D("0.0435")


def fee(balance: str, days: int) -> Decimal:
    """balance × rate × days / 365, to the cent half up: computed here, not by the app."""
    return (D(balance) * RATE * days / 365).quantize(D("0.01"), rounding=ROUND_HALF_UP)


# HZ001 on 30 April 2026 (conftest ``march``): H-0101 40,000 open, due 10 Feb: 79 days;
# H-0120 20,000 open, due 15 March: 46 days. Nothing else of HZ001 is overdue.
APRIL_FEE = fee("40000", 79) + fee("20000", 46)


def test_a_charge_raises_one_debit_note_with_the_fee_and_its_lines(march):
    hz = march["HZ001"]
    assert APRIL_FEE == D("376.60") + D("109.64")
    charge = overdue_fee_charge(customer=hz, as_of=date(2026, 4, 30), charged_by="cm_sun")
    assert charge.amount == APRIL_FEE
    note = charge.debit_note
    assert note.number.startswith("ZJF-2026-") and note.customer == hz and note.amount == APRIL_FEE
    assert note.currency == "CNY" and note.invoice_date == date(2026, 4, 30)
    assert "H-0101" in note.description and "H-0120" in note.description
    # Due by the customer's terms: class B, 45 days after the 5-day start delay.
    assert note.due_date == date(2026, 4, 30).fromordinal(date(2026, 4, 30).toordinal() + 50)
    lines = {line.invoice.number: line for line in charge.lines.select_related("invoice")}
    assert set(lines) == {"H-0101", "H-0120"}
    assert (lines["H-0101"].days, lines["H-0101"].balance, lines["H-0101"].amount) == (
        79,
        D("40000"),
        D("376.60"),
    )
    assert (lines["H-0120"].days, lines["H-0120"].amount) == (46, fee("20000", 46))
    assert lines["H-0101"].rate == RATE and lines["H-0101"].days_from == date(2026, 2, 10)
    # The receivable is one of the customer's open invoices: exposure sees it.
    check = credit_check(customer=hz, amount=D("1.00"), as_of=date(2026, 4, 30))
    assert check.open_receivables == D("40000") + D("20000") + D("30000") + D("10000") + APRIL_FEE
    assert LogEntry.objects.get_for_object(charge).exists()
    assert LogEntry.objects.get_for_object(note).exists()


def test_charging_again_for_the_same_date_creates_nothing(march):
    hz = march["HZ001"]
    overdue_fee_charge(customer=hz, as_of=date(2026, 4, 30), charged_by="cm_sun")
    assert overdue_fee_charge(customer=hz, as_of=date(2026, 4, 30), charged_by="cm_zhou") is None
    assert FeeCharge.objects.count() == 1
    assert Invoice.objects.filter(number__startswith="ZJF-").count() == 1


def test_a_later_charge_charges_only_the_new_days(march):
    hz = march["HZ001"]
    overdue_fee_charge(customer=hz, as_of=date(2026, 4, 30), charged_by="cm_sun")
    later = overdue_fee_charge(customer=hz, as_of=date(2026, 5, 31), charged_by="cm_sun")
    lines = {line.invoice.number: line for line in later.lines.select_related("invoice")}
    # 31 new days on the invoices charged before; H-0305 and H-0306 fell due in May and count
    # from their due dates; the April debit note (due in June) is not overdue and carries no fee.
    days = {number: line.days for number, line in lines.items()}
    assert days == {"H-0101": 31, "H-0120": 31, "H-0305": 22, "H-0306": 21}
    assert lines["H-0101"].days_from == date(2026, 4, 30)
    assert lines["H-0305"].days_from == date(2026, 5, 9)
    assert later.amount == fee("40000", 31) + fee("20000", 31) + fee("30000", 22) + fee("10000", 21)
    # Both charges together: what a single charge to 31 May would have counted, day for day.
    assert sum(FeeChargeLine.objects.filter(invoice__number="H-0101").values_list("days", flat=True)) == 110


def test_a_customer_with_nothing_overdue_is_not_charged(march):
    assert overdue_fee_charge(customer=march["SG005"], as_of=date(2026, 4, 30), charged_by="cm_sun") is None


def test_no_debit_note_unless_the_setting_says_so(march):
    policy_set(key="CREDIT_FEE_CHARGE", value="none")
    with pytest.raises(RuleViolation):
        overdue_fee_charge(customer=march["HZ001"], as_of=date(2026, 4, 30), charged_by="cm_sun")
    assert not FeeCharge.objects.exists()


def test_the_order_surcharge_puts_the_fee_on_the_next_order_once(march):
    policy_set(key="CREDIT_FEE_CHARGE", value="order_surcharge")
    hz = march["HZ001"]
    order = order_create(
        number="SO-F1",
        customer=hz,
        order_date=date(2026, 4, 30),
        amount=D("1000.00"),
        created_by="sales_zhang",
    )
    assert order.fee_amount == APRIL_FEE and order.amount == D("1000.00") + APRIL_FEE
    assert order.fee_charge.mode == "order_surcharge" and order.fee_charge.debit_note is None
    assert {line.invoice.number for line in order.fee_charge.lines.all()} == {"H-0101", "H-0120"}
    again = order_create(number="SO-F2", customer=hz, order_date=date(2026, 4, 30), amount=D("1000.00"))
    assert again.fee_amount == 0 and again.amount == D("1000.00") and again.fee_charge is None
    # No debit note is raised in this mode, and the days charged on the order stay charged.
    with pytest.raises(RuleViolation):
        overdue_fee_charge(customer=hz, as_of=date(2026, 4, 30), charged_by="cm_sun")


def test_orders_carry_no_surcharge_by_default(march):
    order = order_create(
        number="SO-F3", customer=march["HZ001"], order_date=date(2026, 4, 30), amount=D("10")
    )
    assert order.fee_amount == 0 and order.amount == D("10") and not FeeCharge.objects.exists()


# ---------------------------------------------------------------- interfaces


@pytest.fixture
def api(people):
    def client(name: str) -> APIClient:
        user = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        user.force_authenticate(people[name])
        return user

    return client


def test_the_api_charges_once_and_refuses_those_who_may_not(march, api):
    body = {"customer": "HZ001", "as_of": "2026-04-30"}
    for name in ("sales_zhang", "analyst_qian", "auditor_he", "collector_wang"):
        assert api(name).post("/api/credit/fees/charge/", body, format="json").status_code == 403
    assert not FeeCharge.objects.exists()
    response = api("cm_sun").post("/api/credit/fees/charge/", body, format="json")
    assert response.status_code == 201, response.content
    charged = response.json()
    assert charged["amount"] == f"{APRIL_FEE:.2f}" and charged["debit_note"].startswith("ZJF-")
    assert {line["invoice_number"]: line["days"] for line in charged["lines"]} == {"H-0101": 79, "H-0120": 46}
    again = api("cm_sun").post("/api/credit/fees/charge/", body, format="json")
    assert again.status_code == 200 and again.json()["charged"] is False
    assert FeeCharge.objects.count() == 1


def test_the_cli_charges_every_overdue_customer(march):
    out = StringIO()
    call_command(
        "credit", "fees", "--as-of", "2026-04-30", "--charge", "--charged-by", "cm_sun", "--json", stdout=out
    )
    result = json.loads(out.getvalue())
    # HZ001 and NB002 (59,800 due 14 April: 16 days) are overdue on 30 April; WZ003 (200 due 15 April) too.
    by_customer = {charge["customer_code"]: D(charge["amount"]) for charge in result["charges"]}
    assert by_customer == {"HZ001": APRIL_FEE, "NB002": fee("59800", 16), "WZ003": fee("200", 15)}
    again = StringIO()
    call_command("credit", "fees", "--as-of", "2026-04-30", "--charge", "--json", stdout=again)
    assert json.loads(again.getvalue())["charges"] == []
    text = StringIO()
    call_command("credit", "fees", "--as-of", "2026-05-31", "--charge", "--customer", "HZ001", stdout=text)
    assert "1 debit notes" in text.getvalue() and "ZJF-2026-000004" in text.getvalue()


def test_the_credit_manager_charges_from_the_customer_page(march, people):
    browser = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    browser.force_login(people["cm_sun"])
    page = browser.get("/credit/customers/HZ001/")
    assert 'id="charge-fee"' in page.content.decode()
    response = browser.post("/credit/customers/HZ001/charge/")
    assert response.status_code == 302
    charge = FeeCharge.objects.get()
    assert charge.charged_by == "cm_sun" and charge.debit_note.number.startswith("ZJF-")
    assert charge.debit_note.number in browser.get("/credit/customers/HZ001/").content.decode()
    sales = Client()
    sales.force_login(people["sales_zhang"])
    assert 'id="charge-fee"' not in sales.get("/credit/customers/HZ001/").content.decode()
    assert sales.post("/credit/customers/HZ001/charge/").status_code == 403
