"""Set-based inserts: ``COPY`` on PostgreSQL, batched ``executemany`` on SQLite; the bulk paths'
way past the ORM's per-object overhead.

Values are adapted the way the ORM would store them (timestamps as UTC, JSON as text) once per
column kind, not once per field per object.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
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


def _adapted(
    rows: Iterable[Sequence[Any]], adapters: list[tuple[int, Callable[[Any], Any]]]
) -> Iterator[list[Any]]:
    for row in rows:
        values = list(row)
        for index, adapt in adapters:
            values[index] = adapt(values[index])
        yield values


def _values_insert(table: str, columns: list[str], rows: list[list[Any]], params: list[Any]) -> str:
    """One multi-row INSERT statement for adapted ``rows``; their values are appended to ``params``."""
    quote = connection.ops.quote_name
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    for values in rows:
        params.extend(values)
    return (
        f"INSERT INTO {quote(table)} ({', '.join(quote(column) for column in columns)}) "
        f"VALUES {', '.join([one] * len(rows))}"
    )


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
            for values in _adapted(rows, adapters):
                copy.write_row(values)
                count += 1
    return count


@dataclass(frozen=True)
class _Target:
    table: str
    columns: list[str]
    adapters: list[tuple[int, Callable[[Any], Any]]]


def _target(model: type[models.Model], columns: Sequence[str]) -> _Target:
    fields: list[models.Field[Any, Any]] = []
    for column in columns:
        field = model._meta.get_field(column)
        if not isinstance(field, models.Field):
            raise TypeError(f"{column} is a relation, not a column of {model._meta.label}")
        fields.append(field)
    adapters = [
        (index, adapt) for index, field in enumerate(fields) if (adapt := _adapter(field)) is not None
    ]
    return _Target(model._meta.db_table, [str(field.column) for field in fields], adapters)


def _insert_rows(target: _Target, rows: Iterable[Sequence[Any]]) -> int:
    if connection.vendor == "postgresql":
        rows = iter(rows)
        first = list(itertools.islice(rows, _FEW))
        if len(first) == _FEW:
            return _copy(target.table, target.columns, target.adapters, itertools.chain(first, rows))
        # COPY costs two round trips; a handful of rows go faster as one multi-row INSERT.
        if first:
            params: list[Any] = []
            statement = _values_insert(
                target.table, target.columns, list(_adapted(first, target.adapters)), params
            )
            with connection.cursor() as cursor:
                cursor.execute(statement, params)
        return len(first)
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(target.table)} ({', '.join(quote(column) for column in target.columns)}) "
        f"VALUES ({', '.join(['%s'] * len(target.columns))})"
    )
    count = 0
    with connection.cursor() as cursor:
        adapted = _adapted(rows, target.adapters)
        while batch := list(itertools.islice(adapted, _BATCH)):
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def bulk_insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ``rows`` (values in the order of ``columns``, given as attribute names) into ``model``'s table."""
    return _insert_rows(_target(model, columns), rows)


Insert = tuple[type[models.Model], Sequence[str], Iterable[Sequence[Any]]]


def bulk_insert_many(inserts: Sequence[Insert]) -> None:
    """Several :func:`bulk_insert` calls, in order. On PostgreSQL, when every one of them is small, all
    go in one statement and one round trip: each INSERT a data-modifying CTE of the last one. Rows
    may reference rows inserted before them in the list (foreign keys are checked at commit)."""
    planned = [(_target(model, columns), iter(rows)) for model, columns, rows in inserts]
    if connection.vendor != "postgresql":
        for target, rows in planned:
            _insert_rows(target, rows)
        return
    heads = [(target, list(itertools.islice(rows, _FEW)), rows) for target, rows in planned]
    if any(len(head) == _FEW for _target_, head, _rest in heads):
        for target, head, rest in heads:
            _insert_rows(target, itertools.chain(head, rest))
        return
    params: list[Any] = []
    statements = [
        _values_insert(target.table, target.columns, list(_adapted(head, target.adapters)), params)
        for target, head, _rest in heads
        if head
    ]
    if not statements:
        return
    *first, last = statements
    ctes = ", ".join(f"step{number} AS ({statement})" for number, statement in enumerate(first))
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {ctes} {last}" if first else last, params)


def bulk_update(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]], *, key: str = "id"
) -> int:
    """Set ``columns`` of many rows of ``model`` at once; each row is its ``key`` value followed by
    the new values in the order of ``columns``. On PostgreSQL the rows go into a temporary table with
    one COPY and the table is changed with one ``UPDATE ... FROM``; on SQLite one ``executemany``."""
    target = _target(model, [key, *columns])
    quote = connection.ops.quote_name
    table, key_column, names = target.table, target.columns[0], target.columns[1:]
    if connection.vendor != "postgresql":
        sql = (
            f"UPDATE {quote(table)} SET {', '.join(f'{quote(name)} = %s' for name in names)} "
            f"WHERE {quote(key_column)} = %s"
        )
        count = 0
        with connection.cursor() as cursor:
            adapted = _adapted(rows, target.adapters)
            while batch := list(itertools.islice(adapted, _BATCH)):
                cursor.executemany(sql, [[*values[1:], values[0]] for values in batch])
                count += len(batch)
        return count
    staging = quote(f"lojal_update_{table}")
    listed = ", ".join(quote(column) for column in target.columns)
    with connection.cursor() as cursor:
        # The temporary table takes its column types from the table itself.
        cursor.execute(f"DROP TABLE IF EXISTS {staging}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {staging} AS SELECT {listed} FROM {quote(table)} WITH NO DATA"
        )
        count = _copy(f"lojal_update_{table}", target.columns, target.adapters, rows)
        if count:
            assignments = ", ".join(f"{quote(name)} = u.{quote(name)}" for name in names)
            cursor.execute(
                f"UPDATE {quote(table)} AS t SET {assignments} FROM {staging} AS u "
                f"WHERE t.{quote(key_column)} = u.{quote(key_column)}"
            )
        cursor.execute(f"DROP TABLE {staging}")
    return count
