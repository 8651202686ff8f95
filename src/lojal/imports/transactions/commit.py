"""The commit of a checked transaction import, set-based: stub products for new article codes, one
``UPDATE ... FROM`` staging for changed rows, and the new rows inserted from staging a chunk at a time
with their timeline events built by the timeline's set-based builder (the same data as a transaction
recorded through the API). On PostgreSQL each chunk is one statement, ``COPY (WITH inserted AS
(INSERT ... RETURNING ...) SELECT ...) TO STDOUT``: the rows are written and their facts for the
events come back in the same pass, as one text stream that polars parses, with no Python object per
row; the events go back with COPY. On SQLite the chunk is ``INSERT ... RETURNING`` and executemany."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg import sql

from lojal.core.errors import Conflict
from lojal.customers.services import customer_statistics_refresh
from lojal.imports.models import ImportJob, StagedTransaction
from lojal.sales.catalogue import product_stubs_create
from lojal.sales.lifecycle import lifecycle_promote
from lojal.sales.models import Product, Transaction
from lojal.timeline import events
from lojal.timeline.services import events_record_frame

#: The staged columns a transaction takes (the staging-only ones are left out).
WRITTEN = (
    "customer_id",
    "occurred_at",
    "kind",
    "product_id",
    "quantity",
    "amount",
    "currency",
    "margin",
    "channel",
    "external_id",
    "row_hash",
    "attributes",
)
#: Staged rows inserted, and their events written, per round (staging ids, so at most this many).
CHUNK = 50_000
_FACTS = ("id", "customer_id", "occurred_at", "kind", "amount", "currency", "product_id")


def transactions_apply(*, job: ImportJob, actor: Any) -> None:
    """Write what the check of ``job`` staged, inside the commit's transaction."""
    now = timezone.now()
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    staged_rows = StagedTransaction.objects.filter(job_id=job.pk)
    span = staged_rows.aggregate(first=Min("pk"), last=Max("pk"))
    if (job.created_count or job.updated_count) and span["first"] is None:
        # Staging is unlogged on PostgreSQL: a database crash since the check emptied it.
        raise Conflict(_("The checked rows are gone (the database restarted since the check): check again."))
    if span["first"] is None:
        return
    _stubs_create(job, actor)
    if job.updated_count:
        _changed_update(job)
    if _other_commits_since_check(job):
        # Another import of this source committed since this one was checked: rows staged as new may
        # exist by now, and are dropped rather than doubled.
        with connection.cursor() as cursor:
            cursor.execute(
                sql.SQL(
                    "DELETE FROM {staged} WHERE job_id = %s AND action = 'create' AND EXISTS "
                    "(SELECT 1 FROM {target} t WHERE t.source = %s AND t.external_id = {staged}.external_id)"
                )
                .format(
                    staged=sql.Identifier(StagedTransaction._meta.db_table),
                    target=sql.Identifier(Transaction._meta.db_table),
                )
                .as_string(),
                [job.pk, job.source],
            )
    # No ON CONFLICT: the check found these ids new, and imports of a source commit one at a time.
    # Only a transaction recorded by other means since the check can collide; then the whole commit
    # stops and changes nothing.
    try:
        with transaction.atomic():
            for first in range(span["first"], span["last"] + 1, CHUNK):
                facts = _chunk_insert(job, first=first, last=first + CHUNK - 1, created_at=now)
                if facts.height:
                    events_record_frame(events.transactions_recorded(facts, actor_id=actor_id))
    except IntegrityError:
        raise Conflict(
            _("Transactions with some of these ids were recorded since the check: check again.")
        ) from None
    if job.created_count:
        # Customers imported just before may not be in the statistics yet: the promotion's look-up
        # of the staged rows' customers was then planned for an empty table, and at 20,000
        # customers and 200,000 rows took a minute instead of a second.
        customer_statistics_refresh()
    lifecycle_promote(
        among=staged_rows.filter(action="create", kind__in=settings.QUALIFYING_TRANSACTION_KINDS).values(
            "customer_id"
        ),
        among_qualified=True,  # each of these rows was just inserted
    )


def _stubs_create(job: ImportJob, actor: Any) -> None:
    """Products for the article codes the catalogue did not have at the check, named by the file."""
    if not job.report.get("new_product_count"):
        return
    # Each code's staged names are all "" or its one first description, so the largest is it.
    names = dict(
        StagedTransaction.objects.filter(job_id=job.pk)
        .exclude(product_code="")
        .values("product_code")
        .annotate(name=Max("product_name"))
        .values_list("product_code", "name")
    )
    if product_stubs_create(actor=actor, codes=list(names), names=names):
        with connection.cursor() as cursor:
            cursor.execute(
                sql.SQL(
                    "UPDATE {staged} SET product_id = p.id FROM {products} AS p WHERE {staged}.job_id = %s "
                    "AND {staged}.product_code <> '' AND p.code = {staged}.product_code"
                )
                .format(
                    staged=sql.Identifier(StagedTransaction._meta.db_table),
                    products=sql.Identifier(Product._meta.db_table),
                )
                .as_string(),
                [job.pk],
            )


def _changed_update(job: ImportJob) -> None:
    target = sql.Identifier(Transaction._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Statistics as they are now: right after a large import they may still say the table is
            # empty, and the join below would then be planned as a scan per row.
            cursor.execute(sql.SQL("ANALYZE {}").format(target).as_string())
        assignments = sql.SQL(", ").join(
            sql.SQL("{column} = s.{column}").format(column=sql.Identifier(name))
            for name in WRITTEN
            if name != "external_id"
        )
        cursor.execute(
            sql.SQL(
                "UPDATE {target} SET {assignments} FROM {staged} AS s "
                "WHERE s.job_id = %s AND s.action = 'update' AND {target}.id = s.target_id"
            )
            .format(
                target=target,
                assignments=assignments,
                staged=sql.Identifier(StagedTransaction._meta.db_table),
            )
            .as_string(),
            [job.pk],
        )


def _chunk_insert(job: ImportJob, *, first: int, last: int, created_at: Any) -> pl.DataFrame:
    """Insert the new rows staged with ids ``first`` to ``last`` (in staging order) and return what
    their events need, as a frame of :data:`lojal.timeline.events.TRANSACTION_FACTS`."""
    columns = sql.SQL(", ").join(map(sql.Identifier, WRITTEN))
    insert = sql.SQL(
        "INSERT INTO {target} ({columns}, source, created_at) SELECT {columns}, {source}, {created_at} "
        "FROM {staged} WHERE job_id = {job} AND action = 'create' AND id BETWEEN {first} AND {last} "
        "ORDER BY id RETURNING {facts}"
    )
    parts = {
        "target": sql.Identifier(Transaction._meta.db_table),
        "staged": sql.Identifier(StagedTransaction._meta.db_table),
        "columns": columns,
        "facts": sql.SQL(", ").join(map(sql.Identifier, _FACTS)),
        "source": sql.Literal(job.source),
        # Stored as the ORM stores it (naive UTC text on SQLite).
        "created_at": sql.Literal(connection.ops.adapt_datetimefield_value(created_at)),
        "job": sql.Literal(job.pk),
        "first": sql.Literal(first),
        "last": sql.Literal(last),
    }
    schema = events.TRANSACTION_FACTS
    if connection.vendor == "postgresql":
        query = sql.SQL(
            "COPY (WITH inserted AS ({insert}) SELECT i.id, i.customer_id, "
            "(extract(epoch FROM i.occurred_at) * 1000000)::bigint, i.kind, i.amount, i.currency, "
            "coalesce(p.name, '') FROM inserted i LEFT JOIN {products} p ON p.id = i.product_id "
            "ORDER BY i.id) TO STDOUT (FORMAT csv)"
        ).format(insert=insert.format(**parts), products=sql.Identifier(Product._meta.db_table))
        buffer = bytearray()
        with (
            connection.cursor() as cursor,
            connection.wrap_database_errors,
            cursor.cursor.copy(query) as copy,
        ):
            for block in copy:
                buffer += block
        if not buffer:
            return pl.DataFrame(schema=schema)
        read = pl.read_csv(
            bytes(buffer),
            has_header=False,
            new_columns=list(schema),
            schema_overrides={**schema, "occurred_at": pl.Int64, "amount": pl.String},
        )
        return read.with_columns(
            pl.col("occurred_at").cast(pl.Datetime("us", "UTC")),
            pl.col("amount").cast(schema["amount"]),
            pl.col("product").fill_null(""),
        ).select(list(schema))
    parts["facts"] = sql.Identifier("id")
    with connection.cursor() as cursor:
        cursor.execute(insert.format(**parts).as_string())
        ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        return pl.DataFrame(schema=schema)
    rows = (
        Transaction.objects.filter(
            source=job.source, created_at=created_at, pk__gte=min(ids), pk__lte=max(ids)
        )
        .order_by("pk")
        .values_list("pk", "customer_id", "occurred_at", "kind", "amount", "currency", "product__name")
    )
    frame = pl.DataFrame(list(rows), schema=list(schema), orient="row")
    return frame.with_columns(
        pl.col("occurred_at").dt.convert_time_zone("UTC").cast(schema["occurred_at"]),
        pl.col("product").fill_null(""),
        *(
            pl.col(name).cast(dtype)
            for name, dtype in schema.items()
            if name not in ("occurred_at", "product")
        ),
    )


def _other_commits_since_check(job: ImportJob) -> bool:
    """Whether another import of this source finished after this one was created (so before or during
    its check): then rows this check saw as new may be stored by now."""
    return (
        ImportJob.objects.filter(
            source=job.source,
            kind=job.kind,
            status=ImportJob.Status.DONE,
            finished_at__gte=job.created_at,
        )
        .exclude(pk=job.pk)
        .exists()
    )
