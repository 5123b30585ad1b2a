"""The demo's clearance plan (清欠方案): set up by the credit manager thirteen weeks before the
demo date, so its page shows a quarter of weekly progress, with the CFO's report in Chinese."""

from __future__ import annotations

from datetime import date, timedelta

from huikuan.core.audit import audit_context
from huikuan.finance.plans import clearance_plan_create, plan_phases_update

WEEKS = 13
PHASE_OWNERS = {"preparation": "demo.manager", "classification": "demo.analyst", "legal": "demo.cfo"}


def clearance_plan_demo(*, as_of: date, created_by: str = "demo.manager") -> int:
    """One plan with its baseline 13 weeks before ``as_of``; its id."""
    baseline = as_of - timedelta(weeks=WEEKS)
    with audit_context(source="demo"):
        plan = clearance_plan_create(
            baseline_date=baseline,
            name="应收账款清欠工作方案",
            recipients=["cfo", "credit_manager"],
            created_by=created_by,
            today=as_of,
        )
        plan_phases_update(plan=plan, phases=[{"kind": k, "owner": v} for k, v in PHASE_OWNERS.items()])
    return plan.pk
