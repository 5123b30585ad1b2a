"""The special report (专项报告): one customer — its credit standing, its history of invoices
and payments, its promises, disputes and the legal steps taken.

Legal steps are the dunning actions of the ladder's legal rungs (a step that sends the case
to legal, decides on litigation or holds credit) and the letters sent to the customer.
Balances are at the end of ``as_of`` (the aging's), the lists as recorded up to it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q

from huikuan.collections.models import Dispute, DunningAction, DunningStep, OverdueReason, PromiseToPay
from huikuan.core.money import functional_amount
from huikuan.core.policy import policy_value
from huikuan.correspondence.models import Letter
from huikuan.credit import figures as credit_figures
from huikuan.credit.models import ClassChange
from huikuan.ledger.models import Customer, Payment, WriteOff
from huikuan.reporting.selectors import aging_report

ZERO = Decimal(0)
ROWS = 200
HISTORY_MONTHS = 12


def _legal_steps() -> Q:
    rungs = DunningStep.objects.filter(
        Q(case_to_legal=True) | Q(litigation_decision=True) | Q(credit_hold=True)
    )
    by_step = Q(pk__in=[])
    for policy_code, step_code in rungs.values_list("policy__code", "code"):
        by_step |= Q(policy_code=policy_code, step_code=step_code)
    return by_step | Q(case_to_legal=True) | Q(credit_hold=True)


def _months(as_of: date) -> list[date]:
    starts, start = [], as_of.replace(day=1)
    for _index in range(HISTORY_MONTHS):
        starts.append(start)
        start = (start - timedelta(days=1)).replace(day=1)
    return list(reversed(starts))


def special_report(*, customer: Customer, as_of: date) -> dict:
    """The customer's file as plain data (amounts in the functional currency unless named)."""
    aging = aging_report(as_of=as_of, group_by="customer", customer_ids=[customer.pk])
    buckets = aging.total_buckets()
    open_balances = {
        invoice_id: balance
        for _c, invoice_id, _n, _d, balance in credit_figures.open_invoices_due_between(
            as_of=as_of, first_due=date(1900, 1, 1), last_due=date(2199, 12, 31), customer_ids=[customer.pk]
        )
    }
    invoices = list(
        customer.invoices.filter(invoice_date__lte=as_of).order_by("-invoice_date", "-number")[:ROWS]
    )
    payments = list(
        customer.payments.filter(payment_date__lte=as_of).order_by("-payment_date", "-reference")[:ROWS]
    )
    months = _months(as_of)
    invoiced: dict[str, Decimal] = defaultdict(Decimal)
    received: dict[str, Decimal] = defaultdict(Decimal)
    for day, amount, rate in customer.invoices.filter(
        invoice_date__gte=months[0], invoice_date__lte=as_of
    ).values_list("invoice_date", "amount", "fx_rate"):
        invoiced[f"{day:%Y-%m}"] += functional_amount(amount, rate)
    for day, amount, rate in Payment.objects.filter(
        customer=customer, payment_date__gte=months[0], payment_date__lte=as_of
    ).values_list("payment_date", "amount", "fx_rate"):
        received[f"{day:%Y-%m}"] += functional_amount(amount, rate)
    reason = (
        OverdueReason.objects.filter(customer=customer, noted_on__lte=as_of)
        .order_by("-noted_on", "-pk")
        .first()
    )
    legal = DunningAction.objects.filter(_legal_steps(), customer=customer, action_date__lte=as_of).order_by(
        "-action_date", "-pk"
    )
    return {
        "kind": "special",
        "as_of": as_of.isoformat(),
        "currency": policy_value("FUNCTIONAL_CURRENCY"),
        "customer": {
            "code": customer.code,
            "name": customer.name,
            "credit_class": customer.credit_class,
            "credit_limit": None if customer.credit_limit is None else f"{customer.credit_limit:.2f}",
            "term_days": customer.term_days,
            "currency": customer.currency,
            "salesperson": customer.salesperson,
            "collector": customer.collector,
            "department": customer.department,
            "status": customer.status,
            "overdue_reason": reason.code if reason else "",
        },
        "balance": {
            "total": f"{sum(buckets.values(), ZERO):.2f}",
            "overdue": f"{sum((v for k, v in buckets.items() if k != 'current'), ZERO):.2f}",
            "buckets": {name: f"{value:.2f}" for name, value in buckets.items()},
        },
        "months": [
            {
                "month": f"{start:%Y-%m}",
                "invoiced": f"{invoiced[f'{start:%Y-%m}']:.2f}",
                "received": f"{received[f'{start:%Y-%m}']:.2f}",
            }
            for start in months
        ],
        "class_changes": [
            {"date": change.changed_at.date().isoformat(), "from": change.from_class, "to": change.to_class}
            for change in ClassChange.objects.filter(customer=customer, changed_at__date__lte=as_of).order_by(
                "-changed_at"
            )[:ROWS]
        ],
        "invoices": [
            {
                "number": invoice.number,
                "invoice_date": invoice.invoice_date.isoformat(),
                "due_date": invoice.due_date.isoformat(),
                "amount": f"{invoice.amount:.2f}",
                "currency": invoice.currency,
                "open": f"{open_balances.get(invoice.pk, ZERO):.2f}",
                "days_overdue": max((as_of - invoice.due_date).days, 0) if invoice.pk in open_balances else 0,
            }
            for invoice in invoices
        ],
        "payments": [
            {
                "reference": p.reference,
                "date": p.payment_date.isoformat(),
                "amount": f"{p.amount:.2f}",
                "currency": p.currency,
                "method": p.method,
            }
            for p in payments
        ],
        "promises": [
            {
                "made_on": p.made_on.isoformat(),
                "promised_date": p.promised_date.isoformat(),
                "amount": f"{p.amount:.2f}",
                "currency": p.currency,
                "status": p.status,
                "paid": f"{p.paid_amount:.2f}",
            }
            for p in PromiseToPay.objects.filter(customer=customer, made_on__lte=as_of).order_by(
                "-made_on", "-pk"
            )
        ],
        "disputes": [
            {
                "invoice": d.invoice.number,
                "opened_on": d.opened_on.isoformat(),
                "amount": f"{d.amount:.2f}",
                "currency": d.currency,
                "reason": d.reason_code,
                "status": d.status,
                "resolved_on": d.resolved_on.isoformat() if d.resolved_on else None,
            }
            for d in Dispute.objects.filter(customer=customer, opened_on__lte=as_of)
            .select_related("invoice")
            .order_by("-opened_on", "-pk")
        ],
        "legal_steps": [
            {
                "date": a.action_date.isoformat(),
                "step": a.step_code,
                "channel": a.channel,
                "status": a.status,
                "case_to_legal": a.case_to_legal,
                "credit_hold": a.credit_hold,
            }
            for a in legal[:ROWS]
        ],
        "letters": [
            {
                "reference": letter.reference,
                "date": letter.created_at.date().isoformat(),
                "subject": letter.subject,
            }
            for letter in Letter.objects.filter(customer=customer, created_at__date__lte=as_of).order_by(
                "-created_at"
            )[:ROWS]
        ],
        "write_offs": [
            {
                "invoice": w.invoice.number,
                "date": w.writeoff_date.isoformat(),
                "amount": f"{w.amount:.2f}",
                "reason": w.reason,
            }
            for w in WriteOff.objects.filter(invoice__customer=customer, writeoff_date__lte=as_of)
            .select_related("invoice")
            .order_by("-writeoff_date", "-pk")
        ],
    }
