"""Reports as sheets for CSV and XLSX files, holding the same lines as the page or the JSON.

Every file is written by :mod:`huikuan.core.exports` (text stays text, numbers stay numbers).
Headers are either the canonical keys of the JSON (``labels="keys"``, the command line's
contract) or words in the active language (``labels="words"``, the web pages).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Literal

from django.utils.translation import gettext as _

from huikuan.collections.performance import ClearanceRow, PerformanceRow, ReasonRow
from huikuan.core.exports import Column, Sheet, save_csv, save_xlsx
from huikuan.reporting.aging import AgingReport

Labels = Literal["keys", "words"]
ZERO = Decimal(0)


def aging_table(report: AgingReport, *, one_label: bool = False) -> tuple[list[str], list[list[str]]]:
    """The aging as a header and rows: one per group, then total and share.

    A customer has a code and a name; a department, salesperson, class or currency is its own
    name, shown twice (``key`` and ``name``) in the JSON's layout, and ``one_label`` shows it
    once instead, in a column named after the grouping (the page and the files in words)."""
    data = report.as_dict()
    header = ["key", "name", "balance", *data["buckets"], "unapplied", "advance"]
    rows = [
        [row["key"], row["name"], row["balance"], *row["buckets"].values(), row["unapplied"], row["advance"]]
        for row in data["rows"]
    ]
    total = data["total"]
    rows.append(
        ["total", "", total["balance"], *total["buckets"].values(), total["unapplied"], total["advance"]]
    )
    rows.append(
        ["share %", "", "100.00" if Decimal(total["balance"]) else "0.00", *data["share"].values(), "", ""]
    )
    if one_label and report.group_by != "customer":
        header = [report.group_by, *header[2:]]
        rows = [[row[0], *row[2:]] for row in rows]
    return header, rows


def aging_words() -> dict[str, str]:
    """The aging's column and line keys in words of the active language."""
    return {
        "key": _("Key"),
        "name": _("Name"),
        "salesperson": _("Salesperson"),
        "department": _("Department"),
        "class": _("Credit class"),
        "currency": _("Currency"),
        "balance": _("Balance"),
        "current": _("current"),
        "unapplied": _("Unapplied"),
        "advance": _("Advance receipts"),
        "total": _("total"),
        # As the page's template has them: "%%" is a percent sign.
        "share %": _("share %%") % {},
        "unidentified": _("Unidentified cash (not matched to a customer)"),
    }


def aging_sheet(report: AgingReport, *, labels: Labels = "keys") -> Sheet:
    """The aging's lines as the page shows them: groups, total, share and, when there is
    any, the cash not matched to a customer (in the balance column, outside the total)."""
    words = aging_words() if labels == "words" else {}

    def word(key: str) -> str:
        return words.get(key, key)

    header, text_rows = aging_table(report, one_label=labels == "words")
    named = header.index("balance")  # the columns that name the line: code and name, or one
    blank = [""] * (named - 1)
    columns = [Column(word(name)) for name in header[:named]]
    columns += [Column(word(name), "money") for name in header[named:]]
    rows: list[list] = [[*row[:named], *(Decimal(v) for v in row[named:])] for row in text_rows[:-2]]
    total, share = text_rows[-2], text_rows[-1]
    rows.append([word("total"), *blank, *(Decimal(v) for v in total[named:])])
    share_row: list = [word("share %"), *blank, *(Decimal(v) for v in share[named:-2]), None, None]
    rows.append(share_row)
    if report.unidentified:
        rows.append(
            [word("unidentified"), *blank, report.unidentified, *([None] * (len(columns) - named - 1))]
        )
    title = f"{_('Aging') if labels == 'words' else 'aging'} {report.as_of.isoformat()}"
    share_index = len(text_rows) - 1
    return Sheet(
        title=title,
        columns=columns,
        rows=rows,
        row_kinds={share_index: "percent"},
        bold_rows={share_index - 1, share_index},
    )


def aging_to_csv(report: AgingReport, path: Path, *, labels: Labels = "keys") -> None:
    save_csv(aging_sheet(report, labels=labels), path)


def aging_to_xlsx(report: AgingReport, path: Path, *, labels: Labels = "keys") -> None:
    save_xlsx(aging_sheet(report, labels=labels), path)


# --- Collections reporting (the web page's three tables) ----------------------------------


def performance_sheet(rows: list[PerformanceRow], *, by: str) -> Sheet:
    columns = [
        Column(_("Team") if by == "team" else _("Collector")),
        Column(_("Actions done"), "count"),
        Column(_("Collected after an action"), "money"),
        Column(_("Promises kept"), "count"),
        Column(_("Promises broken"), "count"),
        Column(_("Kept %%") % {}, "percent"),
    ]
    return Sheet(
        title=_("Actions and promises"),
        columns=columns,
        rows=[
            [
                row.group,
                row.actions_done,
                row.collected_after_action,
                row.promises_kept,
                row.promises_broken,
                row.promises_kept_percent,
            ]
            for row in rows
        ],
    )


def clearance_sheet(rows: list[ClearanceRow], *, by: str) -> Sheet:
    columns = [
        Column(_("Team") if by == "team" else _("Collector")),
        Column(_("Overdue at the start"), "money"),
        Column(_("Collected since"), "money"),
        Column("%", "percent"),
    ]
    return Sheet(
        title=_("Overdue clearance"),
        columns=columns,
        rows=[[row.group, row.overdue_at_start, row.collected_since, row.clearance_percent] for row in rows],
    )


def reasons_sheet(rows: list[tuple[str, ReasonRow]]) -> Sheet:
    columns = [Column(_("Overdue reason")), Column(_("Customers"), "count"), Column(_("Overdue"), "money")]
    return Sheet(
        title=_("Overdue by reason"),
        columns=columns,
        rows=[[str(label), row.customers, row.overdue_balance] for label, row in rows],
    )
