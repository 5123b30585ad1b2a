"""Is there a migrated Huikuan database? Asked before a command works on the ledger."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from huikuan.cli.migration_files import unrecorded_migration


def _where() -> str:
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return str(config["NAME"])
    return f"{config.get('HOST') or 'localhost'}/{config.get('NAME')}"


def database_problem() -> str | None:
    """None when the database exists and is migrated, else one line saying what to do.

    An SQLite file that does not exist is not opened (opening would create it empty).
    """
    where = _where()
    fix = "run `huikuan migrate`"
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        if name != ":memory:" and not name.startswith("file:") and not Path(name).exists():
            return (
                f"no Huikuan database at {where}: {fix} to create it "
                f"(HUIKUAN_HOME={settings.HUIKUAN_HOME}; set HUIKUAN_HOME or DATABASE_URL to use another)"
            )
    try:
        if _all_recorded():
            return None
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return f"cannot open the Huikuan database at {where} ({first_line}): check DATABASE_URL"
    if plan:
        return f"the Huikuan database at {where} is not migrated ({len(plan)} migrations to apply): {fix}"
    return None


def _all_recorded() -> bool:
    """Is every migration file of every app recorded as applied? Read from the file names,
    without importing the migrations (loading them all costs a command ~0.15 s at start-up).
    False (then the full migration plan decides) when one is missing, e.g. a squashed
    migration whose replaced ones are recorded instead."""
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return False
    packages = []
    for app_config in apps.get_app_configs():
        module_name, _explicit = MigrationLoader.migrations_module(app_config.label)
        spec = find_spec(module_name) if module_name else None
        packages.append((app_config.label, spec.submodule_search_locations if spec else None))
    return unrecorded_migration(packages, set(recorder.applied_migrations())) is None
