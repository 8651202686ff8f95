"""The set-based insert paths write every row exactly once, whatever the size (multi-row INSERT for
a few rows, COPY for more on PostgreSQL, executemany on SQLite), with values adapted like the ORM."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lojal.core.bulk import bulk_insert, bulk_insert_many
from lojal.core.models import AuditEntry
from lojal.customers.models import Tag

WHEN = dt.datetime(2026, 3, 1, 12, 30, tzinfo=dt.UTC)


def _audit_rows(count: int, offset: int = 0) -> list[tuple[Any, ...]]:
    return [
        (
            WHEN,
            None,
            "create",
            "tests.thing",
            str(offset + n),
            f"Thing {offset + n}",
            {"n": [None, offset + n]},
        )
        for n in range(count)
    ]


COLUMNS = ("occurred_at", "actor_id", "action", "object_type", "object_id", "object_label", "changes")


@pytest.mark.parametrize("count", [0, 1, 19, 20, 21, 2500])
def test_every_row_lands_once(db: Any, count: int) -> None:
    assert bulk_insert(AuditEntry, COLUMNS, iter(_audit_rows(count))) == count
    stored = list(AuditEntry.objects.order_by("pk").values_list("object_id", "changes", "occurred_at"))
    assert [row[0] for row in stored] == [str(n) for n in range(count)]
    if count:
        assert stored[-1][1] == {"n": [None, count - 1]}
        assert stored[0][2] == WHEN


@pytest.mark.parametrize("sizes", [(0, 0), (1, 3), (19, 19), (20, 1), (3, 500)])
def test_many_inserts_write_every_row_in_order(db: Any, sizes: tuple[int, int]) -> None:
    tags, entries = sizes
    bulk_insert_many(
        [
            (Tag, ("name",), ((f"tag {n}",) for n in range(tags))),
            (AuditEntry, COLUMNS, iter(_audit_rows(entries))),
        ]
    )
    assert sorted(Tag.objects.values_list("name", flat=True)) == sorted(f"tag {n}" for n in range(tags))
    assert AuditEntry.objects.count() == entries


def test_small_inserts_are_one_round_trip_on_postgres(db: Any, django_assert_num_queries: Any) -> None:
    expected = 1 if connection.vendor == "postgresql" else 2
    with django_assert_num_queries(expected):
        bulk_insert_many(
            [
                (Tag, ("name",), [("vip",), ("newsletter",)]),
                (AuditEntry, COLUMNS, _audit_rows(3)),
                (AuditEntry, COLUMNS, []),
            ]
        )
    assert Tag.objects.count() == 2
    assert AuditEntry.objects.count() == 3


@pytest.mark.postgres
def test_postgres_prepares_statements_a_connection_runs_often(db: Any) -> None:
    for n in range(8):
        Tag.objects.filter(name=f"tag {n}").exists()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%customers_tag%"]
        )
        assert cursor.fetchone()[0] >= 1


def test_one_statement_inserts_store_values_exactly_as_a_single_insert_does(db: Any) -> None:
    # given values of every kind the JSON parameters have to carry: microseconds, nested JSON with a
    # date and a decimal, quotes, backslashes, non-Latin text, NULLs
    when = dt.datetime(2026, 3, 1, 12, 30, 5, 123456, tzinfo=dt.UTC)
    changes = {
        "birth_date": [None, dt.date(1988, 3, 20)],
        "amount": [None, Decimal("12.50")],
        "name": ['O\'Brien "Ola"', "Søren Åkesson ❤"],
        "nested": {"list": [1, 2.5, True, None]},
    }
    row = (when, None, "create", "tests.thing", "1", "Åsa «Ö» \\ / \t", changes)
    # when: the same row through bulk_insert_many (one statement) and bulk_insert (one table)
    bulk_insert_many([(AuditEntry, COLUMNS, [row])])
    bulk_insert(AuditEntry, COLUMNS, [(*row[:4], "2", *row[5:])])
    # then
    first, second = AuditEntry.objects.order_by("object_id")
    for stored in (first, second):
        assert stored.occurred_at == when
        assert stored.actor_id is None
        assert stored.object_label == "Åsa «Ö» \\ / \t"
        assert stored.changes == {
            "birth_date": [None, "1988-03-20"],
            "amount": [None, "12.50"],
            "name": ['O\'Brien "Ola"', "Søren Åkesson ❤"],
            "nested": {"list": [1, 2.5, True, None]},
        }


@pytest.mark.postgres
def test_small_inserts_into_several_tables_are_one_statement_whatever_the_row_counts(db: Any) -> None:
    statements = []
    for tags, entries in ((1, 1), (3, 0), (0, 7)):
        with CaptureQueriesContext(connection) as queries:
            bulk_insert_many(
                [
                    (Tag, ("name",), [(f"tag {tags}-{n}",) for n in range(tags)]),
                    (AuditEntry, COLUMNS, _audit_rows(entries)),
                ]
            )
        statements.append(len(queries.captured_queries))
    assert statements == [1, 1, 1]
    assert Tag.objects.count() == 4
    assert AuditEntry.objects.count() == 8


def test_returning_gives_the_last_inserts_ids_in_order_on_postgres(db: Any) -> None:
    returned = bulk_insert_many(
        [
            (Tag, ("name",), [("a",), ("b",)]),
            (AuditEntry, COLUMNS, _audit_rows(3, offset=10)),
        ],
        returning="id",
    )
    if connection.vendor != "postgresql":
        assert returned is None
        return
    assert returned is not None
    assert [AuditEntry.objects.get(pk=pk).object_id for pk in returned] == ["10", "11", "12"]


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 19, 20, 1200])
def test_bulk_insert_returning_answers_each_rows_id_in_the_order_of_the_rows(count: int) -> None:
    # given tags to create, given in an order that is not the order of their names
    from lojal.core.bulk import bulk_insert_returning
    from lojal.customers.models import Tag

    names = [f"tag {index:05d}" for index in reversed(range(count))]

    # when they are inserted (one statement for a few, COPY and INSERT ... SELECT for many on PostgreSQL)
    ids = bulk_insert_returning(Tag, ("name",), [(name,) for name in names], key="name")

    # then each id is the one its row got, in the order the rows were given
    stored = dict(Tag.objects.values_list("name", "pk"))
    assert ids == [stored[name] for name in names]
    assert len(set(ids)) == count


@pytest.mark.django_db
def test_bulk_insert_returning_inserts_nothing_for_no_rows() -> None:
    from lojal.core.bulk import bulk_insert_returning
    from lojal.customers.models import Tag

    assert bulk_insert_returning(Tag, ("name",), [], key="name") == []
    assert not Tag.objects.exists()
