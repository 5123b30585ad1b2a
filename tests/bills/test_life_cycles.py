"""A bill's life, from receipt to each end, with the aging and the credit exposure checked
against figures worked out by hand at every step.

The ledger of every story: customer 华东机械 (HD001, limit 500,000.00 CNY) owes
    YS-1 100,000.00  issued 2026-01-05, due 2026-02-04
    YS-2  60,000.00  issued 2026-01-20, due 2026-02-19
    YS-3  40,000.00  issued 2026-02-01, due 2026-03-03
200,000.00 in all, and no order is open: exposure = open invoices + bills at risk.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from huikuan.accounts.services import user_create
from huikuan.approvals.models import Notification
from huikuan.bills.models import Bill
from huikuan.bills.rules import BillKind, BillStatus, add_months, discount_interest
from huikuan.bills.selectors import bills_exposure_by_customer
from huikuan.bills.services import (
    BillIn,
    bill_discount,
    bill_dishonour,
    bill_endorse,
    bill_honour,
    bill_present,
    bill_receive,
    bills_remind,
)
from huikuan.core.errors import RuleViolation
from huikuan.core.policy import policy_set
from huikuan.credit.selectors import credit_check, customer_credit_summary
from huikuan.finance.early_warnings import credit_usage
from huikuan.ledger.models import Invoice, Payment
from huikuan.ledger.services import customer_create, invoice_issue
from huikuan.reporting.selectors import aging_report

D = Decimal


@pytest.fixture(autouse=True)
def _english():
    """The refusals are matched in English here; the pages show them in Chinese."""
    with translation.override("en"):
        yield


@pytest.fixture
def hd001(db):
    customer = customer_create(
        code="HD001", name="华东机械", credit_class="B", credit_limit=D("500000.00"), term_days=30
    )
    for number, issued, due, amount in (
        ("YS-1", date(2026, 1, 5), date(2026, 2, 4), "100000.00"),
        ("YS-2", date(2026, 1, 20), date(2026, 2, 19), "60000.00"),
        ("YS-3", date(2026, 2, 1), date(2026, 3, 3), "40000.00"),
    ):
        invoice_issue(
            number=number,
            customer=customer,
            invoice_date=issued,
            due_date=due,
            amount=D(amount),
            currency="CNY",
        )
    return customer


def a_bill(customer, **changes) -> BillIn:
    fields = {
        "customer": customer,
        "number": "230358100002320260208123456789",
        "kind": BillKind.COMMERCIAL,
        "drawer": "华东机械有限公司",
        "acceptor": "华东机械有限公司",
        "acceptor_bank": "工商银行上海分行",
        "issue_date": date(2026, 2, 8),
        "maturity_date": date(2026, 8, 8),
        "received_on": date(2026, 2, 10),
        "amount": D("120000.00"),
        "invoices": (("YS-1", None), ("YS-2", D("20000.00"))),
    }
    return BillIn(**(fields | changes))


def exposure(customer, on: date) -> Decimal:
    return credit_check(customer=customer, amount=D("0"), as_of=on).exposure


def open_balances(on: date) -> dict[str, Decimal]:
    row = aging_report(as_of=on).rows[0]
    return {bucket: amount for bucket, amount in row.buckets.items() if amount}


def test_received_endorsed_honoured_keeps_a_commercial_bill_in_exposure_until_maturity(hd001):
    assert exposure(hd001, date(2026, 2, 9)) == D("200000.00")
    bill = bill_receive(bill=a_bill(hd001))
    # The invoices are paid in the aging: YS-1 in full, 20,000 of YS-2: 40,000 + 40,000 left.
    assert Invoice.objects.get(number="YS-1").open_amount == D("0.00")
    assert Invoice.objects.get(number="YS-2").open_amount == D("40000.00")
    assert open_balances(date(2026, 2, 10)) == {"current": D("80000.00")}
    check = credit_check(customer=hd001, amount=D("0"), as_of=date(2026, 2, 10))
    assert (check.open_receivables, check.bills_outstanding) == (D("80000.00"), D("120000.00"))
    assert check.exposure == D("200000.00")

    bill_endorse(bill=bill, endorsee="宁波钢材供应商", on=date(2026, 3, 1))
    # Endorsed on: the endorsee has recourse, the bill stays in the exposure.
    assert exposure(hd001, date(2026, 3, 1)) == D("200000.00")
    with pytest.raises(RuleViolation, match="on or after its maturity"):
        bill_honour(bill=bill, on=date(2026, 8, 7))
    bill_honour(bill=bill, on=date(2026, 8, 8))
    bill.refresh_from_db()
    assert bill.status == BillStatus.HONOURED
    assert exposure(hd001, date(2026, 8, 7)) == D("200000.00")
    assert exposure(hd001, date(2026, 8, 8)) == D("80000.00")
    summary = customer_credit_summary(customer=hd001, as_of=date(2026, 8, 8))
    assert (summary.bills_outstanding, summary.exposure) == (D("0.00"), D("80000.00"))


def test_received_discounted_dishonoured_puts_the_receivable_back_with_the_costs(hd001):
    bill = bill_receive(
        bill=a_bill(hd001, amount=D("100000.00"), maturity_date=date(2026, 5, 10), invoices=(("YS-1", None),))
    )
    assert exposure(hd001, date(2026, 2, 10)) == D("200000.00")  # 100,000 invoices + 100,000 bill
    # 60 days from 2026-03-11 to 2026-05-10 at 1.8 % a year: 100,000 × 0.018 × 60 / 360 = 300.00.
    bill_discount(bill=bill, bank="招商银行", on=date(2026, 3, 11), annual_rate=D("0.018"))
    bill.refresh_from_db()
    assert (bill.status, bill.discount_interest) == (BillStatus.DISCOUNTED, D("300.00"))
    assert exposure(hd001, date(2026, 3, 11)) == D("200000.00")
    # YS-2 is 20 days overdue, YS-3 8 days: both in 1-30.
    assert open_balances(date(2026, 3, 11)) == {"1-30": D("100000.00")}

    bill_dishonour(bill=bill, on=date(2026, 5, 12), reason="承兑人账户余额不足", costs=D("150.00"))
    bill.refresh_from_db()
    assert bill.status == BillStatus.DISHONOURED
    assert not Payment.objects.filter(reference=bill.payment_reference).exists()
    # YS-1 is open again from its own due date (97 days overdue on 2026-05-12); the costs are
    # a receivable due at once; the bill is no longer counted: the invoice counts itself.
    assert Invoice.objects.get(number="YS-1").open_amount == D("100000.00")
    assert bill.costs_invoice.amount == D("150.00")
    assert open_balances(date(2026, 5, 12)) == {
        "current": D("150.00"),
        "61-90": D("100000.00"),  # YS-2 (82 days) + YS-3 (70 days)
        "91-180": D("100000.00"),  # YS-1 (97 days)
    }
    check = credit_check(customer=hd001, amount=D("0"), as_of=date(2026, 5, 12))
    assert (check.open_receivables, check.bills_outstanding) == (D("200150.00"), D("0.00"))
    # Looking back, the amount is counted once: as the invoice, never also as the bill.
    assert exposure(hd001, date(2026, 3, 11)) == D("200000.00")


def test_received_collected_honoured_a_bank_bill_drops_out_of_exposure_per_the_setting(hd001):
    bill = bill_receive(
        bill=a_bill(
            hd001,
            kind=BillKind.BANK,
            acceptor="工商银行上海分行",
            amount=D("100000.00"),
            maturity_date=date(2026, 5, 10),
            invoices=(("YS-1", None),),
        )
    )
    assert Payment.objects.get(reference=bill.payment_reference).method == "bank_acceptance_bill"
    # YS-1 paid; YS-2 (due 02-19) and YS-3 (due 03-03) not yet due: 100,000 current.
    assert open_balances(date(2026, 2, 10)) == {"current": D("100000.00")}
    assert exposure(hd001, date(2026, 2, 10)) == D("100000.00")  # accepted by a bank: out at once
    policy_set(key="BILLS_BANK_EXPOSURE", value="until_honoured")
    assert exposure(hd001, date(2026, 2, 10)) == D("200000.00")
    with pytest.raises(RuleViolation, match="10 days before"):
        bill_present(bill=bill, on=date(2026, 4, 29))
    bill_present(bill=bill, on=date(2026, 4, 30))
    assert Bill.objects.get(pk=bill.pk).status == BillStatus.COLLECTING
    assert exposure(hd001, date(2026, 5, 9)) == D("200000.00")
    bill_honour(bill=bill, on=date(2026, 5, 10))
    assert exposure(hd001, date(2026, 5, 10)) == D("100000.00")
    # Honoured: the aging is as the receipt left it (YS-2 80 days, YS-3 68 days overdue).
    assert open_balances(date(2026, 5, 10)) == {"61-90": D("100000.00")}
    assert bills_exposure_by_customer(as_of=date(2026, 5, 10)) == {}


def test_an_electronic_bill_beyond_six_months_is_refused_and_a_paper_one_is_not(hd001):
    assert add_months(date(2026, 2, 8), 6) == date(2026, 8, 8)
    with pytest.raises(RuleViolation, match="at most 6 months") as refused:
        bill_receive(bill=a_bill(hd001, maturity_date=date(2026, 8, 9)))
    assert "maturity_date" in refused.value.extra["fields"]
    assert not Bill.objects.exists() and not Payment.objects.exists()
    bill_receive(bill=a_bill(hd001, maturity_date=date(2026, 8, 9), electronic=False))
    assert Bill.objects.count() == 1


def test_a_sub_range_counts_the_amount_in_cents_and_never_overlaps(hd001):
    with pytest.raises(RuleViolation, match="sub-range"):
        bill_receive(bill=a_bill(hd001, sub_range_start=1, sub_range_end=100))
    first = bill_receive(
        bill=a_bill(
            hd001,
            amount=D("10000.00"),
            sub_range_start=1,
            sub_range_end=1_000_000,
            invoices=(("YS-3", None),),
        )
    )
    assert first.label.endswith("[1-1000000]")
    with pytest.raises(RuleViolation, match="already received"):
        bill_receive(
            bill=a_bill(
                hd001, amount=D("10000.00"), sub_range_start=500_001, sub_range_end=1_500_000, invoices=()
            )
        )
    bill_receive(
        bill=a_bill(
            hd001, amount=D("10000.00"), sub_range_start=1_000_001, sub_range_end=2_000_000, invoices=()
        )
    )
    assert Bill.objects.count() == 2


def test_a_bill_paying_beyond_an_invoice_is_refused_whole(hd001):
    with pytest.raises(RuleViolation, match="exceeds its open balance"):
        bill_receive(bill=a_bill(hd001, invoices=(("YS-3", D("50000.00")),)))
    assert not Bill.objects.exists() and not Payment.objects.exists()


def test_moves_out_of_order_are_refused(hd001):
    bill = bill_receive(bill=a_bill(hd001))
    bill_endorse(bill=bill, endorsee="供应商甲", on=date(2026, 3, 1))
    with pytest.raises(RuleViolation, match="cannot be"):
        bill_discount(bill=bill, bank="招商银行", on=date(2026, 3, 2), annual_rate=D("0.02"))
    with pytest.raises(RuleViolation, match="reason"):
        bill_dishonour(bill=bill, on=date(2026, 8, 9), reason=" ")


def test_discount_interest_is_360_day_interest_to_the_cent():
    assert discount_interest(
        amount=D("123456.78"),
        annual_rate=D("0.0155"),
        discounted_on=date(2026, 1, 1),
        maturity=date(2026, 4, 1),
    ) == D("478.40")  # 123,456.78 × 0.0155 × 90 / 360 = 478.3950…


def test_a_refusal_is_worded_in_chinese_for_a_chinese_user(hd001):
    with (
        translation.override("zh-hans"),
        pytest.raises(RuleViolation, match="电子票据的到期日最长为出票后 6 个月"),
    ):
        bill_receive(bill=a_bill(hd001, maturity_date=date(2026, 8, 9)))


def test_the_reminder_to_present_a_held_bill_goes_to_the_credit_managers_once(hd001):
    manager = user_create(username="wang_credit", role="credit_manager", password="Huikuan-test-pw-1").user
    bill_receive(bill=a_bill(hd001))
    assert bills_remind(as_of=date(2026, 8, 4)) == 0  # 4 days before: not yet
    assert bills_remind(as_of=date(2026, 8, 5)) == 1
    assert bills_remind(as_of=date(2026, 8, 6)) == 0
    (notice,) = Notification.objects.filter(user=manager)
    assert "2026-08-08" in notice.message


def test_the_credit_usage_warning_counts_a_commercial_bill_not_yet_honoured(hd001):
    hd001.credit_limit = D("210000.00")
    hd001.save(update_fields=["credit_limit"])
    bill_receive(bill=a_bill(hd001))
    # 80,000 invoices + 120,000 bill = 200,000: 95.2 % of the limit, over the 90 % threshold.
    (warning,) = credit_usage(date(2026, 2, 10))
    assert (warning.figures["exposure"], warning.figures["usage_percent"]) == ("200000.00", "95.2")
