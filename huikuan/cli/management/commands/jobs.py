"""huikuan jobs list [--json] | huikuan jobs run NAME [--date YYYY-MM-DD] [--json]"""

from __future__ import annotations

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
        run.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
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
