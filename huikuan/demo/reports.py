"""The demo's management reports: the early warnings of the last week (the weekly report's
risk section) and the schedules that email the reports to the managers."""

from __future__ import annotations

from datetime import date, timedelta

from huikuan.accounts.roles import CFO, CREDIT_MANAGER, PRESIDENT
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


def reports_prepare(*, as_of: date) -> dict[str, int]:
    """Raise the early warnings of the last week, day by day as the job would have, and
    schedule each report to its readers (once: a loaded demo keeps its schedules)."""
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
    return {"early_warnings": warnings, "report_schedules": schedules}
