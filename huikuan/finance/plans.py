"""The clearance plan (清欠工作方案, seed 000): creating one, editing its targets, phases and
recipients. One place for the CLI, the API, the web and the demo; changes are audited through
the models' registration (the interfaces set who and where with ``audit_context``).

A plan's scope is the overdue balance at the end of its baseline date, snapshotted invoice by
invoice in one statement when it is created (``huikuan.finance.plan_figures``). Its targets
default to the seeds' numbers (``PLAN_TARGET_DEFAULTS``): at least 30% of the baseline overdue
cleared, AR turnover up 20%, a bad-debt ratio within 1%, a collection rate of at least 95% and
an average collection cycle within 30 days. Its five phases (preparation and survey,
classification, collection, legal action, review) are proposed over ``PLAN_MONTHS`` months
from the baseline, in the proportions of seed 000's timetable, each led by the plan's creator
until someone else is named.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huikuan.accounts.roles import CUSTOMER, ROLES
from huikuan.core.errors import RuleViolation
from huikuan.core.policy import policy_value
from huikuan.finance.models import (
    ClearancePlan,
    PlanMetric,
    PlanPhase,
    PlanPhaseKind,
    PlanStatus,
    PlanTarget,
    TargetDirection,
)
from huikuan.finance.plan_figures import baseline_snapshot

# Which way each target's goal is met.
DIRECTIONS = {
    PlanMetric.CLEARANCE_RATE: TargetDirection.AT_LEAST,
    PlanMetric.TURNOVER_GROWTH: TargetDirection.AT_LEAST,
    PlanMetric.BAD_DEBT_RATIO: TargetDirection.AT_MOST,
    PlanMetric.COLLECTION_RATE: TargetDirection.AT_LEAST,
    PlanMetric.COLLECTION_CYCLE: TargetDirection.AT_MOST,
}
# Each phase's share of the plan, in sixths (seed 000's six-month timetable): month 1
# preparation, 2 classification, 3–4 collection, 5 legal action, 6 review.
PHASE_SIXTHS = {
    PlanPhaseKind.PREPARATION: (0, 1),
    PlanPhaseKind.CLASSIFICATION: (1, 2),
    PlanPhaseKind.COLLECTION: (2, 4),
    PlanPhaseKind.LEGAL: (4, 5),
    PlanPhaseKind.REVIEW: (5, 6),
}
LANGUAGES = ("zh-hans", "en")


def add_months(day: date, months: int) -> date:
    """``day`` ``months`` later, on the month's last day when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_phases(baseline: date, ends_on: date, months: int) -> list[dict[str, Any]]:
    """The five phases over the plan's months, in seed 000's proportions."""
    phases = []
    for kind, (first, last) in PHASE_SIXTHS.items():
        start = add_months(baseline, first * months // 6) + timedelta(days=1)
        end = ends_on if last == 6 else add_months(baseline, last * months // 6)
        phases.append({"kind": kind, "starts_on": start, "ends_on": max(start, end)})
    return phases


def recipient_parse(text: str) -> dict[str, str]:
    """A recipient as typed: a role (``cfo``) or an address (``ar@example.cn``), optionally
    followed by ``:en`` or ``:zh-hans``, the language of its report (Chinese by default)."""
    value, _sep, language = text.strip().partition(":")
    value, language = value.strip(), (language.strip().lower() or "zh-hans")
    if language not in LANGUAGES:
        raise RuleViolation(_("%(text)s: the language is zh-hans or en") % {"text": text})
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError:
            raise RuleViolation(_("%(text)s is not an email address") % {"text": value}) from None
        return {"email": value, "language": language}
    if value not in ROLES or value == CUSTOMER:
        raise RuleViolation(_("%(text)s is neither a staff role nor an email address") % {"text": value})
    return {"role": value, "language": language}


def recipients_parse(texts: list[str]) -> list[dict[str, str]]:
    """Recipients as typed (see :func:`recipient_parse`), each once."""
    found: list[dict[str, str]] = []
    for text in texts:
        if text.strip():
            recipient = recipient_parse(text)
            if recipient not in found:
                found.append(recipient)
    return found


def recipient_text(recipient: dict[str, str]) -> str:
    """A recipient as typed: the inverse of :func:`recipient_parse`."""
    value = recipient.get("email") or recipient.get("role", "")
    language = recipient.get("language", "zh-hans")
    return value if language == "zh-hans" else f"{value}:{language}"


def _default_recipients() -> list[dict[str, str]]:
    roles = [role.strip() for role in str(policy_value("PLAN_REPORT_ROLES")).split(",")]
    return recipients_parse([role for role in roles if role])


@transaction.atomic
def clearance_plan_create(
    *,
    baseline_date: date,
    name: str = "",
    recipients: list[str] | None = None,
    created_by: str = "",
    today: date | None = None,
) -> ClearancePlan:
    """A new plan from ``baseline_date`` (not after today): its targets and phases by default,
    and its baseline overdue balance snapshotted invoice by invoice."""
    today = today or timezone.localdate()
    if baseline_date > today:
        raise RuleViolation(
            _("the baseline date %(date)s is after today: its overdue balance is not known yet")
            % {"date": baseline_date.isoformat()}
        )
    months = int(policy_value("PLAN_MONTHS"))
    if months < 1:
        raise RuleViolation(_("a plan runs at least one month (the setting PLAN_MONTHS)"))
    parsed = recipients_parse(recipients) if recipients else _default_recipients()
    ends_on = add_months(baseline_date, months)
    plan = ClearancePlan.objects.create(
        name=(name.strip() or _("Clearance plan from %(date)s") % {"date": baseline_date.isoformat()})[:200],
        baseline_date=baseline_date,
        ends_on=ends_on,
        recipients=parsed,
        currency=policy_value("FUNCTIONAL_CURRENCY"),
        created_by=created_by,
    )
    goals = policy_value("PLAN_TARGET_DEFAULTS")
    for metric, direction in DIRECTIONS.items():
        PlanTarget.objects.create(
            plan=plan, metric=metric, goal=Decimal(goals.get(metric, 0)), direction=direction
        )
    for phase in default_phases(baseline_date, ends_on, months):
        PlanPhase.objects.create(plan=plan, owner=created_by, **phase)
    _count, total = baseline_snapshot(plan_id=plan.pk, baseline=baseline_date)
    plan.baseline_overdue = total
    plan.save(update_fields=["baseline_overdue"])
    return plan


@transaction.atomic
def plan_targets_update(*, plan: ClearancePlan, targets: list[dict[str, Any]]) -> list[PlanTarget]:
    """Set the goal (and perhaps the direction) of some of the plan's targets:
    ``[{"metric": "clearance_rate", "goal": Decimal("35"), "direction": "at_least"}]``."""
    changed = []
    for target in targets:
        metric = str(target.get("metric", ""))
        if metric not in PlanMetric.values:
            raise RuleViolation(
                _("%(metric)s is not a target; one of %(metrics)s")
                % {"metric": metric, "metrics": ", ".join(PlanMetric.values)}
            )
        goal = target.get("goal")
        if not isinstance(goal, Decimal) or not goal.is_finite() or goal < 0:
            raise RuleViolation(_("the goal of %(metric)s is a number, 0 or more") % {"metric": metric})
        direction = target.get("direction") or DIRECTIONS[metric]
        if direction not in TargetDirection.values:
            raise RuleViolation(_("a direction is at_least or at_most, not %(value)s") % {"value": direction})
        found, _created = PlanTarget.objects.update_or_create(
            plan=plan, metric=metric, defaults={"goal": goal, "direction": direction}
        )
        changed.append(found)
    return changed


@transaction.atomic
def plan_phases_update(*, plan: ClearancePlan, phases: list[dict[str, Any]]) -> list[PlanPhase]:
    """Set the dates and owner of some of the plan's phases:
    ``[{"kind": "collection", "starts_on": date, "ends_on": date, "owner": "wang"}]``."""
    changed = []
    for phase in phases:
        kind = str(phase.get("kind", ""))
        if kind not in PlanPhaseKind.values:
            raise RuleViolation(
                _("%(kind)s is not a phase; one of %(kinds)s")
                % {"kind": kind, "kinds": ", ".join(PlanPhaseKind.values)}
            )
        found = PlanPhase.objects.get(plan=plan, kind=kind)
        starts_on = phase.get("starts_on") or found.starts_on
        ends_on = phase.get("ends_on") or found.ends_on
        if ends_on < starts_on:
            raise RuleViolation(
                _("the phase %(phase)s ends (%(end)s) before it starts (%(start)s)")
                % {"phase": found.get_kind_display(), "end": ends_on, "start": starts_on}
            )
        found.starts_on, found.ends_on = starts_on, ends_on
        if phase.get("owner") is not None:
            found.owner = str(phase["owner"]).strip()[:150]
        found.save(update_fields=["starts_on", "ends_on", "owner"])
        changed.append(found)
    return changed


@transaction.atomic
def plan_update(
    *,
    plan: ClearancePlan,
    name: str | None = None,
    status: str | None = None,
    recipients: list[str] | None = None,
) -> ClearancePlan:
    """Rename a plan, close or reopen it, or set who gets its monthly report."""
    fields = []
    if name is not None:
        if not name.strip():
            raise RuleViolation(_("a plan needs a name"))
        plan.name = name.strip()[:200]
        fields.append("name")
    if status is not None:
        if status not in PlanStatus.values:
            raise RuleViolation(_("a plan is active or closed, not %(value)s") % {"value": status})
        plan.status = status
        fields.append("status")
    if recipients is not None:
        plan.recipients = recipients_parse(recipients)
        fields.append("recipients")
    if fields:
        plan.save(update_fields=fields)
    return plan
