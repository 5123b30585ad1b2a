"""The late-payment backtest on the public IBM accounts-receivable sample (not shipped).

    python benchmarks/risk_public.py WA_Fn-UseC_-Accounts-Receivable.csv [--cutoff 2013-07-01 ...]
    python benchmarks/risk_public.py WA_Fn-UseC_-Accounts-Receivable.csv --write-imports DIR

The file is IBM's "late payment histories" sample (Kaggle: hhenry/finance-factoring-ibm-late-
payment-histories; 2,466 invoices of 100 customers, 2012–2013, 30-day terms; columns countryCode,
customerID, PaperlessDate, invoiceNumber, InvoiceDate, DueDate, InvoiceAmount, Disputed,
SettledDate, PaperlessBill, DaysToSettle, DaysLate). Download it yourself: Huikuan never fetches
data at run time and does not redistribute it.

Without ``--write-imports`` the backtest runs in memory, exactly as ``huikuan risk backtest
--cutoff D --json`` does on the imported file (the same features, models and baseline), once
with the invoices' billing channel (PaperlessBill → the ``billing`` column) and once without,
and beside them a reference that is not a model (``lookup``: the median days to settle of the
customer's own earlier invoices sent the same way and with the same dispute status), to show
how much the sample allows.
With ``--write-imports DIR`` it writes the three canonical import files instead (customers,
invoices with ``disputed`` and ``billing``, payments), in USD at ``--usd-rate``, to import with
``huikuan import``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huikuan.config.settings")

DEFAULT_CUTOFFS = ("2013-04-01", "2013-07-01")


def _day(text: str) -> date:
    return datetime.strptime(text.strip(), "%m/%d/%Y").date()


def read(path: Path) -> list[dict]:
    """The sample's rows, oldest invoice first."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    if not rows or "customerID" not in rows[0]:
        raise SystemExit(f"{path}: not the IBM accounts-receivable sample (no customerID column)")
    rows.sort(key=lambda r: (_day(r["InvoiceDate"]), r["invoiceNumber"]))
    return rows


def history_of(rows: list[dict], *, billing: bool):
    from huikuan.risk.history import History, InvoiceRow

    ids = {code: n for n, code in enumerate(sorted({r["customerID"] for r in rows}))}
    invoices = [
        InvoiceRow(
            id=k,
            number=r["invoiceNumber"],
            customer_id=ids[r["customerID"]],
            invoice_date=_day(r["InvoiceDate"]),
            due_date=_day(r["DueDate"]),
            amount=float(r["InvoiceAmount"]),
            closed_on=_day(r["SettledDate"]) if r["SettledDate"].strip() else None,
            disputed=r["Disputed"].strip().lower() == "yes",
            disputed_on=None,
            credit_class="",
            electronic=(r["PaperlessBill"].strip().lower() == "electronic") if billing else None,
        )
        for k, r in enumerate(rows)
    ]
    history = History(invoices, {})
    last = max(max(i.invoice_date for i in invoices), max(i.closed_on for i in invoices if i.closed_on))
    return history, last


def lookup(history, *, cutoff: date, until: date, grace: int) -> dict:
    """A reference that is not a model: each test invoice predicted as the median days to settle of
    the customer's own invoices settled before its date with the same billing channel and dispute
    status (at least two; else those with the same dispute status, else all of the customer's,
    else everyone's). AUC from the predicted days past the due date; MAE of the days."""
    import statistics

    from sklearn.metrics import roc_auc_score

    from huikuan.risk.learning import metrics
    from huikuan.risk.services import _outcomes_after

    test = _outcomes_after(history, cutoff=cutoff, until=until, grace=grace)
    invoices = history.invoices
    settled = [row for row in invoices if row.closed_on is not None]
    everyone = statistics.median((row.closed_on - row.invoice_date).days for row in settled)
    predicted, past_due = [], []
    for target in test.targets:
        row = invoices[target.invoice]
        own = [o for o in settled if o.customer_id == row.customer_id and o.closed_on < row.invoice_date]
        days: list[int] = []
        for fields in (("disputed", "electronic"), ("disputed",), ()):
            alike = [o for o in own if all(getattr(o, f) == getattr(row, f) for f in fields)]
            days = [(o.closed_on - o.invoice_date).days for o in alike]
            if len(days) >= 2:
                break
        guess = statistics.median(days) if days else everyone
        predicted.append(float(guess))
        past_due.append(guess - (row.due_date - row.invoice_date).days)
    result = metrics(test.late, [0.0] * len(predicted), test.days, predicted)
    return {"auc": round(float(roc_auc_score(test.late, past_due)), 4), "mae_days": result["mae_days"]}


def write_imports(rows: list[dict], folder: Path, *, usd_rate: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    customers = sorted({r["customerID"] for r in rows})
    files = {
        "customers.csv": (
            ["customer_code", "name", "currency"],
            [[c, f"IBM sample customer {c}", "USD"] for c in customers],
        ),
        "invoices.csv": (
            [
                "invoice_number",
                "customer_code",
                "invoice_date",
                "due_date",
                "amount",
                "currency",
                "exchange_rate",
                "disputed",
                "billing",
            ],
            [
                [
                    r["invoiceNumber"],
                    r["customerID"],
                    _day(r["InvoiceDate"]).isoformat(),
                    _day(r["DueDate"]).isoformat(),
                    f"{float(r['InvoiceAmount']):.2f}",
                    "USD",
                    usd_rate,
                    r["Disputed"].strip().lower(),
                    r["PaperlessBill"].strip().lower(),
                ]
                for r in rows
            ],
        ),
        "payments.csv": (
            [
                "payment_ref",
                "customer_code",
                "payment_date",
                "amount",
                "currency",
                "exchange_rate",
                "invoice_number",
            ],
            [
                [
                    f"P{r['invoiceNumber']}",
                    r["customerID"],
                    _day(r["SettledDate"]).isoformat(),
                    f"{float(r['InvoiceAmount']):.2f}",
                    "USD",
                    usd_rate,
                    r["invoiceNumber"],
                ]
                for r in rows
                if r["SettledDate"].strip()
            ],
        ),
    }
    for name, (header, body) in files.items():
        with (folder / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(body)
        print(f"{folder / name}: {len(body)} rows")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="WA_Fn-UseC_-Accounts-Receivable.csv")
    parser.add_argument("--cutoff", action="append", help=f"default: {', '.join(DEFAULT_CUTOFFS)}")
    parser.add_argument("--grace", type=int, default=0)
    parser.add_argument("--write-imports", type=Path, metavar="DIR")
    parser.add_argument("--usd-rate", default="6.2", help="USD→CNY rate of the import files (default 6.2)")
    args = parser.parse_args(argv)
    rows = read(args.path)
    if args.write_imports:
        write_imports(rows, args.write_imports, usd_rate=args.usd_rate)
        return 0
    import django

    django.setup()
    from huikuan.risk.services import backtest_history

    results = []
    for billing in (True, False):
        history, last = history_of(rows, billing=billing)
        for cutoff in args.cutoff or DEFAULT_CUTOFFS:
            day = date.fromisoformat(cutoff)
            result = backtest_history(history, cutoff=day, until=last, grace=args.grace)
            result["lookup"] = lookup(history, cutoff=day, until=last, grace=args.grace)
            results.append({"billing_channel": billing, **result})
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
