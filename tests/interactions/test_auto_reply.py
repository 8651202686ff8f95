"""The loop guard: which received messages may get an automatic reply, the caps per sender and per hour,
and ``email_auto_reply`` queueing one through the outbox.

Real messages nobody on the team wrote: bounces and an auto-reply from Mailman's collection as shipped in
the flufl.bounce 6.0.0 source distribution (tests/fixtures/email/real/README.md). The Exchange
out-of-office and the help desks' acknowledgements are built here from the headers those systems
document or set in their own code (docs/interactions.md cites each): no real sample ships in a package.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from concurrent.futures import ThreadPoolExecutor
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from django.utils.translation import override

from lojal.interactions import sms
from lojal.interactions.auto_reply import Reason, Verdict, auto_reply_verdict, email_auto_reply
from lojal.interactions.delivery import _message_of
from lojal.interactions.emails.ingest import email_ingest
from lojal.interactions.models import (
    AutoReplyRecord,
    Direction,
    EmailMessage,
    Interaction,
    OutboundEmail,
    WebForm,
)
from lojal.interactions.services import interaction_record
from tests import factories
from tests.mail import message as email_message

pytestmark = pytest.mark.django_db
REAL = Path(__file__).resolve().parent.parent / "fixtures" / "email" / "real"


@pytest.fixture(autouse=True)
def lojal_a(settings: Any) -> None:
    settings.DEFAULT_FROM_EMAIL = "Kundservice <kundservice@lojal-a.example>"


#: A message received at lojal-a's address (tests/mail.py builds it).
message = functools.partial(
    email_message, to="kundservice@lojal-a.example", date="Tue, 3 Nov 2026 10:00:00 +0100"
)


def received(raw: bytes) -> Interaction:
    return email_ingest(raw=raw, source="smtp")


def ack(interaction: Interaction, **overrides: Any) -> Any:
    arguments: dict[str, Any] = {
        "interaction_id": interaction.pk,
        "subject": "Vi har fått ditt meddelande",
        "body_text": "Tack! Vi svarar inom en arbetsdag.",
        "kind": "ack",
    }
    arguments.update(overrides)
    return email_auto_reply(**arguments)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("flufl-bounce-dsn_10.eml", Reason.DELIVERY_REPORT),  # Postfix DSN, Return-Path <>
        ("flufl-bounce-dsn_11.eml", Reason.DELIVERY_REPORT),  # Sendmail DSN, Auto-Submitted: auto-generated
        ("flufl-bounce-simple_30.eml", Reason.DELIVERY_REPORT),  # multipart/report without report-type
        ("flufl-bounce-simple_39.eml", Reason.AUTO_SUBMITTED),  # Mail.Ru's plain-text bounce
        ("flufl-bounce-qmail_08.eml", Reason.PRECEDENCE),  # an autoresponder's "Auto reply"
    ],
)
def test_real_bounces_and_auto_replies_get_no_automatic_reply(name: str, reason: str) -> None:
    interaction = received((REAL / name).read_bytes())

    verdict = auto_reply_verdict(interaction_id=interaction.pk)
    result = ack(interaction)

    assert verdict == Verdict(allowed=False, reason=reason)
    assert result.verdict == verdict
    assert result.reply_id is None
    assert not OutboundEmail.objects.exists()
    assert not AutoReplyRecord.objects.exists()


def test_a_customers_question_gets_one_acknowledgement_threaded_on_its_conversation() -> None:
    anna = factories.person(first_name="Anna", last_name="Berg", emails=["anna.berg@example.se"])
    question = received(message())

    verdict = auto_reply_verdict(interaction_id=question.pk)
    result = ack(question)

    assert verdict == Verdict(allowed=True, reason=Reason.ALLOWED)
    assert result.is_sent
    reply = Interaction.objects.select_related("email", "outbound").get(pk=result.reply_id)
    assert reply.direction == Direction.OUTBOUND
    assert reply.conversation_id == question.conversation_id
    assert reply.customer_id == anna.pk
    assert reply.recipients == ["anna.berg@example.se"]
    assert reply.email.in_reply_to == question.email.message_id
    assert reply.email.references == question.email.message_id
    assert reply.outbound.headers == {
        "Auto-Submitted": "auto-replied",
        "X-Auto-Response-Suppress": "All",
        "Precedence": "auto_reply",
        "X-Lojal-Auto": "ack",
    }
    record = AutoReplyRecord.objects.get()
    assert (record.address, record.interaction_id, record.reply_id, record.kind) == (
        "anna.berg@example.se",
        question.pk,
        reply.pk,
        "ack",
    )


def test_the_same_message_is_acknowledged_once_however_often_asked() -> None:
    question = received(message())

    first = ack(question)
    second = ack(question)

    assert first.is_sent
    assert second.reply_id == first.reply_id
    assert second.verdict == Verdict(allowed=False, reason=Reason.ALREADY_SENT)
    assert OutboundEmail.objects.count() == 1


def test_an_unknown_sender_is_acknowledged_too_on_a_conversation_without_customer() -> None:
    question = received(message(sender="ny.kund@example.no"))

    result = ack(question)

    assert question.customer_id is None
    reply = Interaction.objects.get(pk=result.reply_id)
    assert reply.customer_id is None
    assert reply.conversation_id == question.conversation_id


OUT_OF_OFFICE_EXCHANGE = """
Auto-Submitted: auto-replied
X-Auto-Response-Suppress: All
X-MS-Exchange-Inbox-Rules-Loop: anna.berg@example.se
Thread-Topic: Automatic reply: Din order
"""


@pytest.mark.parametrize(
    ("subject", "headers", "reason"),
    [
        ("Automatic reply: Din order", OUT_OF_OFFICE_EXCHANGE, Reason.AUTO_SUBMITTED),
        # Exchange 2007 and older: no Auto-Submitted, only the request not to answer
        ("Out of Office: Din order", "X-Auto-Response-Suppress: OOF, DR, RN", Reason.SUPPRESS_REQUESTED),
        ("Frånvaro", "X-Autoreply: yes", Reason.AUTO_REPLY_HEADER),
        ("Autosvar: Din order", "", Reason.AUTO_REPLY),  # the subject alone, flagged at ingest
        ("Nyhetsbrev", "List-Id: <nyheter.example.se>", Reason.MAILING_LIST),
        ("Nyhetsbrev", "Precedence: bulk", Reason.PRECEDENCE),
        ("Din order", "Return-Path: <>", Reason.NULL_RETURN_PATH),
        ("Din order", "X-Loop: support@partner.example", Reason.LOOP_HEADER),
    ],
)
def test_out_of_office_and_machine_mail_get_no_automatic_reply(
    subject: str, headers: str, reason: str
) -> None:
    interaction = received(message(subject=subject, headers=headers))

    result = ack(interaction)

    assert result.verdict == Verdict(allowed=False, reason=reason)
    assert not OutboundEmail.objects.exists()


def test_an_ordinary_reply_that_says_auto_submitted_no_may_be_answered() -> None:
    interaction = received(message(headers="Auto-Submitted: no"))

    assert auto_reply_verdict(interaction_id=interaction.pk).allowed


def test_read_receipts_get_no_automatic_reply() -> None:
    raw = message(
        subject="Läst: Din order",
        content_type='multipart/report; report-type=disposition-notification; boundary="b"',
        body=(
            "--b\r\nContent-Type: text/plain\r\n\r\nMeddelandet har lästs.\r\n"
            "--b\r\nContent-Type: message/disposition-notification\r\n\r\n"
            "Final-Recipient: rfc822; anna.berg@example.se\r\n"
            "Disposition: manual-action/MDN-sent-manually; displayed\r\n--b--"
        ),
    )

    assert auto_reply_verdict(interaction_id=received(raw).pk) == Verdict(False, Reason.READ_RECEIPT)


@pytest.mark.parametrize(
    "sender",
    [
        "noreply@shop.example",
        "No-Reply@Bank.example",
        "no_reply+orders@shop.example",
        "DoNotReply@news.example",
        "do-not-reply@news.example",
        "MAILER-DAEMON@mx.example.se",
        "Postmaster@example.no",
    ],
)
def test_senders_that_read_no_mail_get_no_automatic_reply(sender: str) -> None:
    interaction = received(message(sender=sender))

    result = ack(interaction)

    assert result.verdict == Verdict(allowed=False, reason=Reason.SYSTEM_SENDER)
    assert not OutboundEmail.objects.exists()


@pytest.mark.parametrize(
    "sender", ["reply@example.se", "anna.noreply.fan@example.se", "postmaster.anna@x.se"]
)
def test_addresses_that_only_resemble_system_senders_are_answered(sender: str) -> None:
    assert auto_reply_verdict(interaction_id=received(message(sender=sender)).pk).allowed


@pytest.mark.parametrize(
    "headers",
    [
        # Zendesk's acknowledgement without Auto-Submitted, so the help desk rule itself decides
        "X-Mailer: Zendesk Mailer\nX-Zendesk-From-Account-Id: 4ca1477",
        "X-Mailer: Zammad Mail Service\nX-Powered-By: Zammad - Helpdesk/Support (https://zammad.org/)",
        "X-OTRS-Loop: yes",
        "X-Mailer: osTicket Mailer",
        "X-FreeScout-Mail-Type: customer.message",
        "X-JIRA-FingerPrint: 0f6c9b1e2d3a4b5c6d7e8f9a0b1c2d3e",
        "X-ServiceNow-Generated: true",
    ],
)
def test_other_help_desks_acknowledgements_get_no_automatic_reply(headers: str) -> None:
    interaction = received(
        message(sender="support@leverantor.example", subject="[#45012] Ärende mottaget", headers=headers)
    )

    result = ack(interaction)

    assert result.verdict == Verdict(allowed=False, reason=Reason.HELP_DESK)
    assert not OutboundEmail.objects.exists()


def test_lojals_own_addresses_get_no_automatic_reply() -> None:
    own = received(message(sender="kundservice@lojal-a.example"))
    colleague = received(message(sender="faktura@lojal-a.example", subject="Intern fråga"))

    assert auto_reply_verdict(interaction_id=own.pk) == Verdict(False, Reason.LOOP)
    assert auto_reply_verdict(interaction_id=colleague.pk) == Verdict(False, Reason.OWN_ADDRESS)


def test_two_lojal_instances_stop_after_one_automatic_reply(settings: Any) -> None:
    # Lojal A acknowledges a message from Lojal B's address, and renders the bytes it would send.
    from_b = received(message(sender="kundservice@lojal-b.example", subject="Beställning 1234"))
    result = ack(from_b)
    outbound = OutboundEmail.objects.select_related("interaction__email").get(interaction_id=result.reply_id)
    sent_by_a = _message_of(outbound).message().as_bytes()
    assert result.is_sent
    # Lojal B, another installation with its own database, receives it.
    Interaction.objects.all().delete()
    settings.DEFAULT_FROM_EMAIL = "Kundservice <kundservice@lojal-b.example>"

    at_b = received(sent_by_a)
    answer = ack(at_b)

    assert at_b.sender == "kundservice@lojal-a.example"
    assert not at_b.is_loop
    assert answer.verdict == Verdict(allowed=False, reason=Reason.LOJAL_AUTO)
    assert answer.reply_id is None
    assert OutboundEmail.objects.count() == 0


def test_the_verdict_reads_a_message_stored_before_its_headers_were_kept() -> None:
    interaction = received((REAL / "flufl-bounce-qmail_08.eml").read_bytes())
    EmailMessage.objects.filter(interaction=interaction).update(guard_headers={})

    assert auto_reply_verdict(interaction_id=interaction.pk) == Verdict(False, Reason.PRECEDENCE)


def test_the_verdict_takes_one_query_for_the_message_and_two_for_the_caps(
    django_assert_num_queries: Any,
) -> None:
    interaction = received(message())

    with django_assert_num_queries(3):
        verdict = auto_reply_verdict(interaction_id=interaction.pk)

    assert verdict.allowed


def test_the_fourth_acknowledgement_to_a_sender_within_ten_minutes_is_suppressed_with_its_reason() -> None:
    questions = [received(message(subject=f"Fråga {number}")) for number in range(4)]
    other = received(message(sender="lars.holm@example.se"))

    results = [ack(question) for question in questions]
    other_result = ack(other)

    assert [result.is_sent for result in results] == [True, True, True, False]
    assert results[3].verdict == Verdict(allowed=False, reason=Reason.SENDER_CAP)
    with override("en"):
        assert results[3].verdict.text == "This sender has had 3 automatic replies in the last 10 minutes."
    with override("sv"):
        assert (
            results[3].verdict.text
            == "Den här avsändaren har fått 3 automatiska svar de senaste 10 minuterna."
        )
    assert other_result.is_sent
    assert AutoReplyRecord.objects.filter(address="anna.berg@example.se").count() == 3
    assert OutboundEmail.objects.count() == 4


def test_a_sender_is_answered_again_once_the_window_has_passed() -> None:
    questions = [received(message(subject=f"Fråga {number}")) for number in range(4)]
    for question in questions[:3]:
        assert ack(question).is_sent

    later = timezone.now() + dt.timedelta(minutes=11)
    result = ack(questions[3], now=later)

    assert result.is_sent
    assert auto_reply_verdict(interaction_id=questions[3].pk, now=later).allowed


def test_the_hourly_cap_holds_for_all_senders(settings: Any) -> None:
    settings.LOJAL_AUTO_REPLY_PER_HOUR = 2
    questions = [received(message(sender=f"kund{number}@example.se")) for number in range(3)]

    results = [ack(question) for question in questions]

    assert [result.is_sent for result in results] == [True, True, False]
    assert results[2].verdict == Verdict(allowed=False, reason=Reason.GLOBAL_CAP)
    with override("nb"):
        assert results[2].verdict.text == (
            "Lojal har sendt 2 automatiske svar den siste timen, det høyeste som er tillatt."
        )
    assert OutboundEmail.objects.count() == 2


def test_every_reason_has_words_in_swedish_and_norwegian() -> None:
    for reason in Reason.values:
        verdict = Verdict(allowed=reason == Reason.ALLOWED, reason=reason)
        with override("en"):
            english = verdict.text
        for language in ("sv", "nb"):
            with override(language):
                assert verdict.text != english, (reason, language)


def test_a_web_form_is_acknowledged_by_email_and_an_sms_is_not() -> None:
    form = WebForm.objects.create(key="kontakt", name="Kontakta oss", fields=[{"name": "email"}])
    posted = interaction_record(
        channel="web_form",
        direction=Direction.INBOUND,
        customer_id=None,
        subject=form.name,
        body_text="Hej!",
        sender="lars.holm@example.se",
    )
    texted = sms.sms_receive(from_number="+46701234567", text="Hej, ring mig")
    silent = interaction_record(channel="chat", direction=Direction.INBOUND, customer_id=None, sender="")

    web = ack(posted)
    phone = ack(texted)

    assert web.is_sent
    reply = Interaction.objects.get(pk=web.reply_id)
    posted.refresh_from_db()
    assert posted.conversation_id is not None
    assert reply.conversation_id == posted.conversation_id
    assert auto_reply_verdict(interaction_id=texted.pk).allowed
    assert phone.verdict == Verdict(allowed=False, reason=Reason.NO_EMAIL_ADDRESS)
    assert auto_reply_verdict(interaction_id=silent.pk) == Verdict(False, Reason.NO_SENDER)
    assert OutboundEmail.objects.count() == 1


def test_an_outgoing_email_is_never_answered_automatically() -> None:
    outgoing = interaction_record(
        channel="email", direction=Direction.OUTBOUND, customer_id=None, sender="kundservice@lojal-a.example"
    )

    assert auto_reply_verdict(interaction_id=outgoing.pk) == Verdict(False, Reason.NOT_INBOUND)


def test_a_kind_must_be_a_short_lowercase_name() -> None:
    from lojal.core.errors import ValidationError

    question = received(message())

    with pytest.raises(ValidationError) as raised:
        ack(question, kind="Kvittens på ärende")

    assert "kind" in raised.value.errors
    assert not OutboundEmail.objects.exists()


def test_the_sent_bytes_carry_the_automatic_headers() -> None:
    result = ack(received(message()))
    outbound = OutboundEmail.objects.select_related("interaction__email").get(interaction_id=result.reply_id)

    sent = message_from_bytes(_message_of(outbound).message().as_bytes(), policy=policy.default)

    assert sent["Auto-Submitted"] == "auto-replied"
    assert sent.get_all("Auto-Submitted") == ["auto-replied"]
    assert sent["X-Auto-Response-Suppress"] == "All"
    assert sent["Precedence"] == "auto_reply"
    assert sent["X-Lojal-Auto"] == "ack"
    assert sent["Message-ID"] == outbound.interaction.email.message_id
    assert sent["In-Reply-To"] == outbound.interaction.email.in_reply_to


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_never_exceed_the_sender_cap() -> None:
    questions = [received(message(subject=f"Samtidig fråga {number}")) for number in range(8)]
    start = threading.Barrier(len(questions))

    def acknowledge(question: Interaction) -> bool:
        try:
            start.wait(timeout=30)
            return ack(question).is_sent
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(questions)) as pool:
        sent = list(pool.map(acknowledge, questions))

    assert sent.count(True) == 3
    assert AutoReplyRecord.objects.filter(address="anna.berg@example.se").count() == 3
    assert OutboundEmail.objects.count() == 3


def test_purging_old_interactions_takes_their_automatic_reply_records_along() -> None:
    from lojal.interactions.retention import interactions_purge

    assert ack(received(message())).is_sent

    deleted = interactions_purge(before=timezone.now() + dt.timedelta(days=1))

    assert deleted == 2
    assert not AutoReplyRecord.objects.exists()
    assert not Interaction.objects.exists()


def test_ingest_keeps_only_the_headers_the_guard_reads() -> None:
    interaction = received((REAL / "flufl-bounce-dsn_10.eml").read_bytes())

    kept = EmailMessage.objects.get(interaction=interaction).guard_headers

    assert kept == {
        "return-path": "<>",
        "content-type": (
            'multipart/report; report-type="delivery-status"; boundary="AA0C160E1D.1035213658/brainy.example.com"'
        ),
    }


def test_a_subject_with_a_token_of_its_own_can_be_left_without_the_conversations_token() -> None:
    question = received(message())

    plain = ack(question, kind="ack", subject="Ärende #26-000123 mottaget", add_reference=False)
    tagged = ack(question, kind="ack.again", subject="Ärende #26-000123 mottaget")

    assert Interaction.objects.get(pk=plain.reply_id).subject == "Ärende #26-000123 mottaget"
    reference = question.conversation.reference if question.conversation else ""
    assert Interaction.objects.get(pk=tagged.reply_id).subject == f"Ärende #26-000123 mottaget [#{reference}]"
