"""The demo's statements of account and its year-end balance confirmation, and the specific
provision of a customer in litigation.

Last month's statements of a few customers are made and emailed (through the outbox, with
their answer links); one customer confirms its statement and one reports a difference,
through the same answer service as the link's page, which opens a dispute of the amount it
does not recognise. One customer has last year-end's balance confirmation (询证函).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from huikuan.core.money import money_floor
from huikuan.demo.credit import last_complete_period
from huikuan.finance.services import specific_provision_add
from huikuan.ledger.models import Customer, CustomerStatus, Invoice
from huikuan.statements.answers import answer_read, statement_answer
from huikuan.statements.models import AccountStatement, LineKind, StatementKind
from huikuan.statements.services import statement_create, statement_send

STATEMENTS = 4
DIFFERENCE_COMMENT = "该批货物单价应按年度框架协议执行，差额部分待双方核对"


def _moment(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _token(email) -> str:
    """The answer link's token, as the customer reads it in the email."""
    return email.body.split("/statements/answer/")[1].split("/")[0]


def _period(as_of: date) -> tuple[date, date]:
    period = last_complete_period(as_of)
    start = date(int(period[:4]), int(period[5:]), 1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return start, end


def _customers(start: date, end: date, as_of: date) -> list[tuple[Customer, Invoice]]:
    """Customers (yuan, with an email) invoiced in the period, each with an invoice of the
    period still open on ``as_of`` (the one a customer may dispute)."""
    invoices = (
        Invoice.objects.filter(
            invoice_date__range=(start, end),
            amount__gt=F("applied_amount"),
            disputed=False,
            currency="CNY",
            customer__currency="CNY",
            customer__status=CustomerStatus.ACTIVE,
            customer__language="zh-hans",
        )
        .exclude(customer__email="")
        .select_related("customer")
        .order_by("customer__code", "-amount", "number")
    )
    chosen: dict[int, tuple[Customer, Invoice]] = {}
    for invoice in invoices:
        chosen.setdefault(invoice.customer_id, (invoice.customer, invoice))
    return [chosen[key] for key in sorted(chosen)]


def statements_send(*, rng: random.Random, as_of: date, sender: str) -> dict[str, int]:
    """Last month's statements of a few customers, sent; one confirmed, one answered with a
    difference (a dispute); one customer's year-end balance confirmation, sent."""
    start, end = _period(as_of)
    candidates = _customers(start, end, as_of)
    if len(candidates) < STATEMENTS:
        return {"account_statements": 0}
    chosen = sorted(rng.sample(candidates, STATEMENTS), key=lambda pair: pair[0].code)
    sent_on = min(end + timedelta(days=2), as_of)
    answered_on = min(sent_on + timedelta(days=3), as_of)
    sent = []
    for customer, _invoice in chosen:
        statement = statement_create(
            customer=customer, kind=StatementKind.ACCOUNT, start=start, end=end, created_by=sender
        )
        email = statement_send(statement=statement, now=_moment(sent_on, 9))
        sent.append((statement, email))
    # The first customer confirms; the second does not recognise part of an invoice.
    confirmed, email = sent[0]
    answer = answer_read(statement=confirmed, data={"answer": "confirm", "answered_by": "财务部 李会计"})
    statement_answer(token=_token(email), answer=answer, now=_moment(answered_on, 14))
    disputed, email = sent[1]
    invoice = chosen[1][1]
    line = disputed.lines.filter(kind=LineKind.INVOICE, invoice_id=invoice.pk).first()
    if line is not None:
        theirs = line.amount - max(money_floor(line.amount * Decimal("0.08"), Decimal("100")), Decimal("100"))
        data = {
            "answer": "differ",
            "answered_by": "应付组 陈经理",
            "note": "请核对单价后重开发票",
            f"amount_{line.position}": str(theirs),
            f"comment_{line.position}": DIFFERENCE_COMMENT,
        }
        answer = answer_read(statement=disputed, data=data)
        statement_answer(token=_token(email), answer=answer, now=_moment(answered_on, 16))
    # Last year-end's balance confirmation (询证函) of the third customer, for the auditors.
    year_end = date(as_of.year - 1, 12, 31)
    confirmation = statement_create(
        customer=chosen[2][0],
        kind=StatementKind.CONFIRMATION,
        start=year_end,
        end=year_end,
        created_by=sender,
    )
    statement_send(statement=confirmation, now=_moment(min(year_end + timedelta(days=6), as_of), 10))
    return {
        "account_statements": AccountStatement.objects.filter(kind=StatementKind.ACCOUNT).count(),
        "balance_confirmations": AccountStatement.objects.filter(kind=StatementKind.CONFIRMATION).count(),
    }


def provision_specific(*, as_of: date, created_by: str) -> int:
    """A specific provision of the customer in litigation that owes the most: its whole balance."""
    owed = (
        Invoice.objects.filter(amount__gt=F("applied_amount"), customer__status=CustomerStatus.LEGAL)
        .values_list("customer_id", "amount", "applied_amount")
        .order_by("customer_id")
    )
    totals: dict[int, Decimal] = {}
    for customer_id, amount, applied in owed:
        totals[customer_id] = totals.get(customer_id, Decimal(0)) + amount - applied
    if not totals:
        return 0
    largest = min(totals, key=lambda pk: (-totals[pk], pk))
    specific_provision_add(
        customer=Customer.objects.get(pk=largest),
        rate=Decimal("1"),
        reason="客户失联，已移交法务起诉，预计难以收回，全额单项计提",
        effective_from=as_of - timedelta(days=20),
        created_by=created_by,
    )
    return 1
