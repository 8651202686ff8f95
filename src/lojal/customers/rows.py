"""New customers as the rows their table stores, built straight from cleaned data: the values a
``Customer`` made by the services would be saved with (tests compare the two), without a model
instance per customer or the ORM's preparing of each of its fields, for set-based inserts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from enum import Enum
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Field

from lojal.customers.derived import derived_names
from lojal.customers.languages import preferred_language_derived
from lojal.customers.models import Customer, Stage
from lojal.customers.services import PLAIN_FIELDS, national_id_values, primary_values

#: The columns a new customer's row is written with; the others (deleted, merged into) stay empty.
CUSTOMER_COLUMNS = (
    "kind",
    "customer_number",
    "display_name",
    "sort_name",
    "search_text",
    "first_name",
    "last_name",
    "birth_date",
    "organisation_name",
    "industry",
    "employee_count",
    "founded_year",
    "customer_since",
    "attributes",
    "national_id",
    "national_id_country",
    "national_id_kind",
    "national_id_display",
    "primary_email",
    "primary_phone",
    "city",
    "country",
    "preferred_language",
    "account_manager_id",
    "vip_tier",
    "lifecycle_stage",
    "created_at",
    "updated_at",
)


#: The columns a new customer's row leaves empty (database defaults), as its object holds them.
NEW_CUSTOMER_EMPTY: dict[str, Any] = {
    "deleted_at": None,
    "merged_into_id": None,
    "erased_at": None,
    "erased_by_id": None,
    "erasure_reason": "",
    "legal_hold_reason": "",
}


@cache
def _defaults() -> dict[str, Any]:
    """Each column's model default (attributes excepted: a fresh dict per customer)."""
    defaults = {}
    for name in CUSTOMER_COLUMNS:
        if name not in ("kind", "customer_number", "attributes", "created_at", "updated_at"):
            field = Customer._meta.get_field(name)
            assert isinstance(field, Field)
            value = field.get_default()
            defaults[name] = value.value if isinstance(value, Enum) else value  # a choice as its text
    return defaults


def customer_values(
    kind: str, cleaned: Mapping[str, Any], *, number: int, now: dt.datetime
) -> dict[str, Any]:
    """The row of a new customer of ``kind`` from ``customer_clean``'s output, numbered ``number``,
    created ``now``: plain fields, lead as the stage unless given, national number, primary contact
    points, derived names and the preferred language (from the country when not given), as a Customer object built and saved by the services would hold."""
    values = dict(_defaults())
    values.update(kind=str(kind), customer_number=number, created_at=now, updated_at=now, attributes={})
    for field in PLAIN_FIELDS:
        if field in cleaned:
            values[field] = cleaned[field]
    values["lifecycle_stage"] = cleaned.get("lifecycle_stage") or Stage.LEAD.value
    values["preferred_language"] = preferred_language_derived(cleaned)
    values.update(national_id_values(cleaned.get("national_id"), kind=kind, birth_date=values["birth_date"]))
    values.update(primary_values(cleaned))
    values["display_name"], values["sort_name"], values["search_text"] = derived_names(
        kind=kind,
        first_name=values["first_name"],
        last_name=values["last_name"],
        organisation_name=values["organisation_name"],
        city=values["city"],
        industry=values["industry"],
    )
    return values


def customer_row(values: Mapping[str, Any]) -> tuple[Any, ...]:
    """``values`` in the order of :data:`CUSTOMER_COLUMNS`."""
    return tuple(values[name] for name in CUSTOMER_COLUMNS)


def customers_from_rows(ids: Sequence[int], rows: Sequence[Mapping[str, Any]]) -> list[Customer]:
    """Customer objects for rows just written with these ids, as a query would load them
    (``Model.from_db``, every field given, so none is read again on access)."""
    attnames = [field.attname for field in Customer._meta.concrete_fields]
    built = []
    for pk, values in zip(ids, rows, strict=True):
        full = {**values, "id": pk, **NEW_CUSTOMER_EMPTY}
        built.append(Customer.from_db(connection.alias, attnames, [full[name] for name in attnames]))
    return built
