"""The iCalendar feed at a member of staff's secret address: their meetings and timed follow-ups,
parsed back with the icalendar package; a revoked or unknown address is 404."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.activities import services
from lojal.activities.models import CalendarFeed
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_feed_lists_open_meetings_and_timed_follow_ups_in_utc(
    admin_user: User, make_user: Callable[..., User], make_team: Callable[..., Any]
) -> None:
    today = timezone.localdate()
    customer = factories.organisation(organisation_name="Volvo AB")
    team = make_team("Sälj", admin_user)
    meeting = services.activity_create(
        actor=admin_user,
        kind="meeting",
        subject="Årsmöte",
        customer_id=customer.pk,
        due_date=today + dt.timedelta(days=2),
        due_time=dt.time(14, 30),
        duration_minutes=45,
        notes="Ta med siffrorna",
    )
    call = services.activity_create(
        actor=admin_user,
        kind="call",
        subject="Ring",
        owner_team_id=team.pk,
        due_date=today,
        due_time=dt.time(9),
    )
    all_day = services.activity_create(actor=admin_user, kind="meeting", subject="Mässa", due_date=today)
    services.activity_create(actor=admin_user, kind="todo", subject="Utan tid", due_date=today)
    services.activity_create(
        actor=admin_user,
        kind="meeting",
        subject="För länge sedan",
        due_date=today - dt.timedelta(days=40),
        due_time=dt.time(9),
    )
    sara = make_user(Role.SALES, "sara")
    services.activity_create(
        actor=admin_user,
        kind="meeting",
        subject="Saras",
        owner_id=sara.pk,
        due_date=today,
        due_time=dt.time(9),
    )
    cancelled = services.activity_create(
        actor=admin_user, kind="meeting", subject="Inställt", due_date=today, due_time=dt.time(11)
    )
    services.activity_cancel(actor=admin_user, activity_id=cancelled.pk)
    issued = services.calendar_feed_create(user=admin_user)

    response = Client().get(f"/activities/calendar/{issued.token}.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    events = {str(event["uid"]): event for event in calendar.walk("VEVENT")}
    assert sorted(events) == sorted(f"activity-{a.pk}@testserver" for a in (meeting, call, all_day))
    held = events[f"activity-{meeting.pk}@testserver"]
    start = timezone.make_aware(
        dt.datetime.combine(today + dt.timedelta(days=2), dt.time(14, 30))
    ).astimezone(dt.UTC)
    assert held.decoded("dtstart") == start
    assert held.decoded("dtend") == start + dt.timedelta(minutes=45)
    assert held.decoded("dtstart").tzinfo is not None and held.decoded("dtstart").utcoffset() == dt.timedelta(
        0
    )
    assert str(held["summary"]) == "Årsmöte (Volvo AB)"
    assert "Ta med siffrorna" in str(held["description"])
    assert events[f"activity-{all_day.pk}@testserver"].decoded("dtstart") == today
    assert CalendarFeed.objects.get().last_used_at is not None


def test_a_revoked_or_unknown_address_is_404(admin_user: User) -> None:
    issued = services.calendar_feed_create(user=admin_user)
    client = Client()
    assert client.get(f"/activities/calendar/{issued.token}.ics").status_code == 200

    services.calendar_feed_revoke(user=admin_user, feed_id=issued.feed.pk)

    assert client.get(f"/activities/calendar/{issued.token}.ics").status_code == 404
    assert client.get("/activities/calendar/lojal_cal_nonsense.ics").status_code == 404


def test_only_the_tokens_digest_is_stored(admin_user: User) -> None:
    issued = services.calendar_feed_create(user=admin_user)

    stored = CalendarFeed.objects.get()
    assert issued.token not in (stored.digest, stored.prefix)
    assert issued.token.startswith(stored.prefix)
    assert len(stored.digest) == 64


def test_nobody_revokes_another_users_feed(admin_user: User, make_user: Callable[..., User]) -> None:
    from lojal.core.errors import NotFound

    issued = services.calendar_feed_create(user=admin_user)
    with pytest.raises(NotFound):
        services.calendar_feed_revoke(user=make_user(Role.SALES), feed_id=issued.feed.pk)
    assert CalendarFeed.objects.get().revoked_at is None
