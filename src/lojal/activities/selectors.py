"""Reads for activities.

Only what My day needs is here on the ``calllists`` branch; the ``activities`` branch brings the rest
(and its own version of this function, which the merge keeps if it answers the same)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from lojal.activities.models import Activity

#: What My day shows of an activity.
MY_DAY_FIELDS = (
    "kind",
    "subject",
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


def activities_for_my_day(*, user: Any, today: dt.date, limit: int = 30) -> QuerySet[Activity]:
    """The open activities ``user`` owes, overdue ones first and then today's: theirs and their teams',
    each with its customer's name and its team loaded, in one query whatever the count (only the
    columns a list shows: a customer row is wide)."""
    teams = user.teams.values("pk")
    return (
        Activity.objects.filter(Q(owner=user) | Q(owner_team__in=teams))
        .filter(status=Activity.Status.OPEN, due_date__lte=today)
        .select_related("customer", "owner_team")
        .only(*MY_DAY_FIELDS)
        .order_by("due_date", "due_time", "id")[:limit]
    )
