"""Writing reports to CSV and XLSX files, exactly as the report shows them."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from huikuan.reporting.aging import AgingReport


def aging_table(report: AgingReport) -> tuple[list[str], list[list[str]]]:
    """The aging as a header and rows: one per group, then total and share."""
    data = report.as_dict()
    header = ["key", "name", "balance", *data["buckets"], "unapplied"]
    rows = [
        [row["key"], row["name"], row["balance"], *row["buckets"].values(), row["unapplied"]]
        for row in data["rows"]
    ]
    total = data["total"]
    rows.append(["total", "", total["balance"], *total["buckets"].values(), total["unapplied"]])
    rows.append(
        ["share %", "", "100.00" if Decimal(total["balance"]) else "0.00", *data["share"].values(), ""]
    )
    return header, rows


def aging_to_csv(report: AgingReport, path: Path) -> None:
    header, rows = aging_table(report)
    # UTF-8 with BOM so that Excel shows the Chinese names.
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def aging_to_xlsx(report: AgingReport, path: Path) -> None:
    from openpyxl import Workbook

    header, rows = aging_table(report)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(f"aging {report.as_of.isoformat()}")
    sheet.append(header)
    for row in rows:
        # Amounts go in as Decimals: openpyxl writes them as exact numbers.
        sheet.append([row[0], row[1], *(Decimal(v) if v else None for v in row[2:])])
    workbook.save(path)
