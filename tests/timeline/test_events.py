"""The event builders: each kind's data, actor and summary (rendered at read time in en, sv and nb), and
the stored fallback summary, written through the timeline's single and bulk services alike."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from lojal.accounts.models import User
from lojal.timeline import events
from lojal.timeline.events import EventDraft
from lojal.timeline.models import Event
from lojal.timeline.services import event_record, events_record_many
from tests import factories

pytestmark = pytest.mark.django_db

MOMENT = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


def rendered(event: Event) -> tuple[str, str, str]:
    texts = []
    for language in ("en", "sv", "nb"):
        with translation.override(language):
            texts.append(event.display_summary)
    return texts[0], texts[1], texts[2]


def written(draft: EventDraft) -> Event:
    return Event.objects.get(pk=event_record(draft).pk)


CASES = [
    (
        lambda c: events.customer_created(customer_id=c, name="Anna Öberg", stage="lead", occurred_at=MOMENT),
        "customer.created",
        {"name": "Anna Öberg", "stage": "lead"},
        (
            "Anna Öberg was added. Stage: Lead",
            "Anna Öberg lades till. Stadium: Potentiell kund",
            "Anna Öberg ble lagt til. Fase: Potensiell kunde",
        ),
    ),
    (
        lambda c: events.customer_changed(
            customer_id=c, fields=["first_name", "emails", "city"], occurred_at=MOMENT
        ),
        "customer.changed",
        {"fields": ["first_name", "emails", "city"]},
        (
            "Changed: first name, email, city",
            "Ändrat: förnamn, e-post, ort",
            "Endret: fornavn, e-post, poststed",
        ),
    ),
    (
        lambda c: events.contact_person_added(customer_id=c, name="Nils Lund", occurred_at=MOMENT),
        "customer.changed",
        {"contact_added": "Nils Lund"},
        (
            "Contact person added: Nils Lund",
            "Kontaktperson tillagd: Nils Lund",
            "Kontaktperson lagt til: Nils Lund",
        ),
    ),
    (
        lambda c: events.contact_person_removed(customer_id=c, name="Nils Lund", occurred_at=MOMENT),
        "customer.changed",
        {"contact_removed": "Nils Lund"},
        (
            "Contact person removed: Nils Lund",
            "Kontaktperson borttagen: Nils Lund",
            "Kontaktperson fjernet: Nils Lund",
        ),
    ),
    (
        lambda c: events.stage_changed(
            customer_id=c, old_stage="registrant", new_stage="customer", reason="Köpte", occurred_at=MOMENT
        ),
        "customer.stage_changed",
        {"from": "registrant", "to": "customer", "reason": "Köpte"},
        (
            "Stage changed from Registrant to Customer: Köpte",
            "Stadium ändrat från Registrerad till Kund: Köpte",
            "Fase endret fra Registrert til Kunde: Köpte",
        ),
    ),
    (
        lambda c: events.customer_merged(
            customer_id=c,
            merged_customer_id=2,
            merged_name="Anna Oberg",
            merged_customer_number=1002,
            filled=["phones", "birth_date"],
            occurred_at=MOMENT,
        ),
        "customer.merged",
        {
            "merged_name": "Anna Oberg",
            "merged_customer_id": 2,
            "merged_customer_number": 1002,
            "filled": ["birth_date", "phones"],
        },
        (
            "Merged with Anna Oberg (1002)",
            "Sammanslagen med Anna Oberg (1002)",
            "Slått sammen med Anna Oberg (1002)",
        ),
    ),
    (
        lambda c: events.customer_deleted(customer_id=c, occurred_at=MOMENT),
        "customer.deleted",
        {},
        ("Customer deleted", "Kund borttagen", "Kunde slettet"),
    ),
    (
        lambda c: events.transaction_recorded(
            customer_id=c,
            transaction=events.TransactionFacts(
                kind="refund",
                amount=Decimal("-1234.5"),
                currency="SEK",
                product="Presentkort",
                transaction_id=7,
            ),
            occurred_at=MOMENT,
        ),
        "sales.transaction",
        {
            "kind": "refund",
            "amount": "-1234.50",
            "currency": "SEK",
            "product": "Presentkort",
            "transaction_id": 7,
        },
        (
            "Refund of 1,234.50 SEK: Presentkort",
            "Återbetalning på 1\xa0234,50 SEK: Presentkort",
            "Refusjon på 1\xa0234,50 SEK: Presentkort",
        ),
    ),
    (
        lambda c: events.holding_opened(
            customer_id=c,
            holding=events.HoldingFacts(holding_id=3, name="Sparkonto", status="active"),
            occurred_at=MOMENT,
        ),
        "sales.holding_opened",
        {"name": "Sparkonto", "status": "active", "holding_id": 3, "on_date": True},
        ("Holding opened: Sparkonto", "Innehav öppnat: Sparkonto", "Beholdning åpnet: Sparkonto"),
    ),
    (
        lambda c: events.holding_changed(
            customer_id=c,
            holding=events.HoldingFacts(holding_id=3, name="Sparkonto", status="closed"),
            fields=["status", "closed_on"],
            on_date=True,
            occurred_at=MOMENT,
        ),
        "sales.holding_changed",
        {
            "name": "Sparkonto",
            "status": "closed",
            "holding_id": 3,
            "fields": ["status", "closed_on"],
            "on_date": True,
        },
        ("Holding Sparkonto: Closed", "Innehav Sparkonto: Avslutad", "Beholdning Sparkonto: Avsluttet"),
    ),
]


@pytest.mark.parametrize(("build", "kind", "data", "summaries"), CASES)
def test_each_builder_shapes_its_kind_data_and_summary_in_every_language(
    build, kind, data, summaries, admin_user: User
) -> None:
    # given a customer
    customer = factories.person()
    # when its event is built (in Swedish, as a Swedish user's request would) and written
    with translation.override("sv"):
        draft = build(customer.pk)
    event = written(draft)
    # then the row holds exactly what the builder shaped, and reads in the reader's language
    assert (event.customer_id, event.kind, event.data, event.occurred_at, event.actor_id) == (
        customer.pk,
        kind,
        data,
        MOMENT,
        None,
    )
    assert rendered(event) == summaries
    assert event.summary == summaries[1]  # the stored fallback: the writer's language


def test_bulk_written_events_are_the_same_rows_as_single_ones(admin_user: User) -> None:
    # given the same drafts written one by one and in one bulk write
    customer = factories.person()
    drafts = [build(customer.pk) for build, *_rest in CASES]
    Event.objects.filter(customer=customer).delete()
    singles = [written(draft) for draft in drafts]
    # when
    assert events_record_many(iter(drafts)) == len(drafts)
    # then
    columns = ("kind", "occurred_at", "summary", "body", "data", "actor_id")
    bulk = list(
        Event.objects.filter(customer=customer).exclude(pk__in=[e.pk for e in singles]).order_by("pk")
    )
    assert [[getattr(e, c) for c in columns] for e in bulk] == [
        [getattr(e, c) for c in columns] for e in singles
    ]


def test_transaction_amount_is_kept_to_the_cent_and_never_rounded() -> None:
    facts = events.TransactionFacts(kind="purchase", amount=Decimal("10"), currency="EUR")
    draft = events.transaction_recorded(customer_id=1, transaction=facts, occurred_at=MOMENT)
    assert draft.data == {"kind": "purchase", "amount": "10.00", "currency": "EUR"}
    with pytest.raises(ValueError, match=r"10\.005"):
        events.transaction_recorded(
            customer_id=1,
            transaction=events.TransactionFacts(kind="purchase", amount=Decimal("10.005"), currency="EUR"),
            occurred_at=MOMENT,
        )


def test_note_keeps_its_text_and_its_author(admin_user: User) -> None:
    customer = factories.person()
    event = written(
        events.note_added(
            customer_id=customer.pk, text="Ringde om fakturan\nBetalar fredag", actor_id=admin_user.pk
        )
    )
    assert (event.kind, event.summary, event.body, event.data, event.actor_id) == (
        "note.added",
        "Ringde om fakturan",
        "Ringde om fakturan\nBetalar fredag",
        {},
        admin_user.pk,
    )
    assert rendered(event) == ("Ringde om fakturan",) * 3  # a person's words are not translated


def interaction(**overrides: object) -> events.InteractionFacts:
    values: dict[str, object] = {
        "interaction_id": 5,
        "channel": "call",
        "channel_label": "Samtal",
        "direction": "in",
        "subject": "",
        "sender": "+46701234567",
        "outcome": "answered",
        "duration_seconds": 95,
        "flags": [],
        "text": "\nUndrar över leveransen\nmer text",
    }
    values.update(overrides)
    return events.InteractionFacts(**values)  # type: ignore[arg-type]


def test_interaction_summary_is_its_subject_or_first_line_or_channel(admin_user: User) -> None:
    customer = factories.person()
    first_line = written(
        events.interaction_recorded(
            customer_id=customer.pk, interaction=interaction(), occurred_at=MOMENT, actor_id=admin_user.pk
        )
    )
    assert (first_line.kind, first_line.summary, first_line.body, first_line.actor_id) == (
        "interaction.call",
        "Undrar över leveransen",
        "\nUndrar över leveransen\nmer text",
        admin_user.pk,
    )
    assert first_line.data == {
        "interaction_id": 5,
        "channel": "call",
        "direction": "in",
        "subject": "",
        "sender": "+46701234567",
        "outcome": "answered",
        "duration_seconds": 95,
        "flags": [],
    }
    assert rendered(first_line) == ("Undrar över leveransen",) * 3
    subject = events.interaction_recorded(
        customer_id=customer.pk,
        interaction=interaction(
            channel="email", subject="Faktura 12", text="x" * 500, flags=["is_auto_reply"]
        ),
        occurred_at=MOMENT,
    )
    assert (subject.kind, subject.summary, len(subject.body), subject.data["flags"]) == (
        "interaction.email",
        "Faktura 12",
        400,
        ["is_auto_reply"],
    )
    bare = events.interaction_recorded(
        customer_id=customer.pk, interaction=interaction(text=" "), occurred_at=MOMENT
    )
    assert bare.summary == "Samtal"


def test_an_interaction_on_an_unknown_channel_is_refused_and_nothing_is_written() -> None:
    customer = factories.person()
    before = Event.objects.count()
    with pytest.raises(ValueError, match="fax"):
        event_record(
            events.interaction_recorded(
                customer_id=customer.pk, interaction=interaction(channel="fax"), occurred_at=MOMENT
            )
        )
    assert Event.objects.count() == before


def test_actor_id_is_a_staff_users_id_or_none(admin_user: User) -> None:
    assert events.actor_id_of(admin_user) == admin_user.pk
    assert events.actor_id_of(None) is None
    assert events.actor_id_of(object()) is None
