"""Login lockout (django-axes): after N failed logins for one account, or from one address, logins are
refused with 429 and Retry-After for M minutes, the same way whether the account exists or not."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client

from lojal.accounts.models import ApiToken, User

pytestmark = pytest.mark.django_db
PASSWORD = "not-a-real-password-1"


@pytest.fixture(autouse=True)
def lockout_settings(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
    settings.LOJAL_RATE_LOGIN = ""  # the lockout alone, without the per-minute rate limit
    settings.LOJAL_RATE_TOKEN = ""


def _page(response: Any) -> str:
    """The page without its CSRF tokens, which differ on every response."""
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", response.content.decode())


def _login(client: Client, username: str, password: str) -> Any:
    return client.post("/login/", {"username": username, "password": password})


def test_an_account_is_locked_at_the_limit_of_failures_and_not_before(
    make_user: Callable[..., User],
) -> None:
    make_user(username="anna")
    client = Client(REMOTE_ADDR="203.0.113.7")

    failures = [_login(client, "anna", "wrong-password-1").status_code for _ in range(3)]
    locked = _login(Client(REMOTE_ADDR="198.51.100.20"), "anna", PASSWORD)  # right password, other address

    # The third failure is answered with the lockout already.
    assert failures == [200, 200, 429]
    assert locked.status_code == 429
    assert locked["Retry-After"] == "900"
    assert "Too many failed logins for this account or from this network." in locked.content.decode()
    assert "_auth_user_id" not in locked.client.session


def test_two_failures_do_not_lock_the_account(make_user: Callable[..., User]) -> None:
    make_user(username="anna")
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(2):
        _login(client, "anna", "wrong-password-1")

    response = _login(client, "anna", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_an_address_is_locked_after_failures_across_accounts(make_user: Callable[..., User]) -> None:
    make_user(username="anna")
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for name in ("bertil", "cecilia", "david"):
        _login(attacker, name, "wrong-password-1")

    from_attacker = _login(attacker, "anna", PASSWORD)
    from_elsewhere = _login(Client(REMOTE_ADDR="198.51.100.20"), "anna", PASSWORD)

    assert from_attacker.status_code == 429
    assert from_elsewhere.status_code == 302


def test_a_lockout_reads_the_same_whether_or_not_the_account_exists(make_user: Callable[..., User]) -> None:
    make_user(username="anna")
    for name, address in (("anna", "203.0.113.7"), ("nobody", "203.0.113.8")):
        client = Client(REMOTE_ADDR=address)
        for _ in range(3):
            _login(client, name, "wrong-password-1")

    existing = _login(Client(REMOTE_ADDR="203.0.113.7"), "anna", "wrong-password-1")
    missing = _login(Client(REMOTE_ADDR="203.0.113.8"), "nobody", "wrong-password-1")

    assert (existing.status_code, existing["Retry-After"]) == (missing.status_code, missing["Retry-After"])
    assert _page(existing) == _page(missing)


def test_a_failed_login_reads_the_same_whether_or_not_the_account_exists(
    make_user: Callable[..., User],
) -> None:
    make_user(username="anna")

    existing = _login(Client(REMOTE_ADDR="203.0.113.7"), "anna", "wrong-password-1")
    missing = _login(Client(REMOTE_ADDR="203.0.113.8"), "nobody", "wrong-password-1")

    assert existing.status_code == missing.status_code == 200
    assert _page(existing).replace('value="anna"', 'value="nobody"') == _page(missing)


def test_the_lockout_ends_after_the_cool_off(make_user: Callable[..., User]) -> None:
    make_user(username="anna")
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(3):
        _login(client, "anna", "wrong-password-1")
    assert _login(client, "anna", PASSWORD).status_code == 429

    # Sixteen minutes pass since the last failure.
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= dt.timedelta(minutes=16)
        attempt.save(update_fields=["attempt_time"])
    response = _login(client, "anna", PASSWORD)

    assert response.status_code == 302


def test_token_creation_shares_the_lockout_and_answers_a_problem_document(
    make_user: Callable[..., User],
) -> None:
    make_user(username="anna")
    client = Client(REMOTE_ADDR="203.0.113.7")

    def token(password: str) -> Any:
        body = json.dumps({"username": "anna", "password": password})
        return client.post("/api/v1/auth/token", body, content_type="application/json")

    failures = [token("wrong-password-1").status_code for _ in range(3)]
    locked = token(PASSWORD)

    assert failures == [401, 401, 429]
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/problem+json"
    assert locked["Retry-After"] == "900"
    assert locked.json()["retry_after"] == 900
    assert ApiToken.objects.count() == 0


@pytest.mark.parametrize("address", ["", "not-an-address", "unix:/run/lojal.sock"])
def test_a_request_without_a_readable_address_is_counted_not_refused(
    make_user: Callable[..., User], address: str
) -> None:
    make_user(username="anna")
    client = Client(REMOTE_ADDR=address)
    body = json.dumps({"username": "anna", "password": "wrong-password"})

    failed = client.post("/api/v1/auth/token", body, content_type="application/json")
    signed_in = _login(Client(REMOTE_ADDR=address), "anna", PASSWORD)

    assert failed.status_code == 401
    assert AccessAttempt.objects.get().ip_address == "0.0.0.0"
    assert signed_in.status_code == 302
