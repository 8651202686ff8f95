"""Writes for customers: create (one or a batch), change, delete, contact persons, stage changes.

Every write validates first (nothing is written on bad input), then changes the rows, the audit
log and the timeline in one transaction.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.core.audit import audit_record
from lojal.core.errors import Conflict, NotFound, ValidationError
from lojal.core.nordic_ids import NationalId
from lojal.customers import duplicates, read_audit, selectors
from lojal.customers.derived import refresh_derived
from lojal.customers.models import (
    Address,
    ContactPerson,
    Customer,
    EmailAddress,
    Kind,
    PhoneNumber,
    Tag,
)
from lojal.customers.tasks import duplicates_check_task
from lojal.customers.validation import birth_date_from, customer_clean
from lojal.timeline import events
from lojal.timeline.services import event_record

DUPLICATES_CHECK_CHUNK = 1000
PLAIN_FIELDS = (
    "first_name",
    "last_name",
    "organisation_name",
    "industry",
    "employee_count",
    "founded_year",
    "birth_date",
    "customer_since",
    "attributes",
    "preferred_language",
    "vip_tier",
    "account_manager_id",
)


def apply_national_id(customer: Customer, national_id: NationalId | None) -> None:
    values = national_id_values(national_id, kind=customer.kind, birth_date=customer.birth_date)
    for field, value in values.items():
        setattr(customer, field, value)


def national_id_values(
    national_id: NationalId | None, *, kind: str, birth_date: dt.date | None
) -> dict[str, Any]:
    """The customer's fields a national number sets (a person's birth date too, when it has none)."""
    if national_id is None:
        return dict.fromkeys(
            ("national_id", "national_id_country", "national_id_kind", "national_id_display"), ""
        )
    values: dict[str, Any] = {
        "national_id": national_id.compact,
        "national_id_country": national_id.country,
        "national_id_kind": national_id.kind,
        "national_id_display": national_id.formatted,
    }
    if kind == Kind.PERSON and birth_date is None:
        values["birth_date"] = birth_date_from(national_id)
    return values


def national_id_taken(*, actor: Any, holder_number: int) -> str:
    """Why a national number cannot be used. It names the customer who has it only to an actor whose
    role may see national numbers: to anyone else the name would tell whose number it is."""
    if selectors.national_ids_visible_to(actor):
        return _("Customer %(number)s already has this number.") % {"number": holder_number}
    return _("Another customer already has this number.")


def check_national_id_free(
    national_id: NationalId | None, *, actor: Any, exclude_id: int | None = None
) -> None:
    if national_id is None:
        return
    holders = Customer.objects.live().filter(
        national_id_country=national_id.country, national_id=national_id.compact
    )
    if exclude_id is not None:
        holders = holders.exclude(pk=exclude_id)
    # No .first(): its ORDER BY id can make PostgreSQL walk the primary key instead of this index.
    number = holders.values_list("customer_number", flat=True)[:1]
    if number:
        message = national_id_taken(actor=actor, holder_number=number[0])
        raise Conflict(message, errors={"national_id": [message]})


def tags_resolve(names: Sequence[str]) -> list[Tag]:
    """The tags named, created when missing; an existing tag is found whatever its case. Safe when two
    transactions create the same new tag at once."""
    if not names:
        return []
    found = {tag.name.casefold(): tag for tag in Tag.objects.filter(name__in=names)}
    for name in names:
        if name.casefold() not in found:
            existing = Tag.objects.filter(name__iexact=name).first()
            if existing is not None:
                found[name.casefold()] = existing
    missing = [name for name in names if name.casefold() not in found]
    if missing:
        Tag.objects.bulk_create([Tag(name=name) for name in missing], ignore_conflicts=True)
        found.update({tag.name.casefold(): tag for tag in Tag.objects.filter(name__in=missing)})
    return [found[name.casefold()] for name in names if name.casefold() in found]


def _contact_points_write(customer: Customer, cleaned: Mapping[str, Any], *, is_new: bool = False) -> None:
    """Replace emails, phones or addresses given in ``cleaned``; keep the primary ones on the customer."""
    if not is_new:
        for field, model in (("emails", EmailAddress), ("phones", PhoneNumber), ("addresses", Address)):
            if field in cleaned:
                model._default_manager.filter(customer=customer).delete()
    if "emails" in cleaned:
        EmailAddress.objects.bulk_create(
            EmailAddress(customer=customer, **entry) for entry in cleaned["emails"]
        )
    if "phones" in cleaned:
        PhoneNumber.objects.bulk_create(
            PhoneNumber(customer=customer, **entry) for entry in cleaned["phones"]
        )
    if "addresses" in cleaned:
        Address.objects.bulk_create(Address(customer=customer, **entry) for entry in cleaned["addresses"])


def primary_copies(customer: Customer, cleaned: Mapping[str, Any]) -> None:
    for field, value in primary_values(cleaned).items():
        setattr(customer, field, value)


def primary_values(cleaned: Mapping[str, Any]) -> dict[str, str]:
    """The copies of the primary email, phone and address's city and country that the customer's row
    keeps for lists and duplicate checks, for the kinds of contact point ``cleaned`` gives."""
    values: dict[str, str] = {}
    if "emails" in cleaned:
        values["primary_email"] = cleaned["emails"][0]["address"] if cleaned["emails"] else ""
    if "phones" in cleaned:
        values["primary_phone"] = cleaned["phones"][0]["number"] if cleaned["phones"] else ""
    if "addresses" in cleaned:
        first = cleaned["addresses"][0] if cleaned["addresses"] else None
        values["city"] = first["city"] if first else ""
        values["country"] = first["country"] if first else ""
    return values


def customer_get_for_update(customer_id: int) -> Customer:
    customer = Customer.objects.select_for_update().live().filter(pk=customer_id).first()
    if customer is None:
        raise NotFound(_("No customer with id %(id)s.") % {"id": customer_id})
    if customer.erased_at is not None:
        raise Conflict(
            _("This customer's personal data was erased; the record can no longer be changed."),
            errors={"customer": [_("Erased.")]},
        )
    return customer


def changes_apply(
    customer: Customer, data: Mapping[str, Any], *, check_national_id: bool, actor: Any = None
) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """Validate a partial change of ``customer`` and set its plain fields and national number on the
    object (not saved); returns the cleaned data and the changes as ``{field: [old, new]}``.
    ``check_national_id`` looks the new number up now, on behalf of ``actor``; a batch checks its
    numbers together."""
    if "kind" in data and data["kind"] != customer.kind:
        raise ValidationError.for_field("kind", _("A customer's kind cannot be changed."))
    cleaned = customer_clean(
        data={k: v for k, v in data.items() if k != "kind"},
        kind=customer.kind,
        partial=True,
        home_country=customer.country,
        national_id_country=customer.national_id_country,
    )
    changes = plain_fields_apply(customer, cleaned)
    if "national_id" in cleaned:
        new_id: NationalId | None = cleaned["national_id"]
        if (new_id.compact if new_id else "") != customer.national_id:
            if check_national_id:
                check_national_id_free(new_id, actor=actor, exclude_id=customer.pk)
            changes["national_id"] = ["(set)" if customer.national_id else None, "(set)" if new_id else None]
            apply_national_id(customer, new_id)
    return cleaned, changes


def plain_fields_apply(customer: Customer, cleaned: dict[str, Any]) -> dict[str, list[Any]]:
    """Set the plain fields ``cleaned`` changes on ``customer`` (not saved); returns the changes as
    ``{field: [old, new]}``. A person left with neither first nor last name is refused."""
    if customer.kind == Kind.PERSON and ("first_name" in cleaned or "last_name" in cleaned):
        first = cleaned.get("first_name", customer.first_name)
        last = cleaned.get("last_name", customer.last_name)
        if not (first or last):
            raise ValidationError.for_field("last_name", _("A person needs a first or last name."))
    changes: dict[str, list[Any]] = {}
    for field in PLAIN_FIELDS:
        if field in cleaned and getattr(customer, field) != cleaned[field]:
            changes[field] = [getattr(customer, field), cleaned[field]]
            setattr(customer, field, cleaned[field])
    return changes


@transaction.atomic
def customer_update(
    *, actor: Any, customer_id: int, data: Mapping[str, Any], check_duplicates: bool = True
) -> Customer:
    """Change the fields given in ``data`` (lists replace the whole list); records what changed.

    ``check_duplicates=False`` leaves the duplicate search to the caller (an import runs it for all
    the customers it changed at once, in the worker)."""
    customer = customer_get_for_update(customer_id)
    cleaned, changes = changes_apply(customer, data, check_national_id=True, actor=actor)
    for field, key in (("emails", "address"), ("phones", "number")):
        if field in cleaned:
            old = list(getattr(customer, field).values_list(key, flat=True))
            new = [entry[key] for entry in cleaned[field]]
            if old != new:
                changes[field] = [old, new]
    if "addresses" in cleaned:
        old_addresses = [str(a) for a in customer.addresses.all()]
        new_addresses = [f"{a['street']}, {a['postal_code']} {a['city']}" for a in cleaned["addresses"]]
        if old_addresses != new_addresses:
            changes["addresses"] = [old_addresses, new_addresses]
    if "tags" in cleaned:
        old_tags = sorted(customer.tags.values_list("name", flat=True))
        if sorted(cleaned["tags"]) != old_tags:
            changes["tags"] = [old_tags, sorted(cleaned["tags"])]
            customer.tags.set(tags_resolve(cleaned["tags"]))
    stage_change = None
    if "lifecycle_stage" in cleaned and cleaned["lifecycle_stage"] != customer.lifecycle_stage:
        stage_change = (customer.lifecycle_stage, cleaned["lifecycle_stage"])
        changes["lifecycle_stage"] = list(stage_change)
        customer.lifecycle_stage = cleaned["lifecycle_stage"]
    if not changes:
        return customer
    _contact_points_write(customer, {k: v for k, v in cleaned.items() if k in changes})
    primary_copies(customer, {k: v for k, v in cleaned.items() if k in changes})
    refresh_derived(customer)
    customer.save()
    audit_record(actor=actor, action="update", obj=customer, changes=changes)
    plain_changes = [field for field in changes if field != "lifecycle_stage"]
    if plain_changes:
        event_record(
            events.customer_changed(
                customer_id=customer.pk, fields=plain_changes, actor_id=events.actor_id_of(actor)
            )
        )
    if stage_change is not None:
        stage_event(customer, stage_change, reason=cleaned.get("stage_reason", ""), actor=actor)
    if check_duplicates and {
        "emails",
        "phones",
        "addresses",
        "national_id",
        "first_name",
        "last_name",
        "organisation_name",
    } & set(changes):
        duplicates.duplicates_check(customer_ids=[customer.pk])
    return customer


def stage_event(customer: Customer, change: tuple[str, str], *, reason: str, actor: Any) -> None:
    event_record(
        events.stage_changed(
            customer_id=customer.pk,
            old_stage=change[0],
            new_stage=change[1],
            reason=reason,
            actor_id=events.actor_id_of(actor),
        )
    )


def duplicates_check_on_commit(*, customer_ids: Sequence[int]) -> None:
    """Queue the duplicate search of these customers, in tasks of 1,000, once the surrounding
    transaction commits: a rolled-back write queues nothing. The ids wait as a compact array
    (8 bytes each), since a large import's one transaction writes millions."""
    if not customer_ids:
        return
    waiting = array("q", customer_ids)

    def enqueue() -> None:
        for start in range(0, len(waiting), DUPLICATES_CHECK_CHUNK):
            duplicates_check_task.enqueue(waiting[start : start + DUPLICATES_CHECK_CHUNK].tolist())

    transaction.on_commit(enqueue)


@transaction.atomic
def customer_delete(*, actor: Any, customer_id: int) -> None:
    """Remove a customer from every list; the row and its history stay for the audit trail."""
    customer = customer_get_for_update(customer_id)
    customer.deleted_at = timezone.now()
    customer.save(update_fields=["deleted_at", "updated_at"])
    audit_record(actor=actor, action="delete", obj=customer)
    event_record(events.customer_deleted(customer_id=customer.pk, actor_id=events.actor_id_of(actor)))


@transaction.atomic
def contact_person_add(*, actor: Any, organisation_id: int, data: Mapping[str, Any]) -> ContactPerson:
    """Add a contact person to an organisation; links to a person customer when ``person_id`` is given."""
    from lojal.customers.contacts import contact_person_clean

    organisation = customer_get_for_update(organisation_id)
    if organisation.kind != Kind.ORGANISATION:
        raise ValidationError.for_field("organisation_id", _("Only organisations have contact persons."))
    cleaned = contact_person_clean(data=data, region=organisation.country or None)
    contact = ContactPerson.objects.create(organisation=organisation, **cleaned)
    if contact.is_primary:
        organisation.contact_persons.exclude(pk=contact.pk).update(is_primary=False)
    audit_record(
        actor=actor, action="create", obj=contact, changes={k: [None, v] for k, v in cleaned.items()}
    )
    event_record(
        events.contact_person_added(
            customer_id=organisation.pk, name=str(contact), actor_id=events.actor_id_of(actor)
        )
    )
    return contact


@transaction.atomic
def contact_person_remove(*, actor: Any, organisation_id: int, contact_id: int) -> None:
    contact = ContactPerson.objects.filter(pk=contact_id, organisation__pk=organisation_id).first()
    if contact is None:
        raise NotFound(_("No such contact person."))
    audit_record(actor=actor, action="delete", obj=contact)
    event_record(
        events.contact_person_removed(
            customer_id=organisation_id, name=str(contact), actor_id=events.actor_id_of(actor)
        )
    )
    contact.delete()


def customer_statistics_refresh() -> None:
    """Bring PostgreSQL's planner statistics of the customer table up to date after a bulk load, so a
    query planned right after does not assume the table is as small as before the load."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Customer._meta.db_table)}")


def customer_read_record(*, actor: Any, customer_id: int, label: str, via: str) -> None:
    """Record in the audit log that ``actor`` read the customer's details on a page of another app
    (``via``: "call list" for the call-list worker), as the customer page records its reads."""
    read_audit.customer_read_record(actor=actor, customer_id=customer_id, label=label, via=via)
