"""One row per (job, business date): the claim that makes every scheduled job run once a day.

A running job holds a lease: its process renews ``lease_expires_at`` (the heartbeat) while
the job works. A row ``running`` whose lease has expired is *stale* (its process died, e.g.
killed with kill -9): the next attempt takes it over and the job resumes.
"""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


# Shown, not stored: a ``running`` row whose lease has expired.
STALE = "stale"
STATE_LABELS = {**dict(JobStatus.choices), STALE: _("stale: stopped, resumed by the next attempt")}


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
    # The lease: who runs it now (runner, host, process), until when, and its last heartbeat.
    lease_owner = models.CharField(_("lease owner"), max_length=200, blank=True)
    lease_expires_at = models.DateTimeField(_("lease expires"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    # Why the last attempt started: e.g. it took over a stale lease.
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-run_date", "job"]
        constraints = [models.UniqueConstraint(fields=["job", "run_date"], name="job_run_once_per_day")]

    def __str__(self) -> str:
        return f"{self.job} {self.run_date}: {self.status}"

    def state(self, now: datetime) -> str:
        """The status, or ``stale`` for a run whose lease expired before ``now``."""
        if self.status == JobStatus.RUNNING and (
            self.lease_expires_at is None or self.lease_expires_at < now
        ):
            return STALE
        return self.status
