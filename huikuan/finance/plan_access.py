"""Reading clearance plans: a plan as the CLI's --json and the API give it, and who sees which
progress rows (a collector or salesperson: only their own, without the company's total)."""

from __future__ import annotations

from typing import Any

from huikuan.accounts.access import is_scoped, user_roles
from huikuan.accounts.roles import COLLECTOR, SALESPERSON
from huikuan.finance.models import ClearancePlan
from huikuan.finance.plans import recipient_text


def plan_as_dict(plan: ClearancePlan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "name": plan.name,
        "status": plan.status,
        "baseline_date": plan.baseline_date.isoformat(),
        "ends_on": plan.ends_on.isoformat(),
        "baseline_overdue": f"{plan.baseline_overdue:.2f}",
        "currency": plan.currency,
        "recipients": [recipient_text(r) for r in plan.recipients],
        "targets": [
            {"metric": t.metric, "goal": f"{t.goal:.2f}", "direction": t.direction}
            for t in plan.targets.all()
        ],
        "phases": [
            {
                "kind": p.kind,
                "starts_on": p.starts_on.isoformat(),
                "ends_on": p.ends_on.isoformat(),
                "owner": p.owner,
            }
            for p in plan.phases.all()
        ],
        "created_by": plan.created_by,
    }


def plan_scope(user: Any, group_by: str) -> tuple[str, set[str] | None]:
    """The grouping and the row keys ``user`` may see: everything for roles that see every
    customer; a collector their own row by collector, a salesperson theirs by salesperson."""
    if not is_scoped(user):
        return group_by, None
    roles = user_roles(user)
    person = COLLECTOR if COLLECTOR in roles else SALESPERSON if SALESPERSON in roles else None
    if person is None:
        return group_by, set()
    return person, {user.get_username()}
