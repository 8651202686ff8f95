"""A national number already in use: the refusal names the customer who has it only to roles that may
see national numbers; anyone else learns that the number is taken, not whose it is."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.core.errors import Conflict, ValidationError
from lojal.core.models import AuditEntry
from lojal.customers.creation import customers_create_batch
from lojal.customers.models import Customer
from lojal.customers.services import customer_update
from tests import factories
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db

NEUTRAL = "Another customer already has this number."


def named(holder: Customer) -> str:
    return f"Customer {holder.customer_number} already has this number."


def problem_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body: dict[str, Any] = json.loads(response.content)
    return body


@pytest.fixture
def anna() -> Customer:
    return factories.person(first_name="Anna", national_id="880320-0016")


# --- the API: one create ------------------------------------------------------------------------


def test_api_create_tells_sales_the_number_is_taken_without_naming_the_holder(
    api_as: Callable[[str], ApiClient], anna: Customer
) -> None:
    # when
    response = api_as(Role.SALES).post("customers", {"last_name": "X", "national_id": "19880320-0016"})

    # then
    body = problem_of(response, 409)
    assert body["detail"] == NEUTRAL
    assert body["errors"] == [{"field": "national_id", "reasons": [NEUTRAL]}]
    assert str(anna.customer_number) not in response.content.decode()
    assert Customer.objects.count() == 1


def test_api_create_names_the_holder_to_a_service_agent(
    api_as: Callable[[str], ApiClient], anna: Customer
) -> None:
    response = api_as(Role.SERVICE_AGENT).post("customers", {"last_name": "X", "national_id": "8803200016"})
    body = problem_of(response, 409)
    assert body["detail"] == named(anna)
    assert Customer.objects.count() == 1


# --- the API: a batch ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "names_the_holder"),
    [(Role.SALES, False), (Role.SERVICE_AGENT, True), (Role.ADMINISTRATOR, True)],
    ids=str,
)
def test_api_batch_create_names_the_holder_only_to_roles_that_may_see_numbers(
    api_as: Callable[[str], ApiClient], anna: Customer, role: str, names_the_holder: bool
) -> None:
    # when
    response = api_as(role).post(
        "customers/batch",
        {"items": [{"last_name": "New"}, {"last_name": "X", "national_id": "880320-0016"}]},
    )

    # then
    body = problem_of(response, 422)
    reason = named(anna) if names_the_holder else NEUTRAL
    assert body["errors"] == [{"field": "items[1].national_id", "reasons": [reason]}]
    assert Customer.objects.count() == 1


# --- the API: a change --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "names_the_holder"),
    [(Role.SALES, False), (Role.SERVICE_AGENT, True), (Role.MANAGER, True)],
    ids=str,
)
def test_api_change_to_a_taken_number_names_the_holder_only_to_roles_that_may_see_numbers(
    api_as: Callable[[str], ApiClient], anna: Customer, role: str, names_the_holder: bool
) -> None:
    # given
    other = factories.person(first_name="Bo")
    client = api_as(role)
    audit_before = AuditEntry.objects.count()

    # when
    response = client.patch(f"customers/{other.pk}", {"national_id": "880320-0016"})

    # then
    body = problem_of(response, 409)
    reason = named(anna) if names_the_holder else NEUTRAL
    assert (body["detail"], body["errors"]) == (reason, [{"field": "national_id", "reasons": [reason]}])
    other.refresh_from_db()
    assert other.national_id == ""
    assert AuditEntry.objects.count() == audit_before


# --- the pages ----------------------------------------------------------------------------------


def signed_in(make_user: Callable[..., User], role: str) -> Client:
    client = Client()
    client.force_login(make_user(role))
    return client


NEW_PERSON = {
    "kind": "person",
    "last_name": "X",
    "national_id_country": "SE",
    "country": "SE",
    "preferred_language": "sv",
    "vip_tier": "none",
    "lifecycle_stage": "lead",
}


@pytest.mark.parametrize(
    ("role", "names_the_holder"),
    [(Role.SALES, False), (Role.SERVICE_AGENT, True)],
    ids=str,
)
def test_create_form_names_the_holder_only_to_roles_that_may_see_numbers(
    make_user: Callable[..., User], anna: Customer, role: str, names_the_holder: bool
) -> None:
    # when
    response = signed_in(make_user, role).post("/customers/new/", {**NEW_PERSON, "national_id": "8803200016"})

    # then
    assert response.status_code == 200
    reason = named(anna) if names_the_holder else NEUTRAL
    assert response.context["form"].errors["national_id"] == [reason]
    assert Customer.objects.count() == 1


@pytest.mark.parametrize(
    ("role", "names_the_holder"),
    [(Role.SALES, False), (Role.SERVICE_AGENT, True)],
    ids=str,
)
def test_edit_form_names_the_holder_only_to_roles_that_may_see_numbers(
    make_user: Callable[..., User], anna: Customer, role: str, names_the_holder: bool
) -> None:
    # given the form as this role is shown it
    other = factories.person(first_name="Bo", last_name="Ek")
    client = signed_in(make_user, role)
    initial = client.get(f"/customers/{other.pk}/edit/").context["form"].initial
    data = {name: "" if value is None else value for name, value in initial.items()}

    # when
    response = client.post(f"/customers/{other.pk}/edit/", {**data, "national_id": "880320-0016"})

    # then
    assert response.status_code == 200
    reason = named(anna) if names_the_holder else NEUTRAL
    assert response.context["form"].errors["national_id"] == [reason]
    other.refresh_from_db()
    assert other.national_id == ""


# --- the services -------------------------------------------------------------------------------


def test_service_without_an_actor_does_not_name_the_holder(anna: Customer) -> None:
    """Work done by no one in particular (a background job) has nobody whose rights allow the name."""
    other = factories.person()
    with pytest.raises(Conflict) as caught:
        customer_update(actor=None, customer_id=other.pk, data={"national_id": "880320-0016"})
    assert caught.value.errors == {"national_id": [NEUTRAL]}
    with pytest.raises(ValidationError) as caught_batch:
        customers_create_batch(actor=None, items=[{"last_name": "X", "national_id": "880320-0016"}])
    assert caught_batch.value.errors == {"items[0].national_id": [NEUTRAL]}


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("sv", "En annan kund har redan det här numret."),
        ("nb", "En annen kunde har allerede dette nummeret."),
    ],
)
def test_the_neutral_answer_is_translated(anna: Customer, language: str, expected: str) -> None:
    other = factories.person()
    with translation.override(language), pytest.raises(Conflict) as caught:
        customer_update(actor=None, customer_id=other.pk, data={"national_id": "880320-0016"})
    assert caught.value.message == expected
