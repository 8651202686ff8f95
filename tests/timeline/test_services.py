"""The timeline: notes, events newest first with keyset pages, and moving events on a merge."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lojal.accounts.models import User
from lojal.core.errors import ValidationError
from lojal.timeline.events import note_added
from lojal.timeline.models import Event
from lojal.timeline.selectors import event_list
from lojal.timeline.services import NOTE_MAX_LENGTH, event_record, events_reassign, note_add
from tests import factories

pytestmark = pytest.mark.django_db


def test_note_keeps_the_whole_text_and_summarises_its_first_line(admin_user: User) -> None:
    anna = factories.person()
    note = note_add(
        customer_id=anna.pk, text="  Called about the invoice\n\nShe pays Friday \n", actor=admin_user
    )
    note.refresh_from_db()
    assert (note.kind, note.summary, note.body, note.actor) == (
        "note.added",
        "Called about the invoice",
        "Called about the invoice\n\nShe pays Friday",
        admin_user,
    )
    assert note.display_summary == "Called about the invoice"
    assert note.kind_label == "Note"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "Write something before saving the note."),
        (" \n\t ", "Write something before saving the note."),
        ("x" * (NOTE_MAX_LENGTH + 1), f"A note can be at most {NOTE_MAX_LENGTH} characters."),
    ],
)
def test_empty_or_too_long_note_is_refused_and_not_saved(text: str, reason: str) -> None:
    anna = factories.person()
    before = Event.objects.count()
    with pytest.raises(ValidationError) as caught:
        note_add(customer_id=anna.pk, text=text, actor=None)
    assert caught.value.errors == {"text": [reason]}
    assert Event.objects.count() == before


def test_note_of_exactly_the_maximum_length_is_kept() -> None:
    anna = factories.person()
    assert len(note_add(customer_id=anna.pk, text="x" * NOTE_MAX_LENGTH, actor=None).body) == NOTE_MAX_LENGTH


def test_long_summary_is_cut_to_the_column() -> None:
    anna = factories.person()
    event = event_record(note_added(customer_id=anna.pk, text="y" * 500))
    event.refresh_from_db()
    assert (len(event.summary), len(event.body)) == (300, 500)


def test_event_list_pages_newest_first_through_ties() -> None:
    # given 13 events, three at each moment
    anna = factories.person()
    Event.objects.filter(customer=anna).delete()
    base = timezone.now() - dt.timedelta(hours=1)
    Event.objects.bulk_create(
        Event(
            customer=anna, kind="note.added", summary=str(n), occurred_at=base + dt.timedelta(minutes=n // 3)
        )
        for n in range(13)
    )
    expected = list(
        Event.objects.filter(customer=anna).order_by("-occurred_at", "-id").values_list("pk", flat=True)
    )

    # when
    seen: list[int] = []
    before = None
    sizes = []
    while True:
        page = event_list(customer_id=anna.pk, limit=5, before=before)
        seen += [event.pk for event in page.events]
        sizes.append(len(page.events))
        if page.next_before is None:
            break
        before = page.next_before

    # then
    assert sizes == [5, 5, 3]
    assert seen == expected


def test_event_list_filters_by_kind_and_keeps_customers_apart() -> None:
    anna, bertil = factories.person(), factories.person()
    note = note_add(customer_id=anna.pk, text="Hello", actor=None)
    note_add(customer_id=bertil.pk, text="Other", actor=None)
    assert [e.pk for e in event_list(customer_id=anna.pk, kinds=["note.added"]).events] == [note.pk]
    assert [e.kind for e in event_list(customer_id=anna.pk).events] == ["note.added", "customer.created"]


def test_events_reassign_moves_every_event() -> None:
    anna, bertil = factories.person(), factories.person()
    note_add(customer_id=bertil.pk, text="Hello", actor=None)
    assert events_reassign(from_customer_id=bertil.pk, to_customer_id=anna.pk) == 2
    assert Event.objects.filter(customer=bertil).count() == 0
    assert Event.objects.filter(customer=anna).count() == 3
