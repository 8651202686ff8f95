"""Reminders, run by the worker every few minutes (:mod:`lojal.activities.tasks`): a notification under
the bell when a follow-up falls due, and the daily email digest at the hour each member of staff chose.

Both are idempotent: a follow-up is reminded of once (``due_notified_at``, cleared when its due date or
time changes), and a digest goes out at most once a day (``last_digest_on`` is claimed before sending).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from lojal.accounts import selectors as accounts_selectors
from lojal.activities.models import Activity, Notification, ReminderPreference
from lojal.activities.selectors import activities_for_my_day

logger = logging.getLogger(__name__)
BATCH = 500


def _fallen_due(now: dt.datetime) -> Q:
    """Open follow-ups due by ``now`` (local time): an earlier day, today without a time, or today at
    a time already past."""
    local = timezone.localtime(now)
    today = local.date()
    return (
        Q(due_date__lt=today)
        | Q(due_date=today, due_time__isnull=True)
        | Q(due_date=today, due_time__lte=local.time())
    )


def due_reminders_send(*, now: dt.datetime | None = None) -> int:
    """One notification per owner (or per active member of the owning team) for each open follow-up
    that has fallen due and was not reminded of yet; returns how many notifications were written.
    Safe to run twice at once: each batch locks its rows and skips rows another run holds."""
    now = now or timezone.now()
    written = 0
    while True:
        with transaction.atomic():
            batch = list(
                Activity.objects.select_for_update(skip_locked=True)
                .filter(_fallen_due(now), status=Activity.Status.OPEN, due_notified_at__isnull=True)
                .values("id", "subject", "owner_id", "owner_team_id")[:BATCH]
            )
            if not batch:
                return written
            members: dict[int, list[int]] = {}
            notifications = []
            for row in batch:
                if row["owner_id"] is not None:
                    recipients = [row["owner_id"]]
                elif row["owner_team_id"] is not None:
                    team_id = row["owner_team_id"]
                    if team_id not in members:
                        members[team_id] = accounts_selectors.team_member_ids(team_id=team_id)
                    recipients = members[team_id]
                else:
                    recipients = []  # the owner left and was removed: nobody to tell
                notifications += [
                    Notification(
                        recipient_id=user_id,
                        kind=Notification.Kind.ACTIVITY_DUE,
                        activity_id=row["id"],
                        data={"subject": row["subject"]},
                    )
                    for user_id in recipients
                ]
            Notification.objects.bulk_create(notifications)
            Activity.objects.filter(pk__in=[row["id"] for row in batch]).update(due_notified_at=now)
            written += len(notifications)


@dataclass(frozen=True)
class DigestRun:
    sent: int
    empty: int
    failed: int


def _language_of(user: Any) -> str:
    # The user's own language once accounts stores one (a field named ``language``); until then the
    # site's default.
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def _digest_message(user: Any, today: dt.date) -> EmailMessage | None:
    day = activities_for_my_day(user=user, today=today, limit=100)
    if not day.overdue and not day.today:
        return None
    with translation.override(_language_of(user)):
        subject = _("Your follow-ups for %(date)s") % {
            "date": formats.date_format(today, "SHORT_DATE_FORMAT")
        }
        body = render_to_string("activities/digest_email.txt", {"user": user, "day": day, "today": today})
    return EmailMessage(subject=subject, body=body, to=[user.email])


def digests_send(*, now: dt.datetime | None = None) -> DigestRun:
    """Each member of staff who chose the daily digest, once their hour has come today, gets one email
    of their overdue and today's follow-ups (none when there are none). At most once a day: the day is
    claimed before the email is sent, so a crash mid-send loses that day's digest rather than doubling it."""
    local = timezone.localtime(now or timezone.now())
    today = local.date()
    waiting = (
        ReminderPreference.objects.filter(
            email_digest=True, digest_hour__lte=local.hour, user__is_active=True
        )
        .filter(Q(last_digest_on__isnull=True) | Q(last_digest_on__lt=today))
        .exclude(user__email="")
        .select_related("user")
    )
    sent = empty = failed = 0
    for preference in list(waiting):
        claimed = (
            ReminderPreference.objects.filter(pk=preference.pk)
            .filter(Q(last_digest_on__isnull=True) | Q(last_digest_on__lt=today))
            .update(last_digest_on=today)
        )
        if not claimed:
            continue  # another worker has it
        message = _digest_message(preference.user, today)
        if message is None:
            empty += 1
            continue
        try:
            message.send()
        except OSError:
            logger.exception("The follow-up digest to user %s could not be sent", preference.user_id)
            failed += 1
        else:
            sent += 1
    return DigestRun(sent=sent, empty=empty, failed=failed)
