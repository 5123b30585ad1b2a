"""Training the late-payment models on a large history: one command, figures printed.

    python benchmarks/risk.py [--invoices 1000000] [--seed 2026]

Generates the stand-in history of ``benchmarks/risk_data.py`` in memory (enough customers for
the number of invoices, two years each), then times, on one thread: the features of every
invoice decided before the cutoff (eight months before the end), the training of both models,
and the backtest's scoring of the invoices after the cutoff, with the AUC and MAE against the
baseline. Prints wall and CPU seconds and the machine's load average (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huikuan.config.settings")

from benchmarks.risk_data import generate


def history_of(invoices: int, seed: int):
    from huikuan.risk.history import History, InvoiceRow

    customers = max(1, round(invoices / 29))  # about 29 invoices a customer in two years
    people, rows, payments, end = generate(seed=seed, customers=customers)
    paid = {p["invoice_number"]: date.fromisoformat(p["payment_date"]) for p in payments}
    ids = {p["customer_code"]: n for n, p in enumerate(people)}
    rows.sort(key=lambda r: (r["invoice_date"], r["invoice_number"]))
    history = History(
        [
            InvoiceRow(
                id=k,
                number=r["invoice_number"],
                customer_id=ids[r["customer_code"]],
                invoice_date=date.fromisoformat(r["invoice_date"]),
                due_date=date.fromisoformat(r["due_date"]),
                amount=float(r["amount"]),
                closed_on=paid.get(r["invoice_number"]),
                disputed=r["disputed"] == "yes",
                disputed_on=None,
                credit_class="",
            )
            for k, r in enumerate(rows)
        ],
        {},
    )
    return history, end


def _progress(stage: str, seconds: tuple[float, float], count: int) -> None:
    wall, cpu = seconds
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"{stage}: {count:,} rows, {wall:.1f} s wall, {cpu:.1f} s CPU (load {load})",
        file=sys.stderr,
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    import django

    django.setup()
    from huikuan.risk import services
    from huikuan.risk.features import features_build
    from huikuan.risk.learning import metrics, predict

    load_before = os.getloadavg()
    wall, cpu = time.perf_counter(), time.process_time()
    history, end = history_of(args.invoices, args.seed)
    generated = (time.perf_counter() - wall, time.process_time() - cpu)
    _progress("generate", generated, len(history.invoices))
    cutoff = end - timedelta(days=240)

    wall, cpu = time.perf_counter(), time.process_time()
    examples = services._examples(history, before=cutoff, grace=0)
    rows = features_build(history, examples.targets, grace=0)
    featured = (time.perf_counter() - wall, time.process_time() - cpu)
    _progress("features", featured, len(rows))

    wall, cpu = time.perf_counter(), time.process_time()
    models = services._fit(history, examples, grace=0, seed=args.seed)
    trained = (time.perf_counter() - wall, time.process_time() - cpu)
    _progress("train", trained, len(rows))

    wall, cpu = time.perf_counter(), time.process_time()
    test = services._outcomes_after(history, cutoff=cutoff, until=end, grace=0)
    test_rows = features_build(history, test.targets, grace=0)
    probability, days = predict(models, test_rows)
    scored = (time.perf_counter() - wall, time.process_time() - cpu)
    result = {
        "test": len(test.targets),
        "late_share": round(sum(test.late) / len(test.late), 4),
        "model": metrics(test.late, probability.tolist(), test.days, days.tolist()),
        "baseline": metrics(
            test.late,
            [row[services.FEATURE_LATE_SHARE] for row in test_rows],
            test.days,
            [row[services.FEATURE_DAYS_TO_SETTLE] for row in test_rows],
        ),
    }
    figures = {
        "invoices": len(history.invoices),
        "training_examples": len(rows),
        "seconds": {
            name: {"wall": round(w, 1), "cpu": round(c, 1)}
            for name, (w, c) in (
                ("generate", generated),
                ("features", featured),
                ("train", trained),
                ("score_test", scored),
            )
        },
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "backtest": result,
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
