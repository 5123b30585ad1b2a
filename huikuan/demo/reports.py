"""The demo's management reports: the early warnings of the last week (the weekly report's
risk section) and the schedules that email the reports to the managers."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from huikuan.accounts.roles import CFO, CREDIT_MANAGER, PRESIDENT
from huikuan.collections.models import ActionStatus, CallOutcome, Channel, DunningAction
from huikuan.collections.services import task_complete
from huikuan.demo.users import demo_users_wanted
from huikuan.finance.models import ReportSchedule
from huikuan.finance.reports.schedules import report_schedule_save
from huikuan.finance.warning_services import warnings_run

WARNING_DAYS = 7
SCHEDULES = (
    ("daily", [CREDIT_MANAGER]),
    ("weekly", [CFO, CREDIT_MANAGER]),
    ("monthly", [CFO, CREDIT_MANAGER]),
    ("annual", [CFO, PRESIDENT]),
)
CALLS_DONE = 4


def yesterdays_work(*, as_of: date) -> int:
    """The day before ``as_of`` (the daily report a reader opens first): a few collectors'
    calls logged, one of them taking a promise to pay that same day. The busiest collector's
    worklist is left whole for the walkthrough."""
    day = as_of - timedelta(days=1)
    busiest = {name for name, role in demo_users_wanted() if role == "collector"}
    tasks = (
        DunningAction.objects.filter(channel=Channel.PHONE, status=ActionStatus.OPEN, action_date__lte=day)
        .exclude(assigned_to__in=busiest)
        .select_related("customer")
        .order_by("action_date", "pk")
    )
    done, customers = 0, set()
    for task in tasks:
        if done == CALLS_DONE or task.customer_id in customers:
            continue
        customers.add(task.customer_id)
        who = task.assigned_to or "collections"
        outcome = (
            CallOutcome.PROMISED if done == 0 else (CallOutcome.REACHED, CallOutcome.NO_ANSWER)[done % 2]
        )
        promise = {"promised_date": day, "amount": Decimal("20000.00")} if done == 0 else None
        task_complete(task=task, user=who, outcome=outcome, note="电话跟进", promise=promise, on=day)
        done += 1
    return done


def reports_prepare(*, as_of: date) -> dict[str, int]:
    """Raise the early warnings of the last week, day by day as the job would have, and
    schedule each report to its readers (once: a loaded demo keeps its schedules)."""
    calls = yesterdays_work(as_of=as_of)
    warnings = 0
    for back in range(WARNING_DAYS - 1, -1, -1):
        warnings += len(warnings_run(as_of=as_of - timedelta(days=back)).created)
    schedules = 0
    if not ReportSchedule.objects.exists():
        for kind, roles in SCHEDULES:
            report_schedule_save(
                kind=kind, roles=roles, addresses=[], language="zh-hans", enabled=True, updated_by="demo"
            )
            schedules += 1
    return {"calls_logged": calls, "early_warnings": warnings, "report_schedules": schedules}
