"""The new-customer form warns when another live customer has the email, phone or national number typed:
as staff leave the field (htmx) and on saving, which then needs an explicit "save anyway"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.customers.models import Customer
from lojal.customers.services import customer_delete
from tests import factories

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def new_person_form(**fields: Any) -> dict[str, Any]:
    return {
        "kind": "person",
        "first_name": "Eva",
        "last_name": "Berg",
        "national_id_country": "SE",
        "country": "SE",
        "preferred_language": "sv",
        "vip_tier": "none",
        "lifecycle_stage": "lead",
        **fields,
    }


def client_as(make_user: Callable[..., User], role: str) -> Client:
    client = Client()
    client.force_login(make_user(role))
    return client


def test_check_names_the_customer_with_the_same_email_and_links_to_them(staff_client: Client) -> None:
    anna = factories.person(first_name="Anna", last_name="Lind", emails=["anna@example.se"])

    response = staff_client.post(
        "/customers/new/check/", {"emails": "other@example.se\n ANNA@Example.se "}, **HTMX
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Another customer has the email ANNA@Example.se:" in body
    assert f'<a href="/customers/{anna.pk}/">Anna Lind ({anna.customer_number})</a>' in body
    assert "other@example.se" not in body


def test_check_finds_a_phone_in_any_spelling(staff_client: Client) -> None:
    anna = factories.person(first_name="Anna", phones=["070-123 45 67"])

    body = staff_client.post("/customers/new/check/", {"phones": "+46 70 1234567", "country": "SE"}, **HTMX)

    assert "Another customer has the phone number +46 70 1234567:" in body.content.decode()
    assert f"/customers/{anna.pk}/" in body.content.decode()


def test_check_ignores_deleted_customers_and_bad_values(staff_client: Client) -> None:
    gone = factories.person(emails=["gone@example.se"])
    customer_delete(actor=None, customer_id=gone.pk)

    response = staff_client.post(
        "/customers/new/check/", {"emails": "gone@example.se\nnot an email", "phones": "abc"}, **HTMX
    )

    assert response.status_code == 200
    assert "Another customer" not in response.content.decode()


def test_national_number_holder_is_named_only_to_roles_that_may_see_numbers(
    make_user: Callable[..., User],
) -> None:
    anna = factories.person(first_name="Anna", national_id="19880320-0016")
    data = {"national_id": "880320-0016", "national_id_country": "SE", "kind": "person"}

    administrator = client_as(make_user, Role.ADMINISTRATOR).post("/customers/new/check/", data, **HTMX)
    sales = client_as(make_user, Role.SALES).post("/customers/new/check/", data, **HTMX)

    assert f"/customers/{anna.pk}/" in administrator.content.decode()
    assert "19880320-0016" in administrator.content.decode()
    sales_body = sales.content.decode()
    assert sales.status_code == 200
    assert "Another customer already has this number." in sales_body
    assert f"/customers/{anna.pk}/" not in sales_body
    assert "Anna" not in sales_body
    assert "0016" not in sales_body


def test_saving_a_customer_with_a_taken_email_asks_first_and_saves_nothing(staff_client: Client) -> None:
    anna = factories.person(first_name="Anna", emails=["anna@example.se"])
    count = Customer.objects.count()

    response = staff_client.post("/customers/new/", new_person_form(emails="anna@example.se"))

    body = response.content.decode()
    assert response.status_code == 200
    assert Customer.objects.count() == count
    assert f"/customers/{anna.pk}/" in body
    assert 'name="save_anyway" value="1"' in body
    assert "anna@example.se</textarea>" in body  # what was typed is kept


def test_save_anyway_creates_the_customer(staff_client: Client) -> None:
    factories.person(first_name="Anna", emails=["anna@example.se"])

    response = staff_client.post(
        "/customers/new/", new_person_form(emails="anna@example.se", save_anyway="1")
    )

    created = Customer.objects.get(first_name="Eva")
    assert (response.status_code, response["Location"]) == (302, f"/customers/{created.pk}/")
    assert created.primary_email == "anna@example.se"


def test_saving_without_a_match_needs_no_confirmation(staff_client: Client) -> None:
    factories.person(emails=["anna@example.se"])

    response = staff_client.post("/customers/new/", new_person_form(emails="eva@example.se"))

    assert response.status_code == 302
    assert Customer.objects.filter(first_name="Eva").count() == 1


def test_a_taken_national_number_cannot_be_saved_anyway(staff_client: Client) -> None:
    factories.person(national_id="19880320-0016")
    count = Customer.objects.count()

    response = staff_client.post(
        "/customers/new/", new_person_form(national_id="19880320-0016", save_anyway="1")
    )

    assert response.status_code == 200
    assert Customer.objects.count() == count
    assert 'name="save_anyway"' not in response.content.decode()


def test_the_check_needs_the_right_to_create_customers(make_user: Callable[..., User]) -> None:
    response = client_as(make_user, Role.READ_ONLY).post(
        "/customers/new/check/", {"emails": "a@example.se"}, **HTMX
    )

    assert response.status_code == 403
