"""The blocks of My day, the home page: what the signed-in member of staff has to do today, each block
read through the owning app's selectors and linking to where the work is done."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lojal.accounts.roles import Action
from lojal.activities import call_lists
from lojal.activities import selectors as activity_selectors
from lojal.cases import selectors as case_selectors
from lojal.customers import selectors as customer_selectors
from lojal.interactions import selectors as interaction_selectors
from lojal.timeline import selectors as timeline_selectors
from lojal.workspace.blocks import Block, block_register

#: Counts above this are shown as "more than": an exact count of a long queue costs time and helps no one.
COUNT_CAP = 99
BLOCK_ROWS = 10
#: customers.models.Stage.AT_RISK (a test keeps the two equal; the model is the customers app's own).
AT_RISK = "at_risk"


def _capped(count: int) -> dict[str, Any]:
    return {"count": min(count, COUNT_CAP), "capped": count > COUNT_CAP, "cap": COUNT_CAP}


def week_start(now: dt.datetime) -> dt.datetime:
    """Monday 00:00 of ``now``'s week, in ``now``'s time zone."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight - dt.timedelta(days=now.weekday())


def _activity_urls(activities: list[Any]) -> list[tuple[Any, str]]:
    """Each activity with the address of the page where it is changed."""
    return [(activity, reverse("activities:edit", args=[activity.pk])) for activity in activities]


def _activities(*, user: Any, today: dt.date, now: dt.datetime) -> dict[str, Any]:
    day = activity_selectors.activities_for_my_day(user=user, today=today, limit=BLOCK_ROWS)
    return {
        "overdue": _activity_urls(day.overdue),
        "due_today": _activity_urls(day.today),
        "overdue_count": day.overdue_count,
        "today_count": day.today_count,
        "more_overdue": day.more_overdue,
        "more_today": day.more_today,
        "today": today,
    }


def _call_lists(*, user: Any, today: dt.date, now: dt.datetime) -> dict[str, Any]:
    rows = list(
        call_lists.call_lists_with_progress(owner_id=user.pk, status=call_lists.ListStatus.ACTIVE)[
            : BLOCK_ROWS + 1
        ]
    )
    return {
        "call_lists": [(row, call_lists.progress_of(row)) for row in rows[:BLOCK_ROWS]],
        "more": len(rows) > BLOCK_ROWS,
    }


def _my_cases(*, user: Any, today: dt.date, now: dt.datetime) -> dict[str, Any]:
    mine = case_selectors.cases_assigned_to(user_id=user.pk, now=now, limit=BLOCK_ROWS)
    return {
        "cases": mine.cases,
        "count": mine.count,
        "breached": mine.breached,
        "more": mine.count > BLOCK_ROWS,
    }


def _inbox(*, user: Any, today: dt.date, now: dt.datetime) -> dict[str, Any]:
    return {
        "unmatched": _capped(interaction_selectors.unmatched_count()),
        "chats": _capped(interaction_selectors.open_chat_count()),
    }


def _duplicates(*, user: Any, today: dt.date, now: dt.datetime) -> dict[str, Any]:
    open_pairs = customer_selectors.duplicates_with_status().order_by()[: COUNT_CAP + 1]
    return {"duplicates": _capped(open_pairs.count())}


def _at_risk(*, user: Any, today: dt.date, now: dt.datetime) -> dict[str, Any]:
    changes = timeline_selectors.stage_changes_since(
        to_stage=AT_RISK, since=week_start(now), limit=BLOCK_ROWS * 5
    )
    # A customer moved to "at risk" twice this week shows once, and only while still at risk.
    latest: dict[int, Any] = {}
    for change in changes:
        latest.setdefault(change.customer_id, change)
    still = customer_selectors.customers_in_stage(customer_ids=list(latest), stage=AT_RISK)
    rows = [(still[customer_id], change) for customer_id, change in latest.items() if customer_id in still]
    return {"at_risk": rows[:BLOCK_ROWS], "more": len(rows) > BLOCK_ROWS, "stage": AT_RISK}


block_register(
    Block(
        key="activities",
        title=_("My follow-ups"),
        template="workspace/blocks/activities.html",
        read=_activities,
        order=10,
    )
)
block_register(
    Block(
        key="my_cases",
        title=_("My cases"),
        template="workspace/blocks/my_cases.html",
        read=_my_cases,
        action=Action.CASE_WORK,
        order=15,
    )
)
block_register(
    Block(
        key="call_lists",
        title=_("My call lists"),
        template="workspace/blocks/call_lists.html",
        read=_call_lists,
        action=Action.INTERACTION_LOG,
        order=20,
    )
)
block_register(
    Block(
        key="inbox",
        title=_("Inbox and chat"),
        template="workspace/blocks/inbox.html",
        read=_inbox,
        action=Action.INBOX_TRIAGE,
        order=30,
    )
)
block_register(
    Block(
        key="duplicates",
        title=_("Suspected duplicates"),
        template="workspace/blocks/duplicates.html",
        read=_duplicates,
        action=Action.CUSTOMER_MERGE,
        order=40,
    )
)
block_register(
    Block(
        key="at_risk",
        title=_("At risk this week"),
        template="workspace/blocks/at_risk.html",
        read=_at_risk,
        action=Action.CUSTOMER_VIEW,
        order=50,
    )
)
