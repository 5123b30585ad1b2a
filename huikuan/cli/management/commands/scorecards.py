"""huikuan scorecards run --month YYYY-MM [--json]
huikuan scorecards export --month YYYY-MM --out FILE.xlsx

``run`` scores every salesperson and collector on the month and proposes their rewards and
penalties, filed for the credit manager's approval (``huikuan approvals decide``); running it
again before approval replaces the proposal. ``export`` writes an approved month's workbook
for payroll.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import translation

from huikuan.cli.output import cli_language, table, to_json
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError, NotFound
from huikuan.finance.models import ScorecardRun
from huikuan.finance.scorecard_figures import METRICS
from huikuan.finance.scorecards import run_as_dict, scorecard_run, scorecard_xlsx


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "Staff scorecards: score a month and propose rewards and penalties; export an approved month."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        run = actions.add_parser("run", help="score a month and file its rewards and penalties for approval")
        run.add_argument("--month", required=True, metavar="YYYY-MM")
        run.add_argument("--json", action="store_true")
        export = actions.add_parser("export", help="an approved month's XLSX workbook for payroll")
        export.add_argument("--month", required=True, metavar="YYYY-MM")
        export.add_argument("--out", required=True, metavar="FILE.xlsx")

    def handle(self, *args, **options):
        # English unless LANGUAGE asks for Chinese: the messages, the approval's summary and
        # the workbook's headers.
        try:
            with translation.override(cli_language()):
                getattr(self, options["action"])(options)
        except ApplicationError as refused:
            self.stderr.write(f"Refused: {refused.message}")
            sys.exit(1)

    def run(self, options):
        with audit_context(source="cli"):
            run = scorecard_run(month=options["month"], computed_by="cli")
        data = run_as_dict(run, lines=run.lines.order_by("role", "person"))
        if options["json"]:
            self.stdout.write(to_json(data))
            return
        self.stdout.write(
            f"Scorecards {data['month']} (revision {data['revision']}): {len(data['lines'])} lines, "
            f"net {data['total']} {data['currency']}, awaiting approval {data['approval']}"
        )
        header = ["role", "person", *METRICS, "amount"]
        rows = [
            [line["role"], line["person"], *(line["values"][m] or "-" for m in METRICS), line["amount"]]
            for line in data["lines"]
        ]
        if rows:
            self.stdout.write(table(header, rows, numeric_from=2))

    def export(self, options):
        run = ScorecardRun.objects.filter(month=options["month"]).first()
        if run is None:
            raise NotFound(f"no scorecards for {options['month']!r}: run them first")
        content = scorecard_xlsx(run)
        out = Path(options["out"])
        out.write_bytes(content)
        self.stdout.write(f"Wrote {out} ({run.lines.count()} lines, net {run.total:.2f} {run.currency})")
