"""Set-based inserts with ``executemany``: the bulk paths' way past the ORM's per-object overhead.

Values are adapted the way the ORM would store them (timestamps as UTC, JSON as text) once per
column kind, not once per field per object. psycopg pipelines ``executemany`` on PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models

_BATCH = 2000


def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    if isinstance(field, models.JSONField):
        return lambda value: None if value is None else json.dumps(value, ensure_ascii=False)
    return None


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
