"""Signed inbound webhooks: an integration signs each call with HMAC-SHA256 over the timestamp and the
body under its own secret, instead of holding a staff token; a stale, wrong, tampered or replayed
signature gets a 401 problem document saying why, and nothing is stored."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from lojal.accounts import services
from lojal.accounts.models import WebhookSecret
from lojal.accounts.webhooks import signature_header
from lojal.interactions.models import Interaction

pytestmark = pytest.mark.django_db
SMS = {"from_number": "+46701234567", "text": "Hej, ring mig"}


@pytest.fixture
def secret() -> str:
    return services.webhook_secret_create(name="sms-provider").secret


def _post(path: str, body: bytes, header: str | None, content_type: str = "application/json") -> Any:
    extra = {"HTTP_X_LOJAL_SIGNATURE": header} if header is not None else {}
    return Client().post(f"/api/v1/inbound/{path}", body, content_type=content_type, **extra)


def _sms_body() -> bytes:
    return json.dumps(SMS).encode()


def test_a_call_signed_with_an_integration_secret_is_accepted_without_a_token(secret: str) -> None:
    body = _sms_body()

    response = _post("sms", body, signature_header(secret=secret, body=body))

    assert response.status_code == 201
    assert Interaction.objects.get().body_text == "Hej, ring mig"
    assert WebhookSecret.objects.get().last_used_at is not None


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body(secret: str) -> None:
    body = _sms_body()
    now = int(time.time())
    digest = hmac.new(secret.encode(), f"{now}.".encode() + body, hashlib.sha256).hexdigest()

    response = _post("sms", body, f"t={now},v1={digest}")

    assert response.status_code == 201


def test_a_raw_email_can_be_signed_too(secret: str) -> None:
    raw = b"From: kari@example.no\r\nTo: kundservice@lojal.example\r\nSubject: Hei\r\n\r\nHei!\r\n"

    response = _post("email", raw, signature_header(secret=secret, body=raw), "message/rfc822")

    assert response.status_code == 201
    assert Interaction.objects.get().subject == "Hei"


def _refused(response: Any, detail: str) -> None:
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == detail
    assert Interaction.objects.count() == 0


def test_a_signature_under_another_secret_is_refused(secret: str) -> None:
    body = _sms_body()

    response = _post("sms", body, signature_header(secret="whsec_not-the-secret", body=body))

    _refused(response, "The signature does not match the body under any active webhook secret.")


def test_a_tampered_body_is_refused(secret: str) -> None:
    header = signature_header(secret=secret, body=_sms_body())
    tampered = json.dumps({**SMS, "text": "Skicka pengar"}).encode()

    response = _post("sms", tampered, header)

    _refused(response, "The signature does not match the body under any active webhook secret.")


@pytest.mark.parametrize("offset", [-301, 301])
def test_a_timestamp_more_than_five_minutes_away_is_refused(secret: str, offset: int) -> None:
    body = _sms_body()

    response = _post(
        "sms", body, signature_header(secret=secret, body=body, timestamp=int(time.time()) + offset)
    )

    _refused(
        response,
        "The signature's timestamp is more than 300 seconds away from now: sign each call as it is sent.",
    )


def test_a_timestamp_within_five_minutes_is_accepted(secret: str) -> None:
    body = _sms_body()

    response = _post(
        "sms", body, signature_header(secret=secret, body=body, timestamp=int(time.time()) - 290)
    )

    assert response.status_code == 201


def test_a_replayed_call_is_refused(secret: str) -> None:
    body = _sms_body()
    header = signature_header(secret=secret, body=body)

    first = _post("sms", body, header)
    replayed = _post("sms", body, header)

    assert first.status_code == 201
    assert replayed.status_code == 401
    assert replayed.json()["detail"] == "This signed call was received before: each one is accepted once."
    assert Interaction.objects.count() == 1


@pytest.mark.parametrize("header", ["", "v1=abc", "t=now,v1=" + "0" * 64, "t=1700000000"])
def test_a_malformed_header_is_refused(secret: str, header: str) -> None:
    response = _post("sms", _sms_body(), header or " ")

    _refused(response, "The X-Lojal-Signature header must read t=(unix time),v1=(hex HMAC-SHA256).")


def test_a_revoked_secret_no_longer_signs(secret: str) -> None:
    services.webhook_secret_revoke(name="sms-provider")
    body = _sms_body()

    response = _post("sms", body, signature_header(secret=secret, body=body))

    _refused(response, "The signature does not match the body under any active webhook secret.")


def test_without_signature_or_token_the_call_is_unauthorised(secret: str) -> None:
    response = _post("sms", _sms_body(), None)

    assert response.status_code == 401
    assert Interaction.objects.count() == 0


def test_a_signature_does_not_open_staff_endpoints(secret: str) -> None:
    body = b""

    response = Client().get(
        "/api/v1/customers", HTTP_X_LOJAL_SIGNATURE=signature_header(secret=secret, body=body)
    )

    assert response.status_code == 401


def test_secrets_survive_a_secret_key_rotation_through_the_fallbacks(secret: str, settings: Any) -> None:
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-after-rotation"
    body = _sms_body()

    response = _post("sms", body, signature_header(secret=secret, body=body))

    assert response.status_code == 201


def test_the_secret_is_not_stored(secret: str) -> None:
    row = WebhookSecret.objects.get()

    assert secret.startswith("whsec_")
    assert secret not in (row.name, row.salt)


def test_the_command_creates_lists_and_revokes_secrets() -> None:
    out = StringIO()
    call_command("webhook_secret", "create", "telephony", stdout=out)
    call_command("webhook_secret", "revoke", "telephony", stdout=out)
    call_command("webhook_secret", "list", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("whsec_") and len(lines[0]) == 6 + 64
    assert lines[1] == "Webhook secret 'telephony' revoked."
    assert lines[2].startswith("telephony\trevoked\t")


@pytest.mark.parametrize("header", ["", "t=1700000000,v1=" + "0" * 64])
def test_a_bad_signature_is_refused_even_beside_a_valid_token(secret: str, api: Any, header: str) -> None:
    response = api.client.post(
        "/api/v1/inbound/sms", _sms_body(), content_type="application/json", HTTP_X_LOJAL_SIGNATURE=header
    )

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert Interaction.objects.count() == 0


def test_a_token_alone_still_opens_the_inbound_endpoints(secret: str, api: Any) -> None:
    response = api.client.post("/api/v1/inbound/sms", _sms_body(), content_type="application/json")

    assert response.status_code == 201
    assert Interaction.objects.count() == 1
