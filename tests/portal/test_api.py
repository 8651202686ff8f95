"""The portal API at /api/portal/v1: its own document, its own credentials (and none of the staff's),
the login-link request that answers alike for every address, and the customer's tokens and sessions."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from lojal.accounts.models import User
from lojal.portal.identity import COOKIE_NAME
from lojal.portal.models import LoginChallenge, PortalSession
from tests import factories
from tests.conftest import ApiClient
from tests.portal.conftest import signed_in, token_client

pytestmark = pytest.mark.django_db

BASE = "/api/portal/v1"


def _post(client: Client, path: str, body: Any, **extra: Any) -> Any:
    return client.post(f"{BASE}{path}", json.dumps(body), content_type="application/json", **extra)


def test_the_portal_api_has_its_own_openapi_document() -> None:
    portal = Client().get(f"{BASE}/openapi.json").json()
    staff = Client().get("/api/v1/openapi.json").json()

    assert portal["info"]["title"] == "Lojal My pages API"
    assert f"{BASE}/login-link" in portal["paths"] and all(path.startswith(BASE) for path in portal["paths"])
    assert not any(path.startswith(BASE) for path in staff["paths"])
    assert "429" in portal["paths"][f"{BASE}/login-link"]["post"]["responses"]


def test_login_link_answers_202_alike_for_known_and_unknown_addresses(
    django_capture_on_commit_callbacks: Any,
) -> None:
    factories.person(emails=["anna@example.se"])

    with django_capture_on_commit_callbacks(execute=True):
        known = _post(Client(), "/login-link", {"email": "anna@example.se"})
        unknown = _post(Client(), "/login-link", {"email": "nobody@example.se"})

    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert [message.to for message in mail.outbox] == [["anna@example.se"]]
    assert LoginChallenge.objects.count() == 1


def test_login_link_past_the_limit_is_a_429_problem(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.LOJAL_RATE_PORTAL_LOGIN_ADDRESS = "1/hour"
    factories.person(emails=["anna@example.se"])

    with django_capture_on_commit_callbacks(execute=True):
        first = _post(Client(), "/login-link", {"email": "anna@example.se"})
        second = _post(Client(REMOTE_ADDR="10.1.1.1"), "/login-link", {"email": "anna@example.se"})

    assert first.status_code == 202 and second.status_code == 429
    assert second["Content-Type"] == "application/problem+json" and int(second["Retry-After"]) > 0
    assert second.json()["status"] == 429
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("value", ["0701234567", "not an address", ""])
def test_login_link_refuses_what_is_not_an_email_address(value: str) -> None:
    response = _post(Client(), "/login-link", {"email": value})

    assert response.status_code == 422 and response.json()["errors"] == [
        {"field": "email", "reasons": ["Give an email address."]}
    ]
    assert not LoginChallenge.objects.exists()


def test_a_portal_token_reads_the_signed_in_customer() -> None:
    customer = factories.person()

    response = token_client(customer.pk).get(f"{BASE}/me")

    assert response.status_code == 200
    assert response.json() == {"customer_id": customer.pk, "contact_person_id": None, "sees_all_cases": True}


def test_staff_tokens_and_sessions_do_not_work_on_the_portal_api(admin_user: User) -> None:
    staff_token = ApiClient(admin_user).client
    staff_session = Client()
    staff_session.force_login(admin_user)

    by_token = staff_token.get(f"{BASE}/me")
    by_session = staff_session.get(f"{BASE}/me")

    assert by_token.status_code == by_session.status_code == 401
    assert by_token["Content-Type"] == "application/problem+json"


def test_portal_tokens_and_sessions_do_not_work_on_the_staff_api() -> None:
    customer = factories.person()

    by_token = token_client(customer.pk).get("/api/v1/customers")
    by_session = signed_in(customer.pk).get("/api/v1/customers")

    assert by_token.status_code == by_session.status_code == 401


def test_the_portal_cookie_needs_the_csrf_token_for_unsafe_methods() -> None:
    customer = factories.person()
    client = signed_in(customer.pk, enforce_csrf_checks=True)
    client.get("/portal/sessions/")  # a page with a form sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value

    forged = _post(client, "/tokens", {"label": "script"})
    real = _post(client, "/tokens", {"label": "script"}, HTTP_X_CSRFTOKEN=csrf)
    read = client.get(f"{BASE}/me")

    assert forged.status_code == 403 and real.status_code == 201 and read.status_code == 200
    assert PortalSession.objects.filter(kind="token").count() == 1


def test_a_token_made_through_the_api_works_until_ended() -> None:
    customer = factories.person()
    browser = signed_in(customer.pk)

    made = _post(browser, "/tokens", {"label": "My script"})
    program = Client(HTTP_AUTHORIZATION=f"Bearer {made.json()['token']}")
    before = program.get(f"{BASE}/me")
    ended = browser.delete(f"{BASE}/sessions/{made.json()['id']}")
    after = program.get(f"{BASE}/me")

    assert made.status_code == 201 and before.status_code == 200
    assert ended.status_code == 204 and after.status_code == 401


def test_sessions_lists_only_ones_own_and_cannot_end_anothers() -> None:
    mine, theirs = factories.person(), factories.person()
    client = signed_in(mine.pk)
    other = signed_in(theirs.pk)
    other_session = PortalSession.objects.get(customer=theirs)

    listed = client.get(f"{BASE}/sessions").json()
    ended = client.delete(f"{BASE}/sessions/{other_session.pk}")

    assert [row["is_current"] for row in listed] == [True]
    assert ended.status_code == 404
    assert PortalSession.objects.get(pk=other_session.pk).ended_at is None
    assert other.get(f"{BASE}/me").status_code == 200


def test_logout_through_the_api_ends_the_session() -> None:
    customer = factories.person()
    client = signed_in(customer.pk)

    out = _post(client, "/logout", {})
    after = client.get(f"{BASE}/me")

    assert out.status_code == 204 and after.status_code == 401
    assert client.cookies[COOKIE_NAME].value  # the browser still sends it; the server ignores it now
