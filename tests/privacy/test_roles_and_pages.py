"""Who may export, erase and place legal holds, through the API and the pages (403 otherwise, with
nothing changed); the erasure's problem documents; the buttons on the customer page."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client

from lojal.accounts.models import User
from lojal.accounts.roles import PERMISSIONS, Action, Role, role_allows
from lojal.core.models import AuditEntry
from lojal.customers.models import Customer
from tests.conftest import ApiClient
from tests.privacy.conftest import LAST_NAME, Person

pytestmark = pytest.mark.django_db
ROLES = list(Role)


def signed_in(make_user: Callable[..., User], role: str) -> Client:
    client = Client()
    client.force_login(make_user(role))
    return client


def test_every_role_that_may_export_may_see_national_numbers() -> None:
    # The archive is the person's own copy, with their full number: only roles that see numbers export.
    for role, actions in PERMISSIONS.items():
        if Action.CUSTOMER_EXPORT in actions:
            assert Action.NATIONAL_ID_VIEW in actions, role
    assert {role for role, actions in PERMISSIONS.items() if Action.CUSTOMER_ERASE in actions} == {
        Role.ADMINISTRATOR
    }


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_api_export_is_allowed_exactly_to_the_roles_the_table_says(
    person: Person, api_as: Callable[[str], ApiClient], role: str
) -> None:
    response = api_as(role).get(f"customers/{person.customer.pk}/export")

    if role_allows(role, Action.CUSTOMER_EXPORT):
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert response["Content-Type"] == "application/problem+json"
        assert not AuditEntry.objects.filter(action="customer.exported").exists()


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_api_erasure_is_allowed_exactly_to_the_roles_the_table_says(
    person: Person, api_as: Callable[[str], ApiClient], role: str
) -> None:
    response = api_as(role).post(f"customers/{person.customer.pk}/erase", {"reason": "The person asked"})

    customer = Customer.objects.get(pk=person.customer.pk)
    if role_allows(role, Action.CUSTOMER_ERASE):
        assert response.status_code == 200, response.content
        body = json.loads(response.content)
        assert body["customer_id"] == customer.pk
        assert body["counts"]["attachments"] == 1
        assert customer.erased_at is not None
    else:
        assert response.status_code == 403
        assert customer.erased_at is None
        assert customer.last_name == LAST_NAME


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_api_legal_hold_is_allowed_exactly_to_the_roles_the_table_says(
    person: Person, api_as: Callable[[str], ApiClient], role: str
) -> None:
    client = api_as(role)
    response = client.client.put(
        f"/api/v1/customers/{person.customer.pk}/legal-hold",
        json.dumps({"reason": "Dispute"}),
        content_type="application/json",
    )

    hold = Customer.objects.get(pk=person.customer.pk).legal_hold_reason
    if role_allows(role, Action.LEGAL_HOLD_MANAGE):
        assert response.status_code == 200
        assert hold == "Dispute"
    else:
        assert response.status_code == 403
        assert hold == ""


def test_api_erasure_under_a_legal_hold_is_a_409_problem_naming_the_reason(
    person: Person, api: ApiClient
) -> None:
    api.client.put(
        f"/api/v1/customers/{person.customer.pk}/legal-hold",
        json.dumps({"reason": "Bookkeeping act, invoice 2026-118"}),
        content_type="application/json",
    )

    response = api.post(f"customers/{person.customer.pk}/erase", {"reason": "asked"})

    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    problem = json.loads(response.content)
    assert "Bookkeeping act, invoice 2026-118" in problem["detail"]
    assert problem["errors"] == [{"field": "erasure", "reasons": ["Bookkeeping act, invoice 2026-118"]}]
    assert Customer.objects.get(pk=person.customer.pk).last_name == LAST_NAME


def test_api_erasure_without_a_reason_is_a_422_and_a_second_erasure_a_409(
    person: Person, api: ApiClient
) -> None:
    assert api.post(f"customers/{person.customer.pk}/erase", {"reason": ""}).status_code == 422
    assert Customer.objects.get(pk=person.customer.pk).erased_at is None
    assert api.post(f"customers/{person.customer.pk}/erase", {"reason": "asked"}).status_code == 200
    assert api.post(f"customers/{person.customer.pk}/erase", {"reason": "asked"}).status_code == 409


def test_openapi_documents_the_zip_and_the_409(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    export = document["paths"]["/api/v1/customers/{customer_id}/export"]["get"]
    erase = document["paths"]["/api/v1/customers/{customer_id}/erase"]["post"]
    assert "application/zip" in export["responses"]["200"]["content"]
    assert export["x-lojal-rights"] == [Action.CUSTOMER_EXPORT]
    assert {"401", "403", "404"} <= set(export["responses"])
    assert {"401", "403", "404", "409", "422"} <= set(erase["responses"])
    assert erase["x-lojal-rights"] == [Action.CUSTOMER_ERASE]


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_the_customer_page_offers_export_and_erasure_only_to_roles_that_may(
    person: Person, make_user: Callable[..., User], role: str
) -> None:
    page = signed_in(make_user, role).get(f"/customers/{person.customer.pk}/").content.decode()
    pk = person.customer.pk
    assert (f'href="/customers/{pk}/export/"' in page) == role_allows(role, Action.CUSTOMER_EXPORT)
    assert (f'href="/customers/{pk}/erase/"' in page) == role_allows(role, Action.CUSTOMER_ERASE)


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_pages_export_and_erase_only_for_roles_that_may(
    person: Person, make_user: Callable[..., User], role: str
) -> None:
    client = signed_in(make_user, role)
    pk = person.customer.pk

    exported = client.get(f"/customers/{pk}/export/")
    confirm = client.get(f"/customers/{pk}/erase/")
    erased = client.post(f"/customers/{pk}/erase/", {"reason": "The person asked"})

    customer = Customer.objects.get(pk=pk)
    if role_allows(role, Action.CUSTOMER_EXPORT):
        assert exported.status_code == 200
        assert exported["Content-Type"] == "application/zip"
    else:
        assert exported.status_code == 403
    if role_allows(role, Action.CUSTOMER_ERASE):
        assert confirm.status_code == 200
        assert b'name="reason"' in confirm.content
        assert erased.status_code == 302
        assert customer.erased_at is not None
        shell = client.get(f"/customers/{pk}/").content.decode()
        assert 'data-testid="erased"' in shell
        assert LAST_NAME not in shell
    else:
        assert (confirm.status_code, erased.status_code) == (403, 403)
        assert customer.erased_at is None


def test_the_confirm_page_shows_the_legal_hold_and_offers_no_erase_button(
    person: Person, staff_client: Client
) -> None:
    pk = person.customer.pk
    assert staff_client.post(f"/customers/{pk}/legal-hold/", {"reason": "Dispute 44"}).status_code == 302

    page = staff_client.get(f"/customers/{pk}/erase/").content.decode()
    assert 'data-testid="refusal"' in page
    assert "Dispute 44" in page
    assert "data-confirm" not in page

    refused = staff_client.post(f"/customers/{pk}/erase/", {"reason": "asked"})
    assert refused.status_code == 409
    assert Customer.objects.get(pk=pk).erased_at is None
