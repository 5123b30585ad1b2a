"""Credit limit, exposure and the order check (SPEC §5.3); the orders import; overdue fees."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from huikuan.credit.models import CheckStatus, Order
from huikuan.credit.selectors import credit_check, overdue_fees
from huikuan.credit.services import customer_hold_place, order_create
from tests.credit.conftest import advance, invoice, make_customer, payment

APRIL = date(2026, 4, 30)
D = Decimal


@pytest.fixture
def clean(db):
    """A class B customer with a 100,000 limit, 60,000 open and nothing overdue."""
    customer = make_customer("JX010", name="嘉兴电机", credit_class="B", credit_limit=D("100000.00"))
    invoice("J-1", customer, "2026-04-01", "60000.00", "2026-05-31")
    return customer


def codes(check) -> list[str]:
    return [reason.code for reason in check.reasons]


def test_an_order_within_the_limit_passes(clean):
    check = credit_check(customer=clean, amount=D("40000.00"), as_of=APRIL)
    assert check.passed and check.reasons == []
    assert check.exposure == D("60000.00")


def test_over_the_limit_says_by_how_much(clean):
    check = credit_check(customer=clean, amount=D("40000.01"), as_of=APRIL)
    assert codes(check) == ["over_limit"]
    assert check.reasons[0].figures["excess"] == "0.01"


def test_open_orders_count_in_exposure(clean):
    order_create(number="SO-1", customer=clean, order_date=date(2026, 4, 20), amount=D("30000.00"))
    check = credit_check(customer=clean, amount=D("10000.01"), as_of=APRIL)
    assert (check.open_receivables, check.open_orders, check.exposure) == (
        D("60000.00"),
        D("30000.00"),
        D("90000.00"),
    )
    assert codes(check) == ["over_limit"]
    # Invoiced or cancelled orders no longer count.
    Order.objects.filter(number="SO-1").update(status="invoiced")
    assert credit_check(customer=clean, amount=D("10000.01"), as_of=APRIL).passed


def test_overdue_beyond_30_days_blocks_and_30_days_does_not(clean):
    invoice("J-0", clean, "2026-02-01", "1000.00", "2026-03-31")  # 30 days overdue on 30 April
    assert credit_check(customer=clean, amount=D("1"), as_of=APRIL).passed
    check = credit_check(customer=clean, amount=D("1"), as_of=date(2026, 5, 1))
    assert codes(check) == ["overdue"]
    assert check.reasons[0].figures["overdue_amount"] == "1000.00"
    assert check.reasons[0].figures["oldest_days"] == 31


def test_a_hold_blocks(clean):
    customer_hold_place(customer=clean, reason="legal case", source="legal", on=APRIL)
    clean.refresh_from_db()
    assert clean.status == "credit_hold"
    assert codes(credit_check(customer=clean, amount=D("1"), as_of=APRIL)) == ["on_hold"]


def test_class_d_ships_only_against_a_recorded_advance_receipt(clean):
    clean.credit_class = "D"
    clean.save()
    assert codes(credit_check(customer=clean, amount=D("1"), as_of=APRIL)) == ["class_d_not_prepaid"]
    # Plain money on account is not an advance receipt: it covers nothing.
    payment("ON-ACCOUNT", clean, "2026-04-01", "100.00")
    check = credit_check(customer=clean, amount=D("1"), as_of=APRIL)
    assert codes(check) == ["class_d_not_prepaid"]
    assert check.reasons[0].figures["advance"] == "0.00"
    assert "预收" in check.reasons[0].message
    advance("ADV-1", clean, "2026-04-30", "1.00")
    check = credit_check(customer=clean, amount=D("1"), as_of=APRIL)
    assert check.passed and check.covered_by == [{"reference": "ADV-1", "amount": "1.00"}]
    # Money received after the day of the check covers nothing on that day.
    assert not credit_check(customer=clean, amount=D("1"), as_of=date(2026, 4, 29)).passed


def test_a_cash_before_delivery_customer_without_a_limit_ships_when_paid_in_advance(db):
    cash = make_customer("XJ001", name="现款客户", credit_class="D")  # no credit limit at all
    assert codes(credit_check(customer=cash, amount=D("8000.00"), as_of=APRIL)) == [
        "over_limit",
        "class_d_not_prepaid",
    ]
    advance("ADV-8", cash, "2026-04-20", "9000.00")
    assert credit_check(customer=cash, amount=D("8000.00"), as_of=APRIL).passed
    # An order paid in advance owes nothing: it does not use up credit for the next one.
    order_create(number="SO-P", customer=cash, order_date=APRIL, amount=D("8000.00"))
    check = credit_check(customer=cash, amount=D("1000.00"), as_of=APRIL)
    assert check.open_orders == 0 and check.passed
    assert check.covered_by == [{"reference": "ADV-8", "amount": "1000.00"}]


def test_check_cli_ignores_the_deprecated_prepaid_flag_with_a_warning(clean, huikuan):
    clean.credit_class = "D"
    clean.save()
    result = huikuan(
        "credit", "check", "--customer", "JX010", "--amount", "1", "--as-of", "2026-04-30", "--prepaid"
    )
    assert result.code == 0
    assert "--prepaid is deprecated and ignored" in result.stderr
    assert "BLOCKED" in result.stdout


def test_a_customer_handed_to_legal_is_held(clean):
    clean.status = "legal"
    clean.save()
    assert codes(credit_check(customer=clean, amount=D("1"), as_of=APRIL)) == ["on_hold"]


def test_every_reason_is_given_together(clean):
    invoice("J-0", clean, "2026-01-01", "5000.00", "2026-02-01")
    customer_hold_place(customer=clean, reason="review", source="review", on=APRIL)
    clean.refresh_from_db()
    clean.credit_class = "D"
    clean.save()
    check = credit_check(customer=clean, amount=D("50000.00"), as_of=APRIL)
    assert codes(check) == ["over_limit", "overdue", "on_hold", "class_d_not_prepaid"]
    assert all(reason.message for reason in check.reasons)


def test_a_passed_order_gets_a_shipment_approval_number(clean):
    first = order_create(number="SO-1", customer=clean, order_date=date(2026, 4, 20), amount=D("1000"))
    second = order_create(number="SO-2", customer=clean, order_date=date(2026, 4, 21), amount=D("1000"))
    assert first.check_status == CheckStatus.PASSED
    assert (first.shipment_approval_number, second.shipment_approval_number) == (
        "SA-2026-000001",
        "SA-2026-000002",
    )


def test_a_blocked_order_keeps_its_reasons_and_no_shipment_approval(clean):
    order = order_create(number="SO-9", customer=clean, order_date=date(2026, 4, 20), amount=D("50000"))
    assert order.check_status == CheckStatus.BLOCKED
    assert order.shipment_approval_number == ""
    assert [r["code"] for r in order.check_reasons] == ["over_limit"]


def test_check_cli_json(clean, huikuan):
    result = huikuan(
        "credit", "check", "--customer", "JX010", "--amount", "50000", "--as-of", "2026-04-30", "--json"
    )
    assert result.code == 0, result.stderr
    data = result.json()
    assert data["result"] == "blocked"
    assert data["exposure"] == "60000.00" and data["available"] == "40000.00"
    assert data["reasons"][0]["code"] == "over_limit"
    assert data["reasons"][0]["figures"]["excess"] == "10000.00"


def test_check_cli_refuses_an_unknown_customer(db, huikuan):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no customer has the code 'NOPE'"):
        huikuan("credit", "check", "--customer", "NOPE", "--amount", "1")


# ---------------------------------------------------------------- import


ORDERS = """\
order_number,customer_code,order_date,amount,currency,status,prepaid
SO-100,JX010,2026-04-10,20000.00,CNY,open,no
SO-101,JX010,2026-04-11,5000.00,CNY,invoiced,
SO-102,JX010,2026-04-12,1000.00,USD,open,yes
"""


def test_orders_import_and_count_in_exposure(clean, huikuan, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS.replace("USD,open,yes", "CNY,shipped,no"), encoding="utf-8")
    result = huikuan("import", "orders", str(path), "--json")
    assert result.code == 0, result.stdout + result.stderr
    assert result.json()["created"] == 3
    # Open and shipped-not-invoiced orders count; the invoiced one does not.
    assert credit_check(customer=clean, amount=D("0.01"), as_of=APRIL).open_orders == D("21000.00")
    again = huikuan("import", "orders", str(path), "--json")
    assert again.json()["created"] == 0 and again.json()["unchanged"] == 3
    assert Order.objects.count() == 3


def test_a_bad_orders_file_imports_nothing_and_names_every_bad_row(clean, huikuan, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(
        ORDERS
        + "SO-103,NOPE,2026-04-12,10.00,CNY,open,\n"
        + "SO-104,JX010,2026-13-01,10.00,CNY,open,\n"
        + "SO-105,JX010,2026-04-12,-5,CNY,lost,\n",
        encoding="utf-8",
    )
    result = huikuan("import", "orders", str(path), "--json")
    assert result.code == 1
    errors = {(e["line"], e["column"]) for e in result.json()["errors"]}
    assert errors == {
        (4, "currency"),  # USD without its rate
        (5, "customer_code"),
        (6, "order_date"),
        (7, "amount"),
        (7, "status"),
    }
    assert Order.objects.count() == 0


def test_a_changed_order_row_updates_the_order(clean, huikuan, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS.replace("USD", "CNY"), encoding="utf-8")
    huikuan("import", "orders", str(path))
    path.write_text(
        ORDERS.replace("USD", "CNY").replace("20000.00,CNY,open", "20000.00,CNY,invoiced"), "utf-8"
    )
    result = huikuan("import", "orders", str(path), "--json")
    assert result.json()["updated"] == 1
    assert Order.objects.get(number="SO-100").status == "invoiced"


# ---------------------------------------------------------------- fees


def test_fees_per_invoice_and_customer_from_the_ledger(clean, huikuan):
    invoice("J-0", clean, "2026-01-01", "100000.00", "2026-03-31")
    invoice("J-00", clean, "2026-01-01", "12345.67", "2026-03-16")
    fees = overdue_fees(as_of=APRIL)
    assert len(fees) == 1
    by_invoice = {item.invoice_number: item for item in fees[0].invoices}
    assert by_invoice["J-0"].days_overdue == 30 and by_invoice["J-0"].fee == D("357.53")
    assert by_invoice["J-00"].days_overdue == 45 and by_invoice["J-00"].fee == D("66.21")
    assert fees[0].total == D("423.74")
    result = huikuan("credit", "fees", "--as-of", "2026-04-30", "--json")
    data = result.json()
    assert data["total"] == "423.74"
    assert data["customers"][0]["fee"] == "423.74"
    assert {i["invoice_number"] for i in data["customers"][0]["invoices"]} == {"J-0", "J-00"}


def test_a_foreign_invoice_fee_is_on_its_functional_balance(db):
    customer = make_customer("US1", currency="USD")
    invoice("U-1", customer, "2026-01-01", "1000.00", "2026-03-31", currency="USD", fx_rate=D("7.1"))
    [entry] = overdue_fees(as_of=APRIL)
    # 7,100 × 4.35% × 30 / 365 = 25.38
    assert entry.invoices[0].functional_balance == D("7100.00")
    assert entry.total == D("25.38")


def test_the_dashboard_counts_classes_and_ranks_exposure_against_limit(clean):
    from huikuan.credit.selectors import credit_dashboard
    from huikuan.ledger.models import Customer

    small = make_customer("SM1", credit_class="A", credit_limit=D("1000.00"))
    invoice("S-1", small, "2026-04-01", "900.00", "2026-05-31")
    order_create(number="SO-5", customer=small, order_date=date(2026, 4, 2), amount=D("500.00"))
    board = credit_dashboard(as_of=APRIL, customers=Customer.objects.all())
    assert board.customers_by_class["A"] == 1 and board.customers_by_class["B"] == 1
    # SM1 uses 90% of its limit; JX010 60%.
    assert [row.customer.code for row in board.over_limit] == ["SM1", "JX010"]
    assert board.over_limit[0].utilisation == D("0.9000")
    assert [order.number for order in board.blocked_orders] == ["SO-5"]


def test_a_blocked_order_does_not_count_in_exposure_until_released(clean):
    order_create(number="SO-8", customer=clean, order_date=date(2026, 4, 2), amount=D("50000.00"))
    assert credit_check(customer=clean, amount=D("1"), as_of=APRIL).open_orders == 0
    Order.objects.filter(number="SO-8").update(check_status="released")
    assert credit_check(customer=clean, amount=D("1"), as_of=APRIL).open_orders == D("50000.00")
