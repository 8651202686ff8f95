"""The OpenAPI document describes each operation's own schemas: no two apps' schemas share a name,
where the later would silently stand in for the earlier."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from ninja import Router, Schema
from pydantic import create_model

from lojal.core.openapi import LojalAPI
from lojal.customers.models import Customer
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def _document() -> dict[str, Any]:
    return Client().get("/api/v1/openapi.json").json()  # type: ignore[no-any-return]


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    name = schema["$ref"].rsplit("/", 1)[-1]
    return document["components"]["schemas"][name]  # type: ignore[no-any-return]


def test_a_customers_email_items_are_documented_as_addresses_not_as_outbound_emails() -> None:
    document = _document()
    create = document["paths"]["/api/v1/customers"]["post"]["requestBody"]["content"]["application/json"]
    emails = _resolve(document, create["schema"])["properties"]["emails"]["anyOf"][0]["items"]["anyOf"][0]

    email = _resolve(document, emails)

    assert email["required"] == ["address"]
    assert set(email["properties"]) == {"address", "label", "is_primary"}


def test_the_outbound_email_body_is_documented_with_its_own_fields() -> None:
    document = _document()
    send = document["paths"]["/api/v1/interactions/emails"]["post"]["requestBody"]["content"]
    body = _resolve(document, send["application/json"]["schema"])

    assert body["required"] == ["customer_id", "to", "subject", "body"]


# Two classes of one name, as two apps would each declare their own `EmailIn`.
NamedPayload = create_model("Payload", __base__=Schema, name=(str, ...))
SameNamedPayload = create_model("Payload", __base__=Schema, amount=(int, ...))


def _api_with_two_schemas_named_alike() -> LojalAPI:
    api = LojalAPI(urls_namespace="clash-test")
    router = Router()

    @router.post("/a")
    def a(request: Any, payload: NamedPayload) -> None:  # type: ignore[valid-type]
        return None

    @router.post("/b")
    def b(request: Any, payload: SameNamedPayload) -> None:  # type: ignore[valid-type]
        return None

    api.add_router("/", router)
    return api


def test_two_different_schemas_of_one_name_are_refused_when_the_document_is_built() -> None:
    api = _api_with_two_schemas_named_alike()

    with pytest.raises(ImproperlyConfigured, match="'Payload'"):
        api.get_openapi_schema(path_prefix="")


@pytest.mark.parametrize("field", ["preferred_language", "vip_tier", "lifecycle_stage"])
@pytest.mark.parametrize("schema_name", ["CustomerCreate", "CustomerPatch"])
def test_a_choice_that_refuses_null_is_not_documented_as_nullable(schema_name: str, field: str) -> None:
    # The service refuses null for these (422 naming the field); the document used to offer it.
    prop = _document()["components"]["schemas"][schema_name]["properties"][field]

    assert "anyOf" not in prop
    assert prop["type"] == "string"
    assert None not in prop["enum"]
    assert field not in _document()["components"]["schemas"][schema_name].get("required", [])


@pytest.mark.parametrize("field", ["preferred_language", "vip_tier", "lifecycle_stage"])
def test_null_for_a_choice_is_refused_naming_the_field_and_nothing_is_created(
    api: ApiClient, field: str
) -> None:
    response = api.post("customers", {"last_name": "Lund", field: None})

    assert response.status_code == 422, response.content
    assert [error["field"] for error in response.json()["errors"]] == [field]
    assert not Customer.objects.exists()


@pytest.mark.parametrize(
    ("schema_name", "field", "allowed"),
    [
        (
            "TransactionIn",
            "kind",
            ["purchase", "refund", "deposit", "withdrawal", "trade", "subscription_payment"],
        ),
        ("TransactionIn", "currency", ["SEK", "NOK", "DKK", "EUR", "USD", "GBP", "ISK"]),
        ("ProductIn", "currency", ["SEK", "NOK", "DKK", "EUR", "USD", "GBP", "ISK"]),
    ],
)
def test_a_sales_choice_is_documented_with_the_values_the_service_accepts(
    schema_name: str, field: str, allowed: list[str]
) -> None:
    assert _document()["components"]["schemas"][schema_name]["properties"][field]["enum"] == allowed
