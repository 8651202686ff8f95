"""Interactions in a real browser: reply to an email from the customer page (sent through a test SMTP
server), log a call with the keyboard, and a chat from the website widget answered by staff."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from playwright.sync_api import expect

from lojal.interactions.emails.ingest import email_ingest
from lojal.interactions.models import ChatSession, Interaction, OutboundEmail
from lojal.timeline.models import Event
from tests.factories import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "email"


class Collector:
    def __init__(self) -> None:
        self.messages: list[Envelope] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smarthost(settings: Any) -> Iterator[Collector]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.DEFAULT_FROM_EMAIL = "Kundservice <kundservice@lojal.example>"
    yield collector
    controller.stop()


def test_reply_to_an_email_from_the_customer_page(
    logged_in: Callable[..., Any], live_server: Any, smarthost: Collector, settings: Any
) -> None:
    # The interactions app on its own: no case and no acknowledgement (tests/browser/test_desk.py has those).
    settings.LOJAL_INBOUND_HANDLERS = []
    jorgen = person(first_name="Jörgen", last_name="Åström", emails=["jorgen.astrom@example.se"])
    received = email_ingest(raw=(FIXTURES / "sv-utf8-quoted-printable.eml").read_bytes(), source="smtp")
    page = logged_in()

    page.goto(f"{live_server.url}/customers/{jorgen.pk}/")
    page.click("#timeline-list .interaction-event >> text=Byte av jacka – fel storlek")
    expect(page.get_by_test_id("message-text")).to_contain_text("fått fel storlek på jackan")
    page.fill("#reply-body", "Hej Jörgen!\n\nSjälvklart kan du byta. Returetiketten kommer i nästa mejl.")
    page.click("#reply-form button[type=submit]")

    expect(page.locator(".message")).to_contain_text("Email queued for sending to jorgen.astrom@example.se")
    page.reload()
    expect(page.get_by_test_id("delivery-state")).to_have_text("Sent")
    answer = Interaction.objects.get(direction="out")
    assert answer.conversation_id == received.conversation_id
    assert OutboundEmail.objects.get(interaction=answer).state == "sent"
    sent = message_from_bytes(smarthost.messages[0].original_content or b"", policy=policy.default)
    assert sent["In-Reply-To"] == "<CAF1234sv@mail.example.se>"
    assert str(sent["Subject"]).strip().startswith("Re: Byte av jacka – fel storlek [#L-")
    assert "Returetiketten kommer" in sent.get_content()
    page.goto(f"{live_server.url}/customers/{jorgen.pk}/")
    expect(page.locator("#timeline-list .dir-out")).to_have_count(1)


def test_log_a_call_with_the_keyboard(logged_in: Callable[..., Any], live_server: Any) -> None:
    customer = person(first_name="Kari", last_name="Nordmann")
    page = logged_in()
    page.goto(f"{live_server.url}/customers/{customer.pk}/")

    page.keyboard.press("c")
    expect(page.locator("#log-subject")).to_be_focused()
    page.keyboard.type("Ringde om leveransen")
    page.fill("input[name=duration_minutes]", "6")
    page.select_option("select[name=outcome]", "answered")
    page.fill("textarea[name=notes]", "Paketet kommer på fredag.")
    page.locator("#log-subject").press("Control+Enter")

    expect(page.locator("#timeline-list")).to_contain_text("Ringde om leveransen")
    expect(page.locator("#timeline-list")).to_contain_text("6 min 0 s")
    call = Interaction.objects.get(customer=customer)
    assert (call.channel, call.duration_seconds, call.outcome) == ("call", 360, "answered")
    expect(page.locator("#log-form")).to_be_hidden()

    page.locator("label.chip", has_text="Meetings").click()
    expect(page.locator("#timeline-list")).not_to_contain_text("Ringde om leveransen")
    page.locator("label.chip", has_text="Calls").click()
    expect(page.locator("#timeline-list")).to_contain_text("Ringde om leveransen")


def test_chat_from_the_widget_answered_by_staff(
    logged_in: Callable[..., Any], live_server: Any, browser: Any
) -> None:
    customer = person(first_name="Kari", last_name="Nordmann", emails=["kari@example.no"])
    staff = logged_in()
    staff.goto(f"{live_server.url}/interactions/chats/")  # staff online
    visitor_context = browser.new_context()
    visitor = visitor_context.new_page()
    try:
        visitor.set_content(
            f'<html><body><h1>Butikken</h1><script src="{live_server.url}/chat/widget.js?label=Chat"></script></body></html>'
        )
        visitor.click("button:has-text('Chat')")
        frame = visitor.frame_locator("iframe")
        expect(frame.locator(".presence")).to_have_text("We are online")
        frame.locator("#c-name").fill("Kari")
        frame.locator("#c-email").fill("kari@example.no")
        frame.locator("#c-text").fill("Har dere lampen på lager?")
        frame.locator("button[type=submit]").click()
        expect(frame.locator(".bubble.mine")).to_contain_text("Har dere lampen på lager?")

        staff.reload()
        expect(staff.locator("#staff-chat-log")).to_contain_text("Har dere lampen på lager?")
        staff.fill("#chat-reply-text", "Ja, vi har fire igjen.")
        staff.press("#chat-reply-text", "Enter")
        expect(staff.locator("#staff-chat-log .bubble.mine")).to_contain_text("Ja, vi har fire igjen.")

        expect(frame.locator(".bubble.theirs")).to_contain_text("Ja, vi har fire igjen.", timeout=10_000)
        frame.locator("#chat-text").fill("Takk!")
        frame.locator("#chat-text").press("Enter")
        expect(staff.locator("#staff-chat-log")).to_contain_text("Takk!", timeout=10_000)

        staff.click("button:has-text('End and save to timeline')")
        expect(staff.locator("h1")).to_contain_text("Chat with Kari")
        expect(frame.locator(".note")).to_contain_text("The chat has ended", timeout=10_000)
    finally:
        visitor_context.close()
    session = ChatSession.objects.get()
    assert session.state == "closed" and session.customer_id == customer.pk
    assert Event.objects.filter(customer=customer, kind="interaction.chat").count() == 1
