"""The VAT invoice register and what it tells: 应收未开票 (not yet invoiced) and invoiced but not
collected, by customer and bucket, against figures worked out by hand below."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from huikuan.core.errors import RuleViolation
from huikuan.ledger.corrections import red_letter_confirm, red_letter_raise
from huikuan.ledger.models import Invoice
from huikuan.reporting.invoicing import invoicing_report
from huikuan.vat.services import vat_invoice_record
from tests.vat.conftest import RAISED

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
AS_OF = date(2026, 3, 20)
DIGITAL = "26442000000000000001"


def _report(as_of=AS_OF) -> dict:
    data = invoicing_report(invoices=Invoice.objects.all(), as_of=as_of).as_dict()
    return {
        row["customer"]: (
            {b: v for b, v in row["not_invoiced"].items() if v != "0.00"},
            {b: v for b, v in row["invoiced_not_collected"].items() if v != "0.00"},
        )
        for row in data["rows"]
    } | {"totals": data["totals"]}


@pytest.fixture
def invoiced(ledger, pay):
    """A: 10000, invoiced by a digital e-invoice for 6000 of A and 4000 of B (one VAT invoice,
    two receivables) and a paper one for 4000 of A (one receivable, two VAT invoices); B: 6000,
    4000 invoiced; C: 4000, not invoiced; D (HY02): 3000, invoiced 3000, paid 1000."""
    customer = ledger["A"].customer
    vat_invoice_record(
        number=DIGITAL,
        kind="digital_special",
        customer=customer,
        issue_date=date(2026, 2, 1),
        amount=Decimal("10000.00"),
        links=[(ledger["A"], Decimal("6000.00")), (ledger["B"], Decimal("4000.00"))],
    )
    vat_invoice_record(
        number="04400123",
        kind="special",
        customer=customer,
        issue_date=date(2026, 3, 15),
        amount=Decimal("4000.00"),
        links=[(ledger["A"], Decimal("4000.00"))],
    )
    vat_invoice_record(
        number="04400124",
        kind="ordinary",
        customer=ledger["D"].customer,
        issue_date=date(2026, 1, 25),
        amount=Decimal("3000.00"),
        links=[(ledger["D"], Decimal("3000.00"))],
    )
    pay(ledger["D"], date(2026, 2, 10), "1000.00")
    pay(ledger["A"], date(2026, 3, 1), "2500.00")
    return ledger


def test_not_invoiced_and_invoiced_not_collected_by_customer_and_bucket(invoiced):
    # As of 20 March: A is 44 days past due (31-60), B 8 days (1-30), C not yet due, D 29 days.
    # A: invoiced 6000 + 4000 = 10000 → not invoiced 0; open 10000 − 2500 = 7500 → uncollected 7500.
    # B: invoiced 4000 → not invoiced 2000; open 6000 → uncollected min(6000, 4000) = 4000.
    # C: invoiced 0 → not invoiced 4000; uncollected 0.
    # D: invoiced 3000, open 2000 → uncollected 2000.
    assert _report() == {
        "HY01": ({"1-30": "2000.00", "current": "4000.00"}, {"31-60": "7500.00", "1-30": "4000.00"}),
        "HY02": ({}, {"1-30": "2000.00"}),
        "totals": {"not_invoiced": "6000.00", "invoiced_not_collected": "13500.00"},
    }


def test_the_report_as_of_an_earlier_day_reads_only_what_was_issued_by_then(invoiced):
    # 10 March: the paper invoice of 15 March is not yet issued: A has 4000 not invoiced;
    # A's payment of 1 March is there: uncollected min(7500, 6000) = 6000.
    report = _report(date(2026, 3, 10))
    # B (due 12 March) and C are not yet due: 2000 + 4000 not invoiced in "current".
    assert report["HY01"] == (
        {"31-60": "4000.00", "current": "6000.00"},
        {"31-60": "6000.00", "current": "4000.00"},
    )


def test_a_confirmed_correction_cancels_receivable_and_invoice_alike(invoiced):
    # A returned goods of 1000: A becomes 9000 receivable, 9000 invoiced (red-letter VAT
    # invoice of −1000): still nothing to invoice; uncollected 7500 − 1000 = 6500.
    correction = red_letter_raise(
        invoice=invoiced["A"], form_number="HZ-1", amount=Decimal("1000.00"), reason="return",
        raised_by="li", raised_at=RAISED,
    )  # fmt: skip
    assert _report()["HY01"][1]["31-60"] == "7500.00"  # pending: nothing changes
    red_letter_confirm(correction=correction, confirmed_on=date(2026, 3, 11), confirmed_by="li", now=RAISED)
    report = _report()
    assert report["HY01"] == (
        {"1-30": "2000.00", "current": "4000.00"},
        {"31-60": "6500.00", "1-30": "4000.00"},
    )


def test_a_correction_of_a_receivable_not_yet_invoiced_reduces_what_is_to_invoice(invoiced):
    correction = red_letter_raise(
        invoice=invoiced["C"], form_number="HZ-2", amount=Decimal("500.00"), reason="allowance",
        raised_by="li", raised_at=RAISED,
    )  # fmt: skip
    red_letter_confirm(correction=correction, confirmed_on=date(2026, 3, 11), confirmed_by="li", now=RAISED)
    assert _report()["HY01"][0] == {"1-30": "2000.00", "current": "3500.00"}


def test_links_never_invoice_a_receivable_beyond_its_amount_nor_a_vat_invoice_beyond_its_own(invoiced):
    customer = invoiced["A"].customer
    with pytest.raises(RuleViolation, match="more than its amount"):
        vat_invoice_record(
            number="04400125", kind="special", customer=customer, issue_date=date(2026, 3, 16),
            amount=Decimal("5000.00"), links=[(invoiced["B"], Decimal("2000.01"))],
        )  # fmt: skip
    with pytest.raises(RuleViolation, match="more than the VAT invoice"):
        vat_invoice_record(
            number="04400126", kind="special", customer=customer, issue_date=date(2026, 3, 16),
            amount=Decimal("1000.00"), links=[(invoiced["C"], Decimal("1000.01"))],
        )  # fmt: skip
    with pytest.raises(RuleViolation, match="another customer"):
        vat_invoice_record(
            number="04400127", kind="special", customer=customer, issue_date=date(2026, 3, 16),
            amount=Decimal("1000.00"), links=[(invoiced["D"], Decimal("100.00"))],
        )  # fmt: skip
    with pytest.raises(RuleViolation, match="20 digits"):
        vat_invoice_record(
            number="0440012", kind="digital_ordinary", customer=customer, issue_date=date(2026, 3, 16),
            amount=Decimal("1000.00"), links=[],
        )  # fmt: skip
    with pytest.raises(RuleViolation, match="8 digits"):
        vat_invoice_record(
            number=DIGITAL[:-1] + "9", kind="ordinary", customer=customer, issue_date=date(2026, 3, 16),
            amount=Decimal("1000.00"), links=[],
        )  # fmt: skip
