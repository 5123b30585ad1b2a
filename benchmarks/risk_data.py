"""A stand-in for a public late-payment history (the shape of IBM's accounts-receivable sample:
about 100 customers over two years, 30-day terms, invoice and settlement dates, amounts, a
dispute flag, about a third of the invoices paid late), written as Huikuan's import files.

Customers differ in their habits, as in real ledgers: a propensity to pay late and by how much,
drifting slowly; disputed invoices are settled late; some customers pay in a batch at month end;
amounts vary around each customer's usual order. It is a seeded generator, not real data: the
real sample's figures come from importing it (see the README), not from this file.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path


def generate(*, seed: int = 2026, customers: int = 100, start: date = date(2024, 1, 1), months: int = 24):
    """(customers, invoices, payments) as rows of the canonical import files; the history ends on
    the returned day."""
    rng = random.Random(seed)
    end = start + timedelta(days=int(months * 30.5))
    people, invoices, payments = [], [], []
    number = 0
    for c in range(customers):
        code = f"R{c:04d}"
        habit = rng.betavariate(1.2, 2.4)  # share of invoices paid late, persistent
        lateness = rng.choice([3, 6, 10, 18, 30])  # how late when late
        drift = rng.uniform(-0.15, 0.15)  # the habit worsens or improves over the two years
        month_end = rng.random() < 0.25  # pays in a batch at month end
        usual = rng.lognormvariate(10.5, 0.8)
        people.append({"customer_code": code, "name": f"回测客户{c:04d}有限公司", "currency": "CNY"})
        day = start + timedelta(days=rng.randint(0, 20))
        while day < end - timedelta(days=5):
            number += 1
            amount = round(usual * rng.lognormvariate(0, 0.35), 2)
            due = day + timedelta(days=30)
            disputed = rng.random() < 0.08
            progress = (day - start).days / max((end - start).days, 1)
            p_late = min(max(habit + drift * progress + (0.45 if disputed else 0.0), 0.0), 0.98)
            if rng.random() < p_late:
                settle = due + timedelta(days=max(1, int(rng.gammavariate(2.0, lateness / 2.0))))
            else:
                settle = due - timedelta(days=int(rng.triangular(0, 12, 2)))
            if month_end:
                following = date(settle.year + settle.month // 12, settle.month % 12 + 1, 1)
                settle = following - timedelta(days=1)
            settle = max(settle, day)
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
