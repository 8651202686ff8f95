"""The customers app's part of a data subject's rights: who the person is (every value other apps may
have copied), their record and contact points in the export, the legal hold that stops an erasure,
and the erasure of the record itself into an anonymous shell (docs/gdpr.md)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import phonenumbers
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.core.audit import audit_entries_erase, audit_record
from lojal.core.data_subject import DataSubject, ExportSection
from lojal.core.errors import NotFound, ValidationError
from lojal.core.inputs import text_fault
from lojal.core.text import sort_key
from lojal.customers import selectors
from lojal.customers.models import (
    Address,
    ContactPerson,
    Customer,
    DuplicateSuspicion,
    EmailAddress,
    PhoneNumber,
    Tag,
)

#: What an erased customer is called (stored, so lists and sums still have a name to show).
ERASED_NAME = "Erased customer #{id}"
LEGAL_HOLD_MAX_LENGTH = 500
#: Fields of the customer row blanked by an erasure; the rest (kind, number, stage, VIP tier, language,
#: country, dates of the relationship, account manager) stay as the anonymous shell's aggregates.
ERASED_FIELDS: dict[str, Any] = {
    "first_name": "",
    "last_name": "",
    "organisation_name": "",
    "birth_date": None,
    "attributes": {},
    "national_id": "",
    "national_id_country": "",
    "national_id_kind": "",
    "national_id_display": "",
    "primary_email": "",
    "primary_phone": "",
    "city": "",
    "search_text": "",
}


def _subject_records(customer_id: int) -> list[Customer]:
    """The customer and every record merged into it (at any depth): the same person's data."""
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        raise NotFound(_("No customer with id %(id)s.") % {"id": customer_id})
    if customer.merged_into_id is not None:
        raise NotFound(
            _("Customer %(id)s was merged into customer %(target)s.")
            % {"id": customer_id, "target": customer.merged_into_id}
        )
    records, frontier = [customer], [customer.pk]
    while frontier:
        merged = list(
            Customer.objects.filter(merged_into_id__in=frontier).exclude(pk__in=[r.pk for r in records])
        )
        records.extend(merged)
        frontier = [record.pk for record in merged]
    return records


def _phone_spellings(number: str) -> set[str]:
    """An E.164 number as files and messages write it too: "+46701234567", "0701234567"."""
    spellings = {number}
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return spellings
    national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    spellings.add(re.sub(r"\D", "", national))
    return spellings


def _national_id_spellings(compact: str, formatted: str) -> set[str]:
    """A national number as stored and as files write it: "198503121234", "19850312-1234",
    and without the century "8503121234", "850312-1234"."""
    spellings = {compact, formatted}
    if len(compact) == 12 and compact.isdigit():
        spellings |= {compact[2:], formatted[2:]}
    return {spelling for spelling in spellings if spelling}


def data_subject(*, customer_id: int) -> DataSubject:
    """The person behind ``customer_id`` with every value that identifies them, across their record,
    the records merged into it and the contact-person entries that link to them."""
    records = _subject_records(customer_id)
    ids = tuple(record.pk for record in records)
    names: set[str] = set()
    emails: set[str] = set(EmailAddress.objects.filter(customer_id__in=ids).values_list("address", flat=True))
    phones: set[str] = set()
    national_ids: set[str] = set()
    for record in records:
        names |= {record.display_name, f"{record.first_name} {record.last_name}".strip()}
        emails.add(record.primary_email)
        phones.add(record.primary_phone)
        national_ids |= _national_id_spellings(record.national_id, record.national_id_display)
    for first, last, email, phone in ContactPerson.objects.filter(person_id__in=ids).values_list(
        "first_name", "last_name", "email", "phone"
    ):
        names.add(f"{first} {last}".strip())
        emails.add(email)
        phones.add(phone)
    phones |= set(PhoneNumber.objects.filter(customer_id__in=ids).values_list("number", flat=True))
    return DataSubject(
        customer_id=customer_id,
        customer_ids=ids,
        names=frozenset(name for name in names if name and not name.startswith("Erased customer #")),
        emails=frozenset(email.lower() for email in emails if email),
        phones=frozenset(spelling for phone in phones if phone for spelling in _phone_spellings(phone)),
        national_ids=frozenset(national_ids),
    )


# --- the export ------------------------------------------------------------------------------------


def _field_value(record: models.Model, field: models.Field[Any, Any]) -> Any:
    if isinstance(field, models.ForeignKey):
        related = getattr(record, field.name)
        return str(related) if related is not None else None
    return getattr(record, field.attname)


def _record_row(record: models.Model, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        field.name: _field_value(record, field)
        for field in record._meta.concrete_fields
        if field.name not in skip
    }


_CUSTOMER_SKIP = ("sort_name", "search_text", "national_id", "national_id_display")


def _customer_rows(customers: list[Customer], actor: Any) -> Iterator[dict[str, Any]]:
    for customer in customers:
        row = _record_row(customer, skip=_CUSTOMER_SKIP)
        # The data subject's own copy holds their full number; only roles that may see numbers export
        # (accounts.roles), and the one masking rule still decides, so a role without it gets the mask.
        row["national_id"] = selectors.national_id_shown(
            user=actor, kind=customer.national_id_kind, formatted=customer.national_id_display
        )
        row["tags"] = sorted(customer.tags.values_list("name", flat=True))
        row["customer_since_effective"] = selectors.customer_since(customer=customer)
        yield row


def _rows(queryset: models.QuerySet[Any], skip: tuple[str, ...] = ()) -> Iterator[dict[str, Any]]:
    for record in queryset.iterator(chunk_size=2000):
        yield _record_row(record, skip=skip)


def _columns(
    model: type[models.Model], skip: tuple[str, ...] = (), extra: tuple[str, ...] = ()
) -> tuple[str, ...]:
    return tuple(field.name for field in model._meta.concrete_fields if field.name not in skip) + extra


def export_sections(subject: DataSubject, *, actor: Any) -> list[ExportSection]:
    """The customer record, the records merged into it, contact points and contact-person entries."""
    ids = subject.customer_ids
    main = [customer for customer in Customer.objects.filter(pk=subject.customer_id)]
    merged_ids = [pk for pk in ids if pk != subject.customer_id]
    customer_columns = _columns(Customer, _CUSTOMER_SKIP, ("national_id", "tags", "customer_since_effective"))
    return [
        ExportSection(
            name="customer",
            title="Customer record",
            columns=customer_columns,
            rows=lambda: _customer_rows(main, actor),
            single=True,
        ),
        ExportSection(
            name="merged_records",
            title="Duplicate records merged into this customer",
            columns=customer_columns,
            rows=lambda: _customer_rows(
                list(Customer.objects.filter(pk__in=merged_ids).order_by("pk")), actor
            ),
        ),
        ExportSection(
            name="emails",
            title="Email addresses",
            columns=_columns(EmailAddress),
            rows=lambda: _rows(EmailAddress.objects.filter(customer_id__in=ids).order_by("pk")),
        ),
        ExportSection(
            name="phones",
            title="Phone numbers",
            columns=_columns(PhoneNumber),
            rows=lambda: _rows(PhoneNumber.objects.filter(customer_id__in=ids).order_by("pk")),
        ),
        ExportSection(
            name="addresses",
            title="Postal addresses",
            columns=_columns(Address, ("match_key",)),
            rows=lambda: _rows(Address.objects.filter(customer_id__in=ids).order_by("pk"), ("match_key",)),
        ),
        ExportSection(
            name="contact_persons",
            title="Contact persons (of this organisation, or this person as a contact of one)",
            columns=_columns(ContactPerson),
            rows=lambda: _rows(
                ContactPerson.objects.filter(Q(organisation_id__in=ids) | Q(person_id__in=ids))
                .select_related("organisation", "person")
                .order_by("pk")
            ),
        ),
    ]


# --- legal holds and erasure -----------------------------------------------------------------------


def legal_hold_reason(subject: DataSubject) -> str:
    """Why the person's data must be kept, or "" (an erasure check: see privacy.erasure)."""
    reasons = Customer.objects.filter(pk__in=subject.customer_ids).exclude(legal_hold_reason="")
    return "; ".join(reasons.values_list("legal_hold_reason", flat=True))


@transaction.atomic
def legal_hold_set(*, customer_id: int, actor: Any, reason: str) -> Customer:
    """Place a legal hold with ``reason`` (erasure is refused while it applies), or lift it with ""."""
    cleaned = reason.strip()
    if fault := text_fault(cleaned):
        raise ValidationError.for_field("reason", fault)
    if len(cleaned) > LEGAL_HOLD_MAX_LENGTH:
        raise ValidationError.for_field(
            "reason", _("At most %(max)d characters.") % {"max": LEGAL_HOLD_MAX_LENGTH}
        )
    customer = Customer.objects.select_for_update().filter(pk=customer_id, merged_into__isnull=True).first()
    if customer is None:
        raise NotFound(_("No customer with id %(id)s.") % {"id": customer_id})
    if customer.legal_hold_reason == cleaned:
        return customer
    old, customer.legal_hold_reason = customer.legal_hold_reason, cleaned
    customer.save(update_fields=["legal_hold_reason", "updated_at"])
    audit_record(
        actor=actor,
        action="legal_hold.placed" if cleaned else "legal_hold.lifted",
        obj=customer,
        changes={"legal_hold_reason": [old or None, cleaned or None]},
    )
    return customer


def contact_organisations(subject: DataSubject) -> list[int]:
    """Organisations the person is a contact of (by link or by email), whose timelines name them."""
    return list(
        ContactPerson.objects.filter(Q(person_id__in=subject.customer_ids) | Q(email__in=subject.emails))
        .exclude(organisation_id__in=subject.customer_ids)
        .values_list("organisation_id", flat=True)
        .distinct()
    )


def _search_words_forget(words: set[str], customer_ids: tuple[int, ...]) -> None:
    """PostgreSQL keeps the distinct words of every customer's search text for typo-tolerant search
    (migration 0006): drop the erased person's words that no other customer still has."""
    if connection.vendor != "postgresql" or not words:
        return
    customers = connection.ops.quote_name(Customer._meta.db_table)
    with connection.cursor() as cursor:
        for word in sorted(words):
            # The tsvector's GIN index finds the customers with the word; the LIKE keeps whole words.
            cursor.execute(
                "DELETE FROM customer_search_word WHERE word = %s AND NOT EXISTS ("
                f"SELECT 1 FROM {customers} c WHERE c.search_vector @@ plainto_tsquery('simple', %s) "
                "AND ' ' || c.search_text || ' ' LIKE %s)",
                [word, word, f"% {word} %"],
            )


def _search_index_purge() -> None:
    """SQLite's FTS5 index keeps a changed row's old words in its older segments until they are
    merged: merge them now, so the erased words are gone from the index's storage too."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO customer_fts(customer_fts) VALUES ('optimize')")


def customers_anonymise(subject: DataSubject, *, actor: Any, reason: str) -> dict[str, int]:
    """Turn the person's records into anonymous shells ("Erased customer #12"): names, national number,
    contact points, contact-person entries, tags, attributes and duplicate pairs go; the rows, their
    numbers, stages and every transaction stay. Runs inside the erasure's transaction."""
    ids = subject.customer_ids
    now = timezone.now()
    old_words: set[str] = set()
    tag_ids = set(Tag.objects.filter(customers__pk__in=ids).values_list("pk", flat=True))
    for customer in Customer.objects.select_for_update().filter(pk__in=ids):
        old_words |= {word for word in customer.search_text.split(" ") if len(word) >= 3}
        for field, value in ERASED_FIELDS.items():
            setattr(customer, field, value)
        customer.display_name = ERASED_NAME.format(id=customer.pk)
        customer.sort_name = sort_key(customer.display_name, settings.DEFAULT_COUNTRY)
        if customer.kind != "organisation":
            customer.industry = ""
        customer.erased_at, customer.erased_by = now, actor if getattr(actor, "pk", None) else None
        customer.erasure_reason = reason
        customer.save()
        customer.tags.clear()
    contacts = ContactPerson.objects.filter(
        Q(organisation_id__in=ids) | Q(person_id__in=ids) | Q(email__in=subject.emails)
    )
    contact_ids = list(contacts.values_list("pk", flat=True))
    counts = {
        "emails": EmailAddress.objects.filter(customer_id__in=ids).delete()[0],
        "phones": PhoneNumber.objects.filter(customer_id__in=ids).delete()[0],
        "addresses": Address.objects.filter(customer_id__in=ids).delete()[0],
        "contact_persons": ContactPerson.objects.filter(pk__in=contact_ids).delete()[0],
        # A tag no one else has can name the person ("zebulon-vip"); shared tags stay.
        "tags": Tag.objects.filter(pk__in=tag_ids, customers__isnull=True).delete()[0],
        "duplicate_pairs": DuplicateSuspicion.objects.filter(
            Q(first_id__in=ids) | Q(second_id__in=ids)
        ).delete()[0],
    }
    counts["audit_entries"] = audit_entries_erase(
        object_type=Customer._meta.label_lower, object_ids=ids, label=ERASED_NAME
    ) + audit_entries_erase(object_type=ContactPerson._meta.label_lower, object_ids=contact_ids)
    _search_words_forget(old_words, ids)
    _search_index_purge()
    return counts


def lock(*, customer_id: int) -> None:
    """Lock the customer's row for the erasure's transaction, so two erasures (or an erasure and a
    change) of one customer run one after the other."""
    list(Customer.objects.select_for_update().filter(pk=customer_id).values_list("pk", flat=True))
