"""huikuan jobs list [--json] | huikuan jobs run NAME [--date YYYY-MM-DD] [--wait] [--json]
| huikuan jobs worker

``run`` runs the job in this process, or, when Celery is the scheduler
(``HUIKUAN_SCHEDULER=celery``), sends it to the Celery workers (``--wait``: until it ends).
``worker`` is the in-process scheduler's worker: the daily jobs and the queued tasks.
"""

from __future__ import annotations

import signal
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from huikuan.cli.output import iso_date, table, to_json
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError
from huikuan.jobs.models import JobStatus
from huikuan.jobs.registry import JOBS
from huikuan.jobs.selectors import job_run_as_dict, job_run_get, jobs_overview
from huikuan.jobs.services import job_run


class Command(BaseCommand):
    # No system checks: they would import the URLconf, the API and every view (slow start-up).
    requires_system_checks: list[str] = []
    help = "The scheduled jobs: list them and their last runs, or run one for a date (once per date)."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True)
        listing = verbs.add_parser("list", help="the jobs and their last runs")
        listing.add_argument("--json", action="store_true")
        run = verbs.add_parser(
            "run", help="run a job for a date, unless it already ran for it (a stale run is resumed)"
        )
        run.add_argument("name", choices=list(JOBS))
        run.add_argument(
            "--date", help="YYYY-MM-DD business date (default: today in the company's time zone)"
        )
        run.add_argument(
            "--wait", action="store_true", help="on Celery: wait until the job has run for the date"
        )
        run.add_argument("--json", action="store_true")
        verbs.add_parser(
            "worker", help="run the daily jobs and the queued tasks (what `huikuan serve` starts)"
        )

    def handle(self, *args, **options):
        self.started = timezone.now()
        if options["verb"] == "worker":
            self.worker()
            return
        if options["verb"] == "list":
            data = jobs_overview()
            if options["json"]:
                self.stdout.write(to_json(data))
            else:
                rows = [
                    [
                        d["job"],
                        d["last_date"] or "-",
                        d["last_status"] or "-",
                        (d["last_run"] or {}).get("lease_expires_at") or "-",
                        d["description"],
                    ]
                    for d in data
                ]
                self.stdout.write(
                    table(["job", "last date", "status", "lease until", "what"], rows, numeric_from=9)
                )
            return
        day = iso_date(options["date"]) if options.get("date") else timezone.localdate()
        if settings.HUIKUAN_SCHEDULER == "celery":
            self.enqueue(options["name"], day, wait=options["wait"], as_json=options["json"])
            return
        try:
            with audit_context(source="cli"):
                finished = job_run(name=options["name"], date=day, runner="cli")
        except ApplicationError as error:
            raise CommandError(error.message) from None
        existing = None if finished is not None else job_run_get(name=options["name"], date=day)
        now = timezone.now()
        data = {
            "job": options["name"],
            "date": day.isoformat(),
            "ran": finished is not None,
            "result": finished.result if finished else None,
            "run": job_run_as_dict(finished or existing, now=now) if (finished or existing) else None,
        }
        if options["json"]:
            self.stdout.write(to_json(data))
        elif finished is None and existing is not None and existing.state(now) == JobStatus.RUNNING:
            self.stdout.write(
                f"{options['name']} for {day} is running ({existing.lease_owner}, lease until "
                f"{timezone.localtime(existing.lease_expires_at):%Y-%m-%d %H:%M:%S}): nothing done; "
                f"if that process has died, the job resumes once its lease expires"
            )
        elif finished is None:
            self.stdout.write(f"{options['name']} already ran for {day}: nothing done")
        else:
            self.stdout.write(f"{options['name']} for {day}: {finished.status} {to_json(finished.result)}")

    def enqueue(self, name: str, day, *, wait: bool, as_json: bool) -> None:
        """Send the job to the Celery workers; with ``wait``, follow its run until it ends."""
        from huikuan.config.celery import app

        before = job_run_get(name=name, date=day)
        already_done = before is not None and before.status == JobStatus.DONE
        app.send_task("huikuan.run_job", args=[name, day.isoformat()])
        data = {"job": name, "date": day.isoformat(), "queued": True, "run": None}
        while wait:
            run = job_run_get(name=name, date=day)
            ended = run is not None and run.status in (JobStatus.DONE, JobStatus.FAILED)
            if ended and (already_done or (run.finished_at or self.started) >= self.started):
                data["run"] = job_run_as_dict(run, now=timezone.now())
                data["result"] = run.result
                break
            time.sleep(1)
        if as_json:
            self.stdout.write(to_json(data))
        elif data["run"]:
            self.stdout.write(f"{name} for {day}: {data['run']['state']} {to_json(data['result'])}")
        else:
            self.stdout.write(f"{name} for {day}: sent to the Celery workers (huikuan jobs list shows it)")

    def worker(self) -> None:
        from huikuan.jobs.scheduler import scheduler_loop

        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        self.stdout.write("Huikuan worker: daily jobs and queued tasks (stop with Ctrl-C)")
        self.stdout.flush()
        scheduler_loop(stop=stop)
