"""Report schedules: who gets which report by email, and the daily job that sends them.

    report_schedule_save(*, schedule=None, kind, roles, addresses, language, enabled, updated_by)
    report_schedule_delete(*, schedule, deleted_by)
    schedule_recipients(schedule) -> list[str]
    reports_send_due(*, day) -> dict              # the job: a queued task per schedule due
    report_schedule_send(*, schedule_id, kind, first_day, last_day, key) -> int | None

A report is emailed once per (schedule, period): the outbox's idempotency key is
``report:<schedule>:<kind>:<period>``, so a second run of the job, or of the task, sends
nothing again. The PDF is drawn by the queued task, never by the job or a request.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from huikuan.accounts.roles import CUSTOMER, ROLES
from huikuan.core.errors import RuleViolation
from huikuan.core.policy import policy_value
from huikuan.core.tasks import tasks_enqueue
from huikuan.correspondence.models import OutboundEmail
from huikuan.correspondence.services import email_send
from huikuan.finance.models import ReportKind, ReportSchedule
from huikuan.finance.reports.build import report_build, report_pdf_bytes
from huikuan.finance.reports.periods import due_periods, holidays_from
from huikuan.ledger.models import Language

PURPOSE = "management_report"
TASK = "huikuan.finance.reports.schedules.report_schedule_send"
PDF_TYPE = "application/pdf"


def _clean_addresses(addresses: list[str]) -> list[str]:
    cleaned = []
    for address in addresses:
        address = str(address).strip()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            raise RuleViolation(_("not an email address: %(address)s") % {"address": address}) from None
        if address not in cleaned:
            cleaned.append(address)
    return cleaned


@transaction.atomic
def report_schedule_save(
    *,
    schedule: ReportSchedule | None = None,
    kind: str,
    roles: list[str],
    addresses: list[str],
    language: str,
    enabled: bool,
    updated_by: str,
) -> ReportSchedule:
    """Create or change a schedule (audited); it needs a role or an address to send to."""
    if kind not in ReportKind.values:
        raise RuleViolation(_("no scheduled report %(kind)s") % {"kind": kind})
    unknown = [role for role in roles if role not in ROLES or role == CUSTOMER]
    if unknown:
        raise RuleViolation(_("no staff role %(roles)s") % {"roles": ", ".join(unknown)})
    if language not in Language.values:
        raise RuleViolation(_("no language %(language)s") % {"language": language})
    addresses = _clean_addresses(addresses)
    roles = sorted(set(roles))
    if not roles and not addresses:
        raise RuleViolation(_("a schedule needs a role or an address to send the report to"))
    schedule = schedule or ReportSchedule()
    schedule.kind, schedule.recipient_roles, schedule.recipient_addresses = kind, roles, addresses
    schedule.language, schedule.enabled, schedule.updated_by = language, enabled, updated_by
    schedule.save()
    return schedule


@transaction.atomic
def report_schedule_delete(*, schedule: ReportSchedule, deleted_by: str) -> None:
    """Remove a schedule (the audit trail keeps it); emails already sent stay in the outbox."""
    schedule.updated_by = deleted_by
    schedule.delete()


def schedule_recipients(schedule: ReportSchedule) -> list[str]:
    """The addresses the report goes to: the roles' active members with an address, then the
    addresses given, each once."""
    members = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=schedule.recipient_roles)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
        .distinct()
    )
    found: list[str] = []
    for address in [*members, *schedule.recipient_addresses]:
        if address and address not in found:
            found.append(address)
    return found


def _key(schedule_id: int, kind: str, period_key: str) -> str:
    return f"report:{schedule_id}:{kind}:{period_key}"


def reports_send_due(*, day: date) -> dict:
    """The daily job: for each report due on ``day`` and each enabled schedule of it not yet
    sent for the period, a queued task that draws and sends it."""
    periods = due_periods(day, holidays_from(policy_value("REPORT_NON_WORKING_DAYS")))
    work = []
    for period in periods:
        for schedule in ReportSchedule.objects.filter(kind=period.kind, enabled=True).order_by("pk"):
            if OutboundEmail.objects.filter(
                idempotency_key=_key(schedule.pk, period.kind, period.key)
            ).exists():
                continue
            work.append(
                {
                    "schedule_id": schedule.pk,
                    "kind": period.kind,
                    "first_day": period.first_day.isoformat(),
                    "last_day": period.last_day.isoformat(),
                    "key": period.key,
                }
            )
    tasks = tasks_enqueue(func=TASK, kwargs_list=work, run_date=day) if work else []
    return {"due": [period.key for period in periods], "tasks": len(tasks)}


def report_schedule_send(
    *, schedule_id: int, kind: str, first_day: str, last_day: str, key: str
) -> int | None:
    """Draw the report of the period and email it with its PDF; the email's id, or None when
    the schedule is gone or disabled or nobody has an address. Sent once per period."""
    schedule = ReportSchedule.objects.filter(pk=schedule_id, enabled=True).first()
    if schedule is None:
        return None
    idempotency_key = _key(schedule.pk, kind, key)
    existing = OutboundEmail.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing.pk
    recipients = schedule_recipients(schedule)
    if not recipients:
        return None
    data = report_build(kind=kind, day=date.fromisoformat(last_day), first_day=date.fromisoformat(first_day))
    stem, title, pdf = report_pdf_bytes(data, language=schedule.language)
    with translation.override(schedule.language):
        period = first_day if first_day == last_day else f"{first_day} – {last_day}"
        subject = _("[Huikuan] %(title)s %(period)s") % {"title": title, "period": period}
        body = (
            _("%(title)s for %(period)s is attached as a PDF.") % {"title": title, "period": period}
            + "\n\n"
            + _("You receive it by the report schedule #%(number)d; the finance manager can change it.")
            % {"number": schedule.pk}
            + "\n"
        )
    email = email_send(
        to=recipients,
        subject=subject,
        body=body,
        purpose=PURPOSE,
        idempotency_key=idempotency_key,
        attachments=[(f"{stem}.pdf", pdf, PDF_TYPE)],
    )
    return email.pk
