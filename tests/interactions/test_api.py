"""The interactions API and the inbound doors (raw email webhook, telephony, SMS): typed answers,
problem documents for junk, roles enforced, cursor pagination."""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from lojal.accounts.roles import Role
from lojal.interactions.delivery import ConsoleAdapter
from lojal.interactions.models import Attachment, Interaction
from lojal.interactions.services import interaction_log
from lojal.timeline.models import Event
from tests import factories
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "email"


def post_raw(api: ApiClient, data: bytes) -> Any:
    return api.client.post("/api/v1/inbound/email", data, content_type="message/rfc822")


def test_webhook_takes_a_raw_message_and_answers_where_it_went(api: ApiClient) -> None:
    jorgen = factories.person(emails=["jorgen.astrom@example.se"])

    response = post_raw(api, (FIXTURES / "sv-utf8-quoted-printable.eml").read_bytes())

    assert response.status_code == 201
    body = response.json()
    assert body["customer_id"] == jorgen.pk and body["flags"] == []
    detail = api.get(f"interactions/{body['id']}").json()
    assert detail["subject"] == "Byte av jacka – fel storlek"
    assert detail["message_id"] == "<CAF1234sv@mail.example.se>"


def test_webhook_flags_auto_replies_and_malformed_mail(api: ApiClient) -> None:
    auto = post_raw(api, (FIXTURES / "auto-reply-sv.eml").read_bytes()).json()
    broken = post_raw(api, (FIXTURES / "malformed.eml").read_bytes()).json()

    assert auto["flags"] == ["auto_reply"]
    assert broken["flags"] == ["malformed"] and broken["customer_id"] is None


def post_chunked(api: ApiClient, body: Any) -> Any:
    """As gunicorn hands on a body sent with Transfer-Encoding: chunked: no Content-Length, and a stream
    that may be read to its end."""
    return api.client.generic(
        "POST",
        "/api/v1/inbound/email",
        b"",
        CONTENT_TYPE="message/rfc822",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": body, "wsgi.input_terminated": True},
    )


def mail_with_attachments(*, receipt_bytes: int, photo_bytes: int) -> bytes:
    """A message as a mail client sends it: Swedish text and two base64 attachments of the given sizes."""
    message = EmailMessage()
    message["From"] = "Jörgen Åström <jorgen.astrom@example.se>"
    message["To"] = "kundservice@lojal.example"
    message["Subject"] = "Kvitto och bilder på den trasiga jackan"
    message["Message-ID"] = f"<jacka-{receipt_bytes}-{photo_bytes}@mail.example.se>"
    message["Date"] = "Tue, 03 Nov 2026 10:15:00 +0100"
    message.set_content(
        "Hej!\n\nHär kommer kvittot och bilderna på jackan som gick sönder efter två veckor.\n"
        "Dragkedjan har lossnat och ärmen är trasig.\n\nMed vänliga hälsningar\nJörgen Åström\n"
    )
    noise = random.Random(receipt_bytes + photo_bytes)
    message.add_attachment(
        noise.randbytes(receipt_bytes), maintype="application", subtype="pdf", filename="kvitto.pdf"
    )
    message.add_attachment(
        noise.randbytes(photo_bytes), maintype="image", subtype="jpeg", filename="jacka.jpg"
    )
    return message.as_bytes()


def test_webhook_refuses_an_empty_body(api: ApiClient) -> None:
    empty = post_raw(api, b"  ")

    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "body"
    assert not Interaction.objects.exists()


def test_webhook_stores_a_3_mb_message_with_both_attachments(api: ApiClient) -> None:
    jorgen = factories.person(emails=["jorgen.astrom@example.se"])
    raw = mail_with_attachments(receipt_bytes=1_150_000, photo_bytes=1_150_000)
    assert len(raw) > 3_000_000

    response = post_raw(api, raw)

    assert response.status_code == 201, response.content[:300]
    assert response.json()["customer_id"] == jorgen.pk
    interaction = Interaction.objects.get()
    assert interaction.subject == "Kvitto och bilder på den trasiga jackan"
    assert "Dragkedjan har lossnat" in interaction.body_text
    stored = {a.filename: (a.size, a.is_stored, len(a.content)) for a in Attachment.objects.all()}
    assert stored == {"kvitto.pdf": (1_150_000, True, 1_150_000), "jacka.jpg": (1_150_000, True, 1_150_000)}


def test_webhook_stores_a_20_mb_message_keeping_attachments_up_to_the_attachment_limit(
    api: ApiClient, settings: Any
) -> None:
    assert settings.LOJAL_ATTACHMENT_MAX_BYTES == 10 * 1024 * 1024
    raw = mail_with_attachments(receipt_bytes=11 * 1024 * 1024, photo_bytes=3_500_000)
    assert len(raw) > 20_000_000

    response = post_raw(api, raw)

    assert response.status_code == 201, response.content[:300]
    stored = {a.filename: (a.size, a.is_stored, len(a.content)) for a in Attachment.objects.all()}
    assert stored == {
        "kvitto.pdf": (11 * 1024 * 1024, False, 0),
        "jacka.jpg": (3_500_000, True, 3_500_000),
    }
    assert bytes(Interaction.objects.get().email.raw) == raw


def test_webhook_answers_413_for_a_message_over_the_email_limit_and_stores_nothing(
    api: ApiClient, settings: Any
) -> None:
    settings.LOJAL_EMAIL_MAX_BYTES = 60_000
    raw = mail_with_attachments(receipt_bytes=30_000, photo_bytes=30_000)

    response = post_raw(api, raw)

    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Content too large",
        "status": 413,
        "detail": "The request body is larger than the 60000 bytes this address accepts.",
        "max_bytes": 60_000,
    }
    assert not Interaction.objects.exists() and not Attachment.objects.exists()


def test_webhook_takes_a_chunked_message_without_content_length(api: ApiClient) -> None:
    raw = mail_with_attachments(receipt_bytes=40_000, photo_bytes=40_000)

    response = post_chunked(api, io.BytesIO(raw))

    assert response.status_code == 201, response.content[:300]
    assert bytes(Interaction.objects.get().email.raw) == raw


def test_webhook_answers_413_for_a_chunked_message_growing_past_the_limit(
    api: ApiClient, settings: Any
) -> None:
    settings.LOJAL_EMAIL_MAX_BYTES = 60_000
    raw = mail_with_attachments(receipt_bytes=30_000, photo_bytes=30_000)

    response = post_chunked(api, io.BytesIO(raw))

    assert response.status_code == 413
    assert response.json()["max_bytes"] == 60_000
    assert not Interaction.objects.exists()


class EndlessBody:
    """A sender that never stops: counts what the server took from it."""

    def __init__(self) -> None:
        self.given = 0

    def read(self, size: int = -1) -> bytes:
        size = 65536 if size is None or size < 0 else size
        self.given += size
        return b"x" * size

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)


def test_webhook_stops_reading_an_endless_body_one_byte_past_the_limit(api: ApiClient, settings: Any) -> None:
    settings.LOJAL_EMAIL_MAX_BYTES = 200_000
    endless = EndlessBody()

    response = post_chunked(api, endless)

    assert response.status_code == 413
    assert endless.given == 200_001
    assert not Interaction.objects.exists()


@pytest.mark.parametrize("role", [Role.SERVICE_AGENT, Role.SALES, Role.MARKETING, Role.READ_ONLY])
def test_inbound_doors_need_an_integration_role(api_as: Callable[[str], ApiClient], role: str) -> None:
    client = api_as(role)

    assert post_raw(client, b"Subject: x\r\n\r\nhej").status_code == 403
    assert client.post("inbound/sms", {"from_number": "0701234567", "text": "hej"}).status_code == 403
    assert not Interaction.objects.exists()


def test_inbound_needs_a_token() -> None:
    response = Client().post("/api/v1/inbound/email", b"Subject: x\r\n\r\nhej", content_type="message/rfc822")

    assert response.status_code == 401
    assert not Interaction.objects.exists()


def test_telephony_events_make_one_call_interaction_with_duration(api: ApiClient) -> None:
    customer = factories.person(phones=["070-123 45 67"])
    base = {
        "call_id": "pbx-77",
        "direction": "in",
        "from_number": "+46 70 123 45 67",
        "to_number": "08-123 456 78",
    }

    api.post("inbound/calls", {**base, "event": "started", "at": "2026-11-03T10:00:00Z"})
    api.post("inbound/calls", {**base, "event": "answered", "at": "2026-11-03T10:00:05Z"})
    ended = api.post("inbound/calls", {**base, "event": "ended", "at": "2026-11-03T10:04:35Z"})
    api.post("inbound/calls", {**base, "event": "ended", "at": "2026-11-03T10:09:00Z"})  # repeated
    api.post(
        "inbound/calls", {**base, "event": "recording", "recording_url": "https://pbx.example.se/rec/77.mp3"}
    )

    assert ended.status_code == 200 and ended.json()["customer_id"] == customer.pk
    call = Interaction.objects.get()
    assert (call.channel, call.outcome, call.duration_seconds) == ("call", "answered", 270)
    assert call.recording_url == "https://pbx.example.se/rec/77.mp3"
    assert call.sender == "+46701234567"
    assert Event.objects.filter(customer=customer, kind="interaction.call").count() == 1


def test_missed_call_from_an_unknown_number_waits_in_the_unmatched_inbox(api: ApiClient) -> None:
    response = api.post(
        "inbound/calls", {"call_id": "pbx-78", "event": "missed", "from_number": "+4741234567"}
    )

    assert response.json()["customer_id"] is None
    call = Interaction.objects.get()
    assert (call.outcome, call.duration_seconds) == ("missed", 0)
    assert api.get("interactions/unmatched").json()["items"][0]["id"] == call.pk


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"call_id": "", "event": "started"}, "call_id"),
        ({"call_id": "x", "event": "exploded"}, "event"),
        ({"call_id": "x", "event": "started", "from_number": "not a number"}, "from_number"),
        ({"call_id": "x", "event": "recording", "recording_url": "javascript:alert(1)"}, "recording_url"),
        ({"call_id": "x", "event": "started", "at": "yesterday"}, "at"),
    ],
)
def test_junk_call_events_are_problem_documents(api: ApiClient, body: dict[str, Any], field: str) -> None:
    response = api.post("inbound/calls", body)

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert field in [error["field"] for error in response.json()["errors"]]
    assert not Interaction.objects.filter(recording_url__startswith="javascript").exists()


def test_sms_in_is_matched_by_number_in_any_format_and_stored_once(api: ApiClient) -> None:
    customer = factories.person(phones=["0701234567"])
    body = {"from_number": "0046 70-123 45 67", "text": "Kommer 10 min sent", "message_id": "sms-1"}

    first = api.post("inbound/sms", body)
    again = api.post("inbound/sms", body)

    assert first.status_code == 201 and first.json()["customer_id"] == customer.pk
    assert again.json()["id"] == first.json()["id"]
    assert Event.objects.filter(customer=customer, kind="interaction.sms").count() == 1


def test_sms_out_goes_through_the_console_adapter_once(
    api: ApiClient, django_capture_on_commit_callbacks: Any
) -> None:
    customer = factories.person(phones=["0701234567"])
    ConsoleAdapter.sent.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "interactions/sms", {"customer_id": customer.pk, "to": "070-123 45 67", "text": "Hej!"}
        )

    assert response.status_code == 202
    assert ConsoleAdapter.sent == [("+46701234567", "Hej!")]
    sms = Interaction.objects.get()
    assert sms.details["state"] == "sent" and sms.external_id == "console-1"
    from lojal.interactions.delivery import sms_deliver

    assert sms_deliver(interaction_id=sms.pk) == "sent"
    assert len(ConsoleAdapter.sent) == 1


def test_log_and_list_with_channel_filter_search_and_cursor(api: ApiClient) -> None:
    customer = factories.person()
    for number in range(5):
        created = api.post(
            "interactions",
            {
                "customer_id": customer.pk,
                "channel": "call",
                "subject": f"Samtal {number}",
                "duration_minutes": 3,
            },
        )
        assert created.status_code == 201
    api.post(
        "interactions", {"customer_id": customer.pk, "channel": "meeting", "subject": "Möte på kontoret"}
    )

    first = api.get("interactions", customer_id=customer.pk, channel="call", limit=3).json()
    second = api.get(
        "interactions", customer_id=customer.pk, channel="call", limit=3, cursor=first["next_cursor"]
    ).json()
    found = api.get("interactions", customer_id=customer.pk, q="MÖTE").json()

    assert [item["subject"] for item in first["items"] + second["items"]] == [
        f"Samtal {n}" for n in range(4, -1, -1)
    ]
    assert second["next_cursor"] is None
    assert [item["subject"] for item in found["items"]] == ["Möte på kontoret"]
    assert first["items"][0]["duration_seconds"] == 180


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"channel": "call"}, "customer_id"),
        ({"customer_id": 1, "channel": "fax", "subject": "x"}, "channel"),
        (
            {"customer_id": 1, "channel": "call", "subject": "x", "duration_minutes": 99999},
            "duration_minutes",
        ),
        ({"customer_id": 1, "channel": "call", "subject": "", "notes": ""}, "subject"),
        ({"customer_id": 1, "channel": "call", "subject": "x", "outcome": "exploded"}, "outcome"),
    ],
)
def test_junk_log_requests_are_problem_documents(api: ApiClient, body: dict[str, Any], field: str) -> None:
    factories.person()  # id 1 on a fresh database or not: the field error comes first either way
    response = api.post("interactions", body)

    assert response.status_code in {404, 422}
    if response.status_code == 422:
        assert field in [error["field"] for error in response.json()["errors"]]
    assert not Interaction.objects.exists()


def test_bad_cursor_and_unknown_ids(api: ApiClient) -> None:
    customer = factories.person()

    assert api.get("interactions", customer_id=customer.pk, cursor="nonsense").status_code == 422
    assert api.get("interactions/999999").status_code == 404
    assert api.post("interactions/999999/link", {"customer_id": customer.pk}).status_code == 404
    assert (
        api.post(
            "interactions/emails", {"customer_id": 999999, "to": "a@example.se", "subject": "x", "body": "y"}
        ).status_code
        == 404
    )


def test_email_api_rejects_a_bad_address_and_queues_a_good_one(
    api: ApiClient, django_capture_on_commit_callbacks: Any
) -> None:
    customer = factories.person(emails=["anna@example.se"])

    bad = api.post(
        "interactions/emails", {"customer_id": customer.pk, "to": "anna@", "subject": "x", "body": "y"}
    )
    with django_capture_on_commit_callbacks(execute=False):
        good = api.post(
            "interactions/emails",
            {"customer_id": customer.pk, "to": "anna@example.se", "subject": "Hej", "body": "Text"},
        )

    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "to"
    assert good.status_code == 202 and good.json()["subject"].startswith("Hej [#L-")
    assert Interaction.objects.count() == 1


def test_link_and_create_customer_through_the_api(api: ApiClient) -> None:
    unmatched = post_raw(api, (FIXTURES / "nb-iso-8859-1.eml").read_bytes()).json()
    other = post_raw(api, (FIXTURES / "forwarded-sv.eml").read_bytes()).json()
    customer = factories.person()

    linked = api.post(f"interactions/{unmatched['id']}/link", {"customer_id": customer.pk})
    again = api.post(f"interactions/{unmatched['id']}/link", {"customer_id": customer.pk})
    created = api.post(f"interactions/{other['id']}/create-customer")

    assert linked.json() == {"linked": 1, "customer_id": customer.pk}
    assert again.status_code == 422
    assert created.status_code == 201
    assert api.get("interactions/unmatched").json()["items"] == []


def test_openapi_lists_the_interaction_endpoints(api: ApiClient) -> None:
    paths = api.get("openapi.json").json()["paths"]

    for path in (
        "/api/v1/interactions",
        "/api/v1/inbound/email",
        "/api/v1/inbound/calls",
        "/api/v1/inbound/sms",
        "/api/v1/interactions/emails",
        "/api/v1/interactions/unmatched",
    ):
        assert path in paths


def test_interactions_list_is_not_n_plus_one(
    api: ApiClient, admin_user: Any, django_assert_max_num_queries: Any
) -> None:
    customer = factories.person()
    for number in range(40):
        interaction_log(actor=admin_user, customer_id=customer.pk, channel="call", subject=f"S {number}")

    with django_assert_max_num_queries(6):
        response = api.get("interactions", customer_id=customer.pk, limit=50)
    assert len(response.json()["items"]) == 40
