"""Importing credit notes (SPEC §3 ``credit_notes``)."""

from __future__ import annotations

from django.utils.translation import gettext

from huikuan.ledger.bulk import bulk_insert_rows
from huikuan.ledger.imports.columns import CREDIT_NOTE_COLUMNS
from huikuan.ledger.imports.invoices import currency_and_rate_against
from huikuan.ledger.imports.pipeline import (
    ParsedFile,
    Plan,
    changed_fields,
    check_unique,
    fetch_by_keys,
    functional_currency,
    known_customer,
    known_invoice,
    now_for_db,
    save_changes,
)
from huikuan.ledger.models import CreditNote, Customer, Invoice

COLUMNS = CREDIT_NOTE_COLUMNS


def plan(parsed: ParsedFile) -> Plan:
    functional = functional_currency()
    rows = parsed.rows
    check_unique(
        parsed, lambda r: r.values.get("credit_note_number"), "credit_note_number", "credit_note_number"
    )
    customers = fetch_by_keys(
        Customer, "code", (r.values.get("customer_code") for r in rows), ["id", "code", "currency"]
    )
    invoices = fetch_by_keys(
        Invoice,
        "number",
        (r.values.get("invoice_number") for r in rows),
        ["id", "number", "customer_id", "currency", "amount", "applied_amount"],
    )
    existing = fetch_by_keys(
        CreditNote,
        "number",
        (r.values.get("credit_note_number") for r in rows),
        ["id", "number", "customer_id", "invoice_id", "note_date", "amount", "currency", "fx_rate", "reason"],
    )
    open_amount = {i["id"]: i["amount"] - i["applied_amount"] for i in invoices.values()}
    result = Plan()
    creates: list[tuple] = []
    updates: list[tuple[int, dict]] = []
    for row in rows:
        values = row.values
        if not {"credit_note_number", "customer_code", "date", "amount"} <= values.keys():
            continue
        customer = known_customer(parsed, row, customers)
        if customer is None:
            continue
        invoice = None
        if "invoice_number" in values:
            invoice = known_invoice(parsed, row, invoices)
            if invoice is None:
                continue
            if invoice["customer_id"] != customer["id"]:
                parsed.error(
                    row,
                    "invoice_number",
                    gettext("is not customer %(code)s's invoice") % {"code": customer["code"]},
                )
                continue
        money = currency_and_rate_against(parsed, row, invoice, customer["currency"], functional)
        if money is None:
            continue
        currency, rate = money
        amount = values["amount"]
        old = existing.get(values["credit_note_number"])
        invoice_id = invoice["id"] if invoice else None
        if old is not None and old["invoice_id"] != invoice_id:
            parsed.error(
                row,
                "invoice_number",
                gettext("a credit note cannot move to another invoice; issue a new one"),
            )
            continue
        if invoice is not None:
            increase = amount - (old["amount"] if old else 0)
            if increase > open_amount[invoice_id]:
                parsed.error(
                    row,
                    "amount",
                    gettext("exceeds the open balance %(open)s of invoice %(number)s")
                    % {"open": open_amount[invoice_id], "number": invoice["number"]},
                )
                continue
            open_amount[invoice_id] -= increase
        record = {
            "customer_id": customer["id"],
            "note_date": values["date"],
            "amount": amount,
            "currency": currency,
            "fx_rate": rate,
            "reason": values.get("reason", ""),
        }
        if old is None:
            creates.append((values["credit_note_number"], invoice_id, record))
        elif diffs := changed_fields(old, record):
            updates.append((old["id"], diffs))
        else:
            result.unchanged += 1
    result.created, result.updated = len(creates), len(updates)

    def write(batch_id: int) -> None:
        from huikuan.ledger.services import invoices_refresh_closure

        created_at = now_for_db()
        bulk_insert_rows(
            CreditNote,
            [
                "number",
                "customer",
                "invoice",
                "note_date",
                "amount",
                "currency",
                "fx_rate",
                "reason",
                "import_batch",
                "created_at",
            ],
            [
                (
                    number,
                    r["customer_id"],
                    invoice_id,
                    r["note_date"].isoformat(),
                    int(r["amount"].scaleb(2)),
                    r["currency"],
                    int(r["fx_rate"].scaleb(6)),
                    r["reason"],
                    batch_id,
                    created_at,
                )
                for number, invoice_id, r in creates
            ],
            prepared=True,
        )
        save_changes(CreditNote, updates)
        touched = {invoice_id for _, invoice_id, _ in creates if invoice_id}
        touched |= set(
            CreditNote.objects.filter(pk__in=[pk for pk, _ in updates], invoice__isnull=False).values_list(
                "invoice_id", flat=True
            )
        )
        invoices_refresh_closure(invoice_ids=touched)

    result.write = write
    return result
