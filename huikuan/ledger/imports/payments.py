"""Importing payments (with an optional invoice to allocate to) and allocations."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext

from huikuan.ledger.bulk import select_rows
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
from huikuan.ledger.models import (
    AdvanceReceipt,
    AdvanceSource,
    Allocation,
    Customer,
    Invoice,
    Payment,
    PaymentMethod,
)
from huikuan.ledger.payment_rows import (
    allocations_insert,
    caches_refresh,
    payment_ids_and_dates,
    payments_insert,
)

_INVOICE_FIELDS = ["id", "number", "customer_id", "currency", "amount", "applied_amount"]
_PAYMENT_FIELDS = [
    "id",
    "reference",
    "customer_id",
    "payment_date",
    "amount",
    "currency",
    "fx_rate",
    "method",
    "payer_name",
    "memo",
    "allocated_amount",
]


def _existing_allocations(payment_ids: list[int]) -> dict[tuple[int, int], dict]:
    fields = ["id", "payment_id", "invoice_id", "amount", "allocation_date"]
    return {
        (record["payment_id"], record["invoice_id"]): record
        for record in (
            dict(zip(fields, row, strict=True))
            for row in select_rows(Allocation, fields, where="payment_id", values=payment_ids)
        )
    }


def plan_payments(parsed: ParsedFile) -> Plan:
    functional = functional_currency()
    check_unique(parsed, lambda r: r.values.get("payment_ref"), "payment_ref", "payment_ref")
    rows = parsed.rows
    customers = fetch_by_keys(
        Customer, "code", (r.values.get("customer_code") for r in rows), ["id", "code", "currency"]
    )
    invoices = fetch_by_keys(
        Invoice, "number", (r.values.get("invoice_number") for r in rows), _INVOICE_FIELDS
    )
    existing = fetch_by_keys(
        Payment, "reference", (r.values.get("payment_ref") for r in rows), _PAYMENT_FIELDS
    )
    allocated_pairs = _existing_allocations(sorted(p["id"] for p in existing.values()))
    open_amount = {i["id"]: i["amount"] - i["applied_amount"] for i in invoices.values()}
    advance_ids = set(
        AdvanceReceipt.objects.filter(payment_id__in=[p["id"] for p in existing.values()]).values_list(
            "payment_id", flat=True
        )
    )
    advances: list[tuple[str, str]] = []  # (reference, order number) to record as advance receipts
    result = Plan()
    creates: list[tuple] = []
    # New payments' allocations by reference; existing payments' by id.
    new_allocations: list[tuple[str, int, Decimal]] = []
    allocations_to_existing: list[tuple[int, int, Decimal, object]] = []
    updates: list[tuple[int, dict]] = []
    for row in rows:
        values = row.values
        reference, payment_date, amount = (
            values.get("payment_ref"),
            values.get("payment_date"),
            values.get("amount"),
        )
        if reference is None or payment_date is None or amount is None:
            continue
        customer = None
        if "customer_code" in values:
            customer = known_customer(parsed, row, customers)
            if customer is None:
                continue
        invoice = None
        if "invoice_number" in values:
            invoice = known_invoice(parsed, row, invoices)
            if invoice is None:
                continue
            if customer is not None and invoice["customer_id"] != customer["id"]:
                parsed.error(
                    row,
                    "invoice_number",
                    gettext("belongs to another customer than %(code)s") % {"code": customer["code"]},
                )
                continue
        if not _advance_fits(parsed, row, invoice, customer):
            continue
        money = currency_and_rate_against(
            parsed, row, invoice, customer["currency"] if customer else "", functional
        )
        if money is None:
            continue
        currency, rate = money
        customer_id = customer["id"] if customer else (invoice["customer_id"] if invoice else None)
        old = existing.get(reference)
        if values.get("advance"):
            if old is not None and old["id"] in advance_ids:
                pass  # already an advance receipt: kept as it is
            elif old is not None and amount - old["allocated_amount"] <= 0:
                parsed.error(
                    row, "advance", gettext("the payment is fully allocated: nothing to hold in advance")
                )
                continue
            else:
                advances.append((reference, values.get("order_number", "")))
        elif "advance" in values and old is not None and old["id"] in advance_ids:
            parsed.error(row, "advance", gettext("the payment is an advance receipt; it stays one"))
            continue
        if old is None:
            allocated = Decimal(0)
            if invoice is not None:
                allocated = min(amount, open_amount[invoice["id"]])
                if allocated > 0:
                    open_amount[invoice["id"]] -= allocated
                    new_allocations.append((reference, invoice["id"], allocated))
                else:
                    result.warnings.append(
                        gettext(
                            "line %(line)s: invoice %(number)s is already settled; "
                            "payment %(reference)s stays unapplied on account"
                        )
                        % {"line": row.line, "number": invoice["number"], "reference": reference}
                    )
            creates.append(
                (
                    reference,
                    customer_id,
                    payment_date,
                    amount,
                    currency,
                    rate,
                    values.get("method", PaymentMethod.BANK_TRANSFER),
                    values.get("payer_name", ""),
                    values.get("memo", ""),
                    allocated,
                )
            )
            continue
        record = {
            "payment_date": payment_date,
            "amount": amount,
            "currency": currency,
            "fx_rate": rate,
            **{f: values[f] for f in ("method", "payer_name", "memo") if f in values},
        }
        if customer_id is not None:
            record["customer_id"] = customer_id
        diffs = changed_fields(old, record)
        if diffs.keys() & {"customer_id", "currency"} and old["allocated_amount"]:
            parsed.error(
                row,
                "customer_code" if "customer_id" in diffs else "currency",
                gettext("cannot change on a payment that is already allocated"),
            )
            continue
        if amount < old["allocated_amount"]:
            parsed.error(
                row,
                "amount",
                gettext("is below the %(allocated)s already allocated")
                % {"allocated": old["allocated_amount"]},
            )
            continue
        allocation_added = False
        if invoice is not None and (old["id"], invoice["id"]) not in allocated_pairs:
            rest = min(amount - old["allocated_amount"], open_amount[invoice["id"]])
            if rest > 0:
                open_amount[invoice["id"]] -= rest
                allocations_to_existing.append((old["id"], invoice["id"], rest, payment_date))
                allocation_added = True
        if diffs:
            updates.append((old["id"], diffs))
        if diffs or allocation_added:
            result.updated += 1
        else:
            result.unchanged += 1
    result.created = len(creates)

    def write(batch_id: int) -> None:
        created_at = now_for_db()
        payments_insert(creates, batch_id=batch_id, created_at=created_at)
        save_changes(Payment, updates)
        ids = {ref: (pk, on) for ref, pk, on in payment_ids_and_dates([ref for ref, _, _ in new_allocations])}
        allocations = [
            (ids[ref][0], invoice_id, amount, ids[ref][1]) for ref, invoice_id, amount in new_allocations
        ] + allocations_to_existing
        allocations_insert(allocations, batch_id=batch_id, created_at=created_at)
        caches_refresh(
            {a[1] for a in allocations},
            {a[0] for a in allocations_to_existing} | {pk for pk, _ in updates},
        )
        if advances:
            _advances_record(advances)

    result.write = write
    return result


def _advance_fits(parsed: ParsedFile, row, invoice: dict | None, customer: dict | None) -> bool:
    """An advance receipt pays invoices not issued yet, for a known customer; an order number
    says which order it is for, and only with ``advance``."""
    values = row.values
    if values.get("advance"):
        if invoice is not None:
            parsed.error(
                row,
                "advance",
                gettext("an advance receipt is for invoices not yet issued: leave invoice_number empty"),
            )
            return False
        if customer is None:
            parsed.error(row, "customer_code", gettext("an advance receipt needs the customer"))
            return False
    elif values.get("order_number"):
        parsed.error(row, "order_number", gettext("only an advance receipt (advance = yes) names an order"))
        return False
    return True


def _advances_record(advances: list[tuple[str, str]]) -> None:
    """Record the imported advance receipts, and offset those for an order whose invoices are
    already issued."""
    from huikuan.ledger.advances import advance_receipt_record

    payments = Payment.objects.in_bulk([ref for ref, _ in advances], field_name="reference")
    for reference, order_number in advances:
        payment = payments[reference]
        advance_receipt_record(
            payment=payment,
            recorded_on=payment.payment_date,
            order_number=order_number,
            source=AdvanceSource.IMPORT,
        )


def plan_allocations(parsed: ParsedFile) -> Plan:
    rows = parsed.rows
    check_unique(
        parsed,
        lambda r: (
            (r.values.get("payment_ref"), r.values.get("invoice_number"))
            if "payment_ref" in r.values and "invoice_number" in r.values
            else None
        ),
        "invoice_number",
        "this payment_ref and invoice_number pair",
    )
    payments = fetch_by_keys(
        Payment, "reference", (r.values.get("payment_ref") for r in rows), _PAYMENT_FIELDS
    )
    invoices = fetch_by_keys(
        Invoice, "number", (r.values.get("invoice_number") for r in rows), _INVOICE_FIELDS
    )
    existing = _existing_allocations(sorted(p["id"] for p in payments.values()))
    open_amount = {i["id"]: i["amount"] - i["applied_amount"] for i in invoices.values()}
    unallocated = {p["id"]: p["amount"] - p["allocated_amount"] for p in payments.values()}
    customer_of_payment = {p["id"]: p["customer_id"] for p in payments.values()}
    result = Plan()
    creates: list[tuple[int, int, Decimal, object]] = []
    updates: list[tuple[int, dict]] = []
    payment_customers: dict[int, int] = {}
    for row in rows:
        values = row.values
        if not {"payment_ref", "invoice_number", "amount"} <= values.keys():
            continue
        payment = payments.get(values["payment_ref"])
        invoice = invoices.get(values["invoice_number"])
        if payment is None:
            parsed.error(
                row, "payment_ref", gettext("no payment has this reference; import the payments first")
            )
        if invoice is None:
            parsed.error(row, "invoice_number", gettext("no invoice has this number"))
        if payment is None or invoice is None:
            continue
        if payment["currency"] != invoice["currency"]:
            parsed.error(
                row,
                "invoice_number",
                gettext("is in %(invoice)s, the payment in %(payment)s")
                % {"invoice": invoice["currency"], "payment": payment["currency"]},
            )
            continue
        owner = customer_of_payment[payment["id"]]
        if owner is not None and owner != invoice["customer_id"]:
            parsed.error(row, "invoice_number", gettext("belongs to another customer than the payment"))
            continue
        customer_of_payment[payment["id"]] = invoice["customer_id"]
        if owner is None:
            payment_customers[payment["id"]] = invoice["customer_id"]
        amount = values["amount"]
        on = values.get("allocation_date") or payment["payment_date"]
        old = existing.get((payment["id"], invoice["id"]))
        increase = amount - (old["amount"] if old else Decimal(0))
        if increase > open_amount[invoice["id"]]:
            parsed.error(
                row,
                "amount",
                gettext("exceeds the open balance %(open)s of invoice %(number)s")
                % {"open": open_amount[invoice["id"]], "number": invoice["number"]},
            )
            continue
        if increase > unallocated[payment["id"]]:
            parsed.error(
                row,
                "amount",
                gettext("exceeds the unallocated %(rest)s of payment %(reference)s")
                % {"rest": unallocated[payment["id"]], "reference": payment["reference"]},
            )
            continue
        open_amount[invoice["id"]] -= increase
        unallocated[payment["id"]] -= increase
        if old is None:
            creates.append((payment["id"], invoice["id"], amount, on))
        elif diffs := changed_fields(old, {"amount": amount, "allocation_date": on}):
            updates.append((old["id"], diffs))
        else:
            result.unchanged += 1
    result.created, result.updated = len(creates), len(updates)

    def write(batch_id: int) -> None:
        for payment_id, customer_id in payment_customers.items():
            save_changes(Payment, [(payment_id, {"customer_id": customer_id})])
        allocations_insert(creates, batch_id=batch_id, created_at=now_for_db())
        updated_allocations = Allocation.objects.filter(pk__in=[pk for pk, _ in updates])
        save_changes(Allocation, updates)
        pairs = list(updated_allocations.values_list("payment_id", "invoice_id"))
        caches_refresh(
            {c[1] for c in creates} | {i for _, i in pairs},
            {c[0] for c in creates} | {p for p, _ in pairs},
        )

    result.write = write
    return result
