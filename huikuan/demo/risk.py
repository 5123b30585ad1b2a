"""The demo's late-payment scores: the model trained on the demo company's own history, and its
scores on the last two month-ends and today (the credit page's risk history)."""

from __future__ import annotations

from datetime import date, timedelta

from huikuan.core.errors import RuleViolation
from huikuan.risk.services import risk_score, risk_train


def risk_demo(*, as_of: date) -> dict:
    """Train as of the month-end before last and today; score the open invoices and the customers
    on both month-ends and today. A ledger too small to learn from is said, not refused."""
    summary = {"risk_models": 0, "risk_scores": 0}
    # The last two month-ends: the monthly report's provision by risk segment reads each
    # customer's score of its month-end.
    last_month_end = as_of.replace(day=1) - timedelta(days=1)
    month_end_before = last_month_end.replace(day=1) - timedelta(days=1)
    try:
        for trained_on, scored_on in (
            (month_end_before, (month_end_before, last_month_end)),
            (as_of, (as_of,)),
        ):
            risk_train(as_of=trained_on, trained_by="demo")
            summary["risk_models"] += 1
            for day in scored_on:
                summary["risk_scores"] += len(risk_score(as_of=day))
    except RuleViolation as refused:
        summary["risk_skipped"] = refused.message
    return summary
