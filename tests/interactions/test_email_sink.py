"""The local mail sink: the demo keeps sent mail in the database when no mail server is configured (an
explicit LOJAL_EMAIL_* setting wins), the outbox still sends exactly once through it, and administrators
read what was sent in the test inbox (headers, text, sanitised HTML, attachments)."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from django.core.mail import EmailMultiAlternatives, get_connection
from django.test import Client

from lojal.accounts.roles import Role
from lojal.interactions.delivery import email_send
from lojal.interactions.emails.outbound import email_compose
from lojal.interactions.models import OutboundEmail, SentMail
from tests import factories

pytestmark = pytest.mark.django_db
SINK = "lojal.interactions.emails.sink.EmailBackend"
SMTP = "django.core.mail.backends.smtp.EmailBackend"
_PROBE = "import django; django.setup(); from django.conf import settings; print(settings.EMAIL_BACKEND)"


def backend_with(tmp_path: Any, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LOJAL_")}
    clean.update({"DJANGO_SETTINGS_MODULE": "lojal.settings", "LOJAL_VAR_DIR": str(tmp_path), **env})
    result = subprocess.run(
        [sys.executable, "-c", _PROBE], env=clean, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_demo_keeps_mail_in_the_sink_unless_a_mail_server_or_backend_is_given(tmp_path: Any) -> None:
    assert backend_with(tmp_path, LOJAL_DEMO="1") == SINK
    assert backend_with(tmp_path, LOJAL_DEMO="1", LOJAL_EMAIL_HOST="smtp.example.se") == SMTP
    assert backend_with(tmp_path, LOJAL_DEMO="1", LOJAL_EMAIL_BACKEND="console").endswith(
        "console.EmailBackend"
    )
    assert backend_with(tmp_path, LOJAL_SECRET_KEY="x" * 50, LOJAL_EMAIL_BACKEND="sink") == SINK


@pytest.mark.django_db(transaction=True)
def test_email_sent_through_the_sink_is_kept_once_and_the_outbox_says_sent(
    settings: Any, admin_user: Any
) -> None:
    settings.EMAIL_BACKEND = SINK
    anna = factories.person(first_name="Anna", last_name="Berg", emails=["anna.berg@example.se"])

    interaction = email_compose(
        actor=admin_user, customer_id=anna.pk, to="anna.berg@example.se", subject="Offert", body="Hej Anna!"
    )

    outbox = OutboundEmail.objects.get(interaction=interaction)
    kept = SentMail.objects.get()
    assert (outbox.state, outbox.attempts, outbox.failure_reason) == ("sent", 1, "")
    assert kept.recipients == ["anna.berg@example.se"]
    assert kept.message_id == interaction.email.message_id
    assert kept.subject == f"Offert [#{interaction.conversation.reference}]"
    assert b"Hej Anna!" in bytes(kept.raw)
    assert email_send(outbound_id=outbox.pk) == "sent"  # a task run twice
    assert SentMail.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_failing_sink_leaves_the_email_failed_and_nothing_kept(
    settings: Any, admin_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.EMAIL_BACKEND = SINK
    anna = factories.person(first_name="Anna", last_name="Berg", emails=["anna.berg@example.se"])

    def broken(self: Any, messages: Any) -> int:
        SentMail.objects.create(raw=b"half", sent_at=anna.created_at)
        raise OSError("disk full")

    monkeypatch.setattr("lojal.interactions.emails.sink.EmailBackend.send_messages", broken)
    interaction = email_compose(
        actor=admin_user, customer_id=anna.pk, to="anna.berg@example.se", subject="Offert", body="Hej"
    )

    outbox = OutboundEmail.objects.get(interaction=interaction)
    assert outbox.state == "failed"
    assert outbox.failure_text == "The email could not be handed to the mail backend."
    assert not SentMail.objects.exists()  # the copy rolled back with the mark


def sink_message(settings: Any) -> SentMail:
    settings.EMAIL_BACKEND = SINK
    message = EmailMultiAlternatives(
        subject="Välkommen",
        body="Hej Åsa,\nvälkommen som kund.",
        from_email="kundservice@lojal.example",
        to=["asa@example.se"],
        headers={"Message-ID": "<welcome-1@lojal.example>"},
        connection=get_connection(),
    )
    message.attach_alternative(
        '<p onclick="steal()">Hej <b>Åsa</b></p><script>alert(1)</script><a href="javascript:x()">x</a>',
        "text/html",
    )
    message.attach("villkor.pdf", b"%PDF-1.4 terms", "application/pdf")
    message.send()
    return SentMail.objects.get()


def test_administrator_reads_the_test_inbox_with_headers_text_safe_html_and_attachments(
    settings: Any, make_user: Any
) -> None:
    kept = sink_message(settings)
    admin = Client()
    admin.force_login(make_user(Role.ADMINISTRATOR))

    listing = admin.get("/interactions/sent-mail/").content.decode()
    page = admin.get(f"/interactions/sent-mail/{kept.pk}/").content.decode()
    download = admin.get(f"/interactions/sent-mail/{kept.pk}/attachments/0/")

    assert f'href="/interactions/sent-mail/{kept.pk}/">Välkommen</a>' in listing
    assert "asa@example.se" in listing
    assert '<dt>Message-ID</dt><dd class="mail-address">&lt;welcome-1@lojal.example&gt;</dd>' in page
    assert "välkommen som kund." in page.split('data-testid="sent-mail-text"')[1]
    assert "<p>Hej <b>Åsa</b></p>" in page
    assert "<script>" not in page.split('data-testid="sent-mail-html"')[1].split("</div>")[0]
    assert "onclick" not in page and "javascript:" not in page
    assert "villkor.pdf" in page
    assert download.content == b"%PDF-1.4 terms"
    assert download["Content-Disposition"] == "attachment; filename*=UTF-8''villkor.pdf"
    assert admin.get(f"/interactions/sent-mail/{kept.pk}/attachments/1/").status_code == 404
    assert admin.get(f"/interactions/sent-mail/{kept.pk + 1}/").status_code == 404


def test_only_administrators_read_the_test_inbox(settings: Any, make_user: Any) -> None:
    kept = sink_message(settings)
    for role in (Role.SERVICE_AGENT, Role.MANAGER):
        other = Client()
        other.force_login(make_user(role))
        assert other.get("/interactions/sent-mail/").status_code == 403
        assert other.get(f"/interactions/sent-mail/{kept.pk}/").status_code == 403
        assert other.get(f"/interactions/sent-mail/{kept.pk}/attachments/0/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_sent_email_page_links_to_its_copy_in_the_test_inbox(settings: Any, admin_user: Any) -> None:
    settings.EMAIL_BACKEND = SINK
    anna = factories.person(first_name="Anna", last_name="Berg", emails=["anna.berg@example.se"])
    interaction = email_compose(
        actor=admin_user, customer_id=anna.pk, to="anna.berg@example.se", subject="Offert", body="Hej"
    )
    admin = Client()
    admin.force_login(admin_user)

    page = admin.get(f"/interactions/{interaction.pk}/").content.decode()

    assert f'href="/interactions/sent-mail/{SentMail.objects.get().pk}/">Open in the test inbox' in page
