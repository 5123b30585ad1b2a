"""The demo's advance receipts (预收), AR/AP offsets (应收冲应付) and rounding tails (尾差): an
advance for an order partly offset when its invoice was issued and one for a customer waiting;
two counterparties that also supply the company, one offset approved and posted, one waiting for
approval; rounding tails written off with one approval and a few new ones on the tails page."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import F

from huikuan.approvals.models import ApprovalRequest
from huikuan.approvals.services import approval_decide
from huikuan.core.money import money_floor
from huikuan.finance.models import Payable
from huikuan.finance.offsets import offset_propose, tails_propose
from huikuan.ledger.advances import advance_receipt_record
from huikuan.ledger.balances import STILL_OPEN
from huikuan.ledger.models import AdvanceSource, Customer, CustomerStatus, Invoice, Payment
from huikuan.ledger.services import invoice_issue, payment_allocate


def _customers() -> list[Customer]:
    return list(
        Customer.objects.filter(status=CustomerStatus.ACTIVE, currency="CNY", credit_class__in=["A", "B"])
        .exclude(invoices__isnull=True)
        .order_by("code")
    )


def _approve(number: str, approver) -> None:
    request = ApprovalRequest.objects.get(number=number)
    approval_decide(request=request, actor=approver, decision="approve", comment="已核对，同意")


def _advances(customers: list[Customer], as_of: date) -> int:
    first, second = customers[0], customers[1]
    order = f"SO-YS-{as_of:%y%m}01"
    received = Payment.objects.create(
        reference=f"YS{as_of:%y%m}0001",
        customer=first,
        payment_date=as_of - timedelta(days=20),
        amount=Decimal("50000.00"),
        currency="CNY",
        payer_name=first.name[:300],
        memo=f"预收货款 {order}",
    )
    advance_receipt_record(
        payment=received, recorded_on=received.payment_date, order_number=order,
        recorded_by="demo.manager", source=AdvanceSource.DEMO,
    )  # fmt: skip
    # The order's invoice is issued: 30,000 of the advance pays it on the spot (预收冲应收).
    invoice_issue(
        number=f"YS-{as_of:%y%m}-ADV1",
        customer=first,
        invoice_date=as_of - timedelta(days=10),
        amount=Decimal("30000.00"),
        order_number=order,
        description="预收订单发货",
    )
    waiting = Payment.objects.create(
        reference=f"YS{as_of:%y%m}0002",
        customer=second,
        payment_date=as_of - timedelta(days=5),
        amount=Decimal("8000.00"),
        currency="CNY",
        payer_name=second.name[:300],
        memo="预收货款",
    )
    advance_receipt_record(
        payment=waiting,
        recorded_on=waiting.payment_date,
        recorded_by="demo.manager",
        source=AdvanceSource.DEMO,
    )
    return 2


def _open_ar(customer: Customer) -> Decimal:
    return sum(
        (
            i.open_amount
            for i in Invoice.objects.filter(customer=customer, currency="CNY", open_span=STILL_OPEN)
        ),
        Decimal(0),
    )


def _offsets(customers: list[Customer], as_of: date, analyst, manager) -> int:
    owing = [c for c in customers[2:] if _open_ar(c) >= 20000][:2]
    made = 0
    for index, customer in enumerate(owing):
        payable = Payable.objects.create(
            customer=customer,
            supplier_code=f"GYS-{customer.code}",
            amount=money_floor(_open_ar(customer) / 2, Decimal("1")),
            currency="CNY",
            as_of=as_of - timedelta(days=1),
        )
        offset = offset_propose(payable=payable, requested_by=analyst, on=as_of)
        if index == 0:  # the first approved and posted; the second waits in the approvals inbox
            _approve(offset.approval_number, manager)
        made += 1
    return made


def _tails(as_of: date, analyst, manager) -> int:
    """Short payments of a few yuan's cents: three written off with one approval, two left."""
    candidates = list(
        Invoice.objects.filter(
            open_span=STILL_OPEN, currency="CNY", applied_amount=0, amount__gt=F("applied_amount")
        )
        .exclude(customer__status=CustomerStatus.LEGAL)
        .order_by("invoice_date", "number")[:5]
    )
    shorts = [Decimal("0.37"), Decimal("0.80"), Decimal("0.05"), Decimal("0.50"), Decimal("0.12")]
    for index, (invoice, short) in enumerate(zip(candidates, shorts, strict=False)):
        paid = invoice.amount - short
        payment = Payment.objects.create(
            reference=f"WC{as_of:%y%m}{index + 1:04d}",
            customer=invoice.customer,
            payment_date=as_of - timedelta(days=30 - index),
            amount=paid,
            currency="CNY",
            payer_name=invoice.customer.name[:300],
            memo=f"货款 {invoice.number}（银行手续费扣减）",
        )
        payment_allocate(payment=payment, invoice=invoice, amount=paid)
        if index == 2:
            proposal = tails_propose(requested_by=analyst, on=as_of)
            _approve(proposal.approval_number, manager)
    return len(candidates)


def advances_demo(*, as_of: date) -> dict[str, int]:
    users = get_user_model().objects
    analyst, manager = users.get(username="demo.analyst"), users.get(username="demo.manager")
    customers = _customers()
    if len(customers) < 4:
        return {}
    return {
        "advance_receipts": _advances(customers, as_of),
        "ar_ap_offsets": _offsets(customers, as_of, analyst, manager),
        "rounding_tails": _tails(as_of, analyst, manager),
    }
