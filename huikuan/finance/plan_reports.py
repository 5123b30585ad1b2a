"""The clearance plans' monthly progress report (seed 004): on the first working day of each
month (the daily job ``plan_report``), each active plan's recipients get its progress to the
end of the month just ended, by email, each in their own language (the recipient's entry:
Chinese unless it says ``en``), through the outbox. A plan's report of a month is sent once:
the job records it (``PlanReport``) and each email has its idempotency key; a day missed is
caught up on the next run of the month.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from huikuan.core.policy import policy_value
from huikuan.correspondence.services import email_send
from huikuan.finance.models import ClearancePlan, PlanReport, PlanStatus
from huikuan.finance.plan_progress import PlanProgress, plan_progress

PURPOSE = "plan_report"


def non_working_days() -> set[date]:
    days = set()
    for text in str(policy_value("PLAN_NON_WORKING_DAYS")).replace(";", ",").split(","):
        if text.strip():
            days.add(date.fromisoformat(text.strip()))
    return days


def first_working_day(year: int, month: int) -> date:
    """The month's first day that is neither a Saturday, a Sunday nor a listed holiday."""
    holidays = non_working_days()
    day = date(year, month, 1)
    while day.weekday() >= 5 or day in holidays:
        day += timedelta(days=1)
    return day


def report_recipients(plan: ClearancePlan) -> list[tuple[str, str]]:
    """(address, language) of each recipient, each address once: a role's active members with
    an address, and the addresses named."""
    found: dict[str, str] = {}
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    for entry in plan.recipients:
        language = entry.get("language", "zh-hans")
        if entry.get("email"):
            found.setdefault(entry["email"].strip().lower(), language)
        elif entry.get("role"):
            for email in (
                users.filter(groups__name=entry["role"]).order_by("pk").values_list("email", flat=True)
            ):
                found.setdefault(email.strip().lower(), language)
    return sorted(found.items())


def _figure(value: str | None, unit: str) -> str:
    return "–" if value is None else f"{value}{unit}"


def report_text(progress: PlanProgress) -> tuple[str, str]:
    """The report's subject and body, in the active language."""
    plan = progress.plan
    subject = _("[Huikuan] Clearance plan %(name)s: progress to %(date)s") % {
        "name": plan.name,
        "date": progress.as_of.isoformat(),
    }
    total = progress.total.as_dict() if progress.total else {}
    lines = [
        _("Clearance plan %(name)s, baseline %(baseline)s, ends %(end)s.")
        % {"name": plan.name, "baseline": plan.baseline_date, "end": plan.ends_on},
        _("Progress to %(date)s (%(days)s days since the baseline).")
        % {"date": progress.as_of, "days": progress.days},
        "",
        _("Targets:"),
    ]
    for target in progress.target_rows():
        unit = _(" days") if target["metric"] == "collection_cycle" else "%"
        state = {True: _("met"), False: _("not met"), None: _("no figure yet")}[target["met"]]
        direction = _("at least") if target["direction"] == "at_least" else _("at most")
        lines.append(
            f"- {target['label']}: {_figure(target['actual'], unit)} "
            f"({direction} {target['goal']}{unit}) — {state}"
        )
    if total:
        lines += [
            "",
            _(
                "Overdue at the baseline %(baseline)s %(currency)s; cleared since %(cleared)s; "
                "written off %(written_off)s (a loss, not a clearance); still open %(remaining)s."
            )
            % {**total, "currency": plan.currency, "baseline": total["baseline_overdue"]},
        ]
    if progress.rows:
        lines += ["", _("By department:")]
        for row in progress.rows:
            lines.append(
                "- "
                + _("%(key)s: cleared %(rate)s of %(baseline)s; collection rate %(collection)s")
                % {
                    "key": row.key or _("(none)"),
                    "rate": _figure(row.as_dict()["clearance_rate"], "%"),
                    "baseline": f"{row.clearance.baseline:.2f}",
                    "collection": _figure(row.as_dict()["collection_rate"], "%"),
                }
            )
    lines += ["", _("Phases:")]
    for phase in progress.phases:
        lines.append(
            f"- {phase.get_kind_display()}: {phase.starts_on} – {phase.ends_on}"
            + (f", {phase.owner}" if phase.owner else "")
        )
    lines += ["", _("The plan's page in Huikuan shows the weekly trend.")]
    return subject, "\n".join(lines) + "\n"


@dataclass
class ReportRun:
    day: date
    month: str
    sent: dict[int, int] = field(default_factory=dict)
    already: list[int] = field(default_factory=list)
    skipped: str = ""

    def as_dict(self) -> dict[str, Any]:
        if self.skipped:
            return {"day": self.day.isoformat(), "skipped": self.skipped}
        return {
            "day": self.day.isoformat(),
            "month": self.month,
            "plans_reported": len(self.sent),
            "emails": sum(self.sent.values()),
            "already_reported": len(self.already),
        }


def plan_reports_send(*, day: date) -> ReportRun:
    """Send each active plan's report of the month just ended, once, from the month's first
    working day on."""
    run = ReportRun(day=day, month=day.strftime("%Y-%m"))
    if day < first_working_day(day.year, day.month):
        run.skipped = "before the first working day of the month"
        return run
    as_of = day.replace(day=1) - timedelta(days=1)
    plans = ClearancePlan.objects.filter(
        status=PlanStatus.ACTIVE, baseline_date__lt=as_of, ends_on__gte=as_of.replace(day=1)
    ).order_by("pk")
    for plan in plans:
        if PlanReport.objects.filter(plan=plan, month=run.month).exists():
            run.already.append(plan.pk)
            continue
        run.sent[plan.pk] = _send(plan, as_of, run.month)
    return run


@transaction.atomic
def _send(plan: ClearancePlan, as_of: date, month: str) -> int:
    progress = plan_progress(plan=plan, as_of=as_of, group_by="department")
    emails = 0
    for address, language in report_recipients(plan):
        with translation.override(language):
            subject, body = report_text(progress)
        email_send(
            to=[address],
            subject=subject,
            body=body,
            purpose=PURPOSE,
            idempotency_key=f"plan-report:{plan.pk}:{month}:{address}",
        )
        emails += 1
    PlanReport.objects.create(plan=plan, month=month, as_of=as_of, emails=emails)
    return emails
