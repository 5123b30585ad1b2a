"""Training, scoring and the backtest: one place for the CLI, the API and the nightly job."""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from huikuan.core.errors import RuleViolation
from huikuan.core.money import quantize_ratio
from huikuan.core.policy import policy_values
from huikuan.risk.features import FEATURES, Target, features_build
from huikuan.risk.history import History, InvoiceRow, history_load
from huikuan.risk.learning import Models, fit, metrics, predict, reasons
from huikuan.risk.models import CustomerRiskScore, RiskModel, RiskScore
from huikuan.risk.selectors import model_latest

DEFAULT_SEED = 2026
MINIMUM_HISTORY = 30  # settled invoices below which no model is trained (the class heuristic stays)
FEATURE_LATE_SHARE = FEATURES.index("late_share")
FEATURE_DAYS_TO_SETTLE = FEATURES.index("days_to_settle_mean")
FEATURE_SETTLED = FEATURES.index("history_settled")
# What is overdue now: left out of a customer's score (set to nothing overdue), since the segment
# it decides must not rise with the days overdue the dunning ladder escalates on.
OVERDUE_FEATURES = tuple(
    FEATURES.index(name) for name in ("overdue_count", "overdue_amount_relative", "oldest_overdue_days")
)
PREMIUM, NORMAL, HIGH_RISK = "premium", "normal", "high_risk"


@dataclass(frozen=True)
class Examples:
    targets: list[Target]
    late: list[int]
    days: list[float | None]


def _examples(history: History, *, before: date, grace: int) -> Examples:
    """What was known by ``before`` (the events of the days before it): every invoice whose
    outcome was decided by then, that is, past its due date plus the grace days. Late when it was
    not settled within the grace days (settled later, or still open); its days to settle when it
    was settled. Features as of each invoice's own date. An invoice not yet due is left out
    whether or not it was paid already: keeping the early payers alone would bias the labels."""
    targets, late, days = [], [], []
    for index, row in enumerate(history.invoices):
        if row.invoice_date >= before or (before - row.due_date).days <= grace:
            continue
        settled = row.closed_on is not None and row.closed_on < before
        targets.append(Target(index, row.invoice_date))
        late.append(int(not settled or (row.closed_on - row.due_date).days > grace))
        days.append(float((row.closed_on - row.invoice_date).days) if settled else None)
    return Examples(targets, late, days)


def _outcomes_after(history: History, *, cutoff: date, until: date, grace: int) -> Examples:
    """The invoices issued on or after ``cutoff`` whose outcome is decided by ``until`` (its
    events included): the same rule as the training examples', so the test is not censored."""
    examples = _examples(history, before=until + timedelta(days=1), grace=grace)
    keep = [k for k, t in enumerate(examples.targets) if history.invoices[t.invoice].invoice_date >= cutoff]
    return Examples(
        [examples.targets[k] for k in keep],
        [examples.late[k] for k in keep],
        [examples.days[k] for k in keep],
    )


def _fit(history: History, examples: Examples, *, grace: int, seed: int) -> Models:
    rows = features_build(history, examples.targets, grace=grace)
    with_days = [i for i, value in enumerate(examples.days) if value is not None]
    if len(with_days) < MINIMUM_HISTORY:
        raise RuleViolation(
            f"too little history to train: {len(with_days)} settled invoices (at least {MINIMUM_HISTORY})"
        )
    # The regressor learns from the settled invoices; the classifier from every known outcome.
    models = fit(rows, examples.late, examples.days, seed=seed)
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
    return backtest_history(history, cutoff=cutoff, until=until or _last_day(history), grace=grace, seed=seed)


def backtest_history(
    history: History, *, cutoff: date, until: date, grace: int = 0, seed: int = DEFAULT_SEED
) -> dict:
    """:func:`risk_backtest` on a history already read (pure: the benchmark's entry)."""
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
    blob = pickle.dumps(models)
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
        blob=blob,
        blob_sha256=hashlib.sha256(blob).hexdigest(),
    )


def risk_metrics_on_split(history: History, *, cutoff: date, until: date, grace: int, seed: int) -> dict:
    train = _examples(history, before=cutoff, grace=grace)
    test = _outcomes_after(history, cutoff=cutoff, until=until, grace=grace)
    models = _fit(history, train, grace=grace, seed=seed)
    probability, days = predict(models, features_build(history, test.targets, grace=grace))
    return metrics(test.late, probability.tolist(), test.days, days.tolist())


def models_load(stored: RiskModel) -> Models:
    """The stored model's estimators, unpickled only when the blob's SHA-256 is the one recorded
    when it was trained: a blob changed in the database (by anyone but ``risk_train``) is refused."""
    blob = bytes(stored.blob)
    if not stored.blob_sha256 or hashlib.sha256(blob).hexdigest() != stored.blob_sha256:
        raise RuleViolation(f"risk model {stored.pk}: its stored blob does not match its SHA-256; retrain it")
    return pickle.loads(blob)  # noqa: S301 - written by risk_train, its hash checked above


def segment_of(probability: float, *, thresholds: dict) -> str:
    """The risk segment of a customer's P(late): premium below the premium threshold, high-risk at
    or above the high-risk one (setting ``RISK_SEGMENT_THRESHOLDS``), normal between."""
    if probability >= float(thresholds["high_risk"]):
        return HIGH_RISK
    if probability < float(thresholds["premium"]):
        return PREMIUM
    return NORMAL


def _customer_rows(history: History, *, as_of: date) -> tuple[History, list[int], list[Target]]:
    """A usual new invoice of each customer issued on ``as_of`` (its usual amount and terms), to be
    scored as the customer's risk; the history with those invoices added."""
    usual: dict[int, list] = {}
    for row in history.invoices:
        if row.invoice_date < as_of:
            entry = usual.setdefault(row.customer_id, [0, 0.0, row])
            entry[0] += 1
            entry[1] += row.amount
            entry[2] = row
    invoices = list(history.invoices)
    customers, targets = [], []
    for customer_id, (count, total, last) in usual.items():
        invoices.append(
            InvoiceRow(
                id=0,
                number="",
                customer_id=customer_id,
                invoice_date=as_of,
                due_date=as_of + (last.due_date - last.invoice_date),
                amount=total / count,
                closed_on=None,
                disputed=False,
                disputed_on=None,
                credit_class=last.credit_class,
            )
        )
        customers.append(customer_id)
        targets.append(Target(len(invoices) - 1, as_of))
    return History(invoices, history.broken_promises), customers, targets


def _stored_reasons(pairs) -> list[dict]:
    return [{"feature": name, "push": push} for name, push in pairs]


@transaction.atomic
def risk_score(*, as_of: date) -> list[RiskScore]:
    """Score every invoice open on ``as_of`` with the latest model trained by then, features as of
    that day, and every customer with a history (its segment); the day's earlier scores are
    replaced. An open invoice's P(late) is the model's for its situation that day, also when it
    is overdue already (the worklist weighs its balance by it); its expected days to settle are
    at least the days it has been open."""
    stored = model_latest(as_of=as_of)
    if stored is None:
        raise RuleViolation(
            "no model trained on today's features yet: run huikuan risk train first (or let the nightly job)"
        )
    models = models_load(stored)
    rules = policy_values()
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
        expected = max(float(days[k]), float((as_of - row.invoice_date).days))
        scores.append(
            RiskScore(
                invoice_id=row.id,
                customer_id=row.customer_id,
                as_of=as_of,
                model=stored,
                probability_late=_ratio(float(probability[k])),
                expected_days=Decimal(str(round(expected, 1))),
                reasons=_stored_reasons(why[k]),
            )
        )
    RiskScore.objects.bulk_create(scores, batch_size=2000)
    _customers_score(stored, models, history, as_of=as_of, rules=rules)
    return scores


def _ratio(value: float) -> Decimal:
    return Decimal(str(round(min(max(value, 0.0), 1.0), 4)))


def _customers_score(
    stored: RiskModel, models: Models, history: History, *, as_of: date, rules: dict
) -> None:
    extended, customers, targets = _customer_rows(history, as_of=as_of)
    rows = features_build(extended, targets, grace=stored.grace_days)
    for row in rows:
        for column in OVERDUE_FEATURES:
            row[column] = 0.0
    probability, _ = predict(models, rows)
    why = reasons(models, rows)
    minimum = rules["RISK_MIN_SETTLED_INVOICES"]
    CustomerRiskScore.objects.filter(as_of=as_of).delete()
    CustomerRiskScore.objects.bulk_create(
        [
            CustomerRiskScore(
                customer_id=customer_id,
                as_of=as_of,
                model=stored,
                probability_late=_ratio(float(probability[k])),
                settled_invoices=int(rows[k][FEATURE_SETTLED]),
                # Too little history of its own: no segment from the model (the class heuristic).
                segment=segment_of(float(probability[k]), thresholds=rules["RISK_SEGMENT_THRESHOLDS"])
                if rows[k][FEATURE_SETTLED] >= minimum
                else "",
                reasons=_stored_reasons(why[k]),
            )
            for k, customer_id in enumerate(customers)
        ],
        batch_size=2000,
    )


def risk_nightly(*, as_of: date) -> dict:
    """The nightly job: train a model when none exists yet and the history allows one, or when
    at least ``RISK_RETRAIN_NEW_INVOICES`` invoices have been decided (fallen due, plus the grace
    days) since the latest model's day; then score the open invoices and the customers."""
    from huikuan.ledger.models import Invoice

    rules = policy_values()
    latest = model_latest(as_of=as_of)
    grace = latest.grace_days if latest else 0
    since = latest.as_of if latest else date.min
    decided = Invoice.objects.filter(
        due_date__gte=since - timedelta(days=grace) if latest else date.min,
        due_date__lt=as_of - timedelta(days=grace),
    ).count()
    result: dict = {"decided_since_last_model": decided, "trained": None}
    if latest is None or decided >= rules["RISK_RETRAIN_NEW_INVOICES"]:
        try:
            latest = risk_train(as_of=as_of, grace=grace, trained_by="job")
            result["trained"] = latest.pk
        except RuleViolation as refused:
            result["not_trained"] = refused.message
    if latest is None:
        return result
    result["scored"] = len(risk_score(as_of=as_of))
    return result
