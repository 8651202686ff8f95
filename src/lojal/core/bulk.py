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
from typing import Any, LiteralString

import orjson
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from psycopg import sql

_BATCH = 2000
_FEW = 20


def _adapter_json(value: Any) -> str:
    if type(value) is dict and not value:
        return "{}"  # the common empty default, without a trip through the encoder
    return json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)


def _json_column_value(value: Any) -> str | None:
    return None if value is None else _adapter_json(value)


def _adapter_kind(field: models.Field[Any, Any]) -> str:
    if isinstance(field, models.DateTimeField):
        return "datetime"
    if isinstance(field, models.DateField):
        return "date"
    if isinstance(field, models.JSONField):
        return "json"
    return ""


def _adapter(kind: str) -> Callable[[Any], Any]:
    """The function that stores a value of this kind, from the connection of the thread asking."""
    if kind == "datetime":
        return connection.ops.adapt_datetimefield_value
    if kind == "date":
        return connection.ops.adapt_datefield_value
    return _json_column_value


def _adapted(
    rows: Iterable[Sequence[Any]], adapters: list[tuple[int, Callable[[Any], Any]]]
) -> Iterator[list[Any]]:
    for row in rows:
        values = list(row)
        for index, adapt in adapters:
            values[index] = adapt(values[index])
        yield values


def _names(columns: Sequence[str]) -> sql.Composed:
    return sql.SQL(", ").join(map(sql.Identifier, columns))


def _values_insert(table: str, columns: list[str], rows: list[list[Any]], params: list[Any]) -> sql.Composed:
    """One multi-row INSERT statement for adapted ``rows`` (PostgreSQL); their values are appended
    to ``params``."""
    one = sql.SQL("({})").format(sql.SQL(", ").join([sql.Placeholder()] * len(columns)))
    for values in rows:
        params.extend(values)
    return sql.SQL("INSERT INTO {table} ({columns}) VALUES {rows}").format(
        table=sql.Identifier(table), columns=_names(columns), rows=sql.SQL(", ").join([one] * len(rows))
    )


def _copy(
    table: str,
    columns: list[str],
    adapters: list[tuple[int, Callable[[Any], Any]]],
    rows: Iterable[Sequence[Any]],
) -> int:
    """PostgreSQL's COPY: the fastest way in, one round trip for the whole set."""
    count = 0
    statement = sql.SQL("COPY {table} ({columns}) FROM STDIN").format(
        table=sql.Identifier(table), columns=_names(columns)
    )
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(statement) as copy,
    ):
        for values in _adapted(rows, adapters):
            copy.write_row(values)
            count += 1
    return count


@dataclass(frozen=True)
class _Target:
    table: str
    columns: list[str]
    adapter_kinds: tuple[tuple[int, str], ...]
    json_columns: tuple[int, ...]

    @property
    def adapters(self) -> list[tuple[int, Callable[[Any], Any]]]:
        return [(index, _adapter(kind)) for index, kind in self.adapter_kinds]


_TARGETS: dict[tuple[type[models.Model], tuple[str, ...]], _Target] = {}


def _target(model: type[models.Model], columns: Sequence[str]) -> _Target:
    key = (model, tuple(columns))
    target = _TARGETS.get(key)
    if target is None:
        target = _TARGETS[key] = _new_target(model, columns)
    return target


def _new_target(model: type[models.Model], columns: Sequence[str]) -> _Target:
    fields: list[models.Field[Any, Any]] = []
    for column in columns:
        field = model._meta.get_field(column)
        if not isinstance(field, models.Field):
            raise TypeError(f"{column} is a relation, not a column of {model._meta.label}")
        fields.append(field)
    kinds = tuple((index, kind) for index, field in enumerate(fields) if (kind := _adapter_kind(field)))
    json_columns = tuple(index for index, kind in kinds if kind == "json")
    return _Target(model._meta.db_table, [str(field.column) for field in fields], kinds, json_columns)


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
                cursor.execute(statement.as_string(cursor.cursor), params)
        return len(first)
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(target.table)} ({', '.join(quote(column) for column in target.columns)}) "
        f"VALUES ({', '.join(['%s'] * len(target.columns))})"
    )
    return _executemany(sql, _adapted(rows, target.adapters))


def bulk_insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ``rows`` (values in the order of ``columns``, given as attribute names) into ``model``'s table."""
    return _insert_rows(_target(model, columns), rows)


#: The text of each multi-row insert answering with two columns, by table, columns, rows and answer.
_RETURNING_STATEMENTS: dict[tuple[Any, ...], str] = {}


def bulk_insert_returning(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    key: str,
    returning: str = "id",
) -> list[Any]:
    """Insert ``rows`` into ``model``'s table and answer with each row's ``returning`` column (its new
    id), in the order of the rows, as ``bulk_create`` does, but from plain values: no model instance
    and no per-field preparing of one. ``key`` is one of ``columns`` whose values are unique among
    the rows (a customer's number): the database answers with it beside each id, so no order of its
    answer is relied on. On PostgreSQL many rows go into a temporary table with one COPY and on with
    one ``INSERT ... SELECT ... RETURNING``; a few, and every set on SQLite, as multi-row
    ``INSERT ... VALUES ... RETURNING``."""
    if not rows:
        return []
    target = _target(model, columns)
    position = list(columns).index(key)
    answer = (target.columns[position], _target(model, [returning]).columns[0])
    if connection.vendor == "postgresql" and len(rows) >= _FEW:
        found = _copy_returning(target, rows, answer)
    else:
        found = _values_returning(target, rows, answer)
    by_key = dict(found)
    return [by_key[row[position]] for row in rows]


def _values_returning(target: _Target, rows: Sequence[Sequence[Any]], answer: tuple[str, str]) -> list[Any]:
    limit = connection.features.max_query_params or 65535
    per_statement = max(1, min(len(rows), limit // len(target.columns), 500))
    found: list[Any] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = list(_adapted(rows[start : start + per_statement], target.adapters))
            params = [value for values in chunk for value in values]
            if connection.vendor == "postgresql":
                statement_key = (target.table, tuple(target.columns), len(chunk), answer)
                text = _RETURNING_STATEMENTS.get(statement_key)
                if text is None:
                    statement = sql.SQL("{} RETURNING {}").format(
                        _values_insert(target.table, target.columns, chunk, []), _names(answer)
                    )
                    text = _RETURNING_STATEMENTS[statement_key] = statement.as_string(cursor.cursor)
                cursor.execute(text, params)
            else:
                quote = connection.ops.quote_name
                one = f"({', '.join(['%s'] * len(target.columns))})"
                cursor.execute(
                    f"INSERT INTO {quote(target.table)} ({', '.join(map(quote, target.columns))}) "
                    f"VALUES {', '.join([one] * len(chunk))} RETURNING {', '.join(map(quote, answer))}",
                    params,
                )
            found.extend(cursor.fetchall())
    return found


def _copy_returning(target: _Target, rows: Sequence[Sequence[Any]], answer: tuple[str, str]) -> list[Any]:
    staging = f"lojal_insert_{target.table}"
    parts = {
        "table": sql.Identifier(target.table),
        "staging": sql.Identifier(staging),
        "columns": _names(target.columns),
        "answer": _names(answer),
    }
    with connection.cursor() as cursor:

        def run(statement: LiteralString) -> None:
            cursor.execute(sql.SQL(statement).format(**parts).as_string(cursor.cursor))

        run("DROP TABLE IF EXISTS {staging}")
        # The temporary table takes its column types from the table itself.
        run("CREATE TEMPORARY TABLE {staging} AS SELECT {columns} FROM {table} WITH NO DATA")
        _copy(staging, target.columns, target.adapters, rows)
        run("INSERT INTO {table} ({columns}) SELECT {columns} FROM {staging} RETURNING {answer}")
        found = cursor.fetchall()
        run("DROP TABLE {staging}")
    return found


def _executemany(sql: str, rows: Iterable[Sequence[Any]]) -> int:
    """Run ``sql`` for each row, _BATCH rows per ``executemany``; returns how many rows."""
    count = 0
    with connection.cursor() as cursor:
        rows = iter(rows)
        while batch := list(itertools.islice(rows, _BATCH)):
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


Insert = tuple[type[models.Model], Sequence[str], Iterable[Sequence[Any]]]


def bulk_insert_many(inserts: Sequence[Insert], *, returning: str = "") -> list[Any] | None:
    """Several :func:`bulk_insert` calls, in order. Rows may reference rows inserted before them in
    the list (foreign keys are checked at commit).

    On PostgreSQL, when every one of them is small, all go in one statement and one round trip: each
    INSERT a data-modifying CTE of the last one, each table's rows one JSON parameter. The statement's
    text is then the same whatever the number of rows, so the connection prepares it once and the
    server plans it once. Only then are the values of the last insert's ``returning`` column given
    back, in the order of its rows; otherwise the answer is None.
    """
    planned = [(_target(model, columns), iter(rows)) for model, columns, rows in inserts]
    if connection.vendor != "postgresql":
        for target, rows in planned:
            _insert_rows(target, rows)
        return None
    heads = [(target, list(itertools.islice(rows, _FEW)), rows) for target, rows in planned]
    if not heads or any(len(head) == _FEW for _target_, head, _rest in heads):
        for target, head, rest in heads:
            _insert_rows(target, itertools.chain(head, rest))
        return None
    statement, params = _json_inserts([(target, head) for target, head, _rest in heads], returning)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return [row[0] for row in cursor.fetchall()] if returning else None


_JSON_STATEMENTS: dict[tuple[Any, ...], str] = {}
_to_json = DjangoJSONEncoder().default


def _json_inserts(tables: list[tuple[_Target, list[Sequence[Any]]]], returning: str) -> tuple[str, list[str]]:
    """One statement inserting every table's rows from a JSON array (``jsonb_populate_recordset``)."""
    key = (*((target.table, tuple(target.columns)) for target, _rows in tables), returning)
    statement = _JSON_STATEMENTS.get(key)
    if statement is None:
        statement = _JSON_STATEMENTS[key] = _json_statement([target for target, _rows in tables], returning)
    return statement, [
        orjson.dumps(
            [dict(zip(target.columns, _json_ready(row, target), strict=True)) for row in rows],
            default=_to_json,
        ).decode()
        for target, rows in tables
    ]


def _json_statement(targets: list[_Target], returning: str) -> str:
    """Each target's INSERT from one JSON parameter, all but the last as data-modifying CTEs; the
    last answers with its ``returning`` column in the order of its rows."""

    def insert(target: _Target, ordered: bool) -> sql.Composed:
        return sql.SQL(
            "INSERT INTO {table} ({columns}) SELECT {columns} "
            "FROM jsonb_populate_recordset(NULL::{table}, %s::jsonb){ordinality}"
        ).format(
            table=sql.Identifier(target.table),
            columns=_names(target.columns),
            ordinality=sql.SQL(" WITH ORDINALITY ORDER BY ordinality") if ordered else sql.SQL(""),
        )

    *first, last = targets
    statement = insert(last, bool(returning))
    if returning:
        statement = sql.SQL("{} RETURNING {}").format(statement, sql.Identifier(returning))
    if first:
        steps = sql.SQL(", ").join(
            sql.SQL("{} AS ({})").format(sql.Identifier(f"step{number}"), insert(target, False))
            for number, target in enumerate(first)
        )
        statement = sql.SQL("WITH {} {}").format(steps, statement)
    with connection.cursor() as cursor:
        return statement.as_string(cursor.cursor)


def _json_ready(row: Sequence[Any], target: _Target) -> list[Any]:
    """A row's values for JSON; JSON columns are written exactly as :func:`_adapter` writes them."""
    values = list(row)
    for index in target.json_columns:
        if values[index] is not None:
            values[index] = orjson.Fragment(_adapter_json(values[index]))
    return values


def bulk_update(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]], *, key: str = "id"
) -> int:
    """Set ``columns`` of many rows of ``model`` at once; each row is its ``key`` value followed by
    the new values in the order of ``columns``. On PostgreSQL the rows go into a temporary table with
    one COPY and the table is changed with one ``UPDATE ... FROM``; on SQLite one ``executemany``."""
    target = _target(model, [key, *columns])
    table, key_column, names = target.table, target.columns[0], target.columns[1:]
    if connection.vendor != "postgresql":
        quote = connection.ops.quote_name
        statement = (
            f"UPDATE {quote(table)} SET {', '.join(f'{quote(name)} = %s' for name in names)} "
            f"WHERE {quote(key_column)} = %s"
        )
        # The key goes last, to the WHERE.
        return _executemany(
            statement, ([*values[1:], values[0]] for values in _adapted(rows, target.adapters))
        )
    staging = f"lojal_update_{table}"
    parts = {
        "table": sql.Identifier(table),
        "staging": sql.Identifier(staging),
        "columns": _names(target.columns),
        "key": sql.Identifier(key_column),
        "assignments": sql.SQL(", ").join(
            sql.SQL("{name} = u.{name}").format(name=sql.Identifier(name)) for name in names
        ),
    }
    with connection.cursor() as cursor:

        def run(statement: LiteralString) -> None:
            cursor.execute(sql.SQL(statement).format(**parts).as_string(cursor.cursor))

        run("DROP TABLE IF EXISTS {staging}")
        # The temporary table takes its column types from the table itself.
        run("CREATE TEMPORARY TABLE {staging} AS SELECT {columns} FROM {table} WITH NO DATA")
        count = _copy(staging, target.columns, target.adapters, rows)
        if count:
            run("UPDATE {table} AS t SET {assignments} FROM {staging} AS u WHERE t.{key} = u.{key}")
        run("DROP TABLE {staging}")
    return count
