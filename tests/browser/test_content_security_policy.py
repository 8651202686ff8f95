"""The Content-Security-Policy (no inline script or style, no eval) holds on every main page in a real
browser: walking them, including htmx's polling and swaps, reports no violation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from lojal.accounts.models import User
from lojal.interactions import chat
from lojal.interactions.emails.ingest import email_ingest
from lojal.interactions.models import WebForm
from tests.factories import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Collects violations as the page sees them (the event), besides what the console says.
_LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline") +
    " at " + event.sourceFile + ":" + event.lineNumber);
});
"""


def _watch(page: Any) -> list[str]:
    reported: list[str] = []
    page.add_init_script(_LISTEN)
    page.on(
        "console",
        lambda message: (
            reported.append(message.text)
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text
            else None
        ),
    )
    return reported


def _violations(page: Any, reported: list[str]) -> list[str]:
    return reported + list(page.evaluate("window.__cspViolations || []"))


def test_main_pages_report_no_content_security_policy_violation(
    logged_in: Callable[..., Any], live_server: Any, page: Any
) -> None:
    customer = person(first_name="Jörgen", last_name="Åström", emails=["jorgen.astrom@example.se"])
    email_ingest(raw=b"From: someone@example.net\r\nSubject: Hej\r\n\r\nHej!\r\n", source="smtp")
    reported = _watch(page)
    logged_in()

    visited = []
    for path in (
        "/customers/",
        f"/customers/{customer.pk}/",
        "/customers/duplicates/",
        "/imports/",
        "/interactions/inbox/",
        "/interactions/chats/",
        "/sales/products/",
        "/account/tokens/",
        "/privacy/",
        "/audit/",
        "/api/v1/docs",
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("networkidle")
        visited.append(path)
    # htmx at work: the customer list's live search swaps the results in place.
    page.goto(f"{live_server.url}/customers/")
    page.fill("#search", "Åström")
    expect(page.locator("main")).to_contain_text("Åström")

    assert visited[-1] == "/api/v1/docs"
    assert _violations(page, reported) == []


def test_public_form_and_chat_report_no_violation_and_may_be_framed(
    live_server: Any, page: Any, make_user: Callable[..., User]
) -> None:
    chat.presence_touch(user=make_user())  # someone on staff is online, so the visitor can chat
    WebForm.objects.create(
        key="kontakt",
        name="Kontakta oss",
        fields=[{"name": "email", "required": True}, {"name": "message", "required": True}],
    )
    reported = _watch(page)

    form = page.goto(f"{live_server.url}/forms/kontakt/")
    # Any site may frame the form unless LOJAL_PUBLIC_FRAME_ANCESTORS names the sites.
    assert "frame-ancestors" not in form.headers["content-security-policy"]
    assert "x-frame-options" not in form.headers
    page.goto(f"{live_server.url}/chat/")
    page.fill("#c-name", "Kari")
    page.fill("#c-email", "kari@example.no")
    page.fill("#c-text", "Har dere lampen på lager?")
    page.click(".chat-start button[type=submit]")
    page.wait_for_url(f"{live_server.url}/chat/s/**")
    page.fill("#chat-text", "Hallo?")
    page.press("#chat-text", "Enter")
    expect(page.locator("#chat-log")).to_contain_text("Hallo?")
    # The form is cleared by the static script that replaced the inline hx-on handler.
    expect(page.locator("#chat-text")).to_have_value("")
    page.wait_for_timeout(2500)  # one htmx poll of the chat log

    assert _violations(page, reported) == []
