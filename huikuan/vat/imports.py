"""Importing VAT invoices (``huikuan import vat-invoices FILE``): one row per VAT invoice and
receivable it invoices, through the ledger's import pipeline (limits, atomic, every bad row
named). A VAT invoice covering several receivables takes several rows with the same number,
kind, customer, date and amount; importing the same file again changes nothing, and a link's
amount changed in the file is updated (the audit trail keeps before and after)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext, gettext_lazy

from huikuan.ledger.imports.columns import (
    Column,
    parse_amount,
    parse_choice,
    parse_currency,
    parse_date,
    parse_text,
)
from huikuan.ledger.imports.pipeline import (
    ParsedFile,
    Plan,
    fetch_by_keys,
    known_customer,
    known_invoice,
    save_changes,
)
from huikuan.ledger.models import Customer, Invoice
from huikuan.vat.models import DIGITAL_KINDS, VatInvoice, VatInvoiceKind, VatInvoiceLink
from huikuan.vat.rules import number_problem, receivable_overinvoiced, vat_overlinked

parse_kind = parse_choice(
    {
        **{k: k for k in VatInvoiceKind.values},
        "专票": "special",
        "增值税专用发票": "special",
        "普票": "ordinary",
        "增值税普通发票": "ordinary",
        "数电专票": "digital_special",
        "数电票（增值税专用发票）": "digital_special",
        "数电普票": "digital_ordinary",
        "数电票（普通发票）": "digital_ordinary",
    },
    gettext_lazy("kind of VAT invoice"),
)
_CODE = parse_text(64)
_VAT_NUMBER = parse_text(20)

COLUMNS = (
    Column("vat_invoice_number", _VAT_NUMBER, True, ("发票号码", "税票号", "数电票号码")),
    Column("kind", parse_kind, True, ("发票种类", "票种")),
    Column("customer_code", _CODE, True, ("客户编码", "客户代码", "客户编号")),
    Column("issue_date", parse_date, True, ("开票日期",)),
    Column("vat_amount", parse_amount, True, ("价税合计", "发票金额")),
    Column("currency", parse_currency, aliases=("币种",)),
    Column("invoice_number", _CODE, True, ("应收单号", "单据编号")),
    Column("amount", parse_amount, True, ("本次开票金额", "关联金额")),
)
_HEADER = ("kind", "customer_code", "issue_date", "vat_amount", "currency")
_REQUIRED = {c.name for c in COLUMNS if c.required}


def plan(parsed: ParsedFile) -> Plan:
    rows = [row for row in parsed.rows if _REQUIRED <= row.values.keys()]
    customers = fetch_by_keys(
        Customer, "code", (r.values["customer_code"] for r in rows), ["id", "code", "currency"]
    )
    invoices = fetch_by_keys(
        Invoice,
        "number",
        (r.values["invoice_number"] for r in rows),
        ["id", "number", "customer_id", "currency", "amount"],
    )
    existing = fetch_by_keys(
        VatInvoice,
        "number",
        (r.values["vat_invoice_number"] for r in rows),
        ["id", "number", "kind", "customer_id", "issue_date", "amount", "currency"],
    )
    links = {
        (vat_id, invoice_id): (pk, amount)
        for pk, vat_id, invoice_id, amount in VatInvoiceLink.objects.filter(
            vat_invoice_id__in=[v["id"] for v in existing.values()]
        ).values_list("id", "vat_invoice_id", "invoice_id", "amount")
    }
    # What each receivable and each VAT invoice is linked for already, outside this file's rows.
    invoiced = defaultdict(Decimal)
    for invoice_id, amount in VatInvoiceLink.objects.filter(
        invoice_id__in=[i["id"] for i in invoices.values()]
    ).values_list("invoice_id", "amount"):
        invoiced[invoice_id] += amount
    linked = defaultdict(Decimal)
    for (vat_id, _), (_, amount) in links.items():
        linked[vat_id] += amount

    result = Plan()
    headers: dict[str, tuple] = {}
    first_line: dict[tuple[str, str], int] = {}
    creates: list[tuple[str, int, Decimal]] = []  # (vat number, invoice id, amount)
    updates: list[tuple[int, dict]] = []
    new_vats: dict[str, dict] = {}
    for row in rows:
        values = row.values
        number = values["vat_invoice_number"]
        if problem := number_problem(number, digital=values["kind"] in DIGITAL_KINDS):
            parsed.error(row, "vat_invoice_number", problem)
            continue
        customer = known_customer(parsed, row, customers)
        invoice = known_invoice(parsed, row, invoices)
        if customer is None or invoice is None:
            continue
        currency = values.get("currency") or customer["currency"]
        header = (values["kind"], customer["id"], values["issue_date"], values["vat_amount"], currency)
        if headers.setdefault(number, header) != header:
            parsed.error(
                row, "vat_invoice_number", gettext("this VAT invoice has other details on an earlier row")
            )
            continue
        old = existing.get(number)
        if (
            old is not None
            and tuple(old[f] for f in ("kind", "customer_id", "issue_date", "amount", "currency")) != header
        ):
            parsed.error(
                row,
                "vat_invoice_number",
                gettext("is recorded with other details; a VAT invoice does not change"),
            )
            continue
        if (number, values["invoice_number"]) in first_line:
            parsed.error(
                row,
                "invoice_number",
                gettext("this VAT invoice and receivable appear again; first on line %(line)s")
                % {"line": first_line[(number, values["invoice_number"])]},
            )
            continue
        first_line[(number, values["invoice_number"])] = row.line
        if invoice["customer_id"] != customer["id"]:
            parsed.error(
                row,
                "invoice_number",
                gettext("is not customer %(code)s's receivable") % {"code": customer["code"]},
            )
            continue
        if invoice["currency"] != currency:
            parsed.error(
                row,
                "currency",
                gettext("the receivable is in %(currency)s") % {"currency": invoice["currency"]},
            )
            continue
        amount = values["amount"]
        vat_key = old["id"] if old else number
        before = links.get((old["id"], invoice["id"])) if old else None
        increase = amount - (before[1] if before else Decimal(0))
        if problem := vat_overlinked(vat_amount=values["vat_amount"], linked=linked[vat_key] + increase):
            parsed.error(row, "amount", problem)
            continue
        if problem := receivable_overinvoiced(
            number=invoice["number"], amount=invoice["amount"], invoiced=invoiced[invoice["id"]] + increase
        ):
            parsed.error(row, "amount", problem)
            continue
        linked[vat_key] += increase
        invoiced[invoice["id"]] += increase
        if old is None:
            new_vats.setdefault(
                number,
                {
                    "kind": values["kind"],
                    "customer_id": customer["id"],
                    "issue_date": values["issue_date"],
                    "amount": values["vat_amount"],
                    "currency": currency,
                },
            )
        if before is None:
            creates.append((number, invoice["id"], amount))
        elif increase:
            updates.append((before[0], {"amount": amount}))
        else:
            result.unchanged += 1
    result.created, result.updated = len(creates), len(updates)

    def write(batch_id: int) -> None:
        made = VatInvoice.objects.bulk_create(
            [VatInvoice(number=n, import_batch_id=batch_id, **fields) for n, fields in new_vats.items()]
        )
        ids = {v.number: v.pk for v in made} | {n: v["id"] for n, v in existing.items()}
        if not all(v.pk for v in made):  # a database that returns no ids from a bulk insert
            ids |= dict(VatInvoice.objects.filter(number__in=list(new_vats)).values_list("number", "id"))
        VatInvoiceLink.objects.bulk_create(
            [
                VatInvoiceLink(vat_invoice_id=ids[n], invoice_id=i, amount=a, import_batch_id=batch_id)
                for n, i, a in creates
            ]
        )
        save_changes(VatInvoiceLink, updates)

    result.write = write
    return result
