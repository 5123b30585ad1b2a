"""The demo's cash application: the last days' bank statements, imported and matched.

Two files are written for the demo company and imported through the bank import, as a
treasurer's would be: the company's ICBC account in ICBC's own CSV export (its built-in
profile) and a second account in Huikuan's bank CSV. Their receipts come from demo customers
paying as customers do — invoice numbers written in various ways, a short or English name,
a bank fee taken off, two invoices in one payment, a part payment, an amount two invoices fit
— with the bank's interest, a supplier's refund and the debits between them. The matcher
applies what it is sure of; a person then accepts a proposal (which teaches the payer's
alias) and sets the interest aside, so the workbench shows each kind of line.
"""

from __future__ import annotations

import csv
import random
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.db.models import Count, F

from huikuan.cash.imports import bank_statement_import
from huikuan.cash.match import lines_in_scope, lines_match
from huikuan.cash.models import BankLine, LineStatus
from huikuan.cash.services import line_accept, line_mark_not_customer
from huikuan.core.money import money_floor
from huikuan.correspondence.documents import letterhead_values
from huikuan.ledger.demo.company import CITIES
from huikuan.ledger.models import Customer, CustomerStatus, Invoice
from huikuan.vat.models import VatInvoiceLink

ICBC_ACCOUNT = "1102020309000188866"  # the letterhead's account
CMB_ACCOUNT = "512908830610888"
BANK_FEE = Decimal("25.00")
ICBC_HEADERS = [
    "交易日期",
    "交易流水号",
    "摘要",
    "交易金额(收入)",
    "交易金额(支出)",
    "交易币种",
    "对方户名",
    "对方账户",
]
ALL_CITIES = sorted({city for cities in CITIES.values() for city in cities}, key=len, reverse=True)
COMPANY_FORMS = ("集团股份有限公司", "股份有限公司", "集团有限公司", "有限责任公司", "有限公司")
CANONICAL_HEADERS = [
    "reference",
    "date",
    "amount",
    "direction",
    "currency",
    "payer_name",
    "payer_account",
    "memo",
]


@dataclass(frozen=True)
class Receipt:
    """One line of a demo bank statement."""

    day: date
    amount: Decimal
    payer_name: str
    payer_account: str = ""
    memo: str = ""
    currency: str = "CNY"
    debit: bool = False


def _open_invoices(currency: str, as_of: date) -> dict[Customer, list[Invoice]]:
    """Customers still trading (with their open invoices, oldest first) in ``currency``."""
    invoices = (
        Invoice.objects.filter(
            amount__gt=F("applied_amount"),
            disputed=False,
            currency=currency,
            invoice_date__lte=as_of,
            customer__status=CustomerStatus.ACTIVE,
        )
        .select_related("customer")
        .order_by("customer__code", "invoice_date", "number")
    )
    by_customer: dict[Customer, list[Invoice]] = {}
    for invoice in invoices:
        by_customer.setdefault(invoice.customer, []).append(invoice)
    return by_customer


def short_form(customer: Customer) -> str:
    """The name as a payer's clerk shortens it: no city before it, no company form after it
    (苏州澜拓智能装备股份有限公司 → 澜拓智能装备); an overseas name's first word."""
    name = customer.name
    if customer.currency != "CNY":
        return name.split(",")[0].split(" ")[0]
    city = next((city for city in ALL_CITIES if name.startswith(city)), "")
    for form in COMPANY_FORMS:
        if name.endswith(form):
            return name[len(city) : -len(form)]
    return name[len(city) :]


def _account(rng: random.Random) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(19))


def demo_receipts(*, rng: random.Random, as_of: date) -> tuple[list[Receipt], list[Receipt]]:
    """The lines of the two statements (ICBC, the bank CSV) of the last days up to ``as_of``."""
    cny = _open_invoices("CNY", as_of)
    several = sorted((c for c, items in cny.items() if len(items) >= 3), key=lambda c: c.code)
    single = sorted(cny, key=lambda c: c.code)
    picked = rng.sample(several, min(len(several), 10))
    others = [c for c in single if c not in picked]
    picked += rng.sample(others, min(len(others), 4))
    if len(picked) < 14:
        return [], []
    day = [as_of - timedelta(days=offset) for offset in range(4, -1, -1)]
    own_name = letterhead_values()["company_name_zh"] or "苏州澜拓智能装备股份有限公司"

    def pay(customer: Customer, index: int = 0) -> Invoice:
        return cny[customer][index]

    c, f, h, j, a, b, d, e = picked[:8]  # customers with three open invoices or more
    p, q = picked[8:10]
    g, i, k, m = picked[10:14]
    icbc = [
        # An invoice number as the ledger writes it, the customer's full name: applied at once.
        Receipt(day[0], pay(a).open_amount, a.name, _account(rng), f"货款 {pay(a).number}"),
        # Lower case, a hyphen, the word 发票 before it.
        Receipt(day[1], pay(b).open_amount, b.name, _account(rng), f"付发票{pay(b).number.lower()}款"),
        # Two invoices in one payment, the second number abbreviated.
        Receipt(
            day[1],
            pay(c).open_amount + pay(c, 1).open_amount,
            c.name,
            _account(rng),
            f"YS{pay(c).number[2:]}、{pay(c, 1).number[-3:]} 货款",
        ),
        # The bank took its fee off: the invoice is short by 25 yuan.
        Receipt(day[2], pay(d).open_amount - BANK_FEE, d.name, _account(rng), f"{pay(d).number} 扣手续费"),
        # A part payment of the oldest invoice.
        Receipt(
            day[2],
            money_floor(pay(e).open_amount * Decimal("0.4"), Decimal("100")) or pay(e).open_amount,
            e.name,
            _account(rng),
            f"{pay(e).number} 部分付款",
        ),
        # The short name, no number: the amount fits one of its invoices.
        Receipt(day[3], pay(f, 1).open_amount, short_form(f), _account(rng), "货款"),
        # The bank's interest, a supplier's refund, a stranger paying: not customers' money.
        Receipt(day[3], Decimal("1286.45"), "中国工商银行苏州工业园区支行", "", "结息 第二季度"),
        Receipt(day[4], Decimal("3850.00"), "苏州顺达物流有限公司", _account(rng), "退还多收运费"),
        Receipt(
            day[4],
            money_floor(pay(g).open_amount, Decimal("1000")) + Decimal("317.00"),
            "张伟",
            _account(rng),
            "转账",
        ),
        # Part of what it owes, without a word of which invoice; a clerk's shorthand name.
        Receipt(
            day[4],
            money_floor((pay(p).open_amount + pay(p, 1).open_amount) * Decimal("0.55"), Decimal("1000")),
            p.name,
            _account(rng),
            "货款",
        ),
        Receipt(day[4], pay(q, 1).open_amount, short_form(q)[:2] + "公司", _account(rng), "付款"),
        # Money out: a supplier paid, the bank's charges.
        Receipt(day[2], Decimal("58600.00"), "昆山精工模具有限公司", _account(rng), "支付模具款", debit=True),
        Receipt(day[4], Decimal("45.00"), "中国工商银行", "", "汇款手续费", debit=True),
        Receipt(day[4], Decimal("200000.00"), own_name, CMB_ACCOUNT, "资金调拨 至招商银行", debit=True),
    ]
    # An amount that two of the customer's invoices fit: which one is for a person to say.
    pair = pay(h, 1).open_amount + pay(h, 2).open_amount
    cmb = [
        Receipt(day[1], pay(i).open_amount, i.name, _account(rng), f"INV NO. {pay(i).number}"),
        Receipt(day[2], pay(j).open_amount + pay(j, 1).open_amount, j.name, _account(rng), "支付货款"),
        Receipt(day[3], pair, short_form(h), _account(rng), ""),
        # One company paying another's invoice: whose money it is, a person says.
        Receipt(
            day[3],
            pay(g).open_amount,
            g.name,
            _account(rng),
            f"代{short_form(k)}付货款 {pay(k).number}",
        ),
        Receipt(
            day[4], pay(m).open_amount, m.name, _account(rng), f"合同 {pay(m).order_number or pay(m).number}"
        ),
        Receipt(day[4], Decimal("12.30"), "招商银行", "", "结息"),
        Receipt(day[4], Decimal("30.00"), "招商银行", "", "账户管理费", debit=True),
        # Money moved from the company's own ICBC account: a transfer, not a customer's.
        Receipt(day[4], Decimal("200000.00"), own_name, ICBC_ACCOUNT, "资金调拨"),
    ]
    dollars = sorted(_open_invoices("USD", as_of), key=lambda c: c.code)
    if dollars:
        n = rng.choice(dollars)
        invoice = _open_invoices("USD", as_of)[n][0]
        cmb.append(
            Receipt(
                day[3],
                invoice.open_amount,
                short_form(n).upper(),
                _account(rng),
                f"PAYMENT OF INVOICE {invoice.number}",
                currency="USD",
            )
        )
    # A clerk's typo in the payer's name and no word of the invoice: the name only resembles the
    # customer's, so the matcher proposes it and a person confirms (the review queue).
    spares = [c for c in single if c not in picked]
    for spare in spares[:2]:
        cmb.append(Receipt(day[2], pay(spare).open_amount, _typo(spare.name), _account(rng), "货款"))
    # A typo in a word of the trade (智能装备 → 智能装晟): no company is registered with a trade
    # that is no word, so the name is read as the customer's own and the receipt is applied.
    for spare in spares[2:3]:
        account = "62220210" + "".join(ch for ch in spare.code if ch.isdigit()).zfill(11)
        cmb.append(Receipt(day[3], pay(spare).open_amount, _mistyped_trade(spare.name), account, "货款"))
    return icbc, cmb


def _typo(name: str) -> str:
    """The name with one character mistyped (a homophone a bank clerk might enter)."""
    at = min(2, len(name) - 1)
    return name[:at] + ("晟" if name[at] != "晟" else "盛") + name[at + 1 :]


def _mistyped_trade(name: str) -> str:
    """The name with the last character of its trade mistyped (苏州澜拓智能装备股份有限公司 →
    苏州澜拓智能装晟股份有限公司)."""
    end = next((len(name) - len(form) for form in COMPANY_FORMS if name.endswith(form)), len(name))
    at = end - 1
    return name[:at] + ("晟" if name[at] != "晟" else "盛") + name[at + 1 :]


def _write_icbc(path: Path, receipts: list[Receipt]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ICBC_HEADERS)
        for number, line in enumerate(receipts, start=1):
            amount = f"{line.amount:,.2f}"
            writer.writerow(
                [
                    line.day.isoformat(),
                    f"ICBC{line.day:%Y%m%d}{number:05d}",
                    line.memo,
                    "" if line.debit else amount,
                    amount if line.debit else "",
                    "人民币",
                    line.payer_name,
                    line.payer_account,
                ]
            )


def _write_canonical(path: Path, receipts: list[Receipt], prefix: str = "CMB") -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CANONICAL_HEADERS)
        for number, line in enumerate(receipts, start=1):
            writer.writerow(
                [
                    f"{prefix}{line.day:%Y%m%d}{number:05d}",
                    line.day.isoformat(),
                    f"{line.amount:.2f}",
                    "debit" if line.debit else "credit",
                    line.currency,
                    line.payer_name,
                    line.payer_account,
                    line.memo,
                ]
            )


def cash_apply(*, rng: random.Random, as_of: date, reviewer: str) -> dict[str, int]:
    """Import the demo's two bank statements, match them and take a person's decisions."""
    icbc, cmb = demo_receipts(rng=rng, as_of=as_of)
    if not icbc:
        return {"bank_lines": 0}
    with tempfile.TemporaryDirectory(prefix="huikuan-demo-bank-") as folder:
        first = Path(folder) / f"工商银行流水-{as_of:%Y%m%d}.csv"
        second = Path(folder) / f"cmb-{as_of:%Y%m%d}.csv"
        _write_icbc(first, icbc)
        _write_canonical(second, cmb)
        bank_statement_import(path=first, profile_name="icbc", account=ICBC_ACCOUNT, imported_by=reviewer)
        bank_statement_import(
            path=second, profile_name="canonical", account=CMB_ACCOUNT, imported_by=reviewer
        )
    lines_match(lines=lines_in_scope(), apply=True)
    # A person works the queue: accepts the first proposal to review (the payer's account
    # and name are learned) and sets the bank's interest aside.
    review = BankLine.objects.filter(status=LineStatus.REVIEW).order_by("booking_date", "pk")
    for line in review:
        if line.proposal.get("candidates"):
            line_accept(line=line, decided_by=reviewer)
            break
    interest = (
        BankLine.objects.filter(
            memo__startswith="结息", status__in=(LineStatus.UNMATCHED, LineStatus.IGNORED, LineStatus.REVIEW)
        )
        .order_by("booking_date", "pk")
        .first()
    )
    if interest is not None:
        line_mark_not_customer(line=interest, decided_by=reviewer, reason="银行存款利息")
    counts = dict(
        BankLine.objects.values_list("status").annotate(count=Count("pk")).values_list("status", "count")
    )
    return {
        "bank_lines": sum(counts.values()),
        "bank_lines_auto": counts.get(LineStatus.AUTO, 0),
        "bank_lines_review": counts.get(LineStatus.REVIEW, 0),
        "bank_lines_unmatched": counts.get(LineStatus.UNMATCHED, 0),
        "bank_lines_decided": counts.get(LineStatus.APPLIED, 0) + counts.get(LineStatus.NOT_CUSTOMER, 0),
    }


def vat_receipt_apply(*, as_of: date, reviewer: str) -> dict[str, int]:
    """After the VAT invoices are recorded: a receipt whose memo names a VAT invoice number
    (发票号码) and nothing of the ledger's, as payers who pay against the 发票 they received
    write it; the matcher finds the receivable through the VAT invoice."""
    link = (
        VatInvoiceLink.objects.filter(
            invoice__applied_amount=0,
            invoice__disputed=False,
            invoice__currency="CNY",
            invoice__invoice_date__lte=as_of,
            invoice__customer__status=CustomerStatus.ACTIVE,
            amount=F("invoice__amount"),
        )
        .select_related("vat_invoice", "invoice__customer")
        .order_by("-invoice__invoice_date", "invoice__number")
        .first()
    )
    if link is None:
        return {"bank_lines_vat": 0}
    invoice = link.invoice
    receipt = Receipt(
        day=as_of,
        amount=invoice.amount,
        payer_name=invoice.customer.name,
        payer_account=_account(random.Random(invoice.number)),  # noqa: S311 - not a secret
        memo=f"货款 发票号码{link.vat_invoice.number}",
    )
    with tempfile.TemporaryDirectory(prefix="huikuan-demo-bank-") as folder:
        path = Path(folder) / f"cmb-vat-{as_of:%Y%m%d}.csv"
        _write_canonical(path, [receipt], prefix="CMBVAT")
        result = bank_statement_import(
            path=path, profile_name="canonical", account=CMB_ACCOUNT, imported_by=reviewer
        )
    matched = lines_match(lines=lines_in_scope(statement_id=result.statement_ids[0]), apply=True)
    return {"bank_lines_vat": sum(1 for result in matched if result.posted)}
