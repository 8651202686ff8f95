"""Reads of follow-ups: the filtered list (pages and API), My day's overdue and today's work, a
customer's open follow-ups, the bell's notifications and the calendar feed's owner."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from lojal.accounts import selectors as accounts_selectors
from lojal.activities.models import Activity, CalendarFeed, Notification, ReminderPreference
from lojal.core.errors import NotFound

#: Soonest due first; on one day, timed ones by their time, then the rest (NULLs last on both databases).
SOONEST = ("due_date", F("due_time").asc(nulls_last=True), "id")
SOONEST_EXPRESSIONS = (F("due_date").asc(), F("due_time").asc(nulls_last=True), F("id").asc())
#: How far back the calendar feed reaches.
FEED_DAYS_BACK = 30
FEED_MAX_EVENTS = 2000


@dataclass(frozen=True)
class ActivityFilters:
    """What a list of follow-ups is narrowed to; every field is optional. ``scope``: ``mine`` (owned by
    ``viewer_id`` or one of their teams), ``teams`` (owned by one of their teams) or ``all``."""

    owner_id: int | None = None
    team_id: int | None = None
    customer_id: int | None = None
    status: str = ""
    kind: str = ""
    due_before: dt.date | None = None
    due_after: dt.date | None = None
    scope: str = "all"
    viewer_id: int | None = None


def _owned_by(user_id: int, *, with_user: bool = True, with_teams: bool = True) -> Q:
    condition = Q(pk__in=[])
    if with_user:
        condition |= Q(owner_id=user_id)
    if with_teams:
        team_ids = accounts_selectors.team_ids_of(user_id=user_id)
        if team_ids:
            condition |= Q(owner_team_id__in=team_ids)
    return condition


#: Priorities most urgent first, as the list sorts them (the stored codes sort alphabetically).
PRIORITY_RANK = Case(
    When(priority=Activity.Priority.HIGH, then=Value(0)),
    When(priority=Activity.Priority.NORMAL, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def activity_list(*, filters: ActivityFilters, order_by: Sequence[str] = ()) -> QuerySet[Activity]:
    """Follow-ups matching ``filters``, soonest due first (overdue ones lead an open list) unless
    ``order_by`` says otherwise (``priority_rank`` sorts the most urgent first), with their customer,
    contact person, owner and team loaded. ``due_before`` and ``due_after`` are inclusive."""
    activities = Activity.objects.select_related("customer", "contact_person", "owner", "owner_team")
    if any(key.lstrip("-") == "priority_rank" for key in order_by):
        activities = activities.annotate(priority_rank=PRIORITY_RANK)
    if filters.scope in {"mine", "teams"} and filters.viewer_id is not None:
        activities = activities.filter(_owned_by(filters.viewer_id, with_user=filters.scope == "mine"))
    if filters.owner_id is not None:
        activities = activities.filter(owner_id=filters.owner_id)
    if filters.team_id is not None:
        activities = activities.filter(owner_team_id=filters.team_id)
    if filters.customer_id is not None:
        activities = activities.filter(customer_id=filters.customer_id)
    if filters.status:
        activities = activities.filter(status=filters.status)
    if filters.kind:
        activities = activities.filter(kind=filters.kind)
    if filters.due_before is not None:
        activities = activities.filter(due_date__lte=filters.due_before)
    if filters.due_after is not None:
        activities = activities.filter(due_date__gte=filters.due_after)
    return activities.order_by(*(order_by or ("due_date", "id")))


def activity_get(*, activity_id: int) -> Activity:
    activity = (
        Activity.objects.select_related("customer", "contact_person", "owner", "owner_team")
        .filter(pk=activity_id)
        .first()
    )
    if activity is None:
        raise NotFound(_("No follow-up with id %(id)s.") % {"id": activity_id})
    return activity


@dataclass(frozen=True)
class DayActivities:
    """A member of staff's open follow-ups due today or before, soonest first: at most the limit of
    each (the most urgent), with how many there are in all."""

    overdue: list[Activity]
    today: list[Activity]
    overdue_count: int = 0
    today_count: int = 0

    @property
    def more_overdue(self) -> int:
        return self.overdue_count - len(self.overdue)

    @property
    def more_today(self) -> int:
        return self.today_count - len(self.today)


#: What My day shows of a follow-up (a customer row is wide: only its name is read).
MY_DAY_FIELDS = (
    "kind",
    "subject",
    "notes",
    "due_date",
    "due_time",
    "priority",
    "status",
    "owner_id",
    "customer__id",
    "customer__display_name",
    "owner_team__id",
    "owner_team__name",
)


#: Which block of My day a follow-up due by today is in.
_OVERDUE, _TODAY = 0, 1


def activities_for_my_day(*, user: Any, today: dt.date, limit: int = 10) -> DayActivities:
    """What ``user`` (and the teams they belong to) still has to do: the ``limit`` most urgent open
    follow-ups due before ``today`` (overdue) and the ``limit`` most urgent due on ``today``, soonest
    due first (timed ones of a day by their time, then the rest), with the customer loaded, and how
    many of each there are. Three queries: the user's team ids (read apart, so that the next is an OR of
    two plain index conditions on (owner, status, due_date) and (owner_team, status, due_date), not a
    subquery under an OR); the ids of each block's first ``limit`` with the block's count, numbered by
    a window function over the due ones (one index read, no row drawn that is not shown); those rows."""
    block = Case(
        When(due_date__lt=today, then=Value(_OVERDUE)), default=Value(_TODAY), output_field=IntegerField()
    )
    ranked = list(
        Activity.objects.filter(_owned_by(user.pk), status=Activity.Status.OPEN, due_date__lte=today)
        .annotate(
            block=block,
            rank=Window(RowNumber(), partition_by=[block], order_by=SOONEST_EXPRESSIONS),
            block_count=Window(Count("id"), partition_by=[block]),
        )
        .filter(rank__lte=limit)
        .values_list("id", "block", "block_count")
    )
    counts = {block_of: count for _id, block_of, count in ranked}
    rows = list(
        Activity.objects.filter(pk__in=[row[0] for row in ranked])
        .select_related("customer", "owner_team")
        .only(*MY_DAY_FIELDS)
        .order_by(*SOONEST)
    )
    return DayActivities(
        overdue=[row for row in rows if row.due_date < today],
        today=[row for row in rows if row.due_date == today],
        overdue_count=counts.get(_OVERDUE, 0),
        today_count=counts.get(_TODAY, 0),
    )


def customer_open_activities(*, customer_id: int, limit: int = 20) -> list[Activity]:
    """A customer's open follow-ups, soonest due first (the customer page's card)."""
    return list(
        Activity.objects.filter(customer_id=customer_id, status=Activity.Status.OPEN)
        .select_related("owner", "owner_team")
        .order_by(*SOONEST)[:limit]
    )


def notification_unread_count(*, user: Any) -> int:
    """The number on the bell: one count on the (recipient, read_at) index."""
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def notification_list(*, user: Any, limit: int = 50) -> list[Notification]:
    """The user's newest notifications, read or not, with their follow-up and its customer."""
    return list(
        Notification.objects.filter(recipient_id=user.pk)
        .select_related("activity", "activity__customer")
        .order_by("-created_at", "-id")[:limit]
    )


def reminder_preference_get(*, user: Any) -> ReminderPreference:
    """The user's reminder choices (the defaults, unsaved, when they never chose)."""
    return ReminderPreference.objects.filter(user_id=user.pk).first() or ReminderPreference(user=user)


def calendar_feed_list(*, user: Any) -> QuerySet[CalendarFeed]:
    return CalendarFeed.objects.filter(user_id=user.pk).order_by("-created_at", "-id")


def calendar_activities(*, user: Any, now: dt.datetime | None = None) -> list[Activity]:
    """What a member of staff's calendar shows: their (and their teams') open meetings and open
    follow-ups with a time, from :data:`FEED_DAYS_BACK` days back on."""
    since = timezone.localdate(now or timezone.now()) - dt.timedelta(days=FEED_DAYS_BACK)
    return list(
        Activity.objects.filter(_owned_by(user.pk), status=Activity.Status.OPEN, due_date__gte=since)
        .filter(Q(kind=Activity.Kind.MEETING) | Q(due_time__isnull=False))
        .select_related("customer", "contact_person")
        .order_by(*SOONEST)[:FEED_MAX_EVENTS]
    )
