"""Business settings a finance manager changes at run time (SPEC: every number is a default).

``settings.HUIKUAN`` holds the defaults; a ``PolicySetting`` row overrides one of them.
Read them through :func:`huikuan.core.policy.policy_value`, change them through
:func:`huikuan.core.policy.policy_set`; every change is in the audit trail.
"""

from __future__ import annotations

from auditlog.registry import auditlog
from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicySetting(models.Model):
    key = models.CharField(_("setting"), max_length=100, unique=True)
    # JSON text; decimals are written as strings so that they stay exact.
    value = models.JSONField(_("value"))
    updated_by = models.CharField(_("updated by"), max_length=150, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("policy setting")

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"


auditlog.register(PolicySetting)


class TaskStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class QueuedTask(models.Model):
    """A piece of queued work (``huikuan.core.tasks``): the function to call and its arguments.

    The row is the record; Celery (or the in-process worker) only carries its id. A worker
    claims it with a conditional UPDATE under a lease, so a task whose worker died (kill -9)
    is claimed again once the lease lapses, and two workers never run it at once.
    """

    func = models.CharField(_("function"), max_length=200)
    kwargs = models.JSONField(_("arguments"), default=dict, blank=True)
    # The business date the work belongs to (a dunning run's deliveries): progress and order.
    run_date = models.DateField(_("date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=TaskStatus.choices, default=TaskStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    lease_owner = models.CharField(max_length=200, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "func", "run_date"], name="queued_task_state")]

    def __str__(self) -> str:
        return f"{self.func} #{self.pk}: {self.status}"
