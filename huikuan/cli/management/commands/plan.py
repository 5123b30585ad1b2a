"""huikuan plan create --baseline YYYY-MM-DD [--name N] [--recipient R]... [--user U] [--json]
huikuan plan progress [--plan ID] [--as-of YYYY-MM-DD] [--by department|salesperson|collector]
[--no-trend] [--json]
huikuan plan list [--json]

The clearance plan (清欠方案): ``create`` snapshots the overdue balance at the end of the baseline
date and sets the default targets and phases; ``progress`` gives each target's actual against
its goal, per group, and the weekly trend (``huikuan.finance.plan_progress``). A recipient is a
role (``cfo``) or an address, optionally with ``:en`` for an English report.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from huikuan.accounts.permissions import may
from huikuan.cli.output import cli_language, iso_date, table, to_json
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError
from huikuan.finance.models import ClearancePlan, PlanStatus
from huikuan.finance.plan_access import plan_as_dict
from huikuan.finance.plan_progress import METRICS, PLAN_GROUPINGS, plan_progress
from huikuan.finance.plans import clearance_plan_create


class Command(BaseCommand):
    # No system checks: they would import the URLconf, the API and every view (slow start-up).
    requires_system_checks: list[str] = []
    help = "Clearance plans: create one from a baseline date, list them, show a plan's progress."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True)
        create = verbs.add_parser("create", help="a plan over the overdue balance at the end of a day")
        create.add_argument("--baseline", required=True, type=iso_date, metavar="YYYY-MM-DD")
        create.add_argument("--name", default="")
        create.add_argument(
            "--recipient", action="append", default=[], metavar="R",
            help="a role or an address (add :en for English); repeatable; default PLAN_REPORT_ROLES",
        )  # fmt: skip
        create.add_argument("--user", metavar="U", help="create it as this user (default: the OS account)")
        create.add_argument("--json", action="store_true")
        progress = verbs.add_parser("progress", help="the targets' actuals against their goals")
        progress.add_argument("--plan", type=int, metavar="ID", help="default: the latest active plan")
        progress.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD", help="default: today")
        progress.add_argument("--by", choices=PLAN_GROUPINGS, default="company")
        progress.add_argument("--no-trend", action="store_true", help="leave out the weekly trend")
        progress.add_argument("--json", action="store_true")
        listing = verbs.add_parser("list", help="the plans, latest baseline first")
        listing.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        with translation.override(cli_language()):
            try:
                getattr(self, options["verb"])(options)
            except ApplicationError as refused:
                raise CommandError(refused.message) from None

    def create(self, options):
        actor, created_by = None, ""
        if options.get("user"):
            actor = get_user_model().objects.filter(username=options["user"], is_active=True).first()
            if actor is None:
                raise CommandError(f"--user: no active user {options['user']!r}")
            if not may(actor, "clearance_plan.edit"):
                raise CommandError(f"{actor.get_username()} may not create clearance plans")
            created_by = actor.get_username()
        with audit_context(actor=actor, source="cli"):
            plan = clearance_plan_create(
                baseline_date=options["baseline"],
                name=options["name"],
                recipients=options["recipient"] or None,
                created_by=created_by or "cli",
            )
        data = plan_as_dict(plan)
        if options["json"]:
            self.stdout.write(to_json(data))
            return
        self.stdout.write(
            f"Clearance plan {plan.pk} {plan.name}: baseline {data['baseline_date']}, "
            f"overdue {data['baseline_overdue']} {plan.currency}, ends {data['ends_on']}"
        )

    def list(self, options):
        data = [plan_as_dict(plan) for plan in ClearancePlan.objects.all()]
        if options["json"]:
            self.stdout.write(to_json(data))
            return
        rows = [
            [str(d["id"]), d["status"], d["baseline_date"], d["ends_on"], d["baseline_overdue"], d["name"]]
            for d in data
        ]
        self.stdout.write(
            table(["id", "status", "baseline", "ends", "overdue", "name"], rows, numeric_from=4)
        )

    def progress(self, options):
        plans = ClearancePlan.objects.all()
        if options.get("plan"):
            plan = plans.filter(pk=options["plan"]).first()
        else:
            plan = plans.filter(status=PlanStatus.ACTIVE).first()
        if plan is None:
            raise CommandError(
                "no such plan" if options.get("plan") else "no active plan: huikuan plan create"
            )
        as_of = options.get("as_of") or timezone.localdate()
        result = plan_progress(plan=plan, as_of=as_of, group_by=options["by"], trend=not options["no_trend"])
        data = result.as_dict()
        if options["json"]:
            self.stdout.write(to_json(data))
            return
        self.stdout.write(
            f"Clearance plan {plan.pk} {plan.name}, as of {data['as_of']} ({data['days']} days)"
        )
        rows = [
            [
                t["metric"],
                t["direction"],
                t["goal"],
                t["actual"] or "-",
                {True: "yes", False: "no"}.get(t["met"], "-"),
            ]
            for t in data["targets"]
        ]
        self.stdout.write(table(["target", "direction", "goal", "actual", "met"], rows, numeric_from=2))
        if data["rows"]:
            header = ["key", "baseline", "cleared", "written_off", *METRICS]
            body = [
                [
                    r["key"] or "-",
                    r["baseline_overdue"],
                    r["cleared"],
                    r["written_off"],
                    *(r[m] or "-" for m in METRICS),
                ]
                for r in data["rows"]
            ]
            self.stdout.write(table(header, body, numeric_from=1))
