"""Allocation of human-facing numbers: a PostgreSQL sequence, or a counter row on SQLite."""

from __future__ import annotations

from django.db import connection, transaction

from lojal.core.models import Sequence

#: Sequences created by migrations, with the first number each hands out.
SEQUENCE_STARTS = {"customer_number": 100001}


def sequence_next(*, name: str, count: int = 1) -> list[int]:
    """Reserve ``count`` consecutive-or-not numbers from sequence ``name``; never hands one out twice."""
    if count <= 0:
        return []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [f"lojal_seq_{name}", count])
            return [row[0] for row in cursor.fetchall()]
    start = SEQUENCE_STARTS[name]
    with transaction.atomic():
        Sequence.objects.get_or_create(name=name, defaults={"last_value": start - 1})
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE core_sequence SET last_value = last_value + %s WHERE name = %s RETURNING last_value",
                [count, name],
            )
            last = cursor.fetchone()[0]
    return list(range(last - count + 1, last + 1))
