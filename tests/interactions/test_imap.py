"""Polling a real IMAP server (Dovecot on 127.0.0.1, started by the test): every message read once,
new ones picked up on the next poll, and a UIDVALIDITY reset re-read without storing anything twice."""

from __future__ import annotations

import imaplib
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lojal.interactions.emails.imap import Mailbox, mailbox_poll
from lojal.interactions.models import EmailMessage, Interaction, MailboxPosition
from tests import factories
from tests.interactions import dovecot

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not dovecot.available(),
        reason="Dovecot is not installed (apt-get install dovecot-imapd; .ci/run installs it)",
    ),
]
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "email"


@pytest.fixture(scope="module")
def server() -> Iterator[dovecot.Dovecot]:
    root = Path(tempfile.mkdtemp(prefix="lojal-dovecot-"))
    root.chmod(0o755)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    instance = dovecot.Dovecot(root=root, port=port)
    instance.start()
    yield instance
    instance.stop()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def mailbox(server: dovecot.Dovecot) -> Iterator[Mailbox]:
    box = Mailbox(
        host="127.0.0.1",
        port=server.port,
        user=dovecot.USER,
        password=dovecot.PASSWORD,
        folder="INBOX",
        use_ssl=False,
    )
    yield box
    with imaplib.IMAP4("127.0.0.1", server.port) as client:
        client.login(dovecot.USER, dovecot.PASSWORD)
        _status, count = client.select("INBOX")
        if int(count[0] or 0):
            client.store("1:*", "+FLAGS", "\\Deleted")
            client.expunge()


def deliver(mailbox: Mailbox, *names: str) -> None:
    with imaplib.IMAP4(mailbox.host, mailbox.port) as client:
        client.login(mailbox.user, mailbox.password)
        for name in names:
            status, _ = client.append("INBOX", "", None, (FIXTURES / name).read_bytes())
            assert status == "OK"


def test_poll_reads_every_message_once_and_then_only_new_ones(mailbox: Mailbox) -> None:
    jorgen = factories.person(first_name="Jörgen", last_name="Åström", emails=["jorgen.astrom@example.se"])
    deliver(mailbox, "sv-utf8-quoted-printable.eml", "nb-iso-8859-1.eml", "malformed.eml")

    assert mailbox_poll(mailbox=mailbox) == 3
    assert mailbox_poll(mailbox=mailbox) == 0
    deliver(mailbox, "auto-reply-sv.eml")
    assert mailbox_poll(mailbox=mailbox) == 1

    assert Interaction.objects.count() == 4
    assert set(EmailMessage.objects.values_list("source", flat=True)) == {"imap"}
    assert Interaction.objects.filter(customer=jorgen).count() == 2
    assert Interaction.objects.filter(is_malformed=True).count() == 1
    position = MailboxPosition.objects.get()
    assert position.last_uid == 4
    assert position.uid_validity > 0


def test_uidvalidity_change_rereads_the_mailbox_without_storing_twice(mailbox: Mailbox) -> None:
    deliver(mailbox, "sv-utf8-quoted-printable.eml", "bounce.eml")
    assert mailbox_poll(mailbox=mailbox) == 2
    MailboxPosition.objects.update(uid_validity=1, last_uid=999)  # as if the server rebuilt its index

    assert mailbox_poll(mailbox=mailbox) == 2

    assert Interaction.objects.count() == 2
    assert MailboxPosition.objects.get().uid_validity != 1


def test_wrong_password_is_a_clear_command_error(mailbox: Mailbox, settings) -> None:
    settings.LOJAL_IMAP_HOST, settings.LOJAL_IMAP_PORT = mailbox.host, mailbox.port
    settings.LOJAL_IMAP_USER, settings.LOJAL_IMAP_PASSWORD = mailbox.user, "wrong"
    settings.LOJAL_IMAP_SSL = False

    with pytest.raises(CommandError, match=r"kundservice@127\.0\.0\.1"):
        call_command("imap_poll")
    assert not Interaction.objects.exists()
