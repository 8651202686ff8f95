"""A data subject's rights reach their follow-ups: erasure blanks what staff wrote about the person
(also the outcome on the timeline's done event) and keeps the dated follow-ups."""

from __future__ import annotations

import datetime as dt

import pytest

from lojal.accounts.models import User
from lojal.activities import services
from lojal.activities.models import Activity, Notification
from lojal.activities.privacy import export_sections
from lojal.privacy.erasure import customer_erase
from lojal.timeline.models import Event
from tests import factories

pytestmark = pytest.mark.django_db


def test_erasure_blanks_the_follow_ups_and_their_timeline_outcome(
    admin_user: User, make_user: object
) -> None:
    kari = factories.person(first_name="Kari", last_name="Nordmann")
    other = factories.person()
    done = services.activity_create(
        actor=admin_user, subject="Ring Kari om skulden", customer_id=kari.pk, due_date=dt.date(2026, 12, 1)
    )
    services.activity_complete(actor=admin_user, activity_id=done.pk, outcome="Kari betalar fredag")
    services.activity_create(
        actor=None,
        subject="Kari igen",
        notes="privat",
        customer_id=kari.pk,
        owner_id=admin_user.pk,
        due_date=dt.date(2026, 12, 9),
    )
    kept = services.activity_create(
        actor=admin_user, subject="Annan kund", customer_id=other.pk, due_date=dt.date(2026, 12, 9)
    )

    customer_erase(customer_id=kari.pk, actor=admin_user, reason="The person asked")

    assert sorted(Activity.objects.filter(customer=kari).values_list("subject", "notes", "outcome")) == [
        ("(erased)", "", ""),
        ("(erased)", "", ""),
    ]
    assert Activity.objects.get(pk=kept.pk).subject == "Annan kund"
    assert list(Notification.objects.filter(activity__customer=kari).values_list("data", flat=True)) == [{}]
    event = Event.objects.get(customer=kari, kind="activity.done")
    assert "activity_outcome" not in event.data and "subject" not in event.data
    assert "Kari" not in event.summary + event.body


def test_the_export_lists_the_persons_follow_ups(admin_user: User) -> None:
    from lojal.core.data_subject import DataSubject

    kari = factories.person()
    services.activity_create(
        actor=admin_user, subject="Ring", customer_id=kari.pk, due_date=dt.date(2026, 12, 1)
    )

    (section,) = export_sections(DataSubject(customer_id=kari.pk, customer_ids=(kari.pk,)), actor=admin_user)

    assert [row["subject"] for row in section.rows()] == ["Ring"]
