"""huikuan serve [--host 127.0.0.1] [--port 8000] [--workers N]

Runs Huikuan under gunicorn, a production WSGI server, with static files collected and
served by WhiteNoise. Migrations are applied first, so a fresh HUIKUAN_HOME just works.
"""

from __future__ import annotations

import os
import sys

from django.conf import settings
from django.core import checks
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run Huikuan's web application and API under gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
        parser.add_argument("--no-migrate", action="store_true", help="do not apply migrations first")

    def handle(self, *args, **options):
        if not 0 < options["port"] < 65536:
            raise CommandError(f"not a TCP port: {options['port']}")
        if not settings.DEBUG:
            # Production refuses to start without a real email backend (and other errors of
            # the deployment checks): `huikuan check --deploy` says the same.
            errors = [
                message
                for message in checks.run_checks(include_deployment_checks=True)
                if message.level >= checks.ERROR
            ]
            if errors:
                raise CommandError("\n".join(str(message) for message in errors))
        if not options["no_migrate"]:
            call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        address = f"{options['host']}:{options['port']}"
        self.stdout.write(f"Huikuan is serving at http://{address}/ (API docs at /api/docs/)")
        self.stdout.flush()
        # gunicorn replaces this process: signals and exit status are the server's own.
        os.execv(  # noqa: S606 - a fixed argument list: no shell, nothing from the user unchecked
            sys.executable,
            [
                sys.executable,
                "-m",
                "gunicorn",
                "huikuan.config.wsgi:application",
                "--bind",
                address,
                "--workers",
                str(options["workers"]),
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "10",
                # Starts the in-process scheduler of the daily jobs (HUIKUAN_SCHEDULER).
                "--config",
                "python:huikuan.jobs.gunicorn",
            ],
        )
