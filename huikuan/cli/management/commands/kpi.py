"""huikuan kpi --from YYYY-MM-DD --to YYYY-MM-DD
[--by company|department|salesperson|collector|class|currency] [--json]"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from huikuan.cli.output import iso_date, table, to_json
from huikuan.core.errors import RuleViolation
from huikuan.finance.kpis import KPI_NAMES
from huikuan.finance.selectors import KPI_GROUPINGS, kpi_report


class Command(BaseCommand):
    # No system checks: they would import the URLconf, the API and every view (slow start-up).
    requires_system_checks: list[str] = []
    help = "Receivables KPIs (DSO, CEI, collection rate …) for a period."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", required=True, help="YYYY-MM-DD: the period's first day")
        parser.add_argument("--to", dest="last", required=True, help="YYYY-MM-DD: the period's last day")
        parser.add_argument("--by", choices=KPI_GROUPINGS, default="company")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        try:
            first, last = iso_date(options["first"]), iso_date(options["last"])
            report = kpi_report(first_day=first, last_day=last, group_by=options["by"])
        except RuleViolation as error:
            raise CommandError(str(error)) from None
        data = report.as_dict()
        if options["json"]:
            self.stdout.write(to_json(data))
            return
        self.stdout.write(f"KPIs {data['from']} … {data['to']} ({data['days']} days) by {data['group_by']}")
        header = ["key", *KPI_NAMES]
        rows = [[row["key"], *(row[name] or "-" for name in KPI_NAMES)] for row in data["rows"]]
        rows.append(["total", *(data["total"][name] or "-" for name in KPI_NAMES)])
        self.stdout.write(table(header, rows, numeric_from=1))
