"""The demo's collections desk: overdue reasons, promises, disputes, payment plans and the
last days' dunning runs."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count

from huikuan.collections.models import (
    ActivityKind,
    CallOutcome,
    Channel,
    DisputeReason,
    DunningAction,
    OverdueReasonCode,
)
from huikuan.collections.run import dunning_run, holds_place
from huikuan.collections.services import (
    activity_log,
    dispute_open,
    dispute_resolve,
    overdue_reason_set,
    plan_create,
    promise_make,
    promises_evaluate,
)
from huikuan.core.money import money_floor
from huikuan.credit import figures
from huikuan.ledger.models import Customer, CustomerStatus, Invoice, Payment

# The overdue reason a collector notes for each payment habit of the demo (seed 002's types);
# a customer who usually pays on time and is late now was let down by its own side or ours.
REASON_BY_HABIT = {
    "habitual": OverdueReasonCode.HABITUAL,
    "disorganised": OverdueReasonCode.DISORGANISED,
    "declining": OverdueReasonCode.DECLINING,
    "dispute": OverdueReasonCode.DISPUTE,
    "over_expanding": OverdueReasonCode.OVER_EXPANDING,
    "fraud": OverdueReasonCode.FRAUD,
    "seasonal": OverdueReasonCode.HABITUAL,
}
ON_TIME_PAYERS_LATE = (OverdueReasonCode.OWN_SIDE, OverdueReasonCode.DISORGANISED, OverdueReasonCode.OWN_SIDE)
REASON_NOTES = {
    OverdueReasonCode.HABITUAL: "客户付款习惯性拖延，每月固定付款日才安排付款",
    OverdueReasonCode.DISORGANISED: "客户财务人员变动，对账和付款流程混乱",
    OverdueReasonCode.DECLINING: "客户订单下滑、资金紧张，付款越来越慢",
    OverdueReasonCode.DISPUTE: "客户对部分货物质量有异议，暂扣货款",
    OverdueReasonCode.OVER_EXPANDING: "客户扩张过快，资金周转紧张",
    OverdueReasonCode.FRAUD: "客户失联，已移交法务",
    OverdueReasonCode.OWN_SIDE: "我方发票/送货单据不全，客户无法入账",
}
DISPUTE_DESCRIPTIONS = {
    DisputeReason.QUALITY: "部分批次产品检验不合格，客户要求退换",
    DisputeReason.PRICE: "客户认为单价应按年度框架协议执行",
    DisputeReason.QUANTITY: "到货数量与发票数量不符",
    DisputeReason.DELIVERY: "交货延期，客户要求扣款",
    DisputeReason.DOCUMENTS: "发票抬头有误，需重开",
}
CENT = Decimal("0.01")
MAX_DISPUTES = 40


def overdue_reasons_note(
    *, rng: random.Random, as_of: date, habits: dict[str, str], collectors: dict[int, str]
) -> int:
    """Every customer overdue at ``as_of`` gets the reason its collector judged, lately."""
    overdue = figures.overdue_beyond_by_customer(as_of=as_of, days=0)
    customers = Customer.objects.in_bulk(sorted(overdue))
    for customer_id in sorted(overdue):
        customer = customers[customer_id]
        habit = habits.get(customer.code, "prompt")
        code = REASON_BY_HABIT.get(habit) or rng.choice(ON_TIME_PAYERS_LATE)
        overdue_reason_set(
            customer=customer,
            code=code,
            noted_on=as_of - timedelta(days=rng.randint(0, 45)),
            noted_by=collectors.get(customer_id) or "collections",
            note=REASON_NOTES[code],
        )
    return len(overdue)


def disputes_open(*, rng: random.Random, as_of: date) -> int:
    """The invoices marked disputed that are still open get their dispute; a quarter is settled."""
    invoices = Invoice.objects.filter(disputed=True, closed_on__isnull=True).select_related("customer")
    count = 0
    for invoice in invoices.order_by("number")[:MAX_DISPUTES]:
        reason = rng.choice(list(DISPUTE_DESCRIPTIONS))
        opened_on = min(
            as_of, max(invoice.invoice_date, invoice.due_date - timedelta(days=rng.randint(0, 10)))
        )
        amount = invoice.open_amount
        if rng.random() < 0.4:
            amount = money_floor(amount * Decimal(str(rng.uniform(0.1, 0.5))))
        if amount <= 0:
            continue
        dispute = dispute_open(
            invoice=invoice,
            amount=amount,
            reason_code=reason,
            owner=invoice.customer.collector or "collections",
            opened_on=opened_on,
            opened_by=invoice.customer.salesperson or "collections",
            description=DISPUTE_DESCRIPTIONS[reason],
        )
        count += 1
        if rng.random() < 0.25 and opened_on + timedelta(days=15) <= as_of:
            dispute_resolve(
                dispute=dispute,
                resolution="双方核对后确认按原价结算，客户同意付款",
                root_cause="沟通不及时",
                resolved_on=opened_on + timedelta(days=rng.randint(15, min(60, (as_of - opened_on).days))),
            )
    return count


def promises_make(*, rng: random.Random, as_of: date, collectors: dict[int, str]) -> dict[str, int]:
    """Promises to pay taken on calls in the last two months: kept (a payment came), broken
    (nothing came by the date) and open (the date is still ahead). Their status is decided
    from the payments by ``promises_evaluate``, as the daily job does."""
    overdue = figures.overdue_beyond_by_customer(as_of=as_of, days=0)
    eligible = sorted(
        customer_id
        for customer_id in overdue
        if Customer.objects.filter(
            pk=customer_id, status__in=(CustomerStatus.ACTIVE, CustomerStatus.CREDIT_HOLD)
        ).exists()
    )
    chosen = rng.sample(eligible, min(len(eligible), 36))
    made = 0
    for position, customer_id in enumerate(sorted(chosen)):
        customer = Customer.objects.get(pk=customer_id)
        collector = collectors.get(customer_id) or "collections"
        amount_due = overdue[customer_id][0]
        payment = (
            Payment.objects.filter(
                customer=customer, payment_date__gte=as_of - timedelta(days=50), payment_date__lte=as_of
            )
            .order_by("payment_date", "id")
            .first()
        )
        kind = position % 3
        if kind == 0 and payment is not None:  # kept
            made_on = payment.payment_date - timedelta(days=rng.randint(3, 10))
            promised_date, amount = payment.payment_date + timedelta(days=rng.randint(0, 3)), payment.amount
        elif kind == 1:  # broken, or kept if a payment came after all
            made_on = as_of - timedelta(days=rng.randint(25, 45))
            promised_date = made_on + timedelta(days=rng.randint(7, 14))
            amount = _in_currency(customer, amount_due * Decimal("0.6"))
        else:  # open
            made_on = as_of - timedelta(days=rng.randint(0, 6))
            promised_date = as_of + timedelta(days=rng.randint(3, 15))
            amount = _in_currency(customer, amount_due * Decimal("0.5"))
        if amount <= 0:
            continue
        call = activity_log(
            customer=customer,
            kind=ActivityKind.CALL,
            occurred_on=made_on,
            user=collector,
            outcome=CallOutcome.PROMISED,
            note=f"客户财务承诺于{promised_date:%Y年%m月%d日}前付款",
        )
        promise_make(
            customer=customer,
            promised_date=promised_date,
            amount=amount,
            made_on=made_on,
            made_by=collector,
            activity=call,
        )
        made += 1
    outcome = promises_evaluate(as_of=as_of)
    return {"promises": made, "promises_kept": outcome["kept"], "promises_broken": outcome["broken"]}


def _in_currency(customer: Customer, functional: Decimal) -> Decimal:
    """A functional-currency amount in the customer's currency (dollars at about 7.2)."""
    amount = functional if customer.currency == "CNY" else functional / Decimal("7.2")
    return money_floor(amount, Decimal("100")) or money_floor(amount)


def plans_agree(*, as_of: date, collectors: dict[int, str], count: int = 2) -> int:
    """Payment plans with the customers on credit hold who owe the most: three monthly instalments."""
    overdue = figures.overdue_beyond_by_customer(as_of=as_of, days=60)
    held = set(
        Customer.objects.filter(pk__in=list(overdue), status=CustomerStatus.CREDIT_HOLD).values_list(
            "pk", flat=True
        )
    )
    largest = sorted(held, key=lambda pk: (-overdue[pk][0], pk))[:count]
    for customer_id in largest:
        customer = Customer.objects.get(pk=customer_id)
        total = _in_currency(customer, overdue[customer_id][0])
        share = money_floor(total / 3)
        plan_create(
            customer=customer,
            starts_on=as_of - timedelta(days=10),
            instalments=[
                (as_of + timedelta(days=20), share),
                (as_of + timedelta(days=50), share),
                (as_of + timedelta(days=80), total - 2 * share),
            ],
            created_by=collectors.get(customer_id) or "collections",
            note="客户资金紧张，经协商分三期偿还逾期货款",
        )
    return len(largest)


# The daily dunning run of the demo's last days: the first takes the steps the overdue
# invoices have reached, the next ones those reached since, as the scheduled job does.
DUNNING_DAYS = 5


def dunning_days(*, as_of: date, days: int = DUNNING_DAYS) -> dict[str, int]:
    """The daily dunning run for the ``days`` days up to ``as_of``: its steps and actions (the
    collectors' call tasks, the entries of the timelines), the emails queued in the outbox and
    the legal step's credit holds. Nothing is rendered or sent while the demo loads: the
    emails and letters wait in the outbox for delivery."""
    for offset in range(days - 1, -1, -1):
        dunning_run(date=as_of - timedelta(days=offset), after_commit=False)
    holds = holds_place()
    by_channel = dict(
        DunningAction.objects.values("channel").annotate(count=Count("id")).values_list("channel", "count")
    )
    return {
        "dunning_runs": days,
        "dunning_actions": sum(by_channel.values()),
        "call_tasks": by_channel.get(Channel.PHONE, 0),
        "emails_queued": by_channel.get(Channel.EMAIL, 0),
        "credit_holds_placed": holds,
    }
