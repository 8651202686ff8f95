"""Other live customers holding an email, a phone or a national number typed into the new-customer form:
the warning staff see before they save a duplicate (the API creates as before; docs/api.md)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lojal.core.contact_points import email_normalise, phone_normalise
from lojal.core.errors import ValidationError
from lojal.core.nordic_ids import national_id_parse
from lojal.customers.models import Customer, EmailAddress, Kind, PhoneNumber
from lojal.customers.selectors import national_ids_visible_to

#: At most this many values of each kind are looked up (the form takes one per line).
VALUES_MAX = 20


@dataclass(frozen=True)
class Holder:
    """Another customer who already has a value typed into the form. ``customer_id`` is None for a
    national number when the user may not learn whose number it is."""

    field: str  # "email", "phone" or "national_id"
    value: str
    customer_id: int | None
    name: str
    customer_number: int | None


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()][:VALUES_MAX]


def _normalised(values: Iterable[str], normalise: Any) -> dict[str, str]:
    """Stored form -> the form as typed, for the values that are valid (the form reports the others)."""
    found: dict[str, str] = {}
    for value in values:
        try:
            found.setdefault(normalise(value), value)
        except ValidationError:
            continue
    return found


def contact_point_holders(
    *,
    user: Any,
    emails: str = "",
    phones: str = "",
    phone_region: str = "SE",
    national_id: str = "",
    national_id_country: str = "SE",
    kind: str = Kind.PERSON,
    exclude_id: int | None = None,
) -> list[Holder]:
    """Live customers other than ``exclude_id`` that hold one of the emails or phones (one per line, as
    the form takes them) or the national number. Whose number it is is told only to a user who may see
    national numbers (:func:`lojal.customers.selectors.national_ids_visible_to`)."""
    holders: list[Holder] = []
    wanted_emails = _normalised(_lines(emails), lambda value: email_normalise(value))
    wanted_phones = _normalised(
        _lines(phones), lambda value: phone_normalise(value, region=phone_region or None)
    )
    lookups: list[tuple[str, Any, str, dict[str, str]]] = [
        ("email", EmailAddress, "address", wanted_emails),
        ("phone", PhoneNumber, "number", wanted_phones),
    ]
    for field, model, key, wanted in lookups:
        if not wanted:
            continue
        rows = (
            model.objects.of_live_customers()
            .filter(**{f"{key}__in": list(wanted)})
            .exclude(customer_id=exclude_id)
            .order_by(key, "customer_id")
            .values_list(key, "customer_id", "customer__display_name", "customer__customer_number")
        )
        holders.extend(
            Holder(field=field, value=wanted[value], customer_id=pk, name=name, customer_number=number)
            for value, pk, name, number in rows
        )
    if national_id.strip():
        try:
            parsed = national_id_parse(
                country=national_id_country or "SE",
                holder="organisation" if kind == Kind.ORGANISATION else "person",
                value=national_id,
            )
        except ValidationError:
            parsed = None
        if parsed is not None:
            same_number = Customer.objects.live().filter(
                national_id_country=parsed.country, national_id=parsed.compact
            )
            if exclude_id is not None:
                same_number = same_number.exclude(pk=exclude_id)
            found = same_number.values_list("pk", "display_name", "customer_number").first()
            if found is not None:
                visible = national_ids_visible_to(user)
                holders.append(
                    Holder(
                        field="national_id",
                        value=parsed.formatted if visible else "",
                        customer_id=found[0] if visible else None,
                        name=found[1] if visible else "",
                        customer_number=found[2] if visible else None,
                    )
                )
    return holders
