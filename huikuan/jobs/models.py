"""One row per (job, business date): the claim that makes every scheduled job run once a day."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class JobRun(models.Model):
    job = models.CharField(_("job"), max_length=64)
    run_date = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=16, choices=JobStatus.choices)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    attempts = models.PositiveIntegerField(default=1)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    # Where it ran: "inprocess", "celery", "cli".
    runner = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["-run_date", "job"]
        constraints = [models.UniqueConstraint(fields=["job", "run_date"], name="job_run_once_per_day")]

    def __str__(self) -> str:
        return f"{self.job} {self.run_date}: {self.status}"
