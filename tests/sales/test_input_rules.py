"""Nasty input to the sales API: duplicate holdings, lone surrogates, deep attributes, dates outside
1900-2100, amounts and quantities that cannot be right. Each is a 422 or 409 naming the field, never a
500, and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest

from lojal.sales.models import Holding, Transaction
from lojal.timeline.models import Event
from tests import factories
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def _sale(**overrides: Any) -> dict[str, Any]:
    return {
        "occurred_at": "2026-01-01T10:00:00Z",
        "kind": "purchase",
        "amount": "100.00",
        "currency": "SEK",
        **overrides,
    }


def _fields(response: Any) -> set[str]:
    assert response["Content-Type"] == "application/problem+json", response.content
    return {error["field"] for error in response.json().get("errors", [])}


def _nothing_written(customer_id: int) -> None:
    assert Transaction.objects.count() == 0
    assert Holding.objects.count() == 0
    assert Event.objects.filter(customer_id=customer_id, kind__startswith="transaction").count() == 0
    assert Event.objects.filter(customer_id=customer_id, kind__startswith="holding").count() == 0


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("transactions", _sale(channel="web", source="\ud800"), "source"),
        ("transactions", _sale(external_id="A\udfffB"), "external_id"),
        ("transactions", _sale(product_code="\x00"), "product_code"),
        ("transactions", _sale(attributes={"note": "\ud800"}), "attributes"),
        ("transactions", _sale(attributes={"\x00": 1}), "attributes"),
        ("holdings", {"name": "\ud800", "opened_on": "2026-01-02"}, "name"),
        ("holdings", {"name": "Konto\x00", "opened_on": "2026-01-02"}, "name"),
        ("holdings", {"name": "Konto", "opened_on": "2026-01-02", "status": "\ud800"}, "status"),
    ],
)
def test_lone_surrogates_and_nul_in_text_are_refused_naming_the_field(
    api: ApiClient, path: str, body: dict[str, Any], field: str
) -> None:
    customer = factories.person()
    response = api.post(f"sales/customers/{customer.pk}/{path}", body)
    assert response.status_code == 422, response.content
    assert _fields(response) == {field}
    _nothing_written(customer.pk)


def _nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {"leaf": 1}
    for _level in range(depth - 1):
        value = {"level": value}
    return value


@pytest.mark.parametrize(
    "attributes",
    [
        _nested(900),
        _nested(11),
        {f"key{number}": number for number in range(201)},
        {"text": "x" * 17_000},
        {"ratio": float("nan")},
    ],
    ids=["900 levels", "11 levels", "201 keys", "17 KB", "NaN"],
)
def test_attributes_beyond_the_limits_are_refused_naming_the_field(
    api: ApiClient, attributes: dict[str, Any]
) -> None:
    customer = factories.person()
    response = api.post(f"sales/customers/{customer.pk}/transactions", _sale(attributes=attributes))
    assert response.status_code == 422, response.content
    assert _fields(response) == {"attributes"}
    _nothing_written(customer.pk)


def test_attributes_within_the_limits_are_stored_as_given(api: ApiClient) -> None:
    customer = factories.person()
    attributes = {**_nested(10), "store": "Göteborg", "lines": [1, 2.5, None, True]}
    response = api.post(f"sales/customers/{customer.pk}/transactions", _sale(attributes=attributes))
    assert response.status_code == 201, response.content
    assert Transaction.objects.get().attributes == attributes


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("transactions", _sale(occurred_at="0001-01-01T00:00:00Z"), "occurred_at"),
        ("transactions", _sale(occurred_at="9999-12-31T23:59:59Z"), "occurred_at"),
        ("transactions", _sale(occurred_at="1899-12-31T23:59:59+00:00"), "occurred_at"),
        ("transactions", _sale(occurred_at="2101-01-01T00:00:00Z"), "occurred_at"),
        ("holdings", {"name": "Konto", "opened_on": "0001-01-01"}, "opened_on"),
        ("holdings", {"name": "Konto", "opened_on": "2026-01-01", "expires_on": "9999-12-31"}, "expires_on"),
        ("holdings", {"name": "Konto", "opened_on": "2026-01-01", "closed_on": "1899-12-31"}, "closed_on"),
    ],
)
def test_dates_outside_1900_to_2100_are_refused_naming_the_field(
    api: ApiClient, path: str, body: dict[str, Any], field: str
) -> None:
    customer = factories.person()
    response = api.post(f"sales/customers/{customer.pk}/{path}", body)
    assert response.status_code == 422, response.content
    assert _fields(response) == {field}
    _nothing_written(customer.pk)


def test_dates_at_the_edges_of_the_range_are_accepted(api: ApiClient) -> None:
    customer = factories.person()
    first = api.post(f"sales/customers/{customer.pk}/transactions", _sale(occurred_at="1900-01-01T00:00:00Z"))
    assert first.status_code == 201, first.content
    last = api.post(
        f"sales/customers/{customer.pk}/holdings",
        {"name": "Konto", "opened_on": "1900-01-01", "expires_on": "2100-12-31"},
    )
    assert last.status_code == 201, last.content


def test_changing_a_holding_to_a_date_outside_the_range_is_refused(api: ApiClient) -> None:
    customer = factories.person()
    holding = api.post(
        f"sales/customers/{customer.pk}/holdings", {"name": "Konto", "opened_on": "2026-01-01"}
    )
    response = api.patch(f"sales/holdings/{holding.json()['id']}", {"expires_on": "0001-01-01"})
    assert response.status_code == 422, response.content
    assert _fields(response) == {"expires_on"}
    assert Holding.objects.get().expires_on is None
