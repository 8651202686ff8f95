"""API calls with a Bearer token skip the pages' middleware, and the customer read skips the second
pass through its response schema: both must leave the API's behaviour exactly as it was."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from ninja.responses import NinjaJSONEncoder

from lojal.accounts.models import User
from lojal.customers.schemas import CustomerDetail
from lojal.customers.services import contact_person_add
from lojal.timeline.services import note_add
from tests import factories
from tests.conftest import ApiClient


def test_token_calls_get_no_session_cookie_and_no_page_headers(api: ApiClient) -> None:
    customer = factories.person()
    response = api.get(f"customers/{customer.pk}")
    assert response.status_code == 200
    assert not response.cookies
    assert "X-Frame-Options" not in response
    assert "Vary" not in response or "Cookie" not in response["Vary"]


def test_pages_keep_their_middleware(staff_client: Client) -> None:
    response = staff_client.get("/customers/")
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert "csrftoken" in response.cookies


def test_a_bad_token_is_refused_even_beside_a_valid_session(staff_client: Client) -> None:
    customer = factories.person()
    response = staff_client.get(f"/api/v1/customers/{customer.pk}", HTTP_AUTHORIZATION="Bearer lojal_wrong")
    assert response.status_code == 401
    assert response.json()["status"] == 401


def test_the_session_still_reaches_the_api_without_a_token(staff_client: Client) -> None:
    customer = factories.person()
    response = staff_client.get(f"/api/v1/customers/{customer.pk}")
    assert response.status_code == 200
    assert response.json()["id"] == customer.pk


def test_token_writes_need_no_csrf_token(api: ApiClient) -> None:
    response = api.post("customers", {"first_name": "Tove", "last_name": "Lund"})
    assert response.status_code == 201


def test_errors_are_still_translated_for_token_calls(api: ApiClient) -> None:
    response = api.client.get("/api/v1/customers/999999999", HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 404
    assert "Ingen kund" in response.json()["detail"]


def _through_schema(body: dict[str, Any]) -> Any:
    """What Ninja would have sent for the same data: validated by the schema, encoded by its encoder."""
    validated = CustomerDetail.model_validate(body).model_dump()
    return json.loads(json.dumps(validated, cls=NinjaJSONEncoder))


def test_customer_read_is_exactly_what_the_schema_would_send(api: ApiClient, admin_user: User) -> None:
    organisation = factories.organisation(
        actor=admin_user,
        emails=[{"address": "info@fjordbygg.no", "is_primary": True}, {"address": "faktura@fjordbygg.no"}],
        phones=[{"number": "+47 22 33 44 55"}],
        addresses=[{"street": "Storgata 1", "postal_code": "0155", "city": "Oslo", "country": "NO"}],
        tags=["Partner", "Bygg"],
        account_manager_id=admin_user.pk,
        industry="Construction",
        employee_count=42,
        founded_year=1987,
    )
    person = factories.person()
    contact_person_add(
        actor=admin_user,
        organisation_id=organisation.pk,
        data={"first_name": "Kari", "last_name": "Nordmann", "role": "CFO", "person_id": person.pk},
    )
    note_add(customer_id=organisation.pk, text="Ringde om fakturan, «vänta till måndag».", actor=admin_user)
    for limit in (50, 1):
        raw = api.get(f"customers/{organisation.pk}", timeline_limit=limit)
        assert raw.status_code == 200
        assert raw["Content-Type"] == "application/json; charset=utf-8"
        body = raw.json()
        assert body == _through_schema(body)
        assert body["contact_persons"][0]["person_id"] == person.pk
        assert sorted(body["tags"]) == ["Bygg", "Partner"]
    assert body["timeline_next"] is not None


def test_masked_national_number_on_the_fast_path(api_as: Any) -> None:
    customer = factories.person(national_id="19811218-9876")
    body = api_as("read_only").get(f"customers/{customer.pk}").json()
    assert body == _through_schema(body)
    assert "9876" not in body["national_id"]
