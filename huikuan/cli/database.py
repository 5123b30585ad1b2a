"""Is there a migrated Huikuan database? Asked before a command works on the ledger."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor


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
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return f"cannot open the Huikuan database at {where} ({first_line}): check DATABASE_URL"
    if plan:
        return f"the Huikuan database at {where} is not migrated ({len(plan)} migrations to apply): {fix}"
    return None
