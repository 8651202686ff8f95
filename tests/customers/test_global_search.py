"""The header's customer search: on every page for signed-in staff, suggestions as listbox options."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.parametrize(
    "path", ["/customers/", "/customers/duplicates/", "/sales/products/", "/customers/new/"]
)
def test_every_page_has_the_search_box_as_a_combobox(staff_client: Client, path: str) -> None:
    body = staff_client.get(path).content.decode()

    assert 'id="global-search"' in body
    assert 'role="combobox"' in body
    assert 'aria-expanded="false"' in body
    assert 'aria-controls="global-search-results"' in body
    assert '<ul id="global-search-results" class="global-search-results" role="listbox"' in body
    assert '<label class="visually-hidden" for="global-search">Search customers</label>' in body


def test_signed_out_pages_have_no_search_box(client: Client) -> None:
    assert 'id="global-search"' not in client.get("/login/").content.decode()


def test_suggestions_are_options_linking_to_the_customers(staff_client: Client) -> None:
    kari = factories.person(first_name="Kari", last_name="Nordmann", emails=["kari@example.no"])
    factories.person(first_name="Ola", last_name="Hansen")

    body = staff_client.get("/customers/search/", {"q": "kari@example.no"}, **HTMX).content.decode()

    assert body.count('role="option"') == 2  # the customer, and "all results"
    assert f'id="global-search-option-1" aria-selected="false" data-href="/customers/{kari.pk}/"' in body
    assert "Kari Nordmann" in body
    assert "Ola Hansen" not in body
    assert 'data-href="/customers/?q=kari%40example.no"' in body


def test_no_match_says_so_as_a_disabled_option(staff_client: Client) -> None:
    body = staff_client.get("/customers/search/", {"q": "zzzz"}, **HTMX).content.decode()

    assert 'aria-disabled="true"' in body
    assert "No customer found." in body


def test_one_letter_gives_no_suggestions(staff_client: Client) -> None:
    factories.person(first_name="Kari")

    response = staff_client.get("/customers/search/", {"q": "K"}, **HTMX)

    assert response.status_code == 200
    assert response.content.decode().strip() == ""


def test_without_javascript_the_search_goes_to_the_customer_list(staff_client: Client) -> None:
    response = staff_client.get("/customers/search/", {"q": "Kari N"})

    assert (response.status_code, response["Location"]) == (302, "/customers/?q=Kari+N")


def test_a_national_number_finds_nobody_for_roles_that_may_not_see_numbers(
    make_user: Callable[..., User],
) -> None:
    factories.person(first_name="Anna", national_id="19880320-0016")
    sales, admin = Client(), Client()
    sales.force_login(make_user(Role.SALES))
    admin.force_login(make_user(Role.ADMINISTRATOR))

    hidden = sales.get("/customers/search/", {"q": "19880320-0016"}, **HTMX).content.decode()
    shown = admin.get("/customers/search/", {"q": "19880320-0016"}, **HTMX).content.decode()

    assert "Anna" not in hidden
    assert "Anna" in shown
