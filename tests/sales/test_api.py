"""The sales API: revenue, transactions (cursor pages), holdings, stage by hand; junk input; roles."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from lojal.sales.models import Holding, Transaction
from tests import factories
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def test_record_then_read_revenue_and_transactions(api: ApiClient) -> None:
    customer = factories.person(lifecycle_stage="registrant")
    base = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for day, amount in enumerate(["100.00", "250.50", "75.25"]):
        response = api.post(
            f"sales/customers/{customer.pk}/transactions",
            {
                "occurred_at": (base - dt.timedelta(days=day)).isoformat(),
                "kind": "purchase",
                "amount": amount,
                "currency": "SEK",
                "channel": "web",
                "margin": "10.00",
            },
        )
        assert response.status_code == 201, response.content
    revenue = api.get(f"sales/customers/{customer.pk}/revenue").json()
    assert revenue["last_12_months"]["per_currency"] == [
        {"currency": "SEK", "revenue": "425.75", "margin": "30.00", "count": 3}
    ]
    assert revenue["last_12_months"]["converted_revenue"] == "425.75"
    assert len(revenue["monthly"]["SEK"]) == 12
    first = api.get(f"sales/customers/{customer.pk}/transactions", limit=2).json()
    assert [item["amount"] for item in first["items"]] == ["100.00", "250.50"]
    rest = api.get(f"sales/customers/{customer.pk}/transactions", limit=2, cursor=first["next_cursor"]).json()
    assert [item["amount"] for item in rest["items"]] == ["75.25"]
    assert rest["next_cursor"] is None
    assert api.get(f"customers/{customer.pk}").json()["lifecycle_stage"] == "customer"


def test_holdings_and_stage_by_hand(api: ApiClient) -> None:
    customer = factories.person()
    created = api.post(
        f"sales/customers/{customer.pk}/holdings",
        {"name": "Presentkort 500 kr", "opened_on": "2026-05-01", "expires_on": "2027-05-01"},
    )
    assert created.status_code == 201
    holding_id = created.json()["id"]
    changed = api.patch(f"sales/holdings/{holding_id}", {"status": "expired"})
    assert changed.json()["status"] == "expired"
    assert [h["status"] for h in api.get(f"sales/customers/{customer.pk}/holdings").json()] == ["expired"]
    stage = api.post(f"sales/customers/{customer.pk}/stage", {"stage": "former", "reason": "Moved abroad"})
    assert stage.json() == {"id": customer.pk, "lifecycle_stage": "former"}


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (
            {"occurred_at": "not a time", "kind": "purchase", "amount": "1", "currency": "SEK"},
            {"occurred_at"},
        ),
        (
            {"occurred_at": "2026-01-01T10:00:00Z", "kind": "theft", "amount": "1e400", "currency": "SE"},
            {"kind", "amount", "currency"},
        ),
        (
            {"occurred_at": "2026-01-01T10:00:00Z", "kind": "purchase", "amount": "NaN", "currency": "SEK"},
            {"amount"},
        ),
        ({"kind": "purchase"}, {"occurred_at", "amount", "currency"}),
        (
            {
                "occurred_at": "2026-01-01T10:00:00Z",
                "kind": "purchase",
                "amount": "1",
                "currency": "SEK",
                "product_code": "NOPE",
            },
            {"product_code"},
        ),
    ],
)
def test_junk_transactions_are_problems_naming_each_field(
    api: ApiClient, body: dict[str, Any], fields: set[str]
) -> None:
    customer = factories.person()
    response = api.post(f"sales/customers/{customer.pk}/transactions", body)
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert {error["field"] for error in response.json()["errors"]} == fields
    assert Transaction.objects.count() == 0


def test_unknown_customers_and_holdings_are_404(api: ApiClient) -> None:
    assert api.get("sales/customers/999999/revenue").status_code == 404
    assert api.get("sales/customers/999999/transactions").status_code == 404
    assert api.patch("sales/holdings/999999", {"status": "closed"}).status_code == 404
    customer = factories.person()
    assert api.get(f"sales/customers/{customer.pk}/transactions", cursor="garbage!").status_code == 422


def test_read_only_may_read_but_not_record(api_as: Any) -> None:
    customer = factories.person()
    reader = api_as("read_only")
    assert reader.get(f"sales/customers/{customer.pk}/revenue").status_code == 200
    refused = reader.post(
        f"sales/customers/{customer.pk}/transactions",
        {"occurred_at": "2026-01-01T10:00:00Z", "kind": "purchase", "amount": "1", "currency": "SEK"},
    )
    assert refused.status_code == 403
    assert (
        reader.post(
            f"sales/customers/{customer.pk}/holdings", {"name": "x", "opened_on": "2026-01-01"}
        ).status_code
        == 403
    )
    assert Transaction.objects.count() == 0
    assert Holding.objects.count() == 0


def test_an_unknown_stage_set_by_hand_is_refused_naming_the_field_sent(api: ApiClient) -> None:
    # given
    customer = factories.person(lifecycle_stage="lead")
    # when
    response = api.post(f"sales/customers/{customer.pk}/stage", {"stage": "royalty", "reason": "Big spender"})
    # then
    assert response.status_code == 422
    body = response.json()
    assert [error["field"] for error in body["errors"]] == ["stage"]
    assert body["detail"].startswith("stage: ")
    assert api.get(f"customers/{customer.pk}").json()["lifecycle_stage"] == "lead"
