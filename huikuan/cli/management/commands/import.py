"""huikuan import customers|invoices|payments|allocations|credit-notes FILE"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from huikuan.cli.output import cli_language, report_refusal, to_json
from huikuan.core.audit import audit_context
from huikuan.core.errors import InputRejected
from huikuan.ledger.imports import KINDS, ledger_import


class Command(BaseCommand):
    # No system checks: they would import the URLconf, the API and every view (slow start-up).
    requires_system_checks: list[str] = []
    help = "Import a canonical CSV/XLSX file: all of it, or nothing if any row is bad."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(KINDS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--mapping", type=Path, help="JSON/TOML: canonical column = file header")
        parser.add_argument("--dry-run", action="store_true", help="validate and report; write nothing")
        parser.add_argument("--json", action="store_true", help="machine-readable result on stdout")

    def handle(self, *args, **options):
        # Refusals are worded in the CLI's language (English unless LANGUAGE asks for Chinese).
        with translation.override(cli_language()):
            self._import(**options)

    def _import(self, **options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        if options["mapping"] and not options["mapping"].is_file():
            raise CommandError(f"no such mapping file: {options['mapping']}")
        try:
            # The command line speaks English, as every other message of the command does.
            with translation.override("en"), audit_context(source=f"import:{options['kind']}"):
                result = ledger_import(
                    kind=options["kind"],
                    path=path,
                    mapping_path=options["mapping"],
                    dry_run=options["dry_run"],
                    imported_by="cli",
                )
        except InputRejected as rejected:
            report_refusal(self, rejected, as_json=options["json"], kind=options["kind"], file=path.name)
        if options["json"]:
            self.stdout.write(to_json({**result.as_dict(), "imported": not result.dry_run}))
            return
        verb = "Would import" if result.dry_run else "Imported"
        self.stdout.write(
            f"{verb} {result.file_name} ({result.kind}): {result.rows} rows — "
            f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged"
        )
        for warning in result.warnings:
            self.stdout.write(f"  note: {warning}")
