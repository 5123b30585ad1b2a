"""The demo's acceptance bills (承兑汇票): a bill in each state of its life, each received from
its own customer against one of its open invoices, and the reminder of the bills to present."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from huikuan.bills import services
from huikuan.bills.rules import BillKind
from huikuan.ledger.models import Invoice

BANKS = ("中国工商银行杭州分行", "招商银行上海分行", "中国建设银行苏州分行", "交通银行宁波分行")
# (kind, received, matures, the moves after it: (move, days before as_of, arguments)),
# days counted back from the demo's date.
STORIES = (
    (BillKind.COMMERCIAL, 20, -12, ()),
    (BillKind.BANK, 10, -75, ()),
    (BillKind.COMMERCIAL, 60, -25, (("endorse", 30, {"endorsee": "宁波港钢材贸易有限公司"}),)),
    (BillKind.COMMERCIAL, 50, -100, (("discount", 40, {"bank": BANKS[1], "annual_rate": Decimal("0.016")}),)),
    (BillKind.BANK, 150, -3, (("present", 2, {}),)),
    (BillKind.COMMERCIAL, 170, 10, (("present", 12, {}), ("honour", 10, {}))),
    (
        BillKind.COMMERCIAL,
        120,
        5,
        (("present", 8, {}), ("dishonour", 4, {"reason": "承兑人账户余额不足", "costs": Decimal("300.00")})),
    ),
)
MOVES = {
    "endorse": services.bill_endorse,
    "discount": services.bill_discount,
    "present": services.bill_present,
    "honour": services.bill_honour,
    "dishonour": services.bill_dishonour,
}


def _invoices(as_of: date) -> list[tuple[tuple, Invoice]]:
    """For each story, an open CNY invoice issued by the day its bill is received, each of
    another customer (the largest first: the bills stand out on the register)."""
    candidates = list(
        Invoice.objects.filter(
            currency="CNY", closed_on__isnull=True, applied_amount=0, disputed=False,
            invoice_date__lte=as_of - timedelta(days=10), amount__lte=Decimal("500000"),
        )
        .select_related("customer")
        .order_by("-amount", "pk")[:5000]
    )  # fmt: skip
    chosen, customers = [], set()
    for story in STORIES:
        received = story[1]
        for invoice in candidates:
            if invoice.customer_id not in customers and invoice.invoice_date <= as_of - timedelta(
                days=received
            ):
                chosen.append((story, invoice))
                customers.add(invoice.customer_id)
                break
    return chosen


def bills_demo(*, as_of: date) -> dict[str, int]:
    """A bill in each state (held, endorsed, discounted, collecting, honoured, dishonoured)."""
    made = 0
    for number, (story, invoice) in enumerate(_invoices(as_of), 1):
        kind, received, matures, moves = story
        received_on = as_of - timedelta(days=received)
        customer = invoice.customer
        bill = services.bill_receive(
            bill=services.BillIn(
                customer=customer,
                number=f"{'1' if kind == BillKind.BANK else '5'}3105800000{as_of:%Y%m%d}{number:011d}",
                kind=kind,
                drawer=customer.name,
                acceptor=BANKS[number % len(BANKS)] if kind == BillKind.BANK else customer.name,
                acceptor_bank=BANKS[(number + 1) % len(BANKS)],
                issue_date=received_on - timedelta(days=5),
                maturity_date=as_of - timedelta(days=matures),
                received_on=received_on,
                amount=invoice.amount,
                currency="CNY",
                invoices=((invoice.number, None),),
            )
        )
        for move, days_before, arguments in moves:
            MOVES[move](bill=bill, on=as_of - timedelta(days=days_before), **arguments)
        made += 1
    return {"acceptance_bills": made, "bill_reminders": services.bills_remind(as_of=as_of)}
