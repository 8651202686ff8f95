"""Every address of a customer is shown with its kind and can be edited, removed or added on the form."""

from __future__ import annotations

from typing import Any

from django.test import Client

from lojal.customers.models import Address, Customer
from tests import factories
from tests.customers.test_pages import edit_form, new_person_form

THREE = [
    {"street": "Kungsgatan 12", "postal_code": "111 43", "city": "Stockholm", "label": "postal"},
    {"street": "Drottninggatan 5", "postal_code": "111 51", "city": "Stockholm", "label": "delivery"},
    {"street": "Box 123", "postal_code": "901 03", "city": "Umeå", "label": "billing"},
]


def addresses(customer: Customer) -> list[tuple[str, str, str, bool]]:
    return list(
        Address.objects.filter(customer=customer)
        .order_by("-is_primary", "id")
        .values_list("label", "street", "city", "is_primary")
    )


def test_the_customer_page_names_the_kind_of_every_address(staff_client: Client) -> None:
    customer = factories.person(last_name="Åström", addresses=THREE)
    page = staff_client.get(f"/customers/{customer.pk}/").content.decode()
    assert page.count('class="address-label"') == 3
    assert '<span class="address-label">Postal · primary</span>Kungsgatan 12' in page
    assert '<span class="address-label">Delivery</span>Drottninggatan 5' in page
    assert '<span class="address-label">Billing</span>Box 123' in page


def test_the_edit_form_shows_every_address_filled_in(staff_client: Client) -> None:
    customer = factories.person(last_name="Åström", addresses=THREE)
    page = staff_client.get(f"/customers/{customer.pk}/edit/").content.decode()
    assert 'name="street" value="Kungsgatan 12"' in page
    assert 'value="Drottninggatan 5"' in page and 'name="address_1_street"' in page
    assert 'value="Box 123"' in page and 'name="address_2_street"' in page
    assert 'name="address_3_street"' in page  # the empty group to add one more


def test_a_second_address_can_be_changed_and_a_third_removed(staff_client: Client) -> None:
    customer = factories.person(last_name="Åström", addresses=THREE)
    data: dict[str, Any] = edit_form(
        customer, address_1_city="Solna", address_1_postal_code="169 70", address_2_remove="on"
    )
    response = staff_client.post(f"/customers/{customer.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert addresses(customer) == [
        ("postal", "Kungsgatan 12", "Stockholm", True),
        ("delivery", "Drottninggatan 5", "Solna", False),
    ]


def test_an_address_can_be_added_with_its_kind(staff_client: Client) -> None:
    customer = factories.person(last_name="Åström", addresses=THREE[:1])
    data = edit_form(
        customer,
        address_label="visiting",
        address_1_label="billing",
        address_1_street="Box 9",
        address_1_postal_code="901 03",
        address_1_city="Umeå",
        address_1_country="SE",
    )
    response = staff_client.post(f"/customers/{customer.pk}/edit/", data)
    assert response.status_code == 302
    assert addresses(customer) == [
        ("visiting", "Kungsgatan 12", "Stockholm", True),
        ("billing", "Box 9", "Umeå", False),
    ]


def test_an_error_in_a_further_address_is_shown_on_its_own_field(staff_client: Client) -> None:
    customer = factories.person(last_name="Åström", addresses=THREE[:2])
    response = staff_client.post(
        f"/customers/{customer.pk}/edit/", edit_form(customer, address_1_postal_code="4113")
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"address_1_postal_code"}
    page = response.content.decode()
    assert 'aria-describedby="id_address_1_postal_code_error"' in page
    assert '<div id="id_address_1_postal_code_error">' in page
    assert addresses(customer)[1] == ("delivery", "Drottninggatan 5", "Stockholm", False)


def test_help_texts_are_linked_to_their_fields(staff_client: Client) -> None:
    page = staff_client.get("/customers/new/").content.decode()
    assert 'aria-describedby="id_emails_helptext"' in page
    assert '<small class="help" id="id_emails_helptext">' in page


def test_a_new_customer_gets_two_addresses_from_the_form(staff_client: Client) -> None:
    data = new_person_form(
        last_name="Holm",
        street="Storgatan 1",
        postal_code="411 38",
        city="Göteborg",
        address_1_label="delivery",
        address_1_street="Lagergatan 3",
        address_1_postal_code="411 06",
        address_1_city="Göteborg",
    )
    response = staff_client.post("/customers/new/", data)
    assert response.status_code == 302
    customer = Customer.objects.get(last_name="Holm")
    assert addresses(customer) == [
        ("postal", "Storgatan 1", "Göteborg", True),
        ("delivery", "Lagergatan 3", "Göteborg", False),
    ]
