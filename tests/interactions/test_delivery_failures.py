"""Failed deliveries in words, against real SMTP servers on loopback: a port nobody listens on, a server
that refuses the sign-in, one that refuses the recipient, one that never answers, and one without TLS.
The page shows a sentence in the reader's language, never the exception; the timeline marks the email
failed, and a retry that succeeds marks it sent."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, Session
from django.test import Client
from django.utils import translation

from lojal.interactions.emails.outbound import email_compose
from lojal.interactions.failures import Reason
from lojal.interactions.models import Interaction, OutboundEmail
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Collector:
    def __init__(self, *, refuse_recipient: bool = False) -> None:
        self.messages: list[Envelope] = []
        self.refuse_recipient = refuse_recipient

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.refuse_recipient:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.messages.append(envelope)
        return "250 OK"


def point_at(settings: Any, port: int, **extra: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "Kundservice <kundservice@lojal.example>"
    for name, value in extra.items():
        setattr(settings, name, value)


@pytest.fixture
def agent(make_user: Any) -> Client:
    client = Client()
    client.force_login(make_user("service_agent"))
    return client


def compose(actor: Any) -> Interaction:
    anna = factories.person(first_name="Anna", last_name="Berg", emails=["anna.berg@example.se"])
    return email_compose(
        actor=actor, customer_id=anna.pk, to="anna.berg@example.se", subject="Offert", body="Se bilaga."
    )


def test_refused_connection_is_told_in_words_marked_failed_and_a_later_retry_marks_it_sent(
    settings: Any, admin_user: Any, agent: Client
) -> None:
    port = free_port()  # nothing listens there: the connection is refused
    point_at(settings, port)

    interaction = compose(admin_user)

    outbox = OutboundEmail.objects.get(interaction=interaction)
    assert (outbox.state, outbox.failure_reason, outbox.failure_server) == (
        "failed",
        Reason.CONNECTION_REFUSED,
        f"127.0.0.1:{port}",
    )
    page = agent.get(f"/interactions/{interaction.pk}/").content.decode()
    assert f"The mail server at 127.0.0.1:{port} refused the connection." in page
    assert "ConnectionRefusedError" not in page and "Errno" not in page
    timeline = agent.get(f"/customers/{interaction.customer_id}/timeline/").content.decode()
    assert 'class="badge delivery-failed" data-testid="timeline-delivery">Failed<' in timeline

    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        agent.post(f"/interactions/{interaction.pk}/retry/")
    finally:
        controller.stop()

    outbox.refresh_from_db()
    assert (outbox.state, outbox.failure_reason, outbox.attempts) == ("sent", "", 2)
    assert len(collector.messages) == 1
    timeline = agent.get(f"/customers/{interaction.customer_id}/timeline/").content.decode()
    assert 'class="badge delivery-sent" data-testid="timeline-delivery">Sent<' in timeline
    assert "delivery-failed" not in timeline
    page = agent.get(f"/interactions/{interaction.pk}/").content.decode()
    assert "refused the connection" not in page


def test_api_gives_the_failure_in_words(settings: Any, admin_user: Any, api: Any) -> None:
    port = free_port()
    point_at(settings, port)
    interaction = compose(admin_user)

    detail = api.get(f"interactions/{interaction.pk}").json()

    assert detail["delivery_state"] == "failed"
    assert detail["delivery_failure"] == f"The mail server at 127.0.0.1:{port} refused the connection."


def test_refused_connection_is_told_in_swedish_to_a_swedish_reader(settings: Any, admin_user: Any) -> None:
    port = free_port()
    point_at(settings, port)

    outbox = OutboundEmail.objects.get(interaction=compose(admin_user))

    with translation.override("sv"):
        assert outbox.failure_text == f"E-postservern på 127.0.0.1:{port} vägrade ta emot anslutningen."
    with translation.override("nb"):
        assert outbox.failure_text == f"E-postserveren på 127.0.0.1:{port} avviste tilkoblingen."


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_refused_sign_in_is_told_as_an_authentication_failure(settings: Any, admin_user: Any) -> None:
    collector = Collector()
    port = free_port()

    def refuse(server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any) -> AuthResult:
        return AuthResult(success=False, handled=False)

    controller = Controller(
        collector,
        hostname="127.0.0.1",
        port=port,
        authenticator=refuse,
        auth_require_tls=False,
        auth_required=True,
    )
    controller.start()
    point_at(settings, port, EMAIL_HOST_USER="lojal", EMAIL_HOST_PASSWORD="wrong")
    try:
        outbox = OutboundEmail.objects.get(interaction=compose(admin_user))
    finally:
        controller.stop()

    assert (outbox.state, outbox.failure_reason) == ("failed", Reason.AUTHENTICATION)
    assert outbox.failure_text == (
        f"The mail server at 127.0.0.1:{port} did not accept Lojal's user name and password."
    )
    assert collector.messages == []


def test_refused_recipient_is_told_as_such_and_nothing_is_delivered(settings: Any, admin_user: Any) -> None:
    collector = Collector(refuse_recipient=True)
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    point_at(settings, port)
    try:
        outbox = OutboundEmail.objects.get(interaction=compose(admin_user))
    finally:
        controller.stop()

    assert (outbox.state, outbox.failure_reason) == ("failed", Reason.RECIPIENT_REFUSED)
    assert outbox.failure_text == f"The mail server at 127.0.0.1:{port} refused the recipient's address."
    assert "550" in outbox.last_error  # the server's own words stay for operators
    assert collector.messages == []


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Accepts connections and never says a word (no SMTP greeting)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(listener.getsockname()[1])
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


def test_server_that_never_answers_is_told_as_a_timeout(
    settings: Any, admin_user: Any, silent_server: int
) -> None:
    point_at(settings, silent_server, EMAIL_TIMEOUT=1)

    outbox = OutboundEmail.objects.get(interaction=compose(admin_user))

    assert (outbox.state, outbox.failure_reason) == ("failed", Reason.TIMEOUT)
    assert outbox.failure_text == f"The mail server at 127.0.0.1:{silent_server} did not answer in time."


def test_server_without_starttls_is_told_as_a_tls_failure(settings: Any, admin_user: Any) -> None:
    collector = Collector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)  # offers no STARTTLS
    controller.start()
    point_at(settings, port, EMAIL_USE_TLS=True)
    try:
        outbox = OutboundEmail.objects.get(interaction=compose(admin_user))
    finally:
        controller.stop()

    assert (outbox.state, outbox.failure_reason) == ("failed", Reason.TLS)
    assert outbox.failure_text == (
        f"A secure (TLS) connection to the mail server at 127.0.0.1:{port} could not be set up."
    )
    assert collector.messages == []
