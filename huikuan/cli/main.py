"""The ``huikuan`` console script: Django's command line with Huikuan's settings.

``huikuan migrate``, ``huikuan import invoices FILE``, ``huikuan aging --as-of …`` and every
other command are Django management commands; exit status 0 on success, non-zero with a
message on stderr otherwise.

``huikuan serve`` runs with debug off unless ``HUIKUAN_DEBUG`` says otherwise. A command that
works on the ledger first checks that the database exists and is migrated, and says so in
one line with the fix when it is not, without creating an empty database file.

Start-up is kept short (cron jobs and scripts call these commands many times a day): Huikuan's
ledger commands run no system checks (they would import the URLconf, the API and every view),
the check for a migrated database reads migration file names instead of loading them, and
``aging`` starts Django without the web, API and admin apps. ``aging --json`` on SQLite does
not start Django at all (``huikuan.cli.quick``: the same queries, checks and output).
``tests/test_cli_startup.py`` fails if ``aging`` or ``import`` loads the web app, the API
schema, the PDF renderer or Celery, or if ``aging --json`` starts Django.
"""

from __future__ import annotations

import os
import sys

# Django's own commands that read or write the ledger (Huikuan's own commands all do).
_DJANGO_DATABASE_COMMANDS = {"createsuperuser", "changepassword", "dumpdata", "loaddata", "drf_create_token"}
# Commands that only read the ledger: Django starts without the apps of the web app, the API and
# the admin (and their libraries), which they never use. The ledger's models are all there.
_LEDGER_READ_COMMANDS = {"aging", "kpi", "provision", "report"}
_WEB_APPS = {
    "huikuan.config.admin.AdminConfig",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "huikuan.api",
    "huikuan.web",
    "django_htmx",
    "csp",
}


def _needs_database(command: str) -> bool:
    from pathlib import Path

    from django.core.management import find_commands

    own = find_commands(str(Path(__file__).parent / "management"))
    return (command in own and command != "serve") or command in _DJANGO_DATABASE_COMMANDS


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huikuan.config.settings")
    if args[:1] == ["serve"]:
        # What a server runs: debug off (its gunicorn workers inherit the environment).
        os.environ.setdefault("HUIKUAN_DEBUG", "0")
    if args[:1] == ["aging"]:
        from huikuan.cli import quick

        if quick.main(args[1:], left_out_apps=_WEB_APPS):
            return
    import django
    from django.core.management import execute_from_command_line

    if args and _needs_database(args[0]):
        if args[0] in _LEDGER_READ_COMMANDS:
            from django.conf import settings

            settings.INSTALLED_APPS = [app for app in settings.INSTALLED_APPS if app not in _WEB_APPS]
        django.setup()
        from huikuan.cli.database import database_problem

        problem = database_problem()
        if problem:
            sys.stderr.write(f"huikuan: {problem}\n")
            raise SystemExit(1)
    execute_from_command_line(["huikuan", *args])


if __name__ == "__main__":
    main()
