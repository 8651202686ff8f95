"""Every inbound channel opens a case through the inbound handler: email (the team's fixtures and
messages from CPython's email tests), web form, offline chat, SMS, a phone-system call with the
caller's menu choice, a logged call when staff ask; and what does not (a live chat, a plain call,
auto-replies, bounces, an address set to stay a plain interaction)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.cases import channels
from lojal.cases.ingest import case_from_call, inbound_to_case
from lojal.cases.models import Case, CaseInteraction, Category, IvrChoice, Queue
from lojal.core.errors import PermissionDenied
from lojal.interactions import chat, sms, telephony, webforms
from lojal.interactions import services as interaction_services
from lojal.interactions.models import Interaction, WebForm
from tests import factories
from tests.cases.ingest_helpers import case_of, email_bytes, fixture_bytes, form_started, handled, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue() -> Queue:
    return Queue.objects.create(name="Kundservice")


@pytest.mark.parametrize(
    ("name", "subject"),
    [
        ("sv-utf8-quoted-printable.eml", "Byte av jacka – fel storlek"),
        ("nb-iso-8859-1.eml", "Ny leveringsadresse for bestilling"),
        ("real/cpython-msg_01.eml", "This is a test message"),
        ("real/cpython-msg_04.eml", "a simple multipart"),
    ],
)
def test_a_real_email_opens_a_case_in_the_default_queue(queue: Queue, name: str, subject: str) -> None:
    interaction = receive(fixture_bytes(name))

    case = case_of(interaction)
    assert case is not None
    assert (case.subject, case.channel, case.queue_id, case.status) == (subject, "email", queue.pk, "new")
    assert case.conversation_id == interaction.conversation_id
    assert case.customer_wrote_at == interaction.occurred_at
    assert case.received_at_address == interaction.recipients[0].lower()


def test_the_same_message_id_twice_and_the_handler_twice_make_one_case(queue: Queue) -> None:
    raw = fixture_bytes("sv-utf8-quoted-printable.eml")

    first = receive(raw)
    second = receive(raw)
    inbound_to_case(first.pk)

    assert second.pk == first.pk
    assert Case.objects.count() == 1
    assert CaseInteraction.objects.filter(interaction=first).count() == 1


@pytest.mark.parametrize("name", ["auto-reply-sv.eml", "bounce.eml", "real/cpython-msg_16.eml"])
def test_auto_replies_and_bounces_open_no_case(queue: Queue, name: str) -> None:
    interaction = receive(fixture_bytes(name))

    assert interaction.is_auto_reply or interaction.is_bounce
    assert case_of(interaction) is None
    assert Case.objects.count() == 0


def test_mail_to_an_address_set_to_stay_plain_opens_no_case(queue: Queue, admin_user: User) -> None:
    channels.service_channel_save(
        actor=admin_user, kind="email", address="Sales@Lojal.example", opens_cases=False
    )

    to_sales = receive(email_bytes(subject="Offert på 20 stolar", to="sales@lojal.example"))
    to_service = receive(email_bytes(subject="Trasig stol", to="kundservice@lojal.example"))
    to_both = receive(email_bytes(subject="Fråga", to="sales@lojal.example, kundservice@lojal.example"))

    assert case_of(to_sales) is None
    assert case_of(to_service) is not None
    assert case_of(to_both) is None  # only listed addresses decide; an unlisted cc does not
    assert Case.objects.count() == 1


def test_a_listed_service_address_opens_cases_even_beside_a_plain_one(queue: Queue, admin_user: User) -> None:
    channels.service_channel_save(
        actor=admin_user, kind="email", address="sales@lojal.example", opens_cases=False
    )
    channels.service_channel_save(
        actor=admin_user, kind="email", address="support@lojal.example", opens_cases=True
    )

    both = receive(email_bytes(subject="Fråga", to="sales@lojal.example, support@lojal.example"))

    assert case_of(both) is not None


def test_a_web_form_opens_a_case_and_a_form_set_to_stay_plain_does_not(
    queue: Queue, admin_user: User
) -> None:
    contact = WebForm.objects.create(key="kontakt", name="Kontakta oss", language="sv")
    offer = WebForm.objects.create(key="offert", name="Offertförfrågan", language="sv")
    channels.service_channel_save(actor=admin_user, kind="web_form", address="offert", opens_cases=False)
    data = {
        "name": "Lars Holm",
        "email": "lars@example.se",
        "message": "Min order har inte kommit.",
        "started": form_started(),
    }

    opened = webforms.webform_submit(form=contact, data=data).interaction
    plain = webforms.webform_submit(form=offer, data={**data, "email": "eva@example.se"}).interaction
    assert opened is not None and plain is not None
    handled(opened)
    handled(plain)

    case = case_of(opened)
    assert case is not None
    assert (case.channel, case.subject, case.received_at_address, case.customer_id) == (
        "web_form",
        "Kontakta oss",
        "kontakt",
        opened.customer_id,
    )
    assert case_of(plain) is None


def test_an_offline_chat_message_opens_a_case_and_a_live_chat_does_not(
    queue: Queue, admin_user: User
) -> None:
    offline = chat.chat_start(name="Eva", email="eva@example.se", text="Var är min beställning?")
    chat.presence_touch(user=admin_user)
    live = chat.chat_start(name="Olle", email="olle@example.se", text="Hej!")
    chat.chat_say(session=live, text="Hej Olle, vad gäller det?", actor=admin_user)
    transcript = chat.chat_close(session_id=live.pk, actor=admin_user)
    offline.refresh_from_db()
    assert offline.interaction is not None

    handled(offline.interaction)
    handled(transcript)

    case = case_of(offline.interaction)
    assert case is not None and case.channel == "chat"
    assert case_of(transcript) is None


def test_an_sms_opens_a_case_and_the_next_text_from_the_number_joins_it(queue: Queue) -> None:
    first = handled(
        sms.sms_receive(
            from_number="070-123 45 67", text="Min faktura är fel", to_number="+46701000000", message_id="p-1"
        )
    )
    second = handled(
        sms.sms_receive(
            from_number="+46701234567", text="Nummer 1234", to_number="+46701000000", message_id="p-2"
        )
    )
    again = handled(sms.sms_receive(from_number="+46701234567", text="Nummer 1234", message_id="p-2"))

    case = case_of(first)
    assert case is not None
    assert (case.channel, case.subject, case.received_at_address) == (
        "sms",
        "Min faktura är fel",
        "+46701000000",
    )
    assert case_of(second) == case
    assert again.pk == second.pk
    assert Case.objects.count() == 1


def test_a_phone_system_call_with_a_menu_choice_opens_a_case_in_the_choices_queue(
    queue: Queue, admin_user: User, settings: Any
) -> None:
    settings.LOJAL_CASE_DEFAULT_QUEUE = "Kundservice"  # else the first by name, "Fakturor"
    invoices = Queue.objects.create(name="Fakturor")
    category = Category.objects.create(name="Faktura")
    IvrChoice.objects.create(code="2", label="Frågor om faktura", category=category, queue=invoices)
    IvrChoice.objects.create(code="9", label="Växeln", opens_case=False)

    telephony.call_event_apply(
        call_id="c-1", event="started", direction="in", from_number="+46701234567", ivr_choice="2"
    )
    chosen = handled(telephony.call_event_apply(call_id="c-1", event="missed", direction="in"))
    switchboard = handled(
        telephony.call_event_apply(
            call_id="c-2", event="missed", direction="in", from_number="+46701234568", ivr_choice="9"
        )
    )
    plain = handled(
        telephony.call_event_apply(call_id="c-3", event="missed", direction="in", from_number="+46701234569")
    )
    stated = handled(
        telephony.call_event_apply(
            call_id="c-4",
            event="ended",
            direction="in",
            from_number="+46701234560",
            matter="Flytta mitt abonnemang",
        )
    )

    case = case_of(chosen)
    assert case is not None
    assert (case.channel, case.subject, case.category_id, case.queue_id) == (
        "call",
        "Frågor om faktura",
        category.pk,
        invoices.pk,
    )
    assert case_of(switchboard) is None
    assert case_of(plain) is None
    stated_case = case_of(stated)
    assert stated_case is not None
    assert (stated_case.subject, stated_case.queue_id) == ("Flytta mitt abonnemang", queue.pk)


def test_staff_open_a_case_from_a_logged_call_once(
    queue: Queue, admin_user: User, make_user: Callable[..., User]
) -> None:
    customer = factories.person()
    call = interaction_services.interaction_log(
        actor=admin_user, customer_id=customer.pk, channel="call", direction="in", subject="Kortet spärrat"
    )
    handled(call)
    assert case_of(call) is None
    category = Category.objects.create(name="Kort")

    case = case_from_call(actor=admin_user, interaction_id=call.pk, category_id=category.pk)
    again = case_from_call(actor=admin_user, interaction_id=call.pk)

    assert again.pk == case.pk
    assert (case.channel, case.subject, case.customer_id, case.category_id, case.created_by_id) == (
        "call",
        "Kortet spärrat",
        customer.pk,
        category.pk,
        admin_user.pk,
    )
    reader = make_user(Role.READ_ONLY, "reader")
    other = interaction_services.interaction_log(
        actor=admin_user, customer_id=customer.pk, channel="call", subject="x"
    )
    with pytest.raises(PermissionDenied):
        case_from_call(actor=reader, interaction_id=other.pk)
    assert case_of(other) is None


def test_an_outbound_interaction_never_opens_a_case(queue: Queue, admin_user: User) -> None:
    customer = factories.person()
    call = interaction_services.interaction_log(
        actor=admin_user, customer_id=customer.pk, channel="call", subject="Ringde kunden"
    )

    inbound_to_case(call.pk)

    assert Case.objects.count() == 0


def test_the_phone_systems_menu_choice_arrives_through_the_api_and_opens_the_case(api: Any) -> None:
    Queue.objects.create(name="Kundservice")
    cards = Queue.objects.create(name="Kort")
    IvrChoice.objects.create(code="3", label="Spärra kort", queue=cards)
    base = {
        "call_id": "pbx-90",
        "direction": "in",
        "from_number": "070-123 45 67",
        "to_number": "08-123 456 78",
    }

    api.post("inbound/calls", {**base, "event": "started", "ivr_choice": "3", "matter": "Tappat kortet"})
    ended = api.post("inbound/calls", {**base, "event": "missed"})
    handled_call = handled(Interaction.objects.get(pk=ended.json()["id"]))

    assert handled_call.details["ivr_choice"] == "3"
    case = case_of(handled_call)
    assert case is not None
    assert (case.subject, case.queue_id, case.received_at_address) == (
        "Tappat kortet",
        cards.pk,
        "+46812345678",
    )
