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
    if customer.kind == Kind.ORGANISATION:
        customer.display_name = customer.organisation_name
        customer.sort_name = sort_key(customer.organisation_name, settings.DEFAULT_COUNTRY)
    else:
        customer.display_name = " ".join(p for p in (customer.first_name, customer.last_name) if p)
        customer.sort_name = sort_key(f"{customer.last_name} {customer.first_name}", settings.DEFAULT_COUNTRY)
    customer.search_text = fold(f"{customer.display_name} {customer.city} {customer.industry}")


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
