"""Received data is never lost: an email, SMS or web form with NUL characters is stored on SQLite and
PostgreSQL alike, NULs stripped from the parsed fields and the raw message kept byte for byte. Staff's
own API input with NUL, lone surrogates or impossible times is refused with 422 naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from lojal.interactions.models import Attachment, EmailMessage, Interaction
from tests import factories
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db

NUL_MAIL = (
    b"From: =?utf-8?q?Anna_\x00Berg?= <anna\x00@example.se>\r\n"
    b"To: support@lojal.example, nul\x00@example.se\r\n"
    b"Subject: Fr\xc3\xa5ga\x00 om faktura\r\n"
    b"Message-ID: <nul\x00-1@example.se>\r\n"
    b"Date: Tue, 3 Nov 2026 10:00:00 +0100\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="b"\r\n'
    b"\r\n--b\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
    b"Hej,\x00 fakturan st\xc3\xa4mmer inte.\r\n"
    b"--b\r\n"
    b'Content-Type: text/plain; name="fil\x00.txt"\r\n'
    b'Content-Disposition: attachment; filename="fil\x00.txt"\r\n\r\n'
    b"bilaga\x00\r\n"
    b"--b--\r\n"
)


def test_an_email_with_nul_characters_is_stored_with_its_raw_bytes_intact(api: ApiClient) -> None:
    # Given a message with NUL characters in its headers, body and attachment name
    # When it arrives through the webhook
    response = api.client.post("/api/v1/inbound/email", NUL_MAIL, content_type="message/rfc822")
    # Then it is stored, on SQLite and PostgreSQL alike, its text fields without the NULs
    assert response.status_code == 201, response.content
    interaction = Interaction.objects.get(pk=response.json()["id"])
    assert interaction.subject == "Fråga om faktura"
    assert interaction.body_text.startswith("Hej, fakturan stämmer inte.")
    assert "\x00" not in interaction.sender_name + interaction.sender
    assert all("\x00" not in str(item) for item in [*interaction.recipients, *interaction.defects])
    assert "\x00" not in Attachment.objects.get(interaction=interaction).filename
    # And the raw message is kept byte for byte, NULs and all
    message = EmailMessage.objects.get(interaction=interaction)
    assert bytes(message.raw) == NUL_MAIL
    assert "\x00" not in message.message_id


def test_an_inbound_sms_with_nul_and_a_lone_surrogate_is_stored_cleaned(api: ApiClient) -> None:
    body = {"from_number": "0701234567", "text": "Hej\x00 d\ud800r", "message_id": "m\x00-1"}
    response = api.post("inbound/sms", body)
    assert response.status_code == 201, response.content
    stored = Interaction.objects.get(pk=response.json()["id"])
    assert stored.body_text == "Hej d\ufffdr"
    assert stored.external_id == "m-1"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subject": "Samtal\x00"}, "subject"),
        ({"notes": "\ud800"}, "notes"),
        ({"occurred_at": "0001-01-01T00:00:00Z"}, "occurred_at"),
        ({"occurred_at": "9999-01-01T00:00:00Z"}, "occurred_at"),
    ],
)
def test_logging_with_bad_text_or_an_impossible_time_is_refused(
    api: ApiClient, overrides: dict[str, Any], field: str
) -> None:
    customer = factories.person()
    body = {"customer_id": customer.pk, "channel": "call", "subject": "Samtal", **overrides}
    response = api.post("interactions", body)
    assert response.status_code == 422, response.content
    assert {error["field"] for error in response.json()["errors"]} == {field}
    assert Interaction.objects.count() == 0


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00Z", "9999-12-31T00:00:00Z"])
def test_an_inbound_call_at_an_impossible_time_is_refused(api: ApiClient, at: str) -> None:
    body = {"call_id": "pbx-1", "event": "started", "from_number": "0701234567", "at": at}
    response = api.post("inbound/calls", body)
    assert response.status_code == 422, response.content
    assert {error["field"] for error in response.json()["errors"]} == {"at"}
    assert Interaction.objects.count() == 0
