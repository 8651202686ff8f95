"""Writes for follow-ups: create one (the door every app uses: by hand, from a call marked "follow-up
needed", later from cases and playbooks), change, complete (onto the customer's timeline), cancel and
reopen it; the bell's notifications; a member of staff's reminder choices and calendar feeds."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.accounts import selectors as accounts_selectors
from lojal.accounts.roles import Action
from lojal.activities.models import Activity, CalendarFeed, Notification, ReminderPreference
from lojal.core.audit import audit_record
from lojal.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from lojal.core.inputs import choice_checked, date_fault, text_checked
from lojal.customers import selectors as customers_selectors
from lojal.timeline import events
from lojal.timeline.services import event_record

SUBJECT_MAX_LENGTH = 200
NOTES_MAX_LENGTH = 20_000
OUTCOME_MAX_LENGTH = 500
REFERENCE_MAX_LENGTH = 100
DURATION_MAX_MINUTES = 24 * 60
#: A meeting at a set time without a stated length lasts this long (in the calendar feed too).
MEETING_DEFAULT_MINUTES = 60
FEED_PREFIX = "lojal_cal_"
#: The fields :func:`activity_update` changes; the rest have services of their own.
EDITABLE = (
    "kind",
    "subject",
    "notes",
    "customer_id",
    "contact_person_id",
    "owner_id",
    "owner_team_id",
    "due_date",
    "due_time",
    "duration_minutes",
    "priority",
)


_text = text_checked
_choice = choice_checked


def _clean(values: dict[str, Any], *, references: set[str] | None = None) -> dict[str, Any]:
    """The activity's fields checked together (the whole activity as it will be), or ValidationError
    naming the first field that breaks a rule. Changes nothing. The owner, team, customer and contact
    person are looked up when in ``references`` (all when None): a change keeps an owner who has left."""
    check = set(EDITABLE) if references is None else references
    cleaned = dict(values)
    cleaned["kind"] = _choice(values["kind"], "kind", Activity.Kind.values)
    cleaned["priority"] = _choice(values["priority"], "priority", Activity.Priority.values)
    cleaned["subject"] = _text(values["subject"], "subject", max_length=SUBJECT_MAX_LENGTH, required=True)
    cleaned["notes"] = _text(values["notes"], "notes", max_length=NOTES_MAX_LENGTH)
    due_date = values["due_date"]
    if due_date is None:
        raise ValidationError.for_field("due_date", _("A follow-up needs a due date."))
    if not isinstance(due_date, dt.date) or isinstance(due_date, dt.datetime):
        raise ValidationError.for_field("due_date", _("Must be a date."))
    if reason := date_fault(due_date):
        raise ValidationError.for_field("due_date", reason)
    due_time = values["due_time"]
    if due_time is not None and not isinstance(due_time, dt.time):
        raise ValidationError.for_field("due_time", _("Must be a time of day."))
    duration = values["duration_minutes"]
    if duration is not None:
        if cleaned["kind"] != Activity.Kind.MEETING:
            raise ValidationError.for_field("duration_minutes", _("Only a meeting has a duration."))
        if not isinstance(duration, int) or not 1 <= duration <= DURATION_MAX_MINUTES:
            raise ValidationError.for_field("duration_minutes", _("Between 1 and 1440 minutes."))
    elif cleaned["kind"] == Activity.Kind.MEETING and due_time is not None:
        cleaned["duration_minutes"] = MEETING_DEFAULT_MINUTES
    owner_id, team_id = values["owner_id"], values["owner_team_id"]
    if owner_id is not None and team_id is not None:
        raise ValidationError.for_field(
            "owner_id", _("Give the follow-up to one person or one team, not both.")
        )
    if owner_id is None and team_id is None:
        raise ValidationError.for_field("owner_id", _("Give the follow-up to a person or a team."))
    if (
        owner_id is not None
        and "owner_id" in check
        and accounts_selectors.staff_get(user_id=owner_id, active_only=True) is None
    ):
        raise ValidationError.for_field("owner_id", _("No active member of staff with this id."))
    if (
        team_id is not None
        and "owner_team_id" in check
        and not accounts_selectors.team_exists(team_id=team_id)
    ):
        raise ValidationError.for_field("owner_team_id", _("No team with this id."))
    customer_id, contact_id = values["customer_id"], values["contact_person_id"]
    if (
        customer_id is not None
        and "customer_id" in check
        and not customers_selectors.customer_exists(customer_id=customer_id)
    ):
        raise ValidationError.for_field("customer_id", _("No customer with this id."))
    if (
        contact_id is not None
        and {"customer_id", "contact_person_id"} & check
        and (
            customer_id is None
            or not customers_selectors.contact_person_of(
                customer_id=customer_id, contact_person_id=contact_id
            )
        )
    ):
        raise ValidationError.for_field(
            "contact_person_id", _("This contact person does not belong to the customer.")
        )
    return cleaned


def _may_change(actor: Any, activity: Activity) -> bool:
    """The owner, a member of the owning team, whoever created it, or a role that manages anyone's."""
    if actor is None:  # another app's service acting for the system
        return True
    if actor.can(Action.ACTIVITY_MANAGE_ANY):
        return True
    if not actor.can(Action.ACTIVITY_MANAGE):
        return False
    if actor.pk in (activity.owner_id, activity.created_by_id):
        return True
    return activity.owner_team_id is not None and activity.owner_team_id in accounts_selectors.team_ids_of(
        user_id=actor.pk
    )


def _notify_assigned(activity: Activity, *, actor: Any, previous: Activity | None = None) -> int:
    """Tell the new owner (or each member of the new team) that the follow-up is theirs; not the one
    who assigned it, and not someone who already had it."""
    recipients: list[int] = []
    if activity.owner_id is not None and (previous is None or previous.owner_id != activity.owner_id):
        recipients = [activity.owner_id]
    elif activity.owner_team_id is not None and (
        previous is None or previous.owner_team_id != activity.owner_team_id
    ):
        recipients = accounts_selectors.team_member_ids(team_id=activity.owner_team_id)
    actor_id = getattr(actor, "pk", None)
    data = {"subject": activity.subject, "by": getattr(actor, "display_name", "") if actor_id else ""}
    notifications = [
        Notification(
            recipient_id=user_id, kind=Notification.Kind.ACTIVITY_ASSIGNED, activity=activity, data=data
        )
        for user_id in recipients
        if user_id != actor_id
    ]
    Notification.objects.bulk_create(notifications)
    return len(notifications)


def activity_create(
    *,
    actor: Any,
    subject: str,
    due_date: dt.date | None,
    kind: str = Activity.Kind.TODO,
    notes: str = "",
    customer_id: int | None = None,
    contact_person_id: int | None = None,
    owner_id: int | None = None,
    owner_team_id: int | None = None,
    due_time: dt.time | None = None,
    duration_minutes: int | None = None,
    priority: str = Activity.Priority.NORMAL,
    origin: str = Activity.Origin.MANUAL,
    origin_reference: str = "",
) -> Activity:
    """A follow-up for a person or a team (without either, for ``actor`` themself), usually for one
    live customer. ``actor`` is the member of staff, or None when an app creates it for the system
    (then ``origin`` is ``app`` or ``call_follow_up`` and ``origin_reference`` says what it came from).
    Bad input raises ValidationError naming the field, and nothing is written. Runs in the caller's
    transaction when there is one (a call and its follow-up are saved together)."""
    if actor is not None and not actor.can(Action.ACTIVITY_MANAGE):
        raise PermissionDenied(_("Your role does not allow this."))
    if owner_id is None and owner_team_id is None and getattr(actor, "pk", None):
        owner_id = actor.pk
    values = _clean(
        {
            "kind": kind,
            "subject": subject,
            "notes": notes,
            "customer_id": customer_id,
            "contact_person_id": contact_person_id,
            "owner_id": owner_id,
            "owner_team_id": owner_team_id,
            "due_date": due_date,
            "due_time": due_time,
            "duration_minutes": duration_minutes,
            "priority": priority,
        }
    )
    origin = _choice(origin, "origin", Activity.Origin.values)
    reference = _text(origin_reference, "origin_reference", max_length=REFERENCE_MAX_LENGTH)
    with transaction.atomic():
        activity = Activity.objects.create(
            **values,
            origin=origin,
            origin_reference=reference,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        _notify_assigned(activity, actor=actor)
        audit_record(actor=actor, action="activity.created", obj=activity, label=activity.subject)
    return activity


def _locked(activity_id: int) -> Activity:
    activity = Activity.objects.select_for_update().filter(pk=activity_id).first()
    if activity is None:
        raise NotFound(_("No follow-up with id %(id)s.") % {"id": activity_id})
    return activity


def _checked(actor: Any, activity_id: int) -> Activity:
    activity = _locked(activity_id)
    if not _may_change(actor, activity):
        raise PermissionDenied(
            _("Only its owner, its team, whoever created it or a manager may change this follow-up.")
        )
    return activity


@transaction.atomic
def activity_update(*, actor: Any, activity_id: int, data: Mapping[str, Any]) -> Activity:
    """Change some fields of an open follow-up (``data``: field -> new value, of :data:`EDITABLE`).
    A new owner or team is notified; a new due date or time is reminded of again."""
    unknown = sorted(set(data) - set(EDITABLE))
    if unknown:
        raise ValidationError.for_field(unknown[0], _("This field cannot be changed here."))
    activity = _checked(actor, activity_id)
    if activity.status != Activity.Status.OPEN:
        raise Conflict(_("Only an open follow-up can be changed; reopen it first."))
    current = {name: getattr(activity, name) for name in EDITABLE}
    merged = {**current, **data}
    if "owner_id" in data and data["owner_id"] is not None and "owner_team_id" not in data:
        merged["owner_team_id"] = None  # given to a person: no longer the team's
    if "owner_team_id" in data and data["owner_team_id"] is not None and "owner_id" not in data:
        merged["owner_id"] = None
    if merged["kind"] != Activity.Kind.MEETING and "duration_minutes" not in data:
        merged["duration_minutes"] = None
    if (
        "customer_id" in data
        and "contact_person_id" not in data
        and data["customer_id"] != current["customer_id"]
    ):
        merged["contact_person_id"] = None
    values = _clean(merged, references={name for name in EDITABLE if merged[name] != current[name]})
    changed = {name: [current[name], values[name]] for name in EDITABLE if values[name] != current[name]}
    if not changed:
        return activity
    previous = Activity(owner_id=activity.owner_id, owner_team_id=activity.owner_team_id)
    for name, (_old, new) in changed.items():
        setattr(activity, name, new)
    if {"due_date", "due_time"} & set(changed):
        activity.due_notified_at = None  # falls due anew: remind again then
    activity.save()
    _notify_assigned(activity, actor=actor, previous=previous)
    audit_record(
        actor=actor, action="activity.changed", obj=activity, changes=changed, label=activity.subject
    )
    return activity


@transaction.atomic
def activity_complete(*, actor: Any, activity_id: int, outcome: str = "") -> Activity:
    """Mark an open follow-up done with what came of it; one event goes on the customer's timeline."""
    outcome = _text(outcome, "outcome", max_length=OUTCOME_MAX_LENGTH)
    activity = _checked(actor, activity_id)
    if activity.status != Activity.Status.OPEN:
        raise Conflict(
            _("This follow-up is already %(status)s.") % {"status": activity.get_status_display().lower()}
        )
    now = timezone.now()
    activity.status = Activity.Status.DONE
    activity.outcome = outcome
    activity.completed_at = now
    activity.completed_by = actor if getattr(actor, "pk", None) else None
    activity.save(update_fields=["status", "outcome", "completed_at", "completed_by", "updated_at"])
    if activity.customer_id is not None:
        event_record(
            events.activity_done(
                customer_id=activity.customer_id,
                activity=events.ActivityFacts(
                    activity_id=activity.pk, kind=activity.kind, subject=activity.subject, outcome=outcome
                ),
                occurred_at=now,
                actor_id=events.actor_id_of(actor),
            )
        )
    audit_record(
        actor=actor,
        action="activity.completed",
        obj=activity,
        changes={"status": [Activity.Status.OPEN, Activity.Status.DONE], "outcome": ["", outcome]},
        label=activity.subject,
    )
    return activity


@transaction.atomic
def activity_cancel(*, actor: Any, activity_id: int, reason: str = "") -> Activity:
    """Cancel an open follow-up (nothing goes on the timeline: nothing happened with the customer)."""
    reason = _text(reason, "reason", max_length=OUTCOME_MAX_LENGTH)
    activity = _checked(actor, activity_id)
    if activity.status != Activity.Status.OPEN:
        raise Conflict(
            _("This follow-up is already %(status)s.") % {"status": activity.get_status_display().lower()}
        )
    activity.status = Activity.Status.CANCELLED
    activity.outcome = reason
    activity.completed_at = timezone.now()
    activity.completed_by = actor if getattr(actor, "pk", None) else None
    activity.save(update_fields=["status", "outcome", "completed_at", "completed_by", "updated_at"])
    audit_record(
        actor=actor,
        action="activity.cancelled",
        obj=activity,
        changes={"status": [Activity.Status.OPEN, Activity.Status.CANCELLED]},
        label=activity.subject,
    )
    return activity


@transaction.atomic
def activity_reopen(*, actor: Any, activity_id: int) -> Activity:
    """Open a cancelled follow-up again. A done one stays done: its event is on the timeline, so a new
    follow-up is what the next step needs."""
    activity = _checked(actor, activity_id)
    if activity.status != Activity.Status.CANCELLED:
        raise Conflict(_("Only a cancelled follow-up can be reopened."))
    activity.status = Activity.Status.OPEN
    activity.outcome = ""
    activity.completed_at = None
    activity.completed_by = None
    activity.due_notified_at = None
    activity.save(
        update_fields=["status", "outcome", "completed_at", "completed_by", "due_notified_at", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="activity.reopened",
        obj=activity,
        changes={"status": [Activity.Status.CANCELLED, Activity.Status.OPEN]},
        label=activity.subject,
    )
    return activity


def notifications_mark_read(*, user: Any, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications read (only those of ``notification_ids`` when given);
    returns how many. Another user's ids are left alone."""
    unread = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())


def reminder_preference_set(*, user: Any, email_digest: bool, digest_hour: int) -> ReminderPreference:
    """Whether ``user`` gets a daily email of their open follow-ups, and at which hour (0-23, local)."""
    if not isinstance(digest_hour, int) or not 0 <= digest_hour <= 23:
        raise ValidationError.for_field("digest_hour", _("An hour from 0 to 23."))
    if email_digest and not user.email:
        raise ValidationError.for_field(
            "email_digest", _("Your account has no email address to send the digest to.")
        )
    preference, _created = ReminderPreference.objects.update_or_create(
        user=user, defaults={"email_digest": email_digest, "digest_hour": digest_hour}
    )
    return preference


def feed_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedFeed:
    """A new calendar feed: ``token`` is the only time its secret is available."""

    feed: CalendarFeed
    token: str


def calendar_feed_create(*, user: Any) -> IssuedFeed:
    """A new secret calendar address for ``user`` (only its SHA-256 digest is stored)."""
    token = FEED_PREFIX + secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(
        user=user, prefix=token[: len(FEED_PREFIX) + 2], digest=feed_digest(token)
    )
    audit_record(actor=user, action="calendar.created", obj=feed)
    return IssuedFeed(feed=feed, token=token)


def calendar_feed_revoke(*, user: Any, feed_id: int) -> CalendarFeed:
    """End one of ``user``'s calendar feeds; its address answers 404 from now on. Twice is harmless."""
    feed = CalendarFeed.objects.filter(user=user, pk=feed_id).first()
    if feed is None:
        raise NotFound(_("No such calendar feed."))
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
        audit_record(actor=user, action="calendar.revoked", obj=feed)
    return feed


def calendar_feed_authenticate(*, token: str) -> Any:
    """The active member of staff whose unrevoked feed has this token, or None; marks the feed read
    (at most once an hour, so a calendar polling often writes little)."""
    feed = (
        CalendarFeed.objects.filter(digest=feed_digest(token), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if feed is None or not feed.user.is_active:
        return None
    now = timezone.now()
    if feed.last_used_at is None or now - feed.last_used_at > dt.timedelta(hours=1):
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    return feed.user


#: The kinds other apps may send with :func:`notification_notify`.
OTHER_APPS_KINDS = frozenset(
    {
        Notification.Kind.CASE_ASSIGNED,
        Notification.Kind.CASE_MENTION,
        Notification.Kind.CASE_NEAR,
        Notification.Kind.CASE_BREACHED,
    }
)


def notification_notify(*, recipient_ids: Iterable[int], kind: str, data: Mapping[str, Any]) -> int:
    """Put a line under each recipient's bell for another app (a case assigned, a mention, a target
    near or past). ``data`` holds what the line says (``subject``, ``number``, ``by``) and where it
    leads (``url``, a path in Lojal); the text is rendered in the reader's language. Returns how many."""
    if kind not in OTHER_APPS_KINDS:
        raise ValidationError.for_field("kind", _("Not a kind of notification other apps send."))
    url = str(data.get("url", ""))
    if url and not url.startswith("/"):
        raise ValidationError.for_field("url", _("A link within Lojal, starting with /."))
    rows = [
        Notification(recipient_id=user_id, kind=kind, data=dict(data))
        for user_id in dict.fromkeys(recipient_ids)
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)
