"""Creating customers, one or a batch, through one set-based path: validate everything first, then
insert customers, contact points, tags, audit entries and timeline events with a single bulk insert
each (COPY on PostgreSQL), then look for duplicates among the new ones in one query (for a batch,
in the background worker after commit)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lojal.core.audit import AuditRow, audit_insert
from lojal.core.bulk import Insert, bulk_insert_many
from lojal.core.errors import ValidationError
from lojal.core.sequences import sequence_next
from lojal.customers import duplicates
from lojal.customers.derived import refresh_derived
from lojal.customers.models import Address, Customer, EmailAddress, Kind, PhoneNumber, Stage
from lojal.customers.services import (
    PLAIN_FIELDS,
    apply_national_id,
    check_national_id_free,
    duplicates_check_on_commit,
    national_id_taken,
    primary_copies,
    tags_resolve,
)
from lojal.customers.validation import customer_clean
from lojal.timeline import events
from lojal.timeline.events import EventDraft
from lojal.timeline.services import events_insert

BATCH_MAX = 1000
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


def _build(cleaned: Mapping[str, Any], kind: str, number: int) -> Customer:
    customer = Customer(
        kind=kind,
        customer_number=number,
        **{field: cleaned[field] for field in PLAIN_FIELDS if field in cleaned},
    )
    customer.lifecycle_stage = cleaned.get("lifecycle_stage") or Stage.LEAD
    apply_national_id(customer, cleaned.get("national_id"))
    primary_copies(customer, cleaned)
    refresh_derived(customer)
    return customer


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


def _insert(prepared: Sequence[Prepared], actor: Any) -> list[Created]:
    """Write validated customers and everything that belongs to them; returns them with their ids.

    The customers go in first, with one ``bulk_create`` that hands their ids back (``RETURNING``);
    then everything that refers to them. On PostgreSQL a single customer (or a few) takes four
    round trips: its number, the customer, one statement inserting its contact points, tags, audit
    entry and timeline event (answering with the event's id), then the duplicate check. Larger sets
    go in with one COPY per table.
    """
    numbers = sequence_next(name="customer_number", count=len(prepared))
    customers = [
        _build(cleaned, kind, number) for (kind, cleaned), number in zip(prepared, numbers, strict=True)
    ]
    Customer.objects.bulk_create(customers)
    if customers[0].pk is None:
        # A database that cannot answer a bulk insert with the new rows (SQLite before 3.35).
        by_number = dict(
            Customer.objects.filter(customer_number__in=numbers).values_list("customer_number", "pk")
        )
        for customer in customers:
            customer.pk = by_number[customer.customer_number]
    actor_id = events.actor_id_of(actor)
    pairs = list(zip(customers, (cleaned for _kind, cleaned in prepared), strict=True))
    drafts = [
        events.customer_created(
            customer_id=c.pk,
            name=c.display_name,
            stage=c.lifecycle_stage,
            occurred_at=c.created_at,
            actor_id=actor_id,
        )
        for c in customers
    ]
    tag_ids, tag_names = _tag_ids([name for _customer, cleaned in pairs for name in cleaned.get("tags", [])])
    inserts = contact_point_inserts([(c.pk, cleaned) for c, cleaned in pairs])
    inserts += [
        (
            Customer.tags.through,
            ("customer_id", "tag_id"),
            ((c.pk, tag_ids[name.casefold()]) for c, cleaned in pairs for name in cleaned.get("tags", [])),
        ),
        audit_insert(
            AuditRow(
                occurred_at=c.created_at,
                actor_id=actor_id,
                action="create",
                obj=c,
                changes=audit_values(cleaned),
            )
            for c, cleaned in pairs
        ),
        events_insert(drafts),
    ]
    event_ids: Sequence[int | None] = bulk_insert_many(inserts, returning="id") or [None] * len(customers)
    created_ids = [c.pk for c in customers]
    if len(created_ids) == 1:
        duplicates.duplicates_check(customer_ids=created_ids, just_created=True)
    else:
        # A batch's duplicate search runs in the worker once the batch is committed, off the request.
        duplicates_check_on_commit(customer_ids=created_ids)
    return [
        Created(
            customer=c,
            cleaned=cleaned,
            tag_names=[tag_names[name.casefold()] for name in cleaned.get("tags", [])],
            event_id=event_id,
            event=draft,
        )
        for (c, cleaned), event_id, draft in zip(pairs, event_ids, drafts, strict=True)
    ]


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
            return _insert([(kind, cleaned)], actor)[0]
    except IntegrityError:
        # The unique index on national numbers refused it (no look-up first: the index is the check,
        # and it also holds against a concurrent create); name the customer who has the number.
        check_national_id_free(cleaned.get("national_id"), actor=actor)
        raise


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
    return [created.customer for created in _insert(prepared, actor)]


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


def customers_create_validated(*, actor: Any, prepared: Sequence[Prepared]) -> list[Customer]:
    """Create customers already validated by ``customer_clean`` (an import checks them in its dry run):
    the same set-based insert as a batch, in the caller's transaction, in the order given; their
    duplicate search is booked at once in that transaction."""
    return [created.customer for created in _insert(prepared, actor)]
