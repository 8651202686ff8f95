"""A decimal number in the API is a JSON number or a string of ASCII digits, as the OpenAPI document
says: "1_000" or Arabic-Indic digits, which the document cannot describe, are refused naming the
field, and nothing is stored."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lojal.core.inputs import DECIMAL_PATTERN
from lojal.sales.models import Product, Transaction
from tests import factories
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db

SALE = {"occurred_at": "2026-03-14T10:00:00+01:00", "kind": "purchase", "currency": "SEK"}


@pytest.mark.parametrize("amount", ["1_000", "١٢", " 12", "12,50", "0x10"])
def test_an_amount_spelled_outside_the_document_is_refused_naming_it(api: ApiClient, amount: str) -> None:
    customer = factories.person()

    response = api.post(f"sales/customers/{customer.pk}/transactions", {**SALE, "amount": amount})

    assert response.status_code == 422, response.content
    assert [error["field"] for error in response.json()["errors"]] == ["amount"]
    assert not Transaction.objects.exists()


@pytest.mark.parametrize(
    ("amount", "stored"), [("1234.50", "1234.50"), (1234.5, "1234.50"), ("+12", "12.00")]
)
def test_an_amount_as_the_document_describes_it_is_stored(api: ApiClient, amount: Any, stored: str) -> None:
    customer = factories.person()

    response = api.post(f"sales/customers/{customer.pk}/transactions", {**SALE, "amount": amount})

    assert response.status_code == 201, response.content
    assert str(Transaction.objects.get().amount) == stored


def test_a_unit_price_spelled_outside_the_document_is_refused_naming_it(api: ApiClient) -> None:
    response = api.post("sales/products", {"code": "P-1", "name": "Konto", "unit_price": "1_000"})

    assert response.status_code == 422, response.content
    assert [error["field"] for error in response.json()["errors"]] == ["unit_price"]
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    ("schema", "field"),
    [
        ("TransactionIn", "amount"),
        ("TransactionIn", "quantity"),
        ("TransactionIn", "margin"),
        ("ProductIn", "unit_price"),
        ("ProductPatch", "unit_price"),
    ],
)
def test_the_document_gives_the_pattern_a_decimal_string_follows(schema: str, field: str) -> None:
    document = Client().get("/api/v1/openapi.json").json()

    variants = document["components"]["schemas"][schema]["properties"][field]["anyOf"]

    assert {"type": "string", "pattern": DECIMAL_PATTERN} in variants
    assert {"type": "number"} in variants
