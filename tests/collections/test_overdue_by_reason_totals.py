"""The reports' "overdue by reason" adds up to the dashboard's overdue, to the cent: each
foreign-currency invoice is converted and rounded once, as the aging does, never per customer."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from huikuan.collections.performance import overdue_reason_breakdown
from huikuan.ledger.services import invoice_issue
from huikuan.reporting.selectors import aging_report
from tests.collections.conftest import MARCH_1


def test_overdue_by_reason_equals_the_dashboards_overdue(make_customer, make_invoice):
    usd = make_customer("U1", currency="USD")
    for n in range(3):  # 100.00 × 7.123455 = 712.3455: 712.35 each, 2,137.04 if rounded once per customer
        invoice_issue(
            number=f"U1-{n}",
            customer=usd,
            invoice_date=MARCH_1 - timedelta(days=60),
            due_date=MARCH_1 - timedelta(days=30),
            amount=Decimal("100.00"),
            currency="USD",
            fx_rate=Decimal("7.123455"),
        )
    make_invoice(make_customer("C1"), "C1-1", MARCH_1 - timedelta(days=5), "1000.01")
    report = aging_report(as_of=MARCH_1)
    totals = report.total_buckets()
    dashboard_overdue = sum(totals.values(), Decimal(0)) - totals["current"]
    by_reason = sum((row.overdue_balance for row in overdue_reason_breakdown(as_of=MARCH_1)), Decimal(0))
    assert dashboard_overdue == Decimal("3137.06")  # 3 × 712.35 + 1,000.01
    assert by_reason == dashboard_overdue
