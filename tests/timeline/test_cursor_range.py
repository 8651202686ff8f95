"""A cursor is opaque but can be forged: one that carries a time outside 1900-2100 is refused with
422 naming the parameter on every list that takes one, never a 500 (SQLite cannot shift year 1)."""

from __future__ import annotations

import base64

import pytest

from tests import factories
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "moment", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-05:00", "1899-12-31T12:00:00+00:00"]
)
def test_a_forged_cursor_outside_the_date_range_is_refused_naming_it(api: ApiClient, moment: str) -> None:
    customer = factories.person()
    token = base64.urlsafe_b64encode(f"{moment}|5".encode()).decode()
    answers = [
        api.get(f"sales/customers/{customer.pk}/transactions", cursor=token),
        api.get(f"customers/{customer.pk}/timeline", cursor=token),
        api.get("interactions", customer_id=customer.pk, cursor=token),
    ]
    for response in answers:
        assert response.status_code == 422, response.content
        assert [error["field"] for error in response.json()["errors"]] == ["cursor"]
