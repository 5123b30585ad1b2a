"""Fast bulk writes for imports: ``executemany`` on SQLite, ``COPY`` on PostgreSQL.

Django's ``bulk_create`` builds a model instance per row; a million-row import cannot
afford that. These helpers take rows already validated by the importer; the database's
constraints still check every row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def _db_values(model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple]) -> list:
    fields = [model._meta.get_field(name) for name in columns]
    preps = [field.get_db_prep_save for field in fields]
    return [tuple(prep(value, connection) for prep, value in zip(preps, row, strict=True)) for row in rows]


def _column_names(model: type[models.Model], columns: Sequence[str]) -> list[str]:
    return [model._meta.get_field(name).column for name in columns]


def bulk_insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[tuple],
    *,
    prepared: bool = False,
    constants: tuple = (),
) -> None:
    """Insert ``rows``: tuples in the order of ``columns`` (model field names).

    ``prepared`` rows already hold database values (minor units, ISO dates). ``constants``
    are the values of the last columns, the same for every row (batch, timestamp).
    """
    if not rows:
        return
    values = rows if prepared else _db_values(model, columns[: len(columns) - len(constants)], rows)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in _column_names(model, columns))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                write_row = copy.write_row
                for row in values:
                    write_row(row + constants)
        else:
            placeholders = ", ".join(["%s"] * (len(columns) - len(constants)) + ["%s"] * len(constants))
            if constants:
                values = (row + constants for row in values)
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", values)


def bulk_update_rows(model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """Set ``columns`` by primary key; each row is (*values, pk)."""
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in columns]
    values: list[tuple[Any, ...]] = [
        (*(f.get_db_prep_save(v, connection) for f, v in zip(fields, row[:-1], strict=True)), row[-1])
        for row in rows
    ]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk_column = quote(model._meta.pk.column)
    column_names = [quote(f.column) for f in fields]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(values) > 1000:
            # A temporary table filled by COPY, then one UPDATE … FROM.
            cursor.execute(
                f"CREATE TEMPORARY TABLE huikuan_bulk_update AS "
                f"SELECT {', '.join(column_names)}, {pk_column} FROM {table} WITH NO DATA"
            )
            with cursor.copy(
                f"COPY huikuan_bulk_update ({', '.join(column_names)}, {pk_column}) FROM STDIN"
            ) as copy:
                for row in values:
                    copy.write_row(row)
            assignments = ", ".join(f"{c} = u.{c}" for c in column_names)
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM huikuan_bulk_update u "
                f"WHERE {table}.{pk_column} = u.{pk_column}"
            )
            cursor.execute("DROP TABLE huikuan_bulk_update")
        else:
            assignments = ", ".join(f"{c} = %s" for c in column_names)
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk_column} = %s", values)
