"""Importing orders (SPEC §3 ``orders``) and customers' financial statements through the ledger's
import pipeline: atomic, idempotent, every bad row reported. Open orders count in credit exposure.

Imported orders are the ERP's record of what was ordered; they are not credit-checked on
import (an order created through the API is).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext, gettext_lazy

from huikuan.core.policy import policy_value
from huikuan.credit.altman import KINDS as STATEMENT_KINDS
from huikuan.credit.altman import Statement, altman_score
from huikuan.credit.models import FinancialStatement, Order, OrderStatus
from huikuan.credit.price_approvals import PRICE_FIELDS
from huikuan.credit.pricing import price_level
from huikuan.ledger.imports.columns import (
    Column,
    parse_amount,
    parse_choice,
    parse_currency,
    parse_date,
    parse_decimal,
    parse_rate,
    parse_text,
)
from huikuan.ledger.imports.invoices import currency_and_rate
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
from huikuan.ledger.models import CreditClass, Customer


def _prices(parsed: ParsedFile, row, customer: dict) -> dict | None:
    """The row's price, break-even price and target profit with their level, or None (the row
    is reported) when only some of the three are given."""
    given = {name: row.values[name] for name in PRICE_FIELDS if row.values.get(name) is not None}
    if not given:
        return {}
    if len(given) < len(PRICE_FIELDS):
        parsed.error(
            row, "price", gettext("give the price, the break-even price and the target profit together")
        )
        return None
    level = price_level(
        price=given["price"],
        break_even=given["break_even_price"],
        target_profit=given["target_profit"],
        credit_class=customer["credit_class"] or CreditClass.C,
        target_share=policy_value("PRICE_APPROVAL_TARGET_SHARE"),
        rule_for_ab=policy_value("PRICE_APPROVAL_FOR_AB"),
    )
    return {**given, "price_level": level}


parse_order_status = parse_choice(
    {
        **{s: s for s in OrderStatus.values},
        "未发货": "open",
        "已发货": "shipped",
        "已开票": "invoiced",
        "已取消": "cancelled",
        "取消": "cancelled",
    },
    gettext_lazy("order status"),
)

parse_price = parse_decimal(places=4, minimum=Decimal(0), strictly_above=False)

COLUMNS = (
    Column("order_number", parse_text(64), True, ("订单号", "销售订单号")),
    Column("customer_code", parse_text(64), True, ("客户编码", "客户代码", "客户编号")),
    Column("order_date", parse_date, True, ("订单日期", "单据日期")),
    Column("amount", parse_amount, True, ("金额", "订单金额")),
    Column("currency", parse_currency, aliases=("币种",)),
    Column("exchange_rate", parse_rate, aliases=("汇率",)),
    Column("status", parse_order_status, aliases=("状态", "订单状态")),
    # Price approval powers (seed 002 §价格政策): on the same basis, in the order's currency.
    Column("price", parse_price, aliases=("单价", "价格")),
    Column("break_even_price", parse_price, aliases=("保本价", "盈亏平衡价")),
    Column("target_profit", parse_price, aliases=("目标利润",)),
)
_FIELDS = [
    "customer_id",
    "order_date",
    "amount",
    "currency",
    "fx_rate",
    "status",
    *PRICE_FIELDS,
    "price_level",
]


def plan(parsed: ParsedFile) -> Plan:
    functional = functional_currency()
    check_unique(parsed, lambda r: r.values.get("order_number"), "order_number", "order_number")
    customers = fetch_by_keys(
        Customer,
        "code",
        (r.values.get("customer_code") for r in parsed.rows),
        ["id", "code", "currency", "credit_class"],
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
        customer = known_customer(parsed, row, customers)
        if customer is None:
            continue
        money = currency_and_rate(parsed, row, customer["currency"], functional)
        if money is None:
            continue
        currency, rate = money
        record = {
            "customer_id": customer["id"],
            "order_date": order_date,
            "amount": amount,
            "currency": currency,
            "fx_rate": rate,
            **({"status": row.values["status"]} if "status" in row.values else {}),
        }
        prices = _prices(parsed, row, customer)
        if prices is None:
            continue
        record.update(prices)
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


# --------------------------------------------------------------------------- statements

parse_signed = parse_decimal(places=2, minimum=None, strictly_above=False)
parse_statement_kind = parse_choice(
    {
        **{kind: kind for kind in STATEMENT_KINDS},
        "上市制造业": STATEMENT_KINDS[0],
        "非上市制造业": STATEMENT_KINDS[1],
        "非制造业": STATEMENT_KINDS[2],
    },
    gettext_lazy("kind of company"),
)
STATEMENT_COLUMNS = (
    Column("customer_code", parse_text(64), True, ("客户编码", "客户代码", "客户编号")),
    Column("statement_date", parse_date, True, ("报表日期", "日期")),
    Column("kind", parse_statement_kind, True, ("企业类型",)),
    Column("working_capital", parse_signed, True, ("营运资本",)),
    Column("retained_earnings", parse_signed, True, ("留存收益",)),
    Column("ebit", parse_signed, True, ("息税前利润",)),
    Column("book_equity", parse_signed, True, ("所有者权益", "净资产")),
    Column("market_equity", parse_signed, aliases=("股权市值",)),
    Column("total_liabilities", parse_signed, True, ("负债总额", "总负债")),
    Column("sales", parse_signed, True, ("销售收入", "营业收入")),
    Column("total_assets", parse_signed, True, ("资产总额", "总资产")),
    Column("currency", parse_currency, aliases=("币种",)),
)
_FIGURES = (
    "working_capital",
    "retained_earnings",
    "ebit",
    "book_equity",
    "market_equity",
    "total_liabilities",
    "sales",
    "total_assets",
)


def statements_plan(parsed: ParsedFile) -> Plan:
    """Customers' financial statements (SPEC §5.3), one row per customer and date: a new date is
    added, a known one corrected; a row whose Z-score cannot be computed is reported."""
    check_unique(
        parsed,
        lambda r: (r.values.get("customer_code"), r.values.get("statement_date")),
        "statement_date",
        "customer_code and statement_date",
    )
    customers = fetch_by_keys(
        Customer, "code", (r.values.get("customer_code") for r in parsed.rows), ["id", "code", "currency"]
    )
    existing = {
        (customer_id, day): statement
        for statement in FinancialStatement.objects.filter(
            customer_id__in=[c["id"] for c in customers.values()]
        )
        for customer_id, day in [(statement.customer_id, statement.statement_date)]
    }
    functional = functional_currency()
    result = Plan()
    writes: list[FinancialStatement] = []
    for row in parsed.rows:
        values = row.values
        if any(name not in values for name in ("customer_code", "statement_date", "kind")):
            continue
        customer = customers.get(values["customer_code"])
        if customer is None:
            parsed.error(
                row, "customer_code", gettext("no customer has this code; import the customers first")
            )
            continue
        figures = {name: values.get(name) for name in _FIGURES}
        if any(figures[name] is None for name in _FIGURES if name != "market_equity"):
            continue
        try:
            altman_score(Statement(**figures), values["kind"])
        except ValueError as error:
            column = "market_equity" if "market" in str(error) else "total_assets"
            if "liabilities" in str(error):
                column = "total_liabilities"
            parsed.error(row, column, gettext(str(error)))  # marked with gettext_noop in altman
            continue
        record = {
            "kind": values["kind"],
            "currency": values.get("currency") or customer["currency"] or functional,
            **figures,
        }
        statement = existing.get((customer["id"], values["statement_date"]))
        if statement is None:
            writes.append(
                FinancialStatement(
                    customer_id=customer["id"], statement_date=values["statement_date"], **record
                )
            )
            result.created += 1
        elif changed := [name for name, value in record.items() if getattr(statement, name) != value]:
            for name in changed:
                setattr(statement, name, record[name])
            writes.append(statement)
            result.updated += 1
        else:
            result.unchanged += 1

    def write(batch_id: int) -> None:
        # Few rows (one per customer and year): saved one by one, so the audit trail logs each.
        for statement in writes:
            statement.entered_by = statement.entered_by or f"import:{batch_id}"
            statement.save()

    result.write = write
    return result
