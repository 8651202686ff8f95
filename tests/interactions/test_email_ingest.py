"""The email corpus through the one ingest service: charsets, encoded names, HTML sanitising, inline
images, attachments, quoted history, threading, auto-replies, bounces, loops and a malformed message."""

from __future__ import annotations

from pathlib import Path

import pytest

from lojal.customers.models import Customer
from lojal.interactions.emails.ingest import email_ingest
from lojal.interactions.emails.parsing import email_parse
from lojal.interactions.emails.quoting import reply_split
from lojal.interactions.models import (
    Attachment,
    Conversation,
    EmailBounce,
    EmailMessage,
    Interaction,
    SenderIdentity,
)
from lojal.interactions.services import interaction_create_customer, interaction_link
from lojal.timeline.models import Event
from tests import factories

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "email"


def raw(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture
def jorgen() -> Customer:
    return factories.person(first_name="Jörgen", last_name="Åström", emails=["jorgen.astrom@example.se"])


def test_utf8_quoted_printable_mail_lands_on_the_senders_timeline_with_decoded_name_and_subject(
    jorgen: Customer,
) -> None:
    interaction = email_ingest(raw=raw("sv-utf8-quoted-printable.eml"), source="webhook")

    assert interaction.customer_id == jorgen.pk
    assert interaction.subject == "Byte av jacka – fel storlek"
    assert interaction.sender == "jorgen.astrom@example.se"  # From was "Jorgen.Astrom@Example.se"
    assert interaction.sender_name == "Jörgen Åström"
    assert "fått fel storlek på jackan" in interaction.body_text
    assert not (interaction.is_malformed or interaction.is_auto_reply or interaction.is_bounce)
    event = Event.objects.get(customer=jorgen, kind="interaction.email")
    assert event.data["interaction_id"] == interaction.pk
    assert event.summary == "Byte av jacka – fel storlek"
    assert interaction.email.raw == raw("sv-utf8-quoted-printable.eml")


@pytest.mark.parametrize(
    ("name", "sender", "subject", "phrase"),
    [
        (
            "nb-iso-8859-1.eml",
            "oystein@example.no",
            "Ny leveringsadresse for bestilling",
            "Jeg ønsker å endre leveringsadressen",
        ),
        (
            "sv-windows-1252-base64.eml",
            "asa.oberg@foretaget.example.se",
            "Fel på fakturan – 1 249 €",
            "“Premium” enligt offerten",
        ),
        ("forwarded-sv.eml", "info@butiken.example.se", "Fwd: Reklamation", "kaffebryggaren läcker"),
    ],
)
def test_every_nordic_charset_is_decoded(name: str, sender: str, subject: str, phrase: str) -> None:
    interaction = email_ingest(raw=raw(name), source="imap")

    assert interaction.sender == sender
    assert interaction.subject == subject
    assert phrase in interaction.body_text
    assert not interaction.is_malformed


def test_unknown_sender_goes_to_the_unmatched_inbox_without_a_timeline_event() -> None:
    interaction = email_ingest(raw=raw("nb-iso-8859-1.eml"), source="smtp")

    assert interaction.customer_id is None
    assert interaction.sender_name == "Øystein Bråten"
    assert not Event.objects.filter(kind__startswith="interaction.").exists()


def test_linking_an_unmatched_sender_remembers_it_for_the_next_message(admin_user) -> None:
    customer = factories.person(first_name="Øystein", last_name="Bråten")
    first = email_ingest(raw=raw("nb-iso-8859-1.eml"), source="smtp")

    linked = interaction_link(actor=admin_user, interaction_id=first.pk, customer_id=customer.pk)
    reply = email_ingest(raw=raw("gmail-reply-nb.eml"), source="smtp")

    assert linked == 1
    assert SenderIdentity.objects.get(address="oystein@example.no").customer_id == customer.pk
    assert reply.customer_id == customer.pk
    assert Event.objects.filter(customer=customer, kind="interaction.email").count() == 2


def test_create_customer_from_unmatched_sender_makes_a_lead_and_links_every_message_from_it(
    admin_user,
) -> None:
    first = email_ingest(raw=raw("nb-iso-8859-1.eml"), source="smtp")
    second = email_ingest(raw=raw("gmail-reply-nb.eml"), source="smtp")
    assert second.customer_id is None

    customer = interaction_create_customer(actor=admin_user, interaction_id=first.pk)

    assert (customer.first_name, customer.last_name, customer.lifecycle_stage) == (
        "Øystein",
        "Bråten",
        "lead",
    )
    assert customer.primary_email == "oystein@example.no"
    assert set(Interaction.objects.filter(customer=customer).values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }


def test_html_is_sanitised_and_inline_image_kept_as_an_attachment() -> None:
    interaction = email_ingest(raw=raw("nb-utf8-html-inline-image.eml"), source="webhook")

    html = interaction.body_html
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    assert "<style" not in html
    assert 'src="cid:lampe@example.no"' in html
    assert 'href="https://example.no/ordre/77"' in html
    image = Attachment.objects.get(interaction=interaction)
    assert (image.filename, image.content_type, image.is_inline, image.content_id) == (
        "lampe.png",
        "image/png",
        True,
        "lampe@example.no",
    )
    assert bytes(image.content).startswith(b"\x89PNG")


def test_attachment_only_mail_keeps_its_file_with_an_encoded_filename() -> None:
    interaction = email_ingest(raw=raw("attachment-only.eml"), source="imap")

    assert interaction.body_text == ""
    attachment = interaction.attachments.get()
    assert attachment.filename == "kvitto för retur.pdf"
    assert attachment.content_type == "application/pdf"
    assert bytes(attachment.content).startswith(b"%PDF-1.4")
    assert attachment.size == len(bytes(attachment.content))


def test_attachment_over_the_size_limit_is_listed_but_not_stored(settings) -> None:
    settings.LOJAL_ATTACHMENT_MAX_BYTES = 10

    interaction = email_ingest(raw=raw("attachment-only.eml"), source="imap")

    attachment = interaction.attachments.get()
    assert (attachment.is_stored, bytes(attachment.content), attachment.size) == (False, b"", 45)


def test_malformed_message_is_stored_as_received_and_flagged() -> None:
    data = raw("malformed.eml")

    interaction = email_ingest(raw=data, source="smtp")

    assert interaction.is_malformed
    assert "From: no address" in interaction.defects
    assert interaction.subject == "Träsig rubrik utan kodning"  # raw 8-bit header read as Windows-1252
    assert interaction.customer_id is None
    assert bytes(interaction.email.raw) == data
    assert "This line is not a header" in interaction.body_text


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00\x01\x02", b"Subject: only a header", b"\xff" * 100, b"From: <>\r\n\r\n" + b"x" * 5000],
)
def test_junk_is_stored_and_flagged_never_a_crash(data: bytes) -> None:
    interaction = email_ingest(raw=data, source="webhook")

    assert interaction.pk is not None
    assert interaction.is_malformed
    assert bytes(interaction.email.raw) == data


def test_same_message_id_twice_is_stored_once() -> None:
    first = email_ingest(raw=raw("sv-utf8-quoted-printable.eml"), source="imap")
    again = email_ingest(raw=raw("sv-utf8-quoted-printable.eml"), source="smtp")

    assert again.pk == first.pk
    assert EmailMessage.objects.count() == 1


def test_auto_reply_is_recognised_and_flagged(jorgen: Customer) -> None:
    interaction = email_ingest(raw=raw("auto-reply-sv.eml"), source="smtp")

    assert interaction.is_auto_reply
    assert interaction.customer_id == jorgen.pk
    event = Event.objects.get(customer=jorgen, kind="interaction.email")
    assert event.data["flags"] == ["is_auto_reply"]


def test_bounce_marks_the_address_and_lands_on_its_customer() -> None:
    nils = factories.person(first_name="Nils", last_name="Gammal", emails=["nils.gammal@example.se"])

    interaction = email_ingest(raw=raw("bounce.eml"), source="smtp")

    assert interaction.is_bounce and interaction.is_auto_reply
    assert interaction.customer_id == nils.pk
    bounce = EmailBounce.objects.get(address="nils.gammal@example.se")
    assert bounce.status == "5.1.1"
    assert "User unknown" in bounce.diagnostic
    assert not SenderIdentity.objects.exists()


def test_reply_joins_its_conversation_by_in_reply_to(jorgen: Customer) -> None:
    first = email_ingest(raw=raw("sv-utf8-quoted-printable.eml"), source="smtp")
    reply = raw("outlook-reply-sv.eml").replace(b"[#L-ABCDEF]", b"")

    second = email_ingest(raw=reply, source="smtp")

    assert second.conversation_id == first.conversation_id
    assert Conversation.objects.count() == 1


def test_reply_without_threading_headers_joins_by_the_reference_in_the_subject(jorgen: Customer) -> None:
    conversation = Conversation.objects.create(
        customer=jorgen, subject="Byte av jacka", reference="L-ABCDEF", last_at="2026-11-03T10:00:00Z"
    )
    data = raw("outlook-reply-sv.eml").replace(b"In-Reply-To:", b"X-Old-In-Reply-To:")
    data = data.replace(b"References:", b"X-Old-References:")

    interaction = email_ingest(raw=data, source="smtp")

    assert interaction.conversation_id == conversation.pk


def test_reply_from_an_unknown_address_in_a_known_conversation_goes_to_its_customer() -> None:
    customer = factories.person(first_name="Kari", last_name="Nordmann")
    conversation = Conversation.objects.create(
        customer=customer, subject="x", reference="L-ABCDEF", last_at="2026-11-03T10:00:00Z"
    )

    interaction = email_ingest(raw=raw("outlook-reply-sv.eml"), source="smtp")

    assert interaction.conversation_id == conversation.pk
    assert interaction.customer_id == customer.pk


def test_own_message_coming_back_is_flagged_as_a_loop(settings) -> None:
    settings.DEFAULT_FROM_EMAIL = "Kundservice <kundservice@lojal.example>"
    data = raw("sv-utf8-quoted-printable.eml").replace(
        b"From: =?utf-8?q?J=C3=B6rgen_=C3=85str=C3=B6m?= <Jorgen.Astrom@Example.se>",
        b"From: Kundservice <kundservice@lojal.example>",
    )

    interaction = email_ingest(raw=data, source="smtp")

    assert interaction.is_loop
    assert interaction.customer_id is None


@pytest.mark.parametrize(
    ("name", "new_part", "folded_start"),
    [
        ("outlook-reply-sv.eml", "Då skickar jag tillbaka jackan i morgon.", "Från: Lojal Kundservice"),
        ("gmail-reply-nb.eml", "Takk, da venter jeg på pakken.\n\nØystein", "tir. 4. nov. 2026"),
        ("forwarded-sv.eml", "Se nedan, kan ni hjälpa kunden?", "---------- Forwarded message"),
    ],
)
def test_quoted_history_is_folded_away(name: str, new_part: str, folded_start: str) -> None:
    parsed = email_parse(raw(name))

    new, folded = reply_split(parsed.text)

    assert new.endswith(new_part) or new_part in new
    assert folded.startswith(folded_start)
    assert "> Hei Øystein" not in new


def test_signature_is_folded_and_plain_text_is_kept_whole() -> None:
    assert reply_split("Hej!\n\nTack.\n-- \nAnna Berg\n070-123 45 67") == (
        "Hej!\n\nTack.",
        "-- \nAnna Berg\n070-123 45 67",
    )
    assert reply_split("Bara en rad.") == ("Bara en rad.", "")
    assert reply_split("> allt citerat\n> här") == ("> allt citerat\n> här", "")


def test_merge_keeps_the_interactions_of_both_customers(admin_user) -> None:
    from lojal.customers.duplicates import customers_merge

    keep = factories.person(first_name="Jörgen", last_name="Åström")
    other = factories.person(first_name="Jorgen", last_name="Astrom", emails=["jorgen.astrom@example.se"])
    interaction = email_ingest(raw=raw("sv-utf8-quoted-printable.eml"), source="smtp")
    assert interaction.customer_id == other.pk
    SenderIdentity.objects.create(address="x@example.se", customer=other)

    customers_merge(actor=admin_user, keep_id=keep.pk, other_id=other.pk)

    interaction.refresh_from_db()
    assert interaction.customer_id == keep.pk
    assert Conversation.objects.get().customer_id == keep.pk
    assert SenderIdentity.objects.get().customer_id == keep.pk
    reply = email_ingest(
        raw=raw("gmail-reply-nb.eml").replace(b"oystein@example.no", b"x@example.se"), source="smtp"
    )
    assert reply.customer_id == keep.pk
