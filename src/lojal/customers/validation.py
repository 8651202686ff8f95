"""Checking and cleaning customer input. Collects every problem before failing, so one answer names
every bad field; nothing is written here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from stdnum.dk import cpr as dk_cpr
from stdnum.no import fodselsnummer as no_fnr

from lojal.accounts.selectors import staff_get
from lojal.core.contact_points import email_normalise, phone_normalise
from lojal.core.errors import ValidationError
from lojal.core.inputs import EARLIEST_DATE, text_fault
from lojal.core.nordic_ids import NationalId, national_id_parse
from lojal.core.postal_codes import postal_code_example, postal_code_valid
from lojal.core.text import fold
from lojal.customers.models import Address, Country, Kind, Language, PhoneNumber, Stage, VipTier

SCALAR_FIELDS = {
    "first_name": 100,
    "last_name": 100,
    "organisation_name": 200,
    "industry": 100,
}
ALL_FIELDS = {
    "kind",
    "first_name",
    "last_name",
    "organisation_name",
    "industry",
    "employee_count",
    "founded_year",
    "birth_date",
    "customer_since",
    "attributes",
    "national_id",
    "national_id_country",
    "emails",
    "phones",
    "addresses",
    "preferred_language",
    "account_manager_id",
    "vip_tier",
    "tags",
    "lifecycle_stage",
    "stage_reason",
}
MAX_CONTACT_POINTS = 20
# Choices.values builds a new list on every access; these run once per field per row in bulk paths.
PHONE_LABELS = PhoneNumber.Label.values
COUNTRIES = Country.values
ADDRESS_LABELS = Address.Label.values
LANGUAGES = Language.values
VIP_TIERS = VipTier.values
STAGES = Stage.values
TAG_MAX_LENGTH = 60


class _Errors:
    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, reason: str) -> None:
        self.by_field.setdefault(field, []).append(reason)

    def absorb(self, error: ValidationError, field: str) -> None:
        for reasons in error.errors.values():
            for reason in reasons:
                self.add(field, reason)

    def raise_if_any(self) -> None:
        if self.by_field:
            summary = "; ".join(f"{field}: {' '.join(reasons)}" for field, reasons in self.by_field.items())
            raise ValidationError(summary, errors=self.by_field)


def _text(value: Any, field: str, limit: int, errors: _Errors) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.add(field, _("Must be text."))
        return ""
    cleaned = " ".join(value.split())
    if len(cleaned) > limit:
        errors.add(field, _("At most %(max)d characters.") % {"max": limit})
    return cleaned[:limit]


# Each list of allowed values as a set too, for a constant-time check (the country list is long).
_MEMBERS: dict[int, tuple[list[str], frozenset[str]]] = {}


def _allowed(value: Any, allowed: list[str]) -> bool:
    if not isinstance(value, str):
        return value in allowed
    found = _MEMBERS.get(id(allowed))
    if found is None or found[0] is not allowed:
        found = _MEMBERS[id(allowed)] = (allowed, frozenset(allowed))
    return value in found[1]


def _choice(value: Any, field: str, allowed: list[str], errors: _Errors) -> str:
    if not _allowed(value, allowed):
        errors.add(field, _("Must be one of: %(allowed)s.") % {"allowed": ", ".join(allowed)})
        return allowed[0]
    return str(value)


def _optional_int(value: Any, field: str, low: int, high: int, errors: _Errors) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
        if isinstance(value, float) and not value.is_integer():
            raise ValueError
    except (TypeError, ValueError):
        errors.add(field, _("Must be a whole number."))
        return None
    if not low <= number <= high:
        errors.add(field, _("Must be between %(low)d and %(high)d.") % {"low": low, "high": high})
        return None
    return number


def _date(value: Any, field: str, errors: _Errors) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        parsed = value
    else:
        try:
            parsed = dt.date.fromisoformat(str(value))
        except ValueError:
            errors.add(field, _("Must be a date as YYYY-MM-DD."))
            return None
    if parsed > dt.date.today() or parsed < EARLIEST_DATE:
        errors.add(field, _("This date is not possible."))
        return None
    return parsed


def _list(value: Any, field: str, errors: _Errors) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        errors.add(field, _("Must be a list."))
        return []
    if len(value) > MAX_CONTACT_POINTS:
        errors.add(field, _("At most %(max)d entries.") % {"max": MAX_CONTACT_POINTS})
        return []
    return list(value)


def _entry(item: Any, field: str, errors: _Errors, key: str) -> dict[str, Any] | None:
    if isinstance(item, str):
        return {key: item}
    if isinstance(item, Mapping):
        return dict(item)
    errors.add(field, _("Each entry must be an object or a text."))
    return None


def _primary_first(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Exactly one primary entry, placed first: the one marked primary, else the first given."""
    if len(entries) == 1:  # the common case: one email, one phone, one address
        entries[0]["is_primary"] = True
        return entries
    if not entries:
        return entries
    index = next((i for i, entry in enumerate(entries) if entry.get("is_primary")), 0)
    ordered = [entries[index], *entries[:index], *entries[index + 1 :]]
    for position, entry in enumerate(ordered):
        entry["is_primary"] = position == 0
    return ordered


def _emails(value: Any, errors: _Errors) -> list[dict[str, Any]]:
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, item in enumerate(_list(value, "emails", errors)):
        entry = _entry(item, "emails", errors, "address")
        if entry is None:
            continue
        field = f"emails[{index}].address"
        raw = entry.get("address")
        if not isinstance(raw, str) or not raw.strip():
            errors.add(field, _("This field is required."))
            continue
        try:
            address = email_normalise(raw, field=field)
        except ValidationError as error:
            errors.absorb(error, field)
            continue
        if address in seen:
            continue
        seen.add(address)
        cleaned.append(
            {
                "address": address,
                "label": _text(entry.get("label"), f"emails[{index}].label", 30, errors),
                "is_primary": bool(entry.get("is_primary")),
            }
        )
    return _primary_first(cleaned)


def _phones(value: Any, region: str, errors: _Errors) -> list[dict[str, Any]]:
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, item in enumerate(_list(value, "phones", errors)):
        entry = _entry(item, "phones", errors, "number")
        if entry is None:
            continue
        field = f"phones[{index}].number"
        raw = entry.get("number")
        if not isinstance(raw, str) or not raw.strip():
            errors.add(field, _("This field is required."))
            continue
        try:
            number = phone_normalise(raw, region=region, field=field)
        except ValidationError as error:
            errors.absorb(error, field)
            continue
        if number in seen:
            continue
        seen.add(number)
        label = entry.get("label") or PhoneNumber.Label.MOBILE
        cleaned.append(
            {
                "number": number,
                "label": _choice(label, f"phones[{index}].label", PHONE_LABELS, errors),
                "is_primary": bool(entry.get("is_primary")),
            }
        )
    return _primary_first(cleaned)


def _addresses(value: Any, errors: _Errors) -> list[dict[str, Any]]:
    cleaned: list[dict[str, Any]] = []
    for index, item in enumerate(_list(value, "addresses", errors)):
        if not isinstance(item, Mapping):
            errors.add("addresses", _("Each entry must be an object."))
            continue
        prefix = f"addresses[{index}]"
        entry = {
            "street": _text(item.get("street"), f"{prefix}.street", 200, errors),
            "postal_code": _text(item.get("postal_code"), f"{prefix}.postal_code", 12, errors),
            "city": _text(item.get("city"), f"{prefix}.city", 100, errors),
            "municipality": _text(item.get("municipality"), f"{prefix}.municipality", 100, errors),
            "region": _text(item.get("region"), f"{prefix}.region", 100, errors),
            "country": _choice(
                item.get("country") or settings.DEFAULT_COUNTRY, f"{prefix}.country", COUNTRIES, errors
            ),
            "label": _choice(
                item.get("label") or Address.Label.POSTAL, f"{prefix}.label", ADDRESS_LABELS, errors
            ),
            "is_primary": bool(item.get("is_primary")),
        }
        # Registers hold partial addresses ("Box 123" without a city, a postal code and a city
        # without a street): what is there is kept and checked, but an empty address is no address.
        if not (entry["street"] or entry["postal_code"] or entry["city"]):
            errors.add(f"{prefix}.street", _("Give a street, a postal code or a city."))
        country_given = f"{prefix}.country" not in errors.by_field
        if (
            country_given
            and entry["postal_code"]
            and not postal_code_valid(str(entry["postal_code"]), str(entry["country"]))
        ):
            errors.add(
                f"{prefix}.postal_code",
                _("Not a postal code of %(country)s (written like %(example)s).")
                % {"country": entry["country"], "example": postal_code_example(str(entry["country"]))},
            )
        entry["match_key"] = address_match_key(str(entry["street"]), str(entry["postal_code"]))
        cleaned.append(entry)
    return _primary_first(cleaned)


def address_match_key(street: str, postal_code: str) -> str:
    """Street and postal code folded to one key, so "Storgatan 1" and "STORGATAN  1" meet; no key
    without a street (a postal code alone is shared by thousands)."""
    if not street.strip():
        return ""
    return f"{''.join(postal_code.split())}|{fold(street)}"[:200]


MAX_ATTRIBUTES = 50


def _attributes(value: Any, errors: _Errors) -> dict[str, str]:
    """Free attributes: at most 50 names of up to 100 characters, each with a text of up to 1000."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        errors.add("attributes", _("Must be an object of names and texts."))
        return {}
    if len(value) > MAX_ATTRIBUTES:
        errors.add("attributes", _("At most %(max)d attributes.") % {"max": MAX_ATTRIBUTES})
        return {}
    cleaned: dict[str, str] = {}
    for name, text in value.items():
        key = " ".join(str(name).split())
        if not key or len(key) > 100:
            errors.add("attributes", _("An attribute's name has 1 to 100 characters."))
            continue
        if not isinstance(text, str | int | float) or isinstance(text, bool):
            errors.add(f"attributes.{key}", _("Must be text."))
            continue
        cleaned[key] = _text(str(text), f"attributes.{key}", 1000, errors)
    return cleaned


def _tags(value: Any, errors: _Errors) -> list[str]:
    names: list[str] = []
    for item in _list(value, "tags", errors):
        if not isinstance(item, str) or not item.strip():
            errors.add("tags", _("Each tag must be a non-empty text."))
            continue
        name = " ".join(item.split())
        if len(name) > TAG_MAX_LENGTH:
            errors.add("tags", _("A tag can be at most %(max)d characters.") % {"max": TAG_MAX_LENGTH})
            continue
        if name.casefold() not in {existing.casefold() for existing in names}:
            names.append(name)
    return names


def _text_fault_in(value: Any) -> str | None:
    """The first reason a text in ``value`` (or in its lists and objects) cannot be stored, or None."""
    if isinstance(value, str):
        return text_fault(value)
    items = value.values() if isinstance(value, Mapping) else value if isinstance(value, list | tuple) else ()
    for item in items:
        if reason := _text_fault_in(item):
            return reason
    return None


def customer_clean(
    *,
    data: Mapping[str, Any],
    kind: str,
    partial: bool,
    home_country: str = "",
    national_id_country: str = "",
) -> dict[str, Any]:
    """Validate ``data`` for a customer of ``kind``; returns only the keys given, cleaned.

    ``partial`` is True for updates: missing keys mean "leave as is", and required fields are only
    checked when given. ``home_country`` (the customer's address country) is where phone numbers
    without a country code are read and ``national_id_country`` where a number is read, when the
    call itself says nothing about either.
    """
    errors = _Errors()
    for field, value in data.items():
        if reason := _text_fault_in(value):
            errors.add(field, reason)
    unknown = sorted(set(data) - ALL_FIELDS)
    for field in unknown:
        errors.add(field, _("Unknown field."))
    cleaned: dict[str, Any] = {}
    for field, limit in SCALAR_FIELDS.items():
        if field in data:
            cleaned[field] = _text(data[field], field, limit, errors)
    if kind == Kind.PERSON:
        if not partial and not (cleaned.get("first_name") or cleaned.get("last_name")):
            errors.add("last_name", _("A person needs a first or last name."))
        for field in ("organisation_name", "industry", "employee_count", "founded_year"):
            if data.get(field) not in (None, ""):
                errors.add(field, _("Only organisations have this field."))
    else:
        if (not partial or "organisation_name" in data) and not cleaned.get("organisation_name"):
            errors.add("organisation_name", _("This field is required."))
        if data.get("birth_date") not in (None, ""):
            errors.add("birth_date", _("Only persons have this field."))
    if "employee_count" in data:
        cleaned["employee_count"] = _optional_int(
            data["employee_count"], "employee_count", 0, 10_000_000, errors
        )
    if "founded_year" in data:
        cleaned["founded_year"] = _optional_int(
            data["founded_year"], "founded_year", 1000, dt.date.today().year, errors
        )
    if "birth_date" in data:
        cleaned["birth_date"] = _date(data["birth_date"], "birth_date", errors)
    if "customer_since" in data:
        cleaned["customer_since"] = _date(data["customer_since"], "customer_since", errors)
    if "attributes" in data:
        cleaned["attributes"] = _attributes(data["attributes"], errors)
    if "preferred_language" in data:
        cleaned["preferred_language"] = _choice(
            data["preferred_language"], "preferred_language", LANGUAGES, errors
        )
    if "vip_tier" in data:
        cleaned["vip_tier"] = _choice(data["vip_tier"], "vip_tier", VIP_TIERS, errors)
    if "lifecycle_stage" in data:
        cleaned["lifecycle_stage"] = _choice(data["lifecycle_stage"], "lifecycle_stage", STAGES, errors)
    if "stage_reason" in data:
        cleaned["stage_reason"] = _text(data["stage_reason"], "stage_reason", 300, errors)
    if "account_manager_id" in data:
        manager = data["account_manager_id"]
        if manager in (None, ""):
            cleaned["account_manager_id"] = None
        elif (
            staff_get(
                user_id=_optional_int(manager, "account_manager_id", 1, 2**62, errors) or 0, active_only=True
            )
            is None
        ):
            errors.add("account_manager_id", _("No active staff user has this id."))
        else:
            cleaned["account_manager_id"] = int(manager)
    if "addresses" in data:
        cleaned["addresses"] = _addresses(data["addresses"], errors)
    address_country = cleaned["addresses"][0]["country"] if cleaned.get("addresses") else ""
    number_country = str(
        data.get("national_id_country")
        or national_id_country
        or address_country
        or home_country
        or settings.DEFAULT_COUNTRY
    ).upper()
    phone_country = address_country or home_country or number_country
    if partial and data.get("national_id_country") and "national_id" not in data:
        errors.add("national_id", _("Send the number together with its country."))
    if "emails" in data:
        cleaned["emails"] = _emails(data["emails"], errors)
    if "phones" in data:
        cleaned["phones"] = _phones(data["phones"], phone_country, errors)
    if "tags" in data:
        cleaned["tags"] = _tags(data["tags"], errors)
    if "national_id" in data:
        raw = data["national_id"]
        if raw in (None, ""):
            cleaned["national_id"] = None
        elif not isinstance(raw, str):
            errors.add("national_id", _("Must be text."))
        else:
            try:
                parsed = national_id_parse(
                    country=number_country,
                    holder="organisation" if kind == Kind.ORGANISATION else "person",
                    value=raw,
                )
            except ValidationError as error:
                for field, reasons in error.errors.items():
                    for reason in reasons:
                        errors.add(field, reason)
            else:
                cleaned["national_id"] = parsed
    errors.raise_if_any()
    return cleaned


def birth_date_from(national_id: NationalId) -> dt.date | None:
    """The birth date a person's number carries, where the number encodes one."""
    if national_id.holder != "person":
        return None
    compact = national_id.compact
    try:
        if national_id.country == "SE":
            day = int(compact[6:8])
            return dt.date(int(compact[:4]), int(compact[4:6]), day - 60 if day > 60 else day)
        if national_id.country == "NO":
            return no_fnr.get_birth_date(compact)
        if national_id.country == "DK":
            return dk_cpr.get_birth_date(compact)
        if national_id.country == "FI":
            sign = compact[6]
            century = 1800 if sign == "+" else 2000 if sign in "ABCDEF" else 1900
            return dt.date(century + int(compact[4:6]), int(compact[2:4]), int(compact[:2]))
    except ValueError:
        return None
    return None
