"""Importing customers: each changed row gets the full validation a customer created through the API
gets; rows are matched to existing customers by the source's id, national or organisation number,
email or customer number; the commit creates the new ones set-based and updates the changed ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from lojal.core.bulk import bulk_insert, bulk_update
from lojal.core.errors import ValidationError
from lojal.core.nordic_ids import NationalId, national_id_parse
from lojal.core.text import fold
from lojal.customers.creation import customers_create_validated
from lojal.customers.derived import derived_names
from lojal.customers.models import Customer, EmailAddress, Kind
from lojal.customers.services import duplicates_check_on_commit
from lojal.customers.updating import ItemError, customers_update_batch
from lojal.customers.validation import customer_clean
from lojal.imports.base import Importer, Mapped, Row, rows_with_keys
from lojal.imports.columnar.customer_rows import COLUMNS_FROM, attributes_cleaned, cleaned_rows
from lojal.imports.models import ImportJob, StagedRow
from lojal.imports.rules.addresses import country_code
from lojal.imports.rules.names import has_legal_form, split_full_name
from lojal.imports.values import parse_date
from lojal.sales.models import CustomerSourceKey

_KEYS = CustomerSourceKey._meta.db_table
_STAGED = StagedRow._meta.db_table
_CUSTOMERS = Customer._meta.db_table
_EMAILS = EmailAddress._meta.db_table
APPLY_CHUNK = 5000
STAGED_COLUMNS = ("job_id", "line", "action", "target_id", "key", "alt_key", "row_hash", "data")
_ORGANISATION_WORDS = {
    "organisation",
    "organization",
    "company",
    "foretag",
    "firma",
    "org",
    "b2b",
    "business",
    "bedrift",
    "virksomhed",
    "yritys",
    "o",
    "c",
}
_PERSON_WORDS = {
    "person",
    "private",
    "privat",
    "privatperson",
    "b2c",
    "consumer",
    "konsument",
    "p",
    "henkilo",
}
_LANGUAGES = {
    "svenska": "sv",
    "swedish": "sv",
    "se": "sv",
    "norsk": "nb",
    "norwegian": "nb",
    "no": "nb",
    "bokmal": "nb",
    "dansk": "da",
    "danish": "da",
    "dk": "da",
    "suomi": "fi",
    "finnish": "fi",
    "english": "en",
    "engelska": "en",
}
COMPARED = (
    "first_name",
    "last_name",
    "organisation_name",
    "industry",
    "preferred_language",
    "vip_tier",
    "birth_date",
    "customer_since",
)
_DATES = ("birth_date", "customer_since")


def _serialise(cleaned: dict[str, Any]) -> dict[str, Any]:
    out = dict(cleaned)
    national_id = out.get("national_id")
    if isinstance(national_id, NationalId):
        out["national_id"] = {
            "country": national_id.country,
            "kind": national_id.kind,
            "compact": national_id.compact,
            "formatted": national_id.formatted,
        }
    for name in _DATES:
        if isinstance(out.get(name), dt.date):
            out[name] = out[name].isoformat()
    return out


def _deserialise(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(data)
    if isinstance(cleaned.get("national_id"), dict):
        cleaned["national_id"] = NationalId(**cleaned["national_id"])
    for name in _DATES:
        if cleaned.get(name):
            cleaned[name] = dt.date.fromisoformat(cleaned[name])
    return cleaned


class CustomerImporter(Importer):
    def __init__(self, job: ImportJob) -> None:
        super().__init__(job)
        self.source = job.source
        self.full_names = "full_name" in self.mapped_fields
        self.full_name_header = next((h for h, name in job.mapping.items() if name == "full_name"), "")
        if self.full_names:
            self.mapped_fields |= {"first_name", "last_name", "organisation_name"}

    def _full_name(self, values: dict[str, str]) -> None:
        """A full-name column ("Namn") read as the organisation's name when the row has an
        organisation number or the name a legal form ("Fjällräven AB"), else as a person's first and
        last name. A row that names its customer in separate columns too keeps those."""
        full = " ".join(values.get("full_name", "").split())
        if not full or any(values.get(name) for name in ("first_name", "last_name", "organisation_name")):
            return
        given = fold(values.get("kind", ""))
        if given in _ORGANISATION_WORDS:
            organisation = True
        elif given in _PERSON_WORDS:
            organisation = False
        else:
            organisation = self._organisation_number(values) or has_legal_form(full)
        if organisation:
            values["organisation_name"] = full
        else:
            values["first_name"], values["last_name"] = split_full_name(full)

    def _organisation_number(self, values: dict[str, str]) -> bool:
        """Whether the row's national number is an organisation's (and not a person's: a sole
        trader's register entry holds a personal number)."""
        text = values.get("national_id", "")
        if not text:
            return False
        country = (values.get("country") or settings.DEFAULT_COUNTRY).upper()
        holders = []
        for holder in ("person", "organisation"):
            try:
                national_id_parse(country=country, holder=holder, value=text)
            except ValidationError:
                continue
            holders.append(holder)
        return holders == ["organisation"]

    def _bad_dates(self, mapped: Mapped) -> bool:
        """Reject a row whose dates are not dates in any form an ERP writes, with the reading's reason
        (the validation's own "YYYY-MM-DD" would name a form the file need not use)."""
        bad = False
        for name in _DATES:
            if text := mapped.values.get(name):
                try:
                    parse_date(text)
                except ValueError as error:
                    self.reject(mapped.line, name, str(error), text)
                    bad = True
        return bad

    def _kind(self, values: dict[str, str]) -> str | None:
        text = fold(values.get("kind", ""))
        if text in _ORGANISATION_WORDS:
            return Kind.ORGANISATION.value
        if text in _PERSON_WORDS:
            return Kind.PERSON.value
        if text:
            return None
        if values.get("organisation_name") and not (values.get("first_name") or values.get("last_name")):
            return Kind.ORGANISATION.value
        return Kind.PERSON.value

    def service_data(
        self, values: dict[str, str], kind: str, *, for_update: bool, attributes: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """The row as the customer services take it; for an update only the columns the file has.
        The file's unmapped columns become free attributes, and so does a person's full name as the
        file wrote it (the split into first and last name is a guess worth being able to check)."""
        data: dict[str, Any] = {}
        kept = dict(attributes or {})
        if self.full_name_header and kind == Kind.PERSON and values.get("full_name"):
            kept[self.full_name_header] = values["full_name"]
        if kept:
            data["attributes"] = kept
        fields = self.mapped_fields
        names = (
            ("first_name", "last_name", "industry")
            if kind == Kind.PERSON
            else ("organisation_name", "industry")
        )
        if kind == Kind.PERSON and "organisation_name" in fields and values.get("organisation_name"):
            data["organisation_name"] = values["organisation_name"]  # rejected by validation, named
        for name in names:
            if name in fields and (values.get(name) or not for_update):
                data[name] = values.get(name, "")
        if (
            kind == Kind.PERSON
            and "organisation_name" not in names
            and "first_name" not in fields
            and "last_name" not in fields
        ):
            pass
        if "national_id" in fields and values.get("national_id"):
            data["national_id"] = values["national_id"]
            data["national_id_country"] = (values.get("country") or settings.DEFAULT_COUNTRY).upper()
        if "email" in fields and values.get("email"):
            data["emails"] = [values["email"]]
        if "phone" in fields and values.get("phone"):
            data["phones"] = [values["phone"]]
        if values.get("street") or values.get("postal_code") or values.get("city"):
            data["addresses"] = [
                {
                    "street": values.get("street", ""),
                    "postal_code": values.get("postal_code", ""),
                    "city": values.get("city", ""),
                    "country": (values.get("country") or settings.DEFAULT_COUNTRY).upper(),
                }
            ]
        if values.get("preferred_language"):
            text = fold(values["preferred_language"])
            data["preferred_language"] = _LANGUAGES.get(text, text)
        if values.get("vip_tier"):
            data["vip_tier"] = fold(values["vip_tier"])
        for name in _DATES:
            if values.get(name):
                try:
                    data[name] = parse_date(values[name]).isoformat()
                except ValueError:
                    data[name] = values[name]  # refused by the validation, which names the field
        if values.get("tags"):
            data["tags"] = [tag.strip() for tag in values["tags"].replace(";", ",").split(",") if tag.strip()]
        return data

    def check(self, rows: Sequence[Row], prepared: Any = None) -> None:
        job = self.job
        mapped_rows = self.map_rows(rows)
        keys = [m.values.get("external_id", "") for m in mapped_rows if m.values.get("external_id")]
        stored = {
            external_id: (customer_id, row_hash)
            for external_id, customer_id, row_hash in rows_with_keys(
                f"SELECT external_id, customer_id, row_hash FROM {_KEYS} WHERE source = %s AND external_id IN {{keys}}",
                [self.source],
                keys,
            )
        }
        earlier: dict[str, int] = dict(
            rows_with_keys(
                f"SELECT key, line FROM {_STAGED} WHERE job_id = %s AND key IN {{keys}}", [job.pk], keys
            )
        )
        duplicate = _("Duplicate: the same customer id is on line %(line)d.")
        checked: list[tuple[Mapped, str, int | None]] = []
        candidates: list[tuple[Mapped, str, dict[str, Any], int | None]] = []
        for mapped in mapped_rows:
            key = mapped.values.get("external_id", "")
            if len(key) > 100:
                self.reject(mapped.line, "external_id", _("At most 100 characters."), key)
                continue
            if key and self.seen_or_unchanged(mapped, key, earlier, stored, duplicate):
                continue
            if mapped.values.get("country"):
                mapped.values["country"] = country_code(mapped.values["country"])
            if self.full_names:
                self._full_name(mapped.values)
            kind = self._kind(mapped.values)
            if kind is None:
                self.reject(
                    mapped.line, "kind", _("Must be person or organisation."), mapped.values.get("kind")
                )
                continue
            if self._bad_dates(mapped):
                continue
            target = stored.get(key, (None, ""))[0] if key else None
            checked.append((mapped, kind, target))
        for (mapped, kind, target), settled in zip(checked, self._columns_cleaned(checked), strict=True):
            cleaned = settled
            if cleaned is None:
                data = self.service_data(mapped.values, kind, for_update=False, attributes=mapped.attributes)
                try:
                    cleaned = customer_clean(data=data, kind=kind, partial=False)
                except ValidationError as error:
                    self.reject_errors(mapped.line, error, mapped.values)
                    continue
            candidates.append((mapped, kind, cleaned, target))
        self._match_and_stage(candidates)
        self.flush_rejections()

    def _columns_cleaned(self, checked: list[tuple[Mapped, str, int | None]]) -> list[dict[str, Any] | None]:
        """The cleaned data of the rows the columnar check settles (None: the row goes through
        ``customer_clean``), for a batch of at least COLUMNS_FROM rows."""
        if len(checked) < COLUMNS_FROM:
            return [None] * len(checked)
        settled = cleaned_rows(
            [mapped.values for mapped, _kind, _target in checked],
            [kind for _mapped, kind, _target in checked],
            fields=self.mapped_fields,
            aliases=_LANGUAGES,
            fold=fold,
            parse_date=parse_date,
        )
        for at, (mapped, kind, _target) in enumerate(checked):
            cleaned = settled[at]
            kept = dict(mapped.attributes)
            if self.full_name_header and kind == Kind.PERSON and mapped.values.get("full_name"):
                kept[self.full_name_header] = mapped.values["full_name"]  # as service_data keeps it
            if cleaned is None or not kept:
                continue
            attributes = attributes_cleaned(kept)
            if attributes is None:
                settled[at] = None
            else:
                cleaned["attributes"] = attributes
        return settled

    def _match_and_stage(self, candidates: list[tuple[Mapped, str, dict[str, Any], int | None]]) -> None:
        job = self.job
        national = {c[2]["national_id"].compact for c in candidates if c[2].get("national_id")}
        emails = {c[2]["emails"][0]["address"] for c in candidates if c[2].get("emails")}
        numbers = {
            int(n)
            for c in candidates
            if (n := c[0].values.get("customer_number", "")).isdigit() and len(n) < 18
        }
        by_national: dict[str, int] = dict(
            rows_with_keys(
                f"SELECT national_id, id FROM {_CUSTOMERS} WHERE deleted_at IS NULL AND national_id IN {{keys}}",
                [],
                sorted(national),
            )
        )
        by_email: dict[str, set[int]] = {}
        for address, customer_id in rows_with_keys(
            f"SELECT e.address, e.customer_id FROM {_EMAILS} e JOIN {_CUSTOMERS} c ON c.id = e.customer_id "
            "AND c.deleted_at IS NULL WHERE e.address IN {keys}",
            [],
            sorted(emails),
        ):
            by_email.setdefault(address, set()).add(customer_id)
        by_number: dict[int, int] = dict(
            rows_with_keys(
                # An erased customer's shell is never matched: the file would write the person back.
                f"SELECT customer_number, id FROM {_CUSTOMERS} WHERE deleted_at IS NULL "
                "AND erased_at IS NULL AND customer_number IN {keys}",
                [],
                sorted(numbers),
            )
        )
        alt_keys = [
            f"{c[2]['national_id'].country}:{c[2]['national_id'].compact}"
            for c in candidates
            if c[2].get("national_id")
        ]
        earlier_alt: dict[str, int] = dict(
            rows_with_keys(
                f"SELECT alt_key, line FROM {_STAGED} WHERE job_id = %s AND alt_key IN {{keys}}",
                [job.pk],
                alt_keys,
            )
        )
        matches: list[tuple[Mapped, str, dict[str, Any], int | None, str]] = []
        for mapped, kind, cleaned, target in candidates:
            national_id = cleaned.get("national_id")
            alt_key = f"{national_id.country}:{national_id.compact}" if national_id else ""
            if alt_key:
                if alt_key in earlier_alt:
                    self.reject(
                        mapped.line,
                        "national_id",
                        _("Duplicate: the same number is on line %(line)d.") % {"line": earlier_alt[alt_key]},
                        mapped.values.get("national_id"),
                    )
                    continue
                earlier_alt[alt_key] = mapped.line
            if target is None and national_id is not None:
                target = by_national.get(national_id.compact)
            if target is None and cleaned.get("emails"):
                owners = by_email.get(cleaned["emails"][0]["address"], set())
                if len(owners) > 1:
                    self.reject(
                        mapped.line,
                        "email",
                        _("Several customers have this email; add a customer id or number."),
                        mapped.values.get("email"),
                    )
                    continue
                target = next(iter(owners), None)
            number = mapped.values.get("customer_number", "")
            if target is None and number:
                target = by_number.get(int(number)) if number.isdigit() and len(number) < 18 else None
                if target is None:
                    self.reject(mapped.line, "customer_number", _("No customer has this number."), number)
                    continue
            matches.append((mapped, kind, cleaned, target, alt_key))
        targets = {m[3] for m in matches if m[3] is not None}
        stored = (
            {
                row["pk"]: row
                for row in Customer.objects.filter(pk__in=targets).values(
                    "pk",
                    "kind",
                    "primary_email",
                    "primary_phone",
                    "city",
                    "national_id",
                    "attributes",
                    *COMPARED,
                )
            }
            if targets
            else {}
        )
        other_keys: dict[int, str] = dict(
            rows_with_keys(
                f"SELECT customer_id, external_id FROM {_KEYS} WHERE source = %s AND customer_id IN {{keys}}",
                [self.source],
                sorted(targets),
            )
        )
        staged: list[tuple[Any, ...]] = []
        for mapped, kind, cleaned, target, alt_key in matches:
            key = mapped.values.get("external_id", "")
            if target is None:
                data: dict[str, Any] = {"kind": kind, "cleaned": _serialise(cleaned)}
                if not cleaned.get("addresses") and (
                    mapped.values.get("city") or mapped.values.get("country")
                ):
                    # A city without a street is no postal address, but it is still kept on the customer.
                    data["place"] = {
                        "city": mapped.values.get("city", "")[:100],
                        "country": mapped.values.get("country", "").upper()[:2],
                    }
                staged.append((job.pk, mapped.line, "create", None, key, alt_key, mapped.row_hash, data))
                self.counts.created += 1
                continue
            if key and other_keys.get(target, key) != key:
                self.reject(
                    mapped.line,
                    "external_id",
                    _("Customer %(id)s already has id %(other)s from this source.")
                    % {"id": target, "other": other_keys[target]},
                    key,
                )
                continue
            current = stored[target]
            if current["kind"] != kind:
                self.reject(
                    mapped.line,
                    "kind",
                    _("The matching customer is of another kind."),
                    mapped.values.get("kind"),
                )
                continue
            update = self.service_data(mapped.values, kind, for_update=True, attributes=mapped.attributes)
            if "attributes" in update:
                # Attributes from other sources, or columns this file no longer has, stay.
                update["attributes"] = {**(current["attributes"] or {}), **update["attributes"]}
            action = "update" if self._differs(current, cleaned) else "link"
            staged.append(
                (
                    job.pk,
                    mapped.line,
                    action,
                    target,
                    key,
                    alt_key,
                    mapped.row_hash,
                    {"kind": kind, "update": update},
                )
            )
            if action == "update":
                self.counts.updated += 1
            else:
                self.counts.unchanged += 1
        bulk_insert(StagedRow, STAGED_COLUMNS, staged)

    def _differs(self, current: dict[str, Any], cleaned: dict[str, Any]) -> bool:
        stored_attributes = current["attributes"] or {}
        if any(stored_attributes.get(name) != text for name, text in cleaned.get("attributes", {}).items()):
            return True
        for name in COMPARED:
            if name in cleaned and cleaned[name] not in ("", None) and cleaned[name] != current[name]:
                return True
        if cleaned.get("emails") and cleaned["emails"][0]["address"] != current["primary_email"]:
            return True
        if cleaned.get("phones") and cleaned["phones"][0]["number"] != current["primary_phone"]:
            return True
        if cleaned.get("addresses") and cleaned["addresses"][0]["city"] != current["city"]:
            return True
        national_id = cleaned.get("national_id")
        return bool(national_id and national_id.compact != current["national_id"])

    def apply(self, actor: Any) -> None:
        job = self.job
        last_id = 0
        while True:
            chunk = list(
                StagedRow.objects.filter(job_id=job.pk, pk__gt=last_id)
                .order_by("pk")
                .values_list("pk", "line", "action", "target_id", "key", "row_hash", "data")[:APPLY_CHUNK]
            )
            if not chunk:
                break
            last_id = chunk[-1][0]
            creates = [row for row in chunk if row[2] == "create"]
            created = (
                customers_create_validated(
                    actor=actor,
                    prepared=[(row[6]["kind"], _deserialise(row[6]["cleaned"])) for row in creates],
                )
                if creates
                else []
            )
            bulk_insert(
                CustomerSourceKey,
                ("customer_id", "source", "external_id", "row_hash"),
                (
                    (customer_id, self.source, row[4], row[5])
                    for row, customer_id in zip(creates, created, strict=True)
                    if row[4]
                ),
            )
            placed = []
            for row, customer_id in zip(creates, created, strict=True):
                if place := row[6].get("place"):
                    cleaned = row[6]["cleaned"]
                    names = derived_names(
                        kind=row[6]["kind"],
                        first_name=cleaned.get("first_name", ""),
                        last_name=cleaned.get("last_name", ""),
                        organisation_name=cleaned.get("organisation_name", ""),
                        city=place["city"],
                        industry=cleaned.get("industry", ""),
                    )
                    placed.append((customer_id, place["city"], place["country"], names[2]))
            bulk_update(Customer, ("city", "country", "search_text"), placed)
            changes = [(row[1], row[3], row[6]["update"]) for row in chunk if row[2] == "update" and row[3]]
            try:
                updated = customers_update_batch(
                    actor=actor,
                    items=[(target, update) for _line, target, update in changes],
                    keep_others=True,
                )
            except ItemError as failed:
                error = failed.error
                raise type(error)(
                    _("Line %(line)d: %(error)s")
                    % {"line": changes[failed.index][0], "error": error.message},
                    errors=error.errors,
                ) from None
            # The changed customers' duplicate search runs in the worker once the commit is through.
            duplicates_check_on_commit(customer_ids=updated)
            _source_keys_upsert(
                self.source,
                [
                    (row[3], row[4], row[5])
                    for row in chunk
                    if row[2] != "create" and row[3] is not None and row[4]
                ],
            )


def _source_keys_upsert(source: str, rows: list[tuple[int, str, str]]) -> None:
    """Point each (customer id, external id, row hash) at its customer, in one statement."""
    if not rows:
        return
    table = connection.ops.quote_name(_KEYS)
    upsert = (
        "ON CONFLICT (source, external_id) DO UPDATE SET customer_id = excluded.customer_id, "
        "row_hash = excluded.row_hash"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} (customer_id, source, external_id, row_hash) "
                "SELECT k.customer_id, %s, k.external_id, k.row_hash "
                "FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS k (customer_id, external_id, row_hash) "
                + upsert,
                [source, [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]],
            )
        else:
            cursor.executemany(
                f"INSERT INTO {table} (customer_id, source, external_id, row_hash) VALUES (%s, %s, %s, %s) "
                + upsert,
                [(customer_id, source, key, row_hash) for customer_id, key, row_hash in rows],
            )
