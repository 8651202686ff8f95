"""The sales panel on the customer page and the full list of transactions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lojal.sales import services
from tests import factories

pytestmark = pytest.mark.django_db


def test_customer_page_loads_the_sales_panel() -> None:
    customer = factories.person()
    from lojal.accounts.models import User

    client = Client()
    client.force_login(
        User.objects.create_user(username="u", password="not-a-real-password-1", role="read_only")
    )
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert f'hx-get="/sales/customers/{customer.pk}/panel/"' in page


def test_panel_shows_revenue_per_currency_chart_transactions_and_holdings(
    staff_client: Client, django_assert_max_num_queries: Any
) -> None:
    customer = factories.person()
    now = timezone.now()
    for days, amount, currency in [(3, "1234.50", "SEK"), (40, "99.90", "SEK"), (50, "80.00", "EUR")]:
        services.transaction_record(
            actor=None,
            customer_id=customer.pk,
            data={
                "occurred_at": now - dt.timedelta(days=days),
                "kind": "purchase",
                "amount": amount,
                "currency": currency,
            },
        )
    services.holding_open(
        actor=None, customer_id=customer.pk, data={"name": "Sparkonto", "opened_on": "2026-01-02"}
    )
    with django_assert_max_num_queries(8):
        response = staff_client.get(f"/sales/customers/{customer.pk}/panel/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "1,334.40" in html  # 12 months, SEK
    assert "No total: a currency has no configured rate." in html
    assert html.count("<svg") == 2  # one chart per currency
    assert html.count("<rect") == 24
    assert "Sparkonto" in html
    assert html.count("<tr>") >= 3


def test_panel_query_count_does_not_grow_with_transactions(
    staff_client: Client, django_assert_max_num_queries: Any
) -> None:
    customer = factories.person()
    for n in range(30):
        services.transaction_record(
            actor=None,
            customer_id=customer.pk,
            data={
                "occurred_at": timezone.now() - dt.timedelta(days=n),
                "kind": "purchase",
                "amount": "10",
                "currency": "SEK",
            },
        )
    with django_assert_max_num_queries(8):
        html = staff_client.get(f"/sales/customers/{customer.pk}/panel/").content.decode()
    assert "All transactions" in html
    with django_assert_max_num_queries(8):
        full = staff_client.get(f"/sales/customers/{customer.pk}/transactions/")
    assert full.status_code == 200


def test_swedish_panel_uses_swedish_number_format(staff_client: Client) -> None:
    customer = factories.person()
    services.transaction_record(
        actor=None,
        customer_id=customer.pk,
        data={"occurred_at": timezone.now(), "kind": "purchase", "amount": "1234.5", "currency": "SEK"},
    )
    staff_client.cookies["django_language"] = "sv"
    html = staff_client.get(
        f"/sales/customers/{customer.pk}/panel/", HTTP_ACCEPT_LANGUAGE="sv"
    ).content.decode()
    assert "1\xa0234,50" in html or "1 234,50" in html


def test_unknown_customer_panel_is_404(staff_client: Client) -> None:
    assert staff_client.get("/sales/customers/999999/panel/").status_code == 404
