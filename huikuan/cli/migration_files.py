"""Migration files not recorded as applied, found by their file names (no Django here).

``huikuan.cli.database`` (with Django's app registry) and ``huikuan.cli.quick`` (without it)
both ask this before a command works on the ledger.
"""

from __future__ import annotations

import pkgutil
from collections.abc import Collection, Iterable


def unrecorded_migration(
    packages: Iterable[tuple[str, Collection[str] | None]], applied: Collection[tuple[str, str]]
) -> tuple[str, str] | None:
    """The first (app label, migration name) whose file is in the app's ``migrations`` folders
    but not in ``applied``; None when every one is recorded. ``packages`` are (app label,
    folders of its migrations package, or None for an app without one)."""
    for label, folders in packages:
        if not folders:
            continue
        for _finder, name, is_package in pkgutil.iter_modules(list(folders)):
            # The files MigrationLoader.load_disk reads as migrations.
            if not is_package and name[0] not in "_~" and (label, name) not in applied:
                return label, name
    return None
