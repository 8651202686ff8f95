"""Amounts and quantities are never silently coerced: more decimals than the currency has, a negative
zero, a purchase below zero (zero is a free item) or a quantity of zero or less are refused with 422 naming the field; what
can be right is stored exactly."""

from __future__ import annotations

from typing import Any

import pytest

from lojal.sales.models import Transaction
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


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"amount": "0.001"}, "amount"),
        ({"amount": "19.999", "currency": "EUR"}, "amount"),
        ({"amount": "100.5", "currency": "ISK"}, "amount"),
        ({"amount": "-0"}, "amount"),
        ({"amount": "-0.00", "kind": "refund"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "-5", "kind": "subscription_payment"}, "amount"),
        ({"margin": "1.005"}, "margin"),
        ({"margin": "-0"}, "margin"),
        ({"quantity": "-1"}, "quantity"),
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "1.0001"}, "quantity"),
    ],
)
def test_amounts_and_quantities_that_cannot_be_right_are_refused(
    api: ApiClient, overrides: dict[str, Any], field: str
) -> None:
    customer = factories.person()
    response = api.post(f"sales/customers/{customer.pk}/transactions", _sale(**overrides))
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert [error["field"] for error in response.json()["errors"]] == [field]
    assert Transaction.objects.count() == 0
    assert not Event.objects.filter(customer_id=customer.pk, kind__startswith="transaction").exists()


@pytest.mark.parametrize(
    ("overrides", "stored"),
    [
        ({"amount": "199.90"}, "199.90"),
        ({"amount": "0"}, "0.00"),
        ({"amount": "199.900"}, "199.90"),
        ({"amount": "-199.90", "kind": "refund"}, "-199.90"),
        ({"amount": "199.90", "kind": "refund"}, "199.90"),
        ({"amount": "-500", "kind": "withdrawal"}, "-500.00"),
        ({"amount": "-12.50", "kind": "trade"}, "-12.50"),
        ({"amount": "1500", "currency": "ISK"}, "1500.00"),
    ],
)
def test_amounts_that_can_be_right_are_stored_exactly(
    api: ApiClient, overrides: dict[str, Any], stored: str
) -> None:
    customer = factories.person()
    response = api.post(f"sales/customers/{customer.pk}/transactions", _sale(**overrides, quantity="2.5"))
    assert response.status_code == 201, response.content
    assert response.json()["amount"] == stored
    assert str(Transaction.objects.get().amount) == stored
