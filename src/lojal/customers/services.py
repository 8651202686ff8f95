"""Writes for customers: create (one or a batch), change, delete, contact persons, stage changes.

Every write validates first (nothing is written on bad input), then changes the rows, the audit
log and the timeline in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lojal.core.audit import audit_record
from lojal.core.bulk import bulk_insert
from lojal.core.errors import Conflict, NotFound, ValidationError
from lojal.core.models import AuditEntry
from lojal.core.nordic_ids import NationalId
from lojal.core.sequences import sequence_next
from lojal.customers import duplicates
from lojal.customers.derived import refresh_derived
from lojal.customers.models import (
    Address,
    ContactPerson,
    Customer,
    EmailAddress,
    Kind,
    PhoneNumber,
    Stage,
    Tag,
)
from lojal.customers.validation import birth_date_from, customer_clean
from lojal.timeline.models import Event
from lojal.timeline.services import event_record

BATCH_MAX = 1000
CUSTOMER_COLUMNS = tuple(field.attname for field in Customer._meta.concrete_fields if not field.primary_key)
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
_PLAIN_FIELDS = (
    "first_name",
    "last_name",
    "organisation_name",
    "industry",
    "employee_count",
    "founded_year",
    "birth_date",
    "preferred_language",
    "vip_tier",
    "account_manager_id",
)


def _apply_national_id(customer: Customer, national_id: NationalId | None) -> None:
    if national_id is None:
        customer.national_id = customer.national_id_country = customer.national_id_kind = ""
        customer.national_id_display = ""
        return
    customer.national_id = national_id.compact
    customer.national_id_country = national_id.country
    customer.national_id_kind = national_id.kind
    customer.national_id_display = national_id.formatted
    if customer.kind == Kind.PERSON and customer.birth_date is None:
        customer.birth_date = birth_date_from(national_id)


def _check_national_id_free(national_id: NationalId | None, *, exclude_id: int | None = None) -> None:
    if national_id is None:
        return
    holders = Customer.objects.filter(
        national_id_country=national_id.country, national_id=national_id.compact, deleted_at__isnull=True
    )
    if exclude_id is not None:
        holders = holders.exclude(pk=exclude_id)
    holder = holders.only("customer_number").first()
    if holder is not None:
        message = _("Customer %(number)s already has this number.") % {"number": holder.customer_number}
        raise Conflict(message, errors={"national_id": [message]})


def _tags_resolve(names: Sequence[str]) -> list[Tag]:
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


def _primary_copies(customer: Customer, cleaned: Mapping[str, Any]) -> None:
    if "emails" in cleaned:
        customer.primary_email = cleaned["emails"][0]["address"] if cleaned["emails"] else ""
    if "phones" in cleaned:
        customer.primary_phone = cleaned["phones"][0]["number"] if cleaned["phones"] else ""
    if "addresses" in cleaned:
        first = cleaned["addresses"][0] if cleaned["addresses"] else None
        customer.city = first["city"] if first else ""
        customer.country = first["country"] if first else ""


def _kind_of(data: Mapping[str, Any]) -> str:
    kind = data.get("kind", Kind.PERSON)
    if kind not in Kind.values:
        raise ValidationError.for_field(
            "kind", _("Must be one of: %(allowed)s.") % {"allowed": ", ".join(Kind.values)}
        )
    return str(kind)


def _build(cleaned: Mapping[str, Any], kind: str, number: int) -> Customer:
    customer = Customer(kind=kind, customer_number=number)
    for field in _PLAIN_FIELDS:
        if field in cleaned:
            setattr(customer, field, cleaned[field])
    customer.lifecycle_stage = cleaned.get("lifecycle_stage") or Stage.LEAD
    _apply_national_id(customer, cleaned.get("national_id"))
    _primary_copies(customer, cleaned)
    refresh_derived(customer)
    return customer


@transaction.atomic
def customer_create(*, actor: Any, data: Mapping[str, Any]) -> Customer:
    """Create one customer with its emails, phones, addresses and tags; checks for duplicates."""
    kind = _kind_of(data)
    cleaned = customer_clean(data={k: v for k, v in data.items() if k != "kind"}, kind=kind, partial=False)
    _check_national_id_free(cleaned.get("national_id"))
    customer = _build(cleaned, kind, sequence_next(name="customer_number")[0])
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError:
        # A concurrent create took the same national number between the check and the insert.
        _check_national_id_free(cleaned.get("national_id"))
        raise
    _contact_points_write(customer, cleaned, is_new=True)
    if cleaned.get("tags"):
        customer.tags.set(_tags_resolve(cleaned["tags"]))
    audit_record(actor=actor, action="create", obj=customer, changes=_audit_values(customer, cleaned))
    event_record(
        customer_id=customer.pk,
        kind=Event.Kind.CUSTOMER_CREATED,
        summary=_("%(name)s was added. Stage: %(stage)s")
        % {"name": customer.display_name, "stage": customer.get_lifecycle_stage_display()},
        data={"name": customer.display_name, "stage": customer.lifecycle_stage},
        actor=actor,
    )
    duplicates.duplicates_check(customer_ids=[customer.pk])
    return customer


def _audit_values(customer: Customer, cleaned: Mapping[str, Any]) -> dict[str, list[Any]]:
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
    prepared: list[tuple[str, dict[str, Any]]] = []
    positions: list[int] = []  # each prepared item's index in ``items``, for error keys
    for index, data in enumerate(items):
        try:
            kind = _kind_of(data)
            cleaned = customer_clean(
                data={k: v for k, v in data.items() if k != "kind"}, kind=kind, partial=False
            )
        except ValidationError as error:
            for field, reasons in error.errors.items():
                errors.setdefault(f"items[{index}].{field}", []).extend(reasons)
            continue
        prepared.append((kind, cleaned))
        positions.append(index)
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
    if numbers_in_batch:
        taken = Customer.objects.filter(
            national_id__in=[compact for _country, compact in numbers_in_batch], deleted_at__isnull=True
        ).values_list("national_id_country", "national_id", "customer_number")
        for country, compact, number in taken:
            if (country, compact) in numbers_in_batch:
                errors.setdefault(f"items[{numbers_in_batch[(country, compact)]}].national_id", []).append(
                    _("Customer %(number)s already has this number.") % {"number": number}
                )
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
    numbers = sequence_next(name="customer_number", count=len(prepared))
    customers = [
        _build(cleaned, kind, number) for (kind, cleaned), number in zip(prepared, numbers, strict=True)
    ]
    now = timezone.now()
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    for customer in customers:
        customer.created_at = customer.updated_at = now
    bulk_insert(
        Customer, CUSTOMER_COLUMNS, ([getattr(c, column) for column in CUSTOMER_COLUMNS] for c in customers)
    )
    by_number = dict(
        Customer.objects.filter(customer_number__in=numbers).values_list("customer_number", "pk")
    )
    for customer in customers:
        customer.pk = by_number[customer.customer_number]
        customer._state.adding = False
    first_spelling: dict[str, str] = {}
    for _kind, cleaned in prepared:
        for name in cleaned.get("tags", []):
            first_spelling.setdefault(name.casefold(), name)
    tag_ids = {tag.name.casefold(): tag.pk for tag in _tags_resolve(list(first_spelling.values()))}
    tag_ids.update({key: tag_ids[spelling.casefold()] for key, spelling in first_spelling.items()})
    pairs = list(zip(customers, (cleaned for _kind, cleaned in prepared), strict=True))
    bulk_insert(
        EmailAddress,
        ("customer_id", "address", "label", "is_primary"),
        (
            (c.pk, e["address"], e["label"], e["is_primary"])
            for c, cleaned in pairs
            for e in cleaned.get("emails", [])
        ),
    )
    bulk_insert(
        PhoneNumber,
        ("customer_id", "number", "label", "is_primary"),
        (
            (c.pk, p["number"], p["label"], p["is_primary"])
            for c, cleaned in pairs
            for p in cleaned.get("phones", [])
        ),
    )
    bulk_insert(
        Address,
        ADDRESS_COLUMNS,
        (
            (c.pk, *(a[column] for column in ADDRESS_COLUMNS[1:]))
            for c, cleaned in pairs
            for a in cleaned.get("addresses", [])
        ),
    )
    bulk_insert(
        Customer.tags.through,
        ("customer_id", "tag_id"),
        ((c.pk, tag_ids[name.casefold()]) for c, cleaned in pairs for name in cleaned.get("tags", [])),
    )
    bulk_insert(
        AuditEntry,
        ("occurred_at", "actor_id", "action", "object_type", "object_id", "object_label", "changes"),
        (
            (
                now,
                actor_id,
                "create",
                "customers.customer",
                str(c.pk),
                str(c)[:200],
                {"batch": [None, len(customers)]},
            )
            for c in customers
        ),
    )
    stage_labels = dict(Stage.choices)
    bulk_insert(
        Event,
        ("customer_id", "occurred_at", "kind", "summary", "body", "data", "actor_id"),
        (
            (
                c.pk,
                now,
                Event.Kind.CUSTOMER_CREATED.value,
                (
                    _("%(name)s was added. Stage: %(stage)s")
                    % {"name": c.display_name, "stage": stage_labels[c.lifecycle_stage]}
                )[:300],
                "",
                {"name": c.display_name, "stage": c.lifecycle_stage},
                actor_id,
            )
            for c in customers
        ),
    )
    duplicates.duplicates_check(customer_ids=[c.pk for c in customers])
    return customers


def customer_get_for_update(customer_id: int) -> Customer:
    customer = Customer.objects.select_for_update().filter(pk=customer_id, deleted_at__isnull=True).first()
    if customer is None:
        raise NotFound(_("No customer with id %(id)s.") % {"id": customer_id})
    return customer


@transaction.atomic
def customer_update(*, actor: Any, customer_id: int, data: Mapping[str, Any]) -> Customer:
    """Change the fields given in ``data`` (lists replace the whole list); records what changed."""
    customer = customer_get_for_update(customer_id)
    if "kind" in data and data["kind"] != customer.kind:
        raise ValidationError.for_field("kind", _("A customer's kind cannot be changed."))
    cleaned = customer_clean(
        data={k: v for k, v in data.items() if k != "kind"},
        kind=customer.kind,
        partial=True,
        home_country=customer.country,
        national_id_country=customer.national_id_country,
    )
    if customer.kind == Kind.PERSON and ("first_name" in cleaned or "last_name" in cleaned):
        first = cleaned.get("first_name", customer.first_name)
        last = cleaned.get("last_name", customer.last_name)
        if not (first or last):
            raise ValidationError.for_field("last_name", _("A person needs a first or last name."))
    changes: dict[str, list[Any]] = {}
    for field in _PLAIN_FIELDS:
        if field in cleaned and getattr(customer, field) != cleaned[field]:
            changes[field] = [getattr(customer, field), cleaned[field]]
            setattr(customer, field, cleaned[field])
    if "national_id" in cleaned:
        new_id: NationalId | None = cleaned["national_id"]
        if (new_id.compact if new_id else "") != customer.national_id:
            _check_national_id_free(new_id, exclude_id=customer.pk)
            changes["national_id"] = ["(set)" if customer.national_id else None, "(set)" if new_id else None]
            _apply_national_id(customer, new_id)
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
            customer.tags.set(_tags_resolve(cleaned["tags"]))
    stage_change = None
    if "lifecycle_stage" in cleaned and cleaned["lifecycle_stage"] != customer.lifecycle_stage:
        stage_change = (customer.lifecycle_stage, cleaned["lifecycle_stage"])
        changes["lifecycle_stage"] = list(stage_change)
        customer.lifecycle_stage = cleaned["lifecycle_stage"]
    if not changes:
        return customer
    _contact_points_write(customer, {k: v for k, v in cleaned.items() if k in changes})
    _primary_copies(customer, {k: v for k, v in cleaned.items() if k in changes})
    refresh_derived(customer)
    customer.save()
    audit_record(actor=actor, action="update", obj=customer, changes=changes)
    plain_changes = [field for field in changes if field != "lifecycle_stage"]
    if plain_changes:
        labels = [
            str(getattr(Customer._meta.get_field(_field_name(f)), "verbose_name", f)) for f in plain_changes
        ]
        event_record(
            customer_id=customer.pk,
            kind=Event.Kind.CUSTOMER_CHANGED,
            summary=_("Changed: %(fields)s") % {"fields": ", ".join(labels)},
            data={"fields": plain_changes},
            actor=actor,
        )
    if stage_change is not None:
        stage_event(customer, stage_change, reason=cleaned.get("stage_reason", ""), actor=actor)
    if {"emails", "phones", "addresses", "national_id", "first_name", "last_name", "organisation_name"} & set(
        changes
    ):
        duplicates.duplicates_check(customer_ids=[customer.pk])
    return customer


def _field_name(field: str) -> str:
    return {
        "emails": "primary_email",
        "phones": "primary_phone",
        "addresses": "city",
        "account_manager_id": "account_manager",
    }.get(field, field)


def stage_event(customer: Customer, change: tuple[str, str], *, reason: str, actor: Any) -> Event:
    old, new = (str(Stage(value).label) for value in change)
    summary = _("Stage changed from %(old)s to %(new)s") % {"old": old, "new": new}
    if reason:
        summary = f"{summary}: {reason}"
    return event_record(
        customer_id=customer.pk,
        kind=Event.Kind.STAGE_CHANGED,
        summary=summary,
        data={"from": change[0], "to": change[1], "reason": reason},
        actor=actor,
    )


@transaction.atomic
def customer_delete(*, actor: Any, customer_id: int) -> None:
    """Remove a customer from every list; the row and its history stay for the audit trail."""
    customer = customer_get_for_update(customer_id)
    customer.deleted_at = timezone.now()
    customer.save(update_fields=["deleted_at", "updated_at"])
    audit_record(actor=actor, action="delete", obj=customer)
    event_record(
        customer_id=customer.pk, kind=Event.Kind.CUSTOMER_DELETED, summary=_("Customer deleted"), actor=actor
    )


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
        customer_id=organisation.pk,
        kind=Event.Kind.CUSTOMER_CHANGED,
        summary=_("Contact person added: %(name)s") % {"name": str(contact)},
        data={"contact_added": str(contact)},
        actor=actor,
    )
    return contact


@transaction.atomic
def contact_person_remove(*, actor: Any, organisation_id: int, contact_id: int) -> None:
    contact = ContactPerson.objects.filter(pk=contact_id, organisation__pk=organisation_id).first()
    if contact is None:
        raise NotFound(_("No such contact person."))
    audit_record(actor=actor, action="delete", obj=contact)
    event_record(
        customer_id=organisation_id,
        kind=Event.Kind.CUSTOMER_CHANGED,
        summary=_("Contact person removed: %(name)s") % {"name": str(contact)},
        data={"contact_removed": str(contact)},
        actor=actor,
    )
    contact.delete()
