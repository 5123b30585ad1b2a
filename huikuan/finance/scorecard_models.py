"""Staff scorecards, rewards and penalties (考核与奖惩): targets and rules as data, and each
month's run with one line per person. Imported by ``huikuan.finance.models``; audited.

A target is per metric, the company's default (``person`` blank) or one person's. A rule pays
a bonus (positive amount) or a deduction (negative) from one metric of a month: ``tiered`` (the
best threshold reached pays its amount, e.g. collection rate ≥ 95 → 1,000, ≥ 90 → 500) or
``per_unit`` (each whole ``unit`` of the metric pays ``amount``, e.g. 20 per 10,000 collected).
"""

from __future__ import annotations

from auditlog.registry import auditlog
from django.db import models
from django.utils.translation import gettext_lazy as _

from huikuan.core.fields import ScaledDecimalField


class ScorecardMetric(models.TextChoices):
    COLLECTION_RATE = "collection_rate", _("collection rate %")
    CLEARANCE_RATE = "clearance_rate", _("overdue clearance rate %")
    OVERDUE_RATIO = "overdue_ratio", _("overdue ratio % at month end")
    PROMISES_KEPT = "promises_kept", _("promises kept %")
    ACTIONS_DONE = "actions_done", _("actions done")
    COLLECTED = "collected", _("amount collected")


class ScorecardRole(models.TextChoices):
    SALESPERSON = "salesperson", _("salesperson")
    COLLECTOR = "collector", _("collector")


class RuleKind(models.TextChoices):
    TIERED = "tiered", _("tiered: the best threshold reached pays its amount")
    PER_UNIT = "per_unit", _("per unit: each whole unit of the metric pays the amount")


class Comparison(models.TextChoices):
    GTE = "gte", "≥"
    GT = "gt", ">"
    LTE = "lte", "≤"
    LT = "lt", "<"


class ScorecardTarget(models.Model):
    """The goal of one metric: the company's default (``person`` blank) or one person's."""

    metric = models.CharField(_("metric"), max_length=32, choices=ScorecardMetric.choices)
    person = models.CharField(_("person"), max_length=150, blank=True)
    value = ScaledDecimalField(_("target"))
    updated_by = models.CharField(_("updated by"), max_length=150, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["person", "metric"]
        constraints = [models.UniqueConstraint(fields=["metric", "person"], name="scorecard_target_once")]

    def __str__(self) -> str:
        return f"{self.person or '*'} {self.metric} {self.value}"


class ScorecardRule(models.Model):
    """A reward or penalty rule (奖惩规则); amounts in the functional currency, signed."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("applies to"), max_length=16, choices=ScorecardRole.choices, blank=True)
    metric = models.CharField(_("metric"), max_length=32, choices=ScorecardMetric.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=RuleKind.choices)
    comparison = models.CharField(
        _("comparison"), max_length=4, choices=Comparison.choices, default=Comparison.GTE
    )
    # Tiered: [["95.00", "1000.00"], ["90.00", "500.00"]]: threshold and amount, as text.
    tiers = models.JSONField(_("tiers"), default=list, blank=True)
    # Per unit: ``amount`` for each whole ``unit`` of the metric.
    unit = ScaledDecimalField(_("unit"), null=True, blank=True)
    amount = ScaledDecimalField(_("amount"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=100)
    updated_by = models.CharField(_("updated by"), max_length=150, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.code


class RunStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed, awaiting approval")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class ScorecardRun(models.Model):
    """A month's scorecards and the rewards and penalties the rules propose. Re-running the
    month before approval replaces its lines (``revision`` + 1, a new approval request); once
    approved it is frozen."""

    month = models.CharField(_("month"), max_length=7, unique=True)
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("to"))
    status = models.CharField(_("status"), max_length=16, choices=RunStatus.choices, default="proposed")
    revision = models.PositiveIntegerField(_("revision"), default=1)
    currency = models.CharField(_("currency"), max_length=3)
    total = ScaledDecimalField(_("total"), default=0)
    approval_number = models.CharField(_("approval"), max_length=32, blank=True)
    computed_by = models.CharField(_("computed by"), max_length=150, blank=True)
    computed_at = models.DateTimeField(_("computed at"))
    approved_by = models.CharField(_("approved by"), max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-month"]

    def __str__(self) -> str:
        return self.month


class ScorecardLine(models.Model):
    """One person's scorecard of the month in one role: metric values, targets, rules fired."""

    run = models.ForeignKey(ScorecardRun, on_delete=models.CASCADE, related_name="lines")
    role = models.CharField(_("role"), max_length=16, choices=ScorecardRole.choices)
    person = models.CharField(_("person"), max_length=150)
    customers = models.PositiveIntegerField(_("customers"), default=0)
    # {metric: "95.20" or null}: the values as rounded and compared to the rules.
    values = models.JSONField(_("values"), default=dict)
    # {metric: "95.00" or null}: the target in force for this person.
    targets = models.JSONField(_("targets"), default=dict)
    # [{"code", "name", "metric", "value", "threshold" or "unit", "amount"}]
    fired = models.JSONField(_("rules fired"), default=list)
    amount = ScaledDecimalField(_("amount"), default=0)

    class Meta:
        ordering = ["run", "role", "person"]
        constraints = [
            models.UniqueConstraint(fields=["run", "role", "person"], name="scorecard_line_once"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id} {self.role} {self.person}"


for _audited in (ScorecardTarget, ScorecardRule, ScorecardRun, ScorecardLine):
    auditlog.register(_audited)
