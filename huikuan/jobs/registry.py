"""The one list of scheduled jobs (STYLE: ``jobs/``). Each takes the business date.

    JOBS: dict[str, Job]     # name → job, in the order they run each day

The in-process scheduler (:mod:`huikuan.jobs.scheduler`) and the Celery beat schedule
(:mod:`huikuan.config.celery`) both read this list; both run a job through
:func:`huikuan.jobs.services.job_run`, once per (job, date).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Job:
    name: str
    description: str
    work: Callable[[date], Any]


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
    (no address then, a template error) are delivered."""
    from huikuan.collections.delivery import deliveries_send
    from huikuan.correspondence.services import emails_retry

    return {"emails_retried": emails_retry(), "dunning_deliveries": deliveries_send()}


JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        Job("promises", "mark promises to pay and payment plans kept or broken", _promises),
        Job("dunning", "the daily dunning run (SPEC §6.2)", _dunning),
        Job("email_retry", "retry emails that failed", _email_retry),
    )
}
