"""A deleted customer is kept for the record but no list, search or count shows it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lojal.customers import selectors
from lojal.customers.duplicates import duplicates_check
from lojal.customers.models import Customer
from lojal.customers.search import customer_search_ids
from lojal.customers.services import customer_delete
from tests import factories

pytestmark = pytest.mark.django_db


def _filtered() -> set[int]:
    return set(selectors.customers_filtered(filters=selectors.CustomerFilters()).values_list("pk", flat=True))


def _rows() -> set[int]:
    return {row["id"] for row in selectors.customer_rows(filters=selectors.CustomerFilters())}


def _list_for_page() -> set[int]:
    return {c.pk for c in selectors.customer_list_for_page(filters=selectors.CustomerFilters())}


def _search_by_name() -> set[int]:
    return {c.pk for c, _hit in selectors.customer_search(query="Lindqvist")}


def _search_by_email() -> set[int]:
    return {hit.customer_id for hit in customer_search_ids(query="anna@example.se")}


def _search_by_email_prefix() -> set[int]:
    return {hit.customer_id for hit in customer_search_ids(query="anna@exa")}


def _search_by_phone() -> set[int]:
    return {hit.customer_id for hit in customer_search_ids(query="070-123 45 67")}


def _duplicates() -> set[int]:
    duplicates_check(customer_ids=None)
    return {pk for pair in selectors.duplicate_list() for pk in (pair.first_id, pair.second_id)}


def _live_queryset() -> set[int]:
    return set(Customer.objects.live().values_list("pk", flat=True))


LISTS: dict[str, Callable[[], set[int]]] = {
    "customers_filtered": _filtered,
    "customer_rows": _rows,
    "customer_list_for_page": _list_for_page,
    "customer_search by name": _search_by_name,
    "customer_search by email": _search_by_email,
    "customer_search by email prefix": _search_by_email_prefix,
    "customer_search by phone": _search_by_phone,
    "duplicate_list": _duplicates,
    "Customer.objects.live": _live_queryset,
}


@pytest.mark.parametrize("listing", LISTS.values(), ids=LISTS.keys())
def test_a_deleted_customer_is_absent_from_every_customer_list(listing: Callable[[], set[int]]) -> None:
    # given two customers alike enough to be found by the same search and suspected as duplicates
    contact = {"emails": ["anna@example.se"], "phones": ["070-123 45 67"]}
    kept = factories.person(first_name="Anna", last_name="Lindqvist", **contact)
    gone = factories.person(first_name="Anna", last_name="Lindqvist", **contact)
    third = factories.person(first_name="Anna", last_name="Lindqvist", **contact)
    assert {kept.pk, gone.pk, third.pk} <= listing()

    # when one is deleted
    customer_delete(actor=None, customer_id=gone.pk)

    # then the list still shows the others and not the deleted one
    found = listing()
    assert gone.pk not in found
    assert {kept.pk, third.pk} <= found
    assert selectors.customer_count() == 2
