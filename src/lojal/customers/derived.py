"""Fields that follow from other fields of a customer and are never set by hand."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection

from lojal.core.text import fold, sort_key
from lojal.customers.models import Customer, Kind


def refresh_derived(customer: Customer) -> None:
    """Names, sort key (Nordic alphabet order, see :func:`sort_key`) and search text (names, city,
    industry) follow from the other fields."""
    customer.display_name, customer.sort_name, customer.search_text = derived_names(
        kind=customer.kind,
        first_name=customer.first_name,
        last_name=customer.last_name,
        organisation_name=customer.organisation_name,
        city=customer.city,
        industry=customer.industry,
    )


def derived_names(
    *, kind: str, first_name: str, last_name: str, organisation_name: str, city: str, industry: str
) -> tuple[str, str, str]:
    """The display name, sort key and search text of a customer with these fields, for a customer
    object (:func:`refresh_derived`) or a row written without one."""
    if kind == Kind.ORGANISATION:
        display = organisation_name
        sort = sort_key(organisation_name, settings.DEFAULT_COUNTRY)
    else:
        display = " ".join(p for p in (first_name, last_name) if p)
        sort = sort_key(f"{last_name} {first_name}", settings.DEFAULT_COUNTRY)
    return display, sort, fold(f"{display} {city} {industry}")


def sort_keys_recompute(customer_model: Any = Customer, *, batch: int = 5000) -> int:
    """Recompute every customer's sort key (after ``LOJAL_DEFAULT_COUNTRY`` changed, or the rule did);
    returns how many changed. Takes the model class so that a migration can pass its historical one."""
    country = settings.DEFAULT_COUNTRY
    last_id, changed_total = 0, 0
    columns = ("pk", "kind", "first_name", "last_name", "organisation_name", "sort_name")
    while rows := list(
        customer_model.objects.filter(pk__gt=last_id).order_by("pk").values_list(*columns)[:batch]
    ):
        last_id = rows[-1][0]
        changed = []
        for pk, kind, first, last, organisation, old in rows:
            new = sort_key(organisation if kind == Kind.ORGANISATION else f"{last} {first}", country)
            if new != old:
                changed.append((new, pk))
        if changed:
            with connection.cursor() as cursor:
                cursor.executemany("UPDATE customers_customer SET sort_name = %s WHERE id = %s", changed)
        changed_total += len(changed)
    return changed_total
