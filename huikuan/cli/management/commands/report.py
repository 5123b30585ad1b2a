"""huikuan report daily|weekly|monthly|special|annual [--date D | --month YYYY-MM | --year YYYY]
[--customer CODE] [--pdf FILE] [--xlsx FILE] [--json] [--language zh-hans|en]"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from huikuan.cli.output import cli_language, iso_date, table, to_json
from huikuan.core.errors import RuleViolation
from huikuan.finance.reports.build import report_build, report_document, report_pdf_bytes, report_xlsx_bytes
from huikuan.finance.reports.periods import KINDS, SPECIAL, report_day
from huikuan.ledger.models import Customer

TEXT_ROWS = 20  # rows of each table printed (the files hold them all)


def _text(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class Command(BaseCommand):
    # No system checks: they would import the URLconf, the API and every view (slow start-up).
    requires_system_checks: list[str] = []
    help = "Management reports: daily, weekly, monthly, special (one customer) and annual."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        when = parser.add_mutually_exclusive_group()
        when.add_argument("--date", help="YYYY-MM-DD: the last day the report covers")
        when.add_argument("--month", help="YYYY-MM: the monthly report's month")
        when.add_argument("--year", type=int, help="YYYY: the annual report's year")
        parser.add_argument("--customer", help="the special report's customer code")
        parser.add_argument("--pdf", type=Path, metavar="FILE")
        parser.add_argument("--xlsx", type=Path, metavar="FILE")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--language", choices=("zh-hans", "en"), help="of the files and the text")

    def handle(self, *args, **options):
        kind = options["kind"]
        customer = None
        if kind == SPECIAL:
            if not options["customer"]:
                raise CommandError("the special report is about one customer: give --customer CODE")
            customer = Customer.objects.filter(code=options["customer"]).first()
            if customer is None:
                raise CommandError(f"no customer {options['customer']}")
        try:
            day = report_day(
                kind=kind,
                today=timezone.localdate(),
                day=iso_date(options["date"]) if options["date"] else None,
                month=options["month"],
                year=options["year"],
            )
            data = report_build(kind=kind, day=day, customer=customer)
        except (RuleViolation, ValueError) as error:
            raise CommandError(str(error)) from None
        language = options["language"] or cli_language()
        wrote = []
        if options["pdf"]:
            options["pdf"].write_bytes(report_pdf_bytes(data, language=language)[2])
            wrote.append(str(options["pdf"]))
        if options["xlsx"]:
            options["xlsx"].write_bytes(report_xlsx_bytes(data, language=language)[1])
            wrote.append(str(options["xlsx"]))
        if options["json"]:
            self.stdout.write(to_json(data))
        elif wrote:
            self.stdout.write(f"Wrote {' and '.join(wrote)}")
        else:
            with translation.override(language):
                self._print(report_document(data))

    def _print(self, document) -> None:
        self.stdout.write(f"{document.title}  {document.subtitle}")
        for section in document.sections:
            self.stdout.write(f"\n== {section.title}")
            for figure in section.figures:
                self.stdout.write(f"  {figure.label}: {figure.value} {figure.note}".rstrip())
            for part in section.tables:
                self.stdout.write(f"\n-- {part.title}")
                if not part.rows:
                    self.stdout.write(f"  {part.empty_text}")
                    continue
                rows = [[_text(value) for value in row] for row in part.rows[:TEXT_ROWS]]
                if part.total is not None:
                    rows.append([_text(value) for value in part.total])
                self.stdout.write(table([column.header for column in part.columns], rows, numeric_from=99))
