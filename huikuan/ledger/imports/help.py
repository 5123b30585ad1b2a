"""What each import file holds, told from the columns the importer reads (``KINDS``).

The import page, its downloadable templates and ``docs/imports.md`` are all made from this
module and the column definitions, so they cannot drift apart: a test regenerates the
document and compares, and imports every template.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from huikuan.core.exports import Column as SheetColumn
from huikuan.core.exports import Sheet
from huikuan.ledger.imports import KINDS
from huikuan.ledger.imports.columns import Column

# The order to import in: each kind needs only the ones before it.
ORDER = (
    "customers",
    "invoices",
    "payments",
    "allocations",
    "credit-notes",
    "orders",
    "statements",
    "vat-invoices",
    "bills",
    "payables",
)

SUMMARY: dict[str, Promise] = {
    "customers": gettext_lazy(
        "One row per customer, keyed by customer_code. Terms follow the class: term_days beyond "
        "the term of the customer's class (the setting TERM_DAYS_BY_CLASS; class D has none: cash "
        "before delivery) plus the extension days granted to the customer by approval is refused, "
        "or cut to that ceiling with a warning when CREDIT_TERMS_BEYOND_CLASS is cap."
    ),
    "invoices": gettext_lazy(
        "One row per invoice, keyed by invoice_number. Without a due_date, the due date is the "
        "invoice date plus the term-start delay plus the customer's term days."
    ),
    "payments": gettext_lazy(
        "One row per receipt, keyed by payment_ref. Leave customer_code empty for cash not yet "
        "matched to a customer. With an invoice_number the payment is allocated to that invoice, "
        "up to its open balance; the rest stays on account. With advance = yes the payment is an "
        "advance receipt (预收), kept apart from money on account, for the customer or for the "
        "order_number given; it is offset against that order's invoices when they are issued."
    ),
    "allocations": gettext_lazy(
        "One row per payment applied to an invoice, keyed by payment_ref and invoice_number; "
        "never more than the invoice's open balance or the payment's unallocated rest."
    ),
    "credit-notes": gettext_lazy(
        "One row per credit note, keyed by credit_note_number. With an invoice_number it reduces "
        "that invoice; without, it stays on the customer's account."
    ),
    "orders": gettext_lazy(
        "One row per sales order, keyed by order_number. Open orders count in the customer's "
        "credit exposure; imported orders are not credit-checked."
    ),
    "payables": gettext_lazy(
        "One row per customer and supplier code: what the company owes a counterparty that is also "
        "a customer (应付), as of a date, for the AR/AP offset (应收冲应付). A newer row for the same "
        "pair replaces the balance."
    ),
    "statements": gettext_lazy(
        "One row per customer and statement date: the figures of a financial statement, "
        "for the Altman Z-score."
    ),
    "vat-invoices": gettext_lazy(
        "One row per VAT invoice and receivable it invoices, keyed by vat_invoice_number and "
        "invoice_number: a VAT invoice covering several receivables takes several rows with the same "
        "number, kind, customer, date and vat_amount. A fully digital e-invoice (数电票) has a 20-digit "
        "number, a paper one 8 digits. A receivable is never invoiced beyond its amount, nor a VAT "
        "invoice linked beyond its vat_amount."
    ),
    "bills": gettext_lazy(
        "One row per acceptance bill received as payment, keyed by bill_number and sub_range "
        "(an electronic bill's sub-range START-END in cents: 1-5000000 is 50,000.00). invoices "
        "lists the invoices it pays, separated by ;, each with :amount when not its whole open "
        "balance; what the bill does not use stays on the customer's account. An electronic "
        "bill maturing more than 6 months after its issue is refused. A bill already received "
        "with the same details is left as it is."
    ),
}

# A row of each kind, consistent across kinds: importing the templates in ORDER works.
EXAMPLES: dict[str, dict[str, str]] = {
    "customers": {
        "customer_code": "HZ001",
        "name": "杭州示例贸易有限公司",
        "short_name": "示例贸易",
        "english_name": "Hangzhou Example Trading Co., Ltd.",
        "credit_class": "B",
        "credit_limit": "500000.00",
        "term_days": "45",
        "salesperson": "zhang",
        "collector": "wang",
        "department": "华东",
        "industry_position": "regional",
        "email": "ar@example.com",
        "phone": "0571-88880000",
        "address": "杭州市西湖区示例路1号",
        "status": "active",
        "currency": "CNY",
        "language": "zh-hans",
    },
    "invoices": {
        "invoice_number": "YS-2024-0001",
        "customer_code": "HZ001",
        "invoice_date": "2024-06-01",
        "due_date": "2024-07-21",
        "shipment_date": "2024-05-30",
        "amount": "113000.00",
        "currency": "CNY",
        "exchange_rate": "",
        "order_number": "SO-2024-0001",
        "contract_number": "HT-2024-001",
        "vat_invoice_number": "04400123",
        "salesperson": "zhang",
        "department": "华东",
        "description": "6月货款",
        "disputed": "no",
        "gross_margin": "0.18",
        "billing": "electronic",
    },
    "payments": {
        "payment_ref": "SK-2024-0001",
        "customer_code": "HZ001",
        "payment_date": "2024-06-20",
        "amount": "50000.00",
        "currency": "CNY",
        "exchange_rate": "",
        "method": "bank_transfer",
        "payer_name": "杭州示例贸易有限公司",
        "memo": "货款",
        "invoice_number": "",
        "advance": "no",
        "order_number": "",
    },
    "allocations": {
        "payment_ref": "SK-2024-0001",
        "invoice_number": "YS-2024-0001",
        "amount": "30000.00",
        "allocation_date": "2024-06-21",
    },
    "credit-notes": {
        "credit_note_number": "HZ-2024-0001",
        "customer_code": "HZ001",
        "invoice_number": "YS-2024-0001",
        "date": "2024-06-25",
        "amount": "3000.00",
        "currency": "CNY",
        "exchange_rate": "",
        "reason": "质量折让",
    },
    "orders": {
        "order_number": "SO-2024-0002",
        "customer_code": "HZ001",
        "order_date": "2024-06-28",
        "amount": "80000.00",
        "currency": "CNY",
        "exchange_rate": "",
        "status": "open",
        "price": "128.00",
        "break_even_price": "100.00",
        "target_profit": "30.00",
    },
    "statements": {
        "customer_code": "HZ001",
        "statement_date": "2023-12-31",
        "kind": "private_manufacturer",
        "working_capital": "1200000.00",
        "retained_earnings": "800000.00",
        "ebit": "450000.00",
        "book_equity": "2000000.00",
        "market_equity": "",
        "total_liabilities": "1500000.00",
        "sales": "6000000.00",
        "total_assets": "3500000.00",
        "currency": "CNY",
    },
    "vat-invoices": {
        "vat_invoice_number": "24332000000012345678",
        "kind": "digital_special",
        "customer_code": "HZ001",
        "issue_date": "2024-06-02",
        "vat_amount": "113000.00",
        "currency": "CNY",
        "invoice_number": "YS-2024-0001",
        "amount": "113000.00",
    },
    "bills": {
        "bill_number": "531058000001220240626000000123",
        "sub_range": "1-5000000",
        "kind": "commercial",
        "electronic": "yes",
        "customer_code": "HZ001",
        "drawer": "杭州示例贸易有限公司",
        "acceptor": "杭州示例贸易有限公司",
        "acceptor_bank": "工商银行杭州分行",
        "issue_date": "2024-06-26",
        "maturity_date": "2024-12-26",
        "received_on": "2024-06-28",
        "amount": "50000.00",
        "currency": "CNY",
        "exchange_rate": "",
        "invoices": "YS-2024-0001:50000.00",
        "payment_reference": "PJ-2024-0001",
    },
    "payables": {
        "customer_code": "HZ001",
        "supplier_code": "GYS-HZ001",
        "payable_amount": "20000.00",
        "currency": "CNY",
        "as_of_date": "2024-06-30",
    },
}


def kinds() -> list[str]:
    """Every kind of import file, in the order to import them."""
    return [kind for kind in ORDER if kind in KINDS] + [kind for kind in KINDS if kind not in ORDER]


def columns_of(kind: str) -> tuple[Column, ...]:
    return tuple(KINDS[kind][0])


def format_of(column: Column) -> str:
    """The values the column accepts, in the active language."""
    kind, facts = getattr(column.parse, "format", ("text", {}))
    if kind == "text":
        return _("text, at most %(count)s characters") % {"count": facts["max_length"]}
    if kind == "date":
        return _("date YYYY-MM-DD")
    if kind == "decimal":
        minimum, places = facts["minimum"], facts["places"]
        if minimum is None:
            bound = _("may be negative")
        elif facts["strictly_above"]:
            bound = _("greater than %(minimum)s") % {"minimum": minimum}
        else:
            bound = _("%(minimum)s or more") % {"minimum": minimum}
        return _("number with at most %(places)s decimal places, %(bound)s (. as the decimal point)") % {
            "places": places,
            "bound": bound,
        }
    if kind == "fraction":
        return _("fraction from -1 to 1, e.g. 0.18 for 18%%") % {}
    if kind == "currency":
        return _("ISO 4217 currency code, e.g. CNY or USD")
    if kind == "days":
        return _("whole number of days")
    if kind == "flag":
        return _("yes or no (also true/false, 1/0, 是/否)")
    if kind == "choice":
        text = _("one of: %(values)s") % {"values": ", ".join(facts["values"])}
        if facts["synonyms"]:
            text += _("; also accepted: %(synonyms)s") % {"synonyms": ", ".join(facts["synonyms"])}
        return text
    raise ValueError(f"no description for the format {kind!r} of column {column.name!r}")


@dataclass(frozen=True)
class ColumnHelp:
    name: str
    required: bool
    format: str
    aliases: tuple[str, ...]
    example: str


def kind_help(kind: str) -> list[ColumnHelp]:
    """The columns of a kind of file as the help shows them, in the active language."""
    example = EXAMPLES.get(kind, {})
    return [
        ColumnHelp(
            column.name, column.required, format_of(column), column.aliases, example.get(column.name, "")
        )
        for column in columns_of(kind)
    ]


def template_sheet(kind: str) -> Sheet:
    """A template of the kind: the canonical header and one example row. Dates are dates
    and numbers numbers (in the XLSX); codes and other text stay text."""
    columns = columns_of(kind)
    example = EXAMPLES.get(kind, {})
    sheet_columns, row = [], []
    for column in columns:
        format_kind, facts = getattr(column.parse, "format", ("text", {}))
        text = example.get(column.name) or None
        if format_kind == "date":
            sheet_columns.append(SheetColumn(column.name, "date"))
            row.append(date.fromisoformat(text) if text else None)
        elif format_kind in ("decimal", "fraction"):
            money = format_kind == "decimal" and facts["places"] == 2
            sheet_columns.append(SheetColumn(column.name, "money" if money else "number"))
            row.append(Decimal(text) if text else None)
        else:
            sheet_columns.append(SheetColumn(column.name))
            row.append(text)
    return Sheet(title=kind, columns=sheet_columns, rows=[row])


def markdown() -> str:
    """docs/imports.md: every kind of file, in English."""
    with override("en"):
        return _markdown()


def _markdown() -> str:
    lines = [
        "# Import files",
        "",
        "<!-- Generated from the importer's column definitions by `huikuan.ledger.imports.help`;",
        "     tests/ledger/test_import_help.py fails when this file and the code differ.",
        "     Regenerate: HUIKUAN_WRITE_DOCS=1 pytest tests/ledger/test_import_help.py -->",
        "",
        "Huikuan imports CSV (UTF-8 with or without BOM, UTF-16, GBK/GB18030) and Excel",
        "(XLSX, XLS, ODS) files with a header row and one record a row, from the web page",
        "*Import* (导入) or with `huikuan import KIND FILE [--mapping map.json] [--dry-run]`.",
        "",
        "- **Headers.** Each column is known by its canonical name or by any of its Chinese",
        "  headers listed below; a mapping file (`--mapping`, JSON or TOML",
        '  `{"canonical_name": "header in the file"}`) names any other header. Extra columns',
        "  are ignored; a missing optional column, or an empty cell, leaves the stored value as it is.",
        "- **Values.** Dates are `YYYY-MM-DD`. Numbers use `.` as the decimal point; thousands",
        "  separators (`1,234.50`) are accepted. Text is taken as written, without surrounding spaces.",
        "- **All or nothing.** One bad row and nothing is imported; every bad value is listed",
        "  with its line (the header is line 1), column, value and reason.",
        "- **Idempotent.** Records are keyed by their numbers; importing the same file again",
        "  changes nothing, a changed row updates its record, and the audit trail keeps the",
        "  value before and after.",
        "- **Templates.** The import page offers a CSV and an XLSX template of each kind: the",
        "  header row and the example row shown below.",
        "",
        "Import in this order: " + ", ".join(f"`{kind}`" for kind in kinds()) + ".",
        "",
    ]
    for kind in kinds():
        lines += [f"## `{kind}`", "", str(SUMMARY.get(kind, "")), ""]
        example = EXAMPLES.get(kind, {})
        lines += [
            "| column | required | format | Chinese headers | example |",
            "| --- | --- | --- | --- | --- |",
        ]
        for column in kind_help(kind):
            cells = [
                f"`{column.name}`",
                "yes" if column.required else "",
                column.format.replace("|", "\\|"),
                ", ".join(column.aliases),
                f"`{column.example}`" if column.example else "",
            ]
            lines.append("| " + " | ".join(cells) + " |")
        names = [column.name for column in columns_of(kind)]
        header = ",".join(names)
        row = ",".join(_csv_cell(example.get(name, "")) for name in names)
        lines += ["", "Example:", "", "```csv", header, row, "```", ""]
    return "\n".join(lines)


def _csv_cell(text: str) -> str:
    return f'"{text}"' if any(ch in text for ch in ',"\n') else text
