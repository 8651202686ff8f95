"""The acknowledgement end to end: a message is stored, the inbound handlers open its case (a stand-in
for ingest's, tests/cases/ack_support.py) and acknowledge it through the loop guard's automatic reply,
and the outbox hands it to an SMTP server on loopback, with the case number in the subject, in the
customer's language. Suppressed ones say why on the case; a joining message gets none."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from email.message import EmailMessage as ParsedMessage
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Q
from django.utils import timezone, translation
from django_tasks import default_task_backend

from lojal.accounts.models import User
from lojal.cases import ack_faq, acknowledgement
from lojal.cases.ack_wording import FaqLink, expected_time_words
from lojal.cases.models import Case, CaseNote
from lojal.interactions.emails.ingest import email_ingest
from lojal.interactions.models import AutoReplyRecord, Interaction, OutboundEmail
from lojal.interactions.services import interaction_record
from lojal.knowledge.models import SuggestionSession
from tests import factories
from tests.cases.ack_support import HANDLERS, message
from tests.knowledge.help_support import article
from tests.mail import Collector, smarthost_running

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def smarthost(settings: Any) -> Iterator[Collector]:
    settings.LOJAL_INBOUND_HANDLERS = HANDLERS
    with smarthost_running(settings, from_address="kundservice@lojal.example") as collector:
        yield collector


def text_of(sent: ParsedMessage) -> str:
    body = sent.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content()).replace("\r\n", "\n")


def test_a_new_case_is_acknowledged_over_smtp_with_its_number_in_the_customers_language(
    smarthost: Collector,
) -> None:
    factories.person(
        first_name="Kari", last_name="Nordmann", emails=["kari.nordmann@example.no"], preferred_language="nb"
    )

    inbound = email_ingest(
        raw=message(sender="kari.nordmann@example.no", subject="Feil beløp"), source="smtp"
    )

    case = Case.objects.get()
    assert case.language == "nb"
    assert len(smarthost.messages) == 1
    assert smarthost.messages[0].rcpt_tos == ["kari.nordmann@example.no"]
    sent = smarthost.parsed()[0]
    assert (
        str(sent["Subject"]).strip().startswith(f"Vi har mottatt meldingen din: Feil beløp [#{case.number}]")
    )
    assert sent["Auto-Submitted"] == "auto-replied"
    assert sent["In-Reply-To"] == inbound.email.message_id
    text = text_of(sent)
    assert text.startswith("Hei Kari Nordmann!\n\nTakk for meldingen din. Vi har mottatt den som sak ")
    assert f"sak #{case.number}." in text
    assert "Vi regner med å svare deg så snart vi kan." in text  # a new queue: no pace, no SLA yet
    assert case.ack_sent_at is not None
    assert case.ack_suppressed_reason == ""
    assert case.promised_by is None
    reply = Interaction.objects.get(pk=case.ack_interaction_id)
    assert reply.direction == "out"
    assert set(case.interaction_links.values_list("interaction_id", flat=True)) == {inbound.pk, reply.pk}


def test_the_promised_time_is_said_in_words_and_kept_on_the_case(smarthost: Collector, settings: Any) -> None:
    settings.LOJAL_INBOUND_HANDLERS = HANDLERS[:1]  # open the case only; acknowledged below
    factories.person(
        first_name="Anna", last_name="Berg", emails=["anna.berg@example.se"], preferred_language="sv"
    )
    inbound = email_ingest(raw=message(), source="smtp")
    due = timezone.now() + dt.timedelta(minutes=50)
    Case.objects.update(first_response_due=due)  # what the sla branch's clocks set when the case opens

    acknowledgement.inbound_acknowledge(inbound.pk)

    case = Case.objects.get()
    assert case.promised_by == due
    assert case.ack_estimate["bounded_by_sla"] is True
    words = expected_time_words(due, now=case.ack_sent_at, language="sv", time_zone=settings.TIME_ZONE)
    assert f"Vi räknar med att svara dig {words}." in text_of(smarthost.parsed()[0])
    assert words.endswith(f"kl. {due.astimezone(ZoneInfo(settings.TIME_ZONE)):%H:%M}")


def test_another_help_desks_auto_reply_opens_a_case_without_acknowledgement_and_the_case_says_why(
    smarthost: Collector,
) -> None:
    email_ingest(
        raw=message(
            sender="support@leverantor.example.com",
            subject="[Request received] Fråga om min faktura",
            headers="X-Mailer: Zendesk Mailer\nX-Zendesk-From-Account-Id: 4d2f1a",
        ),
        source="smtp",
    )

    case = Case.objects.get()
    assert smarthost.messages == []
    assert not OutboundEmail.objects.exists()
    assert (case.ack_sent_at, case.ack_interaction_id, case.promised_by) == (None, None, None)
    assert case.ack_suppressed_reason == "help_desk"
    with translation.override("en"):
        reason = acknowledgement.suppressed_reason_text(case)
    assert reason == "The message comes from another help desk."
    # the note was written by ingest outside any request, in the site's language (en in the tests)
    assert list(CaseNote.objects.filter(case=case).values_list("body", "author")) == [
        ("No acknowledgement was sent: The message comes from another help desk.", None)
    ]


def test_an_out_of_office_reply_opens_no_case_and_gets_nothing(smarthost: Collector) -> None:
    email_ingest(
        raw=message(subject="Frånvaro: Fråga om min faktura", headers="Auto-Submitted: auto-replied"),
        source="smtp",
    )

    assert not Case.objects.exists()
    assert smarthost.messages == []
    assert not OutboundEmail.objects.exists()


def test_a_noreply_sender_gets_no_acknowledgement(smarthost: Collector) -> None:
    email_ingest(raw=message(sender="noreply@shop.example.com"), source="smtp")

    case = Case.objects.get()
    assert smarthost.messages == []
    assert case.ack_suppressed_reason == "system_sender"


def test_the_fourth_new_case_of_a_sender_within_ten_minutes_is_not_acknowledged(smarthost: Collector) -> None:
    for index in range(4):
        email_ingest(raw=message(subject=f"Fråga {index}", body=f"Fråga nummer {index}"), source="smtp")

    cases = list(Case.objects.order_by("id"))
    assert len(smarthost.messages) == 3
    assert [case.ack_suppressed_reason for case in cases] == ["", "", "", "sender_cap"]
    assert cases[3].ack_sent_at is None
    assert CaseNote.objects.get(case=cases[3]).body == (
        "No acknowledgement was sent: This sender has had 3 automatic replies in the last 10 minutes."
    )


def test_a_message_joining_an_open_case_gets_no_new_acknowledgement(smarthost: Collector) -> None:
    first = email_ingest(raw=message(message_id="<first@mail.example.se>"), source="smtp")
    case = Case.objects.get()
    follow_up = (
        "Message-ID: <second@mail.example.se>\r\nFrom: anna.berg@example.se\r\n"
        "To: kundservice@lojal.example\r\nSubject: Re: Fråga om min faktura\r\n"
        f"In-Reply-To: {first.email.message_id}\r\nReferences: {first.email.message_id}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nOch en sak till.\r\n"
    ).encode()

    second = email_ingest(raw=follow_up, source="smtp")

    assert second.conversation_id == first.conversation_id
    assert Case.objects.count() == 1
    assert case.interaction_links.filter(interaction=second).exists()
    assert len(smarthost.messages) == 1
    assert AutoReplyRecord.objects.filter(interaction=second).count() == 0
    assert not CaseNote.objects.exists()


def test_running_the_handler_again_sends_nothing_more(smarthost: Collector) -> None:
    inbound = email_ingest(raw=message(), source="smtp")
    case = Case.objects.get()

    acknowledgement.inbound_acknowledge(inbound.pk)
    acknowledgement.case_acknowledge(case_id=case.pk, interaction_id=inbound.pk)

    assert len(smarthost.messages) == 1
    assert OutboundEmail.objects.count() == 1


def test_a_web_form_and_an_offline_chat_are_acknowledged_an_sms_and_a_live_chat_are_not(
    smarthost: Collector,
) -> None:
    common = {"customer_id": None, "direction": "in", "sender": "eva.lind@example.se", "subject": "Hej"}
    interaction_record(channel="web_form", body_text="Från formuläret", **common)
    interaction_record(
        channel="chat", body_text="Lämnat som meddelande", details={"answer_by_email": True}, **common
    )
    interaction_record(
        channel="chat", body_text="Besvarad chatt", details={"answer_by_email": False}, **common
    )
    interaction_record(channel="sms", body_text="Ett sms", **{**common, "sender": "+46701234567"})

    # A live chat opens no case (ingest); an SMS opens one but is not acknowledged.
    acknowledged = sorted(Case.objects.values_list("channel", Q(ack_sent_at__isnull=False)))
    assert acknowledged == [("chat", True), ("sms", False), ("web_form", True)]
    assert len(smarthost.messages) == 2
    assert sorted(envelope.rcpt_tos[0] for envelope in smarthost.messages) == ["eva.lind@example.se"] * 2


def test_an_edited_template_is_used_for_the_next_acknowledgement(
    smarthost: Collector, admin_user: User
) -> None:
    factories.person(
        first_name="Anna", last_name="Berg", emails=["anna.berg@example.se"], preferred_language="sv"
    )
    email_ingest(raw=message(subject="Första"), source="smtp")

    acknowledgement.ack_template_save(
        actor=admin_user,
        language="sv",
        subject="Tack, {customer_name}",
        body="Ärende {case_number} om {subject}. Svar {expected_time}.\n\n{faq}\n\nButiken",
    )
    email_ingest(raw=message(subject="Andra", body="Andra frågan"), source="smtp")

    first, second = smarthost.parsed()
    number = Case.objects.order_by("id").last().number  # type: ignore[union-attr]
    assert str(first["Subject"]).strip().startswith("Vi har tagit emot ditt meddelande: Första [#")
    # The outbox adds the conversation's own token after the case number (interactions' threading).
    reference = Case.objects.order_by("id").last().conversation.reference  # type: ignore[union-attr]
    assert str(second["Subject"]).strip() == f"Tack, Anna Berg [#{number}] [#{reference}]"
    assert text_of(second).strip() == f"Ärende #{number} om Andra. Svar så snart vi kan.\n\nButiken"


def test_faq_articles_from_the_extension_point_go_into_the_text(
    smarthost: Collector, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        ack_faq,
        "faq_articles",
        lambda **_kwargs: [FaqLink("Så läser du fakturan", "https://hjalp.example/faktura")],
    )
    factories.person(emails=["anna.berg@example.se"], preferred_language="sv")

    email_ingest(raw=message(), source="smtp")

    assert (
        "De här artiklarna kanske redan besvarar din fråga:\n- Så läser du fakturan: https://hjalp.example/faktura"
    ) in text_of(smarthost.parsed()[0])


def test_the_acknowledgement_offers_the_public_faq_articles_that_answer_the_question(
    smarthost: Collector, settings: Any
) -> None:
    settings.LOJAL_PUBLIC_URL = "https://hjalp.example"
    pin = article("Byta pinkod", slug="byta-pinkod", body="Så byter du pinkoden till ditt kort i appen.")
    article("Pinkod på Mina sidor", slug="pinkod-portal", body="Pinkod och kort.", visibility="portal")
    article("Pinkod, intern rutin", slug="pinkod-intern", body="Pinkod och kort.", visibility="internal")
    article("Bytte PIN-kode", language="nb", slug="bytte-pin-kode", body="Pinkod og kort.")
    factories.person(emails=["anna.berg@example.se"], preferred_language="sv")

    email_ingest(
        raw=message(subject="Hur byter jag pinkod?", body="Hej, jag har glömt min pinkod."), source="smtp"
    )

    session = SuggestionSession.objects.get()
    case = Case.objects.get()
    assert (session.source, session.shown_article_ids, session.case_id) == ("ack", [pin.pk], case.pk)
    assert (
        "De här artiklarna kanske redan besvarar din fråga:\n"
        f"- Byta pinkod: https://hjalp.example/help/sv/byta-pinkod/?s={session.token}"
    ) in text_of(smarthost.parsed()[0])


def test_a_question_no_article_answers_gets_no_faq_block_and_no_session(smarthost: Collector) -> None:
    article("Byta pinkod", slug="byta-pinkod", body="Så byter du pinkoden till ditt kort i appen.")
    factories.person(emails=["anna.berg@example.se"], preferred_language="sv")

    email_ingest(raw=message(subject="Leveransen", body="Var är mitt paket?"), source="smtp")

    assert "De här artiklarna" not in text_of(smarthost.parsed()[0])
    assert ack_faq.faq_articles(case_id=Case.objects.get().pk, language="sv") == []
    assert ack_faq.faq_articles(case_id=987654, language="sv") == []
    assert SuggestionSession.objects.count() == 0


def test_a_message_not_yet_in_a_case_is_looked_at_again_later_when_the_worker_can_wait(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.LOJAL_INBOUND_HANDLERS = []
    inbound = interaction_record(
        customer_id=None, channel="email", direction="in", sender="eva.lind@example.se", subject="Hej"
    )

    acknowledgement.inbound_acknowledge(inbound.pk)

    waiting = [result for result in default_task_backend.results if result.task.name == "ack_wait_task"]  # type: ignore[attr-defined]
    assert [(result.args, result.task.run_after is not None) for result in waiting] == [
        ([inbound.pk, 1], True)
    ]
    assert not Case.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_an_automatic_message_is_not_waited_for_even_when_the_worker_can_wait(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.LOJAL_INBOUND_HANDLERS = []
    bounce = interaction_record(
        customer_id=None,
        channel="email",
        direction="in",
        sender="mailer-daemon@example.se",
        subject="Undelivered Mail Returned to Sender",
    )
    Interaction.objects.filter(pk=bounce.pk).update(is_bounce=True)

    acknowledgement.inbound_acknowledge(bounce.pk)

    assert [result for result in default_task_backend.results if result.task.name == "ack_wait_task"] == []  # type: ignore[attr-defined]
    assert not OutboundEmail.objects.exists()
