"""API calls with a Bearer token skip the pages' middleware, and the customer read skips the second
pass through its response schema: both must leave the API's behaviour exactly as it was."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from ninja.responses import NinjaJSONEncoder

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.accounts.services import user_create
from lojal.core.jsonout import json_bytes
from lojal.customers.models import Customer
from lojal.customers.schemas import CustomerDetail
from lojal.customers.services import contact_person_add
from lojal.timeline.models import Event
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
        customer_since="2009-11-15",
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
        assert body["customer_since"] == "2009-11-15"
    assert body["timeline_next"] is not None


def test_masked_national_number_on_the_fast_path(api_as: Any) -> None:
    customer = factories.person(national_id="19811218-9876")
    body = api_as("read_only").get(f"customers/{customer.pk}").json()
    assert body == _through_schema(body)
    assert "9876" not in body["national_id"]


CREATES: list[dict[str, Any]] = [
    {"kind": "person", "last_name": "Ek"},
    {
        "kind": "person",
        "first_name": "Åsa",
        "last_name": "Öberg",
        "national_id": "19811218-9876",
        "national_id_country": "SE",
        "preferred_language": "nb",
        "vip_tier": "gold",
        "lifecycle_stage": "customer",
        "emails": [
            "asa@example.se",
            {"address": "Asa.Oberg@Example.com", "label": "work", "is_primary": True},
        ],
        "phones": [{"number": "+46 70 123 45 67", "label": "home"}, "+46 8 123 456 78"],
        "addresses": [
            {"street": "Storgatan 1", "postal_code": "411 38", "city": "Göteborg"},
            {
                "street": "Box 12",
                "postal_code": "0155",
                "city": "Oslo",
                "country": "NO",
                "label": "billing",
                "is_primary": True,
            },
        ],
        "tags": ["nyhetsbrev", "Golf", "VIP-kund"],
    },
    {
        "kind": "organisation",
        "organisation_name": "Fjordbygg AS",
        "national_id": "923609016",
        "national_id_country": "NO",
        "industry": "Construction",
        "employee_count": 42,
        "founded_year": 1987,
        "emails": ["post@fjordbygg.no"],
    },
]


@pytest.mark.parametrize("payload", CREATES)
def test_create_answers_exactly_what_a_read_of_the_new_customer_gives(
    api: ApiClient, payload: dict[str, Any]
) -> None:
    # given a tag that already exists in another case, and an account manager with a name
    factories.person(tags=["Nyhetsbrev"])
    manager = user_create(
        username="kari",
        password="not-a-real-password-1",
        role=Role.SALES,
        first_name="Kari",
        last_name="Nordmann",
    )
    # when
    created = api.post("customers", {**payload, "account_manager_id": manager.pk})
    # then
    assert created.status_code == 201, created.content
    assert created["Content-Type"] == "application/json; charset=utf-8"
    body = created.json()
    assert body == api.get(f"customers/{body['id']}").json()
    assert body == _through_schema(body)
    assert body["account_manager"] == {"id": manager.pk, "name": "Kari Nordmann"}
    assert body["timeline"][0]["actor"] == {"id": api.user.pk, "name": api.user.display_name}


def test_create_answer_masks_the_national_number_as_a_read_does(api_as: Any) -> None:
    client = api_as(Role.SALES)
    created = client.post("customers", {"last_name": "Holm", "national_id": "19811218-9876"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert "9876" not in body["national_id"]
    assert body == client.get(f"customers/{body['id']}").json()


def test_create_answer_in_swedish_renders_the_event_in_swedish(api: ApiClient) -> None:
    response = api.client.post(
        "/api/v1/customers",
        json.dumps({"first_name": "Tove", "last_name": "Lund"}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    assert response.status_code == 201
    body = response.json()
    read = api.client.get(f"/api/v1/customers/{body['id']}", HTTP_ACCEPT_LANGUAGE="sv").json()
    assert body["timeline"][0]["summary"] == read["timeline"][0]["summary"]
    assert body["timeline"][0]["summary"] != "Tove Lund was added. Stage: Lead"


@pytest.mark.postgres
def test_create_on_postgresql_takes_its_id_from_the_insert_and_reads_nothing_back(api: ApiClient) -> None:
    # given
    payload = {"last_name": "Berg", "emails": ["berg@example.se"], "phones": ["+46701234599"]}
    api.get("customers", limit=1)  # the token's first use of the day is recorded once
    # when
    with CaptureQueriesContext(connection) as queries:
        response = api.post("customers", payload)
    # then: besides the token check (one statement), four: the number, the customer's insert answering
    # with its id, one insert of everything that refers to it, the duplicate check
    assert response.status_code == 201
    # Savepoints and the sequence name Django looks up once per connection are bookkeeping, not work.
    bookkeeping = ("SAVEPOINT", "RELEASE SAVEPOINT", "SELECT pg_get_serial_sequence")
    statements = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(bookkeeping)]
    assert len(statements) == 5, statements
    created = Customer.objects.get(pk=response.json()["id"])
    assert list(created.emails.values_list("address", flat=True)) == ["berg@example.se"]
    assert list(created.phones.values_list("number", flat=True)) == ["+46701234599"]


@pytest.mark.parametrize("microsecond", [0, 1, 500, 999, 1000, 123456])
def test_the_renderer_writes_a_time_as_the_schema_would_write_it_again(microsecond: int) -> None:
    # given a time with no fraction, a fraction under one millisecond, and longer ones
    moment = dt.datetime(2026, 12, 7, 13, 54, 10, microsecond, tzinfo=dt.UTC)
    # when
    written = json.loads(json_bytes({"at": moment, "time": moment.time()}))
    # then reading it back and writing it as Ninja does gives the same text
    again = {"at": dt.datetime.fromisoformat(written["at"]), "time": dt.time.fromisoformat(written["time"])}
    assert written == json.loads(json.dumps(again, cls=NinjaJSONEncoder))
    fraction = f".{microsecond // 1000:03d}" if microsecond >= 1000 else ""
    assert written["at"] == f"2026-12-07T13:54:10{fraction}Z"
    assert written["time"] == f"13:54:10{fraction}"


def test_customer_created_within_a_millisecond_of_a_second_reads_as_the_schema_would_send(
    api: ApiClient,
) -> None:
    # given a customer whose timestamps fall 500 microseconds after a whole second
    customer = factories.person()
    moment = dt.datetime(2026, 12, 7, 13, 54, 10, 500, tzinfo=dt.UTC)
    Customer.objects.filter(pk=customer.pk).update(created_at=moment, updated_at=moment)
    Event.objects.filter(customer_id=customer.pk).update(occurred_at=moment)
    # when
    body = api.get(f"customers/{customer.pk}").json()
    # then
    assert body["created_at"] == "2026-12-07T13:54:10Z"
    assert body["timeline"][0]["occurred_at"] == "2026-12-07T13:54:10Z"
    assert body == _through_schema(body)
