"""Finding customers that are probably the same one, and merging them without losing anything.

Suspicions are found set-based (one grouped query per kind of evidence), so the same code serves a
single new customer, a batch, and a full scan after an import.
"""

from __future__ import annotations

import difflib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, LiteralString

from django.db import connection, transaction
from django.db.models import Count, Exists, Model, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg import sql

from lojal.core.audit import audit_record
from lojal.core.bulk import bulk_insert
from lojal.core.errors import NotFound, ValidationError
from lojal.core.text import fold
from lojal.customers.derived import refresh_derived
from lojal.customers.merge_choices import merge_choices_apply, merge_choices_validate, primary_address
from lojal.customers.models import (
    Address,
    ContactPerson,
    Customer,
    DuplicateSuspicion,
    EmailAddress,
    PhoneNumber,
)
from lojal.timeline import events
from lojal.timeline.services import event_record, events_reassign

REASON_WEIGHTS = {"national_id": 100, "email": 60, "phone": 50, "name_address": 40}
NAME_SIMILARITY = 0.85
_CHUNK = 900  # stays under SQLite's limit of bound parameters


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _groups_by(model: type[Model], key: str) -> list[list[int]]:
    """Groups of live customers that share a value of ``key`` in ``model`` (a full scan)."""
    live = model.objects.of_live_customers().exclude(**{key: ""})  # type: ignore[attr-defined]
    values = list(
        live.values(key)
        .annotate(n=Count("customer_id", distinct=True))
        .filter(n__gt=1)
        .values_list(key, flat=True)
    )
    groups: dict[str, set[int]] = defaultdict(set)
    for chunk_values in _chunks(sorted(set(values))):
        for value, customer_id in live.filter(**{f"{key}__in": chunk_values}).values_list(key, "customer_id"):
            groups[value].add(customer_id)
    return [sorted(members) for members in groups.values() if len(members) > 1]


def _national_id_groups() -> list[list[int]]:
    """Deleted or merged customers may still hold a number; live ones sharing a number are suspects."""
    live = Customer.objects.live().exclude(national_id="")
    numbers = list(
        live.values("national_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("national_id", flat=True)
    )
    groups: dict[tuple[str, str], set[int]] = defaultdict(set)
    for chunk_numbers in _chunks(sorted(set(numbers))):  # type: ignore[arg-type]
        for country, number, pk in live.filter(national_id__in=chunk_numbers).values_list(
            "national_id_country", "national_id", "id"
        ):
            groups[(country, number)].add(pk)
    return [sorted(members) for members in groups.values() if len(members) > 1]


def _name_address_pairs() -> list[tuple[int, int]]:
    """Pairs at the same address whose names are nearly the same ("Anna Lindqvist" / "Ana Lindquist")."""
    groups = _groups_by(Address, "match_key")
    member_ids = sorted({pk for group in groups for pk in group})
    names: dict[int, str] = {}
    for chunk in _chunks(member_ids):
        names.update(
            (pk, fold(name))
            for pk, name in Customer.objects.filter(pk__in=chunk).values_list("id", "display_name")
        )
    pairs: list[tuple[int, int]] = []
    for group in groups:
        for index, first in enumerate(group):
            for second in group[index + 1 :]:
                ratio = difflib.SequenceMatcher(None, names.get(first, ""), names.get(second, "")).ratio()
                if ratio >= NAME_SIMILARITY:
                    pairs.append((first, second))
    return pairs


# Every other live customer sharing an email, a phone, a national number or an address with one of
# the given customers, in one round trip; names come along for the "similar name" check.
_SUSPECTS_SQL: LiteralString = """
    SELECT a.customer_id, b.customer_id, 'email', '', '' FROM customers_emailaddress a
      JOIN customers_emailaddress b ON b.address = a.address AND b.customer_id <> a.customer_id
      JOIN customers_customer o ON o.id = b.customer_id AND o.deleted_at IS NULL
     WHERE a.customer_id {ids}
    UNION ALL
    SELECT a.customer_id, b.customer_id, 'phone', '', '' FROM customers_phonenumber a
      JOIN customers_phonenumber b ON b.number = a.number AND b.customer_id <> a.customer_id
      JOIN customers_customer o ON o.id = b.customer_id AND o.deleted_at IS NULL
     WHERE a.customer_id {ids}
    UNION ALL
    SELECT me.id, o.id, 'national_id', '', '' FROM customers_customer me
      JOIN customers_customer o ON o.national_id = me.national_id AND o.national_id_country = me.national_id_country
       AND o.id <> me.id AND o.deleted_at IS NULL
     WHERE me.id {ids} AND me.national_id <> '' AND me.deleted_at IS NULL
    UNION ALL
    SELECT a.customer_id, b.customer_id, 'name_address', me.display_name, o.display_name FROM customers_address a
      JOIN customers_address b ON b.match_key = a.match_key AND b.customer_id <> a.customer_id
      JOIN customers_customer me ON me.id = a.customer_id
      JOIN customers_customer o ON o.id = b.customer_id AND o.deleted_at IS NULL
     WHERE a.customer_id {ids} AND a.match_key <> ''
"""


def _suspects_statement(ids: LiteralString) -> str:
    return sql.SQL(_SUSPECTS_SQL).format(ids=sql.SQL(ids)).as_string()


# A single customer (every create, change and merge) compares with one scalar: PostgreSQL then keeps
# one generic plan for the prepared statement instead of planning the four-way union afresh on every
# call, which costs several times what running it does. Many go as one parameter, an array on
# PostgreSQL (it plans faster than a thousand placeholders) and a JSON array on SQLite.
_SUSPECTS_OF_ONE = _suspects_statement("= %s")
_SUSPECTS_OF_ARRAY = _suspects_statement("= ANY(%s)")
_SUSPECTS_OF_JSON = _suspects_statement("IN (SELECT value FROM json_each(%s))")


def _suspects_of(customer_ids: Sequence[int]) -> dict[tuple[int, int], set[str]]:
    reasons: dict[tuple[int, int], set[str]] = defaultdict(set)
    for chunk in _chunks(sorted(set(customer_ids))):
        ids: Any
        if len(chunk) == 1:
            statement, ids = _SUSPECTS_OF_ONE, chunk[0]
        elif connection.vendor == "postgresql":
            statement, ids = _SUSPECTS_OF_ARRAY, list(chunk)
        else:
            statement, ids = _SUSPECTS_OF_JSON, json.dumps(list(chunk))
        with connection.cursor() as cursor:
            cursor.execute(statement, [ids] * 4)
            rows = cursor.fetchall()
        for mine, other, reason, my_name, other_name in rows:
            if (
                reason == "name_address"
                and difflib.SequenceMatcher(None, fold(my_name), fold(other_name)).ratio() < NAME_SIMILARITY
            ):
                continue
            reasons[(min(mine, other), max(mine, other))].add(reason)
    return reasons


def _suspects_everywhere() -> dict[tuple[int, int], set[str]]:
    reasons: dict[tuple[int, int], set[str]] = defaultdict(set)
    evidence = [
        ("email", _groups_by(EmailAddress, "address")),
        ("phone", _groups_by(PhoneNumber, "number")),
        ("national_id", _national_id_groups()),
    ]
    for reason, groups in evidence:
        for group in groups:
            for index, first in enumerate(group):
                for second in group[index + 1 :]:
                    reasons[(first, second)].add(reason)
    for pair in _name_address_pairs():
        reasons[pair].add("name_address")
    return reasons


def duplicates_check(*, customer_ids: Sequence[int] | None, just_created: bool = False) -> int:
    """Record suspected duplicates among ``customer_ids`` and everyone else (all customers when None).

    Returns how many suspicions were new. Pairs staff dismissed stay dismissed. ``just_created`` says
    the customers were created in the current transaction, so no suspicion can name them yet and
    there is nothing to look up first.
    """
    reasons = _suspects_everywhere() if customer_ids is None else _suspects_of(customer_ids)
    if not reasons:
        return 0
    existing: dict[tuple[int, int], DuplicateSuspicion] = {}
    firsts = sorted({first for first, _second in reasons})
    for chunk in [] if just_created else _chunks(firsts):
        for suspicion in DuplicateSuspicion.objects.filter(first_id__in=chunk):
            existing[(suspicion.first_id, suspicion.second_id)] = suspicion
    new: list[DuplicateSuspicion] = []
    changed: list[DuplicateSuspicion] = []
    for (first, second), why in reasons.items():
        ordered = sorted(why)
        score = min(sum(REASON_WEIGHTS[r] for r in ordered), 100)
        known = existing.get((first, second))
        if known is None:
            new.append(DuplicateSuspicion(first_id=first, second_id=second, reasons=ordered, score=score))
        elif known.status == DuplicateSuspicion.Status.OPEN and known.reasons != ordered:
            known.reasons, known.score = ordered, score
            changed.append(known)
    if just_created:
        # No pair can name a customer this transaction created, so there is no conflict to ignore.
        found_at = timezone.now()
        bulk_insert(
            DuplicateSuspicion,
            ("first_id", "second_id", "reasons", "score", "status", "found_at"),
            ((s.first_id, s.second_id, s.reasons, s.score, s.status, found_at) for s in new),
        )
        return len(new)
    DuplicateSuspicion.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    DuplicateSuspicion.objects.bulk_update(changed, ["reasons", "score"], batch_size=1000)
    return len(new)


@transaction.atomic
def duplicate_dismiss(*, actor: Any, suspicion_id: int) -> DuplicateSuspicion:
    """Mark a suspicion as "not a duplicate" so it stops showing up."""
    suspicion = DuplicateSuspicion.objects.select_for_update().filter(pk=suspicion_id).first()
    if suspicion is None:
        raise NotFound(_("No such duplicate suspicion."))
    suspicion.status = DuplicateSuspicion.Status.DISMISSED
    suspicion.resolved_at = timezone.now()
    suspicion.resolved_by = actor
    suspicion.save(update_fields=["status", "resolved_at", "resolved_by"])
    audit_record(actor=actor, action="update", obj=suspicion, changes={"status": ["open", "dismissed"]})
    return suspicion


#: Filled from the other customer where the kept one has none; the rest is chosen field by field
#: (lojal.customers.merge_choices), where these are only copies of the primary address.
MERGE_FILLABLE = ("city", "country")


@transaction.atomic
def customers_merge(
    *, actor: Any, keep_id: int, other_id: int, choices: Mapping[str, int] | None = None
) -> Customer:
    """Merge ``other`` into ``keep``: every related record and both timelines end up on ``keep``.

    ``choices`` says, per field where the two differ (names in ``merge_choices.CHOOSABLE_FIELDS``), the
    id of the customer whose value is kept; a field without one keeps ``keep``'s value, or ``other``'s
    where ``keep`` has none. ``other`` is kept as a deleted row pointing at ``keep``, so links to it
    still resolve.
    """
    if keep_id == other_id:
        raise ValidationError.for_field("other_id", _("A customer cannot be merged with itself."))
    found = {
        c.pk: c
        for c in Customer.objects.select_for_update()
        .live()
        .filter(
            Q(pk=keep_id) | Q(pk=other_id),  # not pk__in: huge ids overflow SQLite
        )
    }
    if keep_id not in found or other_id not in found:
        raise NotFound(_("Both customers must exist and not be deleted."))
    keep, other = found[keep_id], found[other_id]
    if keep.kind != other.kind:
        raise ValidationError.for_field("other_id", _("A person and an organisation cannot be merged."))
    winners = merge_choices_validate(keep, other, choices or {})
    other_address = primary_address(other)
    filled: dict[str, list[Any]] = {}
    for field in MERGE_FILLABLE:
        if not getattr(keep, field) and getattr(other, field):
            filled[field] = [None, getattr(other, field)]
            setattr(keep, field, getattr(other, field))
    # The relationship began when the earlier of the two says; free attributes of either stay.
    if other.customer_since and (keep.customer_since is None or other.customer_since < keep.customer_since):
        filled["customer_since"] = [keep.customer_since, other.customer_since]
        keep.customer_since = other.customer_since
    if added := {
        name: text for name, text in (other.attributes or {}).items() if name not in keep.attributes
    }:
        filled["attributes"] = [None, added]
        keep.attributes = {**keep.attributes, **added}
    other.deleted_at = timezone.now()
    other.merged_into = keep
    other.save(update_fields=["deleted_at", "merged_into", "updated_at"])
    _move_contact_points(keep, other)
    filled.update(merge_choices_apply(keep, other, winners, other_address=other_address))
    chosen = {name: "kept" if winner.pk == keep.pk else "merged" for name, winner in winners.items()}
    moved = _move_related(keep, other)
    keep.tags.add(*other.tags.all())
    refresh_derived(keep)
    keep.save()
    DuplicateSuspicion.objects.filter(
        first_id=min(keep_id, other_id), second_id=max(keep_id, other_id)
    ).update(status=DuplicateSuspicion.Status.MERGED, resolved_at=timezone.now(), resolved_by=actor)
    DuplicateSuspicion.objects.filter(status=DuplicateSuspicion.Status.OPEN).filter(
        first_id=other_id
    ).delete()
    DuplicateSuspicion.objects.filter(status=DuplicateSuspicion.Status.OPEN, second_id=other_id).delete()
    events_reassign(from_customer_id=other.pk, to_customer_id=keep.pk)
    audit_record(
        actor=actor,
        action="merge",
        obj=keep,
        changes={
            "merged": [None, other.customer_number],
            "filled": filled,
            "chosen": chosen,
            "moved": moved,
        },
    )
    audit_record(
        actor=actor, action="merge", obj=other, changes={"merged_into": [None, keep.customer_number]}
    )
    event_record(
        events.customer_merged(
            customer_id=keep.pk,
            merged_customer_id=other.pk,
            merged_name=other.display_name,
            merged_customer_number=other.customer_number,
            filled=filled,
            chosen=chosen,
            actor_id=events.actor_id_of(actor),
        )
    )
    duplicates_check(customer_ids=[keep.pk])
    return keep


def _move_contact_points(keep: Customer, other: Customer) -> None:
    """Emails and phones move unless ``keep`` already has them. Moved ones stay primary only where
    ``keep`` had none of that kind, as its primary copy (``primary_email`` ...) is then filled from them."""
    for model, key in ((EmailAddress, "address"), (PhoneNumber, "number")):
        have = set(model.objects.filter(customer=keep).values_list(key, flat=True))
        model.objects.filter(customer=other, **{f"{key}__in": have}).delete()
        primary = {} if not have else {"is_primary": False}
        model.objects.filter(customer=other).update(customer=keep, **primary)
    primary = {} if not Address.objects.filter(customer=keep).exists() else {"is_primary": False}
    Address.objects.filter(customer=other).update(customer=keep, **primary)


def _drop_clashes(model: type[Model], field: str, keep: Customer, other: Customer) -> None:
    """Delete ``other``'s rows that would break a unique constraint once they point at ``keep`` (both
    customers on the same call list): ``keep``'s row stays, one subquery per constraint."""
    for constraint in model._meta.constraints:
        fields = list(getattr(constraint, "fields", ()))
        if field not in fields or getattr(constraint, "condition", None) is not None:
            continue
        rest = [name for name in fields if name != field]
        if not rest:
            continue
        clash = model._default_manager.filter(**{field: keep}, **{name: OuterRef(name) for name in rest})
        model._default_manager.filter(**{field: other}).filter(Exists(clash)).delete()


def _move_related(keep: Customer, other: Customer) -> dict[str, int]:
    """Point every other table's reference at ``keep``, whatever app it belongs to."""
    skip = {DuplicateSuspicion, EmailAddress, PhoneNumber, Address}
    moved: dict[str, int] = {}
    for relation in Customer._meta.related_objects:
        model = relation.related_model
        # The timeline moves through its own service (events_reassign), already called.
        if (
            model in skip
            or model._meta.label == "timeline.Event"
            or relation.many_to_many
            or model is Customer
        ):
            continue
        field = relation.field.name
        _drop_clashes(model, field, keep, other)
        count = model._default_manager.filter(**{field: other}).update(**{field: keep})
        if count:
            moved[model._meta.label_lower] = count
    Customer.objects.filter(merged_into=other).update(merged_into=keep)
    ContactPerson.objects.filter(organisation=keep, person=keep).update(person=None)
    return moved
