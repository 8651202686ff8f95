"""Allocation of human-facing numbers: a PostgreSQL sequence, or a counter row on SQLite."""

from __future__ import annotations

from django.db import connection, transaction

from lojal.core.models import Sequence

#: Sequences created by migrations, with the first number each hands out.
SEQUENCE_STARTS = {"customer_number": 100001, "case_number": 1}


def sequence_next(*, name: str, count: int = 1) -> list[int]:
    """Reserve ``count`` consecutive-or-not numbers from sequence ``name``; never hands one out twice."""
    if count <= 0:
        return []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [f"lojal_seq_{name}", count])
            return [row[0] for row in cursor.fetchall()]
    with transaction.atomic(), connection.cursor() as cursor:
        update = "UPDATE core_sequence SET last_value = last_value + %s WHERE name = %s RETURNING last_value"
        cursor.execute(update, [count, name])
        row = cursor.fetchone()
        if row is None:
            Sequence.objects.get_or_create(name=name, defaults={"last_value": SEQUENCE_STARTS[name] - 1})
            cursor.execute(update, [count, name])
            row = cursor.fetchone()
        last = row[0]
    return list(range(last - count + 1, last + 1))
