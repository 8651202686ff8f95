"""Fields that follow from other fields of a customer and are never set by hand."""

from __future__ import annotations

from django.conf import settings

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
