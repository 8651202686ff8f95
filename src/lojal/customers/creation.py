"""Creating customers, one or a batch, through one set-based path: validate everything first, then
insert customers, contact points, tags, audit entries and timeline events with a single bulk insert
each (COPY on PostgreSQL), then look for duplicates among the new ones in one query (for a batch,
in the background worker after commit)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lojal.core.audit import audit_insert_values
from lojal.core.bulk import Insert, bulk_insert_many, bulk_insert_returning
from lojal.core.errors import ValidationError
from lojal.core.sequences import sequence_next
from lojal.customers import duplicates
from lojal.customers.models import Address, Customer, EmailAddress, Kind, PhoneNumber
from lojal.customers.rows import CUSTOMER_COLUMNS, customer_row, customer_values, customers_from_rows
from lojal.customers.services import (
    check_national_id_free,
    duplicates_check_on_commit,
    national_id_taken,
    tags_resolve,
)
from lojal.customers.validation import customer_clean
from lojal.timeline import events
from lojal.timeline.events import EventDraft
from lojal.timeline.services import events_insert, events_record_frame

BATCH_MAX = 1000
#: Fewer customers than this go in with one statement for all their rows (see :func:`_insert`).
ONE_STATEMENT_BELOW = 20
ADDRESS_COLUMNS = (
    "customer_id",
    "label",
    "street",
    "postal_code",
    "city",
    "municipality",
    "region",
    "country",
    "is_primary",
    "match_key",
)
_KINDS = Kind.values

Prepared = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class Created:
    """A customer just written, with what an answer about it needs besides its own fields: its
    contact points are in ``cleaned``, its tags' stored names in ``tag_names``, and ``event_id`` is
    its creation event where the database handed that back in the same round trip (else None);
    ``event`` is that event as written."""

    customer: Customer
    cleaned: Mapping[str, Any]
    tag_names: list[str]
    event_id: int | None
    event: EventDraft


def _kind_of(data: Mapping[str, Any]) -> str:
    kind = data.get("kind", Kind.PERSON)
    if kind not in _KINDS:
        raise ValidationError.for_field(
            "kind", _("Must be one of: %(allowed)s.") % {"allowed": ", ".join(_KINDS)}
        )
    return str(kind)


def _prepare(data: Mapping[str, Any]) -> Prepared:
    kind = _kind_of(data)
    return kind, customer_clean(data={k: v for k, v in data.items() if k != "kind"}, kind=kind, partial=False)


def audit_values(cleaned: Mapping[str, Any]) -> dict[str, list[Any]]:
    """What a new customer was created with, for the audit log; national numbers are not repeated there."""
    values: dict[str, list[Any]] = {}
    for field, value in cleaned.items():
        if field == "national_id":
            values[field] = [None, "(set)" if value else None]
        elif field in ("emails", "phones"):
            key = "address" if field == "emails" else "number"
            values[field] = [None, [entry[key] for entry in value]]
        elif field == "addresses":
            values[field] = [None, [f"{a['street']}, {a['postal_code']} {a['city']}" for a in value]]
        else:
            values[field] = [None, value]
    return values


def contact_point_inserts(items: Sequence[tuple[int, Mapping[str, Any]]]) -> list[Insert]:
    """The email, phone and address rows of cleaned customers, given as (customer id, cleaned data),
    for :func:`bulk_insert_many` or one :func:`bulk_insert` each; a kind missing from the data gives
    no rows."""
    return [
        (
            EmailAddress,
            ("customer_id", "address", "label", "is_primary"),
            (
                (pk, e["address"], e["label"], e["is_primary"])
                for pk, cleaned in items
                for e in cleaned.get("emails", [])
            ),
        ),
        (
            PhoneNumber,
            ("customer_id", "number", "label", "is_primary"),
            (
                (pk, p["number"], p["label"], p["is_primary"])
                for pk, cleaned in items
                for p in cleaned.get("phones", [])
            ),
        ),
        (
            Address,
            ADDRESS_COLUMNS,
            (
                (pk, *(a[column] for column in ADDRESS_COLUMNS[1:]))
                for pk, cleaned in items
                for a in cleaned.get("addresses", [])
            ),
        ),
    ]


@dataclass(frozen=True)
class _Written:
    """Customers just written: their ids and rows (as :mod:`lojal.customers.rows` built them), the
    cleaned data they came from, stored tag names by folded name, and, for a set small enough to go
    in as one statement, their creation events as written with the ids the database gave them."""

    ids: list[int]
    rows: list[dict[str, Any]]
    cleaned: Sequence[Mapping[str, Any]]
    tag_names: dict[str, str]
    drafts: list[EventDraft] | None
    event_ids: Sequence[int | None]


def _insert(prepared: Sequence[Prepared], actor: Any) -> _Written:
    """Write validated customers and everything that belongs to them.

    The customers go in first, as plain rows that the database answers with their ids beside their
    numbers (:func:`bulk_insert_returning`: no model object per customer); then everything that
    refers to them. On PostgreSQL a single customer (or a few) takes four round trips: its number, the
    customer, one statement inserting its contact points, tags, audit entry and timeline event
    (answering with the event's id), then the duplicate check. Larger sets go in with one COPY per
    table, their creation events built as one frame (:func:`events.customers_created`).
    """
    numbers = sequence_next(name="customer_number", count=len(prepared))
    now = timezone.now()
    rows = [
        customer_values(kind, cleaned, number=number, now=now)
        for (kind, cleaned), number in zip(prepared, numbers, strict=True)
    ]
    ids = bulk_insert_returning(
        Customer, CUSTOMER_COLUMNS, [customer_row(values) for values in rows], key="customer_number"
    )
    actor_id = events.actor_id_of(actor)
    cleaned_all = [cleaned for _kind, cleaned in prepared]
    tag_ids, tag_names = _tag_ids([name for cleaned in cleaned_all for name in cleaned.get("tags", [])])
    inserts = contact_point_inserts(list(zip(ids, cleaned_all, strict=True)))
    inserts += [
        (
            Customer.tags.through,
            ("customer_id", "tag_id"),
            (
                (pk, tag_ids[name.casefold()])
                for pk, cleaned in zip(ids, cleaned_all, strict=True)
                for name in cleaned.get("tags", [])
            ),
        ),
        audit_insert_values(
            Customer,
            "create",
            (
                (
                    now,
                    actor_id,
                    pk,
                    f"{values['display_name']} ({values['customer_number']})",
                    audit_values(cleaned),
                )
                for pk, values, cleaned in zip(ids, rows, cleaned_all, strict=True)
            ),
        ),
    ]
    drafts: list[EventDraft] | None = None
    event_ids: Sequence[int | None] = [None] * len(ids)
    if len(ids) < ONE_STATEMENT_BELOW:
        drafts = [
            events.customer_created(
                customer_id=pk,
                name=values["display_name"],
                stage=values["lifecycle_stage"],
                occurred_at=now,
                actor_id=actor_id,
            )
            for pk, values in zip(ids, rows, strict=True)
        ]
        event_ids = bulk_insert_many([*inserts, events_insert(drafts)], returning="id") or event_ids
    else:
        bulk_insert_many(inserts)
        created = pl.DataFrame(
            {
                "customer_id": ids,
                "name": [values["display_name"] for values in rows],
                "stage": [values["lifecycle_stage"] for values in rows],
            },
            schema=events.CUSTOMERS_CREATED,
        )
        events_record_frame(events.customers_created(created, occurred_at=now, actor_id=actor_id))
    if len(ids) == 1:
        duplicates.duplicates_check(customer_ids=ids, just_created=True)
    else:
        # A batch's duplicate search runs in the worker once the batch is committed, off the request.
        duplicates_check_on_commit(customer_ids=ids)
    return _Written(ids, rows, cleaned_all, tag_names, drafts, event_ids)


def _tag_ids(names: list[str]) -> tuple[dict[str, int], dict[str, str]]:
    """Tag ids and stored names by case-folded name; the first spelling met names a new tag."""
    first_spelling: dict[str, str] = {}
    for name in names:
        first_spelling.setdefault(name.casefold(), name)
    if not first_spelling:
        return {}, {}
    spellings = list(first_spelling.values())
    # Tags that exist as spelt, in one plain query; the rest (another case, or new) as tags_resolve finds them.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, name FROM customers_tag WHERE name IN ({', '.join(['%s'] * len(spellings))})",
            spellings,
        )
        exact = cursor.fetchall()
    by_name = {name.casefold(): pk for pk, name in exact}
    stored = {name.casefold(): name for _pk, name in exact}
    missing = [spelling for spelling in spellings if spelling.casefold() not in by_name]
    resolved = tags_resolve(missing) if missing else []
    for tag in resolved:
        by_name.setdefault(tag.name.casefold(), tag.pk)
        stored.setdefault(tag.name.casefold(), tag.name)
    for spelling, tag in zip(missing, resolved, strict=False):
        by_name.setdefault(spelling.casefold(), tag.pk)
        stored.setdefault(spelling.casefold(), tag.name)
    return by_name, stored


def customer_create(*, actor: Any, data: Mapping[str, Any]) -> Customer:
    """Create one customer with its emails, phones, addresses and tags; checks for duplicates."""
    return customer_create_recorded(actor=actor, data=data).customer


def customer_create_recorded(*, actor: Any, data: Mapping[str, Any]) -> Created:
    """:func:`customer_create`, answering with everything that was written, so that the caller can
    show the new customer without reading it back."""
    kind, cleaned = _prepare(data)
    try:
        with transaction.atomic():
            written = _insert([(kind, cleaned)], actor)
    except IntegrityError:
        # The unique index on national numbers refused it (no look-up first: the index is the check,
        # and it also holds against a concurrent create); name the customer who has the number.
        check_national_id_free(cleaned.get("national_id"), actor=actor)
        raise
    assert written.drafts is not None
    return Created(
        customer=customers_from_rows(written.ids, written.rows)[0],
        cleaned=cleaned,
        tag_names=[written.tag_names[name.casefold()] for name in cleaned.get("tags", [])],
        event_id=written.event_ids[0],
        event=written.drafts[0],
    )


@transaction.atomic
def customers_create_batch(*, actor: Any, items: Sequence[Mapping[str, Any]]) -> list[Customer]:
    """Create up to :data:`BATCH_MAX` customers in one transaction: all of them, or none when any is bad."""
    if not items:
        raise ValidationError.for_field("items", _("Send at least one customer."))
    if len(items) > BATCH_MAX:
        raise ValidationError.for_field(
            "items", _("At most %(max)d customers per batch.") % {"max": BATCH_MAX}
        )
    errors: dict[str, list[str]] = {}
    prepared: list[Prepared] = []
    positions: list[int] = []  # each prepared item's index in ``items``, for error keys
    for index, data in enumerate(items):
        try:
            prepared.append(_prepare(data))
        except ValidationError as error:
            for field, reasons in error.errors.items():
                errors.setdefault(f"items[{index}].{field}", []).extend(reasons)
            continue
        positions.append(index)
    _check_numbers_in_batch(prepared, positions, errors, actor)
    if errors:
        failed_items = len({key.split("]")[0] for key in errors})
        raise ValidationError(
            ngettext(
                "%(count)d customer has errors; none was created.",
                "%(count)d customers have errors; none was created.",
                failed_items,
            )
            % {"count": failed_items},
            errors=errors,
        )
    written = _insert(prepared, actor)
    return customers_from_rows(written.ids, written.rows)


def _check_numbers_in_batch(
    prepared: list[Prepared], positions: list[int], errors: dict[str, list[str]], actor: Any
) -> None:
    """National numbers may appear once in a batch and must not belong to an existing customer."""
    numbers_in_batch: dict[tuple[str, str], int] = {}
    for index, (_kind, cleaned) in zip(positions, prepared, strict=True):
        national_id = cleaned.get("national_id")
        if national_id is not None:
            key = (national_id.country, national_id.compact)
            if key in numbers_in_batch:
                errors.setdefault(f"items[{index}].national_id", []).append(
                    _("The same number is on item %(other)d.") % {"other": numbers_in_batch[key]}
                )
            numbers_in_batch[key] = index
    if not numbers_in_batch:
        return
    taken = (
        Customer.objects.live()
        .filter(national_id__in=[compact for _country, compact in numbers_in_batch])
        .values_list("national_id_country", "national_id", "customer_number")
    )
    for country, compact, number in taken:
        if (country, compact) in numbers_in_batch:
            errors.setdefault(f"items[{numbers_in_batch[(country, compact)]}].national_id", []).append(
                national_id_taken(actor=actor, holder_number=number)
            )


def customers_create_validated(*, actor: Any, prepared: Sequence[Prepared]) -> list[int]:
    """Create customers already validated by ``customer_clean`` (an import checks them in its dry run):
    the same set-based insert as a batch, in the caller's transaction, in the order given; their
    duplicate search is booked at once in that transaction. Answers with their ids, in that order."""
    return _insert(prepared, actor).ids
