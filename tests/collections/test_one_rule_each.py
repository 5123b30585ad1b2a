""" "Broken recently" and the disputed amount each have one definition, in the collections
selectors; the risk segment, the worklist (and the dunning run and its letters) use them."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from huikuan.collections.models import Dispute, DisputeStatus, PromiseStatus, PromiseToPay
from huikuan.collections.selectors import customers_with_broken_promise, disputed_amounts
from huikuan.ledger.models import Customer
from huikuan.ledger.services import invoice_issue

AS_OF = date(2026, 6, 30)


def _broken(customer: Customer, resolved_on: date) -> None:
    PromiseToPay.objects.create(
        customer=customer,
        made_on=resolved_on - timedelta(days=10),
        promised_date=resolved_on - timedelta(days=1),
        amount=Decimal("100.00"),
        currency="CNY",
        status=PromiseStatus.BROKEN,
        resolved_on=resolved_on,
        made_by="collector",
    )


def test_a_promise_broken_within_the_lookback_is_recent_and_one_a_day_older_is_not(db):
    inside, edge, outside = (Customer.objects.create(code=code, name=code) for code in ("IN", "EDGE", "OUT"))
    _broken(inside, AS_OF)
    _broken(edge, AS_OF - timedelta(days=89))
    _broken(outside, AS_OF - timedelta(days=90))

    recent = customers_with_broken_promise(as_of=AS_OF, lookback_days=90)

    assert recent == {inside.pk, edge.pk}
    assert customers_with_broken_promise(as_of=AS_OF, lookback_days=90, customer_ids=[edge.pk]) == {edge.pk}
    # A day earlier: the promise broken on the as-of date was not yet broken; the oldest was recent.
    assert customers_with_broken_promise(as_of=AS_OF - timedelta(days=1), lookback_days=90) == {
        edge.pk,
        outside.pk,
    }


def test_the_disputed_amount_adds_the_open_disputes_of_an_invoice(db):
    customer = Customer.objects.create(code="D1", name="争议公司")
    invoice = invoice_issue(
        number="D-1", customer=customer, invoice_date=date(2026, 1, 5), amount=Decimal("500")
    )
    other = invoice_issue(
        number="D-2", customer=customer, invoice_date=date(2026, 1, 5), amount=Decimal("500")
    )
    for amount, status in (("100.00", DisputeStatus.OPEN), ("50.50", DisputeStatus.OPEN), ("70", "resolved")):
        Dispute.objects.create(
            invoice=invoice,
            customer=customer,
            amount=Decimal(amount),
            currency="CNY",
            reason_code="price",
            owner="collector",
            status=status,
            opened_on=date(2026, 2, 1),
            opened_by="collector",
        )

    assert disputed_amounts() == {invoice.pk: Decimal("150.50")}
    assert disputed_amounts(invoice_ids=[other.pk]) == {}
