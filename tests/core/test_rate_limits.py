"""Rate limits on the login form, token creation, the public web forms and the chat: 429 with
Retry-After after N requests from one address in a window (and not before), counted in the database,
for no other request."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client, RequestFactory

from lojal.accounts.models import ApiToken
from lojal.core import ratelimit
from lojal.core.models import RateCounter
from lojal.interactions.models import ChatSession
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The rate limits' clock, stopped at a whole minute and moved on by hand."""
    now = [1_800_000_000.0]
    monkeypatch.setattr(ratelimit, "_clock", lambda: now[0])
    return now


def _token_request(client: Client, password: str = "wrong-password-1") -> Any:
    body = {"username": "someone", "password": password}
    return client.post("/api/v1/auth/token", json.dumps(body), content_type="application/json")


def test_token_creation_answers_429_with_retry_after_after_the_limit_and_not_before(
    settings: Any, clock: list[float]
) -> None:
    settings.LOJAL_RATE_TOKEN = "3/minute"
    settings.AXES_FAILURE_LIMIT = 100
    client = Client(REMOTE_ADDR="203.0.113.7")

    statuses = [_token_request(client).status_code for _ in range(3)]
    refused = _token_request(client)

    assert statuses == [401, 401, 401]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert refused["Content-Type"] == "application/problem+json"
    problem = refused.json()
    assert problem["status"] == 429
    assert problem["retry_after"] == 60
    assert problem["detail"] == "Too many attempts. Try again in 1 minute(s)."


def test_the_limit_is_per_client_address(settings: Any, clock: list[float]) -> None:
    settings.LOJAL_RATE_TOKEN = "2/minute"
    first, second = Client(REMOTE_ADDR="203.0.113.7"), Client(REMOTE_ADDR="203.0.113.8")

    for _ in range(2):
        _token_request(first)

    assert _token_request(first).status_code == 429
    assert _token_request(second).status_code == 401


def test_the_limit_lifts_when_its_window_ends(settings: Any, clock: list[float]) -> None:
    settings.LOJAL_RATE_TOKEN = "2/minute"
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(2):
        _token_request(client)
    clock[0] += 45
    waiting = _token_request(client)

    clock[0] += 15  # the minute that began with the first request is over
    after = _token_request(client)

    assert waiting.status_code == 429
    assert waiting["Retry-After"] == "15"
    assert after.status_code == 401


def test_a_refused_request_reaches_no_view(settings: Any, clock: list[float], make_user: Any) -> None:
    settings.LOJAL_RATE_TOKEN = "1/minute"
    make_user(username="someone")
    client = Client(REMOTE_ADDR="203.0.113.7")
    _token_request(client)

    refused = _token_request(client, password="not-a-real-password-1")

    assert refused.status_code == 429
    assert ApiToken.objects.count() == 0


def test_login_page_answers_a_translated_page_with_retry_after(settings: Any, clock: list[float]) -> None:
    settings.LOJAL_RATE_LOGIN = "2/minute"
    client = Client(REMOTE_ADDR="203.0.113.7", HTTP_ACCEPT_LANGUAGE="sv")
    form = {"username": "someone", "password": "wrong-password-1"}

    statuses = [client.post("/login/", form).status_code for _ in range(2)]
    refused = client.post("/login/", form)

    assert statuses == [200, 200]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert refused["Content-Type"] == "text/html; charset=utf-8"
    assert "För många försök. Försök igen om 1 minut(er)." in refused.content.decode()


def test_chat_starts_are_limited_per_address_across_senders(settings: Any, clock: list[float]) -> None:
    settings.LOJAL_RATE_CHAT_START = "3/minute"
    client = Client(REMOTE_ADDR="203.0.113.7")

    statuses = [
        client.post("/chat/", {"email": f"bot{number}@example.net", "text": "Hej"}).status_code
        for number in range(4)
    ]

    assert statuses == [302, 302, 302, 429]
    assert ChatSession.objects.count() == 3


def test_web_form_posts_are_limited_per_address(settings: Any, clock: list[float]) -> None:
    settings.LOJAL_RATE_WEBFORM = "2/minute"
    client = Client(REMOTE_ADDR="203.0.113.7")

    statuses = [client.post("/forms/no-such-form/", {}).status_code for _ in range(3)]

    assert statuses == [404, 404, 429]


def test_an_empty_rate_turns_a_limit_off(settings: Any, clock: list[float]) -> None:
    settings.LOJAL_RATE_TOKEN = ""
    settings.AXES_FAILURE_LIMIT = 100
    client = Client(REMOTE_ADDR="203.0.113.7")

    statuses = {_token_request(client).status_code for _ in range(12)}

    assert statuses == {401}
    assert RateCounter.objects.count() == 0


def test_api_reads_and_staff_pages_are_not_counted(api: ApiClient, clock: list[float]) -> None:
    for _ in range(5):
        assert api.get("customers").status_code == 200

    assert RateCounter.objects.count() == 0


def test_ipv6_clients_count_by_their_64_network_and_proxies_only_when_configured(settings: Any) -> None:
    factory = RequestFactory()
    one = factory.get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    same_network = factory.get("/", REMOTE_ADDR="2001:db8:1:2:bbbb::9")
    forged = factory.get("/", REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="203.0.113.99")

    assert ratelimit.client_address(one) == ratelimit.client_address(same_network) == "2001:db8:1:2::"
    assert ratelimit.client_address(forged) == "198.51.100.1"
    settings.LOJAL_PROXY_COUNT = 1
    assert ratelimit.client_address(forged) == "203.0.113.99"


def test_expired_counters_are_purged(clock: list[float]) -> None:
    storage = ratelimit.DatabaseStorage()
    storage.incr("old", 60)
    clock[0] += 7200
    storage.incr("new", 60)

    assert ratelimit.rate_counters_purge() == 1
    assert list(RateCounter.objects.values_list("key", flat=True)) == ["new"]


def test_first_use_is_true_once_per_key_within_its_time(clock: list[float]) -> None:
    assert ratelimit.first_use("a", seconds=600) is True
    assert ratelimit.first_use("a", seconds=600) is False
    assert ratelimit.first_use("b", seconds=600) is True
    clock[0] += 601
    assert ratelimit.first_use("a", seconds=600) is True


def test_counting_is_atomic_in_one_statement(clock: list[float]) -> None:
    storage = ratelimit.DatabaseStorage()

    counts = [storage.incr("k", 60) for _ in range(3)]
    clock[0] += 60
    restarted = storage.incr("k", 60)

    assert counts == [1, 2, 3]
    assert restarted == 1
