"""Email over real sockets on loopback: smtplib against ``lojal smtpd``, the outbox sending through an
in-process SMTP server (aiosmtpd), and a reply to a sent email threading back through the receiver."""

from __future__ import annotations

import smtplib
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from lojal.interactions.auto_reply import Reason, Verdict, email_auto_reply
from lojal.interactions.delivery import email_send
from lojal.interactions.emails.outbound import email_compose
from lojal.interactions.emails.smtpd import smtpd_controller
from lojal.interactions.models import Interaction, OutboundEmail
from lojal.timeline.models import Event
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "email"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def receiver() -> Iterator[Controller]:
    controller = smtpd_controller(host="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


class Collector:
    """The far end of the outbound path: keeps what it is sent, or refuses everything."""

    def __init__(self) -> None:
        self.messages: list[Envelope] = []
        self.refuse = False

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.refuse:
            return "554 Transaction failed"
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smarthost(settings: Any) -> Iterator[Collector]:
    collector = Collector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "Kundservice <kundservice@lojal.example>"
    yield collector
    controller.stop()


def test_smtplib_delivers_to_lojal_smtpd_and_the_mail_lands_on_the_timeline(receiver: Controller) -> None:
    jorgen = factories.person(first_name="Jörgen", last_name="Åström", emails=["jorgen.astrom@example.se"])
    raw = (FIXTURES / "sv-utf8-quoted-printable.eml").read_bytes()

    with smtplib.SMTP(receiver.hostname, receiver.port, timeout=10) as client:
        refused = client.sendmail("jorgen.astrom@example.se", ["kundservice@lojal.example"], raw)

    assert refused == {}
    interaction = Interaction.objects.get()
    assert interaction.customer_id == jorgen.pk
    assert interaction.subject == "Byte av jacka – fel storlek"
    assert interaction.email.source == "smtp"
    assert Event.objects.filter(customer=jorgen, kind="interaction.email").count() == 1


def test_smtpd_stores_a_malformed_message_and_answers_250(receiver: Controller) -> None:
    raw = (FIXTURES / "malformed.eml").read_bytes()

    with smtplib.SMTP(receiver.hostname, receiver.port, timeout=10) as client:
        client.ehlo()
        code, _reply = client.docmd("MAIL", "FROM:<>")
        assert code == 250
        client.rcpt("kundservice@lojal.example")
        code, reply = client.data(raw)

    assert code == 250
    interaction = Interaction.objects.get()
    assert interaction.is_malformed
    assert f"interaction {interaction.pk}".encode() in reply


def test_smtpd_refuses_a_message_over_the_email_limit_whether_or_not_its_size_is_declared(
    settings: Any,
) -> None:
    settings.LOJAL_EMAIL_MAX_BYTES = 2000
    raw = b"From: jorgen.astrom@example.se\r\nSubject: Bilder\r\n\r\n" + b"Hej!\r\n" * 600
    controller = smtpd_controller(host="127.0.0.1", port=free_port())
    controller.start()
    try:
        # smtplib declares SIZE= in MAIL FROM when the server offers it: refused before any data.
        with (
            smtplib.SMTP(controller.hostname, controller.port, timeout=10) as client,
            pytest.raises(smtplib.SMTPSenderRefused) as declared,
        ):
            client.sendmail("jorgen.astrom@example.se", ["kundservice@lojal.example"], raw)
        with smtplib.SMTP(controller.hostname, controller.port, timeout=10) as client:
            client.ehlo()
            client.mail("jorgen.astrom@example.se")
            client.rcpt("kundservice@lojal.example")
            undeclared_code, _reply = client.data(raw)
    finally:
        controller.stop()

    assert declared.value.smtp_code == 552
    assert undeclared_code == 552
    assert not Interaction.objects.exists()


def test_email_composed_is_sent_once_after_commit_with_threading_headers(
    smarthost: Collector, admin_user: Any
) -> None:
    anna = factories.person(first_name="Anna", last_name="Berg", emails=["anna.berg@example.se"])

    interaction = email_compose(
        actor=admin_user,
        customer_id=anna.pk,
        to="anna.berg@example.se",
        subject="Din beställning",
        body="Hej Anna,\n\nDin beställning är skickad.",
    )

    outbox = OutboundEmail.objects.get(interaction=interaction)
    assert outbox.state == OutboundEmail.State.SENT
    assert outbox.attempts == 1
    assert len(smarthost.messages) == 1
    envelope = smarthost.messages[0]
    sent = message_from_bytes(envelope.original_content or b"", policy=policy.default)
    assert envelope.rcpt_tos == ["anna.berg@example.se"]
    assert sent["Message-ID"] == interaction.email.message_id
    assert sent["Message-ID"].endswith("@lojal.example>")
    assert sent["Subject"] == f"Din beställning [#{interaction.conversation.reference}]"
    assert sent["Auto-Submitted"] == "no"
    assert "Din beställning är skickad." in sent.get_content()
    assert Event.objects.get(customer=anna, kind="interaction.email").data["direction"] == "out"

    assert email_send(outbound_id=outbox.pk) == OutboundEmail.State.SENT  # a retried task
    assert len(smarthost.messages) == 1


def test_refused_email_is_marked_failed_with_the_reason_and_not_sent_again(
    smarthost: Collector, admin_user: Any
) -> None:
    smarthost.refuse = True
    anna = factories.person(first_name="Anna", last_name="Berg", emails=["anna.berg@example.se"])

    interaction = email_compose(
        actor=admin_user, customer_id=anna.pk, to="anna.berg@example.se", subject="Hej", body="Text"
    )

    outbox = OutboundEmail.objects.get(interaction=interaction)
    assert outbox.state == OutboundEmail.State.FAILED
    assert "554" in outbox.last_error
    assert email_send(outbound_id=outbox.pk) == OutboundEmail.State.FAILED
    assert smarthost.messages == []


def test_customers_reply_to_a_sent_email_threads_back_through_the_receiver(
    smarthost: Collector, receiver: Controller, admin_user: Any
) -> None:
    anna = factories.person(first_name="Anna", last_name="Berg", emails=["anna.berg@example.se"])
    sent_interaction = email_compose(
        actor=admin_user, customer_id=anna.pk, to="anna.berg@example.se", subject="Offert", body="Se bilaga."
    )
    sent = message_from_bytes(smarthost.messages[0].original_content or b"", policy=policy.default)
    reply = (
        "From: Anna Berg <anna.berg@example.se>\r\n"
        "To: kundservice@lojal.example\r\n"
        f"Subject: Sv: {sent['Subject']}\r\n"
        "Message-ID: <reply-1@example.se>\r\n"
        f"In-Reply-To: {sent['Message-ID']}\r\n"
        f"References: {sent['Message-ID']}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        "Tack, det ser bra ut!\r\n\r\n"
        f"Den 3 nov. 2026 kl. 10:00 skrev Kundservice <kundservice@lojal.example>:\r\n> Se bilaga.\r\n"
    ).encode()

    with smtplib.SMTP(receiver.hostname, receiver.port, timeout=10) as client:
        client.sendmail("anna.berg@example.se", ["kundservice@lojal.example"], reply)

    answer = Interaction.objects.get(direction="in")
    assert answer.customer_id == anna.pk
    assert answer.conversation_id == sent_interaction.conversation_id
    assert not answer.is_loop


def test_staff_send_a_failed_email_again_from_its_page(
    smarthost: Collector, make_user: Any, admin_user: Any
) -> None:
    from django.test import Client

    smarthost.refuse = True
    anna = factories.person(first_name="Anna", last_name="Berg", emails=["anna.berg@example.se"])
    interaction = email_compose(
        actor=admin_user, customer_id=anna.pk, to="anna.berg@example.se", subject="Hej", body="Text"
    )
    client = Client()
    client.force_login(make_user("service_agent"))
    page = client.get(f"/interactions/{interaction.pk}/").content.decode()
    assert f'action="/interactions/{interaction.pk}/retry/"' in page
    smarthost.refuse = False

    client.post(f"/interactions/{interaction.pk}/retry/")
    again = client.post(f"/interactions/{interaction.pk}/retry/")  # already sent: refused, not resent

    assert OutboundEmail.objects.get(interaction=interaction).state == OutboundEmail.State.SENT
    assert len(smarthost.messages) == 1
    assert again.status_code == 302


def test_automatic_reply_goes_out_over_smtp_with_its_headers_and_another_lojal_does_not_answer_it(
    smarthost: Collector, receiver: Controller, settings: Any
) -> None:
    question = (
        b"Message-ID: <fraga-77@mail.example.se>\r\nFrom: Lars Holm <lars.holm@example.se>\r\n"
        b"To: kundservice@lojal.example\r\nSubject: Leverans\r\n\r\nNar kommer min order?\r\n"
    )
    with smtplib.SMTP(receiver.hostname, receiver.port, timeout=10) as client:
        client.sendmail("lars.holm@example.se", ["kundservice@lojal.example"], question)
    inbound = Interaction.objects.get()

    result = email_auto_reply(
        interaction_id=inbound.pk, subject="Vi har fått ditt meddelande", body_text="Tack!", kind="ack"
    )

    assert result.is_sent
    assert OutboundEmail.objects.get(interaction_id=result.reply_id).state == OutboundEmail.State.SENT
    assert len(smarthost.messages) == 1
    envelope = smarthost.messages[0]
    sent = message_from_bytes(envelope.original_content or b"", policy=policy.default)
    assert envelope.rcpt_tos == ["lars.holm@example.se"]
    assert sent.get_all("Auto-Submitted") == ["auto-replied"]
    assert sent["X-Auto-Response-Suppress"] == "All"
    assert sent["Precedence"] == "auto_reply"
    assert sent["X-Lojal-Auto"] == "ack"
    assert sent["In-Reply-To"] == "<fraga-77@mail.example.se>"
    assert sent["References"] == "<fraga-77@mail.example.se>"
    # Another Lojal (its own database and address) receives those exact bytes through its SMTP receiver.
    Interaction.objects.all().delete()
    settings.DEFAULT_FROM_EMAIL = "Kundservice <kundservice@annan-lojal.example>"
    with smtplib.SMTP(receiver.hostname, receiver.port, timeout=10) as client:
        client.sendmail(
            "kundservice@lojal.example", ["kundservice@annan-lojal.example"], envelope.original_content
        )
    at_other = Interaction.objects.get()

    answer = email_auto_reply(
        interaction_id=at_other.pk, subject="Vi har fått ditt meddelande", body_text="Tack!", kind="ack"
    )

    assert answer.verdict == Verdict(allowed=False, reason=Reason.LOJAL_AUTO)
    assert len(smarthost.messages) == 1
    assert not OutboundEmail.objects.exists()
