"""Sentences Lojal writes (stage reasons, chat and call subjects, retention notes) are stored as a
phrase code with parameters and said in the reader's language; old rows stored as text are mapped."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django.utils import translation

from lojal.accounts.models import User
from lojal.core.models import AuditEntry
from lojal.core.phrases import Phrase, phrase_match, phrase_render, phrase_translate
from lojal.interactions import chat
from lojal.interactions.models import Interaction
from lojal.sales.lifecycle import lifecycle_promote
from lojal.sales.models import Transaction
from lojal.timeline.models import Event
from lojal.timeline.rendering import event_summary
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_phrase_is_said_in_the_active_language() -> None:
    phrase = Phrase("stage.inactive_for_days", {"days": 400})

    with translation.override("sv"):
        swedish = phrase.text()
    with translation.override("nb"):
        norwegian = phrase.text()

    assert swedish == "inget öppet innehav och ingen transaktion på 400 dagar"
    assert norwegian == "ingen åpen beholdning og ingen transaksjon på 400 dager"
    with translation.override("nb"):
        assert phrase.english == "no open holding and no transaction for 400 days"


def test_an_unknown_code_is_refused_and_renders_the_stored_text() -> None:
    with pytest.raises(ValueError):
        Phrase("no.such.code")
    assert phrase_render(code="no.such.code", params={}, fallback="as stored") == "as stored"
    assert phrase_render(code="stage.inactive_for_days", params={}, fallback="as stored") == "as stored"


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("first qualifying transaction", "stage.first_qualifying_transaction", {}),
        ("första kvalificerande transaktionen", "stage.first_qualifying_transaction", {}),
        ("ingen åpen beholdning og ingen transaksjon på 30 dager", "stage.inactive_for_days", {"days": 30}),
        ("Chatt med Kari Nordmann", "chat.closed", {"name": "Kari Nordmann"}),
        ("Chat with Per", "chat.closed", {"name": "Per"}),
        ("Innkommende samtale", "call.incoming", {}),
        ("abandoned imports cancelled: 3", "retention.abandoned_imports_cancelled", {"count": 3}),
    ],
)
def test_texts_stored_in_any_language_are_recognised_with_their_parameters(
    text: str, code: str, params: dict[str, object]
) -> None:
    found = phrase_match(text)

    assert found is not None
    assert (found.code, dict(found.params)) == (code, params)


def test_words_people_wrote_are_no_phrase_and_stay_as_written() -> None:
    assert phrase_match("Kunden ringde och ville byta") is None
    assert phrase_match("") is None
    with translation.override("sv"):
        assert phrase_translate("Kunden ringde") == "Kunden ringde"
        assert phrase_translate("first qualifying transaction") == "första kvalificerande transaktionen"


def test_a_promotion_reason_is_stored_as_a_code_and_shown_in_the_readers_language(
    staff_client: Client, admin_user: User
) -> None:
    # given a lead promoted while the writer's request was in Norwegian
    customer = factories.person()
    Transaction.objects.create(
        customer=customer, kind="purchase", amount="100.00", currency="SEK", occurred_at="2026-01-02T10:00Z"
    )
    with translation.override("nb"):
        lifecycle_promote(customer_ids=[customer.pk])

    # then the event keeps the code and the English text, and each reader sees their own language
    event = Event.objects.get(customer=customer, kind="customer.stage_changed")
    assert event.data["reason"] == "first qualifying transaction"
    assert event.data["reason_code"] == "stage.first_qualifying_transaction"
    with translation.override("sv"):
        shown = event_summary(kind=event.kind, data=event.data, summary=event.summary)
    assert shown == "Stadium ändrat från Potentiell kund till Kund: första kvalificerande transaktionen"
    audit = AuditEntry.objects.get(object_id=str(customer.pk), action="update")
    assert audit.changes["reason"] == "first qualifying transaction"
    staff_client.cookies["django_language"] = "sv"
    response = staff_client.get(f"/audit/?type=customers.customer&id={customer.pk}&action=update")
    page = response.content.decode()
    assert "första kvalificerande transaktionen" in page
    assert "first qualifying transaction" not in page


def test_a_chat_subject_is_shown_in_the_readers_language() -> None:
    # given a chat that ended while no one was online, written by an English request
    with translation.override("en"):
        session = chat.chat_start(name="Kari Nordmann", email="kari@example.no", text="Hei!")
    interaction = Interaction.objects.get(pk=session.interaction_id)

    # then the stored subject is English and the reader's language is used when shown
    assert interaction.subject == "Chat message (no one online) from Kari Nordmann"
    with translation.override("nb"):
        assert interaction.subject_text == "Chatmelding (ingen pålogget) fra Kari Nordmann"
        event = Event.objects.get(kind="interaction.chat")
        shown = event_summary(kind=event.kind, data=event.data, summary=event.summary)
    assert shown == "Chatmelding (ingen pålogget) fra Kari Nordmann"


def test_the_data_migration_gives_old_texts_their_codes_and_keeps_other_texts() -> None:
    # given events and interactions written before the codes existed, in Swedish and by hand
    customer = factories.person()
    old = Event.objects.create(
        customer=customer,
        kind="customer.stage_changed",
        summary="x",
        occurred_at="2025-01-01T00:00Z",
        data={"from": "lead", "to": "customer", "reason": "första kvalificerande transaktionen"},
    )
    typed = Event.objects.create(
        customer=customer,
        kind="customer.stage_changed",
        summary="y",
        occurred_at="2025-01-01T00:00Z",
        data={"from": "customer", "to": "at_risk", "reason": "Ringde och klagade"},
    )
    chat_row = Interaction.objects.create(
        channel="chat", direction="in", occurred_at="2025-01-01T00:00Z", subject="Chatt med Per", details={}
    )
    email_row = Interaction.objects.create(
        channel="call", direction="in", occurred_at="2025-01-01T00:00Z", subject="Offert", details={}
    )

    # when the migrations run
    importlib.import_module("lojal.timeline.migrations.0005_stored_phrases").forwards(django_apps, None)
    importlib.import_module("lojal.interactions.migrations.0004_stored_phrases").forwards(django_apps, None)

    # then known texts have their codes (English beside them) and typed ones are untouched
    old.refresh_from_db()
    typed.refresh_from_db()
    chat_row.refresh_from_db()
    email_row.refresh_from_db()
    assert old.data == {
        "from": "lead",
        "to": "customer",
        "reason": "first qualifying transaction",
        "reason_code": "stage.first_qualifying_transaction",
        "reason_params": {},
    }
    assert typed.data == {"from": "customer", "to": "at_risk", "reason": "Ringde och klagade"}
    assert chat_row.subject == "Chat with Per"
    assert chat_row.details == {"subject_phrase": {"code": "chat.closed", "params": {"name": "Per"}}}
    assert (email_row.subject, email_row.details) == ("Offert", {})
