"""The monthly report in words and charts (see :mod:`huikuan.finance.reports.monthly`)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from huikuan.collections.models import OverdueReasonCode
from huikuan.core.exports import Column
from huikuan.finance.kpis import KPI_NAMES
from huikuan.finance.provision_report import segment_name, segment_text
from huikuan.finance.reports.charts import BAR, HBAR, LINE, Chart
from huikuan.finance.reports.document import (
    Figure,
    ReportDocument,
    Section,
    Table,
    money,
    money_text,
    number_text,
)
from huikuan.finance.reports.labels import KPI_LABELS
from huikuan.finance.reports.monthly import HABIT_BANDS


def bucket_label(bucket: str) -> str:
    return _("not yet due") if bucket == "current" else _("%(bucket)s days") % {"bucket": bucket}


def _balance(data: dict) -> Section:
    balance, aging, trend = data["balance"], data["aging"], data["trend"]
    months = [row["month"] for row in trend]
    buckets = list(aging["buckets"])
    currency = data["currency"]
    return Section(
        _("Balance and aging"),
        figures=[
            Figure(
                _("Receivables at the month's end"),
                money_text(balance["receivables"]),
                _("start of the month: %(value)s") % {"value": money_text(balance["previous_receivables"])},
            ),
            Figure(_("of which overdue"), money_text(balance["overdue"])),
            Figure(_("Credit sales"), money_text(balance["credit_sales"])),
            Figure(_("Receipts"), money_text(balance["receipts"])),
            Figure(_("Written off"), money_text(balance["written_off"])),
        ],
        charts=[
            Chart(
                BAR,
                _("Aging at the month's end"),
                [bucket_label(b) for b in buckets],
                {_("Balance"): [money(aging["buckets"][b]) for b in buckets]},
                unit=currency,
            ),
            Chart(
                BAR,
                _("Receivables and overdue, month by month"),
                months,
                {
                    _("Receivables"): [money(r["receivables"]) for r in trend],
                    _("Overdue"): [money(r["overdue"]) for r in trend],
                },
                unit=currency,
            ),
        ],
        tables=[
            # A row per bucket, a column per class: four classes fit a page's width, seven buckets not.
            Table(
                _("Aging by credit class"),
                [
                    Column(_("bucket")),
                    *(Column(row["class"] or _("none"), "money") for row in aging["by_class"]),
                    Column(_("total"), "money"),
                ],
                [
                    [
                        bucket_label(b),
                        *(money(row[b]) for row in aging["by_class"]),
                        money(aging["buckets"][b]),
                    ]
                    for b in buckets
                ],
            ),
        ],
    )


def _kpis(data: dict) -> Section:
    kpis, trend = data["kpis"], data["trend"]
    months = [row["month"] for row in trend]
    return Section(
        _("DSO and the KPIs"),
        figures=[
            Figure(str(KPI_LABELS[name]), number_text(kpis[name]))
            for name in ("dso", "collection_rate", "overdue_ratio", "cei")
        ],
        charts=[
            Chart(
                LINE,
                _("DSO and best possible DSO"),
                months,
                {
                    str(KPI_LABELS["dso"]): [money(r["dso"]) for r in trend],
                    str(KPI_LABELS["bpdso"]): [money(r["bpdso"]) for r in trend],
                },
                unit=_("days"),
            ),
            Chart(
                LINE,
                _("Collection rate and overdue ratio"),
                months,
                {
                    str(KPI_LABELS["collection_rate"]): [money(r["collection_rate"]) for r in trend],
                    str(KPI_LABELS["overdue_ratio"]): [money(r["overdue_ratio"]) for r in trend],
                },
                unit="%",
            ),
        ],
        tables=[
            Table(
                _("KPIs of the month"),
                [Column(_("KPI")), Column(_("value"), "number")],
                [[str(KPI_LABELS[name]), money(kpis[name])] for name in KPI_NAMES],
            ),
        ],
        note=_("Days to 0.1, percentages to 0.01; – where a figure has nothing to divide by."),
    )


def _provision(data: dict) -> Section:
    provision = data["provision"]
    rows = provision["buckets"]
    note = ""
    if provision.get("by"):
        note = _("Loss rates measured per %(segment)s.") % {"segment": segment_name(provision["by"])}
    if provision.get("by") == "risk":
        note += " " + _("Customers banded by the class heuristic (no risk score): %(count)s.") % {
            "count": provision["banded_by_heuristic"]
        }
    if any(r["pooled"] for r in provision.get("matrix", [])):
        note += " " + _("* no history of the segment for the bucket: the roll rate of all customers.")
    return Section(
        _("Bad-debt provision"),
        figures=[
            Figure(_("Provision"), money_text(provision["provision"])),
            Figure(_("At %(day)s") % {"day": provision["previous_as_of"]}, money_text(provision["previous"])),
            Figure(_("Change of the provision"), money_text(provision["change"])),
            Figure(_("of which specific provisions"), money_text(provision["specific"])),
        ],
        charts=[
            Chart(
                BAR,
                _("Provision by aging bucket"),
                [bucket_label(r["bucket"]) for r in rows],
                {_("Provision"): [money(r["provision"]) for r in rows]},
                unit=data["currency"],
            ),
        ],
        tables=[
            Table(
                _("Provision by aging bucket"),
                [Column(_("bucket")), Column(_("balance"), "money"), Column(_("provision"), "money")],
                [[bucket_label(r["bucket"]), money(r["balance"]), money(r["provision"])] for r in rows],
            ),
            *(
                [
                    Table(
                        _("Loss rates per %(segment)s") % {"segment": segment_name(provision["by"])},
                        [
                            Column(segment_name(provision["by"])),
                            Column(_("bucket")),
                            Column(_("balance"), "money"),
                            Column(_("rate %")),
                            Column(_("provision"), "money"),
                        ],
                        [
                            [
                                segment_text(provision["by"], r["segment"]),
                                bucket_label(r["bucket"]),
                                money(r["balance"]),
                                r["rate"] + (" *" if r["pooled"] else ""),
                                money(r["provision"]),
                            ]
                            for r in provision["matrix"]
                        ],
                    )
                ]
                if provision.get("matrix")
                else []
            ),
            Table(
                _("Journal entry of the change"),
                [Column(_("account")), Column(_("debit"), "money"), Column(_("credit"), "money")],
                [
                    [line["account"], money(line["debit"]), money(line["credit"])]
                    for line in provision["journal"]
                ],
                empty_text=_("No change to book."),
            ),
        ],
        note=note,
    )


def _habits(data: dict) -> Section:
    rows = data["payment_habits"]
    names = {
        "on_time": _("on time"),
        "late_1_30": _("1–30 days late"),
        "late_31_60": _("31–60 days late"),
        "late_61_plus": _("over 60 days late"),
    }
    classes = [row["class"] or _("none") for row in rows]
    return Section(
        _("Payment habits"),
        charts=[
            Chart(
                HBAR,
                _("Share of what was paid, by credit class (%)"),
                classes,
                {
                    str(names[band]): [money(row[f"{band}_pct"]) or Decimal(0) for row in rows]
                    for band in HABIT_BANDS
                },
            ),
        ],
        tables=[
            Table(
                _("Paid in the month, by credit class"),
                [
                    Column(_("credit class")),
                    Column(_("paid"), "money"),
                    *(Column(f"{names[band]} %", "percent") for band in HABIT_BANDS),
                ],
                [
                    [cls, money(row["paid"]), *(money(row[f"{band}_pct"]) for band in HABIT_BANDS)]
                    for cls, row in zip(classes, rows, strict=True)
                ],
                empty_text=_("Nothing was paid in the month."),
            ),
        ],
    )


def _reasons(data: dict) -> Section:
    rows = data["overdue_reasons"]
    reasons = dict(OverdueReasonCode.choices)
    names = [
        str(reasons.get(row["reason"], row["reason"])) if row["reason"] else _("not noted") for row in rows
    ]
    return Section(
        _("Overdue reasons"),
        charts=[
            Chart(
                HBAR,
                _("Overdue balance by reason"),
                names,
                {_("Overdue"): [money(row["overdue"]) for row in rows]},
                unit=data["currency"],
            ),
        ],
        tables=[
            Table(
                _("Overdue customers by their latest reason"),
                [
                    Column(_("reason")),
                    Column(_("customers"), "count"),
                    Column(_("overdue"), "money"),
                    Column(_("share %"), "percent"),
                ],
                [
                    [name, row["customers"], money(row["overdue"]), money(row["share"])]
                    for name, row in zip(names, rows, strict=True)
                ],
                empty_text=_("Nothing is overdue."),
            ),
        ],
    )


def _plan(plan: dict) -> Section:
    return Section(
        plan.get("title") or _("Clearance plan"),
        tables=[
            Table(
                _("Targets"),
                [Column(_("target")), Column(_("goal")), Column(_("actual")), Column(_("met"))],
                [
                    [
                        row.get("target"),
                        row.get("goal"),
                        row.get("actual"),
                        _("yes") if row.get("met") else _("no"),
                    ]
                    for row in plan.get("rows", [])
                ],
            ),
        ],
    )


def monthly_document(data: dict) -> ReportDocument:
    sections = [_balance(data), _kpis(data), _provision(data), _habits(data), _reasons(data)]
    if data.get("plan"):
        sections.append(_plan(data["plan"]))
    period = f"{data['from']} – {data['to']}"
    return ReportDocument(
        "monthly", _("Monthly receivables report"), period, f"monthly-report-{data['month']}", sections
    )
