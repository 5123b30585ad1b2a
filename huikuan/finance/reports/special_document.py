"""The special report in words and charts (see :mod:`huikuan.finance.reports.special`)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from huikuan.collections.labels import STEPS
from huikuan.collections.models import (
    ActionStatus,
    Channel,
    DisputeReason,
    DisputeStatus,
    OverdueReasonCode,
    PromiseStatus,
)
from huikuan.core.exports import Column
from huikuan.finance.reports.charts import BAR, Chart
from huikuan.finance.reports.document import Figure, ReportDocument, Section, Table, money, money_text
from huikuan.finance.reports.monthly_document import bucket_label
from huikuan.ledger.models import PaymentMethod


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def special_document(data: dict) -> ReportDocument:
    customer, balance, months = data["customer"], data["balance"], data["months"]
    currency = data["currency"]
    reasons = dict(OverdueReasonCode.choices)
    promise_statuses, dispute_statuses = dict(PromiseStatus.choices), dict(DisputeStatus.choices)
    dispute_reasons, channels = dict(DisputeReason.choices), dict(Channel.choices)
    action_statuses, methods = dict(ActionStatus.choices), dict(PaymentMethod.choices)
    open_label = _("open (%(currency)s)") % {"currency": currency}
    standing = Section(
        _("Credit standing"),
        figures=[
            Figure(_("Credit class"), customer["credit_class"] or "–"),
            Figure(_("Credit limit"), money_text(customer["credit_limit"])),
            Figure(_("Payment term (days)"), str(customer["term_days"] or "–")),
            Figure(_("Balance"), money_text(balance["total"])),
            Figure(_("Overdue"), money_text(balance["overdue"])),
            Figure(_("Overdue reason"), str(reasons.get(customer["overdue_reason"], "–"))),
            Figure(_("Collector"), customer["collector"] or "–"),
            Figure(_("Salesperson"), customer["salesperson"] or "–"),
        ],
        charts=[
            Chart(
                BAR,
                _("Invoiced and received, month by month"),
                [m["month"] for m in months],
                {
                    _("Invoiced"): [money(m["invoiced"]) for m in months],
                    _("Received"): [money(m["received"]) for m in months],
                },
                unit=currency,
            ),
            Chart(
                BAR,
                _("Aging"),
                [bucket_label(b) for b in balance["buckets"]],
                {_("Balance"): [money(v) for v in balance["buckets"].values()]},
                unit=currency,
            ),
        ],
        tables=[
            Table(
                _("Class changes"),
                [Column(_("date"), "date"), Column(_("from")), Column(_("to"))],
                [[_day(c["date"]), c["from"] or "–", c["to"]] for c in data["class_changes"]],
                empty_text=_("No change of class."),
            ),
        ],
    )
    history = Section(
        _("History"),
        tables=[
            Table(
                _("Invoices"),
                [
                    Column(_("invoice")),
                    Column(_("invoice date"), "date"),
                    Column(_("due date"), "date"),
                    Column(_("amount"), "money"),
                    Column(_("currency")),
                    Column(open_label, "money"),
                    Column(_("days overdue"), "count"),
                ],
                [
                    [
                        i["number"],
                        _day(i["invoice_date"]),
                        _day(i["due_date"]),
                        money(i["amount"]),
                        i["currency"],
                        money(i["open"]),
                        i["days_overdue"],
                    ]
                    for i in data["invoices"]
                ],
                empty_text=_("No invoices."),
            ),
            Table(
                _("Payments"),
                [
                    Column(_("payment")),
                    Column(_("date"), "date"),
                    Column(_("amount"), "money"),
                    Column(_("currency")),
                    Column(_("method")),
                ],
                [
                    [
                        p["reference"],
                        _day(p["date"]),
                        money(p["amount"]),
                        p["currency"],
                        str(methods.get(p["method"], p["method"])),
                    ]
                    for p in data["payments"]
                ],
                empty_text=_("No payments."),
            ),
        ],
    )
    collections = Section(
        _("Promises, disputes and legal steps"),
        tables=[
            Table(
                _("Promises to pay"),
                [
                    Column(_("made on"), "date"),
                    Column(_("promised date"), "date"),
                    Column(_("amount"), "money"),
                    Column(_("currency")),
                    Column(_("paid"), "money"),
                    Column(_("status")),
                ],
                [
                    [
                        _day(p["made_on"]),
                        _day(p["promised_date"]),
                        money(p["amount"]),
                        p["currency"],
                        money(p["paid"]),
                        str(promise_statuses.get(p["status"], p["status"])),
                    ]
                    for p in data["promises"]
                ],
                empty_text=_("No promises."),
            ),
            Table(
                _("Disputes"),
                [
                    Column(_("invoice")),
                    Column(_("opened on"), "date"),
                    Column(_("amount"), "money"),
                    Column(_("reason")),
                    Column(_("status")),
                    Column(_("resolved on"), "date"),
                ],
                [
                    [
                        d["invoice"],
                        _day(d["opened_on"]),
                        money(d["amount"]),
                        str(dispute_reasons.get(d["reason"], d["reason"])),
                        str(dispute_statuses.get(d["status"], d["status"])),
                        _day(d["resolved_on"]),
                    ]
                    for d in data["disputes"]
                ],
                empty_text=_("No disputes."),
            ),
            Table(
                _("Legal steps"),
                [Column(_("date"), "date"), Column(_("step")), Column(_("channel")), Column(_("status"))],
                [
                    [
                        _day(a["date"]),
                        str(STEPS.get(a["step"], a["step"])),
                        str(channels.get(a["channel"], a["channel"])),
                        str(action_statuses.get(a["status"], a["status"])),
                    ]
                    for a in data["legal_steps"]
                ],
                empty_text=_("No legal step."),
            ),
            Table(
                _("Letters"),
                [Column(_("date"), "date"), Column(_("reference")), Column(_("subject"))],
                [
                    [_day(letter["date"]), letter["reference"], letter["subject"]]
                    for letter in data["letters"]
                ],
                empty_text=_("No letters."),
            ),
            Table(
                _("Written off"),
                [
                    Column(_("invoice")),
                    Column(_("date"), "date"),
                    Column(_("amount"), "money"),
                    Column(_("reason")),
                ],
                [
                    [w["invoice"], _day(w["date"]), money(w["amount"]), w["reason"]]
                    for w in data["write_offs"]
                ],
                empty_text=_("Nothing written off."),
            ),
        ],
    )
    title = _("Special report: %(code)s %(name)s") % {"code": customer["code"], "name": customer["name"]}
    return ReportDocument(
        "special",
        title,
        _("as of %(day)s") % {"day": data["as_of"]},
        f"special-report-{customer['code']}-{data['as_of']}",
        [standing, history, collections],
    )
