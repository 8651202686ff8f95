"""Lifecycle stages that follow the transactions: a lead or registrant (or a former customer) becomes a
customer at the first qualifying transaction; a customer whose every holding has ended and who has
not transacted for a configured period becomes a former customer. Both are set-based: one statement
finds the customers, one updates them, one bulk insert records the events and audit entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import polars as pl
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from lojal.core.bulk import bulk_insert
from lojal.core.models import AuditEntry
from lojal.core.phrases import Phrase
from lojal.customers.models import Customer, Stage
from lojal.sales.models import ENDED_STATUSES, Holding, Transaction
from lojal.timeline import events
from lojal.timeline.services import events_record_frame

PROMOTABLE_STAGES = (Stage.LEAD.value, Stage.REGISTRANT.value, Stage.FORMER.value)
CUSTOMER_STAGES = (Stage.CUSTOMER.value, Stage.AT_RISK.value)
_CHUNK = 500
_STAGE_CHUNK = 5000  # customers changed, and their events written, per round
_STAGE_IDS = "lojal_stage_change_ids"  # a temporary table: the ids of the customers being moved


def _record_changes(
    changes: Sequence[tuple[int, str, str]], *, new_stage: str, reason: Phrase, actor: Any = None
) -> None:
    """Stage changes as timeline events (shaped as one frame, not one draft per customer) and audit
    entries, written in bulk."""
    if not changes:
        return
    now = timezone.now()
    actor_id = events.actor_id_of(actor)
    moved = pl.DataFrame(changes, schema={**events.STAGE_CHANGES, "label": pl.String()}, orient="row")
    events_record_frame(
        events.stages_changed(moved, new_stage=new_stage, reason=reason, occurred_at=now, actor_id=actor_id)
    )
    bulk_insert(
        AuditEntry,
        ("occurred_at", "actor_id", "action", "object_type", "object_id", "object_label", "changes"),
        (
            (
                now,
                actor_id,
                "update",
                "customers.customer",
                str(customer_id),
                label[:200],
                {"lifecycle_stage": [old, new_stage], "reason": reason.english},
            )
            for customer_id, old, label in changes
        ),
    )


def _change_stage(customers: Any, *, new_stage: str, reason: Phrase) -> int:
    """Move ``customers`` to ``new_stage``, recording each change. Their ids are set aside in a
    temporary table of the database, not in memory (an import can promote millions of customers at
    once), and names, events and audit entries are made and written a chunk at a time. Runs inside
    the caller's transaction."""
    sql, params = customers.values_list("pk", flat=True).order_by().query.sql_with_params()
    total, last = 0, 0
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_STAGE_IDS}")
        cursor.execute(f"CREATE TEMPORARY TABLE {_STAGE_IDS} (id bigint PRIMARY KEY)")
        cursor.execute(f"INSERT INTO {_STAGE_IDS} (id) {sql}", params)
        while True:
            cursor.execute(
                f"SELECT id FROM {_STAGE_IDS} WHERE id > %s ORDER BY id LIMIT %s", [last, _STAGE_CHUNK]
            )
            chunk = [row[0] for row in cursor.fetchall()]
            if not chunk:
                break
            last = chunk[-1]
            changes = [
                (pk, old, f"{name} ({number})")
                for pk, old, name, number in Customer.objects.filter(pk__in=chunk).values_list(
                    "pk", "lifecycle_stage", "display_name", "customer_number"
                )
            ]
            Customer.objects.filter(pk__in=chunk).update(lifecycle_stage=new_stage, updated_at=timezone.now())
            _record_changes(changes, new_stage=new_stage, reason=reason)
            total += len(chunk)
        # Dropped here when all went well; on an error the transaction's rollback takes it away.
        cursor.execute(f"DROP TABLE {_STAGE_IDS}")
    return total


@transaction.atomic
def lifecycle_promote(
    *,
    customer_ids: Sequence[int] | None = None,
    among: QuerySet[Any, Any] | None = None,
    among_qualified: bool = False,
) -> int:
    """Make customers of those with a qualifying transaction who are not customers yet; returns how many.

    ``customer_ids`` (a list) or ``among`` (a subquery of customer ids, e.g. an import's staged rows)
    narrow the check to customers that just transacted. ``among_qualified`` says that every customer in
    ``among`` has just recorded a qualifying transaction (an import's committed rows), so the
    transactions are not searched again: right after a large insert their statistics may still say
    the table is empty, and that search was then planned as a scan per customer."""
    candidates = Customer.objects.live().filter(lifecycle_stage__in=PROMOTABLE_STAGES)
    if not (among is not None and among_qualified):
        qualifying = Transaction.objects.filter(
            customer_id=OuterRef("pk"), kind__in=settings.QUALIFYING_TRANSACTION_KINDS
        )
        candidates = candidates.filter(Exists(qualifying))
    reason = Phrase("stage.first_qualifying_transaction")
    if among is not None:
        candidates = candidates.filter(pk__in=among)
    if customer_ids is not None:
        total = 0
        ids = list(customer_ids)
        for start in range(0, len(ids), _CHUNK):
            total += _change_stage(
                candidates.filter(pk__in=ids[start : start + _CHUNK]),
                new_stage=Stage.CUSTOMER.value,
                reason=reason,
            )
        return total
    return _change_stage(candidates, new_stage=Stage.CUSTOMER.value, reason=reason)


@transaction.atomic
def lifecycle_retire_inactive(*, now: dt.datetime | None = None, after_days: int | None = None) -> int:
    """Make former customers of customers whose holdings have all ended and whose last transaction is
    older than ``after_days`` (LOJAL_FORMER_CUSTOMER_AFTER_DAYS); returns how many."""
    days = settings.FORMER_CUSTOMER_AFTER_DAYS if after_days is None else after_days
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    open_holding = Holding.objects.filter(customer_id=OuterRef("pk")).exclude(status__in=ENDED_STATUSES)
    candidates = (
        Customer.objects.live()
        .filter(lifecycle_stage__in=CUSTOMER_STAGES)
        .annotate(last_transaction=Max("transactions__occurred_at"))
        .filter(Q(last_transaction__lt=cutoff))
        .exclude(Exists(open_holding))
    )
    return _change_stage(
        candidates,
        new_stage=Stage.FORMER.value,
        reason=Phrase("stage.inactive_for_days", {"days": days}),
    )
