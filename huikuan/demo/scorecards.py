"""The demo's staff scorecards (考核与奖惩): the month before last scored and approved by the
credit manager (its payroll workbook ready), last month scored and awaiting approval."""

from __future__ import annotations

from datetime import date, timedelta

from huikuan.approvals.models import ApprovalRequest
from huikuan.approvals.services import approval_decide
from huikuan.demo.users import demo_user
from huikuan.finance.scorecards import scorecard_run


def _month_before(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def scorecards_score(*, as_of: date, approver: str) -> dict:
    """Score the two months before ``as_of``'s; the earlier one approved by ``approver``."""
    last = _month_before(as_of)
    earlier = _month_before(last)
    approved = scorecard_run(month=earlier.strftime("%Y-%m"), computed_by="demo")
    approval_decide(
        request=ApprovalRequest.objects.get(number=approved.approval_number),
        actor=demo_user(approver),
        decision="approve",
        comment="核对无误，同意发放",
    )
    proposed = scorecard_run(month=last.strftime("%Y-%m"), computed_by="demo")
    return {"scorecard_lines": approved.lines.count() + proposed.lines.count()}
