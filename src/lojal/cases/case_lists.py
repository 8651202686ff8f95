"""Lists of cases for the API: filtered, newest first or in queue order, one page at a time.

The queue order (VIP first, then the next due time with "no due time" last, then the oldest) has a key
that may be empty, which the project's keyset pages (lojal.core.pagination) refuse; its pages are cut
here with a cursor of their own that knows where the empty due times sort."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.core import signing
from django.db import connection
from django.db.models import OuterRef, Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from lojal.cases.models import OPEN_STATUSES, Case, CaseTag
from lojal.cases.schemas import CASE_OUT_COLUMNS, case_row_out
from lojal.cases.selectors import queue_order
from lojal.core.errors import ValidationError

SORTS = ("newest", "queue")
_QUEUE_CURSOR_SALT = "lojal.cases.queue_order"


@dataclass(frozen=True)
class CaseFilters:
    statuses: Sequence[str] = ()
    queue_id: int | None = None
    assignee_id: int | None = None
    unassigned: bool | None = None
    customer_id: int | None = None
    breached: bool | None = None


def case_rows(*, filters: CaseFilters, sort: str = "newest") -> QuerySet[Case]:
    """The cases ``filters`` select, newest first (``sort="newest"``) or, for ``sort="queue"``, the open
    ones in queue order (index ``case_queue_order`` when a queue is named)."""
    cases = Case.objects.all()
    if sort == "queue":
        # The condition of the partial index, spelled as it is, so the planner can use it.
        cases = cases.filter(status__in=sorted(OPEN_STATUSES))
    if filters.statuses:
        cases = cases.filter(status__in=list(filters.statuses))
    if filters.queue_id is not None:
        cases = cases.filter(queue_id=filters.queue_id)
    if filters.assignee_id is not None:
        cases = cases.filter(assignee_id=filters.assignee_id)
    if filters.unassigned is not None:
        cases = cases.filter(assignee__isnull=filters.unassigned)
    if filters.customer_id is not None:
        cases = cases.filter(customer_id=filters.customer_id)
    if filters.breached is not None:
        cases = cases.filter(is_breached=filters.breached)
    if sort == "queue":
        return queue_order(cases)
    return cases.order_by("-opened_at", "-id")


def listed(rows: QuerySet[Case]) -> QuerySet[Case, dict[str, Any]]:
    """``rows`` as the API's lists read them: the answer's columns as values (no model instances) and,
    on PostgreSQL, each case's tags in name order in the same query (``_tags``); see :func:`page_out`."""
    values = rows.values(*CASE_OUT_COLUMNS)
    if connection.vendor == "postgresql":
        names = CaseTag.objects.filter(case_id=OuterRef("id")).order_by("name").values("name")
        values = values.annotate(_tags=ArraySubquery(names))
    return values


def page_out(page: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The API's items of a page of :func:`listed` rows; the tags read with them, or (SQLite) in one
    more query for the page."""
    if page and "_tags" not in page[0]:
        tags = case_tags_of(case_ids=[row["id"] for row in page])
        return [case_row_out(row, tags.get(row["id"], [])) for row in page]
    return [case_row_out(row, row["_tags"]) for row in page]


def queue_page(rows: QuerySet[Case, Any], *, cursor: str | None, limit: int) -> tuple[list[Any], str | None]:
    """``limit`` cases of ``rows`` (in queue order; instances or :func:`listed` values) after
    ``cursor``, and the cursor after the last."""
    if cursor:
        rank, due, last_id = _queue_cursor_decode(cursor)
        after_due = (
            Q(next_due__gt=due) | Q(next_due__isnull=True) | Q(next_due=due, id__gt=last_id)
            if due is not None
            else Q(next_due__isnull=True, id__gt=last_id)
        )
        # The first key's bound on its own lets PostgreSQL start the index scan there.
        rows = rows.filter(Q(vip_rank__lte=rank) & (Q(vip_rank__lt=rank) | (Q(vip_rank=rank) & after_due)))
    found = list(rows[: limit + 1])
    if len(found) <= limit:
        return found, None
    last = found[limit - 1]
    rank, due, last_id = (
        (last["vip_rank"], last["next_due"], last["id"])
        if isinstance(last, dict)
        else (last.vip_rank, last.next_due, last.pk)
    )
    keys: list[Any] = [rank, due.isoformat() if due else None, last_id]
    return found[:limit], signing.Signer(salt=_QUEUE_CURSOR_SALT).sign_object(keys)


def _queue_cursor_decode(cursor: str) -> tuple[int, dt.datetime | None, int]:
    try:
        rank, due, last_id = signing.Signer(salt=_QUEUE_CURSOR_SALT).unsign_object(cursor)
        moment = parse_datetime(due) if due is not None else None
        if not isinstance(rank, int) or not isinstance(last_id, int) or (due is not None and moment is None):
            raise ValueError
        return rank, moment, last_id
    except (signing.BadSignature, ValueError, TypeError):
        raise ValidationError.for_field(
            "cursor", _("This cursor is not valid for this list and sort order.")
        ) from None


def case_tags_of(*, case_ids: list[int]) -> dict[int, list[str]]:
    """The tags of these cases by case id, in name order (one query for a page)."""
    found: dict[int, list[str]] = {}
    rows = CaseTag.objects.filter(case_id__in=case_ids).order_by("name").values_list("case_id", "name")
    for case_id, name in rows:
        found.setdefault(case_id, []).append(name)
    return found
