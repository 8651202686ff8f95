"""The database connection cut server-side in the middle of a request (pg_terminate_backend, what a
PostgreSQL restart or failover does to every connection): a 503 problem document with Retry-After,
nothing half-written, and the next request served by a fresh connection."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.accounts.services import token_create, user_create
from lojal.customers import creation
from lojal.customers.models import Customer
from lojal.timeline.models import Event
from tests.factories import person

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _admin_dsn() -> str:
    database = settings.DATABASES["default"]
    return (
        f"host={database['HOST']} port={database['PORT']} user={database['USER']} "
        f"dbname={connection.settings_dict['NAME']}"
    )


def _terminate_own_backend() -> None:
    """What a restarting server does to a connection: end the backend serving this request, from outside."""
    pid = connection.cursor().connection.info.backend_pid
    with psycopg.connect(_admin_dsn(), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def _cut_once(original: Callable[..., Any]) -> Callable[..., Any]:
    calls = {"count": 0}

    def cut_then_call(*args: Any, **kwargs: Any) -> Any:
        calls["count"] += 1
        if calls["count"] == 1:
            _terminate_own_backend()
        return original(*args, **kwargs)

    return cut_then_call


@pytest.fixture
def token() -> Iterator[str]:
    user: User = user_create(username="ops", password="not-a-real-password-1", role=Role.ADMINISTRATOR)
    yield token_create(user=user, name="ops").secret


def test_connection_cut_mid_read_answers_503_problem_then_recovers(
    live_server: Any, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    customer = person(first_name="Åsa", last_name="Lind")
    from lojal.customers import api as customers_api

    monkeypatch.setattr(customers_api, "detail", _cut_once(customers_api.detail))
    headers = {"Authorization": f"Bearer {token}"}
    url = f"{live_server.url}/api/v1/customers/{customer.pk}"

    cut = httpx.get(url, headers=headers, timeout=30)
    again = httpx.get(url, headers=headers, timeout=30)

    assert cut.status_code == 503
    assert cut.headers["Content-Type"] == "application/problem+json"
    assert cut.headers["Retry-After"] == "5"
    problem = json.loads(cut.content)
    assert problem["status"] == 503
    assert problem["title"] == "Service unavailable"
    assert problem["retry_after"] == 5
    assert "Traceback" not in cut.text
    assert again.status_code == 200
    assert again.json()["id"] == customer.pk


def test_connection_cut_mid_create_writes_nothing_and_answers_503(
    live_server: Any, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(creation, "bulk_insert_many", _cut_once(creation.bulk_insert_many))
    headers = {"Authorization": f"Bearer {token}"}
    body = {
        "kind": "person",
        "first_name": "Nils",
        "last_name": "Holm",
        "emails": [{"address": "nils@example.se"}],
    }
    url = f"{live_server.url}/api/v1/customers"

    cut = httpx.post(url, json=body, headers=headers, timeout=30)
    customers_after_cut = Customer.objects.count()
    events_after_cut = Event.objects.count()
    again = httpx.post(url, json=body, headers=headers, timeout=30)

    assert cut.status_code == 503
    assert cut.headers["Content-Type"] == "application/problem+json"
    assert customers_after_cut == 0
    assert events_after_cut == 0
    assert again.status_code == 201
    assert list(Customer.objects.values_list("first_name", flat=True)) == ["Nils"]


def test_connection_cut_mid_page_answers_503_page(live_server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    customer = person(first_name="Åsa", last_name="Lind")
    staff = user_create(username="page", password="not-a-real-password-1", role=Role.ADMINISTRATOR)
    browser = Client()
    browser.force_login(staff)
    cookies = {settings.SESSION_COOKIE_NAME: browser.cookies[settings.SESSION_COOKIE_NAME].value}
    from lojal.customers import views as customer_views

    monkeypatch.setattr(customer_views, "_customer_or_404", _cut_once(customer_views._customer_or_404))
    url = f"{live_server.url}/customers/{customer.pk}/"

    cut = httpx.get(url, cookies=cookies, timeout=30)
    again = httpx.get(url, cookies=cookies, timeout=30)

    assert cut.status_code == 503
    assert cut.headers["Retry-After"] == "5"
    assert "Temporarily unavailable" in cut.text
    assert "Traceback" not in cut.text
    assert again.status_code == 200
    assert "Lind" in again.text
