"""The one list of scheduled jobs (STYLE: ``jobs/``). Each takes the business date.

    JOBS: dict[str, Job]     # name → job, in the order they run each day

A job runs for a date only after the jobs it names in ``after`` are done for that date
(``email_retry`` after ``dunning``): a trigger that comes too early (beat sends every job in
the same minute) is refused with :class:`JobNotReady` and tried again.

The in-process scheduler (:mod:`huikuan.jobs.scheduler`) and the Celery beat schedule
(:mod:`huikuan.config.celery`) both read this list; both run a job through
:func:`huikuan.jobs.services.job_run`, once per (job, date).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any


@dataclass(frozen=True)
class Job:
    name: str
    description: str
    work: Callable[[date], Any]
    after: tuple[str, ...] = ()


def _promises(day: date) -> dict:
    from huikuan.collections.services import plans_evaluate, promises_evaluate

    return {"promises": promises_evaluate(as_of=day), "plans": plans_evaluate(as_of=day)}


def _dunning(day: date) -> dict:
    from huikuan.collections.run import dunning_run

    result = dunning_run(date=day)
    return {
        "invoices_considered": result.invoices_considered,
        "invoices_stepped": result.invoices_stepped,
        "invoices_paused": result.invoices_paused,
        "actions": len(result.actions),
    }


def _email_retry(day: date) -> dict:
    """Emails that failed are sent again (the outbox), and dunning actions not yet delivered
    (no address then, a template error) are delivered: both enqueued in chunks."""
    from huikuan.collections.delivery import deliveries_resume
    from huikuan.correspondence.services import emails_retry_enqueue

    return {"email_tasks": emails_retry_enqueue(), "delivery_tasks": deliveries_resume()}


def _kpi_trend(day: date) -> dict:
    """The company-wide KPIs of the last months up to ``day``, stored for the KPIs page's trend."""
    from huikuan.finance.kpi_trend import kpi_months_refresh

    return {"months": kpi_months_refresh(last_day=day)}


def _credit_monthly(day: date) -> dict:
    """On the first day of a month: score every customer for the month just ended (SPEC §5.1)
    and send the proposed changes of class for approval (or apply them, by the setting)."""
    if day.day != 1:
        return {"skipped": "runs on the first day of a month"}
    from huikuan.credit.flows import evaluations_propose
    from huikuan.credit.services import credit_evaluate

    period = (day - timedelta(days=1)).strftime("%Y-%m")
    run = credit_evaluate(period=period, evaluated_by="job")
    proposals = evaluations_propose(evaluations=run.evaluations)
    return {"period": period, "evaluated": len(run.evaluations), "proposed": len(proposals)}


def _credit_quarterly(day: date) -> dict:
    """On the first day of a quarter: the quarterly review (SPEC §5.3): downgrades for worsening
    payment behaviour, credit hold for customers 90+ days overdue."""
    if day.day != 1 or day.month not in (1, 4, 7, 10):
        return {"skipped": "runs on the first day of a quarter"}
    from huikuan.credit.flows import credit_review

    result = credit_review(as_of=day)
    return {"period": result.period, "downgrades": len(result.downgrades), "holds": len(result.holds)}


def _statements(day: date) -> dict:
    """On the send day of the month: the statements of account due by each customer's
    schedule (monthly, quarterly), made and emailed by queued tasks."""
    from huikuan.statements.services import statements_send_due

    return statements_send_due(day=day)


def _check_ins(day: date) -> dict:
    """The periodic check-in reminders (seed 004 定期回访) due by the customers' classes."""
    from huikuan.collections.relationship import check_ins_create

    return {"reminders": check_ins_create(as_of=day)}


def _warnings(day: date) -> dict:
    """The early warnings of the day (after promises are judged and classes evaluated), routed
    by grade, notified in the app and in one digest email per recipient."""
    from huikuan.finance.warning_services import warnings_run

    return warnings_run(as_of=day).as_dict()


def _plan_report(day: date) -> dict:
    """From the first working day of a month: each active clearance plan's progress report of
    the month just ended, emailed to its recipients once."""
    from huikuan.finance.plan_reports import plan_reports_send

    return plan_reports_send(day=day).as_dict()


def _scorecards_monthly(day: date) -> dict:
    """On the first day of a month: score the salespeople and collectors on the month just
    ended and send the proposed rewards and penalties for approval (考核与奖惩); a month
    already approved is left as it is."""
    if day.day != 1:
        return {"skipped": "runs on the first day of a month"}
    from huikuan.core.errors import RuleViolation
    from huikuan.finance.scorecards import scorecard_run

    month = (day - timedelta(days=1)).strftime("%Y-%m")
    try:
        run = scorecard_run(month=month, computed_by="job")
    except RuleViolation as refused:
        return {"month": month, "skipped": refused.message}
    return {"month": month, "revision": run.revision, "lines": run.lines.count(), "total": str(run.total)}


def _risk(day: date) -> dict:
    """Retrain the late-payment model when enough new history has accrued (or none exists yet),
    then score the open invoices and the customers (the next day's worklist and segments)."""
    from huikuan.risk.services import risk_nightly

    return risk_nightly(as_of=day)


def _reports(day: date) -> dict:
    """The management reports due on the day (daily on working days, weekly on Mondays, monthly
    and annual on the first working day), each drawn and emailed by a queued task."""
    from huikuan.finance.reports.schedules import reports_send_due

    return reports_send_due(day=day)


def _red_letter_lapse(day: date) -> dict:
    """Red-letter confirmation forms (红字确认单) unconfirmed past their time (RED_LETTER_LAPSE_HOURS
    after they were raised) lapse: by the end of the day, or now if that is earlier."""
    from datetime import datetime, time

    from django.utils import timezone

    from huikuan.ledger.corrections import red_letter_lapse

    end_of_day = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    return {"lapsed": red_letter_lapse(now=min(timezone.now(), end_of_day))}


def _bills_remind(day: date) -> dict:
    """The acceptance bills held that mature within BILLS_REMINDER_DAYS: the credit managers
    are reminded (in the app) to present each for payment, once."""
    from huikuan.bills.services import bills_remind

    return {"reminded": bills_remind(as_of=day)}


JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        Job("promises", "mark promises to pay and payment plans kept or broken", _promises),
        Job("red_letter_lapse", "red-letter corrections unconfirmed in time lapse", _red_letter_lapse),
        Job("dunning", "the daily dunning run", _dunning),
        Job("statements", "statements of account due by the customers' schedules", _statements),
        Job("email_retry", "retry emails that failed", _email_retry, after=("dunning",)),
        Job("credit_monthly", "monthly customer classification, first day of the month", _credit_monthly),
        Job("credit_quarterly", "quarterly credit review, first day of the quarter", _credit_quarterly),
        Job("check_ins", "periodic check-in reminders by class", _check_ins),
        Job(
            "warnings",
            "early warnings: evaluate the rules, notify by grade, queue the digest emails",
            _warnings,
            after=("promises", "credit_monthly", "credit_quarterly"),
        ),
        Job("plan_report", "clearance plans' monthly progress report, first working day", _plan_report),
        Job(
            "scorecards_monthly",
            "staff scorecards of the month just ended, first day of the month",
            _scorecards_monthly,
            after=("promises",),
        ),
        Job("reports", "management reports due by their schedules, emailed with the PDF", _reports),
        Job("kpi_trend", "the KPIs of the last thirteen months, stored for the trends", _kpi_trend),
        Job("bills_remind", "remind to present acceptance bills for payment at maturity", _bills_remind),
        Job("risk", "late-payment model: retrain when enough new history, score the open invoices", _risk),
    )
}
