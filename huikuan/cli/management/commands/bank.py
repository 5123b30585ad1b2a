"""huikuan bank import FILE | bank profile add|list — bank statements (cash application)."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from huikuan.cash.imports import bank_statement_import
from huikuan.cash.match import statements_match
from huikuan.cash.parsers import FORMATS
from huikuan.cash.profiles import profile_load_json, profile_save, profiles_all
from huikuan.cli.output import cli_language, report_refusal, table, to_json
from huikuan.core.audit import audit_context
from huikuan.core.errors import ApplicationError, InputRejected


class Command(BaseCommand):
    # No system checks: they would import the URLconf, the API and every view (slow start-up).
    requires_system_checks: list[str] = []
    help = "Bank statements: import a statement file; keep the profiles that read banks' CSV/Excel exports."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        imported = actions.add_parser("import", help="import a bank statement file (all of it or nothing)")
        imported.add_argument("file", type=Path)
        imported.add_argument("--format", default="auto", choices=FORMATS)
        imported.add_argument(
            "--profile", help="the profile reading a CSV/XLS/XLSX export (default: best fit)"
        )
        imported.add_argument("--account", help="the account number, when the file does not state it")
        imported.add_argument("--dry-run", action="store_true", help="read and check; write nothing")
        imported.add_argument(
            "--match",
            action="store_true",
            help="then match the new lines and post the automatic ones (as huikuan cash match --apply)",
        )
        imported.add_argument("--json", action="store_true", help="machine-readable result on stdout")

        profile = actions.add_parser("profile", help="bank profiles for CSV/XLS/XLSX exports")
        profile_actions = profile.add_subparsers(dest="profile_action", required=True, metavar="ACTION")
        add = profile_actions.add_parser("add", help="save (or update) a profile from a JSON file")
        add.add_argument("--from-json", required=True, type=Path, dest="from_json")
        add.add_argument("--json", action="store_true")
        listed = profile_actions.add_parser("list", help="the built-in and saved profiles")
        listed.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        with translation.override(cli_language()):
            if options["action"] == "import":
                self._import(**options)
            elif options["profile_action"] == "add":
                self._profile_add(**options)
            else:
                self._profile_list(**options)

    def _import(self, **options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            with audit_context(source="cli:bank-import"):
                result = bank_statement_import(
                    path=path,
                    fmt=options["format"],
                    profile_name=options["profile"],
                    account=options["account"],
                    imported_by="cli",
                    dry_run=options["dry_run"],
                )
        except InputRejected as rejected:
            report_refusal(self, rejected, as_json=options["json"], file=path.name)
        except ApplicationError as refused:
            if options["json"]:
                self.stdout.write(to_json({"file": path.name, "imported": False, "message": refused.message}))
                sys.exit(1)
            raise CommandError(refused.message) from None
        matched = None
        if options["match"] and not result.dry_run:
            with audit_context(source="cli:bank-import"):
                matched = statements_match(statement_ids=result.statement_ids)
        if options["json"]:
            extra = {"matched": matched} if matched is not None else {}
            self.stdout.write(to_json({**result.as_dict(), "imported": not result.dry_run, **extra}))
            return
        verb = "Would import" if result.dry_run else "Imported"
        profile = f", profile {result.profile}" if result.profile else ""
        self.stdout.write(
            f"{verb} {result.file_name} ({result.format}{profile}): {result.statements} statement(s), "
            f"{result.lines_read} lines — {result.lines_new} new ({result.credits} credits, "
            f"{result.debits} debits), {result.duplicates} already imported"
        )
        for currency, sums in sorted(result.totals.items()):
            self.stdout.write(f"  {currency}: in {sums['credit']}, out {sums['debit']}")
        if matched is not None:
            summary = ", ".join(f"{n} {status}" for status, n in sorted(matched.items())) or "no lines"
            self.stdout.write(f"Matched: {summary}")

    def _profile_add(self, **options) -> None:
        source: Path = options["from_json"]
        if not source.is_file():
            raise CommandError(f"no such file: {source}")
        try:
            with audit_context(source="cli:bank-profile"):
                row, created = profile_save(data=profile_load_json(source.read_text(encoding="utf-8-sig")))
        except ApplicationError as refused:
            raise CommandError(refused.message) from None
        if options["json"]:
            self.stdout.write(to_json({"name": row.name, "created": created}))
        else:
            self.stdout.write(f"{'Saved' if created else 'Updated'} bank profile {row.name}")

    def _profile_list(self, **options) -> None:
        profiles = profiles_all()
        if options["json"]:
            self.stdout.write(to_json([p.as_dict() for p in profiles]))
            return
        rows = [[p.name, "built-in" if p.builtin else "saved", p.amount_layout, p.label] for p in profiles]
        self.stdout.write(table(["name", "kind", "amounts", "bank"], rows, numeric_from=99))
