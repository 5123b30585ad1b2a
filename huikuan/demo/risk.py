"""The demo's late-payment scores: the model trained on the demo company's own history, and its
scores on three days a month apart (the credit page's risk history), the last one today's."""

from __future__ import annotations

from datetime import date, timedelta

from huikuan.core.errors import RuleViolation
from huikuan.risk.services import risk_score, risk_train


def risk_demo(*, as_of: date) -> dict:
    """Train as of two months ago and today; score the three month-ends' open invoices and the
    customers. A ledger too small to learn from is said, not refused."""
    summary = {"risk_models": 0, "risk_scores": 0}
    try:
        for trained_on, scored_on in (
            (as_of - timedelta(days=60), (as_of - timedelta(days=60), as_of - timedelta(days=30))),
            (as_of, (as_of,)),
        ):
            risk_train(as_of=trained_on, trained_by="demo")
            summary["risk_models"] += 1
            for day in scored_on:
                summary["risk_scores"] += len(risk_score(as_of=day))
    except RuleViolation as refused:
        summary["risk_skipped"] = refused.message
    return summary
