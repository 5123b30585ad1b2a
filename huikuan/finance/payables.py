"""The payables import (``huikuan import payables FILE``): what the company owes counterparties
that are also customers, for the AR/AP offset (应收冲应付, ``huikuan.finance.offsets``). Through
the ledger's import pipeline: atomic, idempotent, every bad row reported."""

from __future__ import annotations

from decimal import Decimal

from huikuan.finance.models import Payable
from huikuan.ledger.imports.columns import Column, parse_currency, parse_date, parse_decimal, parse_text
from huikuan.ledger.imports.pipeline import (
    ParsedFile,
    Plan,
    changed_fields,
    check_unique,
    fetch_by_keys,
    functional_currency,
    known_customer,
    save_changes,
)
from huikuan.ledger.models import Customer

PAYABLE_COLUMNS = (
    Column("customer_code", parse_text(64), True, ("客户编码", "客户代码", "客户编号")),
    Column("supplier_code", parse_text(64), True, ("供应商编码", "供应商代码")),
    Column(
        "payable_amount",
        parse_decimal(places=2, minimum=Decimal(0), strictly_above=False),
        True,
        ("应付余额", "应付金额"),
    ),
    Column("currency", parse_currency, aliases=("币种",)),
    Column("as_of_date", parse_date, True, ("截止日期", "余额日期")),
)


def payables_plan(parsed: ParsedFile) -> Plan:
    """One row per customer and supplier code: the payable balance as of a date. A newer row
    for the same pair replaces the balance (the audit trail keeps the old one)."""
    functional = functional_currency()
    check_unique(
        parsed,
        lambda r: (
            (r.values.get("customer_code"), r.values.get("supplier_code"))
            if "customer_code" in r.values and "supplier_code" in r.values
            else None
        ),
        "supplier_code",
        "this customer_code and supplier_code pair",
    )
    customers = fetch_by_keys(
        Customer, "code", (r.values.get("customer_code") for r in parsed.rows), ["id", "code", "currency"]
    )
    existing = {
        (p["customer_id"], p["supplier_code"]): p
        for p in Payable.objects.filter(customer_id__in=[c["id"] for c in customers.values()]).values(
            "id", "customer_id", "supplier_code", "amount", "currency", "as_of"
        )
    }
    result = Plan()
    creates: list[dict] = []
    updates: list[tuple[int, dict]] = []
    for row in parsed.rows:
        values = row.values
        if not {"customer_code", "supplier_code", "payable_amount", "as_of_date"} <= values.keys():
            continue
        customer = known_customer(parsed, row, customers)
        if customer is None:
            continue
        record = {
            "amount": values["payable_amount"],
            "currency": values.get("currency") or customer["currency"] or functional,
            "as_of": values["as_of_date"],
        }
        old = existing.get((customer["id"], values["supplier_code"]))
        if old is None:
            creates.append(
                {"customer_id": customer["id"], "supplier_code": values["supplier_code"], **record}
            )
        elif diffs := changed_fields(old, record):
            updates.append((old["id"], diffs))
        else:
            result.unchanged += 1
    result.created, result.updated = len(creates), len(updates)

    def write(batch_id: int) -> None:
        for fields in creates:
            Payable.objects.create(import_batch_id=batch_id, **fields)  # one audit entry each
        save_changes(Payable, updates)

    result.write = write
    return result
