"""Training, scoring and the backtest: one place for the CLI, the API and the nightly job."""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction

from huikuan.core.errors import RuleViolation
from huikuan.core.money import quantize_ratio
from huikuan.risk.features import FEATURES, Target, features_build
from huikuan.risk.history import History, history_load
from huikuan.risk.learning import Models, fit, metrics, predict, reasons
from huikuan.risk.models import RiskModel, RiskScore

DEFAULT_SEED = 2026
MINIMUM_HISTORY = 30  # settled invoices below which no model is trained (the class heuristic stays)
FEATURE_LATE_SHARE = FEATURES.index("late_share")
FEATURE_DAYS_TO_SETTLE = FEATURES.index("days_to_settle_mean")


@dataclass(frozen=True)
class Examples:
    targets: list[Target]
    late: list[int]
    days: list[float | None]


def _examples(history: History, *, before: date, grace: int) -> Examples:
    """What was known by ``before``: each invoice settled before it (late or not, and its days to
    settle), and each still open then but already past its due date by more than the grace days
    (late; its days unknown). Features as of each invoice's own date."""
    targets, late, days = [], [], []
    for index, row in enumerate(history.invoices):
        if row.invoice_date >= before:
            continue
        if row.closed_on is not None and row.closed_on < before:
            targets.append(Target(index, row.invoice_date))
            late.append(int((row.closed_on - row.due_date).days > grace))
            days.append(float((row.closed_on - row.invoice_date).days))
        elif (before - row.due_date).days > grace + 1:
            targets.append(Target(index, row.invoice_date))
            late.append(1)
            days.append(None)
    return Examples(targets, late, days)


def _outcomes_after(history: History, *, cutoff: date, until: date, grace: int) -> Examples:
    """The invoices issued on or after ``cutoff`` whose outcome is known by ``until``."""
    targets, late, days = [], [], []
    for index, row in enumerate(history.invoices):
        if row.invoice_date < cutoff:
            continue
        if row.closed_on is not None and row.closed_on <= until:
            targets.append(Target(index, row.invoice_date))
            late.append(int((row.closed_on - row.due_date).days > grace))
            days.append(float((row.closed_on - row.invoice_date).days))
        elif (until - row.due_date).days > grace:
            targets.append(Target(index, row.invoice_date))
            late.append(1)
            days.append(None)
    return Examples(targets, late, days)


def _fit(history: History, examples: Examples, *, grace: int, seed: int) -> Models:
    rows = features_build(history, examples.targets, grace=grace)
    with_days = [i for i, value in enumerate(examples.days) if value is not None]
    if len(with_days) < MINIMUM_HISTORY:
        raise RuleViolation(
            f"too little history to train: {len(with_days)} settled invoices (at least {MINIMUM_HISTORY})"
        )
    # The regressor learns from the settled invoices; the classifier from every known outcome.
    models = fit(rows, examples.late, [examples.days[i] or 0.0 for i in range(len(rows))], seed=seed)
    if len(with_days) < len(rows):
        from sklearn.ensemble import HistGradientBoostingRegressor

        models.regressor = HistGradientBoostingRegressor(
            loss="absolute_error", max_iter=200, learning_rate=0.08, random_state=seed
        ).fit([rows[i] for i in with_days], [examples.days[i] for i in with_days])
    return models


def _last_day(history: History) -> date:
    days = [row.invoice_date for row in history.invoices]
    days += [row.closed_on for row in history.invoices if row.closed_on is not None]
    return max(days)


def risk_backtest(
    *, cutoff: date, grace: int = 0, seed: int = DEFAULT_SEED, until: date | None = None
) -> dict:
    """Train on what was known before ``cutoff``; score the invoices issued from it on, each with
    its features as of its own date; compare with the baseline (the customer's past share of
    late invoices, and its past mean days to settle)."""
    history = history_load(until=until)
    if not history.invoices:
        raise RuleViolation("no invoices to backtest on")
    until = until or _last_day(history)
    train = _examples(history, before=cutoff, grace=grace)
    test = _outcomes_after(history, cutoff=cutoff, until=until, grace=grace)
    if not test.targets:
        raise RuleViolation(f"no invoice issued on or after {cutoff.isoformat()} has a known outcome")
    models = _fit(history, train, grace=grace, seed=seed)
    rows = features_build(history, test.targets, grace=grace)
    probability, days = predict(models, rows)
    baseline_p = [row[FEATURE_LATE_SHARE] for row in rows]
    baseline_days = [row[FEATURE_DAYS_TO_SETTLE] for row in rows]
    return {
        "cutoff": cutoff.isoformat(),
        "grace": grace,
        "train": len(train.targets),
        "test": len(test.targets),
        "late_share": round(sum(test.late) / len(test.late), 4),
        "model": metrics(test.late, probability.tolist(), test.days, days.tolist()),
        "baseline": metrics(test.late, baseline_p, test.days, baseline_days),
    }


@transaction.atomic
def risk_train(*, as_of: date, grace: int = 0, seed: int = DEFAULT_SEED, trained_by: str = "") -> RiskModel:
    """Train on everything known before ``as_of`` and store the model, with its metrics on the last
    fifth of that history (trained on the first four fifths)."""
    history = history_load(until=as_of)
    examples = _examples(history, before=as_of, grace=grace)
    if not examples.targets:
        raise RuleViolation("no settled invoices before that day: nothing to learn from")
    issued = sorted(history.invoices[t.invoice].invoice_date for t in examples.targets)
    split = issued[len(issued) * 4 // 5]
    check = {}
    if issued[0] < split:
        try:
            check = risk_metrics_on_split(history, cutoff=split, until=as_of, grace=grace, seed=seed)
        except RuleViolation:
            check = {}
    models = _fit(history, examples, grace=grace, seed=seed)
    return RiskModel.objects.create(
        as_of=as_of,
        window_start=issued[0],
        grace_days=grace,
        seed=seed,
        train_size=len(examples.targets),
        late_share=quantize_ratio(Decimal(sum(examples.late)) / len(examples.late), Decimal("0.0001")),
        features=list(FEATURES),
        metrics=check,
        trained_by=trained_by,
        blob=pickle.dumps(models),
    )


def risk_metrics_on_split(history: History, *, cutoff: date, until: date, grace: int, seed: int) -> dict:
    train = _examples(history, before=cutoff, grace=grace)
    test = _outcomes_after(history, cutoff=cutoff, until=until, grace=grace)
    models = _fit(history, train, grace=grace, seed=seed)
    probability, days = predict(models, features_build(history, test.targets, grace=grace))
    return metrics(test.late, probability.tolist(), test.days, days.tolist())


def model_latest(*, as_of: date) -> RiskModel | None:
    return RiskModel.objects.filter(as_of__lte=as_of).order_by("-as_of", "-id").first()


@transaction.atomic
def risk_score(*, as_of: date) -> list[RiskScore]:
    """Score every invoice open on ``as_of`` with the latest model trained by then, features as of
    that day; the day's earlier scores are replaced. An invoice already past its due date by more
    than the grace days is late: P = 1."""
    stored = model_latest(as_of=as_of)
    if stored is None:
        raise RuleViolation("no model trained yet: run huikuan risk train first")
    models: Models = pickle.loads(bytes(stored.blob))  # noqa: S301 - written only by risk_train
    history = history_load(until=as_of)
    open_ = [
        index
        for index, row in enumerate(history.invoices)
        if row.invoice_date <= as_of and (row.closed_on is None or row.closed_on > as_of)
    ]
    targets = [Target(index, as_of) for index in open_]
    rows = features_build(history, targets, grace=stored.grace_days)
    probability, days = predict(models, rows)
    why = reasons(models, rows)
    RiskScore.objects.filter(as_of=as_of).delete()
    scores = []
    for k, index in enumerate(open_):
        row = history.invoices[index]
        overdue = (as_of - row.due_date).days
        p = 1.0 if overdue > stored.grace_days else float(probability[k])
        expected = max(float(days[k]), float((as_of - row.invoice_date).days))
        scores.append(
            RiskScore(
                invoice_id=row.id,
                customer_id=row.customer_id,
                as_of=as_of,
                model=stored,
                probability_late=Decimal(str(round(min(max(p, 0.0), 1.0), 4))),
                expected_days=Decimal(str(round(expected, 1))),
                reasons=[{"feature": name, "push": push} for name, push in why[k]],
            )
        )
    RiskScore.objects.bulk_create(scores, batch_size=2000)
    return scores
