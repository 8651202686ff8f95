"""Polars frames into a table (an import's staging, the timeline's events): COPY on PostgreSQL from the
frame's CSV text, batched executemany on SQLite, values stored as the ORM stores them (moments as UTC,
JSON as text) and no Python object made per value on PostgreSQL."""

from __future__ import annotations

import io

import polars as pl
from django.db import connection, models
from psycopg import sql

_BATCH = 2000


def frame_insert(model: type[models.Model], frame: pl.DataFrame) -> int:
    """Insert ``frame``'s rows into ``model``'s table; its columns are the table's, JSON columns as
    text. Returns how many rows."""
    if not frame.height:
        return 0
    table, columns = model._meta.db_table, frame.columns
    if connection.vendor == "postgresql":
        buffer = io.BytesIO()
        # Texts always quoted, so "" stays an empty text and only a missing value is NULL.
        frame.write_csv(
            buffer,
            include_header=False,
            quote_style="non_numeric",
            null_value="",
            datetime_format="%Y-%m-%d %H:%M:%S%.6f%:z",
        )
        statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with (
            connection.cursor() as cursor,
            connection.wrap_database_errors,
            cursor.cursor.copy(statement) as copy,
        ):
            copy.write(buffer.getbuffer())
        return frame.height
    rows = frame.select(
        # A moment as the ORM stores it on SQLite (naive UTC text), a decimal as its text.
        _sqlite_moment(pl.col(name))
        if isinstance(dtype, pl.Datetime)
        else pl.col(name).cast(pl.String)
        if isinstance(dtype, pl.Decimal)
        else pl.col(name)
        for name, dtype in frame.schema.items()
    )
    quote = connection.ops.quote_name
    statement_text = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(name) for name in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for batch in rows.iter_slices(_BATCH):
            cursor.executemany(statement_text, batch.rows())
    return frame.height


def _sqlite_moment(moment: pl.Expr) -> pl.Expr:
    utc = moment.dt.convert_time_zone("UTC")
    return (
        pl.when(utc.dt.microsecond() != 0)
        .then(utc.dt.strftime("%Y-%m-%d %H:%M:%S%.6f"))
        .otherwise(utc.dt.strftime("%Y-%m-%d %H:%M:%S"))
    )
