"""``huikuan aging --as-of D [--by …] [--basis …] --json`` without starting Django.

Cron jobs and scripts call this many times a day, and Django's start-up (importing the ORM and
every app's models) costs more than the aging of a small ledger. So, on SQLite, the command
reads the settings module, opens the database the way Django's backend does (the same file,
options and ``init_command``, then pragmas for reading only), makes the same start-up checks
(the database exists and every migration file of the apps the command loads is recorded as
applied), runs the aging's own queries (``huikuan.reporting.aging_sql``, which
``aging_report`` runs through Django) and
prints the same JSON, byte for byte.

Anything else goes the usual way, through Django: another database, other options (a CSV or
XLSX file, the table for people, ``--help``, ``--settings``, a misspelt option), a date outside
the business range, a database that is missing or not migrated, a functional currency
overridden with something other than text. Those give Django's messages and exit statuses.
"""

from __future__ import annotations

import importlib
import json
import os
import sqlite3
import sys
from collections.abc import Collection, Iterable
from datetime import date
from importlib.machinery import PathFinder
from importlib.util import find_spec
from pathlib import Path
from types import ModuleType

from huikuan.reporting.aging import BASES, GROUPINGS

SQLITE = "django.db.backends.sqlite3"
# This command only reads: it may not write, and it reads the file's pages where they lie in
# the operating system's cache instead of copying each one (about 15 % less CPU time at a
# million invoices). SQLite caps the size at what it was built to allow.
READ_ONLY_PRAGMAS = ("PRAGMA query_only = ON", "PRAGMA mmap_size = 2147483648")
_VALUED = {"--as-of": "as_of", "--by": "by", "--basis": "basis"}


def aging_options(args: list[str]) -> dict | None:
    """The options of ``aging …`` when they are plainly these (``--as-of``, ``--by``,
    ``--basis`` with valid values, and ``--json``); None for anything else."""
    options = {"as_of": None, "by": "customer", "basis": "due", "json": False}
    words = iter(args)
    for word in words:
        name, equals, value = word.partition("=")
        if name in _VALUED:
            if not equals:
                value = next(words, None)
                if value is None:
                    return None
            options[_VALUED[name]] = value
        elif word == "--json":
            options["json"] = True
        else:
            return None
    if not options["json"] or options["by"] not in GROUPINGS or options["basis"] not in BASES:
        return None
    try:
        options["as_of"] = date.fromisoformat(options["as_of"] or "")
    except ValueError:
        return None
    return options


def aging(args: list[str], *, left_out_apps: Collection[str]) -> str | None:
    """The JSON report of ``huikuan aging ARGS`` when it can be made without Django, else None
    (nothing printed, nothing changed: the caller runs the command through Django).

    ``left_out_apps`` are the installed apps the command does not load (their migrations are
    not checked), as on the Django path.
    """
    options = aging_options(args)
    if options is None:
        return None
    try:
        settings = importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    except Exception:  # Django's path raises it again, as it always has
        return None
    if not _in_business_range(options["as_of"], settings):
        return None
    database = settings.DATABASES.get("default", {})
    name = str(database.get("NAME") or "")
    if database.get("ENGINE") != SQLITE or not name or getattr(settings, "MIGRATION_MODULES", None):
        return None
    if name != ":memory:" and not name.startswith("file:") and not Path(name).exists():
        return None  # Django's start-up check says so (opening the file would create it)
    apps = [app for app in settings.INSTALLED_APPS if app not in left_out_apps]
    try:
        connection = _connect(name, database.get("OPTIONS") or {})
    except sqlite3.Error:
        return None
    try:
        return _report_json(connection, options, apps, settings)
    except sqlite3.Error:
        return None
    finally:
        connection.close()


def _report_json(
    connection: sqlite3.Connection, options: dict, apps: list[str], settings: ModuleType
) -> str | None:
    from huikuan.cli.output import aging_json
    from huikuan.reporting.aging_sql import aging_rows, report_from_rows

    if not _all_recorded(connection, apps):
        return None
    currency = _functional_currency(connection, settings)
    if currency is None:
        return None

    def fetch(sql: str, params: dict) -> list[tuple]:
        # Django's SQLite cursor turns "%(name)s" parameters into sqlite3's ":name" so.
        return connection.execute(sql % {key: f":{key}" for key in params}, params).fetchall()

    as_of, group_by, basis = options["as_of"], options["by"], options["basis"]
    # Dates as Django's SQLite backend adapts them: ISO text.
    open_rows, account_rows = aging_rows(fetch, str, as_of=as_of, group_by=group_by, basis=basis)
    report = report_from_rows(
        open_rows, account_rows, as_of=as_of, group_by=group_by, basis=basis, currency=currency
    )
    return aging_json(report)


def _in_business_range(day: date, settings: ModuleType) -> bool:
    """Inside ``HUIKUAN_DATE_RANGE``; outside, Django's path refuses the date with its message."""
    bounds = getattr(settings, "HUIKUAN_DATE_RANGE", None)
    if bounds is None:
        return False
    first, last = (date.fromisoformat(str(bound)) for bound in bounds)
    return first <= day <= last


def _connect(name: str, options: dict) -> sqlite3.Connection:
    """The connection Django's SQLite backend opens: the same parameters, autocommit, and
    the settings' ``init_command`` statements run in turn; then ``READ_ONLY_PRAGMAS``."""
    parameters = {
        key: value for key, value in options.items() if key not in {"init_command", "transaction_mode"}
    }
    connection = sqlite3.connect(name, **{**parameters, "check_same_thread": False, "uri": True})
    connection.isolation_level = None
    for statement in str(options.get("init_command", "")).split(";"):
        if statement.strip():
            connection.execute(statement.strip())
    for statement in READ_ONLY_PRAGMAS:
        connection.execute(statement)
    return connection


def _functional_currency(connection: sqlite3.Connection, settings: ModuleType) -> str | None:
    """``policy_value("FUNCTIONAL_CURRENCY")``: the stored override (JSON text) converted to
    the default's type, else the default of the settings. None for an override that is not
    valid (Django's path says what is wrong with it)."""
    from huikuan.core.policy_values import converted, default_value

    key = "FUNCTIONAL_CURRENCY"
    default = default_value(settings, key)
    row = connection.execute("SELECT value FROM core_policysetting WHERE key = ?", [key]).fetchone()
    if row is None:
        return default
    try:
        return converted(default, json.loads(row[0]), key)
    except ValueError:  # BadSettingValue, or a value that is not JSON
        return None


def migration_packages(apps: Iterable[str]) -> list[tuple[str, list[str] | None]] | None:
    """(app label, folders of its ``migrations`` package or None) of each installed app,
    as Django's app registry and migration loader would find them, found without importing
    the apps. None when an entry names an AppConfig class (its label is known only by
    importing it)."""
    packages = []
    for app in apps:
        label = app.rpartition(".")[2]
        if not label.islower():
            return None
        packages.append((label, _package_folders(f"{app}.migrations")))
    return packages


def _package_folders(module_name: str) -> list[str] | None:
    top, *parts = module_name.split(".")
    spec = find_spec(top)
    for depth in range(len(parts)):
        if spec is None or spec.submodule_search_locations is None:
            return None
        spec = PathFinder.find_spec(".".join([top, *parts[: depth + 1]]), spec.submodule_search_locations)
    if spec is None or spec.submodule_search_locations is None:
        return None
    return list(spec.submodule_search_locations)


def _all_recorded(connection: sqlite3.Connection, apps: list[str]) -> bool:
    """Is every migration file of these apps recorded as applied (the check of
    ``huikuan.cli.database``, over the same files)?"""
    from huikuan.cli.migration_files import unrecorded_migration

    packages = migration_packages(apps)
    if packages is None:
        return False
    try:
        applied = set(connection.execute("SELECT app, name FROM django_migrations").fetchall())
    except sqlite3.OperationalError:
        return False
    return unrecorded_migration(packages, applied) is None


def main(args: list[str], *, left_out_apps: Collection[str]) -> bool:
    """Print the report of ``huikuan aging ARGS`` and say True, or say False (nothing printed)."""
    text = aging(args, left_out_apps=left_out_apps)
    if text is None:
        return False
    sys.stdout.write(text + "\n")
    return True
