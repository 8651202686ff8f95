"""A transaction reads the same on the timeline whether an import or the API recorded it: the same
builder shapes both events, so kind, data and the summary in every language agree."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation

from lojal.accounts.models import User
from lojal.sales.models import Product, Transaction
from lojal.timeline.models import Event
from tests import factories
from tests.conftest import ApiClient
from tests.imports.helpers import run

pytestmark = pytest.mark.django_db


def summaries(event: Event) -> dict[str, str]:
    texts = {}
    for language in ("en", "sv", "nb"):
        with translation.override(language):
            texts[language] = event.display_summary
    return texts


def transaction_event(customer_id: int) -> Event:
    return Event.objects.get(customer_id=customer_id, kind="sales.transaction")


@pytest.mark.parametrize(
    ("kind", "file_amount", "api_amount", "english"),
    [
        ("purchase", "1234,5", "1234.5", "Purchase of 1,234.50 SEK: Presentkort"),
        ("refund", "-199,00", "-199", "Refund of 199.00 SEK: Presentkort"),
    ],
)
def test_an_imported_transaction_reads_as_one_recorded_through_the_api(
    kind: str,
    file_amount: str,
    api_amount: str,
    english: str,
    tmp_path: Path,
    api: ApiClient,
    admin_user: User,
) -> None:
    # given two customers and a product
    Product.objects.create(code="GIFT", name="Presentkort")
    imported, recorded = factories.person(), factories.person()
    path = tmp_path / "transactions.csv"
    path.write_text(
        "id;Lojal nr;date;kind;amount;currency;product\n"
        f"V-1;{imported.customer_number};2026-03-01 10:15;{kind};{file_amount};SEK;GIFT\n",
        encoding="utf-8",
    )

    # when the same transaction is imported for one and recorded through the API for the other
    run("transactions", path, actor=admin_user, source="erp")
    response = api.post(
        f"sales/customers/{recorded.pk}/transactions",
        {
            "occurred_at": "2026-03-01T10:15:00+01:00",
            "kind": kind,
            "amount": api_amount,
            "currency": "SEK",
            "product_code": "GIFT",
        },
    )
    assert response.status_code == 201, response.content

    # then both events say the same, in every language, apart from which transaction they are about
    from_import, from_api = transaction_event(imported.pk), transaction_event(recorded.pk)
    assert from_import.data.pop("transaction_id") == Transaction.objects.get(customer=imported).pk
    assert from_api.data.pop("transaction_id") == Transaction.objects.get(customer=recorded).pk
    columns = ("kind", "data", "summary", "body", "actor_id", "occurred_at")
    assert [getattr(from_import, c) for c in columns] == [getattr(from_api, c) for c in columns]
    assert summaries(from_import) == summaries(from_api)
    assert summaries(from_api)["en"] == english
