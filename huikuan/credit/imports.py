"""Importing orders (SPEC §3 ``orders``) through the ledger's import pipeline: atomic,
idempotent, every bad row reported. Open orders count in credit exposure.

Imported orders are the ERP's record of what was ordered; they are not credit-checked on
import (an order created through the API is).
"""

from __future__ import annotations

from decimal import Decimal

from huikuan.credit.models import Order, OrderStatus
from huikuan.ledger.imports.columns import (
    Column,
    parse_amount,
    parse_choice,
    parse_currency,
    parse_date,
    parse_flag,
    parse_rate,
    parse_text,
)
from huikuan.ledger.imports.invoices import exchange_rate
from huikuan.ledger.imports.pipeline import (
    ParsedFile,
    Plan,
    changed_fields,
    check_unique,
    fetch_by_keys,
    functional_currency,
    save_changes,
)
from huikuan.ledger.models import Customer

parse_order_status = parse_choice(
    {
        **{s: s for s in OrderStatus.values},
        "未发货": "open",
        "已发货": "shipped",
        "已开票": "invoiced",
        "已取消": "cancelled",
        "取消": "cancelled",
    },
    "order status",
)

COLUMNS = (
    Column("order_number", parse_text(64), True, ("订单号", "销售订单号")),
    Column("customer_code", parse_text(64), True, ("客户编码", "客户代码", "客户编号")),
    Column("order_date", parse_date, True, ("订单日期", "单据日期")),
    Column("amount", parse_amount, True, ("金额", "订单金额")),
    Column("currency", parse_currency, aliases=("币种",)),
    Column("exchange_rate", parse_rate, aliases=("汇率",)),
    Column("status", parse_order_status, aliases=("状态", "订单状态")),
    Column("prepaid", parse_flag, aliases=("预付", "款到发货")),
)
_FIELDS = ["customer_id", "order_date", "amount", "currency", "fx_rate", "status", "prepaid"]
ONE = Decimal(1)


def plan(parsed: ParsedFile) -> Plan:
    functional = functional_currency()
    check_unique(parsed, lambda r: r.values.get("order_number"), "order_number", "order_number")
    customers = fetch_by_keys(
        Customer, "code", (r.values.get("customer_code") for r in parsed.rows), ["id", "code", "currency"]
    )
    existing = fetch_by_keys(
        Order, "number", (r.values.get("order_number") for r in parsed.rows), ["id", "number", *_FIELDS]
    )
    result = Plan()
    creates: list[Order] = []
    updates: list[tuple[int, dict]] = []
    for row in parsed.rows:
        get = row.values.get
        number, code, order_date, amount = (
            get("order_number"),
            get("customer_code"),
            get("order_date"),
            get("amount"),
        )
        if number is None or code is None or order_date is None or amount is None:
            continue
        customer = customers.get(code)
        if customer is None:
            parsed.error(row, "customer_code", "no customer has this code; import the customers first")
            continue
        currency = get("currency") or customer["currency"] or functional
        if currency == functional and "exchange_rate" not in row.values:
            rate = ONE
        else:
            rate = exchange_rate(parsed, row, currency)
            if rate is None:
                continue
        record = {
            "customer_id": customer["id"],
            "order_date": order_date,
            "amount": amount,
            "currency": currency,
            "fx_rate": rate,
            **{name: row.values[name] for name in ("status", "prepaid") if name in row.values},
        }
        old = existing.get(number)
        if old is None:
            creates.append(Order(number=number, **record))
        elif diffs := changed_fields(old, record):
            updates.append((old["id"], diffs))
        else:
            result.unchanged += 1
    result.created, result.updated = len(creates), len(updates)

    def write(batch_id: int) -> None:
        for order in creates:
            order.import_batch_id = batch_id
        Order.objects.bulk_create(creates, batch_size=2000)
        save_changes(Order, updates)

    result.write = write
    return result
