"""Reads of the stored scores: what the worklist, the segments, the credit page and the API use.

    customer_scores_fresh(*, as_of, max_age_days, customer_ids=None) -> dict[int, CustomerRiskScore]
    invoice_scores_fresh(*, as_of, max_age_days, invoice_ids=None) -> dict[int, RiskScore]
    customer_risk_history(*, customer_id, limit=24) -> list[CustomerRiskScore]   # newest first
    model_latest(*, as_of) -> RiskModel | None   # trained on today's features

A score is "fresh" on a day when it was made on that day or within ``max_age_days`` before it
(setting ``RISK_SCORE_MAX_AGE_DAYS``); only the newest fresh score of each counts.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

from huikuan.risk.features import FEATURES
from huikuan.risk.models import CustomerRiskScore, RiskModel, RiskScore


def model_latest(*, as_of: date) -> RiskModel | None:
    """The newest model trained by ``as_of`` on today's features: a model stored by an earlier
    version of Huikuan, trained on other features, cannot score (the nightly job retrains)."""
    trained = RiskModel.objects.filter(as_of__lte=as_of).order_by("-as_of", "-id")
    for pk, features in trained.values_list("pk", "features").iterator():
        if list(features or []) == list(FEATURES):
            return RiskModel.objects.get(pk=pk)
    return None


def customer_scores_fresh(
    *, as_of: date, max_age_days: int, customer_ids: Collection[int] | None = None
) -> dict[int, CustomerRiskScore]:
    scores = CustomerRiskScore.objects.filter(
        as_of__lte=as_of, as_of__gte=as_of - timedelta(days=max_age_days)
    ).order_by("as_of")
    if customer_ids is not None:
        scores = scores.filter(customer_id__in=customer_ids)
    return {score.customer_id: score for score in scores.select_related("customer")}  # the newest wins


def invoice_scores_fresh(
    *,
    as_of: date,
    max_age_days: int,
    invoice_ids: Collection[int] | None = None,
    customer_ids: Collection[int] | None = None,
) -> dict[int, RiskScore]:
    """The newest fresh score of each invoice (of ``invoice_ids``, of the customers of
    ``customer_ids``; None: all) scored while it was open."""
    scores = (
        RiskScore.objects.filter(as_of__lte=as_of, as_of__gte=as_of - timedelta(days=max_age_days))
        .select_related("invoice", "customer")
        .order_by("as_of")
    )
    if invoice_ids is not None:
        scores = scores.filter(invoice_id__in=invoice_ids)
    if customer_ids is not None:
        scores = scores.filter(customer_id__in=customer_ids)
    return {score.invoice_id: score for score in scores}


def customer_risk_history(*, customer_id: int, limit: int = 24) -> list[CustomerRiskScore]:
    """The customer's risk scores over time, newest first."""
    return list(CustomerRiskScore.objects.filter(customer_id=customer_id).order_by("-as_of")[:limit])
