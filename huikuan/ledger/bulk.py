"""Fast bulk reads and writes for imports: ``executemany`` on SQLite, ``COPY`` on PostgreSQL.

Django's ``bulk_create`` and ``__in`` lookups build Python objects per row and per
parameter; a million-row import cannot afford that. These helpers speak plain SQL and
convert values with one small function per column. Rows written here have been
validated by the importer; the database's constraints still check every one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from django.db import connection, models
from django.utils import timezone

from huikuan.core.fields import ScaledDecimalField
from huikuan.core.money import from_minor_units

# Parameters per statement: under SQLite's limit of 32,766 (and PostgreSQL's 65,535).
KEY_CHUNK = 30_000


def _to_db(field: models.Field) -> Callable[[Any], Any]:
    """A fast converter from a Python value to what this database stores for ``field``."""
    if isinstance(field, ScaledDecimalField):
        return field.get_prep_value
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        if connection.vendor == "postgresql":
            return lambda value: value
        return lambda value: None if value is None else value.isoformat()
    if isinstance(field, models.DateTimeField):
        return lambda value: connection.ops.adapt_datetimefield_value(value)
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    return lambda value: value


def _from_db(field: models.Field) -> Callable[[Any], Any]:
    """A fast converter from what this database returns for ``field`` to the Python value."""
    if isinstance(field, ScaledDecimalField):
        places = field.places
        return lambda value: None if value is None else from_minor_units(value, places)
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        return lambda value: date.fromisoformat(value) if isinstance(value, str) else value
    if isinstance(field, models.BooleanField):
        return lambda value: None if value is None else bool(value)
    return lambda value: value


def now_for_db() -> Any:
    """The creation timestamp as the bulk writer passes it to this database."""
    return connection.ops.adapt_datetimefield_value(timezone.now())


def _fields(model: type[models.Model], names: Sequence[str]) -> list[models.Field]:
    return [model._meta.get_field(name) for name in names]


def _quoted_columns(fields: Iterable[models.Field]) -> list[str]:
    return [connection.ops.quote_name(f.column) for f in fields]


def select_rows(
    model: type[models.Model], fields: Sequence[str], *, where: str, values: Iterable[Any]
) -> list[tuple]:
    """Rows of ``fields`` for the records whose ``where`` field is among ``values``."""
    wanted = _fields(model, fields)
    readers = [_from_db(f) for f in wanted]
    key_field = model._meta.get_field(where)
    to_db = _to_db(key_field)
    keys = [to_db(v) for v in dict.fromkeys(values) if v is not None]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(_quoted_columns(wanted))
    key_column = connection.ops.quote_name(key_field.column)
    found: list[tuple] = []
    with connection.cursor() as cursor:
        for start in range(0, len(keys), KEY_CHUNK):
            chunk = keys[start : start + KEY_CHUNK]
            if connection.vendor == "postgresql":
                # One array parameter: the driver need not parse 30,000 markers per query.
                cursor.execute(f"SELECT {columns} FROM {table} WHERE {key_column} = ANY(%s)", [chunk])
            else:
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"SELECT {columns} FROM {table} WHERE {key_column} IN ({marks})", chunk)
            found.extend(
                tuple(read(value) for read, value in zip(readers, row, strict=True))
                for row in cursor.fetchall()
            )
    return found


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
    values: Iterable[tuple] = rows
    if not prepared:
        writers = [_to_db(f) for f in _fields(model, columns[: len(columns) - len(constants)])]
        values = (tuple(w(v) for w, v in zip(writers, row, strict=True)) for row in rows)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(_quoted_columns(_fields(model, columns)))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                write_row = copy.write_row
                for row in values:
                    write_row(row + constants)
        else:
            parameter_marks = ", ".join(["%s"] * len(columns))
            if constants:
                values = (row + constants for row in values)
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({parameter_marks})", values)


def bulk_update_rows(model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """Set ``columns`` by primary key; each row is (*values, pk)."""
    if not rows:
        return
    fields = _fields(model, columns)
    writers = [_to_db(f) for f in fields]
    values = [(*(w(v) for w, v in zip(writers, row[:-1], strict=True)), row[-1]) for row in rows]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk_column = quote(model._meta.pk.column)
    column_names = _quoted_columns(fields)
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
