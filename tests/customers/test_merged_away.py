"""A customer merged into another: its pages redirect to the kept customer (through a chain of merges),
writes to it are refused, and the API answers 404 with the kept customer's id in the problem document."""

from __future__ import annotations

import pytest
from django.test import Client

from lojal.customers import selectors
from lojal.customers.duplicates import customers_merge
from lojal.customers.models import Customer
from lojal.timeline.models import Event
from tests import factories

pytestmark = pytest.mark.django_db


def _merged_chain() -> tuple[Customer, Customer, Customer]:
    """first merged into second, later second merged into third."""
    first = factories.person(first_name="Anna", emails=["anna@example.se"])
    second = factories.person(first_name="Ana", emails=["ana@example.se"])
    third = factories.person(first_name="Annie", emails=["annie@example.se"])
    customers_merge(actor=None, keep_id=second.pk, other_id=first.pk)
    customers_merge(actor=None, keep_id=third.pk, other_id=second.pk)
    return first, second, third


def test_merged_away_customer_page_redirects_to_the_kept_customer(staff_client: Client) -> None:
    anna = factories.person(first_name="Anna")
    kept = factories.person(first_name="Ana")
    customers_merge(actor=None, keep_id=kept.pk, other_id=anna.pk)

    response = staff_client.get(f"/customers/{anna.pk}/")

    assert (response.status_code, response["Location"]) == (302, f"/customers/{kept.pk}/")
    assert staff_client.get(response["Location"]).status_code == 200


def test_redirect_follows_a_chain_of_merges_and_keeps_the_page_and_query(staff_client: Client) -> None:
    first, second, third = _merged_chain()

    assert staff_client.get(f"/customers/{first.pk}/")["Location"] == f"/customers/{third.pk}/"
    assert staff_client.get(f"/customers/{second.pk}/edit/")["Location"] == f"/customers/{third.pk}/edit/"
    timeline = staff_client.get(f"/customers/{first.pk}/timeline/", {"q": "hej"})
    assert (timeline.status_code, timeline["Location"]) == (302, f"/customers/{third.pk}/timeline/?q=hej")


def test_selector_names_the_last_customer_of_the_chain() -> None:
    first, second, third = _merged_chain()

    assert selectors.customer_merged_into(customer_id=first.pk) == third.pk
    assert selectors.customer_merged_into(customer_id=second.pk) == third.pk
    assert selectors.customer_merged_into(customer_id=third.pk) is None
    assert selectors.customer_merged_into(customer_id=999_999) is None


def test_a_chain_ending_at_a_deleted_customer_is_a_plain_404(staff_client: Client) -> None:
    first, _second, third = _merged_chain()
    Customer.objects.filter(pk=third.pk).update(deleted_at=third.created_at)

    response = staff_client.get(f"/customers/{first.pk}/")

    assert response.status_code == 404


def test_deleted_customer_that_was_not_merged_is_still_404(staff_client: Client) -> None:
    gone = factories.person()
    Customer.objects.filter(pk=gone.pk).update(deleted_at=gone.created_at)

    assert staff_client.get(f"/customers/{gone.pk}/").status_code == 404


def test_a_write_to_a_merged_away_customer_is_refused_not_redirected(staff_client: Client) -> None:
    anna = factories.person(first_name="Anna")
    kept = factories.person(first_name="Ana")
    customers_merge(actor=None, keep_id=kept.pk, other_id=anna.pk)
    notes_before = Event.objects.filter(kind="note").count()

    response = staff_client.post(f"/customers/{anna.pk}/notes/", {"text": "Hej"})

    assert response.status_code == 404
    assert Event.objects.filter(kind="note").count() == notes_before


def test_api_read_of_a_merged_away_customer_is_404_naming_the_kept_one(api: object) -> None:
    first, _second, third = _merged_chain()

    response = api.get(f"customers/{first.pk}")  # type: ignore[attr-defined]

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["merged_into"] == third.pk
    assert body["detail"] == f"Customer {first.pk} was merged into customer {third.pk}."
    assert body["status"] == 404


def test_api_read_of_an_unknown_customer_has_no_merged_into(api: object) -> None:
    response = api.get("customers/999999")  # type: ignore[attr-defined]

    assert response.status_code == 404
    assert "merged_into" not in response.json()
