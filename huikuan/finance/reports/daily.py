"""The daily report (日报): what came in, what fell overdue, what is promised and what was done.

``daily_report(first_day=, last_day=)`` covers the days from ``first_day`` to ``last_day``
(one day, or Friday to Sunday in Monday's report). Receipts are the payments dated in it (a
bank receipt applied becomes a payment of its booking date); applied is what payments
settled on invoices with an allocation dated in it; newly overdue are the invoices whose
first day overdue is in it and that are still open at its end; promises falling due are
those promised for a day in it; actions done are the dunning actions completed and the
activities logged in it. Amounts in the functional currency, each item at its own rate.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from huikuan.collections.models import (
    ActionStatus,
    Activity,
    ActivityKind,
    Channel,
    DunningAction,
    PromiseStatus,
    PromiseToPay,
)
from huikuan.core.exports import Column
from huikuan.core.money import functional_amount
from huikuan.core.policy import policy_value
from huikuan.credit import figures as credit_figures
from huikuan.finance.reports.charts import BAR, HBAR, Chart
from huikuan.finance.reports.document import Figure, ReportDocument, Section, Table, money, money_text
from huikuan.ledger.models import Allocation, Customer, Payment

ZERO = Decimal(0)
TREND_DAYS = 14
ROWS = 200  # rows listed per table (the totals count them all)


def _names(ids: set[int]) -> dict[int, tuple[str, str]]:
    return {
        pk: (code, name)
        for pk, code, name in Customer.objects.filter(pk__in=ids).values_list("pk", "code", "name")
    }


def _receipts_on(first_day: date, last_day: date) -> Decimal:
    by_currency = credit_figures.receipts_by_customer(first_day=first_day, last_day=last_day, by="currency")
    return sum(by_currency.values(), ZERO)


def daily_report(*, first_day: date, last_day: date | None = None) -> dict:
    """The daily report's figures as plain data (decimal strings)."""
    last_day = last_day or first_day
    payments = list(
        Payment.objects.filter(payment_date__gte=first_day, payment_date__lte=last_day)
        .order_by("-amount", "reference")
        .values_list("reference", "payment_date", "customer_id", "amount", "currency", "fx_rate", "method")
    )
    allocations = list(
        Allocation.objects.filter(allocation_date__gte=first_day, allocation_date__lte=last_day)
        .order_by("allocation_date", "pk")
        .values_list(
            "payment__reference",
            "invoice__number",
            "invoice__customer_id",
            "allocation_date",
            "amount",
            "invoice__fx_rate",
        )
    )
    overdue = credit_figures.open_invoices_due_between(
        as_of=last_day, first_due=first_day - timedelta(days=1), last_due=last_day - timedelta(days=1)
    )
    promises = list(
        PromiseToPay.objects.filter(promised_date__gte=first_day, promised_date__lte=last_day).order_by(
            "promised_date", "pk"
        )
    )
    actions = list(
        DunningAction.objects.filter(
            status=ActionStatus.DONE, completed_on__gte=first_day, completed_on__lte=last_day
        ).values_list("customer_id", "channel", "step_code", "completed_by")
    )
    activities = list(
        Activity.objects.filter(occurred_on__gte=first_day, occurred_on__lte=last_day).values_list(
            "customer_id", "kind", "outcome", "user"
        )
    )
    names = _names(
        {row[2] for row in payments if row[2]}
        | {row[2] for row in allocations}
        | {row[0] for row in overdue}
        | {p.customer_id for p in promises}
    )
    received = [
        {
            "reference": reference,
            "date": day.isoformat(),
            "customer_code": names.get(customer_id, ("", ""))[0],
            "customer_name": names.get(customer_id, ("", ""))[1],
            "amount": f"{functional_amount(amount, fx_rate):.2f}",
            "currency": currency,
            "amount_in_currency": f"{amount:.2f}",
            "method": method,
        }
        for reference, day, customer_id, amount, currency, fx_rate, method in payments
    ]
    applied = [
        {
            "payment": payment,
            "invoice": invoice,
            "customer_code": names.get(customer_id, ("", ""))[0],
            "date": day.isoformat(),
            "amount": f"{functional_amount(amount, fx_rate):.2f}",
        }
        for payment, invoice, customer_id, day, amount, fx_rate in allocations
    ]
    trend_start = last_day - timedelta(days=TREND_DAYS - 1)
    return {
        "kind": "daily",
        "from": first_day.isoformat(),
        "to": last_day.isoformat(),
        "currency": policy_value("FUNCTIONAL_CURRENCY"),
        "receipts": {
            "count": len(received),
            "amount": f"{sum((Decimal(r['amount']) for r in received), ZERO):.2f}",
            "rows": received[:ROWS],
        },
        "applied": {
            "count": len(applied),
            "amount": f"{sum((Decimal(r['amount']) for r in applied), ZERO):.2f}",
            "rows": applied[:ROWS],
        },
        "newly_overdue": {
            "count": len(overdue),
            "amount": f"{sum((row[4] for row in overdue), ZERO):.2f}",
            "rows": [
                {
                    "invoice": number,
                    "customer_code": names[customer_id][0],
                    "customer_name": names[customer_id][1],
                    "due_date": due.isoformat(),
                    "balance": f"{balance:.2f}",
                }
                for customer_id, _invoice_id, number, due, balance in overdue[:ROWS]
            ],
        },
        "promises_due": {
            "count": len(promises),
            "rows": [
                {
                    "customer_code": names[p.customer_id][0],
                    "customer_name": names[p.customer_id][1],
                    "promised_date": p.promised_date.isoformat(),
                    "amount": f"{p.amount:.2f}",
                    "currency": p.currency,
                    "status": p.status,
                    "paid": f"{p.paid_amount:.2f}",
                }
                for p in promises[:ROWS]
            ],
        },
        "actions": {
            "dunning_actions": len(actions),
            "activities": len(activities),
            "by_channel": dict(sorted(Counter(row[1] for row in actions).items())),
            "by_activity": dict(sorted(Counter(row[1] for row in activities).items())),
        },
        "trend": [
            {"date": day.isoformat(), "receipts": f"{_receipts_on(day, day):.2f}"}
            for day in (trend_start + timedelta(days=n) for n in range(TREND_DAYS))
        ],
    }


def daily_document(data: dict) -> ReportDocument:
    """The daily report in the active language: headline figures, the 14-day receipts chart,
    the day's tables."""
    period = data["from"] if data["from"] == data["to"] else f"{data['from']} – {data['to']}"
    currency = data["currency"]
    trend = data["trend"]
    today = next((i for i, row in enumerate(trend) if row["date"] == data["to"]), None)
    channels, kinds = dict(Channel.choices), dict(ActivityKind.choices)
    done = [(str(channels.get(k, k)), v) for k, v in data["actions"]["by_channel"].items()]
    done += [(str(kinds.get(k, k)), v) for k, v in data["actions"]["by_activity"].items()]
    statuses = dict(PromiseStatus.choices)
    amount = _("amount (%(currency)s)") % {"currency": currency}
    summary = Section(
        _("The day at a glance"),
        figures=[
            Figure(
                _("Receipts"),
                money_text(data["receipts"]["amount"]),
                _("%(count)d payments") % {"count": data["receipts"]["count"]},
            ),
            Figure(_("Applied to invoices"), money_text(data["applied"]["amount"])),
            Figure(
                _("Newly overdue"),
                money_text(data["newly_overdue"]["amount"]),
                _("%(count)d invoices") % {"count": data["newly_overdue"]["count"]},
            ),
            Figure(_("Promises falling due"), str(data["promises_due"]["count"])),
            Figure(
                _("Actions done"), str(data["actions"]["dunning_actions"] + data["actions"]["activities"])
            ),
        ],
        charts=[
            Chart(
                BAR,
                _("Receipts, last %(days)d days") % {"days": len(trend)},
                [row["date"][5:] for row in trend],
                {_("Receipts"): [money(row["receipts"]) for row in trend]},
                unit=currency,
                highlight=today,
            ),
            Chart(
                HBAR,
                _("Actions done"),
                [label for label, _n in done],
                {_("Actions done"): [Decimal(n) for _label, n in done]},
            ),
        ],
    )
    tables = Section(
        _("Details"),
        tables=[
            Table(
                _("Receipts"),
                [
                    Column(_("payment")),
                    Column(_("date"), "date"),
                    Column(_("customer")),
                    Column(_("name")),
                    Column(amount, "money"),
                    Column(_("currency")),
                    Column(_("amount in its currency"), "money"),
                ],
                [
                    [
                        r["reference"],
                        date.fromisoformat(r["date"]),
                        r["customer_code"] or _("unidentified"),
                        r["customer_name"],
                        money(r["amount"]),
                        r["currency"],
                        money(r["amount_in_currency"]),
                    ]
                    for r in data["receipts"]["rows"]
                ],
                empty_text=_("No receipts."),
            ),
            Table(
                _("Newly overdue invoices"),
                [
                    Column(_("invoice")),
                    Column(_("customer")),
                    Column(_("name")),
                    Column(_("due date"), "date"),
                    Column(amount, "money"),
                ],
                [
                    [
                        r["invoice"],
                        r["customer_code"],
                        r["customer_name"],
                        date.fromisoformat(r["due_date"]),
                        money(r["balance"]),
                    ]
                    for r in data["newly_overdue"]["rows"]
                ],
                empty_text=_("No invoice fell overdue."),
            ),
            Table(
                _("Promises falling due"),
                [
                    Column(_("customer")),
                    Column(_("name")),
                    Column(_("promised date"), "date"),
                    Column(_("amount"), "money"),
                    Column(_("currency")),
                    Column(_("paid"), "money"),
                    Column(_("status")),
                ],
                [
                    [
                        r["customer_code"],
                        r["customer_name"],
                        date.fromisoformat(r["promised_date"]),
                        money(r["amount"]),
                        r["currency"],
                        money(r["paid"]),
                        str(statuses.get(r["status"], r["status"])),
                    ]
                    for r in data["promises_due"]["rows"]
                ],
                empty_text=_("No promise falls due."),
            ),
        ],
    )
    return ReportDocument(
        "daily", _("Daily receivables report"), period, f"daily-report-{data['to']}", [summary, tables]
    )
