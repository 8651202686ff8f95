"""Set-based inserts: ``COPY`` on PostgreSQL, batched ``executemany`` on SQLite; the bulk paths'
way past the ORM's per-object overhead.

Values are adapted the way the ORM would store them (timestamps as UTC, JSON as text) once per
column kind, not once per field per object.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models

_BATCH = 2000
_FEW = 20


def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    if isinstance(field, models.JSONField):
        return lambda value: (
            None if value is None else json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)
        )
    return None


def _insert_values(
    table: str,
    columns: list[str],
    adapters: list[tuple[int, Callable[[Any], Any]]],
    rows: list[Sequence[Any]],
) -> int:
    if not rows:
        return 0
    quote = connection.ops.quote_name
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    params: list[Any] = []
    for row in rows:
        values = list(row)
        for index, adapt in adapters:
            values[index] = adapt(values[index])
        params.extend(values)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(table)} ({', '.join(quote(column) for column in columns)}) "
            f"VALUES {', '.join([one] * len(rows))}",
            params,
        )
    return len(rows)


def _copy(
    table: str,
    columns: list[str],
    adapters: list[tuple[int, Callable[[Any], Any]]],
    rows: Iterable[Sequence[Any]],
) -> int:
    """PostgreSQL's COPY: the fastest way in, one round trip for the whole set."""
    quote = connection.ops.quote_name
    count = 0
    with connection.cursor() as cursor, connection.wrap_database_errors:
        statement = f"COPY {quote(table)} ({', '.join(quote(column) for column in columns)}) FROM STDIN"
        with cursor.cursor.copy(statement) as copy:
            for row in rows:
                values = list(row)
                for index, adapt in adapters:
                    values[index] = adapt(values[index])
                copy.write_row(values)
                count += 1
    return count


def bulk_insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ``rows`` (values in the order of ``columns``, given as attribute names) into ``model``'s table."""
    fields: list[models.Field[Any, Any]] = []
    for column in columns:
        field = model._meta.get_field(column)
        if not isinstance(field, models.Field):
            raise TypeError(f"{column} is a relation, not a column of {model._meta.label}")
        fields.append(field)
    adapters = [
        (index, adapt) for index, field in enumerate(fields) if (adapt := _adapter(field)) is not None
    ]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(str(field.column)) for field in fields)}) VALUES ({', '.join(['%s'] * len(fields))})"
    )
    if connection.vendor == "postgresql":
        rows = iter(rows)
        first = list(itertools.islice(rows, _FEW))
        if len(first) < _FEW:
            # COPY costs two round trips; a handful of rows go faster as one multi-row INSERT.
            return _insert_values(
                model._meta.db_table, [str(field.column) for field in fields], adapters, first
            )
        rows = itertools.chain(first, rows)
        return _copy(model._meta.db_table, [str(field.column) for field in fields], adapters, rows)
    count = 0
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            values = list(row)
            for index, adapt in adapters:
                values[index] = adapt(values[index])
            batch.append(values)
            if len(batch) >= _BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count
