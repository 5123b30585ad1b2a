"""Importing acceptance bills received (``huikuan import bills FILE``) through the ledger's
import pipeline: atomic, every bad row reported by line, column and reason, idempotent (a
bill already received with the same details is unchanged; with other details it is refused).

Each row is one bill and the invoices it pays; the rows are written through ``bill_receive``,
as a bill entered on the web is, in the order of the file.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext, gettext_lazy

from huikuan.bills.models import Bill
from huikuan.bills.rules import BillKind, bill_problems, settlement_split
from huikuan.bills.services import BillIn, bill_receive
from huikuan.core.policy import policy_value
from huikuan.ledger.imports.columns import (
    Column,
    described,
    parse_amount,
    parse_choice,
    parse_currency,
    parse_date,
    parse_flag,
    parse_rate,
    parse_text,
)
from huikuan.ledger.imports.invoices import currency_and_rate
from huikuan.ledger.imports.pipeline import (
    ParsedFile,
    Plan,
    check_unique,
    fetch_by_keys,
    functional_currency,
    known_customer,
)
from huikuan.ledger.models import Customer, Invoice

parse_bill_kind = parse_choice(
    {
        BillKind.BANK: BillKind.BANK,
        BillKind.COMMERCIAL: BillKind.COMMERCIAL,
        "银行承兑汇票": BillKind.BANK,
        "银承": BillKind.BANK,
        "银行承兑": BillKind.BANK,
        "商业承兑汇票": BillKind.COMMERCIAL,
        "商承": BillKind.COMMERCIAL,
        "商业承兑": BillKind.COMMERCIAL,
    },
    gettext_lazy("kind of bill"),
)

_SUB_RANGE = re.compile(r"^(\d{1,12})\s*[-–~—]\s*(\d{1,12})$")


def parse_sub_range(raw: str) -> tuple[int, int]:
    match = _SUB_RANGE.match(raw)
    if match is None:
        raise ValueError(gettext("not a sub-range in the form START-END (whole numbers)"))
    return int(match.group(1)), int(match.group(2))


described(parse_sub_range, "text", max_length=25)

_INVOICE_PART = re.compile(r"^([^:：]+?)\s*(?:[:：]\s*(.+))?$")


def parse_invoice_list(raw: str) -> tuple[tuple[str, Decimal | None], ...]:
    """``YS-1:3000.00;YS-2``: invoice numbers separated by ";", each with the amount the bill
    pays of it after ":" (without, its open balance, as far as the bill goes)."""
    if len(raw) > 2000:
        raise ValueError(gettext("longer than %(n)s characters") % {"n": 2000})
    parts = []
    for piece in re.split(r"[;；]", raw):
        piece = piece.strip()
        if not piece:
            continue
        match = _INVOICE_PART.match(piece)
        if match is None or len(match.group(1)) > 64:
            raise ValueError(gettext("not a list of invoice numbers, each with an optional :amount"))
        amount = None if match.group(2) is None else parse_amount(match.group(2).strip())
        parts.append((match.group(1).strip(), amount))
    return tuple(parts)


described(parse_invoice_list, "text", max_length=2000)

COLUMNS = (
    Column("bill_number", parse_text(40), True, ("票据号码", "票号", "汇票号码")),
    Column("sub_range", parse_sub_range, aliases=("子票区间",)),
    Column("kind", parse_bill_kind, True, ("票据种类", "票据类型")),
    Column("electronic", parse_flag, aliases=("电子票据", "是否电子票据")),
    Column("customer_code", parse_text(64), True, ("客户编码", "客户代码", "客户编号")),
    Column("drawer", parse_text(300), True, ("出票人",)),
    Column("acceptor", parse_text(300), True, ("承兑人",)),
    Column("acceptor_bank", parse_text(300), aliases=("承兑人开户行", "承兑行")),
    Column("issue_date", parse_date, True, ("出票日期", "出票日")),
    Column("maturity_date", parse_date, True, ("到期日", "汇票到期日")),
    Column("received_on", parse_date, True, ("收票日期", "收票日")),
    Column("amount", parse_amount, True, ("票面金额", "金额")),
    Column("currency", parse_currency, aliases=("币种",)),
    Column("exchange_rate", parse_rate, aliases=("汇率",)),
    Column("invoices", parse_invoice_list, aliases=("结算应收单", "应收单号")),
    Column("payment_reference", parse_text(100), aliases=("回款单号", "收款单号")),
)
_REQUIRED = ("bill_number", "kind", "customer_code", "drawer", "acceptor", "issue_date", "maturity_date")
_REQUIRED += ("received_on", "amount")
# The rules' field → the file's column.
_COLUMN_OF = {"sub_range": "sub_range", "kind": "kind", "amount": "amount", "maturity_date": "maturity_date"}
_COLUMN_OF |= {"received_on": "received_on", "number": "bill_number"}


def _same(existing: Bill, bill: BillIn) -> bool:
    return (
        existing.customer_id == bill.customer.pk
        and existing.amount == bill.amount
        and existing.maturity_date == bill.maturity_date
        and existing.received_on == bill.received_on
        and existing.kind == bill.kind
    )


def plan(parsed: ParsedFile) -> Plan:
    def key(row):
        values = row.values
        return None if "bill_number" not in values else (values["bill_number"], values.get("sub_range"))

    check_unique(parsed, key, "bill_number", "bill_number and sub_range")
    customers = fetch_by_keys(
        Customer, "code", (r.values.get("customer_code") for r in parsed.rows), ["id", "code", "currency"]
    )
    numbers = {number for r in parsed.rows for number, _amount in r.values.get("invoices", ())}
    invoices = {i.number: i for i in Invoice.objects.filter(number__in=numbers)}
    open_left = {number: invoice.open_amount for number, invoice in invoices.items()}
    existing = {
        (b.number, b.sub_range_start): b
        for b in Bill.objects.filter(number__in={r.values.get("bill_number") for r in parsed.rows})
    }
    functional, max_months = functional_currency(), policy_value("BILLS_ELECTRONIC_MAX_MONTHS")
    result, receive = Plan(), []
    for row in parsed.rows:
        values = row.values
        if any(values.get(name) is None for name in _REQUIRED):
            continue
        customer = known_customer(parsed, row, customers)
        if customer is None:
            continue
        start, end = values.get("sub_range") or (None, None)
        electronic = values.get("electronic", True)
        problems = bill_problems(
            kind=values["kind"],
            electronic=electronic,
            issue_date=values["issue_date"],
            maturity_date=values["maturity_date"],
            received_on=values["received_on"],
            amount=values["amount"],
            sub_range_start=start,
            sub_range_end=end,
            max_months=max_months,
        )
        for field, reason in problems:
            parsed.error(row, _COLUMN_OF.get(field, field), reason)
        money = currency_and_rate(parsed, row, customer["currency"], functional)
        if problems or money is None:
            continue
        currency, rate = money
        bill = BillIn(
            customer=Customer(pk=customer["id"], code=customer["code"], currency=customer["currency"]),
            number=values["bill_number"],
            kind=values["kind"],
            drawer=values["drawer"],
            acceptor=values["acceptor"],
            acceptor_bank=values.get("acceptor_bank") or "",
            issue_date=values["issue_date"],
            maturity_date=values["maturity_date"],
            received_on=values["received_on"],
            amount=values["amount"],
            currency=currency,
            fx_rate=rate,
            electronic=electronic,
            sub_range_start=start,
            sub_range_end=end,
            invoices=values.get("invoices", ()),
            payment_reference=values.get("payment_reference") or "",
        )
        old = existing.get((bill.number, start)) or existing.get((bill.number, None))
        if old is not None:
            if _same(old, bill):
                result.unchanged += 1
            else:
                parsed.error(row, "bill_number", gettext("this bill was already received with other details"))
            continue
        if not _invoices_fit(parsed, row, bill, invoices, open_left):
            continue
        receive.append(bill)
    result.created = len(receive)

    def write(batch_id: int) -> None:
        for bill in receive:
            bill_receive(bill=bill, import_batch_id=batch_id)

    result.write = write
    return result


def _invoices_fit(parsed: ParsedFile, row, bill: BillIn, invoices: dict, open_left: dict) -> bool:
    """The row's invoices exist, are the customer's, in the bill's currency, and the bill pays
    no more than they still owe after the rows above it."""
    fine = True
    for number, _amount in bill.invoices:
        invoice = invoices.get(number)
        if invoice is None:
            reason = gettext("no invoice %(number)s") % {"number": number}
        elif invoice.customer_id != bill.customer.pk:
            reason = gettext("invoice %(number)s is another customer's") % {"number": number}
        elif invoice.currency != bill.currency:
            reason = gettext("invoice %(number)s is not in %(currency)s") % {
                "number": number,
                "currency": bill.currency,
            }
        else:
            continue
        parsed.error(row, "invoices", reason)
        fine = False
    if not fine:
        return False
    if len({number for number, _ in bill.invoices}) != len(bill.invoices):
        parsed.error(row, "invoices", gettext("an invoice is named twice"))
        return False
    try:
        split = settlement_split(
            bill_amount=bill.amount,
            invoices=[(number, open_left[number], amount) for number, amount in bill.invoices],
        )
    except ValueError as broken:
        parsed.error(row, "invoices", str(broken))
        return False
    for number, amount in split:
        open_left[number] -= amount
    return True
