"""Changing many customers at once (an import's changed rows): the same validation, change detection,
audit entries and timeline events as :func:`lojal.customers.services.customer_update`, but read with
one query per table and written set-based (one UPDATE for the customers, one DELETE and one bulk
insert per kind of contact point, one bulk insert each for the audit log and the timeline)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.core.audit import AUDIT_COLUMNS, jsonable
from lojal.core.bulk import bulk_insert, bulk_update
from lojal.core.errors import Conflict, LojalError, NotFound, ValidationError
from lojal.core.models import AuditEntry
from lojal.customers.creation import contact_point_inserts
from lojal.customers.derived import refresh_derived
from lojal.customers.models import Address, Customer, EmailAddress, PhoneNumber
from lojal.customers.services import (
    PLAIN_FIELDS,
    changes_apply,
    national_id_taken,
    primary_copies,
    tags_resolve,
)
from lojal.timeline import events
from lojal.timeline.services import events_record_many

UPDATED_COLUMNS = (
    *PLAIN_FIELDS,
    "national_id",
    "national_id_country",
    "national_id_kind",
    "national_id_display",
    "primary_email",
    "primary_phone",
    "city",
    "country",
    "display_name",
    "sort_name",
    "search_text",
    "updated_at",
)
_NOT_IN_BATCH = {"lifecycle_stage", "stage_reason", "kind"}


class ItemError(LojalError):
    """One item of a batch failed; ``index`` is its position and ``error`` what went wrong."""

    def __init__(self, index: int, error: LojalError) -> None:
        super().__init__(error.message, errors=error.errors)
        self.index = index
        self.error = error


@dataclass
class _Stored:
    """What a customer has now, read for the whole batch at once."""

    emails: list[tuple[str, str]] = field(default_factory=list)  # (address, label), primary first
    phones: list[tuple[str, str]] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def _stored(ids: list[int], *, tags: bool) -> dict[int, _Stored]:
    stored = {pk: _Stored() for pk in ids}
    for customer_id, address, label in (
        EmailAddress.objects.filter(customer_id__in=ids)
        .order_by("customer_id", "-is_primary", "id")
        .values_list("customer_id", "address", "label")
    ):
        stored[customer_id].emails.append((address, label))
    for customer_id, number, label in (
        PhoneNumber.objects.filter(customer_id__in=ids)
        .order_by("customer_id", "-is_primary", "id")
        .values_list("customer_id", "number", "label")
    ):
        stored[customer_id].phones.append((number, label))
    for place in Address.objects.filter(customer_id__in=ids).order_by("customer_id", "-is_primary", "id"):
        stored[place.customer_id].addresses.append(place)
    if tags:
        for customer_id, name in (
            Customer.tags.through.objects.filter(customer_id__in=ids)
            .order_by("tag__name")
            .values_list("customer_id", "tag__name")
        ):
            stored[customer_id].tags.append(name)
    return stored


def _keep_others(data: Mapping[str, Any], stored: _Stored) -> dict[str, Any]:
    """The given email, phone or address becomes the primary one; the customer's others are kept,
    with their labels."""
    merged = dict(data)
    if merged.get("emails"):
        first = merged["emails"][0]
        typed = (first if isinstance(first, str) else str(first.get("address", ""))).strip().lower()
        merged["emails"] = [
            first,
            *({"address": a, "label": label} for a, label in stored.emails if a != typed),
        ][:20]
    if merged.get("phones"):
        first = merged["phones"][0]
        merged["phones"] = [
            first,
            *({"number": n, "label": label} for n, label in stored.phones if n != first),
        ][:20]
    if merged.get("addresses"):
        first = merged["addresses"][0]
        kept = [
            {
                "street": a.street,
                "postal_code": a.postal_code,
                "city": a.city,
                "country": a.country,
                "label": a.label,
                "municipality": a.municipality,
                "region": a.region,
            }
            for a in stored.addresses
            if (a.street, a.postal_code) != (first.get("street"), first.get("postal_code"))
        ]
        merged["addresses"] = [first, *kept][:20]
    return merged


@dataclass
class _Change:
    customer: Customer
    cleaned: dict[str, Any]
    changes: dict[str, list[Any]]


def _change(customer: Customer, data: Mapping[str, Any], stored: _Stored) -> _Change | None:
    """Validate ``data`` for ``customer`` and apply it to the object in memory, as customer_update does."""
    cleaned, changes = changes_apply(customer, data, check_national_id=False)
    for name, old in (
        ("emails", [address for address, _label in stored.emails]),
        ("phones", [number for number, _label in stored.phones]),
    ):
        if name in cleaned:
            new = [entry["address" if name == "emails" else "number"] for entry in cleaned[name]]
            if old != new:
                changes[name] = [old, new]
    if "addresses" in cleaned:
        old_addresses = [str(a) for a in stored.addresses]
        new_addresses = [f"{a['street']}, {a['postal_code']} {a['city']}" for a in cleaned["addresses"]]
        if old_addresses != new_addresses:
            changes["addresses"] = [old_addresses, new_addresses]
    if "tags" in cleaned and sorted(cleaned["tags"]) != sorted(stored.tags):
        changes["tags"] = [sorted(stored.tags), sorted(cleaned["tags"])]
    if not changes:
        return None
    primary_copies(customer, {k: v for k, v in cleaned.items() if k in changes})
    refresh_derived(customer)
    return _Change(customer, cleaned, changes)


def _check_numbers_free(changed: list[tuple[int, _Change]], actor: Any) -> None:
    wanted = {
        (c.customer.national_id_country, c.customer.national_id): (index, c.customer.pk)
        for index, c in changed
        if "national_id" in c.changes and c.customer.national_id
    }
    if not wanted:
        return
    holders = (
        Customer.objects.live()
        .filter(national_id__in=[compact for _country, compact in wanted])
        .values_list("national_id_country", "national_id", "pk", "customer_number")
    )
    for country, compact, pk, number in holders:
        found = wanted.get((country, compact))
        if found is not None and found[1] != pk:
            message = national_id_taken(actor=actor, holder_number=number)
            raise ItemError(found[0], Conflict(message, errors={"national_id": [message]}))


def customers_update_batch(
    *, actor: Any, items: Sequence[tuple[int, Mapping[str, Any]]], keep_others: bool = False
) -> list[int]:
    """Change many customers, each ``(customer id, data)`` as :func:`customer_update` takes it (the
    lifecycle stage excepted); with ``keep_others`` a given email, phone or address becomes the
    primary one and the customer's others are kept. Returns the ids of the customers that changed.

    Runs in the caller's transaction; raises :class:`ItemError` naming the first bad item, after
    which the caller rolls back."""
    for index, (_pk, data) in enumerate(items):
        if _NOT_IN_BATCH & set(data):
            name = sorted(_NOT_IN_BATCH & set(data))[0]
            raise ItemError(index, ValidationError.for_field(name, _("Unknown field.")))
    ids = list(dict.fromkeys(pk for pk, _data in items))
    if not ids:
        return []
    customers = {c.pk: c for c in Customer.objects.select_for_update().live().filter(pk__in=ids)}
    stored = _stored(ids, tags=any("tags" in data for _pk, data in items))
    changed: list[tuple[int, _Change]] = []
    for index, (pk, data) in enumerate(items):
        customer = customers.get(pk)
        if customer is None:
            raise ItemError(index, NotFound(_("No customer with id %(id)s.") % {"id": pk}))
        try:
            change = _change(customer, _keep_others(data, stored[pk]) if keep_others else data, stored[pk])
        except LojalError as error:
            raise ItemError(index, error) from None
        if change is not None:
            changed.append((index, change))
    _check_numbers_free(changed, actor)
    if changed:
        _write([change for _index, change in changed], actor)
    return [change.customer.pk for _index, change in changed]


def _write(changed: list[_Change], actor: Any) -> None:
    now = timezone.now()
    actor_id = events.actor_id_of(actor)
    for change in changed:
        change.customer.updated_at = now
    for name, model in (("emails", EmailAddress), ("phones", PhoneNumber), ("addresses", Address)):
        replaced = [c for c in changed if name in c.changes]
        if replaced:
            model._default_manager.filter(customer_id__in=[c.customer.pk for c in replaced]).delete()
    # Only the kinds a change replaced: the others are left out of each customer's data.
    replaced_points: list[tuple[int, Mapping[str, Any]]] = [
        (
            c.customer.pk,
            {name: c.cleaned[name] for name in ("emails", "phones", "addresses") if name in c.changes},
        )
        for c in changed
    ]
    for point_model, columns, rows in contact_point_inserts(replaced_points):
        bulk_insert(point_model, columns, rows)
    retagged = [c for c in changed if "tags" in c.changes]
    if retagged:
        through = Customer.tags.through
        through.objects.filter(customer_id__in=[c.customer.pk for c in retagged]).delete()
        names = list(dict.fromkeys(name for c in retagged for name in c.cleaned["tags"]))
        by_name = {tag.name.casefold(): tag.pk for tag in tags_resolve(names)}
        bulk_insert(
            through,
            ("customer_id", "tag_id"),
            (
                (c.customer.pk, by_name[name.casefold()])
                for c in retagged
                for name in dict.fromkeys(c.cleaned["tags"])
                if name.casefold() in by_name
            ),
        )
    bulk_update(
        Customer,
        UPDATED_COLUMNS,
        ([c.customer.pk, *(getattr(c.customer, name) for name in UPDATED_COLUMNS)] for c in changed),
    )
    bulk_insert(
        AuditEntry,
        AUDIT_COLUMNS,
        (
            (
                now,
                actor_id,
                "update",
                "customers.customer",
                str(c.customer.pk),
                str(c.customer)[:200],
                jsonable(c.changes),
            )
            for c in changed
        ),
    )
    events_record_many(
        events.customer_changed(
            customer_id=c.customer.pk, fields=list(c.changes), occurred_at=now, actor_id=actor_id
        )
        for c in changed
    )
