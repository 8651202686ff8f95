"""Fields that follow from other fields of a customer and are never set by hand."""

from __future__ import annotations

from lojal.core.text import fold
from lojal.customers.models import Customer, Kind


def refresh_derived(customer: Customer) -> None:
    """Names, sort key and search text (names, city, industry) follow from the other fields."""
    if customer.kind == Kind.ORGANISATION:
        customer.display_name = customer.organisation_name
        customer.sort_name = fold(customer.organisation_name)
    else:
        customer.display_name = " ".join(p for p in (customer.first_name, customer.last_name) if p)
        customer.sort_name = fold(f"{customer.last_name} {customer.first_name}")
    customer.search_text = fold(f"{customer.display_name} {customer.city} {customer.industry}")
