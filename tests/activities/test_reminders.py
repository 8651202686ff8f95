"""Reminders: a follow-up that falls due puts one line under its owner's bell (once, however often the
worker runs), and the daily digest goes out once a day at the chosen hour."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from lojal.accounts.models import User
from lojal.accounts.roles import Role
from lojal.activities import selectors, services
from lojal.activities.models import Notification, ReminderPreference
from lojal.activities.reminders import digests_send, due_reminders_send
from lojal.core.errors import ValidationError
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 7)


def at(hour: int, minute: int = 0, day: dt.date = TODAY) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def test_a_follow_up_is_reminded_of_once_when_it_falls_due(admin_user: User) -> None:
    untimed = services.activity_create(actor=admin_user, subject="Idag", due_date=TODAY)
    at_ten = services.activity_create(actor=admin_user, subject="Kl 10", due_date=TODAY, due_time=dt.time(10))
    services.activity_create(actor=admin_user, subject="Imorgon", due_date=TODAY + dt.timedelta(days=1))

    first = due_reminders_send(now=at(9))
    again = due_reminders_send(now=at(9, 30))
    later = due_reminders_send(now=at(10, 1))
    after = due_reminders_send(now=at(23))

    assert (first, again, later, after) == (1, 0, 1, 0)
    assert list(Notification.objects.order_by("id").values_list("activity_id", "kind")) == [
        (untimed.pk, "activity_due"),
        (at_ten.pk, "activity_due"),
    ]
    assert selectors.notification_unread_count(user=admin_user) == 2


def test_a_team_follow_up_tells_every_active_member_and_a_done_one_nobody(
    admin_user: User, make_user: Callable[..., User], make_team: Callable[..., Any]
) -> None:
    sven, sara = make_user(Role.SERVICE_AGENT, "sven"), make_user(Role.SALES, "sara")
    gone = make_user(Role.SALES, "gone")
    gone.is_active = False
    gone.save()
    team = make_team("Kundtjänst", sven, sara, gone)
    services.activity_create(actor=admin_user, subject="Team", owner_team_id=team.pk, due_date=TODAY)
    done = services.activity_create(actor=admin_user, subject="Klar", due_date=TODAY)
    services.activity_complete(actor=admin_user, activity_id=done.pk)
    Notification.objects.all().delete()  # the assignment notices

    due_reminders_send(now=at(8))

    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted([sven.pk, sara.pk])


def test_a_new_due_date_is_reminded_of_again(admin_user: User) -> None:
    activity = services.activity_create(actor=admin_user, subject="Flyttad", due_date=TODAY)
    due_reminders_send(now=at(8))

    services.activity_update(
        actor=admin_user, activity_id=activity.pk, data={"due_date": TODAY + dt.timedelta(days=1)}
    )
    assert due_reminders_send(now=at(8)) == 0
    assert due_reminders_send(now=at(8, day=TODAY + dt.timedelta(days=1))) == 1


def test_marking_read_touches_only_ones_own(admin_user: User, make_user: Callable[..., User]) -> None:
    sara = make_user(Role.SALES, "sara")
    services.activity_create(actor=admin_user, subject="a", due_date=TODAY)
    services.activity_create(actor=admin_user, subject="b", owner_id=sara.pk, due_date=TODAY)
    due_reminders_send(now=at(8))
    saras = Notification.objects.filter(recipient=sara).values_list("pk", flat=True)

    marked = services.notifications_mark_read(user=admin_user, notification_ids=list(saras))
    all_mine = services.notifications_mark_read(user=admin_user)

    assert (marked, all_mine) == (0, 1)
    assert Notification.objects.filter(recipient=sara, read_at__isnull=True).count() == 2


def _digest_for(user: User, hour: int = 7) -> None:
    user.email = f"{user.username}@lojal.example"
    user.save()
    services.reminder_preference_set(user=user, email_digest=True, digest_hour=hour)


def test_the_digest_goes_out_once_a_day_at_the_chosen_hour(admin_user: User) -> None:
    _digest_for(admin_user, hour=7)
    customer = factories.person(first_name="Kari", last_name="Nordmann")
    services.activity_create(actor=admin_user, subject="Försenad", due_date=TODAY - dt.timedelta(days=1))
    services.activity_create(
        actor=admin_user, subject="Ring Kari", due_date=TODAY, customer_id=customer.pk, kind="call"
    )
    services.activity_create(actor=admin_user, subject="Senare", due_date=TODAY + dt.timedelta(days=2))

    early = digests_send(now=at(6, 59))
    on_time = digests_send(now=at(7, 5))
    again = digests_send(now=at(12))

    assert (early.sent, on_time.sent, again.sent) == (0, 1, 0)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["admin@lojal.example"]
    assert message.subject == "Your follow-ups for 2026-12-07"
    assert "Försenad" in message.body and "Ring Kari (Kari Nordmann)" in message.body
    assert "Senare" not in message.body
    assert ReminderPreference.objects.get(user=admin_user).last_digest_on == TODAY
    assert digests_send(now=at(7, 1, day=TODAY + dt.timedelta(days=1))).sent == 1


def test_no_digest_when_nothing_is_due_and_none_for_those_who_did_not_choose_it(
    admin_user: User, make_user: Callable[..., User]
) -> None:
    _digest_for(admin_user)
    sara = make_user(Role.SALES, "sara")
    services.activity_create(actor=admin_user, subject="Saras", owner_id=sara.pk, due_date=TODAY)

    run = digests_send(now=at(9))

    assert (run.sent, run.empty) == (0, 1)
    assert mail.outbox == []


def test_a_digest_needs_an_email_address_and_a_real_hour(admin_user: User) -> None:
    admin_user.email = ""
    admin_user.save()

    with pytest.raises(ValidationError):
        services.reminder_preference_set(user=admin_user, email_digest=True, digest_hour=7)
    with pytest.raises(ValidationError):
        services.reminder_preference_set(user=admin_user, email_digest=False, digest_hour=24)

    assert ReminderPreference.objects.count() == 0


def test_the_reminders_chain_books_itself_once_and_its_run_reminds(admin_user: User, settings: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    from lojal.activities import tasks

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    path = "lojal.activities.tasks.reminders_task"

    assert tasks.reminders_schedule() is True
    assert tasks.reminders_schedule() is True
    assert DBTaskResult.objects.filter(task_path=path, status="READY").count() == 1

    services.activity_create(
        actor=admin_user, subject="Förfallen", due_date=timezone.localdate() - dt.timedelta(days=1)
    )
    DBTaskResult.objects.all().delete()
    result = tasks.reminders_task.func()

    assert result == "notified=1 digests=0 empty=0 failed=0"
    assert Notification.objects.filter(kind="activity_due").count() == 1
    assert DBTaskResult.objects.filter(task_path=path, status="READY").count() == 1  # the next run
