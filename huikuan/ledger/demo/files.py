"""Writing the demo company's ledger as the canonical import files of SPEC §3."""

from __future__ import annotations

import bisect
import contextlib
import csv
import itertools
import math
import random
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass

from huikuan.ledger.demo.company import (
    DECLINING,
    DEFAULT_INVOICES,
    DISORGANISED,
    DISPUTE,
    EXPANDING,
    FRAUD,
    HABITUAL,
    HEADERS,
    INVOICES_PER_CUSTOMER,
    MARGIN_TEXT,
    METHOD_BOUNDS,
    METHODS,
    MIN_CUSTOMERS,
    PARTIAL_PAYERS,
    PROMPT,
    SEASONAL,
    TERM_START_DELAY_DAYS,
    _Calendar,
    _cents_text,
    _Customer,
    _customers,
    _daily_counts,
    _exchange_rates,
    _set_credit_limits,
)


class _Writer:
    """Streams the invoices, payments, allocations and credit notes as they are decided."""

    def __init__(
        self,
        rng: random.Random,
        cal: _Calendar,
        writers: dict[str, Any],
        customers: list[_Customer],
        term_start_delay_days: int,
    ) -> None:
        self.rng, self.cal, self.customers = rng, cal, customers
        self.invoices = writers["invoices.csv"]
        self.payments = writers["payments.csv"]
        self.allocations = writers["allocations.csv"]
        self.credit_notes = writers["credit_notes.csv"]
        self.rates = _exchange_rates(rng, cal)
        self.delay = term_start_delay_days
        self.digital_vat_from = (date(2024, 12, 1) - cal.first).days
        self.payment_count = self.credit_note_count = self.vat_count = 0
        # 月结 customers: (month, due day, invoices) not yet paid, and those left to a later statement.
        self.groups: dict[int, tuple[int, int, list[tuple[str, int]]]] = {}
        self.carried: dict[int, list[tuple[str, int]]] = {}
        self.endorsers = [c.name for c in rng.sample(customers, min(40, len(customers)))]
        self.payers = ["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄海"]
        self.rebates: dict[tuple[int, str], int] = {}
        self.key_accounts = {
            i
            for i, c in enumerate(customers)
            if c.credit_class == "A" and c.position in ("global500", "top5")
        }

    def run(self, invoices: int) -> None:
        cal, customers = self.cal, self.customers
        random, bisect_right, invoice = self.rng.random, bisect.bisect_right, self.invoice
        last_index = len(customers) - 1
        counts = _daily_counts(invoices, cal)
        number = 0
        weights_month, cumulative = -1, [0.0]
        for day, count in enumerate(counts):
            if cal.month[day] != weights_month:
                weights_month = cal.month[day]
                cumulative = list(
                    itertools.accumulate(c.weight * c.trend(weights_month, cal.months) for c in customers)
                )
                if cumulative[-1] <= 0:
                    cumulative = list(itertools.accumulate(c.weight for c in customers))
            total = cumulative[-1]
            for _ in range(count):
                number += 1
                index = min(bisect_right(cumulative, random() * total), last_index)
                invoice(index, customers[index], day, number)
        for index in sorted(self.groups):
            self.flush_group(index)
        self.write_rebates()
        self.write_on_account()

    def invoice(self, index: int, customer: _Customer, day: int, number: int) -> None:
        # The hot path of a million invoices: random() arithmetic instead of randint/choice.
        random, cal = self.rng.random, self.cal
        cents = max(50_000, int(customer.mean_cents * math.exp(self.rng.gauss(0, 0.5))))
        year = cal.year[day]
        invoice_number = f"YS{year}{number:07d}"
        explicit_due = ""
        if customer.monthly:
            due = cal.month_end[day] + customer.term_days
            explicit_due = cal.iso[due]
        else:
            due = day + self.delay + customer.term_days
            if random() < 0.05:  # project contracts: paid after acceptance (验收后付款)
                due += 30 * (1 + int(random() * 3))
                explicit_due = cal.iso[due]
        disputed = self.settle(index, customer, invoice_number, day, due, cents)
        if index in self.key_accounts:
            self.rebates[index, year] = self.rebates.get((index, year), 0) + cents
        vat = ""
        if day < cal.last - 3 or random() < 0.5:
            vat = self.vat_number(day)
            for _ in range(cents // 113_000_000):  # a VAT invoice holds at most 1,000,000 net
                vat += ";" + self.vat_number(day)
        margin = min(4000, max(500, customer.margin_bp + int(random() * 401) - 200))
        order_day = max(0, day - int(random() * 13))
        self.invoices.writerow(
            (
                invoice_number,
                customer.code,
                cal.iso[day],
                explicit_due,
                f"{cents // 100}.{cents % 100:02d}",
                customer.currency,
                self.rates[day] if customer.currency == "USD" else "",
                f"SO{cal.compact[order_day]}{customer.code[1:]}",
                f"HT{year}-{customer.code}",
                vat,
                customer.salesperson,
                customer.department,
                customer.products[0 if random() < 0.7 else 1],
                "yes" if disputed else "no",
                MARGIN_TEXT[margin],
            )
        )

    def vat_number(self, day: int) -> str:
        self.vat_count += 1
        if day >= self.digital_vat_from:  # 数电发票: twenty digits
            return f"{self.cal.compact[day][:2]}312000000{self.vat_count:09d}"
        return f"{(3_100_000 + self.vat_count) % 100_000_000:08d}"

    def lateness(self, customer: _Customer, due: int) -> int:
        """Days after the due date this customer pays, by its habit."""
        rng, habit, t = self.rng, customer.habit, due / self.cal.last
        if habit == PROMPT:
            if customer.monthly or customer.target_class == "A":
                return int(rng.triangular(-10, 0, -3))
            return int(rng.triangular(-10, 3, -2))
        if habit == SEASONAL:
            if self.cal.calendar_month[due] in (1, 2):  # the Spring Festival: a month late
                return int(rng.triangular(15, 45, 25))
            return int(rng.triangular(-10, 3, -2))
        if habit == HABITUAL:
            spread = max(2, customer.late_days // 4)
            return customer.late_days + int(rng.triangular(-spread, spread, 0))
        if habit == DISORGANISED:
            return int(rng.expovariate(1 / 20)) - 6
        if habit == DECLINING:
            return 3 + int(50 * t * t) + int(rng.triangular(-6, 12, 0))
        if habit == DISPUTE:
            return int(rng.triangular(-5, 20, 3))
        if habit == EXPANDING:
            return int(16 * t) + int(rng.triangular(-8, 12, 0))
        return int(rng.triangular(-3, 15, 2))  # fraud, while it still pays

    def never_pays(self, customer: _Customer, due: int, paid_on: int) -> bool:
        if customer.habit == FRAUD:
            return paid_on > customer.stop_paying
        if customer.habit == DECLINING:
            return due > self.cal.last - 120 and self.rng.random() < 0.3
        return False

    def settle(self, index: int, customer: _Customer, number: str, day: int, due: int, cents: int) -> bool:
        """Decide and write how the invoice was paid or credited; returns whether it is disputed."""
        rng, habit, cal = self.rng, customer.habit, self.cal
        if (habit == DISPUTE and rng.random() < 0.15) or rng.random() < 0.002:
            resolved = due + 20 + int(rng.expovariate(1 / 40))
            # A dispute of a good customer is settled: credited, or credited in part and paid.
            outcome = rng.random() * (1.0 if habit == DISPUTE else 0.9)
            if outcome < 0.2:
                self.credit_note(customer, number, resolved, cents, "质量问题退货")
            elif outcome < 0.9:  # the rest stays in dispute, unpaid
                credited = cents * rng.randint(5, 30) // 100
                self.credit_note(customer, number, resolved, credited, "争议解决：价格折让")
                self.pay(customer, number, day, resolved + rng.randint(0, 20), cents - credited)
            return True
        paid_on = max(day, due + self.lateness(customer, due))
        if self.never_pays(customer, due, paid_on):
            return False
        if customer.monthly and rng.random() < 0.97:
            month, _, items = self.groups.get(index, (-1, 0, []))
            if month != cal.month[day]:
                if items:
                    self.flush_group(index)
                self.groups[index] = (cal.month[day], due, [(number, cents)])
            else:
                items.append((number, cents))
            return False
        corrected = 0
        if rng.random() < 0.006:  # a pricing error corrected by a credit note (开票错误)
            corrected = cents * rng.randint(1, 5) // 100
            self.credit_note(customer, number, day + rng.randint(10, 40), corrected, "开票价格错误更正")
            cents -= corrected
        partial = PARTIAL_PAYERS.get(habit, 0.0)
        if partial and rng.random() < partial:
            first = cents * rng.randint(30, 85) // 100
            self.pay(customer, number, day, paid_on, first)
            if habit != DECLINING or due < cal.last - 240 or rng.random() < 0.5:
                self.pay(customer, number, day, paid_on + rng.randint(10, 45), cents - first)
            return False
        if habit == DISORGANISED and rng.random() < 0.03:
            paid_on += rng.randint(60, 300)  # forgotten until the statement of account
        elif not corrected and customer.currency == "CNY" and rng.random() < 0.003:
            cents = (cents // 100_000 + 1) * 100_000  # paid a round sum: the rest stays on account
        self.pay(customer, number, day, paid_on, cents)
        return False

    def pay(self, customer: _Customer, number: str, day: int, paid_on: int, cents: int) -> None:
        rng, cal = self.rng, self.cal
        if paid_on > cal.last or cents <= 0:
            return  # not paid by as_of
        paid_on = cal.business[max(paid_on, day)]
        if paid_on > cal.last:
            return
        code, invoice_number, payer = customer.code, number, customer.name
        draw = rng.random()
        memo = (
            "" if draw < 0.3 else "货款" if draw < 0.5 else f"付{number}" if draw < 0.8 else f"{number}货款"
        )
        if customer.currency == "CNY" and paid_on > cal.last - 20 and rng.random() < 0.015:
            # Not yet identified: no customer, no invoice, a payer name the bank abbreviated.
            code, invoice_number = "", ""
            payer, memo = rng.choice((customer.short_name, rng.choice(self.payers))), "货款"
        self.payment(customer, code, paid_on, cents, payer, memo, invoice_number)

    def payment(
        self, customer: _Customer, code: str, paid_on: int, cents: int, payer: str, memo: str, invoice: str
    ) -> str:
        rng, cal = self.rng, self.cal
        self.payment_count += 1
        reference = f"SK{cal.compact[paid_on]}{self.payment_count:07d}"
        method = "bank_transfer"
        if customer.currency == "CNY":
            method = METHODS[bisect.bisect(METHOD_BOUNDS, rng.random())]
            if method == "bank_acceptance_bill" and rng.random() < 0.3:
                payer = rng.choice(self.endorsers)  # an endorsed bill (背书转让)
        self.payments.writerow(
            (
                reference,
                code,
                cal.iso[paid_on],
                f"{cents // 100}.{cents % 100:02d}",
                customer.currency,
                self.rates[paid_on] if customer.currency == "USD" else "",
                method,
                payer,
                memo,
                invoice,
            )
        )
        return reference

    def flush_group(self, index: int) -> None:
        """Pay a month's invoices of a 月结 customer in one payment split by allocations."""
        customer, cal, rng = self.customers[index], self.cal, self.rng
        _, due, items = self.groups.pop(index)
        # Paid after the statement of the month, however early the customer pays.
        paid_on = max(due + self.lateness(customer, due), due - customer.term_days + 1)
        if paid_on > cal.last or cal.business[paid_on] > cal.last:
            return
        paid_on = cal.business[paid_on]
        carried = self.carried.pop(index, [])
        if customer.habit == EXPANDING:
            # Short-paid: some invoices wait for the next statement.
            kept, waiting = [], []
            for item in items:
                (kept if rng.random() < 0.85 else waiting).append(item)
            items, self.carried[index] = kept, waiting
        items = carried + items
        if not items:
            return
        total = sum(cents for _, cents in items)
        first_day = cal.iso[due - customer.term_days]
        memo = f"{first_day[:4]}年{int(first_day[5:7])}月对账单货款"
        reference = self.payment(customer, customer.code, paid_on, total, customer.name, memo, "")
        for number, cents in items:
            self.allocations.writerow((reference, number, _cents_text(cents), ""))

    def credit_note(self, customer: _Customer, invoice: str, on: int, cents: int, reason: str) -> None:
        cal = self.cal
        if on > cal.last or cal.business[on] > cal.last or cents <= 0:
            return
        on = cal.business[on]
        self.credit_note_count += 1
        self.credit_notes.writerow(
            (
                f"HZ{cal.iso[on][:4]}{self.credit_note_count:06d}",
                customer.code,
                invoice,
                cal.iso[on],
                _cents_text(cents),
                customer.currency,
                self.rates[on] if customer.currency == "USD" else "",
                reason,
            )
        )

    def write_rebates(self) -> None:
        """Annual volume rebates (年度返利) of key accounts: 1%, credited on account in January."""
        for (index, year), cents in sorted(self.rebates.items()):
            on = (date(int(year) + 1, 1, 20) - self.cal.first).days
            if on <= self.cal.last:
                customer = self.customers[index]
                self.credit_note(customer, "", on, cents // 100, f"{year}年度销售返利")

    def write_on_account(self) -> None:
        """Prepayments (预付货款) of cash-on-delivery customers, not yet matched to an invoice."""
        for customer in self.customers:
            if customer.position == "new" and customer.credit_class == "D" and self.rng.random() < 0.5:
                paid_on = self.cal.business[self.cal.last - self.rng.randint(5, 60)]
                cents = customer.mean_cents // 100 * 100
                self.payment(customer, customer.code, paid_on, cents, customer.name, "预付货款", "")


def _customer_row(customer: _Customer) -> tuple:
    return (
        customer.code,
        customer.name,
        customer.credit_class,
        _cents_text(customer.credit_limit),
        customer.term_days,
        customer.salesperson,
        customer.collector,
        customer.department,
        customer.position,
        customer.email,
        customer.phone,
        customer.address,
        customer.status,
        customer.currency,
    )


def demo_profiles(
    *, seed: int = 2026, invoices: int | None = None, as_of: date
) -> dict[str, tuple[str, str]]:
    """Each demo customer's (payment habit, the class its conduct earns), by customer code:
    the same customers :func:`demo_files` writes for these arguments."""
    count = DEFAULT_INVOICES if invoices is None else invoices
    rng = random.Random(seed)  # noqa: S311 - the same draws as demo_files
    customers = _customers(
        rng, max(MIN_CUSTOMERS, count // INVOICES_PER_CUSTOMER), seed, _Calendar.ending(as_of)
    )
    return {customer.code: (customer.habit, customer.target_class) for customer in customers}


def demo_files(
    directory: Path,
    *,
    seed: int = 2026,
    invoices: int | None = None,
    as_of: date,
    term_start_delay_days: int = TERM_START_DELAY_DAYS,
) -> dict[str, Path]:
    """Write the canonical import files of a demo ledger ending ``as_of`` into ``directory``.

    ``invoices`` makes exactly that many invoices (customers scale to one per hundred
    invoices, at least 300); by default two years of about 24,000 invoices.
    """
    count = DEFAULT_INVOICES if invoices is None else invoices
    if count < 1:
        raise ValueError(f"invoices must be at least 1, not {count}")
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not a secret
    cal = _Calendar.ending(as_of)
    customers = _customers(rng, max(MIN_CUSTOMERS, count // INVOICES_PER_CUSTOMER), seed, cal)
    _set_credit_limits(customers, count, cal)
    paths = {name: directory / name for name in HEADERS}
    with contextlib.ExitStack() as stack:
        writers = {}
        for name, path in paths.items():
            handle = stack.enter_context(path.open("w", encoding="utf-8", newline=""))
            writers[name] = csv.writer(handle, lineterminator="\n")
            writers[name].writerow(HEADERS[name])
        writers["customers.csv"].writerows(_customer_row(c) for c in customers)
        _Writer(rng, cal, writers, customers, term_start_delay_days).run(count)
    return paths
