"""Importing invoices (SPEC §3 ``invoices``): the hot path of a million-row import."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext

from huikuan.core.numbers import number_body
from huikuan.core.policy import policy_values
from huikuan.ledger.balances import STILL_OPEN
from huikuan.ledger.bulk import bulk_insert_rows
from huikuan.ledger.imports.columns import INVOICE_COLUMNS
from huikuan.ledger.imports.pipeline import (
    ParsedFile,
    Plan,
    changed_fields,
    check_unique,
    fetch_by_keys,
    known_customer,
    now_for_db,
    save_changes,
)
from huikuan.ledger.models import KEY_FIELDS, Customer, Invoice
from huikuan.ledger.rules import (
    ONE,
    InvoiceRuleBroken,
    due_offset_for,
    exchange_rate_for,
    invoice_currency,
    invoice_due_date,
)

COLUMNS = INVOICE_COLUMNS
_TEXT_FIELDS = [
    "order_number",
    "contract_number",
    "vat_invoice_number",
    "salesperson",
    "department",
    "description",
]
# The invoice's own fields, as an import sets them; the insert adds the bookkeeping ones.
_IMPORTED_FIELDS = [
    "invoice_date",
    "due_date",
    "original_due_date",
    "amount",
    "currency",
    "fx_rate",
    *_TEXT_FIELDS,
    "disputed",
    "billing",
    "gross_margin",
    "shipment_date",
    "applied_amount",
]
_INSERT_COLUMNS = [
    "number",
    "customer",
    *_IMPORTED_FIELDS,
    "closed_on",
    "open_span",
    *KEY_FIELDS,
    "import_batch",
    "created_at",
]


def exchange_rate(parsed: ParsedFile, row, currency: str, functional: str) -> Decimal | None:
    """The row's rate to the functional currency (the invoice rule, shared by every import that
    carries an ``exchange_rate`` column); None, with the row's error recorded, when it breaks it."""
    try:
        return exchange_rate_for(
            currency=currency, functional=functional, given=row.values.get("exchange_rate")
        )
    except InvoiceRuleBroken as broken:
        parsed.error(row, broken.field, broken.message)
        return None


def currency_and_rate(
    parsed: ParsedFile, row, customer_currency: str, functional: str
) -> tuple[str, Decimal] | None:
    """The row's currency (its own, else its customer's, else the functional one) and rate;
    None, with the row's error recorded, when they break the invoice rules."""
    currency = invoice_currency(
        given=row.values.get("currency"), customer_currency=customer_currency, functional=functional
    )
    if currency == functional and "exchange_rate" not in row.values:
        return currency, ONE  # the common case of a million-row file, without a call
    rate = exchange_rate(parsed, row, currency, functional)
    return None if rate is None else (currency, rate)


def currency_and_rate_against(
    parsed: ParsedFile, row, invoice: dict | None, customer_currency: str, functional: str
) -> tuple[str, Decimal] | None:
    """A payment's or credit note's currency (its own, else its invoice's, else its customer's,
    else the functional one), which must be its invoice's, and its rate; None, with the row's
    error recorded, when they break a rule."""
    currency = (
        row.values.get("currency") or (invoice and invoice["currency"]) or customer_currency or functional
    )
    if invoice is not None and currency != invoice["currency"]:
        parsed.error(
            row,
            "currency",
            gettext("invoice %(number)s is in %(currency)s")
            % {"number": invoice["number"], "currency": invoice["currency"]},
        )
        return None
    rate = exchange_rate(parsed, row, currency, functional)
    return None if rate is None else (currency, rate)


def plan(parsed: ParsedFile) -> Plan:
    rules = policy_values()
    functional = rules["FUNCTIONAL_CURRENCY"]
    check_unique(parsed, lambda r: r.values.get("invoice_number"), "invoice_number", "invoice_number")
    customers = fetch_by_keys(
        Customer,
        "code",
        (r.values.get("customer_code") for r in parsed.rows),
        ["id", "code", "term_days", "credit_class", "currency", "salesperson", "department"],
    )
    existing = fetch_by_keys(
        Invoice,
        "number",
        (r.values.get("invoice_number") for r in parsed.rows),
        ["id", "number", "customer_id", *_IMPORTED_FIELDS],
    )
    due_offset = {
        code: due_offset_for(customer_term_days=c["term_days"], credit_class=c["credit_class"], rules=rules)
        for code, c in customers.items()
    }
    result = Plan()
    # New invoices as rows ready for the database (minor units, ISO dates), built in the
    # same pass that validates them: this loop runs once per row of a million-row file.
    creates: list[tuple] = []
    updates: list[tuple[int, dict]] = []
    for row in parsed.rows:
        values = row.values
        get = values.get
        number, code, invoice_date, amount = (
            get("invoice_number"),
            get("customer_code"),
            get("invoice_date"),
            get("amount"),
        )
        if number is None or code is None or invoice_date is None or amount is None:
            continue
        customer = known_customer(parsed, row, customers)
        if customer is None:
            continue
        money = currency_and_rate(parsed, row, customer["currency"], functional)
        if money is None:
            continue
        currency, rate = money
        try:
            due_date = invoice_due_date(
                invoice_date=invoice_date, given=get("due_date"), due_offset=due_offset[code]
            )
        except InvoiceRuleBroken as broken:
            parsed.error(row, broken.field, broken.message)
            continue
        old = existing.get(number)
        if old is None:
            due_text = due_date.isoformat()
            margin = get("gross_margin")
            creates.append(
                (
                    number,
                    customer["id"],
                    invoice_date.isoformat(),
                    due_text,
                    due_text,
                    int(amount.scaleb(2)),
                    currency,
                    int(rate.scaleb(6)),
                    get("order_number", ""),
                    get("contract_number", ""),
                    get("vat_invoice_number", ""),
                    get("salesperson") or customer["salesperson"],
                    get("department") or customer["department"],
                    get("description", ""),
                    get("disputed", False),
                    get("billing", ""),
                    None if margin is None else int(margin.scaleb(4)),
                    shipment.isoformat() if (shipment := get("shipment_date")) else None,
                    0,
                    None,
                    STILL_OPEN,
                    number_body(number),
                    number_body(get("order_number", "")),
                    number_body(get("contract_number", "")),
                )
            )
            continue
        record = {
            "customer_id": customer["id"],
            "invoice_date": invoice_date,
            "amount": amount,
            "currency": currency,
            "fx_rate": rate,
            **{
                f: values[f]
                for f in (*_TEXT_FIELDS, "disputed", "billing", "gross_margin", "shipment_date")
                if f in values
            },
        }
        if "due_date" in values:
            record["original_due_date"] = due_date
        diffs = changed_fields(old, record)
        if not diffs:
            result.unchanged += 1
            continue
        applied = old["applied_amount"]
        if applied and amount < applied:
            parsed.error(
                row,
                "amount",
                gettext("is below the %(applied)s already collected, credited or written off")
                % {"applied": applied},
            )
            continue
        if applied and ("customer_id" in diffs or "currency" in diffs):
            column = "customer_code" if "customer_id" in diffs else "currency"
            parsed.error(
                row,
                column,
                gettext("cannot change on an invoice that already has payments or credits applied"),
            )
            continue
        if "original_due_date" in diffs:
            # Granted extensions stay granted: they move the new due date as they moved the old.
            extension = old["due_date"] - old["original_due_date"]
            diffs["due_date"] = diffs["original_due_date"] + extension
        updates.append((old["id"], diffs))
    result.created, result.updated = len(creates), len(updates)

    def write(batch_id: int) -> None:
        bulk_insert_rows(Invoice, _INSERT_COLUMNS, creates, prepared=True, constants=(batch_id, now_for_db()))
        save_changes(Invoice, updates)
        # A new amount moves the day the invoice closed; a new date moves how long it was open.
        refresh = [pk for pk, diffs in updates if diffs.keys() & {"amount", "invoice_date"}]
        if refresh:
            from huikuan.ledger.services import invoices_refresh_closure

            invoices_refresh_closure(invoice_ids=refresh)

    result.write = write
    return result
