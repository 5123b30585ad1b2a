"""A stand-in for a public late-payment history (the shape of IBM's accounts-receivable sample:
about 100 customers over two years, 30-day terms, invoice and settlement dates, amounts, a
dispute flag, about a third of the invoices paid late), written as Huikuan's import files.

Customers pay after habits a real receivables ledger shows (the overdue types collectors note:
prompt, habitual, disorganised, dispute-driven, declining, over-expanding, seasonal), and the
habits are noisy, not a lookup table:

- prompt: pays a few days before the due date; now and then an invoice is forgotten for a while;
- habitual: late by the customer's own number of days, give or take a quarter of it;
- payment run: pays on a fixed day of the month (固定付款日) the first time that day comes
  after the invoice was approved (about three weeks after it was issued): late when the due
  date falls just before the run;
- dispute-driven: on time unless it disputes, which it does often; a disputed invoice (anyone's)
  is settled weeks late;
- over-expanding: on time for its usual orders, late when an order is well above its usual;
- declining: prompt, then later and later from a day of its two years on;
- seasonal: prompt, but a month late around the Spring Festival (invoices due in Jan and Feb);
- disorganised: late by a random number of days, often.

It is a seeded generator, not real data: the real sample's figures come from importing it
(see the README), not from this file.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

HABITS = (
    ("prompt", 0.40),
    ("habitual", 0.15),
    ("payment_run", 0.10),
    ("dispute", 0.08),
    ("expanding", 0.08),
    ("declining", 0.07),
    ("seasonal", 0.06),
    ("disorganised", 0.06),
)
TERMS = 30


def _habit(rng: random.Random) -> str:
    draw, total = rng.random(), 0.0
    for habit, share in HABITS:
        total += share
        if draw < total:
            return habit
    return HABITS[0][0]


def _next_run(day: date, run_day: int) -> date:
    """The first ``run_day`` of a month on or after ``day``."""
    candidate = day.replace(day=min(run_day, 28))
    if candidate < day:
        candidate = (candidate.replace(day=1) + timedelta(days=32)).replace(day=min(run_day, 28))
    return candidate


def _days_late(
    rng: random.Random, c: dict, *, issued: date, due: date, amount: float, disputed: bool, progress: float
) -> int:
    """Days after the due date the invoice is settled (negative: early)."""
    early = -int(rng.triangular(0, 10, 3))
    if disputed and rng.random() < 0.9:
        return int(rng.triangular(15, 70, 30))
    if rng.random() < 0.04:  # anyone forgets an invoice now and then
        return int(rng.triangular(1, 30, 6))
    habit = c["habit"]
    if habit == "habitual":
        if rng.random() < 0.08:
            return early
        spread = max(2, c["late_days"] // 4)
        return max(1, c["late_days"] + int(rng.triangular(-spread, spread, 0)))
    if habit == "payment_run":
        approved = issued + timedelta(days=c["approval_days"] + rng.randint(-2, 2))
        return (_next_run(approved, c["run_day"]) - due).days
    if habit == "expanding":
        if amount > 1.3 * c["usual"] and rng.random() < 0.85:
            return int(rng.triangular(5, 35, 15))
        return early
    if habit == "declining":
        if progress > c["turn"]:
            worse = (progress - c["turn"]) / (1 - c["turn"])
            return int(60 * worse) + int(rng.triangular(-6, 8, 0))
        return early
    if habit == "seasonal":
        if due.month in (1, 2):
            return int(rng.triangular(12, 40, 25))
        return early
    if habit == "disorganised":
        if rng.random() < 0.6:
            return int(rng.expovariate(1 / 15)) + 1
        return early
    return early  # prompt; dispute-driven when not disputing


def generate(
    *,
    seed: int = 2026,
    customers: int = 100,
    start: date = date(2024, 1, 1),
    months: int = 24,
    habits: dict[str, str] | None = None,
):
    """(customers, invoices, payments) as rows of the canonical import files; the history ends on
    the returned day. ``habits``, when given, is filled with each customer's habit (by code)."""
    rng = random.Random(seed)
    end = start + timedelta(days=int(months * 30.5))
    span = max((end - start).days, 1)
    people, invoices, payments = [], [], []
    number = 0
    for n in range(customers):
        code = f"R{n:04d}"
        c = {
            "habit": _habit(rng),
            "late_days": rng.choice([5, 8, 12, 18, 25]),
            "run_day": rng.choice([5, 10, 15, 20, 25]),
            "approval_days": rng.randint(15, 25),
            "turn": rng.uniform(0.2, 0.7),
            "usual": rng.lognormvariate(10.5, 0.8),
        }
        if habits is not None:
            habits[code] = c["habit"]
        spread = 0.6 if c["habit"] == "expanding" else 0.35
        dispute_rate = 0.3 if c["habit"] == "dispute" else 0.03
        people.append({"customer_code": code, "name": f"回测客户{n:04d}有限公司", "currency": "CNY"})
        day = start + timedelta(days=rng.randint(0, 20))
        while day < end - timedelta(days=5):
            number += 1
            amount = round(c["usual"] * rng.lognormvariate(0, spread), 2)
            due = day + timedelta(days=TERMS)
            disputed = rng.random() < dispute_rate
            late = _days_late(
                rng,
                c,
                issued=day,
                due=due,
                amount=amount,
                disputed=disputed,
                progress=(due - start).days / span,
            )
            settle = max(due + timedelta(days=late), day)
            invoice_number = f"RB{number:06d}"
            invoices.append(
                {
                    "invoice_number": invoice_number,
                    "customer_code": code,
                    "invoice_date": day.isoformat(),
                    "due_date": due.isoformat(),
                    "amount": f"{amount:.2f}",
                    "currency": "CNY",
                    "disputed": "yes" if disputed else "no",
                }
            )
            if settle <= end:
                payments.append(
                    {
                        "payment_ref": f"RP{number:06d}",
                        "customer_code": code,
                        "payment_date": settle.isoformat(),
                        "amount": f"{amount:.2f}",
                        "currency": "CNY",
                        "invoice_number": invoice_number,
                    }
                )
            day += timedelta(days=rng.randint(7, 45))
    return people, invoices, payments, end


def write(folder: Path, *, seed: int = 2026, customers: int = 100, months: int = 24) -> dict[str, Path]:
    """The three import files in ``folder``; their paths by kind (and the history's last day)."""
    people, invoices, payments, end = generate(seed=seed, customers=customers, months=months)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for kind, rows in (("customers", people), ("invoices", invoices), ("payments", payments)):
        path = folder / f"{kind}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        paths[kind] = path
    (folder / "END").write_text(end.isoformat())
    return paths
