"""The models: a calibrated gradient-boosted classifier for P(settled more than the grace days
late) and a gradient-boosted regressor of the days from invoice to settlement, with the metrics
of a test set and each score's reasons. Pure: matrices in, numbers out (scikit-learn)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from huikuan.risk.features import FEATURES

TOP_REASONS = 3
# One thread per process: the job queue and the test workers already use every core, and
# OpenMP threads fighting over two cores made training several times slower.
THREADS = 1


@dataclass
class Models:
    classifier: object
    regressor: object
    medians: list[float]  # each feature's median in training: the reference of a score's reasons
    seed: int


def fit(
    rows: Sequence[Sequence[float]], late: Sequence[int], days: Sequence[float | None], *, seed: int
) -> Models:
    """Train both models, reproducibly from ``seed``: the classifier on every row, the regressor on
    the rows whose days to settle are known (``None``: not settled yet)."""
    # scikit-learn's OpenMP runtime must be loaded before the limit is set: a limit set before
    # it is loaded does not apply, and two spinning threads per fit on a loaded machine made a
    # two-second training last minutes.
    import sklearn.ensemble  # noqa: F401

    with threadpool_limits(limits=THREADS):
        return _fit(rows, late, days, seed=seed)


def _fit(
    rows: Sequence[Sequence[float]], late: Sequence[int], days: Sequence[float | None], *, seed: int
) -> Models:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import HistGradientBoostingClassifier

    x = np.asarray(rows, dtype=float)
    y = np.asarray(late, dtype=int)
    # Shallow trees and large leaves: a company's history is a few thousand invoices of a few
    # hundred customers, and deeper trees learned the training customers rather than the habits
    # (on the public IBM sample and the stand-in, depth 3 with leaves of 80 ranked better).
    booster = HistGradientBoostingClassifier(
        max_iter=200,
        learning_rate=0.05,
        min_samples_leaf=80,
        max_depth=3,
        l2_regularization=1.0,
        random_state=seed,
    )
    if len(set(y.tolist())) < 2 or min(np.bincount(y)) < 3:
        classifier = booster.fit(x, y)  # too few of one outcome to calibrate by folds
    else:
        # Platt scaling fitted on out-of-fold scores, one booster on all rows (ensemble=False):
        # probabilities calibrated, the booster's ranking kept. The folds are shuffled: the rows
        # come in date order, and folds cut in time calibrated each period on a booster that had
        # not seen it (a drifting history: a Brier score of 0.155 against 0.079 when shuffled).
        from sklearn.model_selection import StratifiedKFold

        folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=seed)
        classifier = CalibratedClassifierCV(booster, method="sigmoid", cv=folds, ensemble=False).fit(x, y)
    known = [i for i, value in enumerate(days) if value is not None]
    regressor = _regressor(x[known], [days[i] for i in known], seed=seed)
    return Models(classifier, regressor, np.median(x, axis=0).tolist(), seed)


def _regressor(x: np.ndarray, days: Sequence[float], *, seed: int) -> object:
    """The days-to-settle model: the median (absolute error), regularised like the classifier."""
    from sklearn.ensemble import HistGradientBoostingRegressor

    return HistGradientBoostingRegressor(
        loss="absolute_error",
        max_iter=150,
        learning_rate=0.05,
        min_samples_leaf=40,
        l2_regularization=1.0,
        random_state=seed,
    ).fit(x, np.asarray(days, dtype=float))


def predict(models: Models, rows: Sequence[Sequence[float]]) -> tuple[np.ndarray, np.ndarray]:
    """P(late) and the expected days to settle of each row."""
    x = np.asarray(rows, dtype=float)
    if len(x) == 0:
        return np.zeros(0), np.zeros(0)
    with threadpool_limits(limits=THREADS):
        probabilities = models.classifier.predict_proba(x)
        late = probabilities[:, 1] if probabilities.shape[1] > 1 else np.zeros(len(x))
        return late, models.regressor.predict(x)


def reasons(models: Models, rows: Sequence[Sequence[float]]) -> list[list[tuple[str, float]]]:
    """Each row's features that pushed its P(late) up most: the drop in P(late) when the feature
    is set to the training median, largest first (at most ``TOP_REASONS``, only those above 0)."""
    x = np.asarray(rows, dtype=float)
    if len(x) == 0:
        return []
    base, _ = predict(models, x)
    pushes = np.zeros_like(x)
    for column, median in enumerate(models.medians):
        changed = x.copy()
        changed[:, column] = median
        pushes[:, column] = base - predict(models, changed)[0]
    out = []
    for row in pushes:
        order = np.argsort(-row)[:TOP_REASONS]
        out.append([(FEATURES[i], round(float(row[i]), 4)) for i in order if row[i] > 0.005])
    return out


def metrics(
    late: Sequence[int], probability: Sequence[float], days: Sequence[float], predicted_days: Sequence[float]
) -> dict[str, float | None]:
    """AUC, Brier score and accuracy (at 0.5) of P(late); mean absolute error of the days."""
    from sklearn.metrics import roc_auc_score

    y = np.asarray(late, dtype=int)
    p = np.clip(np.asarray(probability, dtype=float), 0.0, 1.0)
    auc = float(roc_auc_score(y, p)) if 0 < y.sum() < len(y) else None
    known = [i for i, value in enumerate(days) if value is not None]
    mae = (
        float(
            np.mean(
                np.abs(np.asarray([days[i] for i in known]) - np.asarray([predicted_days[i] for i in known]))
            )
        )
        if known
        else None
    )
    return {
        "auc": None if auc is None else round(auc, 4),
        "brier": round(float(np.mean((p - y) ** 2)), 4) if len(y) else None,
        "accuracy": round(float(np.mean((p >= 0.5) == (y == 1))), 4) if len(y) else None,
        "mae_days": None if mae is None else round(mae, 2),
    }
