"""Staff scorecards, rewards and penalties (考核与奖惩): one place for the CLI, the API, the web
and the jobs.

Running a month (``scorecard_run``)
    Scores every salesperson and collector on the month (``scorecard_figures``), compares each
    metric with the person's target (their own, else the company's default) and applies the
    active rules (``scorecard_rules``): a ``ScorecardRun`` with one line per person and role,
    the values, targets, rules fired and the amount. The run is filed as a ``scorecard``
    approval request, asked by the system (``huikuan-system``), so that any credit manager
    approves it. Running the month again before approval replaces its lines (its revision
    goes up, a new request is filed; the earlier request can only be rejected). Once
    approved, the run is frozen: a re-run is refused.
    The web and the API queue the run (``scorecard_run_enqueue``); the command line and the
    monthly job run it at once.

Exporting (``scorecard_xlsx``)
    An approved run, for payroll, through the safe writer (``huikuan.core.exports``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huikuan.accounts.access import is_scoped, user_roles
from huikuan.approvals.models import ApprovalRequest
from huikuan.approvals.registry import register_kind
from huikuan.approvals.services import approval_request_submit
from huikuan.core.audit import audit_context
from huikuan.core.errors import RuleViolation
from huikuan.core.exports import Column, Sheet, xlsx_bytes
from huikuan.core.policy import policy_value
from huikuan.core.tasks import task_enqueue
from huikuan.credit.services import period_bounds, system_user
from huikuan.finance.scorecard_figures import METRICS, PERCENT_METRICS, scorecard_values
from huikuan.finance.scorecard_models import (
    RunStatus,
    ScorecardLine,
    ScorecardMetric,
    ScorecardRole,
    ScorecardRule,
    ScorecardRun,
    ScorecardTarget,
)
from huikuan.finance.scorecard_rules import RuleSpec, rules_apply, target_met

SCORECARD = "scorecard"
SUBJECT_PREFIX = "scorecard:"


def rule_specs() -> list[RuleSpec]:
    """The active rules, in their order."""
    return [
        RuleSpec(
            code=rule.code,
            name=rule.name,
            metric=rule.metric,
            kind=rule.kind,
            comparison=rule.comparison,
            tiers=tuple((Decimal(str(t)), Decimal(str(a))) for t, a in rule.tiers),
            unit=rule.unit,
            amount=rule.amount,
            role=rule.role,
        )
        for rule in ScorecardRule.objects.filter(active=True).order_by("position", "code")
    ]


def targets_in_force() -> dict[str, dict[str, Decimal]]:
    """{person ("" for the company's default): {metric: target}}."""
    targets: dict[str, dict[str, Decimal]] = {}
    for metric, person, value in ScorecardTarget.objects.values_list("metric", "person", "value"):
        targets.setdefault(person, {})[metric] = value
    return targets


def person_targets(targets: dict[str, dict[str, Decimal]], person: str) -> dict[str, Decimal | None]:
    own, default = targets.get(person, {}), targets.get("", {})
    return {metric: own.get(metric, default.get(metric)) for metric in METRICS}


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _frozen(month: str) -> None:
    if ScorecardRun.objects.filter(month=month, status=RunStatus.APPROVED).exists():
        raise RuleViolation(
            _("the scorecards of %(month)s are approved: they can no longer change") % {"month": month}
        )


def _check_month(month: str):
    try:
        first, last = period_bounds(month)
    except ValueError:  # a year out of range: 9999-12 has no following month
        raise RuleViolation(_("not a month in the form YYYY-MM: %(month)r") % {"month": month}) from None
    if last >= timezone.localdate():
        raise RuleViolation(
            _("%(month)s is not over yet: a month is scored once it has ended") % {"month": month}
        )
    return first, last


@transaction.atomic
def scorecard_run(*, month: str, computed_by: str = "") -> ScorecardRun:
    """Score the month and propose its rewards and penalties for approval (see the module)."""
    first, last = _check_month(month)
    run = ScorecardRun.objects.select_for_update().filter(month=month).first()
    if run is not None and run.status == RunStatus.APPROVED:
        _frozen(month)
    rules, targets = rule_specs(), targets_in_force()
    now, currency = timezone.now(), policy_value("FUNCTIONAL_CURRENCY")
    if run is None:
        run = ScorecardRun(month=month, first_day=first, last_day=last, revision=1, computed_at=now)
    else:
        run.lines.all().delete()
        run.revision += 1
    lines = []
    for person in scorecard_values(first_day=first, last_day=last):
        fired, amount = rules_apply(rules, person.role, person.values)
        lines.append(
            ScorecardLine(
                role=person.role,
                person=person.person,
                customers=person.customers,
                values={metric: _text(value) for metric, value in person.values.items()},
                targets={m: _text(t) for m, t in person_targets(targets, person.person).items()},
                fired=fired,
                amount=amount,
            )
        )
    run.status, run.currency, run.computed_by, run.computed_at = (
        RunStatus.PROPOSED,
        currency,
        computed_by,
        now,
    )
    run.total = sum((line.amount for line in lines), Decimal(0))
    run.approved_by, run.decided_at = "", None
    run.save()
    for line in lines:  # one by one: each line in the audit trail
        line.run = run
        line.save()
    payout = sum((line.amount for line in lines if line.amount > 0), Decimal(0))
    request = approval_request_submit(
        kind=SCORECARD,
        requested_by=system_user(),
        summary=_(
            "Scorecards of %(month)s (revision %(revision)s): %(people)s lines, net %(total)s %(currency)s"
        )
        % {
            "month": month,
            "revision": run.revision,
            "people": len(lines),
            "total": run.total,
            "currency": currency,
        },
        amount=payout,
        currency=currency,
        payload={"scorecard_month": month, "scorecard_revision": run.revision},
        subject_ref=f"{SUBJECT_PREFIX}{month}",
    )
    run.approval_number = request.number
    run.save(update_fields=["approval_number"])
    return run


def scorecard_run_task(*, month: str, computed_by: str) -> dict:
    """The queued run (from the web or the API)."""
    with audit_context(source=f"task:scorecards:{computed_by}"[:100]):
        run = scorecard_run(month=month, computed_by=computed_by)
    return {"month": run.month, "revision": run.revision, "lines": run.lines.count()}


def scorecard_run_enqueue(*, month: str, computed_by: str) -> int:
    """Queue the month's run for a worker (a request never computes it); refused at once when
    the month is not over or is approved. The task's id."""
    _check_month(month)
    _frozen(month)
    task = task_enqueue(
        func="huikuan.finance.scorecards.scorecard_run_task",
        kwargs={"month": month, "computed_by": computed_by},
    )
    return task.pk


def _payload_run(request: ApprovalRequest) -> tuple[ScorecardRun, bool]:
    payload = request.payload or {}
    run = ScorecardRun.objects.select_for_update().get(month=payload.get("scorecard_month"))
    return run, run.revision == payload.get("scorecard_revision")


def _approved(request: ApprovalRequest, actor: Any) -> None:
    run, current = _payload_run(request)
    if not current:
        raise RuleViolation(
            _(
                "this request is for an earlier revision of the scorecards of %(month)s; "
                "decide %(approval)s, and reject this one"
            )
            % {"month": run.month, "approval": run.approval_number}
        )
    run.status, run.approved_by, run.decided_at = RunStatus.APPROVED, actor.get_username(), timezone.now()
    run.save(update_fields=["status", "approved_by", "decided_at"])


def _rejected(request: ApprovalRequest, actor: Any) -> None:
    run, current = _payload_run(request)
    if current and run.status == RunStatus.PROPOSED:
        run.status, run.decided_at = RunStatus.REJECTED, timezone.now()
        run.save(update_fields=["status", "decided_at"])


def register_approval_kinds() -> None:
    register_kind(
        SCORECARD, label=gettext_lazy("staff scorecards"), on_approved=_approved, on_rejected=_rejected
    )


# ------------------------------------------------------------------ reading and exporting


def scorecard_lines_visible(*, run: ScorecardRun, user: Any) -> QuerySet[ScorecardLine]:
    """The lines ``user`` may see: every line, or a collector's and salesperson's own only."""
    lines = run.lines.order_by("role", "person")
    if not is_scoped(user):
        return lines
    roles = user_roles(user) & {ScorecardRole.SALESPERSON, ScorecardRole.COLLECTOR}
    return lines.filter(person=user.get_username(), role__in=sorted(roles))


def line_as_dict(line: ScorecardLine) -> dict:
    return {
        "role": line.role,
        "person": line.person,
        "customers": line.customers,
        "values": line.values,
        "targets": line.targets,
        "met": {
            metric: target_met(
                metric,
                None if line.values.get(metric) is None else Decimal(line.values[metric]),
                None if line.targets.get(metric) is None else Decimal(line.targets[metric]),
            )
            for metric in METRICS
        },
        "fired": line.fired,
        "amount": f"{line.amount:.2f}",
    }


def run_as_dict(run: ScorecardRun, lines: Any = None) -> dict:
    """A run as the CLI's --json and the API give it (``lines``: the ones the reader may see)."""
    return {
        "month": run.month,
        "from": run.first_day.isoformat(),
        "to": run.last_day.isoformat(),
        "status": run.status,
        "revision": run.revision,
        "currency": run.currency,
        "total": f"{run.total:.2f}",
        "approval": run.approval_number,
        "computed_by": run.computed_by,
        "computed_at": run.computed_at.isoformat(),
        "approved_by": run.approved_by,
        "lines": [line_as_dict(line) for line in (run.lines.all() if lines is None else lines)],
    }


def scorecard_sheet(run: ScorecardRun) -> Sheet:
    """The approved month for payroll: one row per person and role, in the active language."""
    labels = dict(ScorecardMetric.choices)
    roles = dict(ScorecardRole.choices)
    columns = [Column(_("Month")), Column(_("Role")), Column(_("Person")), Column(_("Customers"), "count")]
    for metric in METRICS:
        kind = "percent" if metric in PERCENT_METRICS else "money" if metric == "collected" else "count"
        columns += [
            Column(str(labels[metric]), kind),
            Column(_("Target: %(metric)s") % {"metric": labels[metric]}, kind),
        ]
    columns += [Column(_("Rules fired")), Column(_("Amount"), "money"), Column(_("Currency"))]
    sheet = Sheet(title=_("Scorecards %(month)s") % {"month": run.month}, columns=columns)
    for line in run.lines.order_by("role", "person"):
        row: list[Any] = [run.month, str(roles.get(line.role, line.role)), line.person, line.customers]
        for metric in METRICS:
            for source in (line.values, line.targets):
                value = source.get(metric)
                number = None if value is None else Decimal(value)
                row.append(int(number) if number is not None and metric == "actions_done" else number)
        fired = "; ".join(f"{item['name']}: {item['amount']}" for item in line.fired)
        row += [fired, line.amount, run.currency]
        sheet.rows.append(row)
    return sheet


def scorecard_xlsx(run: ScorecardRun) -> bytes:
    """The payroll workbook of an approved run; refused before approval."""
    if run.status != RunStatus.APPROVED:
        raise RuleViolation(
            _("the scorecards of %(month)s are not approved yet: nothing goes to payroll before")
            % {"month": run.month}
        )
    return xlsx_bytes(scorecard_sheet(run))
