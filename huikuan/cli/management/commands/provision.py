"""huikuan provision --as-of YYYY-MM-DD [--by class|department|risk] [--json | --csv F | --xlsx F]"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from huikuan.cli.output import cli_language, iso_date, table, to_json
from huikuan.core.errors import RuleViolation
from huikuan.core.exports import save_csv, write_xlsx
from huikuan.finance.provision_report import provision_dict, provision_sheets
from huikuan.finance.provisioning import SEGMENTS, journal_lines, provision_change


class Command(BaseCommand):
    # No system checks: they would import the URLconf, the API and every view (slow start-up).
    requires_system_checks: list[str] = []
    help = "Bad-debt provision (expected credit loss) as of a date, and its change since the last month-end."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, help="YYYY-MM-DD: balances at the end of this day")
        parser.add_argument(
            "--by",
            choices=SEGMENTS,
            help="loss rates per credit class, department or risk segment (default: PROVISION_SEGMENT_BY)",
        )
        output = parser.add_mutually_exclusive_group()
        output.add_argument("--json", action="store_true")
        output.add_argument(
            "--csv", type=Path, metavar="FILE", help="the lines; the journal entry goes to FILE-journal.csv"
        )
        output.add_argument("--xlsx", type=Path, metavar="FILE", help="the lines and the journal entry")
        parser.add_argument(
            "--language", choices=("zh-hans", "en"), help="of the CSV/XLSX headers (default: the terminal's)"
        )

    def handle(self, *args, **options):
        try:
            now, before = provision_change(as_of=iso_date(options["as_of"]), segment_by=options["by"])
        except RuleViolation as error:
            raise CommandError(str(error)) from None
        entry = journal_lines(now, before)
        with translation.override(options["language"] or cli_language()):
            sheets = provision_sheets(now, before, entry)
        if options["csv"]:
            lines, journal = sheets
            path: Path = options["csv"]
            journal_path = path.with_name(f"{path.stem}-journal{path.suffix or '.csv'}")
            save_csv(lines, path)
            save_csv(journal, journal_path)
            self.stdout.write(f"Wrote {path} and {journal_path}")
            return
        if options["xlsx"]:
            write_xlsx(sheets, options["xlsx"])
            self.stdout.write(f"Wrote {options['xlsx']}")
            return
        data = provision_dict(now, before, entry)
        if options["json"]:
            self.stdout.write(to_json(data))
            return
        by = f", by {data['by']}" if data["by"] else ""
        self.stdout.write(f"Bad-debt provision as of {data['as_of']} ({data['method']}{by})")
        header = ["segment", "bucket", "balance", "rate %", "provision"]
        rows = [
            [
                r["segment"],
                r["bucket"],
                r["balance"],
                r["rate"] + (" *" if r["pooled"] else ""),
                r["provision"],
            ]
            for r in data["matrix"]
        ]
        for line in data["specific"]:
            rows.append(
                [line["segment"], f"specific {line['key']}", line["balance"], line["rate"], line["provision"]]
            )
        rows.append(["total", "", data["total"]["balance"], "", data["total"]["provision"]])
        self.stdout.write(table(header, rows, numeric_from=2))
        if any(r["pooled"] for r in data["matrix"]):
            self.stdout.write("* no history of the segment for the bucket: the roll rate of all customers")
        if data["by"] == "risk":
            heuristic = data["banded_by_heuristic"]
            self.stdout.write(
                f"Banded by the class heuristic (no fresh risk score): {len(heuristic)} customer(s)"
                + (f": {', '.join(heuristic)}" if heuristic else "")
            )
        previous = data["previous"]
        self.stdout.write(f"Change since {previous['as_of']}: {data['change']} (was {previous['provision']})")
        for line in data["journal"]:
            self.stdout.write(f"  {line['account']}  Dr {line['debit']}  Cr {line['credit']}")
